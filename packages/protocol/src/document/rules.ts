// The rules a normalized document must satisfy beyond its schema (what a JSON schema cannot say):
// names, references, chains, ports, wire syntax, the kinds of spillover thresholds, monitor
// timing. The control plane refuses a write breaking any of them (422); an agent refuses to serve
// a document breaking a `serving` one (NACK, or exit 2 for its file), the rest being the API's
// policy for what an operator writes. Every problem names its object and the path inside it.
import { isIP } from 'node:net';
import { validateChain, type ChainProblem } from '@spillway/core';
import { hostHeaderProblem, listenHostProblem, redirectUrlProblem, requestTargetProblem } from '../http-syntax.js';
import type { NDocument, NMonitor, NService, NVServer } from './normalize.js';
import { switchProblems, switchTargets, type SwitchProblemCode } from './content-switch.js';
import { THRESHOLD_FIELD } from './schema.js';

/** The kinds of object of the document. */
export type DocumentKind = 'service' | 'monitor' | 'vserver' | 'site';

export type ProblemCode =
  | 'SPILLWAY_DUPLICATE_NAME'
  | 'SPILLWAY_DUPLICATE_BINDING'
  | 'SPILLWAY_UNKNOWN_REFERENCE'
  | 'SPILLWAY_SPILLOVER_CHAIN_CYCLE'
  | 'SPILLWAY_BACKUP_PROTOCOL_MISMATCH'
  | 'SPILLWAY_LISTEN_PORT_CONFLICT'
  | 'SPILLWAY_REDIRECT_URL_REQUIRED'
  | 'SPILLWAY_REDIRECT_NEEDS_HTTP'
  | 'SPILLWAY_THRESHOLD_KIND_MISMATCH'
  | 'SPILLWAY_SPILLOVER_METHOD_DUPLICATE'
  | 'SPILLWAY_PERSISTENCE_PROTOCOL_MISMATCH'
  | 'SPILLWAY_MONITOR_TIMEOUT_TOO_LONG'
  | 'SPILLWAY_MONITOR_TYPE_MISMATCH'
  | 'SPILLWAY_MONITOR_THRESHOLD_UNREACHABLE'
  | 'SPILLWAY_INVALID_HTTP_SYNTAX'
  | SwitchProblemCode
  | 'SPILLWAY_INVALID_LISTEN_HOST'
  | 'SPILLWAY_MIGRATION_SECRET_REQUIRED'
  | 'SPILLWAY_MIGRATION_NEEDS_PROXY_PROTOCOL';

export interface Problem {
  code: ProblemCode;
  kind: DocumentKind;
  name: string;
  /** JSON pointer inside the object (e.g. `/spillover/backup`). */
  path: string;
  message: string;
  /** Breaks what a data plane needs to serve the document (else: the API's policy only). */
  serving: boolean;
}

const CHAIN_CODES: Record<ChainProblem['code'], ProblemCode> = {
  SPILLOVER_CHAIN_CYCLE: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE',
  SPILLOVER_BACKUP_SELF: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE',
  SPILLOVER_BACKUP_UNKNOWN: 'SPILLWAY_UNKNOWN_REFERENCE',
  SPILLOVER_BACKUP_PROTOCOL: 'SPILLWAY_BACKUP_PROTOCOL_MISMATCH',
  SPILLOVER_REDIRECT_URL: 'SPILLWAY_REDIRECT_URL_REQUIRED',
  SPILLOVER_REDIRECT_PROTOCOL: 'SPILLWAY_REDIRECT_NEEDS_HTTP',
};

/** The type-specific sections of a monitor. */
const MONITOR_SECTIONS = ['http', 'udp', 'dns', 'agent'] as const;

const KIND_FIELDS = ['threshold', 'thresholdKbps', 'direction', 'thresholdPercent'] as const;

export interface RuleOptions {
  /** A standalone agent's file: listen port 0 (any free port) may repeat. */
  anyListenPort?: boolean;
}

/** Codes of the API's policy only: a data plane serves a document breaking them. */
const POLICY: ReadonlySet<ProblemCode> = new Set([
  'SPILLWAY_DUPLICATE_BINDING',
  'SPILLWAY_SPILLOVER_METHOD_DUPLICATE',
  'SPILLWAY_MONITOR_TIMEOUT_TOO_LONG',
  'SPILLWAY_MONITOR_TYPE_MISMATCH',
  'SPILLWAY_MONITOR_THRESHOLD_UNREACHABLE',
  // A service whose migration cannot work still serves (its connections drain in maintenance).
  'SPILLWAY_MIGRATION_SECRET_REQUIRED',
  'SPILLWAY_MIGRATION_NEEDS_PROXY_PROTOCOL',
]);

