// Health of a vserver (004 lines 1095-1214, formula at 1160-1175).
import { isEnabled, type ServiceStatus } from './types.js';

/**
 * 100 × (weight of enabled services that are UP) / (weight of enabled services).
 * Disabled and maintenance services count in neither sum. Invariant: 0 ≤ result ≤ 100; with no
 * enabled weight at all the vserver has nothing to serve with, so its health is 0.
 */
export function healthPercent(services: readonly ServiceStatus[]): number {
  let total = 0;
  let up = 0;
  for (const s of services) {
    if (!isEnabled(s)) continue;
    total += s.weight;
    if (s.up) up += s.weight;
  }
  return total <= 0 ? 0 : (100 * up) / total;
}

/**
 * Health spillover: trips when health has fallen to or below the threshold (004 step 930:
 * "reached or fallen below"). Invariant: monotone — lower health never un-trips.
 */
export const healthTrips = (percent: number, thresholdPercent: number): boolean => percent <= thresholdPercent;
