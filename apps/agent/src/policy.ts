// MINIMAL LOCAL VERSION of the core's thresholds/health/evaluatePolicy, kept until
// @spillway/core exports them. Connection methods become the vserver's quota limit; bandwidth
// and health are judged against the agent-wide signals the primary broadcasts.
import type { ServiceDoc, VServerDoc } from './config.js';

export interface BoundService { doc: ServiceDoc; weight: number; up: boolean }

const counted = (s: BoundService): boolean => s.doc.state === 'enabled';

/** 000 claim 1: the sum of the capacity of the bound services that are UP (and enabled). */
export function dynamicThreshold(bound: readonly BoundService[]): number {
  return bound.reduce((sum, s) => sum + (counted(s) && s.up ? s.doc.capacity : 0), 0);
}

/** 004 lines 1160-1175: weight of UP enabled services over weight of enabled services. */
export function healthPercent(bound: readonly BoundService[]): number {
  let total = 0;
  let up = 0;
  for (const s of bound) {
    if (!counted(s)) continue;
    total += s.weight;
    if (s.up) up += s.weight;
  }
  return total === 0 ? 0 : (100 * up) / total;
}

/** The connection limit of the vserver (min of its connection methods), or null when none. */
export function connectionLimit(vs: VServerDoc, bound: readonly BoundService[]): number | null {
  let limit: number | null = null;
  for (const m of vs.spillover.methods) {
    const v = m.type === 'connection' ? m.threshold : m.type === 'dynamicconnection' ? dynamicThreshold(bound) : null;
    if (v !== null) limit = limit === null ? v : Math.min(limit, v);
  }
  return limit;
}

export interface Signals { healthPercent: number; kbpsIn: number; kbpsOut: number }

/** Verdicts of the methods that are not connection counts; connection methods are left to quota. */
export function otherMethodsExceeded(vs: VServerDoc, s: Signals): boolean[] {
  const out: boolean[] = [];
  for (const m of vs.spillover.methods) {
    if (m.type === 'bandwidth') {
      const kbps = m.direction === 'in' ? s.kbpsIn : m.direction === 'out' ? s.kbpsOut : s.kbpsIn + s.kbpsOut;
      out.push(kbps >= m.thresholdKbps);
    } else if (m.type === 'health') {
      out.push(s.healthPercent < m.thresholdPercent);
    }
  }
  return out;
}

export const hasConnectionMethod = (vs: VServerDoc): boolean => vs.spillover.methods.some((m) => m.type === 'connection' || m.type === 'dynamicconnection');
