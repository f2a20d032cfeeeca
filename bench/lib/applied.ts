// When each simulated agent applied (ACKed) a config version, on this process's clock. A
// SimulatedAgent ACKs a snapshot in its own message listener, registered before ours, so the
// time recorded here is just after its ACK was sent. Versions are the control plane's integers.
import type { SimulatedAgent } from '@spillway/protocol';

export class AppliedClock {
  /** Per agent: the highest version seen and when each version arrived. */
  private readonly latest = new Map<string, number>();
  private readonly at = new Map<string, Map<number, number>>();
  private readonly waiters = new Set<() => void>();
  /** Snapshots received per agent since the clock started (pushes, not distinct versions). */
  readonly snapshots = new Map<string, number>();

  constructor(private readonly agents: readonly SimulatedAgent[]) {
    for (const a of agents) {
      this.at.set(a.name, new Map());
      this.snapshots.set(a.name, 0);
      a.client.on('message', (m: { type: string; version?: string }) => {
        if (m.type !== 'snapshot') return;
        const v = Number(m.version);
        const t = performance.now();
        this.snapshots.set(a.name, (this.snapshots.get(a.name) ?? 0) + 1);
        if (!this.at.get(a.name)!.has(v)) this.at.get(a.name)!.set(v, t);
        if (v > (this.latest.get(a.name) ?? -Infinity)) this.latest.set(a.name, v);
        for (const w of this.waiters) w();
      });
    }
  }

  /** Total snapshots received by every agent. */
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
