// A service's `capacity` held across agents (issue 12 item 3): the control plane is the pool
// manager of every service with a capacity, exactly as of every vserver with a global connection
// limit. It is the same GlobalQuota (core's QuotaPool with each agent an engine weighted by its
// workers, shares, batches, the two-phase revoke, the reclaim for waiting connections), keyed by
// service name instead of vserver name, and the same messages (allowance, borrow, grant, return,
// revoke, revoke-ack) with `pool: 'service'`. Nothing of the quota is implemented here: this
// module only says which services have a pool and of what limit, and tags the messages.
//
// The limit of a service's pool is its capacity as the hub serves it (the effective capacity
// under agent-check or pushed feedback, else the configured one), capped by this replica's budget
// when there are replicas (setSplit: its agents' fair shares of the capacity among every
// replica's, from replica-quota.ts). Without a budget yet a replica's agents keep what they enforce (static
// stability: before the first budget, the whole capacity each, as before the control plane
// pooled capacities).
//
// The agent enforces its allowance agent-wide (service-state-primary.ts: its pool of the service
// across its workers has the allowance as its limit) and borrows when connections need more. While
// the control plane is unreachable it keeps its allowance for its lease; past the lease it falls
// back to its exclusive share (control-client.ts): the exclusive shares of all agents never sum
// above p·capacity, so when the control plane is down for every agent the capacity still holds.
//
// Off by default (AgentHubOptions.serviceCapacity, SPILLWAY_SERVICE_CAPACITY_POOLS=true): with the
// pools on, an agent whose share of a service is taken refuses the connection its vserver had
// admitted (the agent's service selection has no spill: plane.ts destroys it), and the vserver's
// pool and the services' pools, arbitrated apart, leave a connection without a use on one agent
// while the other agent holds one. Measured in test/e2e/spillover-across-agents.test.ts (a burst
// of 80 at a dynamic threshold of 40: 36 admitted, 5 refused instead of spilled) and
// application-feedback.test.ts (availablecapacity, one agent holding a whole capacity). Default
// on needs the agent to spill (not refuse) a connection no service has a use for.
import type { ControlMessage, Outstanding } from '@spillway/protocol';
import { QuotaPool } from '@spillway/core';
import { GlobalQuota, type GlobalQuotaOptions, type QuotaSend, type QuotaView } from './global-quota.js';

/** A service's capacity as the hub serves it (0: none, no pool); null: the service is not configured. */
export type CapacityOf = (service: string) => number | null;

/**
 * A replica's part of a whole `limit` (a bandwidth budget in millionths, a service's capacity):
 * its own agents' fair shares of it among every live agent of every replica, by workers (core's
 * QuotaPool.fairShares, the split a connection limit's rows converge to), so the parts of all
 * replicas add up to the limit while they see the same agents.
 */
export interface ReplicaSplit {
  /** This replica's agents. */
  mine: readonly string[];
  /** Every live agent of every replica (this one's included), with its workers. */
  all: ReadonlyArray<readonly [string, number]>;
}
export function replicaPart(limit: number, split: ReplicaSplit): number {
  const shares = new QuotaPool<string>({ limit, engines: split.all.map(([a, w]) => [a, Math.max(1, w)] as const) }).fairShares();
  let n = 0;
  for (const a of split.mine) n += shares.get(a) ?? 0;
  return n;
}

/** A quota message of the vserver quota's shape, for the pool of a service. */
const tagged = (msg: ControlMessage): ControlMessage =>
  msg.type === 'allowance' || msg.type === 'grant' || msg.type === 'revoke' ? { ...msg, pool: 'service' } : msg;

export class ServiceCapacity {
  private readonly quota: GlobalQuota;
  /** Services with a capacity in the served config. */
  private services = new Set<string>();
  private readonly budgeted: boolean;
  /** Off: no service gets a pool (the agents enforce each capacity on their own, as before). */
  private readonly enabled: boolean;
  /** With replicas: who this replica's agents are among all (null: not known yet, no pool). */
  private split: ReplicaSplit | null = null;

  constructor(
    send: QuotaSend,
    private readonly capacityOf: CapacityOf,
    opts: { enabled?: boolean; quota?: GlobalQuotaOptions; budgeted?: boolean; activeOf?: (agent: string, service: string) => number | null } = {},
  ) {
    this.enabled = opts.enabled ?? false;
    this.budgeted = opts.budgeted ?? false;
    this.quota = new GlobalQuota((agent, msg) => send(agent, tagged(msg)), opts.quota, opts.activeOf);
  }

  /** The services of a new config version: those with a capacity get a pool, the others lose theirs. */
  setServices(names: Iterable<string>): void {
    if (!this.enabled) return;
    const next = new Set<string>();
    for (const name of names) if ((this.capacityOf(name) ?? 0) > 0) next.add(name);
    const gone = [...this.services].filter((n) => !next.has(n));
    this.services = next;
    for (const name of gone) this.quota.setLimit(name, null);
    this.recompute(next);
  }

  /** The capacity of these services may have moved (config, feedback): their pools follow. */
  recompute(names: Iterable<string>): void {
    if (!this.enabled) return;
    const parts = new Map<number, number>();
    for (const name of names) {
      const capacity = this.capacityOf(name) ?? 0;
      if (capacity <= 0) {
        if (this.services.delete(name)) this.quota.setLimit(name, null);
        continue;
      }
      this.services.add(name);
      if (!this.budgeted) {
        this.quota.setLimit(name, capacity);
        continue;
      }
      // Until this replica knows its part the agents keep what they enforce (static stability).
      if (!this.split) continue;
      let part = parts.get(capacity);
      if (part === undefined) parts.set(capacity, (part = replicaPart(capacity, this.split)));
      this.quota.setLimit(name, part);
    }
  }

  /** With replicas: this replica's agents among all live ones (replica-quota.ts); every pool is re-sized to its part. */
  setSplit(split: ReplicaSplit): void {
    if (!this.budgeted) return;
    this.split = split;
    this.recompute(this.services);
  }

  /** Services with a pool (or waiting for a budget for one). */
  pooled(): string[] {
    return [...this.services];
  }

  join(agent: string, workers: number, outstanding: Record<string, Outstanding> = {}): void {
    this.quota.join(agent, workers, outstanding);
  }
  leave(agent: string): void {
    this.quota.leave(agent);
  }
  borrow(agent: string, service: string, id: number, want?: number, allowance?: number): void {
    this.quota.borrow(agent, service, id, want, allowance);
  }
  giveBack(agent: string, service: string, n: number, id: number): void {
    this.quota.giveBack(agent, service, n, id);
  }
  revokeAcked(agent: string, service: string, id: number, committed: number): void {
    this.quota.revokeAcked(agent, service, id, committed);
  }
  /** The pool of a service as the vserver quota's view shows one (null: no pool). */
  view(service: string): QuotaView | null {
    return this.quota.view(service);
  }
}
