// Content switching in the agent (issue 17): the rules of each `contentswitch` vserver compiled
// once per configuration version into one matcher, so a request costs one pass over the rules in
// order (the first match wins), each rule a few comparisons on values read from the request at
// most once (its path without the query, extension, host). Patterns and CIDRs are compiled as the
// contract defines them (@spillway/protocol: re2js, linear in the text). The switch only picks the
// vserver: the request is then admitted by that vserver's own pipeline (admission.ts).
import { cidrMatcher, compilePattern, ruleKey, type NContentRule } from '@spillway/protocol';
import type { AdmissionDecision, EngineAdmission } from './admission.js';
import type { VServerDoc } from './config.js';
import type { HttpVServer } from './http/connection.js';
import type { AdmissionPipeline } from '@spillway/core';

/** What the rules read of a request. */
export interface SwitchInput {
  readonly method: string;
  /** The request target in origin-form (path and query). */
  readonly path: string;
  /** The host of an absolute-form target (it overrides the Host header), else undefined. */
  readonly hostOverride: string | undefined;
  /** Header fields as name, value pairs. */
  readonly fields: readonly string[];
}

/** The hit keys beyond the rules': requests that went to the default, and requests nothing took. */
export const DEFAULT_KEY = '(default)';
export const NONE_KEY = '(none)';

/** Values of one request, each read from it at most once (a pass over the rules reads what they need). */
class Derived {
  req: SwitchInput | null = null;
  private pathOnly: string | null = null;
  private ext: string | null = null;
  private hostName: string | null = null;

  reset(req: SwitchInput): void {
    this.req = req;
    this.pathOnly = null;
    this.ext = null;
    this.hostName = null;
  }

  path(): string {
    if (this.pathOnly === null) {
      const p = this.req!.path;
      const q = p.indexOf('?');
      this.pathOnly = q < 0 ? p : p.slice(0, q);
    }
    return this.pathOnly;
  }

  /** The extension of the path's last segment, lower-cased ('' without one). */
  extension(): string {
    if (this.ext === null) {
      const p = this.path();
      const dot = p.lastIndexOf('.');
      this.ext = dot < 0 || p.indexOf('/', dot) >= 0 ? '' : p.slice(dot + 1).toLowerCase();
    }
    return this.ext;
  }

  /** The host (absolute-form target, else the Host header) without its port, lower-cased. */
  host(): string {
    if (this.hostName === null) {
      const r = this.req!;
      let h = r.hostOverride ?? headerValue(r.fields, 'host') ?? '';
      if (h.startsWith('[')) {
        const end = h.indexOf(']');
        h = end < 0 ? h : h.slice(0, end + 1);
      } else {
        const colon = h.indexOf(':');
        if (colon >= 0) h = h.slice(0, colon);
      }
      this.hostName = h.trim().toLowerCase();
    }
    return this.hostName;
  }
}

function headerValue(fields: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) {
    const n = fields[i]!;
    if (n.length === lower.length && n.toLowerCase() === lower) return fields[i + 1];
  }
  return undefined;
}

type Test = (d: Derived, ip: string) => boolean;

/** One rule as the conjunction of its field tests. */
function compileRule(rule: NContentRule): Test {
  const tests: Test[] = [];
  const m = rule.match;
  if (m.method !== undefined) {
    const method = m.method;
    tests.push((d) => d.req!.method === method);
  }
  if (m.pathPrefix !== undefined) {
    const prefix = m.pathPrefix;
    tests.push((d) => d.path().startsWith(prefix));
  }
  if (m.extension !== undefined) {
    const ext = m.extension.toLowerCase();
    tests.push((d) => d.extension() === ext);
  }
  if (m.host !== undefined) {
    const host = m.host.toLowerCase();
    if (host.startsWith('*.')) {
      const suffix = host.slice(1);
      tests.push((d) => {
        const h = d.host();
        return h.length > suffix.length && h.endsWith(suffix);
      });
    } else tests.push((d) => d.host() === host);
  }
  if (m.pathRegex !== undefined) {
    const re = compilePattern(m.pathRegex);
    tests.push((d) => re.test(d.path()));
  }
  if (m.header !== undefined) {
    const name = m.header.name.toLowerCase();
    const value = m.header.value;
    const re = m.header.regex === undefined ? null : compilePattern(m.header.regex);
    tests.push((d) => {
      const f = d.req!.fields;
      for (let i = 0; i < f.length; i += 2) {
        const n = f[i]!;
        if (n.length !== name.length || n.toLowerCase() !== name) continue;
        const v = f[i + 1]!.trim();
        if (re !== null ? re.test(v) : v === value) return true;
      }
      return false;
    });
  }
  if (m.sourceCidr !== undefined) {
    const inside = cidrMatcher(m.sourceCidr);
    tests.push((_d, ip) => inside(ip));
  }
  if (tests.length === 1) return tests[0]!;
  return (d, ip) => {
    for (const t of tests) if (!t(d, ip)) return false;
    return true;
  };
}

