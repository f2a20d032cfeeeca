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
  /** TCP client connections closed after clientTimeoutMs with no byte either way. */
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

export interface CounterSnapshot {
  vservers: Record<string, VServerCounters>;
  services: Record<string, ServiceCounters>;
  /** The long-lived TCP connections and the last failed migration per service (migration/table.ts); absent when there are none. */
  migration?: ConnectionsReport;
  /** Requests each rule of a content switch took, by switch and rule key (content-switch.ts); absent without switches. */
  rules?: Record<string, Record<string, number>>;
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
// `c.cx_active++`, and the first change arms one timer of ACTIVE_PUSH_MS that then calls the
// watchers of this process (the engine pushes its active connections to the primary, no one
// polls for them; a write costs a boolean check beyond the store). Objects share one prototype
// and one shape; `{ ...c }` does not copy cx_active (snapshot() does).
const ACTIVE = Symbol('cx_active');
interface Gauged {
  [ACTIVE]: number;
}
/** How long changes of the active connections are gathered before the watchers are called. */
export const ACTIVE_PUSH_MS = 10;
const activeWatchers = new Set<() => void>();
let activeTimer: NodeJS.Timeout | null = null;
const activeChanged = (): void => {
  activeTimer = null;
  for (const fn of activeWatchers) fn();
};
/** Calls `fn` within ACTIVE_PUSH_MS of changes of a cx_active counted in this process (once per burst); returns the unwatch. */
export function watchActive(fn: () => void): () => void {
  activeWatchers.add(fn);
  return () => activeWatchers.delete(fn);
}
const gaugeProto: object = Object.defineProperty({}, 'cx_active', {
  enumerable: true,
  get(this: Gauged): number {
    return this[ACTIVE];
  },
  set(this: Gauged, n: number) {
    this[ACTIVE] = n;
    if (activeTimer === null) {
      activeTimer = setTimeout(activeChanged, ACTIVE_PUSH_MS);
      activeTimer.unref();
    }
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

  snapshot(): CounterSnapshot {
    const snap: CounterSnapshot = {
      vservers: Object.fromEntries([...this.vs].map(([k, v]) => [k, Object.assign(emptyVServerCounters(), v, { cx_active: v.cx_active })])),
      services: Object.fromEntries([...this.svc].map(([k, v]) => [k, Object.assign(emptyServiceCounters(), v, { cx_active: v.cx_active })])),
    };
    if (this.hits.size > 0) snap.rules = Object.fromEntries([...this.hits].map(([k, h]) => [k, { ...h }]));
    return snap;
  }
}

function addInto<T extends object>(into: Record<string, T>, from: Record<string, T>, empty: () => T): void {
  for (const [name, c] of Object.entries(from)) {
    const target = (into[name] ??= empty()) as Record<string, number>;
    for (const [k, v] of Object.entries(c as Record<string, number>)) target[k] = (target[k] ?? 0) + v;
  }
}

/** Sums the snapshots of every worker into the agent's counters. */
export function mergeSnapshots(snapshots: CounterSnapshot[]): CounterSnapshot {
  const out: CounterSnapshot = { vservers: {}, services: {} };
  for (const s of snapshots) {
    addInto(out.vservers, s.vservers, emptyVServerCounters);
    addInto(out.services, s.services, emptyServiceCounters);
    if (s.migration) out.migration = mergeConnectionReports(out.migration, s.migration);
    if (s.rules) addInto((out.rules ??= {}), s.rules, () => ({}));
  }
  return out;
}
