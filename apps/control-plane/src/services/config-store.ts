// The one place where configuration versions live. Every write runs in one transaction that
// first locks the single `config_version` row (so writers, across replicas too, take turns and
// none can lose another's update), reads the current document, lets the caller compute the
// desired one, validates it as a whole, writes only the rows that change, appends one event per
// change and bumps the global version. After the commit, `change` fires with the new version and
// document. Reads are served from a snapshot cached per global version (one cheap query checks
// that it is still current).
import { EventEmitter } from 'node:events';
import { Prisma, type PrismaClient } from '../db/prisma.js';
import { ApiErrors, unprocessable as problemError, type ErrorDetail, type SpillwayError } from '../errors.js';
import {
  KINDS,
  PLURAL,
  deepEqual,
  listOf,
  type Kind,
  type NDocument,
  type NMonitor,
  type NMonitorHttp,
  type NService,
  type NSite,
  type NVServer,
} from './normalize.js';
import { DEFAULTS, emptyChanges, keepSecrets, type Changes, type NContentRule, type NMaintenance } from '@spillway/protocol';
import { changeOfWalk, finder, markSorted, planChanges, planOfWalk, walkChanges, type Plan } from './plan.js';
import { validateChange, validateDocument, type Problem } from './validate.js';
import { changesOfWalk, moveIndex, viewAfter } from './document-index.js';

type Tx = Prisma.TransactionClient;

/** Read-only facts of a stored object or binding. */
export interface Meta {
  id: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An immutable snapshot of the configuration at one global version. */
export interface ConfigState {
  readonly version: number;
  readonly doc: NDocument;
  /** Keys: `service:<name>`, `monitor:<name>`, `vserver:<name>`, `vserver-service:<vs>/<svc>`, `service-monitor:<svc>/<mon>`. */
  readonly meta: ReadonlyMap<string, Meta>;
}

export type BindingKind = 'vserver-service' | 'service-monitor';
export const metaKey = (kind: Kind | BindingKind, name: string): string => `${kind}:${name}`;

export interface ConfigChange {
  version: number;
  document: NDocument;
  /** The version the change was made on. */
  base?: number;
  /** The services, monitors and vservers it upserted or removed (objects of `document`); null: not known (the hub diffs the documents). */
  changes?: Changes | null;
}

export interface WriteOptions {
  /** Who writes: `token:<name>` or `system`. */
  actor: string;
  dryRun?: boolean;
  /** Maps a semantic problem to the path reported to the client. */
  problemPath?: (p: Problem) => string;
}

export interface WriteResult {
  version: number;
  plan: Plan;
  applied: boolean;
  state: ConfigState;
}

const TX = { maxWait: 10_000, timeout: 120_000 } as const;

// --- rows ↔ normalized objects -------------------------------------------------------------------

type ServiceRow = Prisma.ServiceGetPayload<{ include: { monitors: { include: { monitor: { select: { name: true } } } } } }>;
type MonitorRow = Prisma.MonitorGetPayload<object>;
type VServerRow = Prisma.VServerGetPayload<{
  include: { spilloverMethods: true; backup: { select: { name: true } }; services: { include: { service: { select: { name: true } } } } };
}>;

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function serviceFromRow(r: ServiceRow): NService {
  const s: NService = {
    name: r.name,
    address: r.address,
    port: r.port,
    protocol: r.protocol,
    capacity: r.capacity,
    weight: r.weight,
    state: r.state,
    proxyProtocol: r.proxyProtocol,
    monitors: r.monitors
      .map((b) => ({ monitor: b.monitor.name, ...(b.weight === null ? {} : { weight: b.weight }) }))
      .sort((a, b) => (a.monitor < b.monitor ? -1 : a.monitor > b.monitor ? 1 : 0)),
  };
  if (r.monitorThreshold !== null) s.monitorThreshold = r.monitorThreshold;
  if (r.maintenance !== null) s.maintenance = r.maintenance as NMaintenance;
  if (r.site !== null) s.site = r.site;
  if (r.migrationPort !== null) s.migration = { port: r.migrationPort, ...(r.migrationSecret === null ? {} : { secret: r.migrationSecret }) };
  return s;
}

function siteFromRow(r: Prisma.SiteGetPayload<object>): NSite {
  return { name: r.name, exchangeIntervalMs: r.exchangeIntervalMs, ...(r.peerUrl === null ? {} : { peer: { url: r.peerUrl } }) };
}
const siteData = (s: NSite) => ({ name: s.name, exchangeIntervalMs: s.exchangeIntervalMs, peerUrl: s.peer?.url ?? null });

function monitorFromRow(r: MonitorRow): NMonitor {
  const m: NMonitor = {
    name: r.name,
    type: r.type,
    intervalMs: r.intervalMs,
    timeoutMs: r.timeoutMs,
    fall: r.fall,
    rise: r.rise,
    weight: r.weight,
  };
  if (r.httpMethod !== null) {
    m.http = {
      method: r.httpMethod as NMonitorHttp['method'],
      path: r.httpPath ?? DEFAULTS.monitorHttp.path,
      ...(r.httpHost === null ? {} : { host: r.httpHost }),
      expectStatus: r.expectStatus.length > 0 ? [...r.expectStatus] : [...DEFAULTS.monitorHttp.expectStatus],
      ...(r.expectBody === null ? {} : { expectBody: r.expectBody }),
    };
  }
  if (r.udpSend !== null) m.udp = { send: r.udpSend, ...(r.udpExpect === null ? {} : { expect: r.udpExpect }) };
  if (r.dnsQuery !== null)
    m.dns = {
      query: r.dnsQuery,
      type: (r.dnsRecordType ?? DEFAULTS.monitorDns.type) as NonNullable<NMonitor['dns']>['type'],
      ...(r.dnsExpectAddress === null ? {} : { expectAddress: r.dnsExpectAddress }),
    };
  if (r.agentPort !== null) m.agent = { port: r.agentPort, ...(r.agentSend === null ? {} : { send: r.agentSend }) };
  if (r.responseTimeMaxMs !== null || r.responseTimeMaxOverAverage !== null) {
    m.responseTime = {
      ...(r.responseTimeMaxMs === null ? {} : { maxMs: r.responseTimeMaxMs }),
      ...(r.responseTimeMaxOverAverage === null ? {} : { maxOverAverage: r.responseTimeMaxOverAverage }),
    };
  }
  return m;
}

/** A content switch's type, rules and default from its row (contentSwitch holds { rules, default } as written by vserverData). */
function switchFromRow(r: Pick<VServerRow, 'type' | 'contentSwitch'>): Pick<NVServer, 'type' | 'rules' | 'default'> {
  if (r.type !== 'contentswitch') return {};
  const cs = (r.contentSwitch ?? {}) as { rules?: NContentRule[]; default?: string | null };
  return { type: 'contentswitch', rules: cs.rules ?? [], ...(typeof cs.default === 'string' ? { default: cs.default } : {}) };
}

function vserverFromRow(r: VServerRow): NVServer {
  return {
    name: r.name,
    protocol: r.protocol,
    listen: r.listenPort === null ? null : { port: r.listenPort, host: r.listenHost },
    lbMethod: r.lbMethod,
    ...(r.selection === 'manager' ? { selection: 'manager' as const } : {}),
    services: r.services
      .map((b) => ({ service: b.service.name, ...(b.weight === null ? {} : { weight: b.weight }) }))
      .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)),
    persistence: { type: r.persistenceType, timeoutSeconds: r.persistenceTimeoutSeconds },
    spillover: {
      methods: [...r.spilloverMethods]
        .sort((a, b) => a.position - b.position)
        .map((m) => ({
          type: m.type,
          ...(m.threshold === null ? {} : { threshold: m.threshold }),
          ...(m.thresholdKbps === null ? {} : { thresholdKbps: m.thresholdKbps }),
          ...(m.direction === null ? {} : { direction: m.direction }),
          ...(m.thresholdPercent === null ? {} : { thresholdPercent: m.thresholdPercent }),
        })),
      combine: r.spilloverCombine,
      ...(r.backup === null ? {} : { backup: r.backup.name }),
      action: r.spilloverAction,
      ...(r.redirectUrl === null ? {} : { redirectUrl: r.redirectUrl }),
      persistenceTimeoutSeconds: r.spilloverPersistenceTimeoutSeconds,
    },
    surgeQueue: { length: r.surgeQueueLength, timeoutMs: r.surgeQueueTimeoutMs },
    timeoutMs: r.timeoutMs,
    headersTimeoutMs: r.headersTimeoutMs,
    keepAliveTimeoutMs: r.keepAliveTimeoutMs,
    clientTimeoutMs: r.clientTimeoutMs,
    ...(r.siteBalancing ? { siteBalancing: true } : {}),
    ...switchFromRow(r),
    ...(r.maintenance !== null ? { maintenance: r.maintenance as NMaintenance } : {}),
  };
}

