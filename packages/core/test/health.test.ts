import { describe, expect, it } from 'vitest';
import { healthPercent, healthTrips } from '../src/index.js';
import { svc } from './fixtures.js';

describe('healthPercent (004 lines 1160-1175)', () => {
  it('is 100 × weight of UP enabled services / weight of enabled services', () => {
    expect(healthPercent([svc('a', { weight: 3 }), svc('b', { weight: 1, up: false })])).toBe(75);
    expect(healthPercent([svc('a'), svc('b')])).toBe(100);
    expect(healthPercent([svc('a', { up: false }), svc('b', { up: false })])).toBe(0);
  });

  it('leaves disabled and maintenance services out of both sums', () => {
    expect(
      healthPercent([
        svc('a', { weight: 1 }),
        svc('b', { weight: 1, up: false }),
        svc('c', { weight: 8, state: 'disabled' }),
        svc('d', { weight: 8, state: 'maintenance', up: false }),
      ]),
    ).toBe(50);
  });

  it('is 0 when no service is enabled', () => {
    expect(healthPercent([])).toBe(0);
    expect(healthPercent([svc('a', { state: 'disabled' })])).toBe(0);
  });

  it('weighs services by their (binding) weight', () => {
    expect(healthPercent([svc('big', { weight: 2 }), svc('small', { weight: 1, up: false })])).toBeCloseTo(66.667, 2);
  });
});

describe('healthTrips', () => {
  it('trips when health falls to or below the threshold', () => {
    expect(healthTrips(51, 50)).toBe(false);
    expect(healthTrips(50, 50)).toBe(true);
    expect(healthTrips(0, 50)).toBe(true);
    expect(healthTrips(100, 100)).toBe(true);
    expect(healthTrips(0, 0)).toBe(true);
  });
});
