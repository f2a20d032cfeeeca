// A vserver's spillover policy evaluated against live state (004 lines 877-1214; combined
// methods per 004 lines 1025-1030).
import { healthPercent, healthTrips } from './health.js';
import { bandwidthTrips, directional } from './rate-meter.js';
import { connectionsExhausted, dynamicThreshold, staticThreshold } from './threshold.js';
import type { Direction, ServiceStatus } from './types.js';

/** One spillover method (API-SHAPE.md `spillover.methods[]`). */
export type SpilloverMethod =
  | { type: 'connection'; threshold: number }
  | { type: 'dynamicconnection' }
  | { type: 'bandwidth'; thresholdKbps: number; direction: Direction }
  | { type: 'health'; thresholdPercent: number };

/** The methods of a vserver and how they combine (`any` by default). No methods: never trips. */
export interface SpilloverPolicy {
  methods: readonly SpilloverMethod[];
  combine?: 'any' | 'all';
}

/** What a policy is judged against. */
export interface LiveState {
  /** Active connections of the vserver (global or local, as the caller enforces). */
  activeConnections: number;
  services: readonly ServiceStatus[];
  /** Measured bandwidth in kilobits per second (default 0 both ways). */
  kbps?: { in: number; out: number };
  /** Overrides the health computed from `services` (e.g. an aggregate across agents). */
  healthPercent?: number;
  /**
   * The part of each bandwidth threshold this engine's agent may use, 0..1 (default 1, the whole):
   * the control plane splits a vserver's bandwidth budget across its agents (`rateShares`), so
   * the threshold holds for the sum of their traffic.
   */
  bandwidthShare?: number;
}

/** The verdict of one method. `value` is what was measured, `threshold` what it was held against. */
export interface MethodResult {
  type: SpilloverMethod['type'];
  tripped: boolean;
  value: number;
  threshold: number;
}

/**
 * Invariant: `tripped` = any/all of `methods[].tripped` (false when there are none); `limit` is
 * the connection count a quota can enforce for this policy, or null when no connection method
 * decides on its own (see `connectionLimit`).
 */
export interface PolicyVerdict {
  tripped: boolean;
  limit: number | null;
  methods: MethodResult[];
}

export const isConnectionMethod = (m: SpilloverMethod): m is Extract<SpilloverMethod, { type: 'connection' | 'dynamicconnection' }> =>
  m.type === 'connection' || m.type === 'dynamicconnection';

/** The threshold of a connection method: static, or the dynamic sum of UP capacities. */
export function methodConnectionThreshold(
  m: Extract<SpilloverMethod, { type: 'connection' | 'dynamicconnection' }>,
  services: readonly ServiceStatus[],
): number {
  return m.type === 'connection' ? staticThreshold(m.threshold) : dynamicThreshold(services);
}

/**
 * The connection count a quota enforces for a policy: its connection methods combined, with
 * `any` the smallest threshold (any one reached spills), with `all` the largest (all must be
 * reached); null when the policy has no connection method. With `all` and other methods too, the
 * count decides only once those have all tripped: until then connections are served above it
 * (and counted), so it is the count a quota tracks but no hard cap (see `connectionLimit`).
 * Invariant: null ⇔ no connection method; otherwise min/max of `methodConnectionThreshold`.
 */
export function quotaLimit(policy: SpilloverPolicy, services: readonly ServiceStatus[]): number | null {
  const all = policy.combine === 'all';
  let limit: number | null = null;
  for (const m of policy.methods) {
    if (!isConnectionMethod(m)) continue;
    const v = methodConnectionThreshold(m, services);
    limit = limit === null ? v : all ? Math.max(limit, v) : Math.min(limit, v);
  }
  return limit;
}

/** True when the policy has a method other than a connection count (bandwidth, health). */
export const hasOtherMethod = (policy: SpilloverPolicy): boolean => policy.methods.some((m) => !isConnectionMethod(m));

/**
 * The connection limit of a policy that is a hard cap: `quotaLimit`, except with `all` and
 * other methods too, where a connection count alone never decides (null). Null also when the
 * policy has no connection method.
 */
export function connectionLimit(policy: SpilloverPolicy, services: readonly ServiceStatus[]): number | null {
  if (policy.combine === 'all' && hasOtherMethod(policy)) return null;
  return quotaLimit(policy, services);
}

/**
 * Whether a method other than a connection count trips on `state` (what `evaluateMethod` says of
 * it, without building its result: the admission pipeline runs this for every new connection).
 */
export function otherMethodTrips(m: Exclude<SpilloverMethod, { type: 'connection' | 'dynamicconnection' }>, state: LiveState): boolean {
  if (m.type === 'bandwidth') return bandwidthTrips(directional(state.kbps ?? NO_KBPS, m.direction), bandwidthThreshold(m, state));
  return healthTrips(state.healthPercent ?? healthPercent(state.services), m.thresholdPercent);
}

const NO_KBPS = { in: 0, out: 0 };

/** The bandwidth threshold held on `state`: the method's, times the agent's share of it. */
const bandwidthThreshold = (m: { thresholdKbps: number }, state: LiveState): number => m.thresholdKbps * (state.bandwidthShare ?? 1);

/** Judges one method against live state. */
export function evaluateMethod(m: SpilloverMethod, state: LiveState): MethodResult {
  switch (m.type) {
    case 'connection':
    case 'dynamicconnection': {
      const threshold = methodConnectionThreshold(m, state.services);
      return { type: m.type, tripped: connectionsExhausted(state.activeConnections, threshold), value: state.activeConnections, threshold };
    }
    case 'bandwidth': {
      const value = directional(state.kbps ?? NO_KBPS, m.direction);
      return { type: m.type, tripped: otherMethodTrips(m, state), value, threshold: bandwidthThreshold(m, state) };
    }
    case 'health': {
      const value = state.healthPercent ?? healthPercent(state.services);
      return { type: m.type, tripped: otherMethodTrips(m, state), value, threshold: m.thresholdPercent };
    }
  }
}

/** Evaluates every method of the policy and combines them with `any` (default) or `all`. */
export function evaluatePolicy(policy: SpilloverPolicy, state: LiveState): PolicyVerdict {
  const methods = policy.methods.map((m) => evaluateMethod(m, state));
  const tripped = methods.length > 0 && (policy.combine === 'all' ? methods.every((r) => r.tripped) : methods.some((r) => r.tripped));
  return { tripped, limit: connectionLimit(policy, state.services), methods };
}
