// 004 lines 1215-1328: a limit L of uses of a resource shared by several engines (worker cores,
// agents) through an exclusive pool and a shared pool lent in batches.
//
// Terms (per engine):
//   target     exclusive share the engine is entitled to: unit × weight;
//   exclusive  exclusive uses granted now (≤ target; below it while a grown share waits for room);
//   borrowed   uses lent from the shared pool, in batches;
//   allowance  exclusive + borrowed: what the engine may have in flight;
//   owed       uses still in flight beyond the allowance after it shrank; they go back to the pool
//              as they end (or when the engine gives them back);
//   inUse      uses in flight, as counted by acquire/release (or reported by settle);
//   ceded      exclusive uses the engine gave up for another engine's waiting connections (cede):
//              its share stays that much below target until uses come back to the pool or the
//              pool is re-sized (a limit or membership change).
// committed = Σ (allowance + owed): every use the pool cannot lend because it may be in flight.
// The glossary of these words across Spillway: docs/GLOSSARY.md.

import { idleBorrowed } from './quota-engine.js';

/** An engine is named by any string or number (worker id, agent name). */
export type EngineId = string | number;

export interface QuotaPoolOptions<E extends EngineId> {
  /** L: the limit of uses across all engines (a non-negative integer; fractions are floored). */
  limit: number;
  /** Engines with weight 1, or [engine, weight] pairs. */
  engines?: Iterable<NoInfer<E> | readonly [NoInfer<E>, number]>;
  /** p: share of L that goes to the exclusive pool (default 0.8). */
  exclusivePercent?: number;
  /** b: share of the shared pool lent per batch (default 0.1). */
  batchPercent?: number;
  /**
   * How the pool learns what engines have in flight.
   * - `exact` (default): every use goes through acquire/release, so after a shrink the pool
   *   knows exactly what each engine owes and cuts allowances nobody uses.
   * - `reported`: engines enforce their allowance themselves (other processes, other hosts); after
   *   a shrink the pool assumes the whole cut may be in flight (owed) until the engine gives it
   *   back or settles its real count.
   */
  tracking?: 'exact' | 'reported';
}

/** What one engine holds (a read-only view). Invariant: exclusive ≤ target. */
export interface EngineHolding {
  weight: number;
  target: number;
  exclusive: number;
  borrowed: number;
  owed: number;
  inUse: number;
  ceded: number;
}

/**
 * What an engine must give back after a limit or membership change: its exclusive share and its
 * borrowed uses were cut by `exclusive` and `borrowed`; `owed` is how many of its uses in flight
 * may lie beyond its new allowance. An engine that enforces its own allowance (reported
 * tracking) answers with settle(its real count), or gives back owed uses with giveBack as soon as
 * its in-flight count fits in its allowance; with exact tracking, release does it.
 */
export interface GiveBack<E extends EngineId> {
  engine: E;
  exclusive: number;
  borrowed: number;
  owed: number;
}

/** acquire's answer: granted (`borrowed` > 0 when a batch was borrowed for it), or refused with a spillover engine to try (null when none has room). */
export type AcquireResult<E extends EngineId> = { granted: true; engine: E; borrowed: number } | { granted: false; engine: E; spillover: E | null };

interface Engine {
  weight: number;
  target: number;
  exclusive: number;
  borrowed: number;
  owed: number;
  inUse: number;
  ceded: number;
}

const blank = (weight: number): Engine => ({ weight, target: 0, exclusive: 0, borrowed: 0, owed: 0, inUse: 0, ceded: 0 });

/** A connection is handed to an engine at most this many times (spilloverEngine's `tried`). */
const MAX_VISITS = 2;

// Products like 0.29 × 100 land just below the integer in binary floating point.
const floorOf = (x: number): number => Math.floor(x + 1e-9);

function checkLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit < 0) throw new RangeError(`quota limit must be a finite number ≥ 0, got ${limit}`);
  return Math.floor(limit);
}

