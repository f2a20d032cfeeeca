// The service manager's global persistence table in Postgres (selection_entry; see
// docs/SERVICE-MANAGER.md): read when a client is not in the manager's memory (a restarted
// control plane, a client another replica placed; the reads of one event-loop turn in one query),
// written behind the answers in batches (one
// upsert per flush, the latest entry of a client winning), expired rows deleted once a minute.
// The database being down never fails a selection: a read error is a miss, writes are kept (up
// to a bound) and retried.
import type { PrismaClient } from '../db/prisma.js';
import type { HubLogger } from './agent-session.js';
import type { SelectionRecord, SelectionStore } from './service-manager.js';

const FLUSH_MS = 50;
const SWEEP_MS = 60_000;
/** Entries waiting for the database at most (the oldest are dropped past it: the memory still has them). */
const MAX_PENDING = 100_000;
/** Clients read in one query at most. */
const READ_BATCH = 1_000;

export class PrismaSelectionStore implements SelectionStore {
  private pending = new Map<string, { vserver: string; key: string; rec: SelectionRecord }>();
  private timer: NodeJS.Timeout | null = null;
  /** Reads asked this turn: `vserver\0key` → who waits for it. */
  private reads = new Map<
    string,
    { vserver: string; key: string; waiters: Array<{ resolve: (r: SelectionRecord | null) => void; reject: (e: Error) => void }> }
  >();
  private reading = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  readonly stats = { writesTotal: 0, writeErrorsTotal: 0 };

  constructor(
    private readonly db: PrismaClient,
    private readonly log: HubLogger,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * The entry of a client. Reads asked in the same turn of the event loop go as one query (new
   * clients come in bursts, from every agent at once): one round trip to Postgres for all of them.
   */
  get(vserver: string, key: string): Promise<SelectionRecord | null> {
    const k = `${vserver}\u0000${key}`;
    const queued = this.pending.get(k);
    if (queued) return Promise.resolve(queued.rec);
    return new Promise((resolve, reject) => {
      let r = this.reads.get(k);
      if (!r) this.reads.set(k, (r = { vserver, key, waiters: [] }));
      r.waiters.push({ resolve, reject });
      if (this.reading) return;
      this.reading = true;
      setImmediate(() => void this.readBatch());
    });
  }

  private async readBatch(): Promise<void> {
    this.reading = false;
    const batch = [...this.reads.values()];
    this.reads = new Map();
    for (let i = 0; i < batch.length; i += READ_BATCH) {
      const part = batch.slice(i, i + READ_BATCH);
      try {
        const rows = await this.db.$queryRaw<Array<{ vserver: string; clientKey: string; service: string; expiresAt: Date }>>`
          SELECT e.vserver, e."clientKey", e.service, e."expiresAt"
          FROM unnest(${part.map((r) => r.vserver)}::text[], ${part.map((r) => r.key)}::text[]) AS t(vserver, key)
          JOIN selection_entry e ON e.vserver = t.vserver AND e."clientKey" = t.key`;
        const found = new Map(rows.map((row) => [`${row.vserver}\u0000${row.clientKey}`, row]));
        const now = Date.now();
        for (const r of part) {
          const row = found.get(`${r.vserver}\u0000${r.key}`);
          const rec = row && row.expiresAt.getTime() > now ? { service: row.service, expiresAt: row.expiresAt.getTime() } : null;
          for (const w of r.waiters) w.resolve(rec);
        }
      } catch (err) {
        for (const r of part) for (const w of r.waiters) w.reject(err as Error);
      }
    }
  }

  put(vserver: string, key: string, rec: SelectionRecord): void {
    if (this.closed) return;
    const k = `${vserver}\u0000${key}`;
    this.pending.delete(k);
    this.pending.set(k, { vserver, key, rec });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is queued (and waits for it); called on close. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush(false);
    await this.flushing;
  }

  private flush(retry = true): void {
    this.timer = null;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      try {
        await this.db.$executeRaw`
          INSERT INTO selection_entry (vserver, "clientKey", service, "expiresAt", "updatedAt")
          SELECT t.vserver, t.key, t.service, t.expires AT TIME ZONE 'UTC', now()
          FROM unnest(${batch.map((b) => b.vserver)}::text[], ${batch.map((b) => b.key)}::text[], ${batch.map((b) => b.rec.service)}::text[],
                      ${batch.map((b) => new Date(b.rec.expiresAt).toISOString())}::timestamptz[]) AS t(vserver, key, service, expires)
          ON CONFLICT (vserver, "clientKey") DO UPDATE SET service = excluded.service, "expiresAt" = excluded."expiresAt", "updatedAt" = now()`;
        this.stats.writesTotal += batch.length;
      } catch (err) {
        this.stats.writeErrorsTotal++;
        this.log.warn({ err: (err as Error).message.split('\n').filter(Boolean).at(-1), n: batch.length }, 'service manager entries not written yet; retrying');
        if (!retry || this.closed) return;
        // Kept for the next flush unless a newer entry of the client came meanwhile.
        for (const b of batch) {
          const k = `${b.vserver}\u0000${b.key}`;
          if (!this.pending.has(k)) this.pending.set(k, b);
        }
        if (!this.timer) {
          this.timer = setTimeout(() => this.flush(), 1_000);
          this.timer.unref();
        }
      }
    });
  }

  private async sweep(): Promise<void> {
    try {
      await this.db.selectionEntry.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    } catch (err) {
      this.log.warn({ err: (err as Error).message.split('\n').filter(Boolean).at(-1) }, 'expired service manager entries not swept');
    }
  }
}
