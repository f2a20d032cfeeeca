// The limit of each vserver from its methods and the live state of its services (000 claim 1,
// steps b-e): one derivation for the agent (what its quota enforces) and the control plane (what
// its agents share). `LiveServices` keeps every vserver's bound services with their health in
// place, indexed by service, so a service's state change re-derives only the vservers it feeds.
import { quotaLimit, type SpilloverPolicy } from './policy.js';
import type { AdminState, ServiceStatus } from './types.js';

/** A service as configured (API-SHAPE.md names). */
export interface LimitService {
  name: string;
  capacity: number;
  weight: number;
  state: AdminState;
}

/** A vserver as the limit sees it: its bindings (a binding's weight overrides the service's) and its policy. */
export interface LimitVServer {
  name: string;
  services: readonly { service: string; weight?: number | null }[];
  spillover: SpilloverPolicy;
}

/**
 * The services bound to `vs`, in binding order, with the binding's weight and the live health
 * `up(name)`; bindings to unknown services are left out.
 */
export function boundStatuses(vs: LimitVServer, service: (name: string) => LimitService | undefined, up: (name: string) => boolean): ServiceStatus[] {
  const out: ServiceStatus[] = [];
  for (const b of vs.services) {
    const s = service(b.service);
    if (s) out.push({ name: s.name, capacity: s.capacity, weight: b.weight ?? s.weight, state: s.state, up: up(s.name) });
  }
  return out;
}

const NONE: readonly ServiceStatus[] = Object.freeze([]);

/**
 * One configuration's vservers with their bound services' live health. `statuses(vs)` is the
 * same array for the life of the index, updated in place by `setUp` (hold it, do not copy it).
 * Invariant: statuses(vs)[i].up = the last `up` given for that service (initially `up(name)`);
 * `setUp(s)` touches, and returns, only the vservers bound to `s` — O(bindings of s).
 */
export class LiveServices<V extends LimitVServer = LimitVServer> {
  private readonly vservers = new Map<string, V>();
  private readonly statusesBy = new Map<string, ServiceStatus[]>();
  /** Per service: its status objects (one per binding) and the vservers they belong to (each once). */
  private readonly byService = new Map<string, { statuses: ServiceStatus[]; vservers: string[] }>();
  /** The vserver each status object belongs to. */
  private readonly ownerOf = new WeakMap<ServiceStatus, string>();

  constructor(vservers: Iterable<V>, services: Iterable<LimitService>, up: (service: string) => boolean) {
    const svc = new Map<string, LimitService>();
    for (const s of services) if (!svc.has(s.name)) svc.set(s.name, s);
    for (const v of vservers) {
      // The first vserver of a name wins, as a lookup by name would find it.
      if (this.vservers.has(v.name)) continue;
      this.vservers.set(v.name, v);
      const list = boundStatuses(v, (n) => svc.get(n), up);
      this.statusesBy.set(v.name, list);
      for (const st of list) {
        this.ownerOf.set(st, v.name);
        let e = this.byService.get(st.name);
        if (!e) {
          e = { statuses: [], vservers: [] };
          this.byService.set(st.name, e);
        }
        e.statuses.push(st);
        if (e.vservers[e.vservers.length - 1] !== v.name) e.vservers.push(v.name);
      }
    }
  }

  vserver(name: string): V | undefined {
    return this.vservers.get(name);
  }

  /**
   * Re-reads the vservers `names` (a configuration change reached them: their own document, or a
   * service they bind): `vserver(n)` undefined removes it. Each one re-read gets a new statuses
   * array; the others keep theirs. O(their bindings and the other bindings of those services).
   */
  update(
    names: Iterable<string>,
    vserver: (name: string) => V | undefined,
    service: (name: string) => LimitService | undefined,
    up: (service: string) => boolean,
  ): void {
    // The old statuses of those vservers leave their services' lists, each list filtered once.
    const list = [...names];
    const gone = new Set(list);
    const services = new Set<string>();
    for (const name of list) for (const st of this.statusesBy.get(name) ?? []) services.add(st.name);
    for (const s of services) {
      const e = this.byService.get(s)!;
      e.statuses = e.statuses.filter((x) => !gone.has(this.ownerOf.get(x) ?? ''));
      e.vservers = e.vservers.filter((n) => !gone.has(n));
      if (e.statuses.length === 0) this.byService.delete(s);
    }
    for (const name of list) {
      this.statusesBy.delete(name);
      const v = vserver(name);
      if (!v) {
        this.vservers.delete(name);
        continue;
      }
      this.vservers.set(name, v);
      const bound = boundStatuses(v, service, up);
      this.statusesBy.set(name, bound);
      for (const st of bound) {
        this.ownerOf.set(st, name);
        let e = this.byService.get(st.name);
        if (!e) {
          e = { statuses: [], vservers: [] };
          this.byService.set(st.name, e);
        }
        e.statuses.push(st);
        if (e.vservers[e.vservers.length - 1] !== name) e.vservers.push(name);
      }
    }
  }

  /** Vserver names, in configuration order. */
  names(): IterableIterator<string> {
    return this.vservers.keys();
  }

  /** The bound services of `vs` with their live health (empty for an unknown vserver). */
  statuses(vs: string): readonly ServiceStatus[] {
    return this.statusesBy.get(vs) ?? NONE;
  }

  /** The vservers bound to `service`, each once, in configuration order. */
  boundTo(service: string): readonly string[] {
    return this.byService.get(service)?.vservers ?? [];
  }

  /** Records a service's health; returns the vservers whose state changed (none when it did not). */
  setUp(service: string, up: boolean): readonly string[] {
    const e = this.byService.get(service);
    if (!e || e.statuses[0]!.up === up) return [];
    for (const s of e.statuses) s.up = up;
    return e.vservers;
  }

  /** The connection count a quota enforces for `vs` now; null without a connection method or for an unknown vserver. */
  limit(vs: string): number | null {
    const v = this.vservers.get(vs);
    return v ? quotaLimit(v.spillover, this.statuses(vs)) : null;
  }
}
