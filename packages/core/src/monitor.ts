// Service health from monitors: weighted aggregation (002 lines 228-232, 264-274), response-time
// rules (002 lines 294-296) and fall/rise counts per monitor × service.
import type { Health } from './types.js';

/** One monitor's current verdict on a service, with its binding weight. */
export interface MonitorVote {
  weight: number;
  up: boolean;
}

/** Invariant: `up` ⇔ upWeight ≥ threshold; `threshold` is the one actually applied. */
export interface MonitorAggregate {
  upWeight: number;
  totalWeight: number;
  threshold: number;
  up: boolean;
}

/**
 * A service is UP when the sum of the weights of the monitors reporting it UP reaches the
 * monitor threshold (002 lines 264-274: it is unusable once the sum falls below the threshold).
 * Without a threshold the service needs every monitor UP, as NetScaler does when no monitor
 * threshold is set (a service is marked DOWN as soon as any bound monitor fails); the default is
 * therefore the total weight. A service with no monitors is UP (nothing says otherwise).
 */
export function aggregateMonitors(votes: readonly MonitorVote[], threshold?: number): MonitorAggregate {
  let upWeight = 0;
  let totalWeight = 0;
  for (const v of votes) {
    totalWeight += v.weight;
    if (v.up) upWeight += v.weight;
  }
  if (votes.length === 0) return { upWeight: 0, totalWeight: 0, threshold: 0, up: true };
  const applied = threshold ?? totalWeight;
  return { upWeight, totalWeight, threshold: applied, up: upWeight >= applied };
}

/**
 * Response-time rules of a monitor (API-SHAPE.md `monitor.responseTime`).
 * - `maxMs`: a probe slower than this fails (002: "exceeds a given threshold").
 * - `maxOverAverage`: fails when slower than this multiple of the rolling average (002: "exceeds a
 *   determined average"; 1.0 means any probe above the average).
 * - `maxDeviationMs`: fails when slower than the average plus this many milliseconds (002:
 *   "exceeds a given deviation from a determined average"; NetScaler's `deviation`).
 */
export interface ResponseTimeRules {
  maxMs?: number;
  maxOverAverage?: number;
  maxDeviationMs?: number;
}

export interface ResponseTimeOptions {
  /** Samples kept for the rolling average (default 20). */
  window?: number;
  /** Samples needed before the average-based rules apply (default 3). */
  minSamples?: number;
}

/** Verdict of the response-time rules on one probe; `reason` says which rule failed. */
export interface ResponseTimeVerdict {
  ok: boolean;
  reason: string | null;
  averageMs: number | null;
}

/**
 * Rolling average of the response times of successful probes, and the rules judged against it.
 * Invariant: the average covers the last `window` accepted samples only; probes that failed a
 * rule do not enter it (a slow spell must not teach the average to accept slowness).
 */
export class ResponseTimeTracker {
  private readonly samples: number[] = [];
  private sum = 0;
  private readonly window: number;
  private readonly minSamples: number;

  constructor(
    private readonly rules: ResponseTimeRules = {},
    opts: ResponseTimeOptions = {},
  ) {
    this.window = opts.window ?? 20;
    this.minSamples = opts.minSamples ?? 3;
  }

  /** The rolling average, or null until `minSamples` samples were accepted. */
  average(): number | null {
    return this.samples.length < this.minSamples ? null : this.sum / this.samples.length;
  }

  /** Judges a response time without recording it. */
  judge(ms: number): ResponseTimeVerdict {
    const avg = this.average();
    const r = this.rules;
    if (r.maxMs !== undefined && ms > r.maxMs) return { ok: false, reason: `response ${round(ms)} ms over ${r.maxMs} ms`, averageMs: avg };
    if (avg !== null && r.maxOverAverage !== undefined && ms > avg * r.maxOverAverage) {
      return { ok: false, reason: `response ${round(ms)} ms over ${r.maxOverAverage}× the average ${round(avg)} ms`, averageMs: avg };
    }
    if (avg !== null && r.maxDeviationMs !== undefined && ms > avg + r.maxDeviationMs) {
      return { ok: false, reason: `response ${round(ms)} ms over the average ${round(avg)} ms + ${r.maxDeviationMs} ms`, averageMs: avg };
    }
    return { ok: true, reason: null, averageMs: avg };
  }

