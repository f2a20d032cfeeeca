import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WeightedPool } from '../../src/agent-hub/weighted-pool.js';

describe('weighted quota pool across agents', () => {
  it('gives exclusive shares proportional to worker counts (004: L=100, 7 engines → 11 each, 77 exclusive)', () => {
    const p = new WeightedPool(100);
    for (let i = 0; i < 7; i++) p.setEngine(`a${i}`, 1);
    expect(p.allocation('a0')).toEqual({ exclusive: 11, borrowed: 0 });
    expect(p.sharedFree).toBe(23);
    expect(p.batch).toBe(2);
    const w = new WeightedPool(100);
    w.setEngine('big', 3);
    w.setEngine('small', 1);
    expect(w.allocation('big').exclusive).toBe(60);
    expect(w.allocation('small').exclusive).toBe(20);
  });

  it('lends batches until the shared pool is empty, then nothing', () => {
    const p = new WeightedPool(100);
    p.setEngine('a', 1);
    p.setEngine('b', 1);
    expect(p.batch).toBe(2);
    let lent = 0;
    for (let i = 0; i < 20; i++) lent += p.borrow('a');
    expect(lent).toBe(20);
    expect(p.borrow('b')).toBe(0);
    p.giveBack('a', 4);
    expect(p.borrow('b')).toBe(2);
  });

  it('takes borrowed uses back, largest borrower first, when the limit drops', () => {
    const p = new WeightedPool(100);
    p.setEngine('a', 1);
    p.setEngine('b', 1);
    for (let i = 0; i < 5; i++) p.borrow('a');
    p.borrow('b');
    expect(p.setLimit(50)).toEqual(['a']);
    expect(p.allocation('a')).toEqual({ exclusive: 20, borrowed: 8 });
    expect(p.allocation('b')).toEqual({ exclusive: 20, borrowed: 2 });
  });

  it('never allocates more than the limit, whatever happens (property)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('borrow' as const), e: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ k: fc.constant('return' as const), e: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 0, max: 10 }) }),
      fc.record({ k: fc.constant('limit' as const), n: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ k: fc.constant('join' as const), e: fc.integer({ min: 0, max: 3 }), w: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ k: fc.constant('leave' as const), e: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.array(op, { maxLength: 60 }), (limit, ops) => {
        const p = new WeightedPool(limit);
        for (const o of ops) {
          if (o.k === 'borrow') p.borrow(`e${o.e}`);
          else if (o.k === 'return') p.giveBack(`e${o.e}`, o.n);
          else if (o.k === 'limit') p.setLimit(o.n);
          else if (o.k === 'join') p.setEngine(`e${o.e}`, o.w);
          else p.removeEngine(`e${o.e}`);
          const total = p.engines.reduce((s, e) => s + p.allocation(e).exclusive + p.allocation(e).borrowed, 0);
          expect(total).toBeLessThanOrEqual(p.limit);
          expect(p.sharedFree).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
