// The configuration document as a set of named resources (services, monitors, vservers) and the
// changes between two versions of it (after xDS delta: resources upserted whole, names removed).
// One model for both ends of the channel: the hub turns each version into changes and checks
// them, an agent applies a delta onto the document it runs. References (bindings to services and
// monitors, backup vservers) are counted, so a change is checked for dangling references in time
// proportional to its size.
import type { ConfigDelta, ConfigDocument } from './messages.js';
import type { NDocument } from './document/normalize.js';
import type { DocumentView } from './document/rules.js';

export const RESOURCE_KINDS = ['services', 'monitors', 'vservers'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
type Doc = Record<string, unknown>;

/** What a version changed against another (resource docs upserted whole, names removed). */
export type Changes = Pick<ConfigDelta, 'upserted' | 'removed'>;
export interface ReferenceProblem {
  path: string;
  message: string;
}

const arr = (v: unknown): Doc[] => (Array.isArray(v) ? (v as Doc[]) : []);
/** The resources of one kind, read as plain objects (this module looks at names and references only). */
const listOf = (doc: ConfigDocument, kind: ResourceKind): Doc[] => doc[kind];
type Loose = Record<ResourceKind, Doc[]>;
const loose = (doc: ConfigDocument): Loose => doc;
const nameOf = (d: Doc): string => String(d.name);
const names = (list: readonly Doc[]): Set<string> => new Set(list.map(nameOf));
const byNameOf = (list: readonly Doc[]): Map<string, Doc> => new Map(list.map((d) => [nameOf(d), d]));
/** Adds (n 1) or removes (n -1) `name` in the set of `key` of `index`. */
function indexed<K>(index: Map<K, Set<string>>, key: K, name: string, n: 1 | -1): void {
  const set = index.get(key);
  if (n === 1) index.set(key, (set ?? new Set<string>()).add(name));
  else if (set?.delete(name) && set.size === 0) index.delete(key);
}
export const emptyChanges = (): Changes => ({ upserted: { services: [], monitors: [], vservers: [] }, removed: { services: [], monitors: [], vservers: [] } });
export const changeCount = (c: Changes): number => RESOURCE_KINDS.reduce((n, k) => n + c.upserted[k].length + c.removed[k].length, 0);

/** The names a resource refers to, with where (a JSON pointer within the resource). */
function refsOf(kind: ResourceKind, doc: Doc): Array<{ kind: ResourceKind; name: string; at: string }> {
  if (kind === 'monitors') return [];
  if (kind === 'services') return arr(doc.monitors).map((b, j) => ({ kind: 'monitors', name: String(b.monitor), at: `/monitors/${j}/monitor` }));
  const out: Array<{ kind: ResourceKind; name: string; at: string }> = arr(doc.services).map((b, j) => ({
    kind: 'services',
    name: String(b.service),
    at: `/services/${j}/service`,
  }));
  const backup = (doc.spillover as Doc | undefined)?.backup;
  if (typeof backup === 'string') out.push({ kind: 'vservers', name: backup, at: '/spillover/backup' });
  // A content switch's targets (issue 17).
  arr(doc.rules).forEach((r, j) => {
    if (typeof r.target === 'string') out.push({ kind: 'vservers', name: r.target, at: `/rules/${j}/target` });
  });
  if (typeof doc.default === 'string') out.push({ kind: 'vservers', name: doc.default, at: '/default' });
  return out;
}
const SINGULAR: Record<ResourceKind, string> = { services: 'service', monitors: 'monitor', vservers: 'vserver' };

/** Every dangling reference of a whole document, at its index paths. */
export function checkConsistency(config: ConfigDocument): ReferenceProblem[] {
  const have = { services: names(listOf(config, 'services')), monitors: names(listOf(config, 'monitors')), vservers: names(listOf(config, 'vservers')) };
  const problems: ReferenceProblem[] = [];
  for (const kind of RESOURCE_KINDS)
    listOf(config, kind).forEach((doc, i) => {
      for (const r of refsOf(kind, doc))
        if (!have[r.kind].has(r.name)) problems.push({ path: `/${kind}/${i}${r.at}`, message: `no ${SINGULAR[r.kind]} named ${r.name}` });
    });
  return problems;
}

/** Several consecutive changes as one: the last state of each resource, removed unless upserted after. */
export function compose(list: readonly Changes[]): Changes {
  if (list.length === 1) return list[0]!;
  const up = { services: new Map<string, Doc>(), monitors: new Map<string, Doc>(), vservers: new Map<string, Doc>() };
  const rm = { services: new Set<string>(), monitors: new Set<string>(), vservers: new Set<string>() };
  for (const c of list)
    for (const kind of RESOURCE_KINDS) {
      for (const name of c.removed[kind]) {
        up[kind].delete(name);
        rm[kind].add(name);
      }
      for (const doc of listOf(c.upserted, kind)) {
        rm[kind].delete(nameOf(doc));
        up[kind].delete(nameOf(doc));
        up[kind].set(nameOf(doc), doc);
      }
    }
  const out = emptyChanges();
  for (const kind of RESOURCE_KINDS) {
    loose(out.upserted)[kind] = [...up[kind].values()];
    out.removed[kind] = [...rm[kind]];
  }
  return out;
}

/**
 * A consistent document held by name, with a count of the references to each name. `diff`
 * finds the changes to another document, `problems` checks changes against it (proportional to
 * their size) and `apply` makes them.
 */
export class ResourceSet {
  private readonly byName: Record<ResourceKind, Map<string, Doc>> = { services: new Map(), monitors: new Map(), vservers: new Map() };
  private readonly refCount: Record<ResourceKind, Map<string, number>> = { services: new Map(), monitors: new Map(), vservers: new Map() };
  /** Who refers to each name (`kind/name` of the referrer, with how many times): what a change of it reaches. */
  private readonly referrers: Record<ResourceKind, Map<string, Map<string, number>>> = { services: new Map(), monitors: new Map(), vservers: new Map() };
  /** The vservers listening on each port, and the services whose maintenance target each service is (what a change's rules ask of the document: viewAfter). */
  private readonly onPort = new Map<number, Set<string>>();
  private readonly targetOf = new Map<string, Set<string>>();

  get size(): number {
    return this.byName.services.size + this.byName.monitors.size + this.byName.vservers.size;
  }
  get(kind: ResourceKind, name: string): Doc | undefined {
    return this.byName[kind].get(name);
  }
  /** The resources of one kind, by name (read only). */
  all(kind: ResourceKind): ReadonlyMap<string, Doc> {
    return this.byName[kind];
  }

  /** The names of kind `into` that refer to `name` of `kind` (a service bound to a monitor, a vserver to a service, to a backup or switch target). */
  *referring(kind: ResourceKind, name: string, into: ResourceKind): Generator<string> {
    for (const key of this.referrers[kind].get(name)?.keys() ?? []) {
      const slash = key.indexOf('/');
      if (key.slice(0, slash) === into) yield key.slice(slash + 1);
    }
  }

  /**
   * This set after `c` (not applied) as the contract's change rules read it (validateChange's
   * DocumentView): by name, and who may refer to what from the reference counts and the port and
   * maintenance-target indexes, so the check costs in proportion to the change and what refers to
   * it. The objects `c` carries come last in a part (as in the document after it): a rule between
   * two, such as a port taken, names the change's. `sites`: the document's, when its rules read them.
   */
  viewAfter(c: Changes, sites?: NDocument['sites']): DocumentView {
    const u = loose(c.upserted);
    const up = { services: byNameOf(u.services), monitors: byNameOf(u.monitors), vservers: byNameOf(u.vservers) };
    const gone = { services: new Set(c.removed.services), monitors: new Set(c.removed.monitors), vservers: new Set(c.removed.vservers) };
    const get = (kind: ResourceKind, name: string): Doc | undefined => up[kind].get(name) ?? (gone[kind].has(name) ? undefined : this.byName[kind].get(name));
    // The objects of names read from the indexes, as in the document after the change (a name the change carries is yielded from it, one it removes not at all).
    const objects = function* (kind: ResourceKind, names: Iterable<string>): Generator<Doc> {
      for (const name of names) {
        const o = up[kind].has(name) ? undefined : get(kind, name);
        if (o !== undefined) yield o;
      }
    };
    const referring = (kind: ResourceKind, name: string, into: ResourceKind): Generator<Doc> => objects(into, this.referring(kind, name, into));
    const { targetOf, onPort } = this;
    const view = {
      service: (n: string) => get('services', n),
      monitor: (n: string) => get('monitors', n),
      vserver: (n: string) => get('vservers', n),
      *servicesReaching(monitors: ReadonlySet<string>, services: ReadonlySet<string>) {
        yield* up.services.values();
        for (const m of monitors) yield* referring('monitors', m, 'services');
        for (const t of services) yield* objects('services', targetOf.get(t) ?? []);
      },
      *vserversReaching(services: ReadonlySet<string>, ports: ReadonlySet<number>, vservers: ReadonlySet<string>) {
        yield* up.vservers.values();
        for (const name of services) yield* referring('services', name, 'vservers');
        for (const port of ports) yield* objects('vservers', onPort.get(port) ?? []);
        for (const name of vservers) yield* referring('vservers', name, 'vservers');
      },
      select: (kind: ResourceKind, names: ReadonlySet<string>) => {
        const out: Doc[] = [];
        for (const n of names) if (!up[kind].has(n)) out.push(...objects(kind, [n]));
        for (const n of names) if (up[kind].has(n)) out.push(up[kind].get(n)!);
        return out;
      },
      ...(sites ? { sites } : {}),
    };
    // The set holds the contract's normalized objects (this module reads only names and references).
    return view as unknown as DocumentView;
  }

  /**
   * The names a change (applied to this set) reaches, per kind: the resources it upserted or
   * removed, the services bound to a monitor it touched, the vservers bound to a service it
   * touched, and every vserver whose backup chain or switch targets lead to a vserver reached
   * (its chain holds that vserver). Proportional to the change and what refers to it.
   */
  reach(c: Changes): Record<ResourceKind, Set<string>> {
    const out = { services: new Set<string>(), monitors: new Set<string>(), vservers: new Set<string>() };
    for (const kind of RESOURCE_KINDS) {
      for (const doc of listOf(c.upserted, kind)) out[kind].add(nameOf(doc));
      for (const name of c.removed[kind]) out[kind].add(name);
    }
    const referring = (kind: ResourceKind, name: string, into: ResourceKind): void => {
      for (const n of this.referring(kind, name, into)) out[into].add(n);
    };
    for (const m of out.monitors) referring('monitors', m, 'services');
    for (const s of out.services) referring('services', s, 'vservers');
    const queue = [...out.vservers];
    for (let i = 0; i < queue.length; i++)
      for (const key of this.referrers.vservers.get(queue[i]!)?.keys() ?? []) {
        const name = key.slice('vservers/'.length);
        if (out.vservers.has(name)) continue;
        out.vservers.add(name);
        queue.push(name);
      }
    return out;
  }

  /** The changes that turn this set into `config`; a resource that is the very same object costs one lookup. */
  diff(config: ConfigDocument, equal: (a: Doc, b: Doc) => boolean): Changes {
    const c = emptyChanges();
    for (const kind of RESOURCE_KINDS) {
      const prev = this.byName[kind];
      let kept = 0;
      for (const doc of listOf(config, kind)) {
        const before = prev.get(nameOf(doc));
        if (before !== undefined) kept++;
        if (before === doc || (before !== undefined && equal(before, doc))) continue;
        loose(c.upserted)[kind].push(doc);
      }
      if (kept < prev.size) {
        const now = names(listOf(config, kind));
        for (const name of prev.keys()) if (!now.has(name)) c.removed[kind].push(name);
      }
    }
    return c;
  }

  /**
   * Dangling references of the document `c` would produce from this (consistent) set: a
   * reference of an upserted resource to a name that would not exist, a removed name something
   * left still refers to. Paths point into the changes (`/upserted/vservers/0/services/1/service`).
   */
  problems(c: Changes): ReferenceProblem[] {
    const u = loose(c.upserted);
    const upserted = { services: names(u.services), monitors: names(u.monitors), vservers: names(u.vservers) };
    const removed = { services: new Set(c.removed.services), monitors: new Set(c.removed.monitors), vservers: new Set(c.removed.vservers) };
    const exists = (k: ResourceKind, name: string): boolean => upserted[k].has(name) || (this.byName[k].has(name) && !removed[k].has(name));
    const problems: ReferenceProblem[] = [];
    const delta = { services: new Map<string, number>(), monitors: new Map<string, number>(), vservers: new Map<string, number>() };
    const count = (k: ResourceKind, name: string, n: number): void => void delta[k].set(name, (delta[k].get(name) ?? 0) + n);
    for (const kind of RESOURCE_KINDS) {
      u[kind].forEach((doc, i) => {
        for (const r of refsOf(kind, doc)) {
          if (!exists(r.kind, r.name)) problems.push({ path: `/upserted/${kind}/${i}${r.at}`, message: `no ${SINGULAR[r.kind]} named ${r.name}` });
          count(r.kind, r.name, 1);
        }
        const before = this.byName[kind].get(nameOf(doc));
        if (before) for (const r of refsOf(kind, before)) count(r.kind, r.name, -1);
      });
      for (const name of c.removed[kind]) {
        const before = upserted[kind].has(name) ? undefined : this.byName[kind].get(name);
        if (before) for (const r of refsOf(kind, before)) count(r.kind, r.name, -1);
      }
    }
    for (const kind of RESOURCE_KINDS)
      c.removed[kind].forEach((name, i) => {
        if (upserted[kind].has(name)) return;
        const left = (this.refCount[kind].get(name) ?? 0) + (delta[kind].get(name) ?? 0);
        if (left > 0) problems.push({ path: `/removed/${kind}/${i}`, message: `${SINGULAR[kind]} ${name} is still referenced ${left} time(s)` });
      });
    return problems;
  }

  /** Makes the changes (checked with `problems` first). Removing a name the set does not have does nothing. */
  apply(c: Changes): void {
    for (const kind of RESOURCE_KINDS) {
      const upserted = names(listOf(c.upserted, kind));
      for (const name of c.removed[kind]) {
        if (upserted.has(name)) continue;
        const before = this.byName[kind].get(name);
        if (before) this.count(kind, before, -1);
        this.byName[kind].delete(name);
      }
      for (const doc of listOf(c.upserted, kind)) {
        const before = this.byName[kind].get(nameOf(doc));
        if (before) this.count(kind, before, -1);
        this.count(kind, doc, 1);
        this.byName[kind].set(nameOf(doc), doc);
      }
    }
  }

  /** The changes that undo `c` (computed before applying it): a delta is rolled back when the agent could not serve it. */
  inverse(c: Changes): Changes {
    const out = emptyChanges();
    for (const kind of RESOURCE_KINDS) {
      const seen = new Set<string>();
      const undo = (name: string): void => {
        if (seen.has(name)) return;
        seen.add(name);
        const before = this.byName[kind].get(name);
        if (before) loose(out.upserted)[kind].push(before);
        else out.removed[kind].push(name);
      };
      for (const doc of listOf(c.upserted, kind)) undo(nameOf(doc));
      for (const name of c.removed[kind]) if (this.byName[kind].has(name)) undo(name);
    }
    return out;
  }

  /** Replaces everything with `config` (a snapshot). */
  reset(config: ConfigDocument): void {
    for (const kind of RESOURCE_KINDS) {
      this.byName[kind].clear();
      this.refCount[kind].clear();
      this.referrers[kind].clear();
    }
    this.onPort.clear();
    this.targetOf.clear();
    this.apply({ upserted: config, removed: emptyChanges().removed });
  }

  /** The document, each kind in the order resources were first added. */
  document(): ConfigDocument {
    const doc: Loose = {
      services: [...this.byName.services.values()],
      monitors: [...this.byName.monitors.values()],
      vservers: [...this.byName.vservers.values()],
    };
    return doc as unknown as ConfigDocument;
  }

  private count(kind: ResourceKind, doc: Doc, n: 1 | -1): void {
    const by = `${kind}/${nameOf(doc)}`;
    const port = kind === 'vservers' ? ((doc.listen as Doc | null | undefined)?.port as number | undefined) : undefined;
    if (port !== undefined) indexed(this.onPort, port, nameOf(doc), n);
    const target = kind === 'services' ? ((doc.maintenance as Doc | undefined)?.target as string | undefined) : undefined;
    if (target !== undefined) indexed(this.targetOf, target, nameOf(doc), n);
    for (const r of refsOf(kind, doc)) {
      const m = this.refCount[r.kind];
      const left = (m.get(r.name) ?? 0) + n;
      if (left > 0) m.set(r.name, left);
      else m.delete(r.name);
      let who = this.referrers[r.kind].get(r.name);
      if (!who) this.referrers[r.kind].set(r.name, (who = new Map<string, number>()));
      const mine = (who.get(by) ?? 0) + n;
      if (mine > 0) who.set(by, mine);
      else who.delete(by);
      if (who.size === 0) this.referrers[r.kind].delete(r.name);
    }
  }
}