/** Every problem of a normalized document (in the order found). */
export function validateDocument(doc: NDocument, opts: RuleOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const add = (code: ProblemCode, kind: DocumentKind, name: string, path: string, message: string, serving = !POLICY.has(code)): void => {
    problems.push({ code, kind, name, path, message, serving });
  };

  for (const [kind, list] of [
    ['service', doc.services],
    ['monitor', doc.monitors],
    ['vserver', doc.vservers],
  ] as const) {
    const seen = new Set<string>();
    for (const o of list) {
      if (seen.has(o.name)) add('SPILLWAY_DUPLICATE_NAME', kind, o.name, '/name', `two ${kind}s are named ${o.name}`);
      seen.add(o.name);
    }
  }
  const monitors = new Map(doc.monitors.map((m) => [m.name, m]));
  const services = new Map(doc.services.map((s) => [s.name, s]));
  // Sites: names unique (the API's policy: an agent reads no site of the section), a service's site one of them.
  const sites = new Set<string>();
  for (const s of doc.sites ?? []) {
    if (sites.has(s.name)) add('SPILLWAY_DUPLICATE_NAME', 'site', s.name, '/name', `two sites are named ${s.name}`, false);
    sites.add(s.name);
  }
  for (const s of doc.services)
    // The API's policy only: agents are pushed no sites section, they read a service's site as a name.
    if (s.site !== undefined && !sites.has(s.site)) add('SPILLWAY_UNKNOWN_REFERENCE', 'service', s.name, '/site', `no site named ${s.site}`, false);

  for (const m of doc.monitors) {
    if (m.timeoutMs >= m.intervalMs)
      add('SPILLWAY_MONITOR_TIMEOUT_TOO_LONG', 'monitor', m.name, '/timeoutMs', `timeoutMs ${m.timeoutMs} must be below intervalMs ${m.intervalMs}`);
    // Each type but tcp probes with its own section (http and https share `http`): one of another
    // type is refused by the API; a missing one leaves nothing to probe with.
    const own = m.type === 'https' ? 'http' : m.type;
    for (const section of MONITOR_SECTIONS) {
      if (section !== own && m[section] !== undefined)
        add(
          'SPILLWAY_MONITOR_TYPE_MISMATCH',
          'monitor',
          m.name,
          `/${section}`,
          `the ${section} section needs type ${section === 'http' ? 'http or https' : section}`,
        );
    }
    if (own !== 'tcp' && own !== 'http' && m[own] === undefined)
      add('SPILLWAY_MONITOR_TYPE_MISMATCH', 'monitor', m.name, `/${own}`, `type ${own} needs the ${own} section`, true);
    const family = m.dns?.type === 'A' ? 4 : m.dns?.type === 'AAAA' ? 6 : 0;
    if (family !== 0 && m.dns?.expectAddress !== undefined && isIP(m.dns.expectAddress) !== family)
      add('SPILLWAY_MONITOR_TYPE_MISMATCH', 'monitor', m.name, '/dns/expectAddress', `an ${m.dns.type} answer is an IPv${family} address`);
    // What goes into a probe's request line and headers (the wire syntax rules of @spillway/protocol).
    if (m.http) {
      const path = requestTargetProblem(m.http.path);
      if (path) add('SPILLWAY_INVALID_HTTP_SYNTAX', 'monitor', m.name, '/http/path', path);
      const host = m.http.host === undefined ? null : hostHeaderProblem(m.http.host);
      if (host) add('SPILLWAY_INVALID_HTTP_SYNTAX', 'monitor', m.name, '/http/host', host);
    }
  }

  for (const s of doc.services) {
    // Live migration (issue 15): the agent authenticates with the secret and the backend library
    // knows a connection by the PROXY v2 header's connection id.
    if (s.migration !== undefined) {
      if (s.migration.secret === undefined)
        add('SPILLWAY_MIGRATION_SECRET_REQUIRED', 'service', s.name, '/migration/secret', 'migration needs a secret when it is first set');
      if (s.proxyProtocol !== 'v2')
        add('SPILLWAY_MIGRATION_NEEDS_PROXY_PROTOCOL', 'service', s.name, '/proxyProtocol', 'migration needs proxyProtocol v2 (its connection ids)');
    }
    // Maintenance (issue 15): a named target is another service.
    const target = s.maintenance?.target;
    if (target !== undefined && (target === s.name || !services.has(target))) {
      const why = target === s.name ? 'a service is not its own maintenance target' : `no service named ${target}`;
      add('SPILLWAY_UNKNOWN_REFERENCE', 'service', s.name, '/maintenance/target', why);
    }
    const bound = new Set<string>();
    let reachable = 0;
    s.monitors.forEach((b, j) => {
      const m = monitors.get(b.monitor);
      if (bound.has(b.monitor)) add('SPILLWAY_DUPLICATE_BINDING', 'service', s.name, `/monitors/${j}/monitor`, `monitor ${b.monitor} is bound twice`);
      bound.add(b.monitor);
      if (!m) add('SPILLWAY_UNKNOWN_REFERENCE', 'service', s.name, `/monitors/${j}/monitor`, `no monitor named ${b.monitor}`);
      else reachable += b.weight ?? m.weight;
    });
    if (s.monitorThreshold !== undefined && s.monitors.length > 0 && s.monitors.every((b) => monitors.has(b.monitor)) && s.monitorThreshold > reachable) {
      add(
        'SPILLWAY_MONITOR_THRESHOLD_UNREACHABLE',
        'service',
        s.name,
        '/monitorThreshold',
        `monitorThreshold ${s.monitorThreshold} exceeds the sum of bound monitor weights (${reachable})`,
      );
    }
  }

  const ports = new Map<number, string>();
  for (const v of doc.vservers) {
    const bound = new Set<string>();
    v.services.forEach((b, j) => {
      if (bound.has(b.service)) add('SPILLWAY_DUPLICATE_BINDING', 'vserver', v.name, `/services/${j}/service`, `service ${b.service} is bound twice`);
      bound.add(b.service);
      if (!services.has(b.service)) add('SPILLWAY_UNKNOWN_REFERENCE', 'vserver', v.name, `/services/${j}/service`, `no service named ${b.service}`);
    });
    const target = v.maintenance?.target;
    if (target !== undefined && !bound.has(target))
      add('SPILLWAY_UNKNOWN_REFERENCE', 'vserver', v.name, '/maintenance/target', `the maintenance target ${target} is not a service bound to this vserver`);
    if (v.listen) {
      const host = listenHostProblem(v.listen.host);
      if (host) add('SPILLWAY_INVALID_LISTEN_HOST', 'vserver', v.name, '/listen/host', host);
      // One port, one vserver, whatever the hosts: agents may bind the same vserver on other addresses.
      const other = opts.anyListenPort === true && v.listen.port === 0 ? undefined : ports.get(v.listen.port);
      if (other !== undefined)
        add('SPILLWAY_LISTEN_PORT_CONFLICT', 'vserver', v.name, '/listen/port', `port ${v.listen.port} is already the listen port of vserver ${other}`);
      else ports.set(v.listen.port, v.name);
    }
    if (v.spillover.redirectUrl !== undefined) {
      const url = redirectUrlProblem(v.spillover.redirectUrl);
      if (url) add('SPILLWAY_INVALID_HTTP_SYNTAX', 'vserver', v.name, '/spillover/redirectUrl', url);
    }
    if (v.persistence.type === 'cookie' && v.protocol !== 'http')
      add('SPILLWAY_PERSISTENCE_PROTOCOL_MISMATCH', 'vserver', v.name, '/persistence/type', 'cookie persistence needs protocol http');
    const so = v.spillover;
    const types = new Set<string>();
    so.methods.forEach((m, j) => {
      if (types.has(m.type)) add('SPILLWAY_SPILLOVER_METHOD_DUPLICATE', 'vserver', v.name, `/spillover/methods/${j}/type`, `method ${m.type} is given twice`);
      types.add(m.type);
      const needed = THRESHOLD_FIELD[m.type];
      for (const f of KIND_FIELDS) {
        const allowed = f === needed || (f === 'direction' && m.type === 'bandwidth');
        if (!allowed && m[f] !== undefined)
          add(
            'SPILLWAY_THRESHOLD_KIND_MISMATCH',
            'vserver',
            v.name,
            `/spillover/methods/${j}/${f}`,
            `${f} does not apply to method ${m.type}${needed ? ` (it takes ${needed})` : ' (its threshold is derived from the services)'}`,
            false,
          );
      }
      if (needed !== null && m[needed] === undefined)
        add('SPILLWAY_THRESHOLD_KIND_MISMATCH', 'vserver', v.name, `/spillover/methods/${j}/${needed}`, `method ${m.type} needs ${needed}`);
    });
  }
  // Chains (backup links, cycles, protocols, redirects): the spillover engine's own rules.
  const chains = validateChain(
    doc.vservers.map((v) => ({
      name: v.name,
      protocol: v.protocol,
      spillover: {
        methods: [],
        combine: v.spillover.combine,
        backup: v.spillover.backup ?? null,
        action: v.spillover.action,
        redirectUrl: v.spillover.redirectUrl ?? null,
      },
    })),
  );
  for (const c of chains) add(CHAIN_CODES[c.code], 'vserver', c.vserver, c.path, c.message);
  // Content switches (targets, cycles, safe patterns): content-switch.ts.
  switchProblems(doc.vservers, (code, name, path, message) => {
    add(code, 'vserver', name, path, message);
  });
  return problems;
}