/**
 * The pool manager of 004 lines 1215-1328, with engines weighted (an agent with 4 workers gets a
 * larger exclusive share than one with 1).
 *
 * Sizing: exclusive pool = the largest multiple of the total weight W not above p·L; unit =
 * exclusive pool / W, or 0 when that is below 1 (then everything is shared); each engine's
 * target = unit × weight; shared pool = L − exclusive pool; batch = max(1, ⌊b · shared⌋).
 * L = 100, p = 0.8, 7 engines → 77 exclusive (11 each), 23 shared, batch 2.
 *
 * Invariants, after every call:
 *   (1) Σ allowance ≤ L — no engine is ever permitted more than the limit leaves;
 *   (2) committed ≤ L, except after a call that lowered L (or reported more in flight) below what
 *       was committed: then committed never grows, and nothing is granted, until it is ≤ L;
 *   (3) outstanding uses ≤ committed, and a use is granted only while that keeps them ≤ L: they
 *       never exceed L unless L itself was lowered below what was already in flight, and then they
 *       only fall until they are below L again. For this, while committed > L no engine keeps an
 *       allowance it does not use: exact tracking trims idle allowances (and every use that ends
 *       goes back); reported tracking cannot tell idle from used, so it turns every allowance into
 *       owed until the engines settle or give back.
 * Property tests (test/quota-pool.property.test.ts) check these after every step of random
 * sequences of acquire/release/borrow/giveBack/cede/setLimit/addEngine/removeEngine/settle.
 */
export class QuotaPool<E extends EngineId = EngineId> {
  private readonly byId = new Map<E, Engine>();
  private readonly p: number;
  private readonly b: number;
  private readonly tracking: 'exact' | 'reported';
  private limitValue: number;
  private batchValue = 1;
  private unit = 0;
  private totalWeight = 0;
  // Running sums, so acquire/release stay O(1).
  private sumExclusive = 0;
  private sumBorrowed = 0;
  private sumOwed = 0;
  private sumDeficit = 0;
  private sumInUse = 0;

  constructor(opts: QuotaPoolOptions<E>) {
    this.p = opts.exclusivePercent ?? 0.8;
    this.b = opts.batchPercent ?? 0.1;
    if (!(this.p >= 0 && this.p <= 1)) throw new RangeError('exclusivePercent must be within [0, 1]');
    if (!(this.b >= 0 && this.b <= 1)) throw new RangeError('batchPercent must be within [0, 1]');
    this.tracking = opts.tracking ?? 'exact';
    this.limitValue = checkLimit(opts.limit);
    for (const e of opts.engines ?? []) {
      const [id, weight] = Array.isArray(e) ? (e as readonly [E, number]) : [e as E, 1];
      const w = checkWeight(weight);
      this.totalWeight += w - (this.byId.get(id)?.weight ?? 0); // a repeated engine: the last weight wins
      this.byId.set(id, blank(w));
    }
    this.rebalance();
  }

  // ---- sizes ------------------------------------------------------------------------------

  get limit(): number {
    return this.limitValue;
  }
  /** Uses lent per borrow. */
  get batch(): number {
    return this.batchValue;
  }
  /**
   * Uses a borrow gets now: the batch while the shared pool still holds a batch for every engine;
   * below that, one at a time, so the last uses go to the engines whose connections ask for them
   * (each arbitrated by the pool manager) instead of sitting in batches on engines that may not
   * need them.
   */
  get batchNow(): number {
    return this.sharedFree > this.batchValue * Math.max(1, this.byId.size) ? this.batchValue : 1;
  }
  /**
   * Uses a borrow ahead gets now (an engine near its allowance, no connection waiting for them): a
   * batch while the shared pool still holds a batch for every engine, else none. Near the bottom
   * the last uses go only to borrows whose connections wait (batchNow, arbitrated by the pool
   * manager), not into a batch on an engine that may not need it while another's connections spill.
   * An engine alone in the pool takes what is left: no other engine's connections can wait for it.
   */
  get aheadNow(): number {
    const competing = this.byId.size > 1 ? this.byId.size : 0;
    return this.sharedFree > this.batchValue * competing ? Math.min(this.batchValue, this.sharedFree) : 0;
  }
  /** Σ targets: the exclusive pool. */
  get exclusivePool(): number {
    return this.unit * this.totalWeight;
  }
  /** L − exclusive pool. */
  get sharedPool(): number {
    return this.limitValue - this.exclusivePool;
  }
  /** Exclusive share per unit of weight (per engine when every weight is 1). */
  get exclusivePerWeight(): number {
    return this.unit;
  }
  /** Uses that may be in flight: Σ (exclusive + borrowed + owed). */
  get committed(): number {
    return this.sumExclusive + this.sumBorrowed + this.sumOwed;
  }
  /** Σ inUse. */
  get outstanding(): number {
    return this.sumInUse;
  }
  /** Uses a borrow can get now: the limit minus what is committed or promised to grown exclusive shares. */
  get sharedFree(): number {
    return Math.max(0, this.room());
  }
  get engines(): E[] {
    return [...this.byId.keys()];
  }
  has(engine: E): boolean {
    return this.byId.has(engine);
  }