const serviceData = (s: NService) => ({
  name: s.name,
  address: s.address,
  port: s.port,
  protocol: s.protocol,
  capacity: s.capacity,
  weight: s.weight,
  state: s.state,
  monitorThreshold: s.monitorThreshold ?? null,
  maintenance: s.maintenance ? (s.maintenance as Prisma.InputJsonValue) : Prisma.DbNull,
  site: s.site ?? null,
  proxyProtocol: s.proxyProtocol,
  migrationPort: s.migration?.port ?? null,
  migrationSecret: s.migration?.secret ?? null,
});
const monitorData = (m: NMonitor) => ({
  name: m.name,
  type: m.type,
  intervalMs: m.intervalMs,
  timeoutMs: m.timeoutMs,
  fall: m.fall,
  rise: m.rise,
  weight: m.weight,
  httpMethod: m.http?.method ?? null,
  httpPath: m.http?.path ?? null,
  httpHost: m.http?.host ?? null,
  expectStatus: m.http?.expectStatus ?? [],
  expectBody: m.http?.expectBody ?? null,
  udpSend: m.udp?.send ?? null,
  udpExpect: m.udp?.expect ?? null,
  dnsQuery: m.dns?.query ?? null,
  dnsRecordType: m.dns?.type ?? null,
  dnsExpectAddress: m.dns?.expectAddress ?? null,
  agentPort: m.agent?.port ?? null,
  agentSend: m.agent?.send ?? null,
  responseTimeMaxMs: m.responseTime?.maxMs ?? null,
  responseTimeMaxOverAverage: m.responseTime?.maxOverAverage ?? null,
});
const vserverData = (v: NVServer) => ({
  name: v.name,
  protocol: v.protocol,
  listenPort: v.listen?.port ?? null,
  listenHost: v.listen?.host ?? DEFAULTS.vserver.listenHost,
  lbMethod: v.lbMethod,
  type: v.type ?? DEFAULTS.vserver.type,
  contentSwitch: v.type === 'contentswitch' ? ({ rules: v.rules ?? [], default: v.default ?? null } as Prisma.InputJsonValue) : Prisma.DbNull,
  selection: v.selection ?? DEFAULTS.vserver.selection,
  persistenceType: v.persistence.type,
  persistenceTimeoutSeconds: v.persistence.timeoutSeconds,
  spilloverCombine: v.spillover.combine,
  spilloverAction: v.spillover.action,
  redirectUrl: v.spillover.redirectUrl ?? null,
  spilloverPersistenceTimeoutSeconds: v.spillover.persistenceTimeoutSeconds,
  surgeQueueLength: v.surgeQueue.length,
  surgeQueueTimeoutMs: v.surgeQueue.timeoutMs,
  timeoutMs: v.timeoutMs,
  headersTimeoutMs: v.headersTimeoutMs,
  keepAliveTimeoutMs: v.keepAliveTimeoutMs,
  clientTimeoutMs: v.clientTimeoutMs,
  siteBalancing: v.siteBalancing === true,
  maintenance: v.maintenance ? (v.maintenance as Prisma.InputJsonValue) : Prisma.DbNull,
});

