// Maintenance of services in one engine (issue 15 items 3, 4): when a service enters `state:
// maintenance`, each of its connections younger than the policy's migrateAfterSeconds drains (it
// stays until it ends or the drain deadline, then it is closed and counted); each older one of a
// service that has a migration endpoint is migrated to a target (the policy's named one, or the
// vserver's balancer's pick among UP, enabled, migratable services). A failed migration leaves the
// connection on its source, draining (or closed, when the failure came after the source let go).
// Every outcome is counted on the service (stats.ts) and logged; the last failure is kept with its
// reason for the status.
//
// The TCP proxy hands this module every client connection (tcp-proxy.ts hooks): connections to
// migratable services are proxied by MigratableConnection (connection.ts); the others are only
// tracked in the table (listing, draining).
import type net from 'node:net';
import { DEFAULTS } from '@spillway/protocol';
import type { AgentDocument, Reach, ServiceDoc, VServerDoc } from '../config.js';
import type { Logger } from '../log.js';
import type { ServicePick, ServiceState } from '../service-state.js';
import type { Counters, ServiceCounters, VServerCounters } from '../stats.js';
import { MigratableConnection, DEFAULT_TIMEOUTS, type MigrationOutcome, type MigrationTimeouts, type Upstream } from './connection.js';
import { ConnectionTable, connectionIdPrefix, type ConnectionsReport, type LastFailure, type TableEntry } from './table.js';

/** A maintenance policy with every field (the service's over the vserver's over the defaults). */
export interface MaintenancePolicy {
  migrateAfterSeconds: number;
  drainTimeoutSeconds: number;
  target?: string;
}

/** What a TCP connection is proxied to (tcp-proxy.ts's target, with where it came from). */
export interface TrackedTarget {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  vserver?: string;
  pick?: ServicePick;
}

/** The effective policy of a connection of `service` that came in on `vserver`. */
export function maintenancePolicy(service: ServiceDoc | undefined, vserver: VServerDoc | undefined): MaintenancePolicy {
  const s = service?.maintenance ?? {};
  const v = vserver?.maintenance ?? {};
  const target = s.target ?? v.target;
  return {
    migrateAfterSeconds: s.migrateAfterSeconds ?? v.migrateAfterSeconds ?? DEFAULTS.maintenance.migrateAfterSeconds,
    drainTimeoutSeconds: s.drainTimeoutSeconds ?? v.drainTimeoutSeconds ?? DEFAULTS.maintenance.drainTimeoutSeconds,
    ...(target !== undefined ? { target } : {}),
  };
}

/** The migration endpoint of a service (null: it cannot take part in a migration: none, or no secret pushed). */
export function migrationOf(s: ServiceDoc | undefined): { port: number; secret: string } | null {
  const m = s?.migration;
  return m?.secret !== undefined ? { port: m.port, secret: m.secret } : null;
}

/** Whether the agent opens connections to `s` with a PROXY v2 header (the contract's rules make a migratable service ask for it). */
export const sendsProxyV2 = (s: ServiceDoc | undefined): boolean => s?.proxyProtocol === 'v2';

/** Connections at least this old are listed by GET /v1/services/{name}/connections (long-lived ones). */
export const LISTED_AFTER_MS = 1_000;

interface Draining {
  timer: NodeJS.Timeout;
  service: string;
}

export class Migrations {
  private table: ConnectionTable | null = null;
  private services: ReadonlyMap<string, ServiceDoc> = new Map();
  private vservers: ReadonlyMap<string, VServerDoc> = new Map();
  private readonly maintained = new Set<string>();
  private readonly draining = new Map<TableEntry, Draining>();
  private readonly migrating = new Set<TableEntry>();
  private readonly lastFailures = new Map<string, LastFailure>();
  /** The use each migratable connection holds on its current service (released when it moves or closes). */
  private readonly picks = new Map<TableEntry, ServicePick>();
  timeouts: MigrationTimeouts = DEFAULT_TIMEOUTS;
  /** Bytes held per migrating connection before its client is paused. */
  bufferLimit: number | undefined;

  constructor(
    private readonly engineId: number,
    private readonly state: ServiceState,
    private readonly counters: Counters,
    private readonly log: Logger,
  ) {}

  private tableOf(): ConnectionTable {
    return (this.table ??= new ConnectionTable(connectionIdPrefix('agent', this.engineId)));
  }

