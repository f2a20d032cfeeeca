// Content switching (issue 17; seed 004, "object-based vservers"): a vserver of type
// `contentswitch` sends each request to another vserver by its ordered rules (host, path prefix,
// path regex, file extension, method, a header, the client's address), else to its `default`.
// Here: the normal form of its rules, the rules a document of switches must satisfy (targets,
// cycles, safe patterns), and the one definition of how a pattern is compiled and a CIDR read,
// used by the API's validation and by the agent's matcher alike.
import { isIP } from 'node:net';
import { RE2JS } from 're2js';
import type { ContentMatchSpec, ContentRuleSpec } from './schema.js';

/** A rule of a switch in normal form: the match fields given, in one order (rules keep their order). */
export type NContentRule = ContentRuleSpec;

/** Longest pattern (pathRegex, header regex) accepted. */
export const MAX_PATTERN_LENGTH = 256;

/** A compiled pattern: true when it matches somewhere in the text (unanchored unless it says ^ or $). */
export interface Pattern {
  test(text: string): boolean;
}

/** A quantifier at `i` of `src` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`): its length and whether it repeats (more than once), else null. */
function quantifierAt(src: string, i: number): { length: number; repeats: boolean } | null {
  const c = src[i];
  if (c === '*' || c === '+') return { length: src[i + 1] === '?' ? 2 : 1, repeats: true };
  if (c === '?') return { length: src[i + 1] === '?' ? 2 : 1, repeats: false };
  if (c !== '{') return null;
  const m = /^\{(\d+)(,(\d*))?\}\??/.exec(src.slice(i));
  if (!m) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { length: m[0].length, repeats: max > 1 };
}

/**
 * Why a pattern is refused, or null. The rule: RE2 syntax (no backreferences, no lookaround), at
 * most MAX_PATTERN_LENGTH characters, and no repeated group that holds a quantifier (`(a+)+`,
 * `(a*b?)*`, `(x{2,})+`: the nested quantifiers that make a backtracking engine take exponential
 * time). The agent matches with RE2JS, whose time is linear in the text whatever the pattern; the
 * nesting rule keeps a pattern safe to read with any engine (the dashboard, a script) as well.
 */
export function patternProblem(src: string): string | null {
  if (src.length === 0) return 'must not be empty';
  if (src.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  // Each open group: whether a quantifier is inside it.
  const groups: boolean[] = [];
  let inner = false;
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (c === '\\') {
      i += src[i + 1] === 'p' || src[i + 1] === 'P' ? (src[i + 2] === '{' ? Math.max(3, src.indexOf('}', i) + 1 - i) : 3) : 2;
    } else if (c === '[') {
      // A class is one atom: skip to its closing bracket (a ] first, after ^, is a member).
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : src[j] === '[' && src[j + 1] === ':' ? Math.max(2, src.indexOf(':]', j) + 2 - j) : 1;
      i = j + 1;
    } else if (c === '(') {
      groups.push(inner);
      inner = false;
      i++;
      continue;
    } else if (c === ')') {
      const held = inner;
      inner = groups.pop() ?? false;
      i++;
      const q = quantifierAt(src, i);
      if (q) {
        if (q.repeats && held) return 'nested quantifiers (a repeated group holding a quantifier, as in (a+)+) are refused: they backtrack catastrophically';
        inner = true;
        i += q.length;
      } else if (held) inner = true;
      continue;
    } else i++;
    const q = quantifierAt(src, i);
    if (q) {
      inner = true;
      i += q.length;
    }
  }
  try {
    RE2JS.compile(src);
  } catch (err) {
    return `is not a pattern of RE2 syntax (${err instanceof Error ? err.message : String(err)})`;
  }
  return null;
}

/** The literal text an anchored pattern without alternation starts with (`^/api/v[0-9]` → `/api/v`), '' when none. */
function anchoredPrefix(src: string): string {
  if (!src.startsWith('^') || src.includes('|')) return '';
  let i = 1;
  while (i < src.length && !'\\.[](){}*+?|^$'.includes(src[i]!)) i++;
  // A quantified last character is not required.
  return src.slice(1, '*+?{'.includes(src[i] ?? '') ? i - 1 : i);
}

/**
 * A pattern compiled for matching (RE2JS: linear time; an anchored literal prefix is checked
 * first, which settles most misses in a string comparison). Throws on a pattern patternProblem refuses.
 */
export function compilePattern(src: string): Pattern {
  const why = patternProblem(src);
  if (why !== null) throw new RangeError(`pattern ${JSON.stringify(src)} ${why}`);
  const re = RE2JS.compile(src);
  const prefix = anchoredPrefix(src);
  return prefix === '' ? re : { test: (text) => text.startsWith(prefix) && re.test(text) };
}