async function loadState(tx: Tx, version: number): Promise<ConfigState> {
  const [sites, monitors, services, vservers] = [
    await tx.site.findMany(),
    await tx.monitor.findMany(),
    await tx.service.findMany({ include: { monitors: { include: { monitor: { select: { name: true } } } } } }),
    await tx.vServer.findMany({
      include: { spilloverMethods: true, backup: { select: { name: true } }, services: { include: { service: { select: { name: true } } } } },
    }),
  ];
  const meta = new Map<string, Meta>();
  const m = (r: { id: number; version: number; createdAt: Date; updatedAt: Date }): Meta => ({
    id: r.id,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });
  for (const r of monitors) meta.set(metaKey('monitor', r.name), m(r));
  for (const r of sites) meta.set(metaKey('site', r.name), m(r));
  for (const r of services) {
    meta.set(metaKey('service', r.name), m(r));
    for (const b of r.monitors)
      meta.set(metaKey('service-monitor', `${r.name}/${b.monitor.name}`), { id: 0, version: b.version, createdAt: b.createdAt, updatedAt: b.updatedAt });
  }
  for (const r of vservers) {
    meta.set(metaKey('vserver', r.name), m(r));
    for (const b of r.services)
      meta.set(metaKey('vserver-service', `${r.name}/${b.service.name}`), { id: 0, version: b.version, createdAt: b.createdAt, updatedAt: b.updatedAt });
  }
  const doc: NDocument = {
    services: services.map(serviceFromRow).sort(byName),
    monitors: monitors.map(monitorFromRow).sort(byName),
    vservers: vservers.map(vserverFromRow).sort(byName),
  };
  if (sites.length > 0) doc.sites = sites.map(siteFromRow).sort(byName);
  markSorted(doc); // sorted here, and names are unique in the tables
  return { version, doc, meta: LayeredMap.of(meta) };
}

/**
 * The read-only facts of a version as the entries it shares with the versions before it (a base
 * map) plus its own (an overlay; undefined: deleted), so a write copies only the overlay, not
 * every object's facts; the overlay is folded into a new base once it outgrows an eighth of it.
 */
class LayeredMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private readonly base: ReadonlyMap<string, V>,
    private readonly own: ReadonlyMap<string, V | undefined>,
  ) {}
  static of<V>(entries: ReadonlyMap<string, V> | LayeredMap<V>): LayeredMap<V> {
    return entries instanceof LayeredMap ? entries : new LayeredMap<V>(entries, new Map());
  }
  /** A mutable copy for the next version: changes go to its overlay; `done()` freezes it. */
  draft(): { get(k: string): V | undefined; set(k: string, v: V): void; delete(k: string): void; done(): LayeredMap<V> } {
    const own = new Map(this.own);
    const base = this.base;
    return {
      get: (k) => (own.has(k) ? own.get(k) : base.get(k)),
      set: (k, v) => void own.set(k, v),
      delete: (k) => void own.set(k, undefined),
      done: () => {
        const next = new LayeredMap(base, own);
        return own.size > Math.max(1024, base.size / 8) ? new LayeredMap(new Map(next), new Map()) : next;
      },
    };
  }
  get(k: string): V | undefined {
    return this.own.has(k) ? this.own.get(k) : this.base.get(k);
  }
  has(k: string): boolean {
    return this.get(k) !== undefined;
  }
  get size(): number {
    let n = 0;
    for (const _ of this.keys()) n++;
    return n;
  }
  *entries(): MapIterator<[string, V]> {
    for (const [k, v] of this.own) if (v !== undefined) yield [k, v];
    for (const [k, v] of this.base) if (!this.own.has(k)) yield [k, v];
  }
  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

// --- the store -----------------------------------------------------------------------------------

export interface ConfigStoreEvents {
  change: [ConfigChange];
  event: [];
}

/** A write waiting for its turn in a group commit. */
interface PendingWrite {
  opts: WriteOptions;
  desire: (current: ConfigState) => NDocument;
  resolve(r: WriteResult): void;
  reject(err: unknown): void;
}
/** Writes committed in one transaction at most (a batch takes a few ms per write; none waits long). */
const MAX_BATCH = 64;
/** Objects a write may change and still be planned and validated on what it changed alone. */
const MAX_WALK = 256;

export class ConfigStore extends EventEmitter<ConfigStoreEvents> {
  private cache: ConfigState | null = null;
  private readonly queue: PendingWrite[] = [];
  private draining = false;

  constructor(readonly db: PrismaClient) {
    super();
  }

