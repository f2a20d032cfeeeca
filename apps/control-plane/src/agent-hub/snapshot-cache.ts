// The one place where config versions live (after go-control-plane's snapshot cache, delta
// flavour): every resource (service, monitor, vserver) is versioned on its own, each new version
// is turned into a delta (the resources that changed, the names removed) checked for consistency
// once, on the delta alone (every reference of the resulting document resolves), and a log of
// recent deltas lets an agent that ACKed an older version get only what changed since. An
// inconsistent version is refused and the last good one keeps being served.
import {
  changeCount,
  checkConsistency,
  compose,
  emptyChanges,
  RESOURCE_KINDS,
  ResourceSet,
  type Changes,
  type ConfigDelta,
  type ConfigDocument,
  type ResourceKind,
} from '@spillway/protocol';
import { deepEqual } from '../services/normalize.js';
import { HubErrors, type ErrorDetail as HubErrorDetail } from '../errors.js';

export { checkConsistency, type Changes };

export interface ConfigSnapshot {
  version: string;
  config: ConfigDocument;
}

/** A version in the log: its place in the sequence and what it changed against the one before. */
interface LogEntry {
  seq: number;
  version: string;
  changes: Changes;
}

/** The log keeps at least this many versions, whatever their size. */
const MIN_LOG_VERSIONS = 64;

export interface SnapshotCacheOptions {
  /** Resource changes kept in the delta log (default: max(10,000, resources served)). */
  logChanges?: number;
}

export class SnapshotCache {
  private current: ConfigSnapshot | null = null;
  private readonly listeners = new Set<(s: ConfigSnapshot, changes: Changes) => void>();
  private readonly resources = new ResourceSet();
  /** Per resource: the version that last changed it. */
  private readonly resourceVersions: Record<ResourceKind, Map<string, string>> = { services: new Map(), monitors: new Map(), vservers: new Map() };
  private readonly log: LogEntry[] = [];
  private readonly seqOf = new Map<string, number>();
  private loggedChanges = 0;
  /** The entry the log dropped last (its version is the oldest base). */
  private dropped: LogEntry | null = null;
  private seq = 0;
  /** The delta of each base version to the current one, composed once (cleared by every new version). */
  private readonly composed = new Map<string, ConfigDelta | null>();
  /** The last snapshot refused, and why (null once a good one is set). */
  rejected: { version: string; details: HubErrorDetail[] } | null = null;

  constructor(private readonly opts: SnapshotCacheOptions = {}) {}

  get(): ConfigSnapshot | null {
    return this.current;
  }
  get version(): string | null {
    return this.current?.version ?? null;
  }
  /** The version that last changed a resource (null: not in the current version). */
  resourceVersion(kind: ResourceKind, name: string): string | null {
    return this.resourceVersions[kind].get(name) ?? null;
  }

  /**
   * Serves `snapshot` to every watcher with what it changed, unless it is inconsistent (throws
   * SPILLWAY_HUB_SNAPSHOT_INCONSISTENT). The changes are found by name: a resource that is the
   * very same object as before (REST writes keep unchanged objects) costs one lookup.
   */
  set(snapshot: ConfigSnapshot, hint?: Changes | null): void {
    if (this.current?.version === snapshot.version) return;
    const changes = hint ? this.confirmed(hint) : this.resources.diff(snapshot.config, deepEqual);
    // Checked on the changes; when something dangles, the whole document names each place.
    if (this.resources.problems(changes).length > 0) {
      const details = checkConsistency(snapshot.config);
      this.rejected = { version: snapshot.version, details };
      throw HubErrors.snapshotInconsistent(
        `snapshot ${snapshot.version} has ${details.length} dangling reference(s); still serving ${this.current?.version ?? 'nothing'}`,
        details,
      );
    }
    this.rejected = null;
    this.commit(snapshot, changes);
    for (const l of this.listeners) l(snapshot, changes);
  }

  /**
   * What an agent at `base` needs to reach the current version, composed from the log (once per
   * base and version); null when `base` is not in the log (too old, unknown, another process's
   * history) or the delta would be larger than half the document: then it gets the snapshot.
   */
  deltaSince(base: string): ConfigDelta | null {
    const cur = this.current;
    if (!cur || base === cur.version) return null;
    const hit = this.composed.get(base);
    if (hit !== undefined) return hit;
    const from = this.seqOf.get(base);
    let delta: ConfigDelta | null = null;
    if (from !== undefined) {
      // Sequence numbers are consecutive: the entries after `from` are a slice of the log.
      const entries = this.log.slice(Math.max(0, from + 1 - (this.log[0]?.seq ?? 0)));
      const c = compose(entries.map((e) => e.changes));
      if (changeCount(c) <= Math.max(16, this.resources.size / 2)) delta = { type: 'delta', version: cur.version, base, ...c };
    }
    this.composed.set(base, delta);
    return delta;
  }

  /**
   * The changes a writer names (what it upserted and removed since the current version, as
   * objects of the new document), less those that change nothing here: no walk of the document.
   */
  private confirmed(hint: Changes): Changes {
    const c = emptyChanges();
    for (const kind of RESOURCE_KINDS) {
      for (const doc of hint.upserted[kind]) {
        const before = this.resources.get(kind, doc.name);
        if (before !== doc && !(before !== undefined && deepEqual(before, doc))) (c.upserted[kind] as unknown[]).push(doc);
      }
      for (const name of hint.removed[kind]) if (this.resources.get(kind, name) !== undefined) c.removed[kind].push(name);
    }
    return c;
  }

  /** Called with each new snapshot and what it changed; returns the unsubscribe function. */
  watch(listener: (s: ConfigSnapshot, changes: Changes) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(snapshot: ConfigSnapshot, c: Changes): void {
    this.resources.apply(c);
    for (const kind of RESOURCE_KINDS) {
      for (const name of c.removed[kind]) this.resourceVersions[kind].delete(name);
      for (const doc of c.upserted[kind]) this.resourceVersions[kind].set(doc.name, snapshot.version);
    }
    // The log is the chain of versions served here, each a delta from the one before (a replica
    // that re-synced past versions it never served logs the jump as one delta).
    const seq = ++this.seq;
    this.seqOf.set(snapshot.version, seq);
    this.log.push({ seq, version: snapshot.version, changes: c });
    this.loggedChanges += changeCount(c);
    const max = this.opts.logChanges ?? Math.max(10_000, this.resources.size);
    while (this.log.length > MIN_LOG_VERSIONS && this.loggedChanges > max) {
      const old = this.log.shift()!;
      this.loggedChanges -= changeCount(old.changes);
      // The version before the oldest entry left (the one dropped) is still a base; the one before
      // that, the entry dropped last time, no longer is: one deletion, not a scan of every version
      // logged (11,000 at 1,000 / 10,000, per write once the log is full).
      const before = this.dropped;
      if (before && this.seqOf.get(before.version) === before.seq) this.seqOf.delete(before.version);
      this.dropped = old;
    }
    this.composed.clear();
    this.current = snapshot;
  }
}