/** A CIDR (`10.0.0.0/8`, `2001:db8::/32`, or one address: a /32 or /128), or null when it is not one. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v = isIP(address);
  if (v === 0) return null;
  const max = v === 4 ? 32 : 128;
  const bits = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return { address, prefix: Number(bits), family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** An IPv4 address as an unsigned 32-bit number, or -1 (read by hand: a client address is read at each request). */
function ipv4(text: string, from = 0): number {
  let out = 0;
  let part = -1;
  let parts = 0;
  for (let i = from; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (part < 0 || ++parts > 4) return -1;
      out = out * 256 + part;
      part = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      part = part < 0 ? c - 0x30 : part * 10 + c - 0x30;
      if (part > 255) return -1;
    } else return -1;
  }
  return parts === 4 ? out : -1;
}

/** An IPv6 address as eight 16-bit groups (an embedded IPv4 tail read too), or null. */
function ipv6(text: string): number[] | null {
  if (isIP(text) !== 6) return null;
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string): number[] => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = ipv4(g);
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = groups(head);
  if (tail === undefined) return h;
  const t = groups(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * Whether a client address is inside a CIDR, the CIDR read once and each address compared as
 * numbers (IPv4-mapped IPv6 clients match their IPv4 ranges). node:net's BlockList takes some
 * 17 µs a check; this, well under one.
 */
export function cidrMatcher(text: string): (ip: string) => boolean {
  const c = parseCidr(text);
  if (!c) throw new RangeError(`${JSON.stringify(text)} is not a CIDR`);
  if (c.family === 'ipv4') {
    const size = 2 ** (32 - c.prefix);
    const base = Math.floor(ipv4(c.address) / size);
    return (ip) => {
      const v = ip.startsWith('::ffff:') ? ipv4(ip, 7) : ipv4(ip);
      return v >= 0 && Math.floor(v / size) === base;
    };
  }
  const net = ipv6(c.address)!;
  const prefix = c.prefix;
  return (ip) => {
    const a = ipv6(ip);
    if (a === null) return false;
    for (let bits = prefix, g = 0; bits > 0; bits -= 16, g++) {
      const keep = bits >= 16 ? 16 : bits;
      if (a[g]! >> (16 - keep) !== net[g]! >> (16 - keep)) return false;
    }
    return true;
  };
}

/** The match fields of a rule in one order, only those given (header: name lowercased, value or regex). */
export function normalizeMatch(input: unknown): ContentMatchSpec {
  const m = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const out: ContentMatchSpec = {};
  const str = (k: string): string | undefined => (typeof m[k] === 'string' ? m[k] : undefined);
  const host = str('host');
  if (host !== undefined) out.host = host.toLowerCase();
  const pathPrefix = str('pathPrefix');
  if (pathPrefix !== undefined) out.pathPrefix = pathPrefix;
  const pathRegex = str('pathRegex');
  if (pathRegex !== undefined) out.pathRegex = pathRegex;
  const extension = str('extension');
  if (extension !== undefined) out.extension = extension.toLowerCase();
  const method = str('method');
  if (method !== undefined) out.method = method;
  if (typeof m.header === 'object' && m.header !== null) {
    const h = m.header as Record<string, unknown>;
    out.header = {
      name: typeof h.name === 'string' ? h.name.toLowerCase() : (h.name as string),
      ...(typeof h.value === 'string' ? { value: h.value } : {}),
      ...(typeof h.regex === 'string' ? { regex: h.regex } : {}),
    };
  }
  const sourceCidr = str('sourceCidr');
  if (sourceCidr !== undefined) out.sourceCidr = sourceCidr;
  return out;
}

/** The rules of a switch in normal form (their order is their meaning: never sorted). */
export function normalizeRules(list: unknown): NContentRule[] {
  return (Array.isArray(list) ? list : []).map((r: unknown) => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    return {
      ...(typeof o.name === 'string' ? { name: o.name } : {}),
      match: normalizeMatch(o.match),
      target: o.target as string,
    };
  });
}

/** The key a rule's hits are counted under: its name, else `#` and its position (from 0). */
export const ruleKey = (rule: { name?: string }, index: number): string => rule.name ?? `#${index}`;

/** What the switch rules read of a vserver. */
export interface SwitchView {
  name: string;
  protocol: string;
  type?: 'loadbalancing' | 'contentswitch';
  rules?: readonly NContentRule[];
  default?: string;
  services: readonly unknown[];
  spillover: { methods: readonly unknown[]; backup?: string };
}

/** The vservers a switch sends requests to, with the path naming each (rules in order, then the default). */
export function switchTargets(v: Pick<SwitchView, 'rules' | 'default'>): Array<{ target: string; path: string }> {
  const out = (v.rules ?? []).map((r, i) => ({ target: r.target, path: `/rules/${i}/target` }));
  if (v.default !== undefined) out.push({ target: v.default, path: '/default' });
  return out;
}

