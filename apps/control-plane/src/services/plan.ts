// The plan between two normalized documents: what an apply would create, update and delete.
// Server-computed fields never enter normalized documents, so they never show up as changes.
import { maskWriteOnly, type DocumentChange } from '@spillway/protocol';
import { KINDS, deepEqual, listOf, type Kind, type NDocument, type NObject, type NVServer } from './normalize.js';

/** One value that an update changes: a JSON Pointer into the normalized object, its value before and after (omitted: not set). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}
export interface PlanChange {
  action: 'create' | 'update' | 'delete';
  kind: Kind;
  name: string;
  fields?: string[];
  diff?: FieldChange[];
}
export interface Plan {
  changes: PlanChange[];
  summary: { create: number; update: number; delete: number };
}

/**
 * Changes that turn `current` into `desired`. Without `prune`, objects `desired` does not name
 * are kept. Order: creates and updates by kind (monitors, services, vservers), deletes last in
 * reverse kind order, so a plan can be executed top to bottom without dangling references.
 */
export function planChanges(current: NDocument, desired: NDocument, prune: boolean): Plan {
  const upserts: PlanChange[] = [];
  const deletes: PlanChange[] = [];
  for (const kind of KINDS) {
    const cur = new Map<string, Record<string, unknown>>(listOf(current, kind).map((o) => [o.name, o as unknown as Record<string, unknown>]));
    const want = new Set<string>();
    for (const o of listOf(desired, kind) as unknown as Array<Record<string, unknown> & { name: string }>) {
      want.add(o.name);
      const c = objectChange(kind, o.name, cur.get(o.name), o);
      if (c) upserts.push(c);
    }
    if (prune) for (const name of cur.keys()) if (!want.has(name)) deletes.push({ action: 'delete', kind, name });
  }
  return ordered(upserts, deletes);
}

/** A pair of versions of one object (`before` absent: created; `after` absent: deleted). */
export interface ObjectPair {
  before?: object;
  after?: object;
}
/** The objects that differ between two documents, by kind, in name order. */
export type DocumentWalk = Record<Kind, ObjectPair[]>;

/**
 * Documents whose lists are each sorted by name with no name twice (as the store loads them):
 * what `walkChanges` may assume of its `current`, and what it proves of a `desired` it walked.
 */
const SORTED = new WeakSet<NDocument>();
const UNSORTED = new WeakSet<NDocument>();
export const markSorted = (doc: NDocument): void => void SORTED.add(doc);
/** Whether every list of `doc` goes up strictly by name (checked once per document). */
export function sorted(doc: NDocument): boolean {
  if (SORTED.has(doc)) return true;
  if (UNSORTED.has(doc)) return false;
  const ok = KINDS.every((kind) => (listOf(doc, kind) as ReadonlyArray<{ name: string }>).every((o, i, list) => i === 0 || list[i - 1]!.name < o.name));
  (ok ? SORTED : UNSORTED).add(doc);
  return ok;
}

/**
 * The objects `desired` adds, replaces or drops against `current`, found by walking each kind's
 * two sorted lists together: an object that is the very same one in both (what a REST write
 * leaves untouched) costs one comparison, an equal copy one deepEqual, so the walk is
 * proportional to the document in pointer steps (and comparisons of copies) only and the rest of
 * a write to what it changed. Null when `current` is not known to be
 * sorted, when `desired` is not sorted by name or names an object twice, or past `max` pairs
 * (then the whole documents are compared: `planChanges`).
 */
export function walkChanges(current: NDocument, desired: NDocument, max: number): DocumentWalk | null {
  if (!sorted(current)) return null;
  const out: DocumentWalk = { site: [], monitor: [], service: [], vserver: [] };
  let n = 0;
  for (const kind of KINDS) {
    const a = listOf(current, kind) as ReadonlyArray<{ name: string }>;
    const b = listOf(desired, kind) as ReadonlyArray<{ name: string }>;
    const pairs = out[kind];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      if (x !== undefined && x === y) {
        i++;
        j++;
        continue;
      }
      // Where the lists part, `desired` must still go up strictly by name (a same-object run keeps `current`'s order).
      const prev = b[j - 1];
      if (y !== undefined && prev !== undefined && !(prev.name < y.name)) return null;
      // An equal copy (each object of a document applied again) is no change: it costs one
      // comparison and counts nothing, so re-applying a large document plans only what differs.
      if (x !== undefined && y !== undefined && x.name === y.name && deepEqual(x, y)) {
        i++;
        j++;
        continue;
      }
      if (++n > max) return null;
      if (y === undefined || (x !== undefined && x.name < y.name)) {
        pairs.push({ before: x });
        i++;
      } else if (x === undefined || y.name < x.name) {
        pairs.push({ after: y });
        j++;
      } else {
        pairs.push({ before: x, after: y });
        i++;
        j++;
      }
    }
  }
  SORTED.add(desired);
  return out;
}