/** A switch's rules compiled: `pick` is one pass over them. */
export class CompiledSwitch {
  readonly name: string;
  /** Target of each rule, then of the default (null: none). */
  private readonly targets: Array<string | null>;
  /** Hit key of each rule, then DEFAULT_KEY, then NONE_KEY. */
  readonly keys: readonly string[];
  private readonly tests: Test[];
  private readonly scratch = new Derived();
  /** The admission of a client connection of the switch: served, holding nothing (the switch has no limit of its own). */
  readonly admitted: AdmissionDecision;

  /** `hits`: the counts by key (kept across configuration versions by the caller). */
  constructor(
    doc: Pick<VServerDoc, 'name' | 'rules' | 'default'>,
    private readonly hits: Record<string, number>,
  ) {
    this.name = doc.name;
    this.admitted = Object.freeze({ kind: 'vserver', vserver: doc.name, index: 0, from: 0, reason: 'chain', spilled: false, quota: false, held: null });
    const rules = doc.rules ?? [];
    this.tests = rules.map(compileRule);
    this.targets = [...rules.map((r) => r.target), doc.default ?? null];
    this.keys = [...rules.map(ruleKey), DEFAULT_KEY, NONE_KEY];
    for (const k of this.keys) hits[k] ??= 0;
  }

  /** The vserver a request goes to (null: no rule matched and there is no default), its hit counted. */
  pick(req: SwitchInput, ip: string): string | null {
    const d = this.scratch;
    d.reset(req);
    const tests = this.tests;
    let i = 0;
    while (i < tests.length && !tests[i]!(d, ip)) i++;
    d.req = null;
    const target = this.targets[i]!;
    this.hits[this.keys[target === null ? i + 1 : i]!]!++;
    return target;
  }
}

/** The compiled switches of a configuration, by name; `hitsOf` gives each its hit counts (stable across versions). */
export function compileSwitches(vservers: readonly VServerDoc[], hitsOf: (name: string) => Record<string, number>): Map<string, CompiledSwitch> {
  const out = new Map<string, CompiledSwitch>();
  for (const v of vservers) if (v.type === 'contentswitch') out.set(v.name, new CompiledSwitch(v, hitsOf(v.name)));
  return out;
}

/**
 * Where a request of a switch went: served by a vserver (its target, or one of the target's backup
 * chain) holding one use of it until `done`; redirected or dropped by the chain's final action; or
 * taken by nothing (no rule, no default).
 */
export type Routed = { kind: 'serve'; vs: HttpVServer; done: () => void } | { kind: 'redirect'; url: string } | { kind: 'drop' } | { kind: 'none' };
/** A switch's routing of one request (synchronous unless a quota borrow must wait). */
export type SwitchRoute = (req: SwitchInput, ip: string) => Routed | Promise<Routed>;

const DROP: Routed = Object.freeze({ kind: 'drop' });
const NONE: Routed = Object.freeze({ kind: 'none' });

/**
 * The routing of switch `name` in one engine: the rules pick the target, whose own pipeline
 * admits the request as it admits a new connection (its limits, methods, backup chain, final
 * action, spillover persistence); a request served there counts as one of its connections
 * until it is answered (its quota use, and cx_active where the vserver has a connection limit). Per request: keep-alive requests of one client
 * connection may go to different targets. No match and no default: the switch's own final action
 * when it redirects, else none (404).
 */
export function switchRouter(
  name: string,
  admitting: Pick<EngineAdmission, 'route' | 'admitRequest'>,
  lookup: (vserver: string) => HttpVServer | undefined,
  engineId: number,
): SwitchRoute {
  const tried = [engineId];
  const routed = (p: AdmissionPipeline, d: AdmissionDecision): Routed => {
    const vs = lookup(d.vserver);
    if (d.kind === 'vserver' || d.kind === 'accept') {
      if (!vs) {
        p.finish(d);
        return DROP;
      }
      const c = vs.counters;
      // A vserver whose connections are counted against a limit (its quota) counts the request in
      // flight as an active connection, which the engine pushes on at once; for any other the
      // request is counted (cx_total) but does not move the gauge (a push every 10 ms under load
      // cost some 25 µs a request).
      const counted = d.quota;
      if (counted) c.cx_active++;
      c.cx_total++;
      return {
        kind: 'serve',
        vs,
        done: () => {
          if (counted) c.cx_active--;
          p.finish(d);
        },
      };
    }
    if (d.kind === 'redirect') return { kind: 'redirect', url: d.url };
    return DROP;
  };
  return (req, ip) => {
    const p = admitting.route(name, req, ip);
    if (p === null) {
      const so = lookup(name)?.doc.spillover;
      return so?.action === 'redirect' && so.redirectUrl !== undefined ? { kind: 'redirect', url: so.redirectUrl } : NONE;
    }
    const d = admitting.admitRequest(p, ip, tried);
    return d instanceof Promise ? d.then((r) => routed(p, r)) : routed(p, d);
  };
}
