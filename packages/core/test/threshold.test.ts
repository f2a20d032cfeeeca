import { describe, expect, it } from 'vitest';
import { connectionsExhausted, deriveDynamicThreshold, dynamicThreshold, staticThreshold } from '../src/index.js';
import { svc } from './fixtures.js';

describe('dynamicThreshold (000 claim 1)', () => {
  it('is the sum of the capacities of the UP enabled services', () => {
    expect(dynamicThreshold([svc('a', { capacity: 200 }), svc('b', { capacity: 200 })])).toBe(400);
  });

  it('drops the capacity of a service that goes DOWN and adds it back when it comes UP', () => {
    const services = [svc('a', { capacity: 200 }), svc('b', { capacity: 150 })];
    expect(dynamicThreshold(services)).toBe(350);
    services[1] = { ...services[1]!, up: false };
    expect(dynamicThreshold(services)).toBe(200);
    services[1] = { ...services[1], up: true };
    expect(dynamicThreshold(services)).toBe(350);
  });

  it('does not count disabled or maintenance services even when they are UP', () => {
    expect(dynamicThreshold([svc('a', { capacity: 10 }), svc('b', { state: 'disabled' }), svc('c', { state: 'maintenance' })])).toBe(10);
  });

  it('is 0 with no services or none UP', () => {
    expect(dynamicThreshold([])).toBe(0);
    expect(dynamicThreshold([svc('a', { up: false })])).toBe(0);
  });

  it('explains itself with one derivation entry per bound service, in binding order', () => {
    const d = deriveDynamicThreshold([
      svc('web-1', { capacity: 200 }),
      svc('web-2', { capacity: 200, up: false }),
      svc('web-3', { capacity: 50, state: 'disabled' }),
    ]);
    expect(d.value).toBe(200);
    expect(d.derivation).toEqual([
      { service: 'web-1', capacity: 200, weight: 1, state: 'UP', enabled: true, counted: true },
      { service: 'web-2', capacity: 200, weight: 1, state: 'DOWN', enabled: true, counted: false },
      { service: 'web-3', capacity: 50, weight: 1, state: 'UP', enabled: false, counted: false },
    ]);
  });
});

describe('static connection threshold', () => {
  it('accepts a non-negative integer and rejects anything else', () => {
    expect(staticThreshold(0)).toBe(0);
    expect(staticThreshold(500)).toBe(500);
    expect(() => staticThreshold(-1)).toThrow(RangeError);
    expect(() => staticThreshold(1.5)).toThrow(RangeError);
    expect(() => staticThreshold(Number.NaN)).toThrow(RangeError);
  });

  it('is exhausted once active connections reach it (the next one would exceed it)', () => {
    expect(connectionsExhausted(99, 100)).toBe(false);
    expect(connectionsExhausted(100, 100)).toBe(true);
    expect(connectionsExhausted(0, 0)).toBe(true);
  });
});
