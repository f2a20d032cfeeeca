import { expect, it } from 'vitest';
import { Backoff } from '../../src/control/backoff.js';

it('grows the reconnect delay exponentially up to the cap, with jitter, and restarts after reset', () => {
  const lo = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => 0 });
  const hi = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => 1 });
  expect(Array.from({ length: 6 }, () => hi.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  expect(Array.from({ length: 3 }, () => lo.next())).toEqual([50, 50, 50]);
  hi.reset();
  expect(hi.next()).toBe(100);
  const spread = new Set(
    Array.from({ length: 50 }, () => new Backoff({ initialMs: 100, maxMs: 10_000 })).map((b) => {
      b.next();
      b.next();
      return b.next();
    }),
  );
  expect(spread.size).toBeGreaterThan(10);
});