  holding(engine: E): EngineHolding {
    const s = this.byId.get(engine);
    if (!s) return blank(0);
    return { weight: s.weight, target: s.target, exclusive: s.exclusive, borrowed: s.borrowed, owed: s.owed, inUse: s.inUse, ceded: s.ceded };
  }

  // ---- membership and limit ---------------------------------------------------------------

  /** Adds an engine, or changes its weight. Others' shares may shrink: see the give-backs. */
  addEngine(engine: E, weight = 1): GiveBack<E>[] {
    const w = checkWeight(weight);
    const s = this.byId.get(engine);
    if (s) {
      this.totalWeight += w - s.weight;
      s.weight = w;
    } else {
      this.byId.set(engine, blank(w));
      this.totalWeight += w;
    }
    return this.rebalance();
  }

  /** Same as addEngine: sets the weight of an engine, adding it when new. */
  setWeight(engine: E, weight: number): GiveBack<E>[] {
    return this.addEngine(engine, weight);
  }

  /**
   * Removes an engine (it stopped, or its lease expired): everything it had returns to the pool,
   * including its uses in flight, which ended with it.
   */
  removeEngine(engine: E): GiveBack<E>[] {
    const s = this.byId.get(engine);
    if (!s) return [];
    this.sumExclusive -= s.exclusive;
    this.sumBorrowed -= s.borrowed;
    this.sumOwed -= s.owed;
    this.sumDeficit -= s.target - s.ceded - s.exclusive;
    this.sumInUse -= s.inUse;
    this.totalWeight -= s.weight;
    this.byId.delete(engine);
    return this.rebalance();
  }

  /** Changes L: grows or shrinks every allowance and says which engines must give back how much. */
  setLimit(limit: number): GiveBack<E>[] {
    this.limitValue = checkLimit(limit);
    return this.rebalance();
  }

  /**
   * setLimit for a pool manager that asked its own manager for more uses because connections of
   * `waiting` wait for them (one entry per connection, in the order they came: an agent's primary
   * whose workers' borrows wait on the control plane): the uses L grew by are lent to them first,
   * one each (covering what the engine owes first, as borrow does), and only the rest go to shares
   * that grew with L or wait for room. Without this a grown share of an engine that needs none
   * took them, the waiting engine asked again, and the pool ended up holding uses nobody used while
   * connections elsewhere spilled. Returns, for each entry of `waiting`, whether it was lent a use.
   */
  growFor(limit: number, waiting: readonly E[]): boolean[] {
    this.limitValue = checkLimit(limit);
    const lent: boolean[] = [];
    this.rebalance(waiting, lent);
    return lent;
  }

  // ---- uses (exact tracking) --------------------------------------------------------------

