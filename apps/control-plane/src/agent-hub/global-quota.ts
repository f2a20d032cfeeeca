// The control plane as pool manager across agents: one core QuotaManager per vserver with a
// global connection limit (or per service with a capacity: service-capacity.ts), each agent an
// engine weighted by its worker count. Every rule of the quota (shares, batches, the two-phase
// revoke and its committed uses, the arbitration of borrows whose connections wait, the reclaim
// of uses other agents do not use) is core's (packages/core/src/quota-manager.ts, quota-pool.ts):
// this module only turns protocol messages into calls of the manager and its orders into
// messages, and holds the deadline of a waiting borrow (a timer).
import { QuotaManager, type QuotaOrder } from '@spillway/core';
import type { ControlMessage, Outstanding } from '@spillway/protocol';

export interface QuotaView {
  limit: number;
  /** Uses nobody holds: the limit minus every agent's committed uses, 0 while they reach it (right after a limit drop, or a rejoin with connections on re-lent uses). */
  shared: number;
  batch: number;
  /** What each agent has been told it may admit. */
  byAgent: Record<string, { exclusive: number; borrowed: number }>;
  /** Agents whose allowance shrank and that may still hold more than it (revoke not yet acknowledged), with their committed uses. */
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

/** Delivers a message to a connected agent; false when the agent has no session. */
export type QuotaSend = (agent: string, msg: ControlMessage) => boolean;

export class GlobalQuota {
  private readonly pools = new Map<string, QuotaManager<string>>();
  private readonly agents = new Map<string, number>();
  private nextRevokeId = 1;
  private readonly nextId = (): number => this.nextRevokeId++;

  constructor(
    private readonly send: QuotaSend,
    private readonly opts: GlobalQuotaOptions = {},
    private readonly activeOf: ActiveOf = () => null,
  ) {}

  /** An agent joins (or re-joins) with its worker count and, per vserver, what it still enforces and holds (the manager never takes it on trust). */
  join(agent: string, workers: number, outstanding: Record<string, Outstanding> = {}): void {
    this.agents.set(agent, workers);
    for (const [vs, m] of this.pools) this.deliver(vs, m.join(agent, Math.max(1, workers), outstanding[vs]));
  }

  /** An agent's lease ended: its quota returns to the pool and is re-shared. */
  leave(agent: string): void {
    if (!this.agents.delete(agent)) return;
    for (const [vs, m] of this.pools) this.deliver(vs, m.leave(agent));
  }

  has(agent: string): boolean {
    return this.agents.has(agent);
  }

  /** Agents in the pools with their worker counts (weights). */
  members(): Array<[string, number]> {
    return [...this.agents];
  }

  /** Uses counted against the limit for `agent` on `vs` (its allowance, or more while a revoke is pending). */
  committedBy(vs: string, agent: string): number {
    return this.pools.get(vs)?.committedBy(agent) ?? 0;
  }

  /** Sets (null: removes) a vserver's global limit and pushes the new allowances. */
  setLimit(vs: string, limit: number | null): void {
    const m = this.pools.get(vs);
    if (limit === null) {
      if (!m) return;
      this.deliver(vs, m.close());
      this.pools.delete(vs);
      for (const a of this.agents.keys()) this.send(a, { type: 'allowance', vserver: vs, limit: null, exclusive: 0, borrowed: 0, batch: 1 });
      return;
    }
    if (m) {
      if (m.limit !== limit) this.deliver(vs, m.setLimit(limit));
      return;
    }
    const created = new QuotaManager<string>({
      limit: 0,
      nextId: this.nextId,
      ...(this.opts.exclusivePercent !== undefined ? { exclusivePercent: this.opts.exclusivePercent } : {}),
      ...(this.opts.batchPercent !== undefined ? { batchPercent: this.opts.batchPercent } : {}),
    });
    this.pools.set(vs, created);
    for (const [a, w] of this.agents) created.join(a, Math.max(1, w));
    this.deliver(vs, created.setLimit(limit));
  }

  /**
   * A borrow (with `want`: connections waiting, and `allowance`: what the agent enforced when it
   * asked); always answered with a grant, at once or once the uses reclaimed for it come back.
   */
  borrow(agent: string, vs: string, id: number, want?: number, allowance?: number): void {
    const m = this.pools.get(vs);
    if (!m) {
      this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: 0 });
      return;
    }
    const r = m.borrow(agent, id, want, Date.now(), (a) => this.activeOf(a, vs), allowance);
    this.deliver(vs, r.orders);
    if (r.waiting) {
      setTimeout(() => {
        if (this.pools.get(vs) === m) this.deliver(vs, m.expire(agent, id));
      }, this.opts.reclaimWaitMs ?? 200).unref();
    }
  }

  giveBack(agent: string, vs: string, n: number, id: number): void {
    const m = this.pools.get(vs);
    if (!m) this.send(agent, { type: 'grant', vserver: vs, id, n: 0, borrowed: 0 });
    else this.deliver(vs, m.giveBack(agent, n, id));
  }

  /** Second phase of a revoke: the agent now may hold `committed` uses (its allowance or more). */
  revokeAcked(agent: string, vs: string, id: number, committed: number): void {
    const m = this.pools.get(vs);
    if (m) this.deliver(vs, m.revokeAcked(agent, id, committed));
  }

  view(vs: string): QuotaView | null {
    const m = this.pools.get(vs);
    if (!m) return null;
    const v = m.view();
    return { limit: v.limit, shared: v.shared, batch: v.batch, byAgent: Object.fromEntries(v.told), pending: Object.fromEntries(v.pending) };
  }

  vservers(): string[] {
    return [...this.pools.keys()];
  }

  /** What `agent` has been told on every vserver with a pool (GET /v1/agents: one pass over the pools, not a view per vserver). */
  toldTo(agent: string): Record<string, { exclusive: number; borrowed: number }> {
    const out: Record<string, { exclusive: number; borrowed: number }> = {};
    for (const [vs, m] of this.pools) {
      const t = m.told(agent);
      if (t) out[vs] = t;
    }
    return out;
  }

  /** The manager's orders as protocol messages. */
  private deliver(vs: string, orders: QuotaOrder<string>[]): void {
    const m = this.pools.get(vs);
    for (const o of orders) {
      if (o.kind === 'allowance')
        this.send(o.engine, { type: 'allowance', vserver: vs, limit: m?.limit ?? null, exclusive: o.exclusive, borrowed: o.borrowed, batch: m?.batch ?? 1 });
      else if (o.kind === 'revoke') this.send(o.engine, { type: 'revoke', vserver: vs, id: o.id, exclusive: o.exclusive, borrowed: o.borrowed });
      else this.send(o.engine, { type: 'grant', vserver: vs, id: o.id, n: o.n, borrowed: o.borrowed });
    }
  }
}
