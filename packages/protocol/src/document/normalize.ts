// Canonical form of the configuration document: every default of DEFAULTS spelled out,
// read-only fields and "none" nulls removed, bindings sorted, keys in one order. Two inputs that
// mean the same configuration normalize to deep-equal values: what the control plane's plan
// compares, what GET returns, what the hub pushes and what an agent serves (a standalone file
// goes through the same functions).
import { DEFAULTS } from './defaults.js';
import { normalizeRules } from './content-switch.js';
import type { Static } from '@sinclair/typebox';
import type { DocumentSpec, MonitorDns, MonitorHttp, MonitorSpec, ServiceSpec, SiteSpec, Spillover, SpilloverMethod, VServerSpec } from './schema.js';

// The normalized types are the schema's types with every defaulted field present.
type WithDefaults<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;
type Flat<T> = { [K in keyof T]: T[K] };
type MonitorHttpSpec = Static<typeof MonitorHttp>;
type SpilloverSpec = Static<typeof Spillover>;
type ListenSpec = Exclude<NonNullable<VServerSpec['listen']>, null>;

export type NMonitorHttp = Flat<WithDefaults<MonitorHttpSpec, 'method' | 'path' | 'expectStatus'>>;
export type NMonitorDns = Flat<WithDefaults<Static<typeof MonitorDns>, 'type'>>;
export type NMonitor = Flat<
  WithDefaults<Omit<MonitorSpec, 'http' | 'dns'>, 'type' | 'intervalMs' | 'timeoutMs' | 'fall' | 'rise' | 'weight'> & {
    http?: NMonitorHttp;
    dns?: NMonitorDns;
  }
>;
export type NService = Flat<
  WithDefaults<Omit<ServiceSpec, 'maintenance'>, 'protocol' | 'capacity' | 'weight' | 'state' | 'proxyProtocol' | 'monitors'> & { maintenance?: NMaintenance }
>;
export type NSpilloverMethod = Static<typeof SpilloverMethod>;
export type NSpillover = Flat<
  WithDefaults<Omit<SpilloverSpec, 'methods' | 'backup' | 'redirectUrl'>, 'combine' | 'action' | 'persistenceTimeoutSeconds'> & {
    methods: NSpilloverMethod[];
    /** The next vserver of the chain (absent: none). */
    backup?: string;
    redirectUrl?: string;
  }
>;
export type NVServer = Flat<
  WithDefaults<
    Omit<VServerSpec, 'listen' | 'persistence' | 'spillover' | 'surgeQueue' | 'default' | 'maintenance'>,
    'lbMethod' | 'services' | 'timeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'clientTimeoutMs'
  > & {
    /** null: reachable only as a backup. */
    listen: Required<ListenSpec> | null;
    persistence: Required<NonNullable<VServerSpec['persistence']>>;
    spillover: NSpillover;
    surgeQueue: Required<NonNullable<VServerSpec['surgeQueue']>>;
    /** contentswitch only: where requests no rule matches go (absent: none). */
    default?: string;
    maintenance?: NMaintenance;
  }
>;
/** A maintenance policy of a service or vserver, its fields only where given (target null: absent). */
export interface NMaintenance {
  migrateAfterSeconds?: number;
  drainTimeoutSeconds?: number;
  target?: string;
}
/** A site of the `sites` section, its interval spelled out (`peer`: only a site with a control plane of its own). */
export type NSite = Flat<WithDefaults<SiteSpec, 'exchangeIntervalMs'>>;
export interface NDocument {
  services: NService[];
  monitors: NMonitor[];
  vservers: NVServer[];
  /** The `sites` section, sorted by name; absent when there are none (docs/SITES.md). */
  sites?: NSite[];
}
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const has = (o: Obj, k: string): boolean => o[k] !== undefined && o[k] !== null;
const pick = <T>(o: Obj, k: string, d: T): T => (has(o, k) ? (o[k] as T) : d);
const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * The order of lists in a normalized document: `canonical` (objects by name, bindings by the name
 * they bind: what is compared, stored and served) or `given` (as in the input, so that the path of
 * a problem found in the result points into the input).
 */
export type ListOrder = 'canonical' | 'given';

/** Bindings (`{ monitor }` or `{ service }`, an optional weight). */
function bindingsOf<K extends 'monitor' | 'service'>(list: unknown, key: K, order: ListOrder): Array<Record<K, string> & { weight?: number }> {
  const out = (Array.isArray(list) ? list : []).map((b) => {
    const o = obj(b);
    return { [key]: o[key] as string, ...(has(o, 'weight') ? { weight: o.weight as number } : {}) } as Record<K, string> & { weight?: number };
  });
  return order === 'canonical' ? out.sort(byKey((b) => b[key])) : out;
}

