// Canonical form of configuration objects: every default spelled out, read-only fields and
// "none" nulls removed, bindings sorted, keys in one order. Two inputs that mean the same
// configuration normalize to deep-equal values, which is what the plan compares and what GET
// returns (so a GET → PUT round trip changes nothing).
import { DEFAULTS } from '../schemas/config.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, unknown>;

export interface NService {
  name: string;
  address: string;
  port: number;
  protocol: 'tcp' | 'http';
  capacity: number;
  weight: number;
  state: 'enabled' | 'disabled' | 'maintenance';
  monitors: Array<{ monitor: string; weight?: number }>;
  monitorThreshold?: number;
}
export interface NMonitorHttp {
  method: string;
  path: string;
  host?: string;
  expectStatus: number[];
  expectBody?: string;
}
export interface NMonitor {
  name: string;
  type: 'tcp' | 'http' | 'https';
  intervalMs: number;
  timeoutMs: number;
  fall: number;
  rise: number;
  weight: number;
  http?: NMonitorHttp;
  responseTime?: { maxMs?: number; maxOverAverage?: number };
}
export interface NSpilloverMethod {
  type: 'connection' | 'dynamicconnection' | 'bandwidth' | 'health';
  threshold?: number;
  thresholdKbps?: number;
  direction?: 'in' | 'out' | 'both';
  thresholdPercent?: number;
}
export interface NVServer {
  name: string;
  protocol: 'tcp' | 'http';
  listen: { port: number; host: string } | null;
  lbMethod: 'roundrobin' | 'leastconn' | 'weighted';
  services: Array<{ service: string; weight?: number }>;
  persistence: { type: 'none' | 'sourceip' | 'cookie'; timeoutSeconds: number };
  spillover: {
    methods: NSpilloverMethod[];
    combine: 'any' | 'all';
    backup?: string;
    action: 'redirect' | 'drop' | 'accept';
    redirectUrl?: string;
    persistenceTimeoutSeconds: number;
  };
  surgeQueue: { length: number; timeoutMs: number };
  /** Upstream timeout (API-SHAPE `timeoutMs`). */
  timeoutMs: number;
  /** Client timeouts (API-SHAPE `headersTimeoutMs`; HTTP: head, keep-alive idle; TCP: idle). */
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  clientTimeoutMs: number;
}
export interface NDocument {
  services: NService[];
  monitors: NMonitor[];
  vservers: NVServer[];
}
export type Kind = 'service' | 'monitor' | 'vserver';
export const KINDS: readonly Kind[] = ['monitor', 'service', 'vserver'];
export const PLURAL = { service: 'services', monitor: 'monitors', vserver: 'vservers' } as const;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const has = (o: Obj, k: string): boolean => o[k] !== undefined && o[k] !== null;
const pick = <T>(o: Obj, k: string, d: T): T => (has(o, k) ? (o[k] as T) : d);
const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function normalizeService(input: unknown): NService {
  const s = obj(input);
  const out: NService = {
    name: s.name as string,
    address: s.address as string,
    port: s.port as number,
    protocol: pick(s, 'protocol', DEFAULTS.service.protocol),
    capacity: pick(s, 'capacity', DEFAULTS.service.capacity),
    weight: pick(s, 'weight', DEFAULTS.service.weight),
    state: pick(s, 'state', DEFAULTS.service.state),
    monitors: (Array.isArray(s.monitors) ? s.monitors : [])
      .map((b) => {
        const o = obj(b);
        return { monitor: o.monitor as string, ...(has(o, 'weight') ? { weight: o.weight as number } : {}) };
      })
      .sort(byKey((b) => b.monitor)),
  };
  if (has(s, 'monitorThreshold')) out.monitorThreshold = s.monitorThreshold as number;
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
  // A tcp monitor keeps an http section it was given, so validation can refuse it (422).
  if (has(m, 'http') || type !== 'tcp') {
    const h = obj(m.http);
    out.http = {
      method: pick(h, 'method', DEFAULTS.monitorHttp.method),
      path: pick(h, 'path', DEFAULTS.monitorHttp.path),
      ...(has(h, 'host') ? { host: h.host as string } : {}),
      expectStatus: [...pick<number[]>(h, 'expectStatus', [...DEFAULTS.monitorHttp.expectStatus])],
      ...(has(h, 'expectBody') ? { expectBody: h.expectBody as string } : {}),
    };
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

export function normalizeVServer(input: unknown): NVServer {
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
    services: (Array.isArray(v.services) ? v.services : [])
      .map((b) => {
        const o = obj(b);
        return { service: o.service as string, ...(has(o, 'weight') ? { weight: o.weight as number } : {}) };
      })
      .sort(byKey((b) => b.service)),
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
  };
}

export const normalizers = { service: normalizeService, monitor: normalizeMonitor, vserver: normalizeVServer } as const;
export type NObject<K extends Kind> = K extends 'service' ? NService : K extends 'monitor' ? NMonitor : NVServer;

/** A document in canonical form: objects sorted by name. Duplicates are kept (validation reports them). */
export function normalizeDocument(input: unknown): NDocument {
  const d = obj(input);
  const list = (k: string): unknown[] => (Array.isArray(d[k]) ? (d[k] as unknown[]) : []);
  const byName = byKey((x: { name: string }) => x.name);
  return {
    services: list('services').map(normalizeService).sort(byName),
    monitors: list('monitors').map(normalizeMonitor).sort(byName),
    vservers: list('vservers').map(normalizeVServer).sort(byName),
  };
}

/**
 * PATCH semantics: given fields replace, `null` removes a field (its default returns), nested
 * plain objects merge recursively, arrays replace.
 */
export function mergePatch(current: unknown, patch: unknown): Obj {
  const base = obj(current);
  const changes = obj(patch);
  const isPlain = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);
  const entries: Array<[string, unknown]> = [];
  // Keys keep their order: the current ones first, then the ones the patch adds.
  for (const [k, was] of Object.entries(base)) {
    if (!Object.hasOwn(changes, k)) entries.push([k, was]);
    else if (changes[k] !== null) entries.push([k, isPlain(changes[k]) && isPlain(was) ? mergePatch(was, changes[k]) : changes[k]]);
  }
  for (const [k, v] of Object.entries(changes)) if (!Object.hasOwn(base, k) && v !== null) entries.push([k, v]);
  // fromEntries defines own properties (a `__proto__` key stays data, never a prototype).
  return Object.fromEntries(entries);
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as Obj).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b as Obj).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}
