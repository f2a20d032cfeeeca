// Counters of the data plane, named the Envoy way everywhere (local /stats, reports, logs).
// Each worker counts its own connections; the primary sums the workers' snapshots.
import { mergeConnectionReports, type ConnectionsReport } from './migration/table.js';

export interface VServerCounters {
  cx_active: number;
  cx_total: number;
  spillovers_total: number;
  /** spillovers_total by why: the connection count had no use left, bandwidth or health tripped, no UP service (core's spillCause). */
  spillovers_connection_total: number;
  spillovers_bandwidth_total: number;
  spillovers_health_total: number;
  spillovers_down_total: number;
  rx_bytes_total: number;
  tx_bytes_total: number;
  rq_total: number;
  surge_queue_len: number;
  surge_queue_total: number;
  surge_queue_timeouts_total: number;
  surge_queue_overflow_total: number;
  dropped_total: number;
  redirected_total: number;
  handoffs_total: number;
  /** Requests refused as malformed by the agent itself (400, 431), before any service saw them. */
  rq_client_error_total: number;
  /** HTTP client connections accepted whose first request head is still being read (not yet admitted; a gauge). */
  cx_reading_head: number;
  /** Client connections closed with 408: no complete request head within headersTimeoutMs. */
  rq_header_timeout_total: number;
  /** Client connections closed after clientTimeoutMs: TCP with no byte either way, HTTP taking none of its answer. */
  cx_idle_timeout_total: number;
  /** Exceptions caught in the handling of a connection or request (answered 500 or closed; logged). */
  internal_errors_total: number;
  /** Sites (docs/SITES.md): new connections forwarded to another site's agent, those it never answered, and those another site forwarded here. */
  site_forwarded_total: number;
  site_forward_failed_total: number;
  site_received_total: number;
}

export interface ServiceCounters {
  cx_active: number;
  cx_total: number;
  rx_bytes_total: number;
  tx_bytes_total: number;
  rq_total: number;
  rq_error_total: number;
  rq_timeout_total: number;
  cx_connect_fail_total: number;
  /** Maintenance (issue 15): connections draining now (a gauge), being migrated now (a gauge). */
  cx_draining: number;
  cx_migrating: number;
  /** Connections moved off this service to another one, and migrations of it that failed (stayed on it or closed). */
  cx_migrated_total: number;
  cx_migrate_failed_total: number;
  /** Connections closed at a maintenance's drain deadline (drained too long, or of a service that cannot migrate). */
  cx_drain_closed_total: number;
}

/** Active connections (cx_active) per vserver and per service. */
export interface ActiveCounts {
  vservers: Record<string, number>;
  services: Record<string, number>;
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};
/** Whether two counts of active connections are the same. */
export const sameActive = (a: ActiveCounts, b: ActiveCounts): boolean => sameCounts(a.vservers, b.vservers) && sameCounts(a.services, b.services);

/**
 * Errors on the TCP handles of an engine's HTTP connections, by where they happened (a failed
 * accept, connect, read, write or shutdown: http/handle-socket.ts counts them and destroys the
 * connection); counted per process since it started.
 */
export interface HandleErrorCounts {
  accept: number;
  connect: number;
  read: number;
  write: number;
  shutdown: number;
}
export const HANDLE_ERROR_KINDS: readonly (keyof HandleErrorCounts)[] = ['accept', 'connect', 'read', 'write', 'shutdown'];
export const emptyHandleErrors = (): HandleErrorCounts => ({ accept: 0, connect: 0, read: 0, write: 0, shutdown: 0 });

export interface CounterSnapshot {
  vservers: Record<string, VServerCounters>;
  services: Record<string, ServiceCounters>;
  /** The long-lived TCP connections and the last failed migration per service (migration/table.ts); absent when there are none. */
  migration?: ConnectionsReport;
  /** Requests each rule of a content switch took, by switch and rule key (content-switch.ts); absent without switches. */
  rules?: Record<string, Record<string, number>>;
  /** An engine's report: its handle errors when they changed (or the report is full). The sum: always. */
  handle_errors?: HandleErrorCounts;
}

