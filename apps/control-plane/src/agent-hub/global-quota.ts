// The control plane as pool manager across agents: one core QuotaPool per vserver with a global
// connection limit (the same pool manager as an agent's across its workers); each agent is an
// engine weighted by its worker count, gets an exclusive share and borrows batches. Nothing is
// acquired in this pool (agents enforce what they are told), so its exact tracking never sees
// uses in flight: it sizes shares, lends, takes back and cedes; what agents may still hold is
// the Told ledger below.
//
// The pool computes each agent's target allowance; what an agent has actually been told, and
// what it may still be admitting, are tracked beside it so that a shrinking allowance is a
// two-phase change: the agent is told at once (`revoke`), but the uses count as committed until it
// acknowledges (`revoke-ack`, possibly several as connections close) or its lease ends. Growth of
// any allowance, and every borrow, fits in what is left after the uses committed, so
//   Σ over agents of max(committed, told) ≤ limit
// holds whenever no limit has just dropped, and nothing is lent while it does not.
//
// When an agent has connections waiting (a borrow with `n`) and the shared pool cannot cover
// them, uses another agent is not using (by its last report; background borrows or not, unless
// its own connections waited for uses in the last 500 ms) are reclaimed the same two-phase way: that agent is revoked below its share,
// the borrow is answered once it acknowledges (or after a short wait), and the lender grows back
// to its share only as uses are returned. Safety rests on the acknowledgement alone: the agent
// reports what its workers may hold after the cut (its pool's committed uses, read at once), so
// a stale report only makes it give back less.
//
// A (re)joining agent's claim is never taken on trust: what it says it enforces is accepted only
// within what nobody else holds, and the connections it says it still has count as committed whatever
// the room (they exist), with a revoke pending so its acknowledgements bring them down as they
// close. An agent whose lease ended claims no allowance (the control client voids it), so a
// resumed agent's uses, re-lent meanwhile, are never counted twice; the shared pool shown is
// never below 0 (nothing is lent while the uses committed reach the limit).
import { QuotaPool } from '@spillway/core';
import type { ControlMessage, Outstanding } from '@spillway/protocol';

export interface QuotaView {
  limit: number;
  /** Uses nobody holds: the limit minus every agent's committed uses, 0 while they reach it (right after a limit drop, or a rejoin with connections on re-lent uses). */
  shared: number;
  batch: number;
  /** What each agent has been told it may admit. */
  byAgent: Record<string, { exclusive: number; borrowed: number }>;
  /** Agents whose allowance shrank and that still hold more than it (revoke not yet acknowledged). */
  pending: Record<string, number>;
}
export interface GlobalQuotaOptions {
  exclusivePercent?: number;
  batchPercent?: number;
  /** How long a borrow waits for the acknowledgements of a reclaim before it is answered (default 200 ms). */
  reclaimWaitMs?: number;
}

/** An agent's active connections on a vserver as last reported; null when unknown. */
export type ActiveOf = (agent: string, vs: string) => number | null;

interface WaitingBorrow {
  agent: string;
  id: number;
  want: number;
  lent: number;
  timer: NodeJS.Timeout;
}

/** What one agent was told for one vserver, and what it may still hold. */
interface Told {
  exclusive: number;
  borrowed: number;
  committed: number;
  revokeId: number | null;
  /** When its connections last waited for uses (a borrow with `n`). */
  waitedAt?: number;
}

/**
 * An agent whose own connections waited for uses this recently is no donor: under an even burst
 * every agent needs its share, and reclaiming between them only moves uses back and forth while
 * connections wait (a background batch borrow does not count: an agent mostly idle borrows too).
 */
const WAITED_MS = 500;

/** Delivers a message to a connected agent; false when the agent has no session. */
export type QuotaSend = (agent: string, msg: ControlMessage) => boolean;

class VServerQuota {
  readonly told = new Map<string, Told>();
  constructor(readonly pool: QuotaPool<string>) {}

  total(t: Told): number {
    return t.exclusive + t.borrowed;
  }
  /** Uses counted against the limit for an agent. */
  committedBy(agent: string): number {
    const t = this.told.get(agent);
    return t ? Math.max(t.committed, this.total(t)) : 0;
  }
  committedByAll(): number {
    let n = 0;
    for (const a of this.told.keys()) n += this.committedBy(a);
    return n;
  }
  /**
   * What an agent could be told without the sum passing the limit: its own allowance plus what
   * nobody holds (uses it holds beyond its allowance are the ones it was asked to give back).
   */
  roomFor(agent: string): number {
    const t = this.told.get(agent);
    return this.pool.limit - this.committedByAll() + (t ? this.total(t) : 0);
  }
  /** Borrows waiting for a reclaim, and the agents asked to give uses back for them. */
  readonly waiting: WaitingBorrow[] = [];
  readonly donors = new Set<string>();
}

