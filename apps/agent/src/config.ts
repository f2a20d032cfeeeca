// The declarative document of API-SHAPE.md as the agent reads it, plus the agent's own section.
// Validation collects every problem with its JSON path so an operator fixes the file in one go.
import os from 'node:os';
import { CLIENT_TIMEOUT_DEFAULTS, hostHeaderProblem, listenHostProblem, redirectUrlProblem, requestTargetProblem, VSERVER_DEFAULTS } from '@spillway/protocol';
import { AgentError } from './errors.js';

export type ServiceState = 'enabled' | 'disabled' | 'maintenance';
export type LbMethod = 'roundrobin' | 'leastconn' | 'weighted';

export interface MonitorBindingDoc {
  monitor: string;
  weight?: number;
}
export interface ServiceDoc {
  name: string;
  address: string;
  port: number;
  protocol: 'tcp' | 'http' | 'https';
  capacity: number;
  weight: number;
  state: ServiceState;
  monitors: MonitorBindingDoc[];
  monitorThreshold?: number;
}
export interface MonitorDoc {
  name: string;
  type: 'tcp' | 'http' | 'https';
  intervalMs: number;
  timeoutMs: number;
  fall: number;
  rise: number;
  weight: number;
  http?: { method?: string; path?: string; expectStatus?: number[]; expectBody?: string; host?: string };
  responseTime?: { maxMs?: number; maxOverAverage?: number };
}
export type SpilloverMethodDoc =
  | { type: 'connection'; threshold: number }
  | { type: 'dynamicconnection' }
  | { type: 'bandwidth'; thresholdKbps: number; direction: 'in' | 'out' | 'both' }
  | { type: 'health'; thresholdPercent: number };
export interface SpilloverDoc {
  methods: SpilloverMethodDoc[];
  combine: 'any' | 'all';
  backup?: string;
  action: 'redirect' | 'drop' | 'accept';
  redirectUrl?: string;
  persistenceTimeoutSeconds: number;
}
export interface VServerDoc {
  name: string;
  protocol: 'tcp' | 'http';
  listen: { port: number; host: string } | null;
  lbMethod: LbMethod;
  services: { service: string; weight?: number }[];
  persistence: { type: 'none' | 'sourceip' | 'cookie'; timeoutSeconds: number };
  spillover: SpilloverDoc;
  surgeQueue: { length: number; timeoutMs: number };
  /** Upstream timeout for HTTP (no response headers / body progress): 504 past it. */
  timeoutMs: number;
  /**
   * HTTP, client side (HAProxy's `timeout http-request`): time a client has to send a complete
   * request head, from accept for the first request of a connection; 408 and close past it.
   */
  headersTimeoutMs: number;
  /** HTTP, client side (HAProxy's `timeout http-keep-alive`): an idle keep-alive connection closes past it. */
  keepAliveTimeoutMs: number;
  /** TCP, client side (HAProxy's `timeout client`): a connection on which no byte moved either way for this long is closed. */
  clientTimeoutMs: number;
}

export interface AgentSection {
  name: string;
  workers: number;
  adminPort: number;
  /** Address of the admin endpoint (SPILLWAY_AGENT_ADMIN_HOST, default 127.0.0.1: local only). */
  adminHost: string;
  /** Bearer token of the admin endpoint's writes (SPILLWAY_AGENT_ADMIN_TOKEN); null: writes off. */
  adminToken: string | null;
  drainTimeoutMs: number;
  /**
   * How worker processes share a listener (SPILLWAY_AGENT_SCHEDULING_POLICY): 'rr', the primary
   * accepts and hands connections round-robin (node:cluster's default on Linux); 'none', every
   * worker accepts on the shared socket and the kernel picks. Set before the first fork.
   */
  schedulingPolicy: 'rr' | 'none';
}
export interface AgentConfig {
  services: ServiceDoc[];
  monitors: MonitorDoc[];
  vservers: VServerDoc[];
  agent: AgentSection;
}

