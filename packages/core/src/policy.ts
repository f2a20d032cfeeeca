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

const isConnectionMethod = (m: SpilloverMethod): m is Extract<SpilloverMethod, { type: 'connection' | 'dynamicconnection' }> =>
  m.type === 'connection' || m.type === 'dynamicconnection';

/** The threshold of a connection method: static, or the dynamic sum of UP capacities. */
export function methodConnectionThreshold(
  m: Extract<SpilloverMethod, { type: 'connection' | 'dynamicconnection' }>,
  services: readonly ServiceStatus[],
): number {
  return m.type === 'connection' ? staticThreshold(m.threshold) : dynamicThreshold(services);
}

/**
 * The connection limit of a policy, for quota pools. With `any`, the smallest connection
 * threshold (any one reached spills). With `all` and only connection methods, the largest (all
 * must be reached). With `all` and other methods too, null: a connection count alone never
 * decides, so it is no hard cap. Null also when the policy has no connection method.
 */
export function connectionLimit(policy: SpilloverPolicy, services: readonly ServiceStatus[]): number | null {
  const conn = policy.methods.filter(isConnectionMethod);
  if (conn.length === 0) return null;
  const all = policy.combine === 'all';
  if (all && conn.length < policy.methods.length) return null;
  let limit: number | null = null;
  for (const m of conn) {
    const v = methodConnectionThreshold(m, services);
    limit = limit === null ? v : all ? Math.max(limit, v) : Math.min(limit, v);
  }
  return limit;
}

/** Judges one method against live state. */
export function evaluateMethod(m: SpilloverMethod, state: LiveState): MethodResult {
  switch (m.type) {
    case 'connection':
    case 'dynamicconnection': {
      const threshold = methodConnectionThreshold(m, state.services);
      return { type: m.type, tripped: connectionsExhausted(state.activeConnections, threshold), value: state.activeConnections, threshold };
    }
    case 'bandwidth': {
      const value = directional(state.kbps ?? { in: 0, out: 0 }, m.direction);
      return { type: m.type, tripped: bandwidthTrips(value, m.thresholdKbps), value, threshold: m.thresholdKbps };
    }
    case 'health': {
      const value = state.healthPercent ?? healthPercent(state.services);
      return { type: m.type, tripped: healthTrips(value, m.thresholdPercent), value, threshold: m.thresholdPercent };
    }
  }
}

/** Evaluates every method of the policy and combines them with `any` (default) or `all`. */
export function evaluatePolicy(policy: SpilloverPolicy, state: LiveState): PolicyVerdict {
  const methods = policy.methods.map((m) => evaluateMethod(m, state));
  const tripped = methods.length > 0 && (policy.combine === 'all' ? methods.every((r) => r.tripped) : methods.some((r) => r.tripped));
  return { tripped, limit: connectionLimit(policy, state.services), methods };
}