export class GlobalQuota {
  private readonly pools = new Map<string, VServerQuota>();
  private readonly agents = new Map<string, number>();
  private nextRevokeId = 1;

  constructor(
    private readonly send: QuotaSend,
    private readonly opts: GlobalQuotaOptions = {},
    private readonly activeOf: ActiveOf = () => null,
  ) {}

  /**
   * An agent joins (or re-joins) with its worker count; `outstanding` is what it still holds
   * (reconciliation): its report replaces what the control plane believed, within what nobody
   * else holds, and it keeps borrowed uses covering its active connections while the pool allows.
   * Whatever it holds beyond what it is told counts as committed (revoked: the uses come back as its
   * acknowledgements say its connections closed), so uses lent to others while it was away are
   * never counted twice, and nothing is lent while they reach the limit.
   */
  join(agent: string, workers: number, outstanding: Record<string, Outstanding> = {}): void {
    this.agents.set(agent, workers);
    for (const [vs, q] of this.pools) {
      q.pool.addEngine(agent, Math.max(1, workers));
      const reported = outstanding[vs];
      const prev = q.told.get(agent);
      q.told.delete(agent);
      const enforced = reported?.allowance ?? 0;
      const accepted = Math.min(enforced, Math.max(0, q.pool.limit - q.committedByAll()));
      const exclusive = Math.min(prev?.exclusive ?? 0, accepted);
      const t: Told = { exclusive, borrowed: accepted - exclusive, committed: Math.max(enforced, reported?.inUse ?? 0), revokeId: null };
      q.told.set(agent, t);
      if (t.committed > accepted) {
        t.revokeId = this.nextRevokeId++;
        this.send(agent, { type: 'revoke', vserver: vs, id: t.revokeId, exclusive: t.exclusive, borrowed: t.borrowed });
      }
      if (reported) {
        const a = q.pool.holding(agent);
        const missing = reported.inUse - a.exclusive - a.borrowed;
        if (missing > 0) q.pool.borrow(agent, missing);
      }
      this.reconcile(vs, q, agent);
    }
  }

  /** An agent's lease ended: its quota returns to the pool and is re-shared. */
  leave(agent: string): void {
    if (!this.agents.delete(agent)) return;
    for (const [vs, q] of this.pools) {
      q.pool.removeEngine(agent);
      q.told.delete(agent);
      q.donors.delete(agent);
      for (const w of q.waiting.filter((x) => x.agent === agent)) {
        clearTimeout(w.timer);
        q.waiting.splice(q.waiting.indexOf(w), 1);
      }
      if (q.donors.size === 0) this.settle(vs, q);
      this.reconcile(vs, q);
    }
  }

  has(agent: string): boolean {
    return this.agents.has(agent);
  }

  /** Agents in the pools with their worker counts (weights). */
  members(): Array<[string, number]> {
    return [...this.agents];
  }

  /** Uses counted against the limit for `agent` on `vs` (what it was told, or more while a revoke is pending). */
  committedBy(vs: string, agent: string): number {
    return this.pools.get(vs)?.committedBy(agent) ?? 0;
  }

  /** Sets (null: removes) a vserver's global limit and pushes the new allowances. */
  setLimit(vs: string, limit: number | null): void {
    const q = this.pools.get(vs);
    if (limit === null) {
      if (!q) return;
      this.settle(vs, q);
      this.pools.delete(vs);
      for (const a of this.agents.keys()) this.send(a, { type: 'allowance', vserver: vs, limit: null, exclusive: 0, borrowed: 0, batch: 1 });
      return;
    }
    if (!q) {
      const created = new VServerQuota(
        new QuotaPool<string>({
          limit,
          engines: [...this.agents].map(([a, w]) => [a, Math.max(1, w)] as const),
          ...(this.opts.exclusivePercent !== undefined ? { exclusivePercent: this.opts.exclusivePercent } : {}),
          ...(this.opts.batchPercent !== undefined ? { batchPercent: this.opts.batchPercent } : {}),
        }),
      );
      this.pools.set(vs, created);
      this.reconcile(vs, created, undefined, true);
      return;
    }
    if (q.pool.limit === limit) return;
    q.pool.setLimit(limit);
    this.reconcile(vs, q, undefined, true);
  }