  /** A change of the configuration (`doc` after it): services reached that entered maintenance start it; those that left it stop draining. */
  apply(doc: AgentDocument, reach: Reach): void {
    this.table ??= new ConnectionTable(connectionIdPrefix(doc.agent.name, this.engineId));
    this.services = doc.services;
    this.vservers = doc.vservers;
    for (const name of reach.services) {
      const inIt = doc.services.get(name)?.state === 'maintenance';
      if (inIt && !this.maintained.has(name)) {
        this.maintained.add(name);
        this.enter(name);
      } else if (!inIt && this.maintained.has(name)) {
        this.maintained.delete(name);
        if (doc.services.has(name)) this.leave(name);
      }
    }
  }

  /** The engine's connections at least `minAgeMs` old and the last failure of each service; null when it has neither. */
  report(minAgeMs = LISTED_AFTER_MS): ConnectionsReport | null {
    if ((this.table?.size ?? 0) === 0 && this.lastFailures.size === 0) return null;
    return { connections: this.tableOf().rows(Date.now(), minAgeMs), lastFailures: Object.fromEntries(this.lastFailures) };
  }

  get size(): number {
    return this.table?.size ?? 0;
  }

  // ---- the TCP proxy's hooks ----

  /**
   * Proxies `client` through a MigratableConnection when its service has a migration endpoint;
   * null: the TCP proxy's own path serves it (and tracks it with track()).
   */
  proxy(client: net.Socket, target: TrackedTarget, vs: VServerCounters, svc: ServiceCounters, onIdle: () => void): Promise<{ connected: boolean }> | null {
    const pick = target.pick;
    const doc = pick ? this.services.get(pick.service) : undefined;
    if (!pick || !doc || migrationOf(doc) === null) return null;
    const conn = new MigratableConnection({
      id: this.tableOf().nextId(),
      vserver: target.vserver ?? '',
      client,
      upstream: { service: pick.service, address: pick.address, port: pick.port, counters: svc, proxyV2: sendsProxyV2(doc) },
      vs,
      connectTimeoutMs: target.connectTimeoutMs,
      idleTimeoutMs: target.idleTimeoutMs,
      onIdle,
      ...(this.bufferLimit !== undefined ? { bufferLimit: this.bufferLimit } : {}),
    });
    this.add(conn);
    this.picks.set(conn, pick);
    return conn.run().finally(() => {
      const held = this.picks.get(conn);
      // The first use is the caller's to release; a target's is this module's.
      if (held && held !== pick) this.state.release(held);
      this.picks.delete(conn);
      this.gone(conn);
    });
  }

  /** A fresh connection id (the PROXY v2 header's TLV 0xE0 of a connection not in the table: an HTTP upstream connection). */
  nextId(): string {
    return this.tableOf().nextId();
  }

  /**
   * Tracks a connection the TCP proxy serves itself: its id (the table's key, TLV 0xE0 of its
   * PROXY v2 header) and its untrack (call once, when it closes).
   */
  track(client: net.Socket, target: Pick<TrackedTarget, 'vserver' | 'pick'>, upstream: net.Socket, close: () => void): { id: string; untrack: () => void } {
    const t = this.tableOf();
    const id = t.nextId();
    const service = target.pick?.service;
    if (service === undefined) return { id, untrack: noop };
    const e: TableEntry = {
      id,
      vserver: target.vserver ?? '',
      service,
      client: `${client.remoteAddress ?? ''}:${client.remotePort ?? 0}`,
      since: Date.now(),
      state: 'active',
      rxBytes: () => client.bytesRead,
      txBytes: () => upstream.bytesRead,
      close,
    };
    this.add(e);
    return { id, untrack: () => this.gone(e) };
  }

  private add(e: TableEntry): void {
    this.tableOf().add(e);
    // Admitted while its service entered maintenance (a race with the configuration): it drains.
    if (this.maintained.has(e.service)) this.startDrain(e);
  }

  private gone(e: TableEntry): void {
    this.table?.delete(e);
    this.stopDrain(e);
  }

  // ---- maintenance ----

  private enter(service: string): void {
    const entries = this.tableOf().ofService(service);
    let migrating = 0;
    const now = Date.now();
    for (const e of entries) {
      const policy = maintenancePolicy(this.services.get(service), this.vservers.get(e.vserver));
      if (e instanceof MigratableConnection && now - e.since >= policy.migrateAfterSeconds * 1000) {
        migrating++;
        void this.migrate(e, policy, now);
      } else this.startDrain(e, now);
    }
    this.log.info({ event: 'maintenance_started', service, connections: entries.length, migrating }, `service ${service} in maintenance`);
  }

  private leave(service: string): void {
    for (const [e, d] of [...this.draining]) {
      if (d.service !== service) continue;
      this.stopDrain(e);
      if (e.state === 'draining') e.state = 'active';
    }
  }