/** What a change of a document did, by name: the objects `doc` has new or changed, the names it no longer has. */
export interface DocumentChange {
  upserted: { services: readonly string[]; monitors: readonly string[]; vservers: readonly string[] };
  removed: { services: readonly string[]; monitors: readonly string[]; vservers: readonly string[] };
  /** Listen ports the changed and removed vservers had before the change. */
  formerPorts: readonly number[];
}

/**
 * The document after a change as validateChange reads it: objects by name, and who may refer to
 * what (candidates: each is checked against what it refers to, so a superset is fine). `listView`
 * reads a document's lists; an agent answers from its indexes, in time proportional to the change.
 */
export interface DocumentView {
  service(name: string): NService | undefined;
  monitor(name: string): NMonitor | undefined;
  vserver(name: string): NVServer | undefined;
  /** Services (of the document after the change) that may bind one of `monitors`, or have one of `services` as maintenance target. */
  servicesReaching(monitors: ReadonlySet<string>, services: ReadonlySet<string>): Iterable<NService>;
  /** Vservers (of the document after the change) that may bind one of `services`, listen on one of `ports`, or back up to or switch to one of `vservers`. */
  vserversReaching(services: ReadonlySet<string>, ports: ReadonlySet<number>, vservers: ReadonlySet<string>): Iterable<NVServer>;
  /** The objects of `names` in the document's order, each one of a repeated name too (else: by name). */
  select?<K extends 'services' | 'monitors' | 'vservers'>(kind: K, names: ReadonlySet<string>): NDocument[K];
  sites?: NDocument['sites'];
}

