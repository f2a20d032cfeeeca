// The pool manager of engines that enforce their allowance themselves, at the other end of a
// channel (the control plane across agents; issue 12 item 2). The counting is core's QuotaPool in
// reported tracking: an engine's committed uses (allowance + owed) are every use it may have in
// flight. This module adds what talking to such engines over messages needs, and nothing else:
//
//   - orders to send after every change: an `allowance` when an engine's allowance grew (or the
//     limit or batch changed), a `revoke` when it shrank. A revoke is two-phase: the cut stays
//     owed (committed) until the engine acknowledges the revoke with what it may still have in
//     flight (`revokeAcked`: the pool settles it), so Σ committed ≤ limit holds through joins,
//     leaves, deaths and limit drops (the pool's invariant 2: after a drop nothing grows until
//     committed is back within the limit);
//   - borrows of engines whose connections wait (`want`), arbitrated: at once the engine's own
//     claim, the shared pool and the claims of others (QuotaPool.arbitrate); for the rest, uses
//     other engines report unused are revoked from them (ceded: owed until they acknowledge, so
//     never counted twice) and lent to the waiting engine as the acknowledgements come. A waiting
//     borrow is answered once it has what it asked for, once every engine asked for it has
//     acknowledged (its answer counts its uses in flight: what it still holds is in use), or when
//     the adapter's deadline ends (`expire`). An engine whose own connections
//     waited in the last `waitedMs` gives up nothing of what it had when last answered: under an
//     even burst every engine needs its share, and taking uses between them only moves them back
//     and forth while connections wait. What came to it since without asking (a ceded share grown
//     back as uses returned) it gives up like any engine: kept, it strands uses other engines'
//     connections wait for (bench/spillover.ts, 5 agents 90/10).
//
// What an engine was told (`told`) only says which orders are due: after every call it equals the
// pool's allowance of that engine. The words: docs/GLOSSARY.md.
import { QuotaPool, type EngineId } from './quota-pool.js';

export interface QuotaManagerOptions<E extends EngineId> {
  limit: number;
  /** [engine, weight] pairs. */
  engines?: Iterable<readonly [E, number]>;
  exclusivePercent?: number;
  batchPercent?: number;
  /** An engine whose connections waited this recently (ms of `now`) cedes nothing (default 500). */
  waitedMs?: number;
  /** Ids of revokes: shared by the managers of one control plane so that an id names one revoke (default: a counter of this manager). */
  nextId?: () => number;
}

/** An engine's allowance as it was told it. */
export interface Told {
  exclusive: number;
  borrowed: number;
}

/** What the adapter sends. `allowance` and `revoke` carry absolute values; `grant` answers a borrow or a give-back of the same id. */
export type QuotaOrder<E extends EngineId> =
  | { kind: 'allowance'; engine: E; exclusive: number; borrowed: number }
  | { kind: 'revoke'; engine: E; id: number; exclusive: number; borrowed: number }
  | { kind: 'grant'; engine: E; id: number; n: number; borrowed: number };

/** A (re)joining engine's claim: the allowance it still enforces (null: none) and the uses it may have in flight. */
export interface QuotaClaim {
  allowance: number | null;
  inUse: number;
}

interface Engine extends Told {
  /** The revoke it has not acknowledged down to its allowance yet (null: none). */
  revokeId: number | null;
  /** When its connections last waited for uses (a borrow with `want`). */
  waitedAt: number;
  /**
   * Its allowance as of the last answer to a borrow whose connections waited: what a recently
   * waiting engine keeps. Uses it got since without connections waiting for them (a ceded share
   * grown back as uses returned, a borrow ahead) are not for its connections.
   */
  kept: number;
}

interface Waiting<E> {
  engine: E;
  id: number;
  want: number;
  lent: number;
  /** Engines revoked for this borrow and not acknowledged yet. */
  donors: Set<E>;
  /** Every engine asked for this borrow: a donor whose answer gave less is not asked again, the next one is. */
  asked: Set<E>;
  now: number;
  activeOf: (engine: E) => number | null;
}