  /**
   * One more use on `engine`: within its allowance at once; past it, a batch is borrowed from the
   * shared pool; when the shared pool is empty the use is refused and the engine with the most
   * unused uses is named as the spillover engine (004 step 1218).
   */
  acquire(engine: E): AcquireResult<E> {
    const s = this.byId.get(engine);
    if (!s) return { granted: false, engine, spillover: this.spilloverEngine(engine) };
    if (s.inUse < s.exclusive + s.borrowed) {
      s.inUse++;
      this.sumInUse++;
      return { granted: true, engine, borrowed: 0 };
    }
    // A share waiting for room while there is some (it may be this engine's own): granted first.
    if (this.sumDeficit > 0 && this.limitValue - this.committed >= 1) {
      this.topUp();
      if (s.inUse < s.exclusive + s.borrowed) {
        s.inUse++;
        this.sumInUse++;
        return { granted: true, engine, borrowed: 0 };
      }
    }
    const room = this.room();
    this.coverOwed(s, room);
    // An engine that owes uses (no room to cover them) does not grow before it has given them back.
    if (s.owed === 0 && room >= 1) {
      const n = Math.min(this.batchNow, room);
      s.borrowed += n;
      this.sumBorrowed += n;
      s.inUse++;
      this.sumInUse++;
      return { granted: true, engine, borrowed: n };
    }
    return { granted: false, engine, spillover: this.spilloverEngine(engine) };
  }

  /**
   * A use on `engine` ended. A use beyond the allowance pays back an owed use; otherwise, once a whole
   * batch of borrowed uses lies unused, it goes back to the shared pool (004 FIG. 12C).
   * Returns how many uses went back to the pool (0 when the engine had nothing in flight).
   */
  release(engine: E): number {
    const s = this.byId.get(engine);
    if (!s || s.inUse === 0) return 0;
    s.inUse--;
    this.sumInUse--;
    let returned: number;
    if (s.owed > 0) {
      s.owed--;
      this.sumOwed--;
      returned = 1;
    } else if (this.committed > this.limitValue) {
      returned = this.trimIdle(s); // still over the limit: the ended use is not handed out again
    } else {
      // Every whole batch lying unused goes back (a partial batch when less is borrowed).
      returned = idleBorrowed(s.exclusive, s.borrowed, s.inUse, this.batchValue);
      s.borrowed -= returned;
      this.sumBorrowed -= returned;
    }
    if (returned > 0) this.returned(returned);
    return returned;
  }

  // ---- batches (engines that enforce their own allowance) ---------------------------------

  /**
   * Lends up to `want` uses (default batchNow: a batch, or 1 near the bottom) from the shared pool;
   * returns how much the engine's allowance grew: the uses lent, plus the uses it owed when there
   * was room to cover them (they are in flight: they become borrowed, committed stays the same).
   */
  borrow(engine: E, want: number = this.batchNow): number {
    const s = this.byId.get(engine);
    if (!s) return 0;
    const covered = this.coverOwed(s, this.room());
    if (s.owed > 0) return covered;
    const n = Math.max(0, Math.min(Math.floor(want), this.room()));
    s.borrowed += n;
    this.sumBorrowed += n;
    return covered + n;
  }

  /**
   * An engine that owes uses (in flight beyond its allowance after a cut) and asks for more while
   * the pool has room: what it owes becomes borrowed (committed, and so the room, stay the same),
   * so an engine whose share shrank under its connections can still be lent uses the pool has;
   * it used to be refused until it gave back, a spill with uses unused. Only with room ≥ 1, so
   * Σ allowance stays ≤ committed < L. Returns how many uses were covered.
   */
  private coverOwed(s: Engine, room: number): number {
    if (s.owed === 0 || room < 1) return 0;
    const c = s.owed;
    s.borrowed += c;
    this.sumBorrowed += c;
    this.setOwed(s, 0);
    return c;
  }

