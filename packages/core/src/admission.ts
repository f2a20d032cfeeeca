// The admission pipeline: where one new connection goes (000 claim 1 steps f-i; 002 lines
// 276-322; 004 lines 877-1214). Spillover persistence first, then the chain walked from its
// entry, each vserver judged by its methods (`any`/`all` over connection, dynamicconnection,
// bandwidth, health), connection counts enforced through a quota port, and the final action
// (accept, redirect, drop) where the walk stops. `decide` (chain.ts) is this pipeline over a
// quota that reads the live connection counts; an agent runs it over its share of the quota.
import { persistenceKey, type ChainVServer, type LiveView, type PersistenceView } from './chain.js';
import { isConnectionMethod, otherMethodTrips, quotaLimit, type LiveState } from './policy.js';
import { isAvailable } from './types.js';

/** What a borrow came to: a use taken, none to be had, or an engine that has room (hand the connection there). */
export type BorrowOutcome = { kind: 'granted' } | { kind: 'denied' } | { kind: 'handoff'; engine: number };

/**
 * Where the connection counts of vservers are enforced: a local share of each vserver's limit
 * (an agent's engine), or the live counts themselves (`decide`).
 * - `take`: the fast path, synchronous: one use from the share held now; false when it is used up.
 *   True without taking anything when the vserver is not under quota.
 * - `borrow`: the share is used up; ask for more. `granted` means one use was taken. May answer
 *   at once (no Promise) when there is nobody to ask.
 * - `force`: a use above the share (action accept, or `all` while another method holds): counted,
 *   so later admissions see it.
 * - `limited`: a use of this vserver is counted (take/borrow/force took one: `release` it).
 */
export interface QuotaPort {
  limited(v: ChainVServer, state: LiveState): boolean;
  take(v: ChainVServer, state: LiveState): boolean;
  borrow(v: ChainVServer, exclude: readonly number[]): BorrowOutcome | Promise<BorrowOutcome>;
  force(v: ChainVServer): void;
  release(v: ChainVServer): void;
}

/** Spillover persistence as the pipeline reads and records it (PersistenceTable provides it). */
export interface SpillStore extends PersistenceView {
  set(key: string, vserver: string, timeoutMs: number): void;
  hold(key: string): void;
  release(key: string, timeoutMs: number): void;
}

/**
 * Where a new connection goes, by chain position: `index` decided, the walk started at `from`
 * (`from` = `index` for a persistence decision). `quota`: a use of `vserver` is counted (finish
 * releases it); `held`: the spillover persistence entry this connection holds (finish releases it).
 * `accept` deliberately exceeds the limit of `vserver` (a forced use); `handoff`: `engine` has room
 * for `vserver`, continue there at `index`.
 */
export type AdmissionDecision =
  | {
      kind: 'vserver';
      vserver: string;
      index: number;
      from: number;
      reason: 'chain' | 'persistence' | 'live';
      spilled: boolean;
      quota: boolean;
      held: string | null;
    }
  | { kind: 'accept'; vserver: string; index: number; from: number; quota: boolean; held: string | null }
  | { kind: 'redirect'; vserver: string; index: number; from: number; url: string }
  | { kind: 'drop'; vserver: string; index: number; from: number }
  | { kind: 'handoff'; vserver: string; index: number; from: number; engine: number };

const GRANTED: BorrowOutcome = Object.freeze({ kind: 'granted' });
const DENIED: BorrowOutcome = Object.freeze({ kind: 'denied' });
const NO_ENGINES: readonly number[] = Object.freeze([]);
const NO_STATE: LiveState = Object.freeze({ activeConnections: 0, services: Object.freeze([]) });

// What a vserver's methods say of a new connection, before the quota.
/** No UP enabled service. */
const UNUSABLE = 0;
/** The policy trips whatever the count. */
const TRIPPED = 1;
/** Serve; nothing is counted (no connection method). */
const FREE = 2;
/** Serve and count a use, above the share if need be (`all` while another method holds). */
const COUNTED = 3;
/** The connection count decides: take a use or spill. */
const QUOTA = 4;

/** A vserver can serve: one bound service is enabled and UP. */
export const usableState = (s: LiveState): boolean => s.services.some(isAvailable);

/**
 * A vserver on the chain walk: `any` trips when one method trips (the count through the quota),
 * `all` when every method trips (the count decides once the others all tripped).
 */
