// The control plane as pool manager across agents: one weighted pool per vserver with a global
// connection limit; each agent gets an exclusive share (by worker count) and borrows batches.
//
// The pool computes each agent's target allowance; what an agent has actually been told, and
// what it may still be admitting, are tracked beside it so that a shrinking allowance is a
// two-phase change: the agent is told at once (`revoke`), but the uses count as held until it
// acknowledges (`revoke-ack`, possibly several as connections close) or its lease ends. Growth of
// any allowance, and every loan, fits in what is left after the uses held, so
//   Σ over agents of max(held, told) ≤ limit
// holds whenever no limit has just dropped, and nothing is lent while it does not.
import type { ControlMessage, Outstanding } from '@spillway/protocol';
import { WeightedPool } from './weighted-pool.js';

export interface QuotaView {
  limit: number;
  /** Uses nobody holds: the limit minus every agent's held uses (negative right after a limit drop). */
  shared: number;
  batch: number;
  /** What each agent has been told it may admit. */
  byAgent: Record<string, { exclusive: number; borrowed: number }>;
  /** Agents whose allowance shrank and that still hold more than it (revoke not yet acknowledged). */
  pending: Record<string, number>;
}
export interface GlobalQuotaOptions { exclusivePercent?: number; batchPercent?: number }

/** What one agent was told for one vserver, and what it may still hold. */
interface Told { exclusive: number; borrowed: number; held: number; revokeId: number | null }

/** Delivers a message to a connected agent; false when the agent has no session. */
export type QuotaSend = (agent: string, msg: ControlMessage) => boolean;

class VServerQuota {
  readonly told = new Map<string, Told>();
  constructor(readonly pool: WeightedPool) {}

  total(t: Told): number { return t.exclusive + t.borrowed; }
  /** Uses counted against the limit for an agent. */
  heldBy(agent: string): number { const t = this.told.get(agent); return t ? Math.max(t.held, this.total(t)) : 0; }
  heldByAll(): number { let n = 0; for (const a of this.told.keys()) n += this.heldBy(a); return n; }
  /** What an agent could hold without the sum passing the limit. */
  roomFor(agent: string): number { return this.pool.limit - (this.heldByAll() - this.heldBy(agent)); }
}

export class GlobalQuota {
  private readonly pools = new Map<string, VServerQuota>();
  private readonly agents = new Map<string, number>();
  private nextRevokeId = 1;

  constructor(private readonly send: QuotaSend, private readonly opts: GlobalQuotaOptions = {}) {}

