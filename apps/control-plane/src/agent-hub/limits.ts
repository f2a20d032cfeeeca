// A vserver's global connection limit and health from the config and the aggregate service
// states (000 claim 1; 004 lines 1160-1175). A service nobody monitors counts as UP, as agents do.
import {
  boundStatuses,
  deriveDynamicThreshold,
  healthPercent,
  methodConnectionThreshold,
  quotaLimit,
  type AdminState,
  type DerivationEntry,
  type LimitService,
  type ServiceStatus,
  type SpilloverMethod,
} from '@spillway/core';
import { DEFAULTS, type Changes, type ConfigDocument } from '@spillway/protocol';

type Doc = Record<string, unknown>;
export type { DerivationEntry };
export interface VServerLimit {
  /** The connection limit the agents share, or null when no connection method applies. */
  value: number | null;
  method: 'connection' | 'dynamicconnection' | null;
  derivation: DerivationEntry[];
  healthPercent: number;
}

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** The aggregate state of a service; null/undefined when nobody monitors it (counts as UP). */
export type StateOf = (service: string) => 'UP' | 'DOWN' | null | undefined;
/**
 * A service as feedback serves it (core's servedService: the agents' agent-check, then what its
 * backends pushed); undefined: as configured.
 */
export type EffectiveOf = (service: string) => Pick<LimitService, 'capacity' | 'weight' | 'state'> | undefined;

/** A service document as core's limit derivation reads it (missing fields: the contract's defaults). */
const asService = (s: Doc): LimitService => ({
  name: s.name as string,
  capacity: num(s.capacity, DEFAULTS.service.capacity),
  weight: num(s.weight, DEFAULTS.service.weight),
  state: (s.state ?? DEFAULTS.service.state) as AdminState,
});

/** The services bound to a vserver, with their aggregate state, as core's decisions take them (core's boundStatuses). */
export function boundServices(services: ReadonlyMap<string, Doc>, vs: Doc, stateOf: StateOf, effectiveOf?: EffectiveOf): ServiceStatus[] {
  const bindings = (Array.isArray(vs.services) ? (vs.services as Doc[]) : []).map((b) => ({
    service: b.service as string,
    weight: typeof b.weight === 'number' && Number.isFinite(b.weight) ? b.weight : null,
  }));
  return boundStatuses(
    { name: vs.name as string, services: bindings, spillover: { methods: [] } },
    (name) => {
      const s = services.get(name);
      if (!s) return undefined;
      // The effective capacity (maxconn), weight and state (drain, maint) feed the derivation as configured ones do.
      const e = effectiveOf?.(name);
      return e ? { name, capacity: e.capacity, weight: e.weight, state: e.state } : asService(s);
    },
    (name) => (stateOf(name) ?? 'UP') === 'UP',
  );
}

/**
 * One config version indexed once: services and vservers by name, and the vservers bound to each
 * service (in config order), so a service's state change recomputes only the vservers it feeds.
 */
export class LimitIndex {
  private readonly services: Map<string, Doc>;
  private readonly vservers = new Map<string, Doc>();
  private readonly byService = new Map<string, string[]>();

  constructor(config: ConfigDocument) {
    this.services = new Map(config.services.map((s) => [s.name, s]));
    for (const vs of config.vservers) {
      const name = vs.name;
      // The first vserver of a name wins, as a lookup by name would find it.
      if (this.vservers.has(name)) continue;
      this.vservers.set(name, vs);
      const bindings = Array.isArray(vs.services) ? (vs.services as Doc[]) : [];
      for (const b of bindings) {
        const list = this.byService.get(b.service as string);
        if (!list) this.byService.set(b.service as string, [name]);
        else if (list[list.length - 1] !== name) list.push(name);
      }
    }
  }

  /**
   * Makes this the index of the config `c` leads to, in time proportional to `c` (a write of one
   * object; the hub rebuilds the index for a large change). Names of created vservers come last.
   */
  update(c: Changes): void {
    for (const name of c.removed.services) this.services.delete(name);
    for (const s of c.upserted.services) this.services.set(s.name, s);
    for (const name of c.removed.vservers) {
      this.unbind(name);
      this.vservers.delete(name);
    }
    for (const vs of c.upserted.vservers as unknown as Doc[]) {
      const name = vs.name as string;
      this.unbind(name);
      this.vservers.set(name, vs);
      for (const b of Array.isArray(vs.services) ? (vs.services as Doc[]) : []) {
        const list = this.byService.get(b.service as string);
        if (!list) this.byService.set(b.service as string, [name]);
        else if (!list.includes(name)) list.push(name);
      }
    }
  }

  private unbind(vserver: string): void {
    const old = this.vservers.get(vserver);
    for (const b of Array.isArray(old?.services) ? (old.services as Doc[]) : []) {
      const list = this.byService.get(b.service as string);
      if (!list) continue;
      const left = list.filter((n) => n !== vserver);
      if (left.length > 0) this.byService.set(b.service as string, left);
      else this.byService.delete(b.service as string);
    }
  }

  /** Vserver names, in config order. */
  names(): IterableIterator<string> {
    return this.vservers.keys();
  }
  has(vserver: string): boolean {
    return this.vservers.has(vserver);
  }
  /** The vservers bound to `service` (each once, in config order). */
  boundTo(service: string): readonly string[] {
    return this.byService.get(service) ?? [];
  }

  limit(vsName: string, stateOf: StateOf, effectiveOf?: EffectiveOf): VServerLimit | null {
    const vs = this.vservers.get(vsName);
    return vs ? limitOf(this.services, vs, stateOf, effectiveOf) : null;
  }

  /** A service of the indexed config as configured (capacity, weight, state). */
  configured(name: string): LimitService | undefined {
    const s = this.services.get(name);
    return s ? asService(s) : undefined;
  }
}

/** One vserver's limit, indexing the config on the way (a hub keeps a LimitIndex per version instead). */
export function vserverLimit(config: ConfigDocument, vsName: string, states: Record<string, 'UP' | 'DOWN'>): VServerLimit | null {
  return new LimitIndex(config).limit(vsName, (s) => states[s]);
}

function limitOf(services: ReadonlyMap<string, Doc>, vs: Doc, stateOf: StateOf, effectiveOf?: EffectiveOf): VServerLimit {
  const bound = boundServices(services, vs, stateOf, effectiveOf);
  const { derivation } = deriveDynamicThreshold(bound);
  const health = Math.round(100 * healthPercent(bound)) / 100;
  const spill = (vs.spillover ?? {}) as Doc;
  const methods = (Array.isArray(spill.methods) ? (spill.methods as Doc[]) : []).map(
    (m) => (m.type === 'connection' ? { ...m, threshold: num(m.threshold, 0) } : m) as SpilloverMethod,
  );
  // The count the agents' quota enforces (with `all` and other methods too: counted, the others decide when it binds).
  const value = quotaLimit({ methods, combine: spill.combine === 'all' ? 'all' : 'any' }, bound);
  // The method that sets the limit: the first connection method whose threshold is the limit.
  const setBy =
    value === null
      ? undefined
      : methods.find((m) => (m.type === 'connection' || m.type === 'dynamicconnection') && methodConnectionThreshold(m, bound) === value);
  return { value, method: (setBy?.type ?? null) as VServerLimit['method'], derivation, healthPercent: health };
}