  /**
   * The engine gives back `n` uses it no longer holds: owed uses first, then borrowed uses. Returns
   * how many went back to the pool. With exact tracking, borrowed uses still in flight become
   * owed instead (they come back through release).
   */
  giveBack(engine: E, n: number): number {
    const s = this.byId.get(engine);
    if (!s || !(n > 0)) return 0;
    const before = s.exclusive + s.borrowed + s.owed;
    let left = Math.floor(n);
    if (this.tracking === 'reported') {
      const fromOwed = Math.min(left, s.owed);
      s.owed -= fromOwed;
      this.sumOwed -= fromOwed;
      left -= fromOwed;
    }
    const fromBorrowed = Math.min(left, s.borrowed);
    s.borrowed -= fromBorrowed;
    this.sumBorrowed -= fromBorrowed;
    if (this.tracking === 'exact') this.setOwed(s, Math.max(0, s.inUse - s.exclusive - s.borrowed));
    const returned = before - (s.exclusive + s.borrowed + s.owed);
    if (returned > 0) this.returned(returned);
    return returned;
  }

  /**
   * The pool manager takes up to `n` uses `engine` does not use, for another engine whose
   * connections wait while the shared pool is empty (then `borrow` lends them): its borrowed uses
   * first, then its exclusive share, which stays below target (ceded, with any part of the share
   * not granted yet: topUp does not grow it back) until uses come back to the pool (they go to
   * ceded shares first) or the pool is re-sized.
   * Only unused uses are taken: with exact tracking, allowance − inUse; with reported tracking the
   * caller vouches that the engine was told first and holds no more (a two-phase revoke).
   * Returns how many were taken from each.
   */
  cede(engine: E, n: number): { borrowed: number; exclusive: number } {
    const s = this.byId.get(engine);
    if (!s || !(n > 0)) return { borrowed: 0, exclusive: 0 };
    let left = Math.floor(n);
    if (this.tracking === 'exact') left = Math.min(left, Math.max(0, s.exclusive + s.borrowed - s.inUse));
    const fromBorrowed = Math.min(left, s.borrowed);
    s.borrowed -= fromBorrowed;
    this.sumBorrowed -= fromBorrowed;
    const fromExclusive = Math.min(left - fromBorrowed, s.exclusive);
    s.exclusive -= fromExclusive;
    this.sumExclusive -= fromExclusive;
    s.ceded += fromExclusive;
    // The part of its share not granted yet goes too: a claim on room kept by an engine that gives
    // uses away would keep them from the engine they are given to.
    this.cedeClaim(s);
    // Borrowed uses came back: a share waiting for room takes them first, as with any return.
    if (fromBorrowed > 0 && this.sumDeficit > 0) this.topUp();
    return { borrowed: fromBorrowed, exclusive: fromExclusive };
  }

  /**
   * cede for an engine that enforces its allowance itself (reported tracking): takes up to `n`
   * uses of its allowance for another engine, but they stay committed, owed, until the engine
   * settles (acknowledges the two-phase revoke that tells it): the pool cannot know before then
   * that they are unused. So nothing is lent from them meanwhile, and Σ committed never passes L.
   * With exact tracking the pool knows what is unused: the same as cede.
   */
  cedeOwed(engine: E, n: number): { borrowed: number; exclusive: number } {
    const s = this.byId.get(engine);
    if (!s || !(n > 0)) return { borrowed: 0, exclusive: 0 };
    if (this.tracking === 'exact') return this.cede(engine, n);
    const k = Math.min(Math.floor(n), s.exclusive + s.borrowed);
    // Owed first: committed never dips while the allowance shrinks (cede hands returns to waiting shares).
    this.setOwed(s, s.owed + k);
    return this.cede(engine, k);
  }

