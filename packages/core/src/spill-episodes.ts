// Spillover episodes: when a vserver starts and stops spilling, from the spill counters agents
// report (cumulative per agent and cause), debounced so a vserver held at its limit makes one
// start/stop pair, not one event per connection (NetScaler and HAProxy users expect the pair).
// An episode starts at the first spill a report shows; it stops once no report has shown a spill
// for `holdMs`. Pure: the caller passes the time and the counters, and emits what comes back.
import { usableState } from './admission.js';
import type { ChainVServer } from './chain.js';
import { isConnectionMethod, otherMethodTrips, type LiveState } from './policy.js';

/** Why a connection spilled: the method that tripped, or `down` (no UP enabled service). */
export type SpillCause = 'connection' | 'bandwidth' | 'health' | 'down';
export const SPILL_CAUSES: readonly SpillCause[] = Object.freeze(['connection', 'bandwidth', 'health', 'down']);

/**
 * Why a vserver the admission pipeline just spilled from did so, judged on the state it was judged
 * on: `down` when no bound service is usable, else the first method other than a connection count
 * that trips (bandwidth, health), else the connection count (its quota had no use left). Runs on
 * spills only, never on an admitted connection.
 */
export function spillCause(v: ChainVServer, s: LiveState): SpillCause {
  if (!usableState(s)) return 'down';
  for (const m of v.spillover.methods) if (!isConnectionMethod(m) && otherMethodTrips(m, s)) return m.type;
  return 'connection';
}

/** Cumulative spills of one vserver on one agent: the total, and (when the agent reports it) by cause. */
export interface SpillCounts {
  total: number;
  byCause?: Partial<Record<SpillCause, number>>;
}

export interface SpillStarted {
  kind: 'started';
  vserver: string;
  /** The cause with the most spills in the report that started it; null when the agent reports no causes. */
  cause: SpillCause | null;
  /** The agents whose report started it. */
  agents: string[];
  at: number;
}

export interface SpillStopped {
  kind: 'stopped';
  vserver: string;
  /** The cause with the most spills over the whole episode (null: no agent reported causes). */
  cause: SpillCause | null;
  /** Every agent that reported a spill during the episode. */
  agents: string[];
  /** Spills counted during the episode (all agents), and by cause as far as reported. */
  spills: number;
  byCause: Partial<Record<SpillCause, number>>;
  startedAt: number;
  lastSpillAt: number;
  at: number;
  /** `quiet`: no spill for the hold time; `removed`: the vserver left the config. */
  reason: 'quiet' | 'removed';
}

export type SpillEpisodeEvent = SpillStarted | SpillStopped;

/** Default hold time: a vserver is spilling until no report showed a spill for this long. */
export const DEFAULT_SPILL_HOLD_MS = 10_000;

interface Episode {
  startedAt: number;
  lastSpillAt: number;
  spills: number;
  byCause: Partial<Record<SpillCause, number>>;
  agents: Set<string>;
}

const dominant = (byCause: Partial<Record<SpillCause, number>>): SpillCause | null => {
  let best: SpillCause | null = null;
  let n = 0;
  for (const c of SPILL_CAUSES) {
    const v = byCause[c] ?? 0;
    if (v > n) {
      best = c;
      n = v;
    }
  }
  return best;
};

/**
 * The spill episodes of every vserver. `report` takes one agent's cumulative counters (its first
 * report, or counts lower than the last — a restarted agent — are a baseline, never spills);
 * `expire` stops the episodes quiet for `holdMs`; `remove` ends those of vservers gone from the
 * config and `forgetAgent` the baselines of an agent gone for good.
 * Invariants (unit-tested): at most one episode per vserver; every `started` is followed by
 * exactly one `stopped` of the same vserver before the next `started`; a vserver whose reports
 * show spills at least every `holdMs` never stops.
 */
