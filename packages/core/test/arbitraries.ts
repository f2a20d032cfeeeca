// fast-check arbitraries shared by the property tests: spillover methods and bound services.
import fc from 'fast-check';
import type { ServiceStatus, SpilloverMethod } from '../src/index.js';

/** Throws naming the invariant when `ok` is false (fast-check reports the shrunk case). */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/** Any spillover method; a static connection threshold up to `maxThreshold`. */
export const spilloverMethod = (maxThreshold: number): fc.Arbitrary<SpilloverMethod> =>
  fc.oneof(
    fc.integer({ min: 0, max: maxThreshold }).map((threshold) => ({ type: 'connection' as const, threshold })),
    fc.constant({ type: 'dynamicconnection' as const }),
    fc.record({
      type: fc.constant('bandwidth' as const),
      thresholdKbps: fc.integer({ min: 0, max: 100 }),
      direction: fc.constantFrom('in' as const, 'out' as const, 'both' as const),
    }),
    fc.record({ type: fc.constant('health' as const), thresholdPercent: fc.integer({ min: 0, max: 100 }) }),
  );

/** A bound service of three names, capacity up to `maxCapacity`, mostly enabled, UP or DOWN. */
export const serviceStatus = (maxCapacity: number): fc.Arbitrary<ServiceStatus> =>
  fc.record({
    name: fc.constantFrom('s1', 's2', 's3'),
    capacity: fc.integer({ min: 0, max: maxCapacity }),
    weight: fc.integer({ min: 1, max: 5 }),
    state: fc.constantFrom('enabled' as const, 'enabled' as const, 'disabled' as const, 'maintenance' as const),
    up: fc.boolean(),
  });

/** The spillover fields of a vserver, as record fields to spread into a vserver's fc.record. */
export const spilloverFields = (maxThreshold: number) => ({
  methods: fc.array(spilloverMethod(maxThreshold), { maxLength: 3 }),
  combine: fc.constantFrom('any' as const, 'all' as const),
  action: fc.constantFrom('redirect' as const, 'drop' as const, 'accept' as const, undefined),
  redirectUrl: fc.constantFrom('https://busy.example.com/', undefined),
});
