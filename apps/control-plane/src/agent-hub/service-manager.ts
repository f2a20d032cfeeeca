// The service manager (issue 16 item 1; US 6,970,913 claim 1): an agent of a `selection: manager`
// vserver forwards a new client with no persistence entry here (`select`); the manager picks the
// service with the view across agents — UP by quorum (the hub's aggregator, through
// service-load.ts), active connections summed over every agent's reports plus the placements made
// since, capacity, weights and the vserver's lbMethod, through core's balancer (the agents' own) —
// and answers an `instruction` (client key → service, for the vserver's persistence timeout) that
// the agent caches agent-wide, so the next connections of that client go there without asking.
//
// The global persistence table: a client placed once goes to the same service through any agent
// (asking again, after an agent restart or from another agent, gets the same answer while the
// entry lives and its service can take it). It is kept in memory (core's PersistenceTable per
// vserver) and, with a store (the control plane's: Postgres, selection-store.ts), written behind
// the answer and read on a miss of the memory, so it survives a restart of the control plane and
// is shared by replicas. `select-touch` keeps entries the agents keep using alive, and records
// the clients they placed themselves while the manager did not answer.
import { createBalancer, PersistenceTable, type Balancer, type Candidate, type EffectiveService, type LbMethod } from '@spillway/core';
import { DEFAULTS, type ConfigDocument } from '@spillway/protocol';
import type { ServiceLoads } from './service-load.js';

type Doc = Record<string, unknown>;

