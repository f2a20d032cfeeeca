// Replicas of the control plane on one Postgres tell each other of changes with LISTEN/NOTIFY:
// one dedicated pg connection per process LISTENs on `spillway_replicas`; a replica that commits
// a config change NOTIFYs the new version (through its ordinary database client), and every other replica reads it from the database and
// pushes it to its own agents. The connection is re-established with backoff when it drops, and
// each (re)connect counts as a notification (a change may have been missed meanwhile).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { HubLogger } from './agent-session.js';

export const REPLICA_CHANNEL = 'spillway_replicas';

/** `agents`: agent tokens changed (`agents`, `deleted` as in the token store's agent-credentials). */
export interface ReplicaMessage {
  kind: 'config' | 'quota' | 'agents';
  version?: number;
  agents?: string[];
  deleted?: boolean;
  from: string;
}

export class ReplicaChannel {
  /** This process, so it can skip its own notifications. */
  readonly id = randomUUID();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private delayMs = 100;

  constructor(
    private readonly url: string,
    private readonly log: HubLogger,
    private readonly onMessage: (m: ReplicaMessage | null) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** The payload of a notification of `m` from this replica (sent with pg_notify on any connection). */
  payload(m: Omit<ReplicaMessage, 'from'>): string {
    return JSON.stringify({ ...m, from: this.id });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const c = new pg.Client({ connectionString: this.url, application_name: 'spillway-replica-channel' });
    c.on('error', (err) => this.lost(c, err.message));
    c.on('end', () => this.lost(c, 'connection ended'));
    c.on('notification', (n) => {
      if (n.channel !== REPLICA_CHANNEL || !n.payload) return;
      let m: ReplicaMessage;
      try {
        m = JSON.parse(n.payload) as ReplicaMessage;
      } catch {
        return;
      }
      if (m.from !== this.id) this.onMessage(m);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${REPLICA_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => undefined);
      this.lost(null, (err as Error).message);
      return;
    }
    if (this.closed) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.delayMs = 100;
    this.onMessage(null);
  }

  private lost(c: pg.Client | null, reason: string): void {
    if (c !== null && this.client !== c) return;
    this.client = null;
    if (this.closed || this.retry) return;
    this.log.warn({ reason, retryInMs: this.delayMs }, 'replica channel lost; reconnecting');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.delayMs);
    this.retry.unref();
    this.delayMs = Math.min(5_000, this.delayMs * 2);
  }
}