function judgeOnWalk(v: ChainVServer, s: LiveState): number {
  if (!usableState(s)) return UNUSABLE;
  const methods = v.spillover.methods;
  if (methods.length === 0) return FREE;
  let others = 0;
  let tripped = 0;
  let conn = false;
  for (const m of methods) {
    if (isConnectionMethod(m)) conn = true;
    else {
      others++;
      if (otherMethodTrips(m, s)) tripped++;
    }
  }
  if (v.spillover.combine === 'all') {
    if (tripped < others) return conn ? COUNTED : FREE;
    return conn ? QUOTA : TRIPPED;
  }
  if (tripped > 0) return TRIPPED;
  return conn ? QUOTA : FREE;
}

/**
 * The vserver a client's persistence names (002 lines 318-320): it stays there whatever its
 * bandwidth or health say, as long as it is usable and its connection limit — a hard cap, so not
 * with `all` and other methods — has room.
 */
function judgePersisted(v: ChainVServer, s: LiveState): number {
  if (!usableState(s)) return UNUSABLE;
  let conn = false;
  let other = false;
  for (const m of v.spillover.methods) {
    if (isConnectionMethod(m)) conn = true;
    else other = true;
  }
  if (!conn) return FREE;
  return v.spillover.combine === 'all' && other ? COUNTED : QUOTA;
}

const isPromise = <T>(x: T | Promise<T>): x is Promise<T> => typeof (x as { then?: unknown }).then === 'function';

/**
 * The admission of new connections on one chain (resolveChain's output, entry first).
 * 1. Persistence (when a store is given and the connection is not handed off): a client with a
 *    live connection, or an entry within its timeout, stays on the vserver that served it while
 *    that vserver is usable and its hard connection limit has room.
 * 2. Otherwise the walk from the entry (or from the position a hand-off names): the first usable
 *    vserver whose policy does not trip serves; the connection count is a use of the quota port.
 *    A vserver that trips hands over to its backup when the backup is usable; otherwise its own
 *    action applies: accept (serve anyway, a forced use; drop where no service is UP), redirect
 *    (to its redirectUrl; drop without one) or drop. The walk is finite: one step per position.
 * `admit` answers synchronously unless a borrow must wait (then a Promise); a decision that serves
 * (vserver, accept) holds what `finish` gives back when the connection ends.
 * Invariants (property-tested): a `vserver` decision never names an unusable vserver, nor one
 * whose hard limit the port refused; a quota that starts from the live counts agrees with `decide`.
 */
export class AdmissionPipeline {
  readonly entry: string;

  /**
   * `persistence` with `persistenceTimeoutMs` (the entry's spillover.persistenceTimeoutSeconds in
   * ms): read first, and a connection served on a backup is recorded there (`record` false: read
   * only, as `decide` does).
   */
  constructor(
    readonly chain: readonly ChainVServer[],
    private readonly live: LiveView,
    private readonly quota: QuotaPort,
    private readonly persistence: SpillStore | PersistenceView | null = null,
    private readonly persistenceTimeoutMs = 0,
    private readonly record = true,
  ) {
    const head = chain[0];
    if (!head) throw new RangeError('an admission pipeline needs a chain with at least one vserver');
    this.entry = head.name;
  }

  /**
   * Where a new connection of `client` goes. `at`: the chain position a hand-off continues at
   * (no persistence lookup); `tried`: the engines the connection was at already, one entry per
   * visit (a borrow hands it back to one of them only once, when no other has room: core's
   * QuotaPool.spilloverEngine).
   */
  admit(
    client: string,
    at: number | null = null,
    tried: readonly number[] = NO_ENGINES,
    now: number = Date.now(),
  ): AdmissionDecision | Promise<AdmissionDecision> {
    if (at !== null) {
      const i = at >= 0 && at < this.chain.length ? at : 0;
      return this.run(client, tried, -1, -1, i, i, null);
    }
    let p = -1;
    const store = this.persistence;
    if (store) {
      const e = store.entry(persistenceKey(this.entry, client));
      if (e && (e.live > 0 || e.expiresAt > now)) {
        for (let i = 0; i < this.chain.length; i++)
          if (this.chain[i]!.name === e.value) {
            p = i;
            break;
          }
        if (p >= 0) return this.run(client, tried, p, -1, 0, 0, null, e.live > 0 ? 'live' : 'persistence');
      }
    }
    return this.run(client, tried, -1, -1, 0, 0, null);
  }

  /** The connection of `d` ended: its quota use and its persistence hold go back. */
  finish(d: AdmissionDecision): void {
    if (d.kind !== 'vserver' && d.kind !== 'accept') return;
    if (d.quota) this.quota.release(this.chain[d.index]!);
    if (d.held !== null) (this.persistence as SpillStore).release(d.held, this.persistenceTimeoutMs);
  }

  private state(i: number): LiveState {
    const name = this.chain[i]!.name;
    const live = this.live;
    return (typeof live === 'function' ? live(name) : live.get(name)) ?? NO_STATE;
  }

