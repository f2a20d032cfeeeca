// Spillover events of the hub: `vserver.spillover_started` when the reports of this hub's agents
// first show a vserver spilling, `vserver.spillover_stopped` once none showed a spill for the hold
// time (core's SpillEpisodes decides; this module feeds it the reports, names the method and the
// limit from the served config, and emits on a timer armed for the next episode to stop). Each
// replica judges the agents connected to it: with agents of one vserver on two replicas, each
// replica records its own pair.
import { DEFAULT_SPILL_HOLD_MS, SpillEpisodes, type SpillCause, type SpillCounts, type SpillEpisodeEvent } from '@spillway/core';
import { THRESHOLD_FIELD, type ConfigDocument, type Report } from '@spillway/protocol';
import type { VServerLimit } from './limits.js';

/** What a spill event names: the method that tripped and the limit it enforces. */
export interface SpillMethod {
  /** connection | dynamicconnection | bandwidth | health, or `down` (no UP service); null when the agents sent no causes. */
  method: string | null;
  /** The connection limit (connection methods), thresholdKbps (bandwidth), thresholdPercent (health); null when none applies. */
  limit: number | null;
}

export type SpilloverEvent =
  | ({ kind: 'vserver.spillover_started'; vserver: string; agents: string[] } & SpillMethod)
  | ({
      kind: 'vserver.spillover_stopped';
      vserver: string;
      agents: string[];
      /** Spills counted during the episode, all agents. */
      spills: number;
      /** The first and the last spill the reports showed (the stop comes the hold time after the last). */
      startedAt: string;
      lastSpillAt: string;
      reason: 'quiet' | 'removed';
    } & SpillMethod);

export interface SpilloverEventsOptions {
  /** A vserver spills until no report showed a spill for this long (default DEFAULT_SPILL_HOLD_MS). */
  holdMs?: number;
  emit(e: SpilloverEvent): void;
  /** The vserver as served now (null: not in the config). */
  vserver(name: string): ConfigDocument['vservers'][number] | null;
  /** Its global connection limit as the hub derived it. */
  limit(name: string): VServerLimit | null;
}

/** The method a cause stands for on a vserver, and its limit. */
export function spillMethod(cause: SpillCause | null, vs: ConfigDocument['vservers'][number] | null, limit: VServerLimit | null): SpillMethod {
  if (cause === null || cause === 'connection') return { method: limit?.method ?? (cause === null ? null : 'connection'), limit: limit?.value ?? null };
  if (cause === 'down') return { method: 'down', limit: null };
  const m = vs?.spillover.methods.find((x) => x.type === cause);
  const threshold = m?.[THRESHOLD_FIELD[cause]];
  return { method: cause, limit: typeof threshold === 'number' ? threshold : null };
}

export class SpilloverEvents {
  private readonly episodes: SpillEpisodes;
  private timer: NodeJS.Timeout | null = null;
  private due: number | null = null;
  /** What each open episode was started with (its stop names the same method and limit). */
  private readonly named = new Map<string, SpillMethod>();

  constructor(private readonly opts: SpilloverEventsOptions) {
    this.episodes = new SpillEpisodes(opts.holdMs ?? DEFAULT_SPILL_HOLD_MS);
  }

  /** One agent's report: its vservers' cumulative spill counters. */
  report(agent: string, report: Report): void {
    const counts: Array<[string, SpillCounts]> = [];
    for (const [vs, c] of Object.entries(report.vservers))
      counts.push([vs, c.spilloversByCause ? { total: c.spilloversTotal, byCause: c.spilloversByCause } : { total: c.spilloversTotal }]);
    const now = Date.now();
    for (const e of this.episodes.report(agent, counts, now)) this.publish(e);
    this.arm();
  }

  /** The agent's session ended: its next report (whichever session) is a baseline, never spills. */
  disconnected(agent: string): void {
    this.episodes.forgetAgent(agent);
  }

  /** Vservers gone from the config: their episodes stop now. */
  removed(vservers: Iterable<string>): void {
    for (const e of this.episodes.remove(vservers, Date.now())) this.publish(e);
    this.arm();
  }

  spilling(vserver: string): boolean {
    return this.episodes.spilling(vserver);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = null;
  }

  private expire(): void {
    this.timer = null;
    this.due = null;
    for (const e of this.episodes.expire(Date.now())) this.publish(e);
    this.arm();
  }

  /** A timer for the next episode to stop (one at a time; none while nothing spills). */
  private arm(): void {
    const next = this.episodes.nextExpiry();
    if (next === null || (this.due !== null && this.due <= next)) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = next;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private publish(e: SpillEpisodeEvent): void {
    if (e.kind === 'started') {
      const m = spillMethod(e.cause, this.opts.vserver(e.vserver), this.opts.limit(e.vserver));
      this.named.set(e.vserver, m);
      this.opts.emit({ kind: 'vserver.spillover_started', vserver: e.vserver, ...m, agents: e.agents });
      return;
    }
    const started = this.named.get(e.vserver);
    this.named.delete(e.vserver);
    // The method that spilled most over the episode; the limit as it stands now.
    const m =
      e.reason === 'removed' ? (started ?? { method: null, limit: null }) : spillMethod(e.cause, this.opts.vserver(e.vserver), this.opts.limit(e.vserver));
    this.opts.emit({
      kind: 'vserver.spillover_stopped',
      vserver: e.vserver,
      ...m,
      agents: e.agents,
      spills: e.spills,
      startedAt: new Date(e.startedAt).toISOString(),
      lastSpillAt: new Date(e.lastSpillAt).toISOString(),
      reason: e.reason,
    });
  }
}