export function normalizeService(input: unknown, order: ListOrder = 'canonical'): NService {
  const s = obj(input);
  const out: NService = {
    name: s.name as string,
    address: s.address as string,
    port: s.port as number,
    protocol: pick(s, 'protocol', DEFAULTS.service.protocol),
    capacity: pick(s, 'capacity', DEFAULTS.service.capacity),
    weight: pick(s, 'weight', DEFAULTS.service.weight),
    state: pick(s, 'state', DEFAULTS.service.state),
    proxyProtocol: pick(s, 'proxyProtocol', DEFAULTS.service.proxyProtocol),
    monitors: bindingsOf(s.monitors, 'monitor', order),
  };
  if (has(s, 'monitorThreshold')) out.monitorThreshold = s.monitorThreshold as number;
  if (has(s, 'maintenance')) out.maintenance = normalizeMaintenance(s.maintenance);
  if (has(s, 'migration')) {
    const m = obj(s.migration);
    out.migration = { port: m.port as number, ...(has(m, 'secret') ? { secret: m.secret as string } : {}) };
  }
  if (has(s, 'site')) out.site = s.site as string;
  return out;
}

export function normalizeMonitor(input: unknown): NMonitor {
  const m = obj(input);
  const type = pick(m, 'type', DEFAULTS.monitor.type) as NMonitor['type'];
  const out: NMonitor = {
    name: m.name as string,
    type,
    intervalMs: pick(m, 'intervalMs', DEFAULTS.monitor.intervalMs),
    timeoutMs: pick(m, 'timeoutMs', DEFAULTS.monitor.timeoutMs),
    fall: pick(m, 'fall', DEFAULTS.monitor.fall),
    rise: pick(m, 'rise', DEFAULTS.monitor.rise),
    weight: pick(m, 'weight', DEFAULTS.monitor.weight),
  };
  // A monitor keeps a section it was given whatever its type, so validation can refuse a section
  // of another type (422); its own section gets its defaults.
  if (has(m, 'http') || type === 'http' || type === 'https') {
    const h = obj(m.http);
    out.http = {
      method: pick(h, 'method', DEFAULTS.monitorHttp.method),
      path: pick(h, 'path', DEFAULTS.monitorHttp.path),
      ...(has(h, 'host') ? { host: h.host as string } : {}),
      expectStatus: [...pick<number[]>(h, 'expectStatus', [...DEFAULTS.monitorHttp.expectStatus])],
      ...(has(h, 'expectBody') ? { expectBody: h.expectBody as string } : {}),
    };
  }
  if (has(m, 'udp')) {
    const u = obj(m.udp);
    out.udp = { send: u.send as string, ...(has(u, 'expect') ? { expect: u.expect as string } : {}) };
  }
  if (has(m, 'dns')) {
    const d = obj(m.dns);
    out.dns = {
      query: d.query as string,
      type: pick(d, 'type', DEFAULTS.monitorDns.type),
      ...(has(d, 'expectAddress') ? { expectAddress: d.expectAddress as string } : {}),
    };
  }
  if (has(m, 'agent')) {
    const a = obj(m.agent);
    out.agent = { port: a.port as number, ...(has(a, 'send') ? { send: a.send as string } : {}) };
  }
  if (has(m, 'responseTime')) {
    const r = obj(m.responseTime);
    const rt = {
      ...(has(r, 'maxMs') ? { maxMs: r.maxMs as number } : {}),
      ...(has(r, 'maxOverAverage') ? { maxOverAverage: r.maxOverAverage as number } : {}),
    };
    if (Object.keys(rt).length > 0) out.responseTime = rt;
  }
  return out;
}

function normalizeMethod(input: unknown): NSpilloverMethod {
  const m = obj(input);
  const out: NSpilloverMethod = { type: m.type as NSpilloverMethod['type'] };
  if (has(m, 'threshold')) out.threshold = m.threshold as number;
  if (has(m, 'thresholdKbps')) out.thresholdKbps = m.thresholdKbps as number;
  if (has(m, 'direction') || out.type === 'bandwidth') out.direction = pick(m, 'direction', DEFAULTS.bandwidthDirection);
  if (has(m, 'thresholdPercent')) out.thresholdPercent = m.thresholdPercent as number;
  return out;
}

