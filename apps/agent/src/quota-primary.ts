// The primary's pool manager for its workers (004 lines 1215-1328), one pool per vserver with a
// connection limit. The limit it sub-allocates is the agent's allocation for the vserver: the
// whole threshold in standalone mode, or what the control plane grants when the agent is one
// engine of the global pool (setLimit is the single entry point for both).
import { QuotaPool } from './quota-pool.js';
import type { QuotaMessageToEngine, QuotaMessageToManager } from './quota-worker.js';

export interface QuotaView { limit: number; shared: number; engines: Record<string, { exclusive: number; borrowed: number; room: boolean }> }

export class QuotaPrimary {
  private readonly pools = new Map<string, QuotaPool>();
  private readonly room = new Map<string, Map<number, boolean>>();
  private engines: number[] = [];

  constructor(private readonly send: (engine: number, msg: QuotaMessageToEngine) => void) {}

  setEngines(ids: number[]): void {
    const gone = this.engines.filter((e) => !ids.includes(e));
    const added = ids.filter((e) => !this.engines.includes(e));
    this.engines = [...ids];
    for (const [vs, pool] of this.pools) {
      for (const e of gone) { pool.removeEngine(e); this.room.get(vs)?.delete(e); }
      for (const e of added) pool.addEngine(e);
      if (gone.length || added.length) this.pushAll(vs);
    }
  }

  /** Sets (or with null removes) the connection limit of a vserver and re-allocates at once. */
  setLimit(vs: string, limit: number | null): void {
    const pool = this.pools.get(vs);
    if (limit === null) {
      if (!pool) return;
      this.pools.delete(vs);
      this.room.delete(vs);
      for (const e of this.engines) this.send(e, { t: 'q.drop', vs });
      return;
    }
    if (pool) { if (pool.limit !== limit) { pool.setLimit(limit); this.pushAll(vs); } return; }
    const created = new QuotaPool(limit, this.engines);
    this.pools.set(vs, created);
    this.room.set(vs, new Map());
    this.pushAll(vs);
  }

  onMessage(engine: number, msg: QuotaMessageToManager): void {
    const pool = this.pools.get(msg.vs);
    if (!pool) {
      if (msg.t === 'q.borrow') this.send(engine, { t: 'q.reply', vs: msg.vs, id: msg.id, granted: 0, handoffTo: null });
      return;
    }
    switch (msg.t) {
      case 'q.room': this.room.get(msg.vs)?.set(engine, msg.room); return;
      case 'q.return': pool.giveBack(engine, msg.n); return;
      case 'q.borrow': {
        const granted = pool.borrow(engine);
        let handoffTo: number | null = null;
        if (granted === 0) {
          // The shared pool is empty: name an engine that still has unused uses (004's spillover engine).
          const room = this.room.get(msg.vs);
          const candidates = this.engines.filter((e) => e !== engine && room?.get(e) === true);
          handoffTo = pool.pickSpilloverEngine(candidates);
        }
        this.send(engine, { t: 'q.reply', vs: msg.vs, id: msg.id, granted, handoffTo });
      }
    }
  }

  view(): Record<string, QuotaView> {
    const out: Record<string, QuotaView> = {};
    for (const [vs, pool] of this.pools) {
      const room = this.room.get(vs);
      out[vs] = {
        limit: pool.limit, shared: pool.sharedFree,
        engines: Object.fromEntries(this.engines.map((e) => [String(e), { ...pool.allocation(e), room: room?.get(e) ?? false }])),
      };
    }
    return out;
  }

  private pushAll(vs: string): void {
    const pool = this.pools.get(vs);
    if (!pool) return;
    for (const e of this.engines) this.send(e, { t: 'q.alloc', vs, ...pool.allocation(e), batch: pool.batch });
  }
}