export const emptyVServerCounters = (): VServerCounters => ({
  cx_active: 0,
  cx_total: 0,
  spillovers_total: 0,
  spillovers_connection_total: 0,
  spillovers_bandwidth_total: 0,
  spillovers_health_total: 0,
  spillovers_down_total: 0,
  rx_bytes_total: 0,
  tx_bytes_total: 0,
  rq_total: 0,
  surge_queue_len: 0,
  surge_queue_total: 0,
  surge_queue_timeouts_total: 0,
  surge_queue_overflow_total: 0,
  dropped_total: 0,
  redirected_total: 0,
  handoffs_total: 0,
  rq_client_error_total: 0,
  cx_reading_head: 0,
  rq_header_timeout_total: 0,
  cx_idle_timeout_total: 0,
  internal_errors_total: 0,
  site_forwarded_total: 0,
  site_forward_failed_total: 0,
  site_received_total: 0,
});

export const emptyServiceCounters = (): ServiceCounters => ({
  cx_active: 0,
  cx_total: 0,
  rx_bytes_total: 0,
  tx_bytes_total: 0,
  rq_total: 0,
  rq_error_total: 0,
  rq_timeout_total: 0,
  cx_connect_fail_total: 0,
  cx_draining: 0,
  cx_migrating: 0,
  cx_migrated_total: 0,
  cx_migrate_failed_total: 0,
  cx_drain_closed_total: 0,
});

// cx_active of the counters a Counters hands out is an accessor: the hot paths keep writing
// `c.cx_active++`, and a change arms one timer that then calls the watchers of this process (the
// engine pushes its active connections to the primary, no one polls for them; a write costs a
// boolean check beyond the store). The first change after a quiet ACTIVE_PUSH_MS goes out in the
// next turn of timers; under churn the watchers run at most once per ACTIVE_PUSH_MS, the pace the
// control client reports to the control plane at (REPORT_GAP_MS): with a new connection per request
// a 10 ms gathering sent 100 messages a second, each a snapshot and an IPC write in the worker and
// a wake-up of the primary, 6% of the worker's profile. Objects share one prototype and one shape;
// `{ ...c }` does not copy cx_active (snapshot() does).
const ACTIVE = Symbol('cx_active');
interface Gauged {
  [ACTIVE]: number;
}
/** The least time between two calls of the active-connection watchers. */
export const ACTIVE_PUSH_MS = 25;
const activeWatchers = new Set<() => void>();
let activeTimer: NodeJS.Timeout | null = null;
let activeCalledAt = -Infinity;
const activeChanged = (): void => {
  activeTimer = null;
  activeCalledAt = performance.now();
  for (const fn of activeWatchers) fn();
};
/** Calls `fn` after changes of a cx_active counted in this process (once per burst, at most once per ACTIVE_PUSH_MS); returns the unwatch. */
export function watchActive(fn: () => void): () => void {
  activeWatchers.add(fn);
  return () => activeWatchers.delete(fn);
}
function armActive(): void {
  activeTimer = setTimeout(activeChanged, Math.max(0, activeCalledAt + ACTIVE_PUSH_MS - performance.now()));
  activeTimer.unref();
}
const gaugeProto: object = Object.defineProperty({}, 'cx_active', {
  enumerable: true,
  get(this: Gauged): number {
    return this[ACTIVE];
  },
  set(this: Gauged, n: number) {
    this[ACTIVE] = n;
    if (activeTimer === null) armActive();
  },
});
function gauged<T extends { cx_active: number }>(fields: T): T {
  const o = Object.create(gaugeProto) as Record<string | symbol, unknown>;
  Object.defineProperty(o, ACTIVE, { value: fields.cx_active, writable: true, enumerable: false });
  for (const [k, v] of Object.entries(fields)) if (k !== 'cx_active') o[k] = v;
  return o as T;
}