  /**
   * Lends up to max(batch, want) uses, within what nobody holds; always answered with a grant.
   * With `want` (connections waiting) and too little in the pool, reclaims unused uses of other
   * agents first and answers when they acknowledge.
   */
  borrow(agent: string, vs: string, id: number, want?: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    if (!q || !t) {
      this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: t?.borrowed ?? 0 });
      return;
    }
    // A batch while the shared pool is far from empty; near the bottom one use at a time (core's
    // batchNow), so the last uses go to the agents whose connections wait.
    const ask = Math.max(q.pool.batchNow, want ?? 0);
    if (want !== undefined) t.waitedAt = Date.now();
    const n = this.lend(q, agent, ask);
    // Connections are waiting: wait for uses being reclaimed (now or by an earlier borrow) rather than answer short.
    if (n < ask && want !== undefined && (this.reclaim(vs, q, agent, ask - n) || q.donors.size > 0)) {
      const w: WaitingBorrow = {
        agent,
        id,
        want: ask,
        lent: n,
        timer: setTimeout(() => {
          this.settle(vs, q);
          this.reconcile(vs, q);
        }, this.opts.reclaimWaitMs ?? 200),
      };
      w.timer.unref();
      q.waiting.push(w);
      return;
    }
    this.send(agent, { type: 'grant', vserver: vs, id, n, borrowed: t.borrowed });
  }

  giveBack(agent: string, vs: string, n: number, id: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    if (q && t) {
      const k = Math.min(n, t.borrowed);
      // Returned uses first go back to the agents whose shares were ceded for others (core's pool).
      q.pool.giveBack(agent, k);
      t.borrowed -= k;
      t.committed = Math.max(q.total(t), t.committed - k);
      this.reconcile(vs, q);
    }
    this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: t?.borrowed ?? 0 });
  }

  /** Second phase of a revoke: the agent now holds `committed` uses (its allowance or more). */
  revokeAcked(agent: string, vs: string, id: number, committed: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    if (!q || !t || t.revokeId !== id) return;
    t.committed = Math.max(q.total(t), committed);
    if (t.committed <= q.total(t)) t.revokeId = null;
    // A donor still draining (its workers are giving uses back) re-acknowledges soon: the borrows
    // waiting on it are answered once something is free (they ask again for the rest), it is
    // done, or the wait ends.
    if (q.donors.has(agent) && t.revokeId !== null && q.waiting.length > 0 && q.pool.limit - q.committedByAll() <= 0) return;
    if (q.donors.delete(agent) && q.donors.size > 0) return;
    // Borrows waiting on this reclaim first: the lender grows back only into what they leave.
    this.settle(vs, q);
    this.reconcile(vs, q);
  }

  view(vs: string): QuotaView | null {
    const q = this.pools.get(vs);
    if (!q) return null;
    const byAgent: QuotaView['byAgent'] = {};
    const pending: QuotaView['pending'] = {};
    for (const [a, t] of q.told) {
      byAgent[a] = { exclusive: t.exclusive, borrowed: t.borrowed };
      if (t.revokeId !== null) pending[a] = t.committed;
    }
    return { limit: q.pool.limit, shared: Math.max(0, q.pool.limit - q.committedByAll()), batch: q.pool.batch, byAgent, pending };
  }

  vservers(): string[] {
    return [...this.pools.keys()];
  }

  /** What `agent` has been told on every vserver with a pool (GET /v1/agents: one pass over the pools, not a view per vserver). */
  toldTo(agent: string): Record<string, { exclusive: number; borrowed: number }> {
    const out: Record<string, { exclusive: number; borrowed: number }> = {};
    for (const [vs, q] of this.pools) {
      const t = q.told.get(agent);
      if (t) out[vs] = { exclusive: t.exclusive, borrowed: t.borrowed };
    }
    return out;
  }

  /** Lends up to `k` uses within what nobody holds (beyond the pool's shares when others gave theirs back). */
  private lend(q: VServerQuota, agent: string, k: number): number {
    const t = q.told.get(agent);
    if (!t) return 0;
    const n = q.pool.borrow(agent, Math.max(0, Math.min(k, q.pool.limit - q.committedByAll())));
    if (n === 0) return 0;
    t.borrowed += n;
    if (t.revokeId === null) t.committed = q.total(t);
    else t.committed = Math.max(t.committed, q.total(t));
    return n;
  }

  /**
   * Asks agents with unused uses (allowance − reported active) whose connections have not waited
   * lately to give up to `need` back: a revoke below their share. Reports may be stale; the acknowledgement says what the
   * agent really holds, and only the rest is lent. False when nobody could be asked.
   */
  private reclaim(vs: string, q: VServerQuota, borrower: string, need: number): boolean {
    const donors: Array<{ agent: string; unused: number }> = [];
    for (const [a, t] of q.told) {
      // Any agent with uses unused by its last report may give (its acknowledgement bounds what is
      // lent), except one whose own connections waited for uses just now.
      if (a === borrower || t.revokeId !== null || q.donors.has(a) || Date.now() - (t.waitedAt ?? -Infinity) < WAITED_MS) continue;
      const active = this.activeOf(a, vs);
      if (active === null) continue;
      // No headroom kept: the donor's acknowledgement says what it really holds (a report older than
      // its last connections only makes it give back less), and one it needs again it borrows.
      const unused = q.total(t) - active;
      if (unused > 0) donors.push({ agent: a, unused });
    }
    donors.sort((x, y) => y.unused - x.unused);
    let asked = 0;
    for (const d of donors) {
      if (asked >= need) break;
      const t = q.told.get(d.agent)!;
      const take = Math.min(d.unused, need - asked);
      const fromBorrowed = Math.min(take, t.borrowed);
      const revokeId = this.nextRevokeId++;
      const revoke: ControlMessage = {
        type: 'revoke',
        vserver: vs,
        id: revokeId,
        exclusive: t.exclusive - (take - fromBorrowed),
        borrowed: t.borrowed - fromBorrowed,
      };
      if (!this.send(d.agent, revoke)) continue;
      t.committed = Math.max(t.committed, q.total(t));
      // The pool lends them to the borrower; the donor's share stays ceded until uses return.
      q.pool.cede(d.agent, take);
      t.borrowed -= fromBorrowed;
      t.exclusive -= take - fromBorrowed;
      t.revokeId = revokeId;
      q.donors.add(d.agent);
      asked += take;
    }
    return asked > 0;
  }

  /** Answers the borrows waiting on a reclaim with what can be lent now. */
  private settle(vs: string, q: VServerQuota): void {
    q.donors.clear();
    for (const w of q.waiting.splice(0)) {
      clearTimeout(w.timer);
      const n = w.lent + this.lend(q, w.agent, w.want - w.lent);
      this.send(w.agent, { type: 'grant', vserver: vs, id: w.id, n, borrowed: q.told.get(w.agent)?.borrowed ?? 0 });
    }
  }

  /**
   * Brings what each agent was told towards the pool's targets: shrinking at once (revoke, the
   * uses stay committed until acknowledged), growing only within what nobody holds. `always` (a
   * joining agent) and `all` (limit or batch changed) get an allowance message even without a change.
   */
  private reconcile(vs: string, q: VServerQuota, always?: string, all = false): void {
    const shrinking: string[] = [];
    const growing: string[] = [];
    for (const a of q.pool.engines) {
      const target = q.pool.holding(a);
      const t = q.told.get(a) ?? { exclusive: 0, borrowed: 0, committed: 0, revokeId: null };
      q.told.set(a, t);
      if (target.exclusive + target.borrowed < q.total(t)) shrinking.push(a);
      else growing.push(a);
    }
    for (const a of shrinking) {
      const target = q.pool.holding(a);
      const t = q.told.get(a)!;
      t.committed = Math.max(t.committed, q.total(t));
      t.exclusive = target.exclusive;
      t.borrowed = target.borrowed;
      t.revokeId = this.nextRevokeId++;
      this.send(a, { type: 'revoke', vserver: vs, id: t.revokeId, exclusive: t.exclusive, borrowed: t.borrowed });
      this.send(a, this.allowanceMsg(vs, q, t));
    }
    for (const a of growing) {
      const target = q.pool.holding(a);
      const t = q.told.get(a)!;
      const before = q.total(t);
      const exclusive = target.exclusive;
      const want = exclusive + target.borrowed;
      const next = Math.max(before, Math.min(want, q.roomFor(a)));
      const split = { exclusive: Math.min(exclusive, next), borrowed: next - Math.min(exclusive, next) };
      const changed = split.exclusive !== t.exclusive || split.borrowed !== t.borrowed;
      if (!changed && !all && a !== always) continue;
      // Only what reached the agent counts: a grown allowance sent to a disconnected agent is not one.
      if (!this.send(a, this.allowanceMsg(vs, q, split))) continue;
      t.exclusive = split.exclusive;
      t.borrowed = split.borrowed;
      if (t.revokeId === null) t.committed = next;
      else t.committed = Math.max(t.committed, next);
    }
  }

  private allowanceMsg(vs: string, q: VServerQuota, a: { exclusive: number; borrowed: number }): ControlMessage {
    return { type: 'allowance', vserver: vs, limit: q.pool.limit, exclusive: a.exclusive, borrowed: a.borrowed, batch: q.pool.batch };
  }
}