  /** Judges a response time and, when it passes, adds it to the rolling average. */
  observe(ms: number): ResponseTimeVerdict {
    const v = this.judge(ms);
    if (v.ok) {
      this.samples.push(ms);
      this.sum += ms;
      if (this.samples.length > this.window) this.sum -= this.samples.shift()!;
    }
    return v;
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Transition reported by FallRise.observe. */
export interface FallRiseStep {
  state: Health | null;
  changed: boolean;
}

/**
 * The fall/rise state machine of one monitor on one service (HAProxy's fall/rise, NetScaler's
 * retries/successRetries): `fall` failures in a row turn UP into DOWN, `rise` successes in a row
 * turn DOWN into UP. Before the first probe the state is `initial` (default null: pending), and a
 * pending machine takes the first result at once.
 * Invariant: the state changes only after exactly `fall` (or `rise`) consecutive opposite results.
 */
export class FallRise {
  private current: Health | null;
  private streak = 0;

  constructor(
    private readonly fall: number,
    private readonly rise: number,
    initial: Health | null = null,
  ) {
    if (!Number.isInteger(fall) || fall < 1) throw new RangeError('fall must be an integer ≥ 1');
    if (!Number.isInteger(rise) || rise < 1) throw new RangeError('rise must be an integer ≥ 1');
    this.current = initial;
  }

  get state(): Health | null {
    return this.current;
  }

  observe(ok: boolean): FallRiseStep {
    const wanted: Health = ok ? 'UP' : 'DOWN';
    if (this.current === null) {
      this.current = wanted;
      this.streak = 0;
      return { state: wanted, changed: true };
    }
    if (wanted === this.current) {
      this.streak = 0;
      return { state: this.current, changed: false };
    }
    this.streak++;
    if (this.streak >= (ok ? this.rise : this.fall)) {
      this.current = wanted;
      this.streak = 0;
      return { state: wanted, changed: true };
    }
    return { state: this.current, changed: false };
  }
}

/** A probe's raw outcome: reachable and as expected (`ok`) and how long it took. */
export interface ProbeOutcome {
  ok: boolean;
  responseMs: number;
  reason?: string | null;
}

/** What one monitor × service binding concluded from a probe. */
export interface ProbeVerdict {
  state: Health | null;
  changed: boolean;
  ok: boolean;
  reason: string | null;
}

/**
 * One monitor bound to one service: response-time rules then fall/rise. A probe that succeeded
 * but broke a response-time rule counts as a failure.
 */
export class MonitorBinding {
  readonly fallRise: FallRise;
  readonly times: ResponseTimeTracker;

  constructor(opts: { fall: number; rise: number; responseTime?: ResponseTimeRules; initial?: Health | null; window?: number; minSamples?: number }) {
    this.fallRise = new FallRise(opts.fall, opts.rise, opts.initial ?? null);
    this.times = new ResponseTimeTracker(opts.responseTime ?? {}, { window: opts.window, minSamples: opts.minSamples });
  }

  get state(): Health | null {
    return this.fallRise.state;
  }

  observe(p: ProbeOutcome): ProbeVerdict {
    let ok = p.ok;
    let reason = p.reason ?? null;
    if (ok) {
      const t = this.times.observe(p.responseMs);
      if (!t.ok) {
        ok = false;
        reason = t.reason;
      }
    }
    const step = this.fallRise.observe(ok);
    return { state: step.state, changed: step.changed, ok, reason };
  }
}

/** How many voters (agents monitoring the same service) must say UP. */
export type UpQuorum = 'majority' | 'any' | 'all';

/**
 * The state of a service from the votes of several observers (every agent that monitors it):
 * UP when `any` one, `all`, or a strict `majority` (default) vote UP; null without voters.
 * Invariant: monotone in the number of UP votes.
 */
export function quorumState(up: number, voters: number, quorum: UpQuorum = 'majority'): Health | null {
  if (voters <= 0) return null;
  const ok = quorum === 'any' ? up > 0 : quorum === 'all' ? up === voters : up * 2 > voters;
  return ok ? 'UP' : 'DOWN';
}

/** The votes behind a service's aggregate state. */
export interface ServiceVotes {
  state: Health;
  up: number;
  voters: number;
  byVoter: Record<string, Health>;
}

/**
 * Service states across observers (the control plane's view over agents). Each observer votes
 * per service; the aggregate follows quorumState. Invariant: state(service) is always
 * quorumState(UP votes, voters) of the votes currently held; a removed observer's votes are gone.
 */
export class ServiceVoteAggregator {
  private readonly votes = new Map<string, Map<string, Health>>();
  private readonly decided = new Map<string, Health>();

  constructor(private readonly quorum: UpQuorum = 'majority') {}

  /** Records a vote; returns the service's new aggregate state when it changed, else null. */
  vote(voter: string, service: string, state: Health): Health | null {
    let m = this.votes.get(service);
    if (!m) {
      m = new Map();
      this.votes.set(service, m);
    }
    m.set(voter, state);
    return this.decide(service);
  }

  /** Forgets an observer; returns the services whose aggregate state changed (or vanished: null). */
  removeVoter(voter: string): Array<{ service: string; state: Health | null }> {
    const changed: Array<{ service: string; state: Health | null }> = [];
    for (const [service, m] of this.votes) {
      if (!m.delete(voter)) continue;
      const before = this.decided.get(service) ?? null;
      this.decide(service);
      const after = this.decided.get(service) ?? null;
      if (before !== after) changed.push({ service, state: after });
    }
    return changed;
  }

  /** The aggregate state; null when nobody votes on the service. */
  state(service: string): Health | null {
    return this.decided.get(service) ?? null;
  }

  view(service: string): ServiceVotes | null {
    const m = this.votes.get(service);
    const state = this.decided.get(service);
    if (!m || m.size === 0 || !state) return null;
    let up = 0;
    for (const v of m.values()) if (v === 'UP') up++;
    return { state, up, voters: m.size, byVoter: Object.fromEntries(m) };
  }

  /** Aggregate states of every service someone votes on. */
  states(): Record<string, Health> {
    return Object.fromEntries(this.decided);
  }

  private decide(service: string): Health | null {
    const m = this.votes.get(service);
    const before = this.decided.get(service) ?? null;
    let up = 0;
    for (const v of m?.values() ?? []) if (v === 'UP') up++;
    const next = quorumState(up, m?.size ?? 0, this.quorum);
    if (next === null) {
      this.decided.delete(service);
      this.votes.delete(service);
      return null;
    }
    this.decided.set(service, next);
    return next === before ? null : next;
  }
}