/** Mutable counters of one process; objects are stable so hot paths keep a reference. */
export class Counters {
  private readonly vs = new Map<string, VServerCounters>();
  private readonly svc = new Map<string, ServiceCounters>();
  private readonly hits = new Map<string, Record<string, number>>();

  vserver(name: string): VServerCounters {
    let c = this.vs.get(name);
    if (!c) {
      c = gauged(emptyVServerCounters());
      this.vs.set(name, c);
    }
    return c;
  }

  service(name: string): ServiceCounters {
    let c = this.svc.get(name);
    if (!c) {
      c = gauged(emptyServiceCounters());
      this.svc.set(name, c);
    }
    return c;
  }

  /** The hit counts of a content switch's rules by rule key (a stable object: the compiled switch counts into it). */
  ruleHits(name: string): Record<string, number> {
    let h = this.hits.get(name);
    if (!h) {
      h = Object.create(null) as Record<string, number>;
      this.hits.set(name, h);
    }
    return h;
  }

  /** The active connections of each vserver and service counted here. */
  active(): ActiveCounts {
    const out: ActiveCounts = { vservers: {}, services: {} };
    for (const [k, v] of this.vs) out.vservers[k] = v.cx_active;
    for (const [k, v] of this.svc) out.services[k] = v.cx_active;
    return out;
  }

  /** The counters as last handed out by `changes` (what the primary holds of this process). */
  private readonly sent = { vs: new Map<string, VServerCounters>(), svc: new Map<string, ServiceCounters>(), hits: new Map<string, Record<string, number>>() };
  private seq = 0;

  /**
   * The counters that changed since the last call, as copies (`full`, or the first call: every
   * one): what an engine reports, so an idle document of any size costs a comparison of numbers,
   * not a copy and an IPC message of every counter. `queued`: each vserver's surge queue now (absent: 0).
   */
  changes(full: boolean, queued: ReadonlyMap<string, number>): CounterChanges {
    const whole = full || this.seq === 0;
    if (whole) for (const m of Object.values(this.sent)) m.clear();
    const out: CounterChanges = { seq: ++this.seq, full: whole, vservers: {}, services: {} };
    for (const [name, c] of this.vs) {
      const q = queued.get(name) ?? 0;
      const before = this.sent.vs.get(name);
      if (before?.surge_queue_len === q && sameNumbers(before, c, VSERVER_FIELDS)) continue;
      const now = Object.assign(emptyVServerCounters(), c, { cx_active: c.cx_active, surge_queue_len: q });
      this.sent.vs.set(name, now);
      out.vservers[name] = now;
    }
    for (const [name, c] of this.svc) {
      const before = this.sent.svc.get(name);
      if (before && sameNumbers(before, c, SERVICE_FIELDS)) continue;
      const now = Object.assign(emptyServiceCounters(), c, { cx_active: c.cx_active });
      this.sent.svc.set(name, now);
      out.services[name] = now;
    }
    for (const [name, h] of this.hits) {
      const before = this.sent.hits.get(name);
      if (before && sameCounts(before, h)) continue;
      const now = { ...h };
      this.sent.hits.set(name, now);
      (out.rules ??= {})[name] = now;
    }
    return out;
  }
}

const VSERVER_FIELDS = Object.keys(emptyVServerCounters()).filter((k) => k !== 'surge_queue_len') as Array<keyof VServerCounters>;
const SERVICE_FIELDS = Object.keys(emptyServiceCounters()) as Array<keyof ServiceCounters>;
function sameNumbers<T extends object>(a: T, b: T, fields: ReadonlyArray<keyof T>): boolean {
  for (const f of fields) if (a[f] !== b[f]) return false;
  return true;
}

