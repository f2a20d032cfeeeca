// The canonical form of configuration objects is the contract's (@spillway/protocol: every
// default spelled out, read-only fields and "none" nulls removed, bindings sorted, keys in one
// order), which is what the plan compares, what GET returns (so a GET → PUT round trip changes
// nothing) and what agents serve. Here: the REST semantics on top of it (kinds, PATCH merge,
// comparison).
export {
  normalizeDocument,
  normalizeMonitor,
  normalizeService,
  normalizeSite,
  normalizeVServer,
  normalizers,
  type NDocument,
  type NSpillover,
  type NMonitor,
  type NMonitorHttp,
  type NService,
  type NSite,
  type NSpilloverMethod,
  type NVServer,
} from '@spillway/protocol';
import type { NDocument, NMonitor, NService, NSite, NVServer } from '@spillway/protocol';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, unknown>;

export type Kind = 'service' | 'monitor' | 'vserver' | 'site';
export type NObject<K extends Kind> = K extends 'service' ? NService : K extends 'monitor' ? NMonitor : K extends 'site' ? NSite : NVServer;
/** In the order a plan creates them (sites first: services name them). */
export const KINDS: readonly Kind[] = ['site', 'monitor', 'service', 'vserver'];
export const PLURAL = { service: 'services', monitor: 'monitors', vserver: 'vservers', site: 'sites' } as const;

/** The objects of one kind of a document (the `sites` section is absent when there are none). */
export const listOf = <K extends Kind>(doc: NDocument, kind: K): ReadonlyArray<NObject<K>> => (doc[PLURAL[kind]] ?? []) as unknown as ReadonlyArray<NObject<K>>;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

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
  const list = Array.isArray(a);
  if (list !== Array.isArray(b)) return false;
  if (list) {
    const aa = a as unknown[];
    const bb = b as unknown[];
    if (aa.length !== bb.length) return false;
    for (let i = 0; i < aa.length; i++) if (!deepEqual(aa[i], bb[i])) return false;
    return true;
  }
  // Loops rather than filtered key lists: planning a 100,000-service document calls this a million times.
  const oa = a as Obj;
  const ob = b as Obj;
  let defined = 0;
  for (const k of Object.keys(oa)) {
    const x = oa[k];
    if (x === undefined) continue;
    defined++;
    if (!deepEqual(x, ob[k])) return false;
  }
  for (const k of Object.keys(ob)) if (ob[k] !== undefined) defined--;
  return defined === 0;
}
