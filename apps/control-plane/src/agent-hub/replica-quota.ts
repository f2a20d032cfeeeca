// The global quota across control-plane replicas, kept in QuotaLease rows (one per vserver and
// agent, `share` = the uses kept for that agent, `expiresAt` = its lease).
//
// Each replica pools only its own agents, with a budget = the sum of its agents' rows. A pass, in
// one transaction holding the vserver's row lock (so passes of all replicas are serialized):
//   - every agent with a live row or in this replica's pool gets a fair share of the limit by
//     weight (core QuotaPool.fairShares: largest remainders, ties by name, so every replica
//     computes the same split);
//   - a row of this replica grows towards its share only into what the other live rows leave,
//     and shrinks only down to what the agent still holds (revokes are two-phase: the budget
//     drops first, the pool revokes, the row follows on a later pass once acknowledged);
//   - rows of agents this replica lost are deleted; others' rows expire with their lease.
// So Σ live rows ≤ limit at every commit, and each replica's agents hold at most its rows.
// A pass runs on membership and limit changes and on another replica's notification; every
// heartbeat either refreshes this replica's leases (one statement) or, while some row is not yet
// at its share (waiting for room or for acknowledgements), runs a pass again. A pass that failed
// (the database unavailable) is run again on the next heartbeat; meanwhile every budget stays as
// it was (the agents keep serving on what they hold).
//
// Rates and capacities (a vserver's bandwidth budget, a service's capacity) are split across
// replicas too, or N replicas would each split the whole among their own agents: every heartbeat
// a replica reads which agents are live on any replica (the Agent table's connected rows, which
// every replica heartbeats for the sessions it holds) and hands the hub its own agents among
// them (setReplicaSplit): its part of each is its agents' fair shares by workers (core's
// fairShares, the split the rows above converge to), so the parts add up to the whole while the
// replicas see the same agents. An agent that moves between replicas is counted by both until its
// lease on the old one ends (one lease, as its rows above). A read that fails keeps the last split.
import { QuotaPool } from '@spillway/core';
import type { PrismaClient } from '../db/prisma.js';
import type { HubLogger } from './agent-session.js';
import type { AgentHub, HubEvent } from './hub.js';

export interface ReplicaQuotaOptions {
  hub: AgentHub;
  db: PrismaClient;
  log: HubLogger;
  /** Lease of a row: refreshed every pass; a replica that stops refreshing loses its rows after it. */
  leaseMs: number;
  intervalMs: number;
  /** Called after a pass changed rows (to notify the other replicas). */
  changed(): void;
  /** How long an agent row stays connected without a heartbeat of its replica (default twice the lease). */
  agentRowLeaseMs?: number;
}

interface Row {
  agent: string;
  workers: number;
  /** The uses the row keeps for the agent: its fair share once settled (more while a shrink waits for acknowledgements). */
  share: number;
  live: boolean;
  local: boolean;
}

export class ReplicaQuota {
  /** `vserver|agent` → the lease this replica last wrote: its row is deleted when the agent leaves this pool, unless another replica wrote it since. */
  private readonly written = new Map<string, number>();
  /** Vservers where a row of this replica is not at its fair share yet. */
  private readonly unsettled = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  /** Vservers a pass must look at (null: all of them). */
  private dirty: Set<string> | null = null;
  /** Vservers of passes that failed, run again on the next heartbeat (null: all; undefined: none). */
  private failed: Set<string> | null | undefined = undefined;
  private splitting: Promise<void> | null = null;
  private lastSplit = '';
  /** Agent → its row's id, as committed passes read it (see pass). */
  private readonly agentIds = new Map<string, number>();
  private readonly onMembers = (): void => {
    this.kick();
    this.splitRates();
  };
  private readonly onEvent = (e: HubEvent): void => {
    if (e.kind === 'threshold.changed' && e.vserver) this.kick([e.vserver]);
  };

  constructor(private readonly opts: ReplicaQuotaOptions) {
    opts.hub.on('members', this.onMembers);
    opts.hub.on('event', this.onEvent);
    this.timer = setInterval(() => {
      const failed = this.failed;
      if (failed !== undefined && !this.running) {
        this.failed = undefined;
        this.kick(failed === null ? undefined : [...failed, ...this.unsettled]);
      } else if (this.unsettled.size > 0) this.kick([...this.unsettled]);
      else this.refresh();
      this.splitRates();
    }, opts.intervalMs);
    this.timer.unref();
  }