export interface ConfigProblem {
  path: string;
  message: string;
}

/** A config value as text when it is a string, else '' (which no allowed value equals). */
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Parses and checks a document; throws SPILLWAY_AGENT_CONFIG_INVALID with every problem found. */
export function parseAgentConfig(input: unknown, env: NodeJS.ProcessEnv = {}): AgentConfig {
  const p: ConfigProblem[] = [];
  const bad = (path: string, message: string): void => {
    p.push({ path, message });
  };
  if (!isObj(input)) throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', 'the configuration must be a JSON object', [{ path: '', message: 'not an object' }]);
  const arr = (k: string): unknown[] => {
    const v = input[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      bad(`/${k}`, 'must be an array');
      return [];
    }
    return v;
  };
  const names = (kind: string, list: unknown[]): Set<string> => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      const n = isObj(x) ? x.name : undefined;
      if (typeof n !== 'string' || n === '') bad(`/${kind}/${i}/name`, 'required string');
      else if (seen.has(n)) bad(`/${kind}/${i}/name`, `duplicate name ${n}`);
      else seen.add(n);
    });
    return seen;
  };
  const rawMonitors = arr('monitors');
  const rawServices = arr('services');
  const rawVservers = arr('vservers');
  const monitorNames = names('monitors', rawMonitors);
  const serviceNames = names('services', rawServices);
  const vserverNames = names('vservers', rawVservers);

  const monitors: MonitorDoc[] = rawMonitors.filter(isObj).map((m, i) => {
    const at = `/monitors/${i}`;
    const type = m.type ?? 'tcp';
    if (type !== 'tcp' && type !== 'http' && type !== 'https') bad(`${at}/type`, 'must be tcp, http or https (this agent probes those)');
    const num = (k: string, d: number, min: number): number => {
      const v = m[k] ?? d;
      if (!isInt(v, min)) {
        bad(`${at}/${k}`, `must be an integer >= ${min}`);
        return d;
      }
      return v;
    };
    const http = isObj(m.http) ? m.http : undefined;
    if (http?.expectStatus !== undefined && !(Array.isArray(http.expectStatus) && http.expectStatus.every((s) => isInt(s, 100))))
      bad(`${at}/http/expectStatus`, 'must be a list of status codes');
    // What reaches the probe's request line and headers: the API's rules (a value Node's http would throw on is refused here).
    const wire = (k: string, problem: (v: string) => string | null): void => {
      const v = http?.[k];
      if (v === undefined || v === null) return;
      const why = typeof v === 'string' ? problem(v) : 'must be a string';
      if (why) bad(`${at}/http/${k}`, why);
    };
    wire('path', requestTargetProblem);
    wire('host', hostHeaderProblem);
    wire('method', (v) => (/^[A-Z]{1,20}$/.test(v) ? null : 'must be an HTTP method in capitals'));
    if (http?.expectBody !== undefined && http.expectBody !== null && typeof http.expectBody !== 'string') bad(`${at}/http/expectBody`, 'must be a string');
    const rt = isObj(m.responseTime) ? m.responseTime : undefined;
    return {
      name: String(m.name),
      type: type as MonitorDoc['type'],
      intervalMs: num('intervalMs', 5000, 10),
      timeoutMs: num('timeoutMs', 2000, 1),
      fall: num('fall', 3, 1),
      rise: num('rise', 1, 1),
      weight: num('weight', 1, 0),
      ...(http ? { http } : {}),
      ...(rt ? { responseTime: rt } : {}),
    };
  });

  const services: ServiceDoc[] = rawServices.filter(isObj).map((s, i) => {
    const at = `/services/${i}`;
    if (typeof s.address !== 'string' || s.address === '') bad(`${at}/address`, 'required string');
    if (!isInt(s.port, 1) || s.port > 65535) bad(`${at}/port`, 'must be a port number');
    const capacity = s.capacity ?? 0;
    if (!isInt(capacity, 0)) bad(`${at}/capacity`, 'must be an integer >= 0');
    const weight = s.weight ?? 1;
    if (!isInt(weight, 0)) bad(`${at}/weight`, 'must be an integer >= 0');
    const state = s.state ?? 'enabled';
    if (state !== 'enabled' && state !== 'disabled' && state !== 'maintenance') bad(`${at}/state`, 'must be enabled, disabled or maintenance');
    const bindings = Array.isArray(s.monitors) ? s.monitors : [];
    bindings.forEach((b, j) => {
      if (!isObj(b) || typeof b.monitor !== 'string' || !monitorNames.has(b.monitor)) bad(`${at}/monitors/${j}/monitor`, 'names no monitor of this document');
    });
    return {
      name: String(s.name),
      address: String(s.address),
      port: Number(s.port),
      protocol: (s.protocol ?? 'tcp') as ServiceDoc['protocol'],
      capacity: Number(capacity),
      weight: Number(weight),
      state: state as ServiceState,
      monitors: bindings.filter(isObj).map((b) => ({ monitor: String(b.monitor), ...(isInt(b.weight) ? { weight: b.weight } : {}) })),
      ...(isInt(s.monitorThreshold) ? { monitorThreshold: s.monitorThreshold } : {}),
    };
  });

  const vservers: VServerDoc[] = rawVservers.filter(isObj).map((v, i) => {
    const at = `/vservers/${i}`;
    const protocol = v.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'http') bad(`${at}/protocol`, 'must be tcp or http');
    let listen: VServerDoc['listen'] = null;
    if (v.listen !== null && v.listen !== undefined) {
      if (!isObj(v.listen) || !isInt(v.listen.port, 0) || v.listen.port > 65535) bad(`${at}/listen/port`, 'must be a port number (or listen: null)');
      else {
        const host = v.listen.host ?? VSERVER_DEFAULTS.listenHost;
        const why = typeof host === 'string' ? listenHostProblem(host) : 'must be a string';
        if (why) bad(`${at}/listen/host`, why);
        listen = { port: v.listen.port, host: text(host) };
      }
    }
    const lbMethod = v.lbMethod ?? 'roundrobin';
    if (!['roundrobin', 'leastconn', 'weighted'].includes(text(lbMethod))) bad(`${at}/lbMethod`, 'must be roundrobin, leastconn or weighted');
    const bound = Array.isArray(v.services) ? v.services : [];
    bound.forEach((b, j) => {
      if (!isObj(b) || typeof b.service !== 'string' || !serviceNames.has(b.service)) bad(`${at}/services/${j}/service`, 'names no service of this document');
    });
    const per = isObj(v.persistence) ? v.persistence : {};
    const perType = per.type ?? 'none';
    if (!['none', 'sourceip', 'cookie'].includes(text(perType))) bad(`${at}/persistence/type`, 'must be none, sourceip or cookie');
    if (perType === 'cookie' && protocol !== 'http') bad(`${at}/persistence/type`, 'cookie persistence needs protocol http');
    const so = isObj(v.spillover) ? v.spillover : {};
    const methods = (Array.isArray(so.methods) ? so.methods : []).filter(isObj).map((m, j): SpilloverMethodDoc => {
      const mat = `${at}/spillover/methods/${j}`;
      switch (m.type) {
        case 'connection':
          if (!isInt(m.threshold)) bad(`${mat}/threshold`, 'must be an integer >= 0');
          return { type: 'connection', threshold: Number(m.threshold) };
        case 'dynamicconnection':
          return { type: 'dynamicconnection' };
        case 'bandwidth': {
          if (typeof m.thresholdKbps !== 'number' || m.thresholdKbps < 0) bad(`${mat}/thresholdKbps`, 'must be a number >= 0');
          const direction = m.direction ?? 'both';
          if (!['in', 'out', 'both'].includes(text(direction))) bad(`${mat}/direction`, 'must be in, out or both');
          return { type: 'bandwidth', thresholdKbps: Number(m.thresholdKbps), direction: direction as 'in' };
        }
        case 'health':
          if (typeof m.thresholdPercent !== 'number' || m.thresholdPercent < 0 || m.thresholdPercent > 100)
            bad(`${mat}/thresholdPercent`, 'must be a percentage');
          return { type: 'health', thresholdPercent: Number(m.thresholdPercent) };
        default:
          bad(`${mat}/type`, 'must be connection, dynamicconnection, bandwidth or health');
          return { type: 'dynamicconnection' };
      }
    });
    const action = so.action ?? 'accept';
    if (!['redirect', 'drop', 'accept'].includes(text(action))) bad(`${at}/spillover/action`, 'must be redirect, drop or accept');
    if (action === 'redirect' && protocol !== 'http') bad(`${at}/spillover/action`, 'redirect needs protocol http');
    if (action === 'redirect' && typeof so.redirectUrl !== 'string') bad(`${at}/spillover/redirectUrl`, 'required with action redirect');
    if (so.redirectUrl !== undefined && so.redirectUrl !== null) {
      const why = typeof so.redirectUrl === 'string' ? redirectUrlProblem(so.redirectUrl) : 'must be a string';
      if (why) bad(`${at}/spillover/redirectUrl`, why);
    }
    const combine = so.combine ?? 'any';
    if (combine !== 'any' && combine !== 'all') bad(`${at}/spillover/combine`, 'must be any or all');
    if (so.backup !== undefined && (typeof so.backup !== 'string' || !vserverNames.has(so.backup)))
      bad(`${at}/spillover/backup`, 'names no vserver of this document');
    const sq = isObj(v.surgeQueue) ? v.surgeQueue : {};
    const upstreamTimeoutMs = v.timeoutMs ?? VSERVER_DEFAULTS.timeoutMs;
    if (!isInt(upstreamTimeoutMs, 1)) bad(`${at}/timeoutMs`, 'must be an integer >= 1 (milliseconds)');
    const clientTimeout = (k: keyof typeof CLIENT_TIMEOUT_DEFAULTS): number => {
      const t = v[k] ?? CLIENT_TIMEOUT_DEFAULTS[k];
      if (!isInt(t, 1)) {
        bad(`${at}/${k}`, 'must be an integer >= 1 (milliseconds)');
        return CLIENT_TIMEOUT_DEFAULTS[k];
      }
      return t;
    };
    return {
      name: String(v.name),
      protocol: protocol as VServerDoc['protocol'],
      listen,
      lbMethod: lbMethod as LbMethod,
      services: bound.filter(isObj).map((b) => ({ service: String(b.service), ...(isInt(b.weight) ? { weight: b.weight } : {}) })),
      persistence: { type: perType as 'none', timeoutSeconds: isInt(per.timeoutSeconds) ? per.timeoutSeconds : 300 },
      spillover: {
        methods,
        combine: combine as 'any',
        action: action as 'accept',
        ...(typeof so.backup === 'string' ? { backup: so.backup } : {}),
        ...(typeof so.redirectUrl === 'string' ? { redirectUrl: so.redirectUrl } : {}),
        persistenceTimeoutSeconds: isInt(so.persistenceTimeoutSeconds) ? so.persistenceTimeoutSeconds : 0,
      },
      surgeQueue: { length: isInt(sq.length) ? sq.length : 0, timeoutMs: isInt(sq.timeoutMs) ? sq.timeoutMs : 5000 },
      timeoutMs: isInt(upstreamTimeoutMs, 1) ? upstreamTimeoutMs : VSERVER_DEFAULTS.timeoutMs,
      headersTimeoutMs: clientTimeout('headersTimeoutMs'),
      keepAliveTimeoutMs: clientTimeout('keepAliveTimeoutMs'),
      clientTimeoutMs: clientTimeout('clientTimeoutMs'),
    };
  });

  const byName = new Map(vservers.map((v) => [v.name, v]));
  vservers.forEach((v, i) => {
    const seen = [v.name];
    let next = v.spillover.backup;
    while (next !== undefined) {
      const b = byName.get(next);
      if (!b) break;
      if (b.protocol !== v.protocol) {
        bad(`/vservers/${i}/spillover/backup`, `${next} has protocol ${b.protocol}, not ${v.protocol}`);
        break;
      }
      if (seen.includes(next)) {
        bad(`/vservers/${i}/spillover/backup`, `backup chain ${[...seen, next].join(' → ')} forms a cycle`);
        break;
      }
      seen.push(next);
      next = b.spillover.backup;
    }
  });
  const ports = new Map<number, string>();
  vservers.forEach((v, i) => {
    if (!v.listen || v.listen.port === 0) return;
    const other = ports.get(v.listen.port);
    if (other) bad(`/vservers/${i}/listen/port`, `port ${v.listen.port} already used by ${other}`);
    ports.set(v.listen.port, v.name);
  });

  const a = isObj(input.agent) ? input.agent : {};
  const envInt = (k: string): number | undefined => (env[k] !== undefined && env[k] !== '' ? Number(env[k]) : undefined);
  const workers = envInt('SPILLWAY_AGENT_WORKERS') ?? a.workers ?? os.availableParallelism();
  if (!isInt(workers, 0)) bad('/agent/workers', 'must be an integer >= 0 (0: no cluster, one process)');
  const adminPort = envInt('SPILLWAY_AGENT_ADMIN_PORT') ?? a.adminPort ?? 9090;
  if (!isInt(adminPort, 0) || adminPort > 65535) bad('/agent/adminPort', 'must be a port number');
  const adminHost = (env.SPILLWAY_AGENT_ADMIN_HOST || undefined) ?? a.adminHost ?? '127.0.0.1';
  const adminHostProblem = typeof adminHost === 'string' ? listenHostProblem(adminHost) : 'must be a string';
  if (adminHostProblem) bad('/agent/adminHost', `${adminHostProblem} (SPILLWAY_AGENT_ADMIN_HOST)`);
  const adminToken = (env.SPILLWAY_AGENT_ADMIN_TOKEN || undefined) ?? a.adminToken ?? null;
  if (adminToken !== null && !(typeof adminToken === 'string' && /^[\x21-\x7e]{16,512}$/.test(adminToken)))
    bad('/agent/adminToken', 'must be 16 to 512 visible ASCII characters without spaces (SPILLWAY_AGENT_ADMIN_TOKEN)');
  const drainTimeoutMs = a.drainTimeoutMs ?? 10_000;
  if (!isInt(drainTimeoutMs)) bad('/agent/drainTimeoutMs', 'must be an integer >= 0');
  const schedulingPolicy = (env.SPILLWAY_AGENT_SCHEDULING_POLICY || undefined) ?? a.schedulingPolicy ?? 'rr';
  if (schedulingPolicy !== 'rr' && schedulingPolicy !== 'none') bad('/agent/schedulingPolicy', 'must be rr or none (SPILLWAY_AGENT_SCHEDULING_POLICY)');
  if (p.length > 0) throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', `invalid configuration: ${p.map((x) => `${x.path} ${x.message}`).join('; ')}`, p);
  return {
    services,
    monitors,
    vservers,
    agent: {
      name: env.SPILLWAY_AGENT_NAME ?? (typeof a.name === 'string' ? a.name : 'agent'),
      workers: Number(workers),
      adminPort: Number(adminPort),
      adminHost: text(adminHost),
      adminToken: adminToken === null ? null : text(adminToken),
      drainTimeoutMs: Number(drainTimeoutMs),
      schedulingPolicy: schedulingPolicy === 'none' ? 'none' : 'rr',
    },
  };
}
