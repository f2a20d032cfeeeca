// The service manager's global persistence table in Postgres (selection_entry; see
// docs/SERVICE-MANAGER.md): read when a client is not in the manager's memory (a restarted
// control plane, a client another replica placed), written behind the answers in batches (one
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

export class PrismaSelectionStore implements SelectionStore {
  private pending = new Map<string, { vserver: string; key: string; rec: SelectionRecord }>();
  private timer: NodeJS.Timeout | null = null;
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

  async get(vserver: string, key: string): Promise<SelectionRecord | null> {
    const queued = this.pending.get(`${vserver}\u0000${key}`);
    if (queued) return queued.rec;
    const row = await this.db.selectionEntry.findUnique({ where: { vserver_clientKey: { vserver, clientKey: key } } });
    return row && row.expiresAt.getTime() > Date.now() ? { service: row.service, expiresAt: row.expiresAt.getTime() } : null;
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
