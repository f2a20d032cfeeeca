// The connection table of one engine: every TCP client connection being proxied (and the ones a
// migration holds), with what the maintenance of its service needs (age, the vserver it came in
// on, whether its service can take part in a migration) and what GET /v1/services/{name}/
// connections lists (client address, bytes each way, state). The primary gathers the engines'
// tables into the agent's (issue 15: the table lives in the agent and the control plane, never in
// the backends).

import { LiveTable } from '../live-table.js';

/** Where a connection stands: proxied, draining (its service is in maintenance), being moved, or moved (now on its target). */
export type ConnState = 'active' | 'draining' | 'migrating' | 'migrated';

/** Why a migration failed (counted per service; the last one is shown with its message). */
export type MigrationFailure =
  /** No UP, enabled, migratable service to move to (or the named target is not one). */
  | 'no_target'
  /** The source answered the export with a refusal (the target refused the state, unknown connection, …). */
  | 'export_refused'
  /** The export call failed: connection refused, reset, a malformed answer. */
  | 'export_failed'
  /** No answer to the export in time. */
  | 'export_timeout'
  /** The source did not deliver its output up to the offset it named in time. */
  | 'output_timeout'
  /** The source sent more than the offset it named (bytes the client got twice otherwise). */
  | 'output_overrun'
  /** The source's connection closed while the migration held it. */
  | 'source_closed'
  /** The connection to the target failed or timed out (after the source let go: the client is closed). */
  | 'target_connect_failed'
  /** The client went away during the migration. */
  | 'client_closed';

/** One row of the table (what the engine reports; ages and bytes as of the report). */
export interface ConnectionRow {
  id: string;
  vserver: string;
  service: string;
  client: string;
  ageMs: number;
  /** Bytes from the client. */
  rxBytes: number;
  /** Bytes to the client. */
  txBytes: number;
  state: ConnState;
}

/** A connection as the table holds it. */
export interface TableEntry {
  readonly id: string;
  readonly vserver: string;
  /** The service it is proxied to now (changes when it migrates). */
  readonly service: string;
  readonly client: string;
  readonly since: number;
  state: ConnState;
  rxBytes(): number;
  txBytes(): number;
  /** Closes both legs (a drain deadline passed). */
  close(): void;
}

/**
 * The engine's connections, which the maintenance walks by service. A LiveTable, not a Map by id:
 * it churns an add and a delete per TCP connection (live-table.ts says what a churning Map costs).
 */
export class ConnectionTable {
  private readonly entries = new LiveTable<TableEntry>();
  private n = 0;

  constructor(private readonly prefix: string) {}

  /** A fresh connection id: `<prefix>:<n>` (printable ASCII, unique per agent run: the prefix names the agent, engine and run). */
  nextId(): string {
    return `${this.prefix}:${++this.n}`;
  }

  add(e: TableEntry): void {
    this.entries.add(e);
  }

  delete(e: TableEntry): void {
    this.entries.delete(e);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The connections of `service` now (a copy: closing them while walking is fine). */
  ofService(service: string): TableEntry[] {
    const out: TableEntry[] = [];
    for (const e of this.entries) if (e.service === service) out.push(e);
    return out;
  }

  /** The rows of connections at least `minAgeMs` old, at most `max` of them (oldest first). */
  rows(now: number, minAgeMs = 0, max = MAX_REPORTED_CONNECTIONS): ConnectionRow[] {
    const out: ConnectionRow[] = [];
    for (const e of this.entries) {
      const ageMs = now - e.since;
      if (ageMs < minAgeMs) continue;
      out.push({ id: e.id, vserver: e.vserver, service: e.service, client: e.client, ageMs, rxBytes: e.rxBytes(), txBytes: e.txBytes(), state: e.state });
    }
    out.sort((a, b) => b.ageMs - a.ageMs);
    return out.length > max ? out.slice(0, max) : out;
  }
}

/** A connection id prefix from the agent's name (printable ASCII, no `:`), the engine and the run. */
export function connectionIdPrefix(agent: string, engine: number, run: number = Date.now()): string {
  const name = agent.replace(/[^\x21-\x7e]|:/g, '_').slice(0, 100) || 'agent';
  return `${name}.${engine}.${run.toString(36)}`;
}

/** The last failed migration of a service: why, and when (epoch ms). */
export interface LastFailure {
  code: MigrationFailure;
  message: string;
  at: number;
}

/** An engine's long-lived connections and the last failed migration of each service (merged across engines by mergeConnectionReports). */
export interface ConnectionsReport {
  connections: ConnectionRow[];
  lastFailures: Record<string, LastFailure>;
}

/** At most this many rows travel per agent (the oldest first). */
export const MAX_REPORTED_CONNECTIONS = 1000;

/** Two engines' reports as one: every row (the oldest MAX_REPORTED_CONNECTIONS), each service's latest failure. */
export function mergeConnectionReports(a: ConnectionsReport | undefined, b: ConnectionsReport): ConnectionsReport {
  if (!a) return b;
  const connections = [...a.connections, ...b.connections].sort((x, y) => y.ageMs - x.ageMs).slice(0, MAX_REPORTED_CONNECTIONS);
  const lastFailures = { ...a.lastFailures };
  for (const [service, f] of Object.entries(b.lastFailures)) if ((lastFailures[service]?.at ?? -1) < f.at) lastFailures[service] = f;
  return { connections, lastFailures };
}