export type SwitchProblemCode =
  | 'SPILLWAY_CONTENT_SWITCH_INVALID'
  | 'SPILLWAY_CONTENT_SWITCH_CYCLE'
  | 'SPILLWAY_CONTENT_TARGET_PROTOCOL_MISMATCH'
  | 'SPILLWAY_UNSAFE_PATTERN'
  | 'SPILLWAY_UNKNOWN_REFERENCE';

/**
 * Every problem of the switches of a document, and of vservers that name a switch where only a
 * load-balancing vserver may stand (a backup). A switch: protocol http; no services, spillover
 * methods or backup of its own (its targets have theirs); each rule matches on at least one field,
 * a header on a value or a regex (not both), a CIDR that is one, patterns patternProblem accepts;
 * targets exist, are http, and no chain of switch targets comes back to a switch on it.
 */
export function switchProblems(vservers: readonly SwitchView[], add: (code: SwitchProblemCode, name: string, path: string, message: string) => void): void {
  const byName = new Map<string, SwitchView>();
  for (const v of vservers) if (!byName.has(v.name)) byName.set(v.name, v);
  for (const v of vservers) {
    const backup = v.spillover.backup === undefined ? undefined : byName.get(v.spillover.backup);
    if (backup?.type === 'contentswitch')
      add(
        'SPILLWAY_CONTENT_SWITCH_INVALID',
        v.name,
        '/spillover/backup',
        `${backup.name} is a contentswitch: a backup chain holds load-balancing vservers only`,
      );
    if (v.type !== 'contentswitch') {
      if (v.rules !== undefined) add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/rules', 'rules need type contentswitch');
      if (v.default !== undefined) add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/default', 'default needs type contentswitch');
      continue;
    }
    if (v.protocol !== 'http') add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/type', 'a contentswitch needs protocol http (requests are switched)');
    if (v.services.length > 0) add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/services', 'a contentswitch binds no services: its targets do');
    if (v.spillover.methods.length > 0)
      add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/spillover/methods', 'a contentswitch has no spillover methods: each target spills along its own chain');
    if (v.spillover.backup !== undefined)
      add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, '/spillover/backup', 'a contentswitch has no backup: each target spills along its own chain');
    const names = new Set<string>();
    (v.rules ?? []).forEach((r, i) => {
      const at = `/rules/${i}`;
      if (r.name !== undefined) {
        if (names.has(r.name)) add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, `${at}/name`, `two rules are named ${r.name}`);
        names.add(r.name);
      }
      const m = r.match;
      if (Object.keys(m).length === 0)
        add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, `${at}/match`, 'a rule matches on at least one field (the default takes everything else)');
      if (m.pathRegex !== undefined) {
        const why = patternProblem(m.pathRegex);
        if (why !== null) add('SPILLWAY_UNSAFE_PATTERN', v.name, `${at}/match/pathRegex`, why);
      }
      if (m.header !== undefined) {
        if ((m.header.value === undefined) === (m.header.regex === undefined))
          add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, `${at}/match/header`, 'a header match takes a value or a regex (one of them)');
        if (m.header.regex !== undefined) {
          const why = patternProblem(m.header.regex);
          if (why !== null) add('SPILLWAY_UNSAFE_PATTERN', v.name, `${at}/match/header/regex`, why);
        }
      }
      if (m.sourceCidr !== undefined && parseCidr(m.sourceCidr) === null)
        add('SPILLWAY_CONTENT_SWITCH_INVALID', v.name, `${at}/match/sourceCidr`, 'must be an IPv4 or IPv6 address with an optional /prefix');
    });
    for (const { target, path } of switchTargets(v)) {
      const t = byName.get(target);
      if (!t) add('SPILLWAY_UNKNOWN_REFERENCE', v.name, path, `no vserver named ${target}`);
      else if (t.name === v.name) add('SPILLWAY_CONTENT_SWITCH_CYCLE', v.name, path, 'a contentswitch cannot send requests to itself');
      else if (t.protocol !== 'http')
        add('SPILLWAY_CONTENT_TARGET_PROTOCOL_MISMATCH', v.name, path, `${target} has protocol ${t.protocol}: a target of a contentswitch needs http`);
    }
  }
  // Cycles through switches targeting switches (a depth-first walk; each cycle reported once, at the switch it was entered by).
  const state = new Map<string, 1 | 2>();
  const visit = (v: SwitchView, trail: string[]): void => {
    state.set(v.name, 1);
    for (const { target, path } of switchTargets(v)) {
      const t = byName.get(target);
      if (t?.type !== 'contentswitch' || t.name === v.name) continue;
      const s = state.get(t.name);
      if (s === 1) {
        const loop = [...trail.slice(trail.indexOf(t.name)), v.name, t.name];
        add('SPILLWAY_CONTENT_SWITCH_CYCLE', v.name, path, `the switch targets come back to ${t.name}: ${loop.join(' → ')}`);
      } else if (s === undefined) visit(t, [...trail, v.name]);
    }
    state.set(v.name, 2);
  };
  for (const v of byName.values()) if (v.type === 'contentswitch' && !state.has(v.name)) visit(v, []);
}