/** An engine's report of its counters: those changed since its report `seq - 1`, or every one (`full`). */
export interface CounterChanges extends CounterSnapshot {
  seq: number;
  full: boolean;
}

type Kind = 'vservers' | 'services' | 'rules';
const EMPTY: Record<Kind, () => Record<string, number>> = {
  vservers: emptyVServerCounters as unknown as () => Record<string, number>,
  services: emptyServiceCounters as unknown as () => Record<string, number>,
  rules: () => ({}),
};

/**
 * The agent's counters: each engine's as it reported them (changes only) and their sum, kept
 * entry by entry, so a report costs in proportion to what changed in it, not to the document.
 */
export class EngineCounters {
  private readonly engines = new Map<
    number,
    { seq: number; lost: boolean; migration?: ConnectionsReport; handleErrors?: HandleErrorCounts } & Record<Kind, Map<string, Record<string, number>>>
  >();
  private readonly sum: Record<Kind, Record<string, Record<string, number>>> = { vservers: {}, services: {}, rules: {} };

  /** Applies a report of `engine` (in the order it sent them). */
  apply(engine: number, c: CounterChanges): void {
    let e = this.engines.get(engine);
    if (c.full && e) this.gone(engine);
    if (c.full || !e) {
      e = { seq: 0, lost: false, vservers: new Map(), services: new Map(), rules: new Map() };
      this.engines.set(engine, e);
    }
    // A report skipped (never seen: an engine restarted its count): the next is asked whole.
    if (!c.full && c.seq !== e.seq + 1) e.lost = true;
    e.seq = c.seq;
    if (c.migration) e.migration = c.migration;
    else delete e.migration;
    if (c.handle_errors) e.handleErrors = c.handle_errors;
    for (const kind of ['vservers', 'services', 'rules'] as const) {
      const from = (c[kind] ?? {}) as Record<string, Record<string, number>>;
      for (const [name, counts] of Object.entries(from)) {
        e[kind].set(name, counts);
        this.resum(kind, name);
      }
    }
  }

  /** Whether `engine`'s next report must carry every counter (none held of it, or one was lost). */
  wantsFull(engine: number): boolean {
    const e = this.engines.get(engine);
    return !e || e.lost;
  }

  /** `engine` has gone: its counters leave the sum. */
  gone(engine: number): void {
    const e = this.engines.get(engine);
    if (!e) return;
    this.engines.delete(engine);
    for (const kind of ['vservers', 'services', 'rules'] as const) for (const name of e[kind].keys()) this.resum(kind, name);
  }

  /** The sum of every engine's counters (read at once: entries are replaced as reports come). */
  snapshot(): CounterSnapshot {
    const snap: CounterSnapshot = {
      vservers: this.sum.vservers as unknown as CounterSnapshot['vservers'],
      services: this.sum.services as unknown as CounterSnapshot['services'],
    };
    if (Object.keys(this.sum.rules).length > 0) snap.rules = this.sum.rules;
    let migration: ConnectionsReport | undefined;
    for (const e of this.engines.values()) if (e.migration) migration = mergeConnectionReports(migration, e.migration);
    if (migration) snap.migration = migration;
    const handleErrors = emptyHandleErrors();
    for (const e of this.engines.values()) if (e.handleErrors) for (const k of HANDLE_ERROR_KINDS) handleErrors[k] += e.handleErrors[k];
    snap.handle_errors = handleErrors;
    return snap;
  }

  private resum(kind: Kind, name: string): void {
    let total: Record<string, number> | null = null;
    for (const e of this.engines.values()) {
      const c = e[kind].get(name);
      if (!c) continue;
      total ??= EMPTY[kind]();
      for (const [k, v] of Object.entries(c)) total[k] = (total[k] ?? 0) + v;
    }
    if (total) this.sum[kind][name] = total;
    else Reflect.deleteProperty(this.sum[kind], name);
  }
}