/** A walk as the contract's rules read a change (validateChange): names upserted and removed, the former listen ports. */
export function changeOfWalk(walk: DocumentWalk): DocumentChange {
  const names = (kind: Kind, which: 'upserted' | 'removed'): string[] =>
    walk[kind]
      .filter((p) => (which === 'upserted') === (p.after !== undefined))
      .map((p) => (p.after ?? p.before) as { name: string })
      .map((o) => o.name);
  const formerPorts: number[] = [];
  for (const p of walk.vserver) {
    const port = (p.before as NVServer | undefined)?.listen?.port;
    if (port !== undefined) formerPorts.push(port);
  }
  return {
    upserted: { services: names('service', 'upserted'), monitors: names('monitor', 'upserted'), vservers: names('vserver', 'upserted') },
    removed: { services: names('service', 'removed'), monitors: names('monitor', 'removed'), vservers: names('vserver', 'removed') },
    formerPorts,
  };
}

/**
 * Finds objects of one kind of `doc` by name: a binary search when its lists are known sorted and
 * only a few names will be asked (a write of one object), else one map of the list.
 */
export function finder<K extends Kind>(doc: NDocument, kind: K, few: boolean): (name: string) => NObject<K> | undefined {
  const list = listOf(doc, kind);
  if (!few || !sorted(doc)) {
    const map = new Map(list.map((o) => [o.name, o]));
    return (name) => map.get(name);
  }
  return (name) => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = list[mid]!;
      if (o.name === name) return o;
      if (o.name < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
}

/** The plan of a walk (the same plan `planChanges(current, desired, true)` gives). */
export function planOfWalk(walk: DocumentWalk): Plan {
  const upserts: PlanChange[] = [];
  const deletes: PlanChange[] = [];
  for (const kind of KINDS)
    for (const { before, after } of walk[kind]) {
      const o = (after ?? before) as { name: string };
      if (after === undefined) deletes.push({ action: 'delete', kind, name: o.name });
      else {
        const c = objectChange(kind, o.name, before as Record<string, unknown> | undefined, after as Record<string, unknown>);
        if (c) upserts.push(c);
      }
    }
  return ordered(upserts, deletes);
}

/** The change of one object: created, updated (the fields that differ and their leaves), or null when equal. */
function objectChange(kind: Kind, name: string, before: Record<string, unknown> | undefined, o: Record<string, unknown>): PlanChange | null {
  if (!before) return { action: 'create', kind, name };
  if (before === o) return null; // unchanged objects of a REST write are the very same objects
  // An equal object (most of a re-applied document) costs one walk, without the key lists below.
  if (deepEqual(before, o)) return null;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(o)])];
  const fields = keys.filter((k) => !deepEqual(before[k], o[k])).sort();
  if (fields.length === 0) return null;
  const diff: FieldChange[] = [];
  for (const k of fields) fieldChanges(`/${pointerToken(k)}`, before[k], o[k], diff);
  // Write-only values (a service's migration secret) never show in a plan: only that they change.
  if (kind === 'service')
    for (const d of diff) {
      if (d.before !== undefined) d.before = maskWriteOnly(d.path, d.before);
      if (d.after !== undefined) d.after = maskWriteOnly(d.path, d.after);
    }
  return { action: 'update', kind, name, fields, diff };
}

/** Upserts in kind order, then deletes in reverse kind order, with the summary. */
function ordered(upserts: PlanChange[], deletes: PlanChange[]): Plan {
  deletes.reverse();
  const changes = [...upserts, ...deletes];
  const count = (a: PlanChange['action']): number => changes.filter((c) => c.action === a).length;
  return { changes, summary: { create: count('create'), update: count('update'), delete: count('delete') } };
}

const pointerToken = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Walks nested objects of two differing values down to the leaves that differ (arrays and scalars are leaves). */
function fieldChanges(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) fieldChanges(`${path}/${pointerToken(k)}`, a[k], b[k], out);
    return;
  }
  out.push({ path, ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
}

/** The document an apply produces: `desired` plus, without prune, what only `current` has. */
export function effectiveDocument(current: NDocument, desired: NDocument, prune: boolean): NDocument {
  if (prune) return desired;
  const merge = <T extends { name: string }>(cur: T[], want: T[]): T[] => {
    const names = new Set(want.map((o) => o.name));
    return [...want, ...cur.filter((o) => !names.has(o.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const sites = merge(current.sites ?? [], desired.sites ?? []);
  return {
    services: merge(current.services, desired.services),
    monitors: merge(current.monitors, desired.monitors),
    vservers: merge(current.vservers, desired.vservers),
    ...(sites.length > 0 ? { sites } : {}),
  };
}