  /** The current configuration (cached per global version). */
  async snapshot(): Promise<ConfigState> {
    const rows = await this.db.$queryRaw<Array<{ version: number }>>`SELECT version FROM config_version WHERE id = 1`;
    const version = rows[0]?.version ?? 0;
    if (this.cache?.version === version) return this.cache;
    const state = await this.db.$transaction(
      async (tx) => {
        const v = (await tx.$queryRaw<Array<{ version: number }>>`SELECT version FROM config_version WHERE id = 1`)[0]?.version ?? 0;
        return loadState(tx, v);
      },
      { ...TX, isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    if (this.cache === null || state.version >= this.cache.version) this.cache = state;
    return state;
  }

  /**
   * Runs one write: `desire` sees the current state (under the lock) and returns the complete
   * desired document, or throws one of errors.ts's errors (404, 409, 412 ...). Invalid results are a 422 and
   * change nothing. An empty plan writes nothing and keeps the version.
   */
  async write(opts: WriteOptions, desire: (current: ConfigState) => NDocument): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ opts, desire, resolve, reject });
      void this.drain();
    });
  }

  /**
   * Group commit: writes that arrive while a transaction runs wait for it and then go together in
   * the next one (at most MAX_BATCH), each with its own plan, validation, events and version, so
   * the lock, the round trips and the commit's flush are paid once per batch. A write refused
   * (404, 409, 412, 422 ...) fails alone; a database error retries each write of the batch alone.
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.runBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: PendingWrite[]): Promise<void> {
    let done: { results: Array<{ ok: WriteResult } | { err: unknown }>; state: ConfigState; applied: boolean; base: number };
    // The statements the transaction sends without waiting (its bulk inserts).
    const pipe = new Pipeline();
    try {
      done = await this.db.$transaction(async (tx) => {
        let rows = await tx.$queryRaw<Array<{ version: number }>>`SELECT version FROM config_version WHERE id = 1 FOR UPDATE`;
        if (rows.length === 0) {
          await tx.$executeRaw`INSERT INTO config_version (id, version, "updatedAt") VALUES (1, 0, now()) ON CONFLICT (id) DO NOTHING`;
          rows = await tx.$queryRaw<Array<{ version: number }>>`SELECT version FROM config_version WHERE id = 1 FOR UPDATE`;
        }
        const version = rows[0]?.version ?? 0;
        let current = this.cache?.version === version ? this.cache : await loadState(tx, version);
        const results: Array<{ ok: WriteResult } | { err: unknown }> = [];
        // The event rows of every write of the batch, inserted in one statement after the last.
        const events: EventRow[] = [];
        for (const w of batch) {
          let desired: NDocument;
          let plan: Plan;
          let all: Problem[];
          let walk: ReturnType<typeof walkChanges>;
          let changes: ReturnType<typeof changesOfWalk> | null;
          try {
            // A write that omits a write-only field (a service's migration secret) keeps the stored value.
            desired = keepSecrets(current.doc, w.desire(current));
            // A write of a few objects is planned and checked on what it changed (the rules run on
            // their neighbourhood); a large one, or one over a document with problems, as a whole.
            walk = walkChanges(current.doc, desired, MAX_WALK);
            plan = walk ? planOfWalk(walk) : planChanges(current.doc, desired, true);
            changes = walk && changesOfWalk(walk);
            const known = knownProblems(current.doc);
            // An empty plan over a document without problems has none either: each object equals one
            // it has, and as many (a name given twice makes a list longer).
            const same = plan.changes.length === 0 && KINDS.every((k) => listOf(desired, k).length === listOf(current.doc, k).length);
            // A change of the sites is checked whole (services anywhere may name them).
            const clean =
              known.size === 0 &&
              (same ||
                (walk !== null &&
                  changes !== null &&
                  walk.site.length === 0 &&
                  validateChange(viewAfter(current.doc, desired, changes), changeOfWalk(walk)).length === 0));
            all = clean ? [] : validateDocument(desired);
            const problems = all.filter((p) => !known.has(problemKey(p)));
            if (problems.length > 0) throw unprocessable(problems, w.opts.problemPath ?? ((p) => `/${PLURAL[p.kind]}/${p.name}${p.path}`));
          } catch (err) {
            results.push({ err });
            continue;
          }
          if (w.opts.dryRun || plan.changes.length === 0) {
            results.push({ ok: { version: current.version, plan, applied: false, state: current } });
            continue;
          }
          KNOWN.set(desired, new Set(all.map(problemKey)));
          // The rules' index of the document follows the write (made again from the document after a whole plan).
          moveIndex(current.doc, desired, changes);
          current = await applyPlan(tx, pipe, current, desired, plan, current.version + 1, w.opts.actor, events);
          results.push({ ok: { version: current.version, plan, applied: true, state: current } });
        }
        await bulkInsert(tx, 'event', events as unknown as Array<Record<string, unknown>>);
        if (current.version !== version) await tx.$executeRaw`UPDATE config_version SET version = ${current.version}, "updatedAt" = now() WHERE id = 1`;
        await pipe.settle();
        return { results, state: current, applied: current.version !== version, base: version };
      }, TX);
    } catch (failure) {
      // The transaction failed as a whole (nothing of it was written): alone, each write fails or commits on its own.
      // A statement sent earlier failed first (later ones saw only the aborted transaction): its error is the one to report.
      let err = failure;
      await pipe.settle().catch((first: unknown) => {
        err = first;
      });
      if (batch.length > 1) {
        for (const w of batch) await this.runBatch([w]);
        return;
      }
      batch[0]?.reject(translateDbError(err));
      return;
    }
    if (done.applied) {
      if (this.cache === null || done.state.version > this.cache.version) this.cache = done.state;
      // One change for the batch: the versions it committed reach the agents as one delta.
      const plans = done.results.flatMap((r) => ('ok' in r && r.ok.applied ? [r.ok.plan] : []));
      this.emit('change', { version: done.state.version, document: done.state.doc, base: done.base, changes: changesOf(done.state.doc, plans) });
    }
    done.results.forEach((r, i) => {
      const w = batch[i]!;
      if ('ok' in r) w.resolve(r.ok);
      else w.reject(r.err);
    });
  }

  /** Appends an event outside the configuration (tokens, agents) in its own statement. */
  async appendEvent(e: {
    actor: string;
    kind: string;
    objectKind: string;
    objectName: string;
    beforeVersion?: number | null;
    afterVersion?: number | null;
    data?: Prisma.InputJsonValue;
  }): Promise<void> {
    await this.db.event.create({
      data: {
        actor: e.actor,
        kind: e.kind,
        objectKind: e.objectKind,
        objectName: e.objectName,
        beforeVersion: e.beforeVersion ?? null,
        afterVersion: e.afterVersion ?? null,
        ...(e.data === undefined ? {} : { data: e.data }),
      },
    });
    this.emit('event');
  }
}

/**
 * What the plans of a batch upserted and removed, as the resources the hub serves (objects of
 * `doc`, the batch's last document), so the hub need not diff the whole document per write; null
 * past MAX_WALK objects (the hub's diff is as cheap then).
 */
function changesOf(doc: NDocument, plans: Plan[]): Changes | null {
  const names = { service: new Set<string>(), monitor: new Set<string>(), vserver: new Set<string>() };
  let n = 0;
  for (const p of plans)
    for (const c of p.changes) {
      if (c.kind === 'site') continue; // not a resource: the hub keeps the sites section itself
      names[c.kind].add(c.name);
      if (++n > MAX_WALK) return null;
    }
  const out = emptyChanges();
  for (const kind of ['service', 'monitor', 'vserver'] as const) {
    const find = finder(doc, kind, true);
    for (const name of names[kind]) {
      const o = find(name);
      if (o) (out.upserted[PLURAL[kind]] as unknown[]).push(o);
      else out.removed[PLURAL[kind]].push(name);
    }
  }
  return out;
}

const problemKey = (p: Problem): string => `${p.code} ${p.kind} ${p.name} ${p.path}`;

/**
 * Problems a stored document already has (none, unless rules got stricter since it was
 * written): a write is refused only for problems it adds. Kept per document object, so a write
 * validates one document, not two.
 */
