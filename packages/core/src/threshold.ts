// Connection thresholds of a vserver (000 claim 1; 004 lines 877-938).
import { isAvailable, type ServiceStatus } from './types.js';

/** One line of the status document's `threshold.derivation` (API-SHAPE.md). */
export interface DerivationEntry {
  service: string;
  capacity: number;
  weight: number;
  state: 'UP' | 'DOWN';
  enabled: boolean;
  /** True when the service's capacity is part of the dynamic threshold (enabled and UP). */
  counted: boolean;
}

/** A threshold and how it was reached. Invariant: `value` = Σ capacity of the counted entries. */
export interface ThresholdDerivation {
  value: number;
  derivation: DerivationEntry[];
}

/**
 * 000 claim 1, steps b-e: the sum of the connection capacity of the bound services that are UP
 * and enabled. A service going DOWN (or disabled) removes its capacity; coming back adds it.
 * Invariant: 0 ≤ result ≤ Σ capacity of all services; equal to `deriveDynamicThreshold(s).value`.
 */
export function dynamicThreshold(services: readonly ServiceStatus[]): number {
  let sum = 0;
  for (const s of services) if (isAvailable(s)) sum += s.capacity;
  return sum;
}

/** The dynamic threshold with one derivation entry per bound service, in binding order. */
export function deriveDynamicThreshold(services: readonly ServiceStatus[]): ThresholdDerivation {
  let value = 0;
  const derivation = services.map((s): DerivationEntry => {
    const counted = isAvailable(s);
    if (counted) value += s.capacity;
    return { service: s.name, capacity: s.capacity, weight: s.weight, state: s.up ? 'UP' : 'DOWN', enabled: s.state === 'enabled', counted };
  });
  return { value, derivation };
}

/**
 * A static `connection` threshold as configured. Invariant: a non-negative integer; anything else
 * (negative, fractional, NaN) is a configuration error and throws a RangeError.
 */
export function staticThreshold(threshold: number): number {
  if (!Number.isInteger(threshold) || threshold < 0) throw new RangeError(`connection threshold must be an integer ≥ 0, got ${threshold}`);
  return threshold;
}

/**
 * The connection limit reached: a new connection is refused by a vserver whose active count has
 * reached its threshold (the next one would exceed it, which 000 claim 1 step f spills).
 */
export const connectionsExhausted = (active: number, threshold: number): boolean => active >= threshold;