  /**
   * The pipeline from a point: `p` ≥ 0, judge the persisted position first (reason `why`); then
   * the walk at `i` (started at `from`). `denied`: a position whose quota already refused (not
   * asked again). `resumed`: the borrow this call resumes after, for the position it was asked at.
   */
  private run(
    client: string,
    tried: readonly number[],
    p: number,
    denied: number,
    i: number,
    from: number,
    resumed: BorrowOutcome | null,
    why: 'persistence' | 'live' = 'persistence',
  ): AdmissionDecision | Promise<AdmissionDecision> {
    const chain = this.chain;
    const quota = this.quota;
    if (p >= 0) {
      const v = chain[p]!;
      const s = this.state(p);
      const j = resumed !== null ? QUOTA : judgePersisted(v, s);
      if (j === FREE) return this.serve(client, p, p, why, false);
      if (j === COUNTED) {
        if (!quota.take(v, s)) quota.force(v);
        return this.serve(client, p, p, why, quota.limited(v, s));
      }
      if (j === QUOTA) {
        const o = resumed ?? (quota.take(v, s) ? GRANTED : quota.borrow(v, tried));
        if (isPromise(o)) return o.then((r) => this.run(client, tried, p, denied, i, from, r, why));
        resumed = null;
        if (o.kind === 'granted') return this.serve(client, p, p, why, quota.limited(v, s));
        if (o.kind === 'handoff') return { kind: 'handoff', vserver: v.name, index: p, from: p, engine: o.engine };
        denied = p;
      }
    }
    for (; i < chain.length; i++) {
      const v = chain[i]!;
      const s = this.state(i);
      const j = resumed !== null ? QUOTA : judgeOnWalk(v, s);
      if (j === FREE) return this.serve(client, i, from, 'chain', false);
      if (j === COUNTED) {
        if (!quota.take(v, s)) quota.force(v);
        return this.serve(client, i, from, 'chain', quota.limited(v, s));
      }
      if (j === QUOTA) {
        const o = resumed ?? (i === denied ? DENIED : quota.take(v, s) ? GRANTED : quota.borrow(v, tried));
        if (isPromise(o)) {
          const at = i;
          return o.then((r) => this.run(client, tried, -1, denied, at, from, r));
        }
        resumed = null;
        if (o.kind === 'granted') return this.serve(client, i, from, 'chain', quota.limited(v, s));
        if (o.kind === 'handoff') return { kind: 'handoff', vserver: v.name, index: i, from, engine: o.engine };
      }
      // Tripped (or unusable): the backup takes over when it is usable.
      const next = chain[i + 1];
      if (next && (v.spillover.backup ?? null) === next.name && usableState(this.state(i + 1))) continue;
      const action = v.spillover.action ?? 'accept';
      if (action === 'accept') {
        // Accept exceeds the limit, but only where a service can take the connection.
        if (j === UNUSABLE) return { kind: 'drop', vserver: v.name, index: i, from };
        quota.force(v);
        return { kind: 'accept', vserver: v.name, index: i, from, quota: quota.limited(v, s), held: this.hold(client, i) };
      }
      if (action === 'redirect' && v.spillover.redirectUrl) return { kind: 'redirect', vserver: v.name, index: i, from, url: v.spillover.redirectUrl };
      return { kind: 'drop', vserver: v.name, index: i, from };
    }
    return { kind: 'drop', vserver: this.entry, index: 0, from };
  }

  private serve(client: string, i: number, from: number, reason: 'chain' | 'persistence' | 'live', counted: boolean): AdmissionDecision {
    return { kind: 'vserver', vserver: this.chain[i]!.name, index: i, from, reason, spilled: i > 0, quota: counted, held: this.hold(client, i) };
  }

  /** A connection served on a backup: its client's persistence entry is (re)set and held while it lives. */
  private hold(client: string, i: number): string | null {
    if (i === 0 || !this.record || !this.persistence) return null;
    const store = this.persistence as SpillStore;
    const key = persistenceKey(this.entry, client);
    if (this.persistenceTimeoutMs > 0) store.set(key, this.chain[i]!.name, this.persistenceTimeoutMs);
    store.hold(key);
    return key;
  }
}

/** A quota that is the live counts themselves: take ⇔ activeConnections below the vserver's quotaLimit; nothing to borrow. */
export const LIVE_COUNTS: QuotaPort = Object.freeze({
  limited: (v: ChainVServer, s: LiveState) => quotaLimit(v.spillover, s.services) !== null,
  take: (v: ChainVServer, s: LiveState) => {
    const limit = quotaLimit(v.spillover, s.services);
    return limit === null || s.activeConnections < limit;
  },
  borrow: () => DENIED,
  force: () => undefined,
  release: () => undefined,
});