  /**
   * One round of arbitration for `requester`, whose connections wait for `want` uses (default 1):
   * lends from the shared pool; while that is short, the other engines' uses that nobody uses go
   * to it, one at a time: first the parts of shares not granted yet (claims on room nobody
   * holds), then uses an engine reports unused (`unused(e)`), which it must stop using first
   * (`giveUp(e, n)`: tells the engine, which answers how many of them it no longer admits on, at
   * once). Returns how much the requester's allowance grew. With it a connection spills only when,
   * after the round, no use is unused anywhere.
   */
  arbitrate(requester: E, want = 1, unused: (engine: E) => number = () => 0, giveUp: (engine: E, n: number) => number = () => 0): number {
    const r = this.byId.get(requester);
    if (!r) return 0;
    // Uses it has in flight beyond its allowance (owed) are covered first: growth they absorb
    // admits nothing new.
    const need = want + r.owed;
    let got = 0;
    const lend = (): void => {
      // Its own share waiting for room first (room the others gave up may be what it waited for).
      // (a grant that covers owed uses leaves the room as it was: go on while it does).
      for (;;) {
        const own = Math.min(r.target - r.ceded - r.exclusive, this.limitValue - this.committed, need - got);
        if (own <= 0) break;
        r.exclusive += own;
        this.sumExclusive += own;
        this.sumDeficit -= own;
        this.setOwed(r, r.owed - Math.min(r.owed, own));
        got += own;
      }
      if (got < need) got += this.borrow(requester, Math.max(0, need - got - r.owed));
    };
    lend();
    for (const [id, s] of this.byId) {
      if (got >= need) return got;
      if (id === requester || s.target - s.ceded - s.exclusive <= 0) continue;
      this.cedeClaim(s);
      lend();
    }
    for (const id of this.byId.keys()) {
      if (id === requester) continue;
      // Room may still be short (uses owed elsewhere): each use ceded adds to it.
      while (got < need && this.holding(id).owed === 0 && unused(id) > 0) {
        const n = Math.min(1, giveUp(id, 1));
        if (n <= 0) break;
        this.cede(id, n);
        lend();
      }
      if (got >= need) return got;
    }
    return got;
  }

  /**
   * Each engine's share of the whole limit by weight (no shared pool): ⌊L·w/W⌋, the uses left
   * dealt one each by largest remainder, ties by engine name; Σ = L when any engine has weight.
   * The split of a replica: each agent's row of a vserver in the database holds its fair share.
   */
  fairShares(): Map<E, number> {
    const out = new Map<E, number>();
    const W = this.totalWeight;
    if (W === 0) return out;
    const L = this.limitValue;
    const name = (e: E): string => String(e);
    const parts = [...this.byId].map(([id, s]) => ({ id, exact: (L * s.weight) / W })).sort((a, b) => name(a.id).localeCompare(name(b.id)));
    let left = L;
    for (const p of parts) {
      const n = floorOf(p.exact);
      out.set(p.id, n);
      left -= n;
    }
    const rest = (x: { exact: number }): number => x.exact - floorOf(x.exact);
    for (const p of [...parts].sort((a, b) => rest(b) - rest(a) || name(a.id).localeCompare(name(b.id)))) {
      if (left <= 0) break;
      out.set(p.id, out.get(p.id)! + 1);
      left--;
    }
    return out;
  }

  /**
   * The engine reports how many uses it has in flight (reconciliation after a reconnect, or the
   * answer to a give-back request): what it owes becomes what lies beyond its allowance.
   */
  settle(engine: E, inUse: number): void {
    const s = this.byId.get(engine);
    if (!s) return;
    const n = Math.max(0, Math.floor(inUse));
    this.sumInUse += n - s.inUse;
    s.inUse = n;
    this.setOwed(s, Math.max(0, n - s.exclusive - s.borrowed));
    if (this.tracking === 'exact' && this.committed > this.limitValue) this.trimIdle(s);
    if (this.sumDeficit > 0) this.topUp();
  }

  /**
   * The spillover engine for a refused use: another engine with unused uses, the most unused
   * first (ties: the first in insertion order); null when none has room. `unused` overrides the
   * pool's own count (allowance − inUse) for engines that report their room themselves.
   * `tried`: the engines the connection was at already, one entry per visit (a hand-off passes
   * the connection on with them). An engine it visited once is named only when no engine it has
   * not visited has room: it handed the connection on while full, so its room is new since (its
   * share grew, a grant reached it), and would lie unused while the connection spills. An engine
   * it visited twice is not named again: stale room never bounces a connection on and on.
   */
  spilloverEngine(requester: E, unused?: (engine: E) => number, tried: readonly E[] = []): E | null {
    let best: E | null = null;
    let bestRoom = 0;
    let bestVisits = MAX_VISITS;
    for (const [id, s] of this.byId) {
      if (id === requester) continue;
      let visits = 0;
      for (const t of tried) if (t === id) visits++;
      if (visits >= MAX_VISITS) continue;
      const room = unused ? unused(id) : s.exclusive + s.borrowed - s.inUse;
      if (room > 0 && (visits < bestVisits || (visits === bestVisits && room > bestRoom))) {
        best = id;
        bestRoom = room;
        bestVisits = visits;
      }
    }
    return best;
  }