export interface QuotaManagerView<E> {
  limit: number;
  /** The limit minus every engine's committed uses (never below 0). */
  shared: number;
  batch: number;
  told: Map<E, Told>;
  /** Engines with a revoke not acknowledged down to their allowance yet, and their committed uses. */
  pending: Map<E, number>;
}

export class QuotaManager<E extends EngineId = EngineId> {
  readonly pool: QuotaPool<E>;
  private readonly engines = new Map<E, Engine>();
  private readonly waiting: Waiting<E>[] = [];
  private readonly waitedMs: number;
  private readonly nextId: () => number;

  constructor(opts: QuotaManagerOptions<E>) {
    this.pool = new QuotaPool<E>({
      limit: opts.limit,
      engines: opts.engines ?? [],
      tracking: 'reported',
      ...(opts.exclusivePercent !== undefined ? { exclusivePercent: opts.exclusivePercent } : {}),
      ...(opts.batchPercent !== undefined ? { batchPercent: opts.batchPercent } : {}),
    });
    this.waitedMs = opts.waitedMs ?? 500;
    let id = 1;
    this.nextId = opts.nextId ?? (() => id++);
    for (const e of this.pool.engines) this.engines.set(e, blank());
  }

  get limit(): number {
    return this.pool.limit;
  }
  get batch(): number {
    return this.pool.batch;
  }

  /** What `engine` was told (null: not an engine of this pool). */
  told(engine: E): Told | null {
    const t = this.engines.get(engine);
    return t ? { exclusive: t.exclusive, borrowed: t.borrowed } : null;
  }

  /** Uses counted against the limit for `engine`: its allowance, and more while a cut is owed. */
  committedBy(engine: E): number {
    if (!this.engines.has(engine)) return 0;
    const h = this.pool.holding(engine);
    return h.exclusive + h.borrowed + h.owed;
  }

  /**
   * An engine joins, re-joins or changes weight. Its claim (what it says it enforces and may have
   * in flight) is never taken on trust: uses in flight beyond its allowance are covered by
   * borrowed uses while the pool has room, and whatever it claims beyond that stays owed, with a
   * revoke, until it acknowledges what it really holds. It is always sent its allowance.
   */
  join(engine: E, weight: number, claim?: QuotaClaim): QuotaOrder<E>[] {
    this.pool.addEngine(engine, weight);
    // What the engine enforces now is its claim (nothing when it claims none): the orders below
    // bring it to the pool's allowance.
    const claimed = claim?.allowance ?? 0;
    this.engines.set(engine, { exclusive: 0, borrowed: claimed, revokeId: null, waitedAt: this.engines.get(engine)?.waitedAt ?? -Infinity, kept: 0 });
    if (claim) {
      this.pool.settle(engine, claim.inUse);
      this.pool.borrow(engine, 0); // covers its connections with borrowed uses while there is room
      this.pool.settle(engine, Math.max(claimed, claim.inUse));
    }
    return this.settled(engine);
  }