const KNOWN = new WeakMap<NDocument, Set<string>>();
function knownProblems(doc: NDocument): Set<string> {
  let known = KNOWN.get(doc);
  if (!known) {
    known = new Set(validateDocument(doc).map(problemKey));
    KNOWN.set(doc, known);
  }
  return known;
}

function unprocessable(problems: Problem[], pathOf: (p: Problem) => string): SpillwayError {
  const details: ErrorDetail[] = problems.map((p) => ({ path: pathOf(p), message: p.message, code: p.code }));
  const first = problems[0] as Problem;
  return problemError(
    first.code,
    problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`,
    details,
  );
}

/** Unique-constraint races the lock cannot see (a row written outside the store) become 409s; a transaction that cannot start in time, 503. */
function translateDbError(err: unknown): unknown {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return err;
  // A raw statement's failure (P2010: the bulk inserts) names its kind as the driver adapter does.
  const raw = err.code === 'P2010' ? (err.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)?.cause?.kind : undefined;
  if (err.code === 'P2002' || raw === 'UniqueConstraintViolation') {
    return ApiErrors.conflict(`a unique value is already taken (${JSON.stringify(err.meta?.target ?? '')})`);
  }
  if (err.code === 'P2028') {
    return ApiErrors.busy('too many writes at once: the configuration transaction could not start in time; retry');
  }
  if (err.code === 'P2003' || raw === 'ForeignKeyConstraintViolation') {
    return ApiErrors.referenced('the object is still referenced');
  }
  return err;
}

// --- bulk writes ---------------------------------------------------------------------------------

type Column = readonly [name: string, sqlType: string];
const TS = 'timestamp(3)';
const COLUMNS = {
  service: [
    ['id', 'int'],
    ['name', 'text'],
    ['address', 'text'],
    ['port', 'int'],
    ['protocol', '"Protocol"'],
    ['capacity', 'int'],
    ['weight', 'int'],
    ['state', '"ServiceState"'],
    ['monitorThreshold', 'int'],
    ['maintenance', 'jsonb'],
    ['site', 'text'],
    ['proxyProtocol', '"ProxyProtocol"'],
    ['migrationPort', 'int'],
    ['migrationSecret', 'text'],
    ['version', 'int'],
    ['createdAt', TS],
    ['updatedAt', TS],
  ],
  vserver: [
    ['id', 'int'],
    ['name', 'text'],
    ['protocol', '"Protocol"'],
    ['listenPort', 'int'],
    ['listenHost', 'text'],
    ['lbMethod', '"LbMethod"'],
    ['type', '"VServerType"'],
    ['contentSwitch', 'jsonb'],
    ['selection', '"Selection"'],
    ['persistenceType', '"PersistenceType"'],
    ['persistenceTimeoutSeconds', 'int'],
    ['spilloverCombine', '"SpilloverCombine"'],
    ['spilloverAction', '"SpilloverAction"'],
    ['redirectUrl', 'text'],
    ['spilloverPersistenceTimeoutSeconds', 'int'],
    ['surgeQueueLength', 'int'],
    ['surgeQueueTimeoutMs', 'int'],
    ['timeoutMs', 'int'],
    ['headersTimeoutMs', 'int'],
    ['keepAliveTimeoutMs', 'int'],
    ['clientTimeoutMs', 'int'],
    ['siteBalancing', 'boolean'],
    ['maintenance', 'jsonb'],
    ['version', 'int'],
    ['createdAt', TS],
    ['updatedAt', TS],
  ],
  vserver_service: [
    ['vserverId', 'int'],
    ['serviceId', 'int'],
    ['weight', 'int'],
    ['version', 'int'],
    ['createdAt', TS],
    ['updatedAt', TS],
  ],
  service_monitor: [
    ['serviceId', 'int'],
    ['monitorId', 'int'],
    ['weight', 'int'],
    ['version', 'int'],
    ['createdAt', TS],
    ['updatedAt', TS],
  ],
  spillover_method: [
    ['vserverId', 'int'],
    ['position', 'int'],
    ['type', '"SpilloverMethodType"'],
    ['threshold', 'int'],
    ['thresholdKbps', 'int'],
    ['direction', '"BandwidthDirection"'],
    ['thresholdPercent', 'int'],
  ],
  event: [
    ['actor', 'text'],
    ['kind', 'text'],
    ['objectKind', 'text'],
    ['objectName', 'text'],
    ['beforeVersion', 'int'],
    ['afterVersion', 'int'],
    ['data', 'jsonb'],
  ],
} as const satisfies Record<string, readonly Column[]>;

/** A column's value as a query parameter (enums as text, JSON as its text, a time as ISO text). */
function sqlValue(v: unknown, sqlType: string): unknown {
  if (v === undefined || v === null || v === Prisma.DbNull) return null;
  if (v instanceof Date) return v.toISOString();
  if (sqlType === 'jsonb') return JSON.stringify(v);
  return v;
}

/**
 * One UPDATE of every column of a service or vserver row but its creation time: a raw statement,
 * since Prisma's update planned and interpreted its query on each call, most of a one-object
 * write's own CPU time.
 */
async function updateRow(tx: Tx, table: 'service' | 'vserver', id: number, row: Record<string, unknown>): Promise<void> {
  const cols = COLUMNS[table].filter(([c]) => c !== 'createdAt' && c !== 'id');
  const sets = cols.map(([c, t], i) => `"${c}" = $${i + 1}::${cast(t)}`);
  await tx.$executeRawUnsafe(`UPDATE "${table}" SET ${sets.join(', ')} WHERE id = $${cols.length + 1}`, ...cols.map(([c, t]) => sqlValue(row[c], t)), id);
}

/**
 * A column's values as one query parameter: the text of a Postgres array literal, so that neither
 * Prisma's query interpreter nor pg walks the elements one by one (for 100,000 rows that was most
 * of the bulk insert's time in this process); the array itself when a text value holds a character
 * that JSON escapes otherwise than an array literal reads it (only \" and \\ read the same).
 */
function arrayParam(values: unknown[], sqlType: string): unknown {
  if (sqlType === 'int' || sqlType === 'boolean') return `{${values.map((v) => (v === null ? 'NULL' : String(v as number | boolean))).join(',')}}`;
  const json = JSON.stringify(values);
  return /\\[^"\\]/.test(json) ? values : `{${json.slice(1, -1)}}`;
}

/** The SQL type a parameter of `sqlType` is read as: enums and JSON travel as text and are cast. */
const cast = (sqlType: string): string => (sqlType.startsWith('"') || sqlType === 'jsonb' ? `text::${sqlType}` : sqlType);

/**
 * One INSERT … SELECT FROM unnest(arrays) per table, whatever the number of rows (Prisma's
 * createMany binds every value on its own and was ~1 ms a row here): one array-literal parameter
 * per column, or one plain parameter for a column whose rows all hold the same value (the stamps,
 * the version, the actor).
 */
async function bulkInsert(tx: Tx, table: keyof typeof COLUMNS, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const cols: readonly Column[] = COLUMNS[table];
  // Each column's values in one pass over the rows, and whether they are all the same.
  const values = cols.map(([c]) => {
    const out = new Array<unknown>(rows.length);
    const v0 = (rows[0] as Record<string, unknown>)[c];
    let same = rows.length > 1;
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as Record<string, unknown>)[c];
      out[i] = v;
      if (v !== v0) same = false;
    }
    return { out, same };
  });
  if (values.every((v) => v.same)) (values[0] as { same: boolean }).same = false; // unnest needs one array
  const params: unknown[] = [];
  const arrays: string[] = [];
  const unnested: string[] = [];
  const select = cols.map(([c, t], i) => {
    const { out, same } = values[i] as { out: unknown[]; same: boolean };
    if (same) {
      params.push(sqlValue(out[0], t));
      return `$${params.length}::${cast(t)}`;
    }
    for (let j = 0; j < out.length; j++) out[j] = sqlValue(out[j], t);
    params.push(arrayParam(out, t));
    arrays.push(`$${params.length}::${t.startsWith('"') || t === 'jsonb' ? 'text' : t}[]`);
    unnested.push(`"${c}"`);
    return t.startsWith('"') || t === 'jsonb' ? `u."${c}"::${t}` : `u."${c}"`;
  });
  const names = cols.map(([c]) => `"${c}"`).join(', ');
  const insert = `INSERT INTO "${table}" (${names}) SELECT ${select.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${unnested.join(', ')})`;
  await tx.$executeRawUnsafe(insert, ...params);
}

/**
 * `n.service` and `n.vserver` new ids from the tables' sequences, in one statement (none when
 * both are 0), so that rows and bindings can be built and sent before their parents are inserted.
 */
async function reserveIds(tx: Tx, n: { service: number; vserver: number }): Promise<{ service: number[]; vserver: number[] }> {
  if (n.service === 0 && n.vserver === 0) return { service: [], vserver: [] };
  const [r] = await tx.$queryRaw<Array<{ s: string; v: string }>>`SELECT
    (SELECT coalesce(string_agg(nextval('"service_id_seq"')::text, ','), '') FROM generate_series(1, ${n.service}::int)) AS s,
    (SELECT coalesce(string_agg(nextval('"vserver_id_seq"')::text, ','), '') FROM generate_series(1, ${n.vserver}::int)) AS v`;
  const ids = (text: string | undefined): number[] => (text ? text.split(',').map(Number) : []);
  return { service: ids(r?.s), vserver: ids(r?.v) };
}

/**
 * Statements of one transaction sent without waiting for their results: its connection runs them
 * in order (db/prisma.ts), so later ones, awaited or not, see what earlier ones wrote. `settle()`
 * waits for them all and throws the first one's error (after a failure, the later statements only
 * report the aborted transaction).
 */
class Pipeline {
  private readonly sent: Array<Promise<void>> = [];

  /** Sends `statement` (begun by the call that made it); past 1,000 rows, yields a turn so that it leaves before the next rows are built. */
  async send(statement: Promise<void>, rows: number): Promise<void> {
    statement.catch(() => undefined); // seen by settle()
    this.sent.push(statement);
    if (rows > 1_000) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async settle(): Promise<void> {
    for (const statement of this.sent.splice(0)) await statement;
  }
}

/** Event rows in one statement (the hub's events: every agent's ACK of every write is one). */
export async function insertEvents(
  db: Tx,
  rows: ReadonlyArray<
    Omit<EventRow, 'beforeVersion' | 'afterVersion' | 'data'> & { beforeVersion?: number | null; afterVersion?: number | null; data?: unknown }
  >,
): Promise<void> {
  await bulkInsert(db, 'event', rows);
}

// --- executing a plan ----------------------------------------------------------------------------

interface EventRow {
  actor: string;
  kind: string;
  objectKind: string;
  objectName: string;
  beforeVersion: number | null;
  afterVersion: number | null;
  data: Prisma.InputJsonValue;
}

/**
 * Writes `plan`'s rows; its event rows go to `events` (the caller inserts them). New services and
 * vservers get their ids from their sequences first (one statement), so that each bulk insert is
 * sent without waiting for it (`pipe`) while the rows of the next one are built: Postgres inserts
 * the services while this process builds the vservers and bindings.
 */
async function applyPlan(
  tx: Tx,
  pipe: Pipeline,
  current: ConfigState,
  desired: NDocument,
  plan: Plan,
  configVersion: number,
  actor: string,
  events: EventRow[],
): Promise<ConfigState> {
  const now = new Date();
  const meta = LayeredMap.of(current.meta).draft();
  const plain = { configVersion };
  const event = (
    kind: string,
    objectKind: string,
    objectName: string,
    before: number | null,
    after: number | null,
    extra?: Record<string, Prisma.InputJsonValue>,
  ): void => {
    // One data object for every event without extra facts: the bulk insert then sends it once (a
    // column whose rows hold one value is one parameter), not 210,000 JSON texts parsed one by one.
    const data = extra === undefined ? plain : Object.assign({ configVersion }, extra);
    events.push({ actor, kind, objectKind, objectName, beforeVersion: before, afterVersion: after, data });
  };
  // Objects by name: a binary search each for a plan of a few changes, maps for a large one.
  const few = plan.changes.length <= 64;
  const want = {
    service: finder(desired, 'service', few),
    monitor: finder(desired, 'monitor', few),
    vserver: finder(desired, 'vserver', few),
    site: finder(desired, 'site', few),
  };
  const have = {
    service: finder(current.doc, 'service', few),
    monitor: finder(current.doc, 'monitor', few),
    vserver: finder(current.doc, 'vserver', few),
    site: finder(current.doc, 'site', few),
  };
  const changes = (kind: Kind, action: 'create' | 'update' | 'delete') => plan.changes.filter((c) => c.kind === kind && c.action === action);
  const idOf = (kind: Kind, name: string): number => {
    const m = meta.get(metaKey(kind, name));
    if (!m) throw new Error(`internal: no id for ${kind} ${name}`);
    return m.id;
  };

  const reserved = await reserveIds(tx, { service: changes('service', 'create').length, vserver: changes('vserver', 'create').length });

  /** Sites: a few rows, written one by one. */
  const upsertSites = async (): Promise<void> => {
    for (const c of changes('site', 'create')) {
      const r = await tx.site.create({ data: { ...siteData(want.site(c.name) as NSite), version: 1, createdAt: now, updatedAt: now } });
      meta.set(metaKey('site', c.name), { id: r.id, version: 1, createdAt: now, updatedAt: now });
      event('site.created', 'site', c.name, null, 1);
    }
    for (const c of changes('site', 'update')) {
      const key = metaKey('site', c.name);
      const before = meta.get(key) as Meta;
      await tx.site.update({ where: { id: before.id }, data: { ...siteData(want.site(c.name) as NSite), version: before.version + 1, updatedAt: now } });
      meta.set(key, { ...before, version: before.version + 1, updatedAt: now });
      event('site.updated', 'site', c.name, before.version, before.version + 1, { fields: c.fields ?? [] });
    }
  };
  const upsertKind = async (kind: Kind): Promise<void> => {
    if (kind === 'site') return upsertSites();
    const creates = changes(kind, 'create');
    if (creates.length > 0) {
      if (kind === 'monitor') {
        const data = creates.map((c) => Object.assign(monitorData(want.monitor(c.name) as NMonitor), { version: 1, createdAt: now, updatedAt: now }));
        await tx.monitor.createMany({ data });
        const ids = await tx.monitor.findMany({ where: { name: { in: creates.map((c) => c.name) } }, select: { id: true, name: true } });
        for (const r of ids) meta.set(metaKey(kind, r.name), { id: r.id, version: 1, createdAt: now, updatedAt: now });
      } else {
        const ids = reserved[kind];
        const data = creates.map((c, i) => {
          const o = want[kind](c.name) as NService & NVServer;
          const id = ids[i] as number;
          meta.set(metaKey(kind, c.name), { id, version: 1, createdAt: now, updatedAt: now });
          // Not `{ ...base, version, … }`: a spread followed by more properties takes V8's slow path
          // (~5 µs an object, most of a 100,000-service apply's own row building).
          return Object.assign(kind === 'service' ? serviceData(o) : vserverData(o), { id, version: 1, createdAt: now, updatedAt: now });
        });
        await pipe.send(bulkInsert(tx, kind, data), data.length);
      }
      for (const c of creates) event(`${kind}.created`, kind, c.name, null, 1);
    }
    for (const c of changes(kind, 'update')) {
      const key = metaKey(kind, c.name);
      const before = meta.get(key) as Meta;
      const o = want[kind](c.name) as NService & NMonitor & NVServer;
      const stamp = { version: before.version + 1, updatedAt: now };
      // One update per kind (monitors and vservers both have a `type`, of different enums).
      if (kind === 'service') await updateRow(tx, 'service', before.id, { ...serviceData(o), ...stamp });
      else if (kind === 'monitor') await tx.monitor.update({ where: { id: before.id }, data: { ...monitorData(o), ...stamp } });
      else await updateRow(tx, 'vserver', before.id, { ...vserverData(o), ...stamp });
      meta.set(key, { ...before, version: before.version + 1, updatedAt: now });
      event(`${kind}.updated`, kind, c.name, before.version, before.version + 1, { fields: c.fields ?? [] });
    }
  };

  // Rows created in bulk (one statement per table, whatever the size of the apply).
  const newVServerServices: Prisma.VServerServiceCreateManyInput[] = [];
  const newServiceMonitors: Prisma.ServiceMonitorCreateManyInput[] = [];
  const newMethods: Prisma.SpilloverMethodCreateManyInput[] = [];
  const methodsReplaced: number[] = [];
  const backups: Array<{ id: number; backupId: number | null }> = [];

  /** Creates (in bulk, later), updates and deletes binding rows of one parent so they match `next`. */
  const syncBindings = async (
    bkind: BindingKind,
    parent: string,
    prev: Array<{ name: string; weight?: number }>,
    next: Array<{ name: string; weight?: number }>,
  ): Promise<void> => {
    if (prev.length === 0 && next.length === 0) return;
    const prevBy = new Map(prev.map((b) => [b.name, b]));
    const nextBy = new Map(next.map((b) => [b.name, b]));
    const parentKind: Kind = bkind === 'vserver-service' ? 'vserver' : 'service';
    const childKind: Kind = bkind === 'vserver-service' ? 'service' : 'monitor';
    const parentId = idOf(parentKind, parent);
    const removed = prev.filter((b) => !nextBy.has(b.name));
    if (removed.length > 0) {
      const childIds = removed.map((b) => idOf(childKind, b.name));
      if (bkind === 'vserver-service') await tx.vServerService.deleteMany({ where: { vserverId: parentId, serviceId: { in: childIds } } });
      else await tx.serviceMonitor.deleteMany({ where: { serviceId: parentId, monitorId: { in: childIds } } });
      for (const b of removed) {
        const key = metaKey(bkind, `${parent}/${b.name}`);
        event(`${bkind}.deleted`, bkind, `${parent}/${b.name}`, meta.get(key)?.version ?? null, null);
        meta.delete(key);
      }
    }
    const added = next.filter((b) => !prevBy.has(b.name));
    if (added.length > 0) {
      if (bkind === 'vserver-service')
        newVServerServices.push(
          ...added.map((b) => ({
            vserverId: parentId,
            serviceId: idOf('service', b.name),
            weight: b.weight ?? null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          })),
        );
      else
        newServiceMonitors.push(
          ...added.map((b) => ({
            serviceId: parentId,
            monitorId: idOf('monitor', b.name),
            weight: b.weight ?? null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          })),
        );
      for (const b of added) {
        meta.set(metaKey(bkind, `${parent}/${b.name}`), { id: 0, version: 1, createdAt: now, updatedAt: now });
        event(`${bkind}.created`, bkind, `${parent}/${b.name}`, null, 1);
      }
    }
    for (const b of next) {
      const p = prevBy.get(b.name);
      if (!p || p.weight === b.weight) continue;
      const key = metaKey(bkind, `${parent}/${b.name}`);
      const before = meta.get(key) as Meta;
      const data = { weight: b.weight ?? null, version: before.version + 1, updatedAt: now };
      if (bkind === 'vserver-service')
        await tx.vServerService.update({ where: { vserverId_serviceId: { vserverId: parentId, serviceId: idOf('service', b.name) } }, data });
      else await tx.serviceMonitor.update({ where: { serviceId_monitorId: { serviceId: parentId, monitorId: idOf('monitor', b.name) } }, data });
      meta.set(key, { ...before, version: before.version + 1, updatedAt: now });
      event(`${bkind}.updated`, bkind, `${parent}/${b.name}`, before.version, before.version + 1);
    }
  };
  const touched = (kind: Kind) => [...changes(kind, 'create'), ...changes(kind, 'update')].map((c) => c.name);

  // Creates and updates, children before parents; backups once every vserver exists.
  await upsertKind('site');
  await upsertKind('monitor');
  await upsertKind('service');
  for (const name of touched('service')) {
    const next = (want.service(name) as NService).monitors.map((b) => ({ name: b.monitor, ...(b.weight === undefined ? {} : { weight: b.weight }) }));
    const prev = (have.service(name)?.monitors ?? []).map((b) => ({ name: b.monitor, ...(b.weight === undefined ? {} : { weight: b.weight }) }));
    await syncBindings('service-monitor', name, prev, next);
  }
  await pipe.send(bulkInsert(tx, 'service_monitor', newServiceMonitors), newServiceMonitors.length);
  // Listen ports are unique: free the ports of vservers that go away or move before any vserver
  // takes one (a port may pass from one vserver to another within one apply).
  const freed = plan.changes
    .filter((c) => c.kind === 'vserver' && (c.action === 'delete' || (c.action === 'update' && c.fields?.includes('listen'))))
    .map((c) => idOf('vserver', c.name));
  if (freed.length > 0) await tx.vServer.updateMany({ where: { id: { in: freed } }, data: { listenPort: null } });
  await upsertKind('vserver');
  for (const name of touched('vserver')) {
    const v = want.vserver(name) as NVServer;
    const old = have.vserver(name);
    const id = idOf('vserver', name);
    if (old ? old.spillover.backup !== v.spillover.backup : v.spillover.backup !== undefined) {
      backups.push({ id, backupId: v.spillover.backup === undefined ? null : idOf('vserver', v.spillover.backup) });
    }
    if (!old || !deepEqual(old.spillover.methods, v.spillover.methods)) {
      if (old) methodsReplaced.push(id);
      newMethods.push(
        ...v.spillover.methods.map((m, position) => ({
          vserverId: id,
          position,
          type: m.type,
          threshold: m.threshold ?? null,
          thresholdKbps: m.thresholdKbps ?? null,
          direction: m.direction ?? null,
          thresholdPercent: m.thresholdPercent ?? null,
        })),
      );
    }
    const next = v.services.map((b) => ({ name: b.service, ...(b.weight === undefined ? {} : { weight: b.weight }) }));
    const prev = (old?.services ?? []).map((b) => ({ name: b.service, ...(b.weight === undefined ? {} : { weight: b.weight }) }));
    await syncBindings('vserver-service', name, prev, next);
  }
  if (backups.length > 0) {
    await tx.$executeRaw`UPDATE vserver AS v SET "backupId" = x.b FROM (SELECT unnest(${backups.map((b) => b.id)}::int[]) AS id, unnest(${backups.map((b) => b.backupId)}::int[]) AS b) AS x WHERE v.id = x.id`;
  }
  if (methodsReplaced.length > 0) await tx.spilloverMethod.deleteMany({ where: { vserverId: { in: methodsReplaced } } });
  await pipe.send(bulkInsert(tx, 'spillover_method', newMethods), newMethods.length);
  await pipe.send(bulkInsert(tx, 'vserver_service', newVServerServices), newVServerServices.length);

  // Deletes, parents before children: vservers (their backup links first), services, monitors.
  const dropped = (kind: Kind) => changes(kind, 'delete').map((c) => c.name);
  const deleteKind = async (kind: Kind): Promise<void> => {
    const names = dropped(kind);
    if (names.length === 0) return;
    const ids = names.map((n) => idOf(kind, n));
    if (kind === 'vserver') {
      await tx.vServer.updateMany({ where: { id: { in: ids } }, data: { backupId: null } });
      await tx.vServer.deleteMany({ where: { id: { in: ids } } });
    } else if (kind === 'service') await tx.service.deleteMany({ where: { id: { in: ids } } });
    else if (kind === 'site') await tx.site.deleteMany({ where: { id: { in: ids } } });
    else await tx.monitor.deleteMany({ where: { id: { in: ids } } });
    for (const n of names) {
      const before = meta.get(metaKey(kind, n));
      event(`${kind}.deleted`, kind, n, before?.version ?? null, null);
      meta.delete(metaKey(kind, n));
      // The facts of its bindings go with it (the rows went with the object's).
      if (kind === 'vserver') for (const b of have.vserver(n)?.services ?? []) meta.delete(metaKey('vserver-service', `${n}/${b.service}`));
      if (kind === 'service') for (const b of have.service(n)?.monitors ?? []) meta.delete(metaKey('service-monitor', `${n}/${b.monitor}`));
    }
  };
  for (const kind of [...KINDS].reverse()) await deleteKind(kind);

  return { version: configVersion, doc: desired, meta: meta.done() };
}