  // ---- internals --------------------------------------------------------------------------

  /** While committed exceeds L, takes back the allowance `s` does not use (borrowed first); returns how much. */
  private trimIdle(s: Engine): number {
    const excess = this.committed - this.limitValue;
    const idle = s.exclusive + s.borrowed - s.inUse;
    if (excess <= 0 || idle <= 0) return 0;
    const fromBorrowed = Math.min(s.borrowed, idle, excess);
    s.borrowed -= fromBorrowed;
    this.sumBorrowed -= fromBorrowed;
    const fromExclusive = Math.min(s.exclusive, idle - fromBorrowed, excess - fromBorrowed);
    s.exclusive -= fromExclusive;
    this.sumExclusive -= fromExclusive;
    this.sumDeficit += fromExclusive;
    return fromBorrowed + fromExclusive;
  }

  /** The part of an engine's share not granted yet (a claim on room) is ceded: no longer kept for it. */
  private cedeClaim(s: Engine): void {
    const claim = s.target - s.ceded - s.exclusive;
    if (claim <= 0) return;
    s.ceded += claim;
    this.sumDeficit -= claim;
  }

  /** `n` uses came back to the pool: ceded shares grow back first (in engine order), then waiting shares take the room. */
  private returned(n: number): void {
    let left = n;
    for (const s of this.byId.values()) {
      if (left <= 0) break;
      const g = Math.min(s.ceded, left);
      if (g === 0) continue;
      s.ceded -= g;
      this.sumDeficit += g;
      left -= g;
    }
    if (this.sumDeficit > 0) this.topUp();
  }

  private room(): number {
    return this.limitValue - this.committed - this.sumDeficit;
  }

  private setOwed(s: Engine, owed: number): void {
    this.sumOwed += owed - s.owed;
    s.owed = owed;
  }

