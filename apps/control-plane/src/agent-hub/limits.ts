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

export function boundServices(config: ConfigDocument, vs: Doc, states: Record<string, 'UP' | 'DOWN'>): DerivationEntry[] {
  const byName = new Map(config.services.map((s) => [s.name as string, s]));
  const bindings = Array.isArray(vs.services) ? (vs.services as Doc[]) : [];
  return bindings.flatMap((b) => {
    const s = byName.get(b.service as string);
    if (!s) return [];
    const state = states[s.name as string] ?? 'UP';
    const enabled = (s.state ?? 'enabled') === 'enabled';
    return [{ service: s.name as string, capacity: num(s.capacity, 0), weight: num(b.weight, num(s.weight, 1)), state, enabled, counted: enabled && state === 'UP' }];
  });
}

export function vserverLimit(config: ConfigDocument, vsName: string, states: Record<string, 'UP' | 'DOWN'>): VServerLimit | null {
  const vs = config.vservers.find((v) => v.name === vsName);
  if (!vs) return null;
  const derivation = boundServices(config, vs, states);
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
