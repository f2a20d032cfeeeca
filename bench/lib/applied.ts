// When each simulated agent applied (ACKed) a config version, on this process's clock. A
// SimulatedAgent ACKs a snapshot or a delta in its own message listener, registered before ours,
// so the time recorded here is just after its ACK was sent. Versions are the control plane's
// integers. Also counts the config frames (snapshots, deltas) and their bytes per agent.
import type { SimulatedAgent } from '@spillway/protocol';

export class AppliedClock {
  /** Per agent: the highest version seen and when each version arrived. */
  private readonly latest = new Map<string, number>();
  private readonly at = new Map<string, Map<number, number>>();
  private readonly waiters = new Set<() => void>();
  /** Config frames (snapshots and deltas) received per agent since the clock started (pushes, not distinct versions). */
  readonly snapshots = new Map<string, number>();
  /** Bytes of those frames (their JSON), per agent. */
  readonly bytes = new Map<string, number>();
  /** Of those frames, how many were whole snapshots. */
  wholeSnapshots = 0;

  constructor(private readonly agents: readonly SimulatedAgent[]) {
    for (const a of agents) {
      this.at.set(a.name, new Map());
      this.snapshots.set(a.name, 0);
      a.client.on('message', (m: { type: string; version?: string }) => {
        if (m.type !== 'snapshot' && m.type !== 'delta') return;
        const v = Number(m.version);
        const t = performance.now();
        this.snapshots.set(a.name, (this.snapshots.get(a.name) ?? 0) + 1);
        this.bytes.set(a.name, (this.bytes.get(a.name) ?? 0) + JSON.stringify(m).length);
        if (m.type === 'snapshot') this.wholeSnapshots++;
        if (!this.at.get(a.name)!.has(v)) this.at.get(a.name)!.set(v, t);
        if (v > (this.latest.get(a.name) ?? -Infinity)) this.latest.set(a.name, v);
        for (const w of this.waiters) w();
      });
    }
  }

  get agentCount(): number {
    return this.agents.length;
  }

  /** Total bytes of config frames received by every agent. */
  totalBytes(): number {
    let n = 0;
    for (const v of this.bytes.values()) n += v;
    return n;
  }

  /** Total config frames received by every agent. */
  totalSnapshots(): number {
    let n = 0;
    for (const v of this.snapshots.values()) n += v;
    return n;
  }

  /**
   * Resolves with the time (performance.now()) at which the last agent applied `version` or a
   * later one (a later snapshot replaces one that was never sent).
   */
  until(version: number, timeoutMs = 60_000): Promise<number> {
    const check = (): number | null => {
      let last = -Infinity;
      for (const a of this.agents) {
        if ((this.latest.get(a.name) ?? -Infinity) < version) return null;
        let first = Infinity;
        for (const [v, t] of this.at.get(a.name)!) if (v >= version && t < first) first = t;
        last = Math.max(last, first);
      }
      return last;
    };
    return new Promise((resolve, reject) => {
      const done = (): void => {
        const t = check();
        if (t === null) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(t);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        const behind = this.agents.filter((a) => (this.latest.get(a.name) ?? -Infinity) < version).map((a) => a.name);
        reject(new Error(`version ${version} not applied in ${timeoutMs} ms by ${behind.join(', ')}`));
      }, timeoutMs);
      this.waiters.add(done);
      done();
    });
  }
}