  /** An engine left (its lease ended, it was deleted): everything it had returns to the pool. */
  leave(engine: E): QuotaOrder<E>[] {
    if (!this.engines.delete(engine)) return [];
    this.pool.removeEngine(engine);
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i]!.engine === engine) this.waiting.splice(i, 1);
    for (const w of this.waiting) w.donors.delete(engine);
    return this.settled();
  }

  /** The limit changed: every engine is sent its allowance (revoked where it shrank). */
  setLimit(limit: number): QuotaOrder<E>[] {
    this.pool.setLimit(limit);
    return this.settled(undefined, true);
  }

  /**
   * A borrow of `id`: without `want` (borrowing ahead) a batch from the shared pool while it holds
   * a batch for every engine, nothing near the bottom (QuotaPool.aheadNow), answered at once.
   * With `want` (connections waiting) it is arbitrated: `waiting` is true when the answer waits
   * for revoked engines to acknowledge (the adapter calls expire(id) at its deadline). `activeOf`
   * is an engine's last reported connections (null: unknown, no donor). `allowance`: the allowance
   * the engine enforced when it asked (unknown when absent); what it was told beyond it since (a
   * ceded share grown back, a borrow ahead answered) reaches it ahead of the answer and serves as
   * many of its waiting connections, so only the rest of `want` is lent. Lent twice, the surplus
   * would lie unused on an engine that keeps it as recently waiting while others' connections spill.
   */
  borrow(
    engine: E,
    id: number,
    want: number | undefined,
    now: number,
    activeOf: (engine: E) => number | null,
    allowance?: number,
  ): { orders: QuotaOrder<E>[]; waiting: boolean } {
    const t = this.engines.get(engine);
    if (!t) return { orders: [{ kind: 'grant', engine, id, n: 0, borrowed: 0 }], waiting: false };
    if (want === undefined) {
      const n = this.pool.borrow(engine, this.pool.aheadNow);
      return { orders: [...this.reconcile(), this.grant(engine, id, n)], waiting: false };
    }
    t.waitedAt = now;
    const coming = allowance === undefined ? 0 : Math.max(0, t.exclusive + t.borrowed - allowance);
    if (want <= coming) {
      // Kept: the uses its connections wait for (allowance + want). What else came (two uses given
      // back to its ceded share for one connection) is not theirs: kept, it strands a use other
      // engines' connections wait for (bench/spillover.ts, 2 agents skewed: 29 held, 71 early spills).
      const orders = [...this.reconcile(), this.grant(engine, id, 0, true)];
      if (allowance !== undefined) t.kept = Math.min(t.kept, allowance + want);
      return { orders, waiting: false };
    }
    // A batch while the shared pool is far from empty; near the bottom what the connections need.
    const ask = Math.max(this.pool.batchNow, want - coming);
    const w: Waiting<E> = { engine, id, want: ask, lent: 0, donors: new Set(), asked: new Set(), now, activeOf };
    this.arbitrate(w);
    if (w.lent < w.want) this.reclaim(w, now, activeOf);
    // Uses being revoked for an earlier borrow may come back too: wait for them as well.
    if (w.lent < w.want && (w.donors.size > 0 || this.draining(this.waiting))) {
      this.waiting.push(w);
      return { orders: this.reconcile(), waiting: true };
    }
    return { orders: [...this.reconcile(), this.grant(engine, id, w.lent, true)], waiting: false };
  }

  /** The engine gives back `n` borrowed uses it shrank its allowance by (answered with a grant of n 0). */
  giveBack(engine: E, n: number, id: number): QuotaOrder<E>[] {
    const t = this.engines.get(engine);
    if (!t) return [{ kind: 'grant', engine, id, n: 0, borrowed: 0 }];
    const k = Math.min(n, this.pool.holding(engine).borrowed);
    // Returned uses go back first to the engines whose shares were ceded (core's pool).
    this.pool.giveBack(engine, k);
    t.borrowed = this.pool.holding(engine).borrowed;
    return [...this.settled(), this.grant(engine, id, 0)];
  }

  /**
   * Second phase of revoke `id`: the engine enforces its lower allowance and may still have
   * `committed` uses in flight (its allowance or more). Only the answer to its last revoke counts:
   * an earlier one was counted under an allowance the engine may still grow back to.
   */
  revokeAcked(engine: E, id: number, committed: number): QuotaOrder<E>[] {
    const t = this.engines.get(engine);
    if (!t || t.revokeId !== id) return [];
    const h = this.pool.holding(engine);
    this.pool.settle(engine, Math.max(h.exclusive + h.borrowed, committed));
    if (this.pool.holding(engine).owed === 0) t.revokeId = null;
    // It answered: what it still holds beyond its allowance is in use (the answer counts its
    // engines' uses in flight), so a borrow it was asked for waits for it no longer. Waiting on
    // would hold the connections until the deadline and spill them then, with nothing unused.
    for (const w of this.waiting) w.donors.delete(engine);
    return this.settled();
  }

  /** The deadline of waiting borrow `id` of `engine`: answered with what it has and what can be lent now. */
  expire(engine: E, id: number): QuotaOrder<E>[] {
    const i = this.waiting.findIndex((w) => w.engine === engine && w.id === id);
    if (i < 0) return [];
    const w = this.waiting.splice(i, 1)[0]!;
    this.arbitrate(w);
    return [...this.reconcile(), this.grant(engine, id, w.lent, true)];
  }

  /** The pool is dropped (the limit was removed): waiting borrows are answered with what they have. */
  close(): QuotaOrder<E>[] {
    return this.waiting.splice(0).map((w) => this.grant(w.engine, w.id, w.lent));
  }

  view(): QuotaManagerView<E> {
    const told = new Map<E, Told>();
    const pending = new Map<E, number>();
    for (const [e, t] of this.engines) {
      told.set(e, { exclusive: t.exclusive, borrowed: t.borrowed });
      if (t.revokeId !== null) pending.set(e, this.committedBy(e));
    }
    return { limit: this.pool.limit, shared: Math.max(0, this.pool.limit - this.pool.committed), batch: this.pool.batch, told, pending };
  }

  // ---- internals --------------------------------------------------------------------------

  /** `waited`: it answers a borrow whose connections waited (what the engine has now is kept, see Engine.kept). */
  private grant(engine: E, id: number, n: number, waited = false): QuotaOrder<E> {
    if (waited) this.keep(engine);
    return { kind: 'grant', engine, id, n, borrowed: this.engines.get(engine)?.borrowed ?? 0 };
  }

  /** What `engine` is allowed now is for its connections that waited (Engine.kept). */
  private keep(engine: E): void {
    const t = this.engines.get(engine);
    if (!t) return;
    const h = this.pool.holding(engine);
    t.kept = h.exclusive + h.borrowed;
  }

  /**
   * One round of core's arbitration for what `w` still lacks. Uses that cover what its engine owes
   * (in flight beyond an allowance that shrank) admit nothing new: only the rest counts as lent.
   */
  private arbitrate(w: Waiting<E>): void {
    if (w.lent >= w.want) return;
    const owed = this.pool.holding(w.engine).owed;
    const grew = this.pool.arbitrate(w.engine, w.want - w.lent);
    w.lent += grew - (owed - this.pool.holding(w.engine).owed);
  }

  /** True while an engine revoked for one of `list` has not acknowledged the revoke yet. */
  private draining(list: Iterable<Waiting<E>>): boolean {
    for (const w of list) for (const d of w.donors) if (this.engines.get(d)?.revokeId != null) return true;
    return false;
  }

  /**
   * Revokes uses other engines do not use (allowance − last reported connections), the most
   * unused first, for `w`'s connections: ceded by the pool (cedeOwed), owed until the engine acknowledges.
   * A stale report only makes an engine give back less: its acknowledgement says what it holds.
   */
  private reclaim(w: Waiting<E>, now: number, activeOf: (engine: E) => number | null): void {
    const donors: Array<{ engine: E; unused: number }> = [];
    for (const [e, t] of this.engines) {
      // (an engine with a borrow of its own waiting gives up nothing: what it was lent so far is for it)
      if (e === w.engine || w.asked.has(e) || t.revokeId !== null || this.waiting.some((x) => x.engine === e)) continue;
      const active = activeOf(e);
      const h = this.pool.holding(e);
      if (active === null || h.owed > 0) continue;
      // An engine whose connections waited recently keeps what it had when last answered; uses
      // that came to it since without asking (a ceded share grown back) it may not need.
      const recent = now - t.waitedAt < this.waitedMs;
      const unused = Math.min(h.exclusive + h.borrowed - active, recent ? h.exclusive + h.borrowed - t.kept : Infinity);
      if (unused > 0) donors.push({ engine: e, unused });
    }
    donors.sort((x, y) => y.unused - x.unused);
    // Uses the requester has in flight beyond its allowance (owed) are covered first by what it
    // is lent (QuotaPool.arbitrate): asked for too, or its connection spills with the use ceded.
    const owed = this.pool.holding(w.engine).owed;
    let asked = 0;
    for (const d of donors) {
      const need = w.want - w.lent + owed - asked;
      if (need <= 0) break;
      const take = Math.min(d.unused, need);
      this.pool.cedeOwed(d.engine, take);
      w.donors.add(d.engine);
      w.asked.add(d.engine);
      asked += take;
    }
  }

  /**
   * After a change: the waiting borrows first (uses that came back go where connections wait),
   * answered once they have what they asked for or wait for nobody any more; then every engine's
   * orders (reconcile), the grants last so that they carry the borrowed uses as told.
   */
  private settled(always?: E, all = false): QuotaOrder<E>[] {
    // A revoke whose owed uses are gone another way (a give-back that crossed it paid them, a
    // share topped up over them) is done: its acknowledgement will be ignored, so a borrow must not
    // wait for it. Waiting on would hold the connections until the deadline and spill them then,
    // while the next donor could have been asked at once.
    for (const [e, t] of this.engines) {
      if (t.revokeId === null || this.pool.holding(e).owed > 0) continue;
      t.revokeId = null;
      for (const w of this.waiting) w.donors.delete(e);
    }
    const answered: Waiting<E>[] = [];
    for (const w of [...this.waiting]) {
      this.arbitrate(w);
      // Its donors answered and gave less than it lacks (a report older than their connections
      // made one look idle): the next engines with uses unused are asked, in the same round.
      if (w.lent < w.want && !this.draining([w])) this.reclaim(w, w.now, w.activeOf);
      // (a donor asked just now is revoked by reconcile below: it is waited for as well)
      if (w.lent < w.want && (w.donors.size > 0 || this.draining([w]))) continue;
      this.waiting.splice(this.waiting.indexOf(w), 1);
      // Kept at once: a borrow answered later in this pass must not reclaim what was just lent for
      // this one's connections (the engine's last report does not count them yet).
      this.keep(w.engine);
      answered.push(w);
    }
    return [...this.reconcile(always, all), ...answered.map((w) => this.grant(w.engine, w.id, w.lent, true))];
  }

  /**
   * Brings what each engine was told to the pool's allowance: a revoke where it shrank (a new id:
   * the engine must acknowledge it), an allowance where it grew or its split changed; `always`
   * (a joining engine) and `all` (the limit or batch changed) are sent theirs even unchanged.
   * Grants answered in the same pass carry the borrowed count as told now.
   */
  private reconcile(always?: E, all = false): QuotaOrder<E>[] {
    const orders: QuotaOrder<E>[] = [];
    for (const [e, t] of this.engines) {
      const h = this.pool.holding(e);
      // Grown back over everything it may hold (a share topped up over owed uses): the revoke is
      // done, whether or not the engine acknowledges it again (a later answer to it is ignored),
      // and the engine may be asked to cede again.
      if (t.revokeId !== null && h.owed === 0) t.revokeId = null;
      const shrank = h.exclusive + h.borrowed < t.exclusive + t.borrowed || (h.owed > 0 && t.revokeId === null);
      const changed = h.exclusive !== t.exclusive || h.borrowed !== t.borrowed;
      t.exclusive = h.exclusive;
      t.borrowed = h.borrowed;
      if (shrank) {
        t.revokeId = this.nextId();
        orders.push({ kind: 'revoke', engine: e, id: t.revokeId, exclusive: t.exclusive, borrowed: t.borrowed });
        if (all || e === always) orders.push({ kind: 'allowance', engine: e, exclusive: t.exclusive, borrowed: t.borrowed });
      } else if (changed || all || e === always) orders.push({ kind: 'allowance', engine: e, exclusive: t.exclusive, borrowed: t.borrowed });
    }
    return orders;
  }
}

function blank(): Engine {
  return { exclusive: 0, borrowed: 0, revokeId: null, waitedAt: -Infinity, kept: 0 };
}