export class SpillEpisodes {
  private readonly episodes = new Map<string, Episode>();
  /** The last counts of each agent per vserver (agent → vserver → counts). */
  private readonly last = new Map<string, Map<string, SpillCounts>>();

  constructor(readonly holdMs: number = DEFAULT_SPILL_HOLD_MS) {
    if (!(holdMs > 0)) throw new RangeError(`holdMs must be > 0 (got ${holdMs})`);
  }

  /** One agent's report: the vservers that started spilling with it (at most one event each). */
  report(agent: string, counts: Record<string, SpillCounts> | Iterable<readonly [string, SpillCounts]>, now: number): SpillStarted[] {
    let seen = this.last.get(agent);
    const first = !seen;
    if (!seen) {
      seen = new Map();
      this.last.set(agent, seen);
    }
    const started: SpillStarted[] = [];
    const entries: Iterable<readonly [string, SpillCounts]> = Symbol.iterator in counts ? counts : Object.entries(counts);
    for (const [vserver, c] of entries) {
      const before = seen.get(vserver);
      seen.set(vserver, c);
      // First report of the agent, or a counter went down (the agent restarted): a baseline.
      // A vserver new to a known agent starts from 0 (it appeared with the config).
      if (first || (before && c.total < before.total)) continue;
      const n = c.total - (before?.total ?? 0);
      if (n <= 0) continue;
      const byCause: Partial<Record<SpillCause, number>> = {};
      for (const k of SPILL_CAUSES) {
        const d = (c.byCause?.[k] ?? 0) - (before?.byCause?.[k] ?? 0);
        if (d > 0) byCause[k] = d;
      }
      let e = this.episodes.get(vserver);
      if (!e) {
        e = { startedAt: now, lastSpillAt: now, spills: 0, byCause: {}, agents: new Set() };
        this.episodes.set(vserver, e);
        started.push({ kind: 'started', vserver, cause: dominant(byCause), agents: [agent], at: now });
      }
      e.lastSpillAt = now;
      e.spills += n;
      e.agents.add(agent);
      for (const k of SPILL_CAUSES) if (byCause[k]) e.byCause[k] = (e.byCause[k] ?? 0) + byCause[k];
    }
    return started;
  }

  /** Episodes with no spill for `holdMs` by `now`: stopped. */
  expire(now: number): SpillStopped[] {
    const out: SpillStopped[] = [];
    for (const [vserver, e] of this.episodes) if (now - e.lastSpillAt >= this.holdMs) out.push(this.stop(vserver, e, now, 'quiet'));
    return out;
  }

  /** Vservers gone from the config: their episodes stop (reason `removed`) and their baselines go. */
  remove(vservers: Iterable<string>, now: number): SpillStopped[] {
    const out: SpillStopped[] = [];
    for (const vserver of vservers) {
      const e = this.episodes.get(vserver);
      if (e) out.push(this.stop(vserver, e, now, 'removed'));
      for (const seen of this.last.values()) seen.delete(vserver);
    }
    return out;
  }

  /** An agent gone for good: its next report (if it comes back) is a baseline again. */
  forgetAgent(agent: string): void {
    this.last.delete(agent);
  }

  spilling(vserver: string): boolean {
    return this.episodes.has(vserver);
  }

  /** When the earliest episode stops if no spill comes (null: none is open). */
  nextExpiry(): number | null {
    let t: number | null = null;
    for (const e of this.episodes.values()) if (t === null || e.lastSpillAt + this.holdMs < t) t = e.lastSpillAt + this.holdMs;
    return t;
  }

  private stop(vserver: string, e: Episode, now: number, reason: SpillStopped['reason']): SpillStopped {
    this.episodes.delete(vserver);
    return {
      kind: 'stopped',
      vserver,
      cause: dominant(e.byCause),
      agents: [...e.agents].sort(),
      spills: e.spills,
      byCause: e.byCause,
      startedAt: e.startedAt,
      lastSpillAt: e.lastSpillAt,
      at: now,
      reason,
    };
  }
}