/**
 * A document's lists as a DocumentView: the candidates are the lists themselves (a scan, no
 * Map), and a lookup by name scans its list from the end (a repeated name finds its last object,
 * as a Map of the list would). validateChange looks up only the change's objects and what they
 * read, a few per write.
 */
export function listView(doc: NDocument): DocumentView {
  const last = <T extends { name: string }>(list: readonly T[], name: string): T | undefined => list.findLast((o) => o.name === name);
  return {
    service: (n) => last(doc.services, n),
    monitor: (n) => last(doc.monitors, n),
    vserver: (n) => last(doc.vservers, n),
    servicesReaching: (m, s) => (m.size === 0 && s.size === 0 ? [] : doc.services),
    vserversReaching: (s, p, v) => (s.size === 0 && p.size === 0 && v.size === 0 ? [] : doc.vservers),
    select: (kind, names) => doc[kind].filter((o) => names.has(o.name)) as NDocument[typeof kind],
    ...(doc.sites ? { sites: doc.sites } : {}),
  };
}

/**
 * The problems a change can have added to a document that had none: `validateDocument` itself,
 * run on the part of `doc` the change can affect and what that part reads, so a write of one
 * object costs in proportion to its neighbourhood, not to the document. Affected: the changed
 * objects; services bound to a changed or removed monitor; vservers bound to a changed or
 * removed service, sharing a listen port (before or after) with a changed vserver, or backed by
 * a changed or removed one. Read as context: the monitors and services those bind, and each
 * affected vserver's backup chain (a new cycle runs through a changed vserver). Reported: the
 * problems of affected objects and any cycle. Empty exactly when `validateDocument(doc)` is
 * empty, given that `doc` before the change had no problem; the problems found are for deciding
 * only (a caller reports what `validateDocument(doc)` says). `doc`: the document after the
 * change, as lists or as a DocumentView.
 */