  private rebalance(first: readonly E[] = [], lent: boolean[] = []): GiveBack<E>[] {
    const L = this.limitValue;
    const W = this.totalWeight;
    const unit = W === 0 ? 0 : Math.floor(floorOf(this.p * L) / W);
    this.unit = unit >= 1 ? unit : 0;
    this.batchValue = Math.max(1, floorOf(this.b * (L - this.unit * W)));

    const cut = new Map<E, { exclusive: number; borrowed: number }>();
    const note = (id: E, field: 'exclusive' | 'borrowed', n: number): void => {
      const c = cut.get(id) ?? { exclusive: 0, borrowed: 0 };
      c[field] += n;
      cut.set(id, c);
    };
    const take = (id: E, s: Engine, field: 'exclusive' | 'borrowed', n: number): void => {
      if (n <= 0) return;
      s[field] -= n;
      if (field === 'exclusive') this.sumExclusive -= n;
      else this.sumBorrowed -= n;
      note(id, field, n);
    };

    // 1. New targets; exclusive shares above them shrink now, grown ones wait for room (topUp).
    this.sumDeficit = 0;
    for (const [id, s] of this.byId) {
      s.target = this.unit * s.weight;
      s.ceded = 0; // re-sized: every share is whole again
      take(id, s, 'exclusive', s.exclusive - s.target);
      this.sumDeficit += s.target - s.exclusive;
    }
    // 2. Allowances must fit in L: take borrowed uses back, largest borrower first.
    let over = this.sumExclusive + this.sumBorrowed - L;
    if (over > 0) {
      const borrowers = [...this.byId].filter(([, s]) => s.borrowed > 0).sort((a, b) => b[1].borrowed - a[1].borrowed);
      for (const [id, s] of borrowers) {
        if (over <= 0) break;
        const n = Math.min(s.borrowed, over);
        take(id, s, 'borrowed', n);
        over -= n;
      }
    }
    // 3. What was cut and may be in flight is owed.
    for (const [id, c] of cut) {
      const s = this.byId.get(id)!;
      if (this.tracking === 'exact') this.setOwed(s, Math.max(0, s.inUse - s.exclusive - s.borrowed));
      else this.setOwed(s, s.owed + c.exclusive + c.borrowed);
    }
    // 4. More committed than L allows (L dropped below what may be in flight): no engine may start
    //    a use until enough have ended. Exact tracking cuts just the allowances nobody uses;
    //    reported tracking cannot tell used from unused, so every allowance becomes owed until the
    //    engine gives back or settles its real count.
    if (this.tracking === 'reported' && this.committed > L) {
      for (const [id, s] of this.byId) {
        const frozen = s.exclusive + s.borrowed;
        if (frozen === 0) continue;
        this.sumDeficit += s.exclusive;
        take(id, s, 'exclusive', s.exclusive);
        take(id, s, 'borrowed', s.borrowed);
        this.setOwed(s, s.owed + frozen);
      }
    }
    if (this.tracking === 'exact' && this.committed > L) {
      for (const [id, s] of this.byId) {
        let excess = this.committed - L;
        if (excess <= 0) break;
        const idle = s.exclusive + s.borrowed - s.inUse;
        if (idle <= 0) continue;
        const fromBorrowed = Math.min(s.borrowed, idle, excess);
        take(id, s, 'borrowed', fromBorrowed);
        excess -= fromBorrowed;
        const fromExclusive = Math.min(s.exclusive, idle - fromBorrowed, excess);
        take(id, s, 'exclusive', fromExclusive);
        this.sumDeficit += fromExclusive;
      }
    }
    // 5. Connections waiting for what L grew by (growFor) take it first, one use each; then grown
    //    shares take whatever room is left.
    for (const id of first) {
      const s = this.byId.get(id);
      let ok = false;
      if (s && this.limitValue - this.committed >= 1) {
        this.coverOwed(s, this.limitValue - this.committed);
        if (s.owed === 0 && this.limitValue - this.committed >= 1) {
          s.borrowed++;
          this.sumBorrowed++;
          ok = true;
        }
      }
      lent.push(ok);
    }
    if (this.sumDeficit > 0) this.topUp();

    const out: GiveBack<E>[] = [];
    for (const [id, c] of cut) out.push({ engine: id, exclusive: c.exclusive, borrowed: c.borrowed, owed: this.byId.get(id)!.owed });
    return out;
  }

  /** Grants waiting exclusive shares from free room, the largest deficit first. */
  private topUp(): void {
    for (;;) {
      let room = this.limitValue - this.committed;
      if (room <= 0 || this.sumDeficit <= 0) return;
      const deficit = (s: Engine): number => s.target - s.ceded - s.exclusive;
      const waiting = [...this.byId.values()].filter((s) => deficit(s) > 0).sort((a, b) => deficit(b) - deficit(a));
      let covered = 0;
      for (const s of waiting) {
        if (room <= 0) break;
        const n = Math.min(deficit(s), room);
        s.exclusive += n;
        this.sumExclusive += n;
        this.sumDeficit -= n;
        room -= n;
        // A grant first covers uses that may be in flight beyond the allowance (owed), which frees
        // that much room again (another pass hands it out). With reported tracking too: left owed
        // beside the grant they would count twice, and the engine could spill with room unused
        // (committed still never passes L: a cover changes nothing of it).
        if (s.owed > 0) {
          const c = Math.min(s.owed, n);
          this.setOwed(s, s.owed - c);
          covered += c;
        }
      }
      if (covered === 0) return;
    }
  }
}

function checkWeight(weight: number): number {
  if (!Number.isFinite(weight) || weight < 1) throw new RangeError(`engine weight must be a finite number ≥ 1, got ${weight}`);
  return Math.floor(weight);
}