export interface SelectionRecord {
  service: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Where the global table is kept beyond this process (Postgres: selection-store.ts). */
export interface SelectionStore {
  /** The entry of a client, or null (none, or expired). Asked only when the manager's memory has none. */
  get(vserver: string, key: string): Promise<SelectionRecord | null>;
  /** Records an entry (written behind the answer; batched by the store). */
  put(vserver: string, key: string, rec: SelectionRecord): void;
}

export interface Answer {
  service: string | null;
  ttlMs: number;
}

export interface ServiceManagerStats {
  /** select messages answered. */
  selectsTotal: number;
  /** Answered from the global table (memory, or the store). */
  tableHitsTotal: number;
  /** Of those, read from the store (not in memory). */
  storeHitsTotal: number;
  /** Placed by the balancer. */
  pickedTotal: number;
  /** Answered with no service (none UP with room, unknown vserver). */
  noneTotal: number;
  /** Store reads that failed (answered as a miss). */
  storeErrorsTotal: number;
}

interface VServerView {
  doc: Doc;
  balancer: Balancer;
  method: string;
  bindings: Array<{ service: string; weight: number | null }>;
}

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export class ServiceManager {
  readonly stats: ServiceManagerStats = { selectsTotal: 0, tableHitsTotal: 0, storeHitsTotal: 0, pickedTotal: 0, noneTotal: 0, storeErrorsTotal: 0 };
  private readonly tables = new Map<string, PersistenceTable>();
  private indexed: ConfigDocument | null = null;
  private vservers = new Map<string, VServerView>();
  private services = new Map<string, Doc>();

  /**
   * `effective`: a service under application feedback as the hub serves it (agent-check, pushed:
   * its weight, capacity, state and drain replace the configured ones; a drained service takes no
   * new client, its known ones stay).
   */
  constructor(
    private readonly config: () => ConfigDocument | null,
    private readonly loads: ServiceLoads,
    private readonly store: SelectionStore | null = null,
    private readonly effective: (service: string) => EffectiveService | undefined = () => undefined,
  ) {}

  /** The service for a new client `key` of `vserver` that agent `agent` took. Never rejects. */
  async select(agent: string, vserver: string, key: string): Promise<Answer> {
    this.stats.selectsTotal++;
    const v = this.vserver(vserver);
    if (!v) {
      this.stats.noneTotal++;
      return { service: null, ttlMs: 0 };
    }
    const ttlMs = num((v.doc.persistence as Doc | undefined)?.timeoutSeconds, 0) * 1000;
    const table = this.table(vserver);
    const cands = this.candidates(v);
    const known = table.get(key);
    if (known !== undefined && this.canTake(cands, known)) return this.answer(agent, vserver, key, known, ttlMs, 'memory');
    if (known === undefined && this.store) {
      let rec: SelectionRecord | null = null;
      try {
        rec = await this.store.get(vserver, key);
      } catch {
        this.stats.storeErrorsTotal++;
      }
      // Another select of this client may have placed it meanwhile: the memory wins.
      const now = table.get(key);
      if (now !== undefined && this.canTake(this.candidates(v), now)) return this.answer(agent, vserver, key, now, ttlMs, 'memory');
      if (rec && rec.expiresAt > Date.now() && this.canTake(this.candidates(v), rec.service))
        return this.answer(agent, vserver, key, rec.service, ttlMs, 'store');
    }
    const picked = v.balancer.pick(this.candidates(v, true), key);
    if (picked === null) {
      this.stats.noneTotal++;
      return { service: null, ttlMs: 0 };
    }
    this.stats.pickedTotal++;
    return this.answer(agent, vserver, key, picked, ttlMs, 'picked');
  }

  /**
   * Clients an agent keeps sending to `service` (hits of its cache, or placed by itself while the
   * manager did not answer): kept another TTL; a client the table has on another service keeps that one.
   */
  touch(vserver: string, entries: ReadonlyArray<{ key: string; service: string }>): void {
    const v = this.vserver(vserver);
    if (!v) return;
    const ttlMs = num((v.doc.persistence as Doc | undefined)?.timeoutSeconds, 0) * 1000;
    if (ttlMs <= 0) return;
    const table = this.table(vserver);
    const bound = new Set(v.bindings.map((b) => b.service));
    for (const e of entries) {
      if (!bound.has(e.service)) continue;
      const known = table.get(e.key);
      if (known !== undefined && known !== e.service) continue;
      table.set(e.key, e.service, ttlMs);
      this.store?.put(vserver, e.key, { service: e.service, expiresAt: Date.now() + ttlMs });
    }
  }

  /** Clients in the memory table of `vserver` (expired ones not swept yet included). */
  entries(vserver: string): number {
    return this.tables.get(vserver)?.size ?? 0;
  }

  private answer(agent: string, vserver: string, key: string, service: string, ttlMs: number, how: 'memory' | 'store' | 'picked'): Answer {
    if (how !== 'picked') this.stats.tableHitsTotal++;
    if (how === 'store') this.stats.storeHitsTotal++;
    // Counted in the service's load until that agent's next report counts the connection itself.
    this.loads.assign(agent, service);
    if (ttlMs > 0) {
      this.table(vserver).set(key, service, ttlMs);
      this.store?.put(vserver, key, { service, expiresAt: Date.now() + ttlMs });
    }
    return { service, ttlMs };
  }

  /** The bound services as core's balancer takes them, with the global view: quorum state, load across agents, capacity, weight. */
  private candidates(v: VServerView, fresh = false): Candidate[] {
    const out: Candidate[] = [];
    for (const b of v.bindings) {
      const s = this.services.get(b.service);
      if (!s) continue;
      const load = this.loads.loadOf(b.service);
      const e = this.effective(b.service);
      const capacity = e?.capacity ?? num(s.capacity, DEFAULTS.service.capacity);
      // As the agents weigh it: the binding's weight, else the service's as served (feedback applied).
      const weight = b.weight ?? e?.weight ?? num(s.weight, DEFAULTS.service.weight);
      out.push({
        name: b.service,
        weight,
        active: load.active,
        capacity,
        // A service nobody monitors counts as UP (as for the limits); a drained one takes no new client.
        available: (e?.state ?? s.state ?? DEFAULTS.service.state) === 'enabled' && load.state !== 'DOWN' && !(fresh && e?.drain === true),
        serviceCapacity: capacity,
        remoteActive: 0,
      });
    }
    return out;
  }

  /** `service` is bound and can take one more client now (UP by quorum, enabled, below its capacity across agents). */
  private canTake(cands: readonly Candidate[], service: string): boolean {
    const c = cands.find((x) => x.name === service);
    return c !== undefined && c.available && (c.capacity <= 0 || c.active < c.capacity);
  }

  private table(vserver: string): PersistenceTable {
    let t = this.tables.get(vserver);
    if (!t) {
      t = new PersistenceTable();
      this.tables.set(vserver, t);
    }
    return t;
  }

  /** The vserver of the served config, indexed once per version (its balancer kept while its lbMethod stays). */
  private vserver(name: string): VServerView | undefined {
    const config = this.config();
    if (config !== this.indexed) {
      this.indexed = config;
      this.services = new Map((config?.services ?? []).map((s) => [s.name, s as Doc]));
      const next = new Map<string, VServerView>();
      for (const vs of config?.vservers ?? []) {
        const doc = vs as Doc;
        const method = typeof doc.lbMethod === 'string' ? doc.lbMethod : 'roundrobin';
        const old = this.vservers.get(vs.name);
        next.set(vs.name, {
          doc,
          method,
          balancer: old?.method === method ? old.balancer : createBalancer(method as LbMethod),
          bindings: (Array.isArray(doc.services) ? (doc.services as Doc[]) : []).map((b) => ({
            service: b.service as string,
            weight: typeof b.weight === 'number' ? b.weight : null,
          })),
        });
      }
      this.vservers = next;
      for (const t of this.tables.keys()) if (!next.has(t)) this.tables.delete(t);
    }
    return this.vservers.get(name);
  }
}
