// The agent's documents as @spillway/core's inputs. Every decision (thresholds, health, policy
// methods) is core's; this module only maps a vserver's bindings to core's ServiceStatus list and
// splits a policy into what the quota enforces (connection methods) and what is judged per
// connection against agent-wide signals (bandwidth, health).
import { connectionLimit, evaluateMethod, isAvailable, type ServiceStatus, type SpilloverMethod } from '@spillway/core';
import type { ServiceDoc, VServerDoc } from './config.js';

const isConnection = (m: SpilloverMethod): boolean => m.type === 'connection' || m.type === 'dynamicconnection';

/** The services bound to `vs` with their binding weight and live health, in binding order. */
export function statusesOf(vs: VServerDoc, service: (name: string) => ServiceDoc | undefined, up: (name: string) => boolean): ServiceStatus[] {
  const out: ServiceStatus[] = [];
  for (const b of vs.services) {
    const s = service(b.service);
    if (s) out.push({ name: s.name, capacity: s.capacity, weight: b.weight ?? s.weight, state: s.state, up: up(s.name) });
  }
  return out;
}

/** A vserver can serve: one bound service is enabled and UP. */
export const usable = (statuses: readonly ServiceStatus[]): boolean => statuses.some(isAvailable);

export const hasConnectionMethod = (vs: VServerDoc): boolean => vs.spillover.methods.some(isConnection);

/**
 * The connection count the quota enforces: core's connectionLimit over the connection methods
 * (with `all`, the other methods are judged per connection and the count decides only once they
 * all tripped). Null when the vserver has no connection method.
 */
export function quotaLimit(vs: VServerDoc, statuses: readonly ServiceStatus[]): number | null {
  return connectionLimit({ methods: vs.spillover.methods.filter(isConnection), combine: vs.spillover.combine }, statuses);
}

/** Core's verdicts of the methods that are not connection counts (bandwidth, health), in order. */
export function otherMethodsTripped(vs: VServerDoc, statuses: readonly ServiceStatus[], kbps: { in: number; out: number }): boolean[] {
  const out: boolean[] = [];
  for (const m of vs.spillover.methods) {
    if (isConnection(m)) continue;
    out.push(evaluateMethod(m, { activeConnections: 0, services: statuses, kbps }).tripped);
  }
  return out;
}