  private startDrain(e: TableEntry, since = Date.now()): void {
    if (this.draining.has(e)) return;
    const service = e.service;
    const policy = maintenancePolicy(this.services.get(service), this.vservers.get(e.vserver));
    const c = this.counters.service(service);
    c.cx_draining++;
    e.state = 'draining';
    const wait = Math.max(0, since + policy.drainTimeoutSeconds * 1000 - Date.now());
    const timer = setTimeout(() => {
      if (!this.draining.has(e)) return;
      c.cx_drain_closed_total++;
      this.log.info({ event: 'drain_closed', service, connection: e.id }, 'connection closed at the drain deadline');
      this.stopDrain(e);
      e.close();
    }, wait);
    timer.unref();
    this.draining.set(e, { timer, service });
  }

  private stopDrain(e: TableEntry): void {
    const d = this.draining.get(e);
    if (!d) return;
    clearTimeout(d.timer);
    this.draining.delete(e);
    this.counters.service(d.service).cx_draining--;
  }

  /** The target of a migration off `from` for a client of `vserver`: a use of it, or why there is none. */
  private chooseTarget(
    from: string,
    vserver: string,
    ip: string,
    policy: MaintenancePolicy,
  ): { pick: ServicePick; controlPort: number; secret: string } | string {
    const tryPick = (p: ServicePick | null): { pick: ServicePick; controlPort: number; secret: string } | null => {
      if (!p) return null;
      const m = migrationOf(this.services.get(p.service));
      if (p.service !== from && m) return { pick: p, controlPort: m.port, secret: m.secret };
      this.state.release(p);
      return null;
    };
    if (policy.target !== undefined) {
      const named = tryPick(this.state.take(vserver, policy.target));
      return named ?? `the named target ${policy.target} is not an UP, enabled, migratable service of ${vserver} with room`;
    }
    // The balancer's picks among UP, enabled services; a pick without a migration endpoint is passed over.
    const bound = this.vservers.get(vserver)?.services.length ?? 0;
    for (let i = 0; i < Math.max(1, bound); i++) {
      const p = this.state.pick(vserver, ip, undefined);
      if (typeof p === 'string') break;
      const t = tryPick(p);
      if (t) return t;
    }
    return `no UP, enabled, migratable service of ${vserver} with room`;
  }

  private async migrate(conn: MigratableConnection, policy: MaintenancePolicy, since: number): Promise<void> {
    const from = conn.service;
    const src = migrationOf(this.services.get(from));
    const sc = this.counters.service(from);
    const ip = conn.client.slice(0, conn.client.lastIndexOf(':'));
    const chosen = src ? this.chooseTarget(from, conn.vserver, ip, policy) : 'the source has no migration endpoint';
    if (typeof chosen === 'string') {
      this.failed(conn, from, { ok: false, failure: 'no_target', reason: chosen, closed: false }, since);
      return;
    }
    const { pick, controlPort, secret } = chosen;
    const targetDoc = this.services.get(pick.service);
    const target: Upstream & { controlPort: number; secret: string } = {
      service: pick.service,
      address: pick.address,
      port: pick.port,
      counters: pick.counters,
      proxyV2: sendsProxyV2(targetDoc),
      controlPort,
      secret,
    };
    sc.cx_migrating++;
    this.migrating.add(conn);
    let out: MigrationOutcome;
    try {
      out = await conn.migrate({ target, source: { controlPort: src!.port, secret: src!.secret } }, this.timeouts);
    } catch (err) {
      out = { ok: false, failure: 'export_failed', reason: `migration threw: ${(err as Error).message}`, closed: false };
    } finally {
      sc.cx_migrating--;
      this.migrating.delete(conn);
    }
    if (!out.ok || conn.closed) {
      this.state.release(pick);
      this.failed(conn, from, out.ok ? { ok: false, failure: 'client_closed', reason: 'the client closed', closed: true } : out, since);
      return;
    }
    // The connection is the target's now: its use moves with it.
    const before = this.picks.get(conn);
    if (before) this.state.release(before);
    this.picks.set(conn, pick);
    sc.cx_migrated_total++;
    this.log.info({ event: 'connection_migrated', connection: conn.id, from, to: pick.service, ms: out.ms, buffered: out.buffered }, 'connection migrated');
  }

  private failed(conn: MigratableConnection, service: string, out: Extract<MigrationOutcome, { ok: false }>, since: number): void {
    this.counters.service(service).cx_migrate_failed_total++;
    this.lastFailures.set(service, { code: out.failure, message: out.reason, at: Date.now() });
    this.log.warn(
      { event: 'migration_failed', connection: conn.id, service, failure: out.failure, reason: out.reason, closed: out.closed },
      'migration failed',
    );
    // It stays on the source (draining until the deadline), unless it was closed.
    if (!out.closed && !conn.closed && this.maintained.has(service)) this.startDrain(conn, since);
  }
}

const noop = (): void => {};
