// A vserver's global connection limit and health from the config and the aggregate service
// states (000 claim 1; 004 lines 1160-1175). A service nobody monitors counts as UP, as agents do.
import type { ConfigDocument } from '@spillway/protocol';

type Doc = Record<string, unknown>;
export interface DerivationEntry { service: string; capacity: number; weight: number; state: 'UP' | 'DOWN'; enabled: boolean; counted: boolean }
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

export function boundServices(services: ReadonlyMap<string, Doc>, vs: Doc, stateOf: StateOf): DerivationEntry[] {
  const bindings = Array.isArray(vs.services) ? (vs.services as Doc[]) : [];
  return bindings.flatMap((b) => {
    const s = services.get(b.service as string);
    if (!s) return [];
    const state = stateOf(s.name as string) ?? 'UP';
    const enabled = (s.state ?? 'enabled') === 'enabled';
    return [{ service: s.name as string, capacity: num(s.capacity, 0), weight: num(b.weight, num(s.weight, 1)), state, enabled, counted: enabled && state === 'UP' }];
  });
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
    this.services = new Map(config.services.map((s) => [s.name as string, s]));
    for (const vs of config.vservers) {
      const name = vs.name as string;
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

  /** Vserver names, in config order. */
  names(): IterableIterator<string> { return this.vservers.keys(); }
  has(vserver: string): boolean { return this.vservers.has(vserver); }
  /** The vservers bound to `service` (each once, in config order). */
  boundTo(service: string): readonly string[] { return this.byService.get(service) ?? []; }

  limit(vsName: string, stateOf: StateOf): VServerLimit | null {
    const vs = this.vservers.get(vsName);
    return vs ? limitOf(this.services, vs, stateOf) : null;
  }
}

/** One vserver's limit, indexing the config on the way (a hub keeps a LimitIndex per version instead). */
export function vserverLimit(config: ConfigDocument, vsName: string, states: Record<string, 'UP' | 'DOWN'>): VServerLimit | null {
  return new LimitIndex(config).limit(vsName, (s) => states[s]);
}

function limitOf(services: ReadonlyMap<string, Doc>, vs: Doc, stateOf: StateOf): VServerLimit {
  const derivation = boundServices(services, vs, stateOf);
  const dynamic = derivation.reduce((sum, s) => sum + (s.counted ? s.capacity : 0), 0);
  let total = 0;
  let upWeight = 0;
  for (const s of derivation) if (s.enabled) { total += s.weight; if (s.state === 'UP') upWeight += s.weight; }
  const healthPercent = total === 0 ? 0 : Math.round((10_000 * upWeight) / total) / 100;
  const spill = (vs.spillover ?? {}) as Doc;
  const methods = Array.isArray(spill.methods) ? (spill.methods as Doc[]) : [];
  const connectionMethods = methods.filter((m) => m.type === 'connection' || m.type === 'dynamicconnection');
  // With combine "all" a connection count alone never decides, so it cannot be a hard global cap.
  if (connectionMethods.length === 0 || (spill.combine === 'all' && connectionMethods.length < methods.length)) {
    return { value: null, method: null, derivation, healthPercent };
  }
  let value: number | null = null;
  let method: VServerLimit['method'] = null;
  for (const m of connectionMethods) {
    const v = m.type === 'connection' ? num(m.threshold, 0) : dynamic;
    const better = value === null || (spill.combine === 'all' ? v > value : v < value);
    if (better) { value = v; method = m.type as VServerLimit['method']; }
  }
  return { value, method, derivation, healthPercent };
}