  /**
   * Runs a pass soon over `vservers` (default: all); passes never overlap, and what is asked for
   * meanwhile is gathered into one more pass.
   */
  kick(vservers?: string[]): void {
    if (this.closed) return;
    if (vservers === undefined) this.dirty = null;
    else if (this.dirty !== null) for (const v of vservers) this.dirty.add(v);
    if (this.running) {
      this.again = true;
      return;
    }
    const only = this.dirty;
    this.dirty = new Set();
    this.running = this.pass(only)
      .catch((err: Error) => {
        this.opts.log.warn({ err: err.message.split('\n').filter(Boolean).at(-1) }, 'quota pass failed; retrying on the next heartbeat');
        this.agentIds.clear(); // read again: a row may have been deleted and made again
        if (only === null || this.failed === null) this.failed = null;
        else {
          this.failed ??= new Set();
          for (const v of only) this.failed.add(v);
        }
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick([]);
        }
      });
  }

  /** This replica's agents among the live agents of every replica, to the hub (rates and capacities; see the top). */
  private splitRates(): void {
    if (this.closed || this.splitting) return;
    const members = this.opts.hub.quotaMembers();
    if (members.length === 0) return;
    const cutoff = new Date(Date.now() - (this.opts.agentRowLeaseMs ?? 2 * this.opts.leaseMs));
    this.splitting = this.opts.db.agent
      .findMany({ where: { status: 'connected', lastHeartbeatAt: { gt: cutoff } }, select: { name: true, workers: true } })
      .then((rows) => {
        if (this.closed) return;
        const all = new Map<string, number>(rows.map((r) => [r.name, Math.max(1, r.workers)]));
        for (const [a, w] of this.opts.hub.quotaMembers()) all.set(a, Math.max(1, w));
        const mine = this.opts.hub
          .quotaMembers()
          .map(([a]) => a)
          .sort();
        const split = { mine, all: [...all].sort((a, b) => a[0].localeCompare(b[0])) };
        const key = JSON.stringify(split);
        if (key === this.lastSplit) return;
        this.lastSplit = key;
        this.opts.hub.setReplicaSplit(split);
      })
      .catch((err: Error) => this.opts.log.warn({ err: err.message }, 'replica split of rates and capacities not read; keeping the last'))
      .finally(() => {
        this.splitting = null;
      });
  }

  /** Extends the leases of this replica's rows. */
  private refresh(): void {
    if (this.closed || this.running) return;
    const members = this.opts.hub.quotaMembers().map(([a]) => a);
    if (members.length === 0) return;
    const expiresAt = new Date(Date.now() + this.opts.leaseMs);
    this.running = this.opts.db.quotaLease
      .updateMany({ where: { agent: { name: { in: members } } }, data: { expiresAt } })
      .then(() => {
        const mine = new Set(members);
        for (const key of this.written.keys()) if (mine.has(key.slice(key.indexOf('|') + 1))) this.written.set(key, expiresAt.getTime());
      })
      .catch((err: Error) => this.opts.log.warn({ err: err.message }, 'quota lease refresh failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick([]);
        }
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.opts.hub.off('members', this.onMembers);
    this.opts.hub.off('event', this.onEvent);
    await this.running;
    await this.splitting;
  }

  /** One transaction for every vserver in `only` (null: all) that has a limit. */
  private async pass(only: Set<string> | null): Promise<void> {
    const { hub, db } = this.opts;
    const members = new Map(hub.quotaMembers());
    // Without agents here this replica needs no budget (and must not cut one its agents still use).
    if (members.size === 0) return;
    const limits = new Map<string, number>();
    for (const v of hub.snapshots.get()?.config.vservers ?? []) {
      const name = v.name;
      const limit = hub.limit(name)?.value ?? null;
      if (limit !== null && (only === null || only.has(name))) limits.set(name, limit);
    }
    if (limits.size === 0) return;
    let changed = false;
    // Agent ids: those a committed pass read are kept while the agent stays in the pool (a pass
    // runs on every threshold change, and an upsert per agent each time was most of its cost).
    for (const agent of this.agentIds.keys()) if (!members.has(agent)) this.agentIds.delete(agent);
    const agentIds = new Map<string, number>();
    const budgets = await db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        Array<{ id: number; name: string }>
      >`SELECT id, name FROM vserver WHERE name = ANY(${[...limits.keys()]}) ORDER BY id FOR UPDATE`;
      const now = new Date();
      const expiresAt = new Date(now.getTime() + this.opts.leaseMs);
      for (const [agent, workers] of members) {
        const known = this.agentIds.get(agent);
        if (known !== undefined) {
          agentIds.set(agent, known);
          continue;
        }
        const a = await tx.agent.upsert({ where: { name: agent }, create: { name: agent, workers }, update: {}, select: { id: true } });
        agentIds.set(agent, a.id);
      }
      const leases = await tx.quotaLease.findMany({
        where: { vserverId: { in: locked.map((l) => l.id) } },
        include: { agent: { select: { name: true, workers: true } } },
      });
      const leasesOf = new Map<number, typeof leases>();
      for (const l of leases) {
        const list = leasesOf.get(l.vserverId);
        if (list) list.push(l);
        else leasesOf.set(l.vserverId, [l]);
      }
      const writes: Array<{ vserverId: number; agentId: number; share: number }> = [];
      const deletes: number[] = [];
      const out = new Map<string, number>();
      for (const { id: vserverId, name: vs } of locked) {
        const limit = limits.get(vs)!;
        const stored = leasesOf.get(vserverId) ?? [];
        const rows = new Map<string, Row>();
        for (const r of stored)
          rows.set(r.agent.name, {
            agent: r.agent.name,
            workers: r.agent.workers,
            share: r.share,
            live: r.expiresAt > now,
            local: members.has(r.agent.name),
          });
        for (const [agent, workers] of members) {
          const r = rows.get(agent);
          if (r) {
            r.local = true;
            r.live = true;
            r.workers = workers;
          } else rows.set(agent, { agent, workers, share: 0, live: true, local: true });
        }
        // Rows this replica no longer pools (agents whose lease ended here) go: their uses were returned.
        for (const r of stored) {
          const key = `${vs}|${r.agent.name}`;
          const mine = this.written.get(key);
          if (members.has(r.agent.name) || mine === undefined) continue;
          this.written.delete(key);
          if (r.expiresAt.getTime() !== mine) continue;
          deletes.push(r.id);
          rows.delete(r.agent.name);
          changed = true;
        }
        const live = [...rows.values()].filter((r) => r.live);
        const fairShares = new QuotaPool<string>({ limit, engines: live.map((r) => [r.agent, Math.max(1, r.workers)] as const) }).fairShares();
        const others = (agent: string): number => live.reduce((sum, r) => sum + (r.agent === agent ? 0 : r.share), 0);
        let total = 0;
        let settled = true;
        for (const r of live.filter((x) => x.local).sort((a, b) => a.agent.localeCompare(b.agent))) {
          const fair = fairShares.get(r.agent) ?? 0;
          const committed = hub.quotaCommittedBy(vs, r.agent);
          let next = r.share;
          if (fair > r.share) next = Math.max(r.share, Math.min(fair, limit - others(r.agent)));
          else if (fair < r.share) next = Math.max(fair, committed);
          if (next !== r.share) changed = true;
          // Below its fair share because other replicas' rows hold the room: they are told (they
          // may have settled before this row appeared, and would not look again), every pass
          // until they gave it back.
          if (next < fair && others(r.agent) > limit - fair) changed = true;
          if (next !== fair) settled = false;
          r.share = next;
          total += next;
          writes.push({ vserverId, agentId: agentIds.get(r.agent)!, share: next });
          this.written.set(`${vs}|${r.agent}`, expiresAt.getTime());
        }
        if (settled) this.unsettled.delete(vs);
        else this.unsettled.add(vs);
        out.set(vs, total);
      }
      if (deletes.length > 0) await tx.quotaLease.deleteMany({ where: { id: { in: deletes } } });
      if (writes.length > 0) {
        await tx.$executeRaw`
          INSERT INTO quota_lease ("vserverId", "agentId", "share", "expiresAt", "updatedAt")
          SELECT v, a, r, (${expiresAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'), now() FROM unnest(${writes.map((w) => w.vserverId)}::int[], ${writes.map((w) => w.agentId)}::int[], ${writes.map((w) => w.share)}::int[]) AS t(v, a, r)
          ON CONFLICT ("vserverId", "agentId") DO UPDATE SET "share" = EXCLUDED."share", "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = now()`;
      }
      return out;
    });
    for (const [agent, id] of agentIds) this.agentIds.set(agent, id);
    // One call: the hub recomputes only the vservers whose budget moved.
    hub.setBudgets(budgets);
    if (changed) this.opts.changed();
  }
}
