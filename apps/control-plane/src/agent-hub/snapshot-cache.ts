// The one place where config versions live (after go-control-plane's snapshot cache): a snapshot
// is checked for consistency (every reference resolves) before it is served; an inconsistent
// one is refused and the last good snapshot keeps being served.
import type { ConfigDocument } from '@spillway/protocol';
import { HubError, type HubErrorDetail } from './errors.js';

export interface ConfigSnapshot {
  version: string;
  config: ConfigDocument;
}

type Doc = Record<string, unknown>;
const names = (list: Doc[]): Set<string> => new Set(list.map((x) => x.name).filter((n): n is string => typeof n === 'string'));
const arr = (v: unknown): Doc[] => (Array.isArray(v) ? (v as Doc[]) : []);

/** Every dangling reference of a document: bindings to services and monitors, backup vservers. */
export function checkConsistency(config: ConfigDocument): HubErrorDetail[] {
  const problems: HubErrorDetail[] = [];
  const services = names(config.services);
  const monitors = names(config.monitors);
  const vservers = names(config.vservers);
  config.services.forEach((s, i) =>
    arr(s.monitors).forEach((b, j) => {
      if (!monitors.has(b.monitor as string)) problems.push({ path: `/services/${i}/monitors/${j}/monitor`, message: `no monitor named ${String(b.monitor)}` });
    }),
  );
  config.vservers.forEach((v, i) => {
    arr(v.services).forEach((b, j) => {
      if (!services.has(b.service as string)) problems.push({ path: `/vservers/${i}/services/${j}/service`, message: `no service named ${String(b.service)}` });
    });
    const backup = (v.spillover as Doc | undefined)?.backup;
    if (typeof backup === 'string' && !vservers.has(backup)) problems.push({ path: `/vservers/${i}/spillover/backup`, message: `no vserver named ${backup}` });
  });
  return problems;
}

export class SnapshotCache {
  private current: ConfigSnapshot | null = null;
  private readonly listeners = new Set<(s: ConfigSnapshot) => void>();
  /** The last snapshot refused, and why (null once a good one is set). */
  rejected: { version: string; details: HubErrorDetail[] } | null = null;

  get(): ConfigSnapshot | null {
    return this.current;
  }
  get version(): string | null {
    return this.current?.version ?? null;
  }

  /** Serves `snapshot` to every watcher, unless it is inconsistent (throws SPILLWAY_HUB_SNAPSHOT_INCONSISTENT). */
  set(snapshot: ConfigSnapshot): void {
    const details = checkConsistency(snapshot.config);
    if (details.length > 0) {
      this.rejected = { version: snapshot.version, details };
      throw new HubError(
        'SPILLWAY_HUB_SNAPSHOT_INCONSISTENT',
        `snapshot ${snapshot.version} has ${details.length} dangling reference(s); still serving ${this.current?.version ?? 'nothing'}`,
        details,
      );
    }
    if (this.current?.version === snapshot.version) return;
    this.rejected = null;
    this.current = snapshot;
    for (const l of this.listeners) l(snapshot);
  }

  /** Called with each new snapshot; returns the unsubscribe function. */
  watch(listener: (s: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