export function validateChange(doc: NDocument | DocumentView, change: DocumentChange, opts: RuleOptions = {}): Problem[] {
  const view = 'services' in doc ? listView(doc) : doc;
  // Each name looked up once per check; the objects the candidates yielded need no lookup (a list's scan finds the last of a repeated name).
  const known = { services: new Map<string, NService | undefined>(), vservers: new Map<string, NVServer | undefined>() };
  const service = (name: string): NService | undefined =>
    known.services.has(name) ? known.services.get(name) : known.services.set(name, view.service(name)).get(name);
  const vserver = (name: string): NVServer | undefined =>
    known.vservers.has(name) ? known.vservers.get(name) : known.vservers.set(name, view.vserver(name)).get(name);
  const monitorsChanged = new Set([...change.upserted.monitors, ...change.removed.monitors]);
  const servicesChanged = new Set([...change.upserted.services, ...change.removed.services]);
  const vserversChanged = new Set([...change.upserted.vservers, ...change.removed.vservers]);
  const ports = new Set(change.formerPorts);
  for (const name of vserversChanged) {
    const listen = vserver(name)?.listen;
    if (listen) ports.add(listen.port);
  }
  // Port 0 (any free port, an agent's file) is shared by no vserver.
  if (opts.anyListenPort === true) ports.delete(0);

  const affected = { services: new Set(change.upserted.services), monitors: new Set(change.upserted.monitors), vservers: new Set(change.upserted.vservers) };
  for (const s of view.servicesReaching(monitorsChanged, servicesChanged)) {
    // Bound to a changed monitor, or its maintenance target changed or went.
    if (
      (monitorsChanged.size > 0 && s.monitors.some((b) => monitorsChanged.has(b.monitor))) ||
      (s.maintenance?.target !== undefined && servicesChanged.has(s.maintenance.target))
    )
      affected.services.add(s.name);
    if (affected.services.has(s.name)) known.services.set(s.name, s);
  }
  for (const v of view.vserversReaching(servicesChanged, ports, vserversChanged)) {
    if (
      (servicesChanged.size > 0 && v.services.some((b) => servicesChanged.has(b.service))) ||
      (v.listen !== null && ports.has(v.listen.port)) ||
      (v.spillover.backup !== undefined && vserversChanged.has(v.spillover.backup)) ||
      ((v.rules !== undefined || v.default !== undefined) && switchTargets(v).some((t) => vserversChanged.has(t.target)))
    )
      affected.vservers.add(v.name);
    if (affected.vservers.has(v.name)) known.vservers.set(v.name, v);
  }
  // Context: what the affected objects read.
  const vservers = new Set<string>();
  for (const name of affected.vservers) {
    for (let v = vserver(name); v !== undefined && !vservers.has(v.name); v = v.spillover.backup === undefined ? undefined : vserver(v.spillover.backup))
      vservers.add(v.name);
  }
  // ... and the targets of the switches among them, transitively (a cycle of switches runs through a changed one).
  const switched = [...vservers];
  for (let k = 0; k < switched.length; k++)
    for (const t of switchTargets(vserver(switched[k]!)!))
      if (!vservers.has(t.target) && vserver(t.target) !== undefined) {
        vservers.add(t.target);
        switched.push(t.target);
      }
  const services = new Set(affected.services);
  for (const name of vservers) for (const b of vserver(name)?.services ?? []) services.add(b.service);
  for (const name of affected.services) {
    const target = service(name)?.maintenance?.target;
    if (target !== undefined) services.add(target);
  }
  const present = <T>(list: Array<T | undefined>): T[] => list.filter((o): o is T => o !== undefined);
  const part: NDocument = {
    services: view.select ? view.select('services', services) : present([...services].map(service)),
    monitors: [],
    vservers: view.select ? view.select('vservers', vservers) : present([...vservers].map(vserver)),
    // What the services' `site` refers to (a change of the sites themselves is validated whole by the caller).
    ...(view.sites ? { sites: view.sites } : {}),
  };
  const monitors = new Set(affected.monitors);
  for (const s of part.services) for (const b of s.monitors) monitors.add(b.monitor);
  part.monitors = view.select ? view.select('monitors', monitors) : present([...monitors].map((n) => view.monitor(n)));

  const mine = (p: Problem): boolean =>
    p.code === 'SPILLWAY_SPILLOVER_CHAIN_CYCLE' ||
    p.code === 'SPILLWAY_CONTENT_SWITCH_CYCLE' ||
    (p.kind === 'service' ? affected.services : p.kind === 'monitor' ? affected.monitors : affected.vservers).has(p.name);
  return validateDocument(part, opts).filter(mine);
}
