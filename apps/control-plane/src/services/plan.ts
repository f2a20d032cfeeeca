// The plan between two normalized documents: what an apply would create, update and delete.
// Server-computed fields never enter normalized documents, so they never show up as changes.
import { KINDS, PLURAL, deepEqual, type Kind, type NDocument } from './normalize.js';

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
    const cur = new Map<string, Record<string, unknown>>(current[PLURAL[kind]].map((o) => [o.name, o as unknown as Record<string, unknown>]));
    const want = new Set<string>();
    for (const o of desired[PLURAL[kind]] as unknown as Array<Record<string, unknown> & { name: string }>) {
      want.add(o.name);
      const before = cur.get(o.name);
      if (!before) {
        upserts.push({ action: 'create', kind, name: o.name });
        continue;
      }
      if (before === o) continue; // unchanged objects of a REST write are the very same objects
      const keys = [...new Set([...Object.keys(before), ...Object.keys(o)])];
      const fields = keys.filter((k) => !deepEqual(before[k], o[k])).sort();
      if (fields.length > 0) {
        const diff: FieldChange[] = [];
        for (const k of fields) fieldChanges(`/${pointerToken(k)}`, before[k], o[k], diff);
        upserts.push({ action: 'update', kind, name: o.name, fields, diff });
      }
    }
    if (prune) for (const name of cur.keys()) if (!want.has(name)) deletes.push({ action: 'delete', kind, name });
  }
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
  return {
    services: merge(current.services, desired.services),
    monitors: merge(current.monitors, desired.monitors),
    vservers: merge(current.vservers, desired.vservers),
  };
}