export function normalizeVServer(input: unknown, order: ListOrder = 'canonical'): NVServer {
  const v = obj(input);
  const listen = has(v, 'listen') ? obj(v.listen) : null;
  const per = obj(v.persistence);
  const so = obj(v.spillover);
  const sq = obj(v.surgeQueue);
  return {
    name: v.name as string,
    protocol: v.protocol as NVServer['protocol'],
    listen: listen === null ? null : { port: listen.port as number, host: pick(listen, 'host', DEFAULTS.vserver.listenHost) },
    lbMethod: pick(v, 'lbMethod', DEFAULTS.vserver.lbMethod),
    // Spelled out only when it is not the default (as siteBalancing): documents without it read as before.
    ...(pick<string>(v, 'selection', DEFAULTS.vserver.selection) === 'manager' ? { selection: 'manager' as const } : {}),
    services: bindingsOf(v.services, 'service', order),
    persistence: { type: pick(per, 'type', DEFAULTS.persistence.type), timeoutSeconds: pick(per, 'timeoutSeconds', DEFAULTS.persistence.timeoutSeconds) },
    spillover: {
      methods: (Array.isArray(so.methods) ? so.methods : []).map(normalizeMethod),
      combine: pick(so, 'combine', DEFAULTS.spillover.combine),
      ...(has(so, 'backup') ? { backup: so.backup as string } : {}),
      action: pick(so, 'action', DEFAULTS.spillover.action),
      ...(has(so, 'redirectUrl') ? { redirectUrl: so.redirectUrl as string } : {}),
      persistenceTimeoutSeconds: pick(so, 'persistenceTimeoutSeconds', DEFAULTS.spillover.persistenceTimeoutSeconds),
    },
    surgeQueue: { length: pick(sq, 'length', DEFAULTS.surgeQueue.length), timeoutMs: pick(sq, 'timeoutMs', DEFAULTS.surgeQueue.timeoutMs) },
    timeoutMs: pick(v, 'timeoutMs', DEFAULTS.vserver.timeoutMs),
    headersTimeoutMs: pick(v, 'headersTimeoutMs', DEFAULTS.vserver.headersTimeoutMs),
    keepAliveTimeoutMs: pick(v, 'keepAliveTimeoutMs', DEFAULTS.vserver.keepAliveTimeoutMs),
    clientTimeoutMs: pick(v, 'clientTimeoutMs', DEFAULTS.vserver.clientTimeoutMs),
    // Content switching: type spelled out only for a switch (loadbalancing is every other vserver's
    // default); rules kept in their order wherever given, so validation can refuse them on a vserver of another type.
    ...(v.type === 'contentswitch' ? { type: 'contentswitch' as const } : {}),
    ...(has(v, 'rules') || v.type === 'contentswitch' ? { rules: normalizeRules(v.rules) } : {}),
    ...(has(v, 'default') ? { default: v.default as string } : {}),
    // Spelled out only when on (off is every vserver's default, and most documents have no sites).
    ...(pick(v, 'siteBalancing', DEFAULTS.vserver.siteBalancing) ? { siteBalancing: true } : {}),
    ...(has(v, 'maintenance') ? { maintenance: normalizeMaintenance(v.maintenance) } : {}),
  };
}

/** A maintenance policy as given (its fields only where set: a service's override its vserver's field by field; DEFAULTS.maintenance fills the rest where it is read). */
function normalizeMaintenance(input: unknown): NMaintenance {
  const m = obj(input);
  const out: NMaintenance = {};
  if (has(m, 'migrateAfterSeconds')) out.migrateAfterSeconds = m.migrateAfterSeconds as number;
  if (has(m, 'drainTimeoutSeconds')) out.drainTimeoutSeconds = m.drainTimeoutSeconds as number;
  if (has(m, 'target')) out.target = m.target as string;
  return out;
}

export function normalizeSite(input: unknown): NSite {
  const s = obj(input);
  const out: NSite = { name: s.name as string, exchangeIntervalMs: pick(s, 'exchangeIntervalMs', DEFAULTS.site.exchangeIntervalMs) };
  if (has(s, 'peer')) out.peer = { url: obj(s.peer).url as string };
  return out;
}

export const normalizers = { service: normalizeService, monitor: normalizeMonitor, vserver: normalizeVServer, site: normalizeSite } as const;

/** A document in normal form (canonical order: objects sorted by name). Duplicates are kept (validation reports them). */
export function normalizeDocument(input: unknown, order: ListOrder = 'canonical'): NDocument {
  const d = obj(input);
  const list = (k: string): unknown[] => (Array.isArray(d[k]) ? (d[k] as unknown[]) : []);
  const sorted = <T extends { name: string }>(l: T[]): T[] => (order === 'canonical' ? l.sort(byKey((x: { name: string }) => x.name)) : l);
  const out: NDocument = {
    services: sorted(list('services').map((x) => normalizeService(x, order))),
    monitors: sorted(list('monitors').map(normalizeMonitor)),
    vservers: sorted(list('vservers').map((x) => normalizeVServer(x, order))),
  };
  const sites = list('sites');
  if (sites.length > 0) out.sites = sorted(sites.map(normalizeSite));
  return out;
}

/** A normalized document is a document of the contract (checked by the compiler). */
export const asDocumentSpec = (doc: NDocument): DocumentSpec => doc;

/**
 * A spillover method once checked (each method has its own threshold field, as THRESHOLD_FIELD
 * says): what a data plane evaluates.
 */
export type CheckedSpilloverMethod =
  | { type: 'connection'; threshold: number }
  | { type: 'dynamicconnection' }
  | { type: 'bandwidth'; thresholdKbps: number; direction: 'in' | 'out' | 'both' }
  | { type: 'health'; thresholdPercent: number };
/** A normalized vserver whose methods were checked. */
export type CheckedVServer = Omit<NVServer, 'spillover'> & { spillover: Omit<NSpillover, 'methods'> & { methods: CheckedSpilloverMethod[] } };