  /**
   * An agent joins (or re-joins) with its worker count; `outstanding` is what it still holds
   * (reconciliation): its report replaces what the control plane believed, and it keeps borrowed
   * uses covering its active connections while the pool allows.
   */
  join(agent: string, workers: number, outstanding: Record<string, Outstanding> = {}): void {
    this.agents.set(agent, workers);
    for (const [vs, q] of this.pools) {
      q.pool.setEngine(agent, workers);
      const held = outstanding[vs];
      const prev = q.told.get(agent);
      const enforced = held?.allocation ?? 0;
      const exclusive = Math.min(prev?.exclusive ?? 0, enforced);
      q.told.set(agent, { exclusive, borrowed: enforced - exclusive, held: Math.max(enforced, held?.inUse ?? 0), revokeId: null });
      if (held) {
        const a = q.pool.allocation(agent);
        const missing = held.inUse - a.exclusive - a.borrowed;
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
      this.reconcile(vs, q);
    }
  }

  has(agent: string): boolean { return this.agents.has(agent); }

  /** Sets (null: removes) a vserver's global limit and pushes the new allocations. */
  setLimit(vs: string, limit: number | null): void {
    const q = this.pools.get(vs);
    if (limit === null) {
      if (!q) return;
      this.pools.delete(vs);
      for (const a of this.agents.keys()) this.send(a, { type: 'allocate', vserver: vs, limit: null, exclusive: 0, borrowed: 0, batch: 1 });
      return;
    }
    if (!q) {
      const created = new VServerQuota(new WeightedPool(limit, this.opts.exclusivePercent, this.opts.batchPercent));
      for (const [a, w] of this.agents) created.pool.setEngine(a, w);
      this.pools.set(vs, created);
      this.reconcile(vs, created, undefined, true);
      return;
    }
    if (q.pool.limit === limit) return;
    q.pool.setLimit(limit);
    this.reconcile(vs, q, undefined, true);
  }

  /** Lends up to max(batch, want) uses, within what nobody holds; always answered with a grant. */
  borrow(agent: string, vs: string, id: number, want?: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    let n = 0;
    if (q && t) {
      const room = q.roomFor(agent) - q.heldBy(agent);
      n = q.pool.borrow(agent, Math.max(0, Math.min(Math.max(q.pool.batch, want ?? 0), room)));
      t.borrowed += n;
      if (t.revokeId === null) t.held = q.total(t);
    }
    this.send(agent, { type: 'grant', vserver: vs, id, n, borrowed: t?.borrowed ?? 0 });
  }

  giveBack(agent: string, vs: string, n: number, id: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    if (q && t) {
      const k = Math.min(n, t.borrowed);
      q.pool.giveBack(agent, k);
      t.borrowed -= k;
      t.held = Math.max(q.total(t), t.held - k);
      this.reconcile(vs, q);
    }
    this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: t?.borrowed ?? 0 });
  }

  /** Second phase of a revoke: the agent now holds `held` uses (its allowance or more). */
  revokeAcked(agent: string, vs: string, id: number, held: number): void {
    const q = this.pools.get(vs);
    const t = q?.told.get(agent);
    if (!q || !t || t.revokeId !== id) return;
    t.held = Math.max(q.total(t), held);
    if (t.held <= q.total(t)) t.revokeId = null;
    this.reconcile(vs, q);
  }

  view(vs: string): QuotaView | null {
    const q = this.pools.get(vs);
    if (!q) return null;
    const byAgent: QuotaView['byAgent'] = {};
    const pending: QuotaView['pending'] = {};
    for (const [a, t] of q.told) {
      byAgent[a] = { exclusive: t.exclusive, borrowed: t.borrowed };
      if (t.revokeId !== null) pending[a] = t.held;
    }
    return { limit: q.pool.limit, shared: q.pool.limit - q.heldByAll(), batch: q.pool.batch, byAgent, pending };
  }

  vservers(): string[] { return [...this.pools.keys()]; }

  /**
   * Brings what each agent was told towards the pool's targets: shrinking at once (revoke, the
   * uses stay held until acknowledged), growing only within what nobody holds. `always` (a
   * joining agent) and `all` (limit or batch changed) get an allocate even without a change.
   */
  private reconcile(vs: string, q: VServerQuota, always?: string, all = false): void {
    const shrinking: string[] = [];
    const growing: string[] = [];
    for (const a of q.pool.engines) {
      const target = q.pool.allocation(a);
      const t = q.told.get(a) ?? { exclusive: 0, borrowed: 0, held: 0, revokeId: null };
      q.told.set(a, t);
      if (target.exclusive + target.borrowed < q.total(t)) shrinking.push(a);
      else growing.push(a);
    }
    for (const a of shrinking) {
      const target = q.pool.allocation(a);
      const t = q.told.get(a)!;
      t.held = Math.max(t.held, q.total(t));
      t.exclusive = target.exclusive;
      t.borrowed = target.borrowed;
      t.revokeId = this.nextRevokeId++;
      this.send(a, { type: 'revoke', vserver: vs, id: t.revokeId, exclusive: t.exclusive, borrowed: t.borrowed });
      this.send(a, this.allocateMsg(vs, q, t));
    }
    for (const a of growing) {
      const target = q.pool.allocation(a);
      const t = q.told.get(a)!;
      const before = q.total(t);
      const want = target.exclusive + target.borrowed;
      const next = Math.max(before, Math.min(want, q.roomFor(a)));
      const split = { exclusive: Math.min(target.exclusive, next), borrowed: next - Math.min(target.exclusive, next) };
      const changed = split.exclusive !== t.exclusive || split.borrowed !== t.borrowed;
      if (!changed && !all && a !== always) continue;
      // Only what reached the agent counts: a grown allowance sent to a disconnected agent is not one.
      if (!this.send(a, this.allocateMsg(vs, q, split))) continue;
      t.exclusive = split.exclusive;
      t.borrowed = split.borrowed;
      if (t.revokeId === null) t.held = next; else t.held = Math.max(t.held, next);
    }
  }

  private allocateMsg(vs: string, q: VServerQuota, a: { exclusive: number; borrowed: number }): ControlMessage {
    return { type: 'allocate', vserver: vs, limit: q.pool.limit, exclusive: a.exclusive, borrowed: a.borrowed, batch: q.pool.batch };
  }
}
