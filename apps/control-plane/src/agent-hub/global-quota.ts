// The control plane as pool manager across agents: one weighted pool per vserver with a global
// connection limit; each agent gets an exclusive share (by worker count) and borrows batches.
// Every change of an agent's allocation is pushed to it through `send`.
import type { ControlMessage, Outstanding } from '@spillway/protocol';
import { WeightedPool } from './weighted-pool.js';

export interface QuotaView { limit: number; shared: number; batch: number; byAgent: Record<string, { exclusive: number; borrowed: number }> }
export interface GlobalQuotaOptions { exclusivePercent?: number; batchPercent?: number }

export class GlobalQuota {
  private readonly pools = new Map<string, WeightedPool>();
  private readonly agents = new Map<string, number>();

  constructor(private readonly send: (agent: string, msg: ControlMessage) => void, private readonly opts: GlobalQuotaOptions = {}) {}

  /**
   * An agent joins (or re-joins) with its worker count; `outstanding` is what it still holds
   * (reconciliation): it keeps borrowed uses covering its active connections while the pool allows.
   */
  join(agent: string, workers: number, outstanding: Record<string, Outstanding> = {}): void {
    this.agents.set(agent, workers);
    for (const [vs, pool] of this.pools) {
      const before = this.snapshot(pool);
      const revoked = pool.setEngine(agent, workers);
      const held = outstanding[vs];
      if (held) {
        const a = pool.allocation(agent);
        const missing = held.inUse - a.exclusive - a.borrowed;
        if (missing > 0) pool.borrow(agent, missing);
      }
      this.pushChanged(vs, pool, before, revoked, false, agent);
    }
  }

  /** An agent's lease ended: its quota returns to the pool and is re-shared. */
  leave(agent: string): void {
    if (!this.agents.delete(agent)) return;
    for (const [vs, pool] of this.pools) {
      const before = this.snapshot(pool);
      const revoked = pool.removeEngine(agent);
      this.pushChanged(vs, pool, before, revoked);
    }
  }

  has(agent: string): boolean { return this.agents.has(agent); }

  /** Sets (null: removes) a vserver's global limit and pushes the new allocations. */
  setLimit(vs: string, limit: number | null): void {
    const pool = this.pools.get(vs);
    if (limit === null) {
      if (!pool) return;
      this.pools.delete(vs);
      for (const a of this.agents.keys()) this.send(a, { type: 'allocate', vserver: vs, limit: null, exclusive: 0, borrowed: 0, batch: 1 });
      return;
    }
    if (!pool) {
      const created = new WeightedPool(limit, this.opts.exclusivePercent, this.opts.batchPercent);
      for (const [a, w] of this.agents) created.setEngine(a, w);
      this.pools.set(vs, created);
      for (const a of this.agents.keys()) this.send(a, this.allocateMsg(vs, created, a));
      return;
    }
    if (pool.limit === limit) return;
    const before = this.snapshot(pool);
    const revoked = pool.setLimit(limit);
    this.pushChanged(vs, pool, before, revoked, true);
  }

  borrow(agent: string, vs: string, id: number): void {
    const pool = this.pools.get(vs);
    const n = pool ? pool.borrow(agent) : 0;
    this.send(agent, { type: 'grant', vserver: vs, id, n, borrowed: pool?.allocation(agent).borrowed ?? 0 });
  }

  giveBack(agent: string, vs: string, n: number, id: number): void {
    const pool = this.pools.get(vs);
    pool?.giveBack(agent, n);
    this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: pool?.allocation(agent).borrowed ?? 0 });
  }

  /** Sends an agent every allocation it should enforce (after it reconnects). */
  resend(agent: string): void {
    for (const [vs, pool] of this.pools) this.send(agent, this.allocateMsg(vs, pool, agent));
  }

  view(vs: string): QuotaView | null {
    const pool = this.pools.get(vs);
    if (!pool) return null;
    return { limit: pool.limit, shared: pool.sharedFree, batch: pool.batch, byAgent: Object.fromEntries(pool.engines.map((a) => [a, pool.allocation(a)])) };
  }

  vservers(): string[] { return [...this.pools.keys()]; }

  private allocateMsg(vs: string, pool: WeightedPool, agent: string): ControlMessage {
    const a = pool.allocation(agent);
    return { type: 'allocate', vserver: vs, limit: pool.limit, exclusive: a.exclusive, borrowed: a.borrowed, batch: pool.batch };
  }

  private snapshot(pool: WeightedPool): Map<string, string> {
    return new Map(pool.engines.map((a) => [a, JSON.stringify([pool.allocation(a), pool.batch, pool.limit])]));
  }

  private pushChanged(vs: string, pool: WeightedPool, before: Map<string, string>, revoked: string[], limitChanged = false, always?: string): void {
    for (const a of pool.engines) {
      const now = JSON.stringify([pool.allocation(a), pool.batch, pool.limit]);
      if (before.get(a) === now && !limitChanged && a !== always) continue;
      const alloc = pool.allocation(a);
      if (revoked.includes(a)) this.send(a, { type: 'revoke', vserver: vs, exclusive: alloc.exclusive, borrowed: alloc.borrowed });
      this.send(a, this.allocateMsg(vs, pool, a));
    }
  }
}
