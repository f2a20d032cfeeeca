// The split of a vserver's bandwidth budget across agents (rateShares): the shares always add up
// to the budget, never fall under the floor, follow demand, and let an agent held at its share grow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, rateShares, type SpilloverPolicy } from '../src/index.js';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('rate shares', () => {
  it('splits an idle budget evenly and gives every member at least the floor', () => {
    expect(rateShares(1000, [0, 0])).toEqual([500, 500]);
    const s = rateShares(1000, [900, 0], { floor: 0.2 });
    expect(s[1]).toBeGreaterThanOrEqual(100);
    expect(sum(s)).toBeCloseTo(1000, 6);
  });

  it('follows demand in proportion while the wants fit, each getting at least its want', () => {
    const s = rateShares(1000, [300, 100], { headroom: 0.25 });
    expect(s[0]! / s[1]!).toBeCloseTo(3, 6);
    expect(s[0]).toBeGreaterThanOrEqual(375);
    expect(s[1]).toBeGreaterThanOrEqual(125);
  });

  it('water-fills when the wants exceed the budget: the small want is met, the big ones share the rest', () => {
    expect(rateShares(1000, [100, 800, 800], { headroom: 0, floor: 0 })).toEqual([100, 450, 450]);
  });

  it('lets an agent held at its share take over from one whose demand fell, round after round', () => {
    let shares = rateShares(1000, [900, 0]);
    for (let round = 0; round < 30; round++) {
      // Agent 0 now uses only 200; agent 1 wants more than it has and uses all of its share.
      shares = rateShares(1000, [Math.min(200, shares[0]!), shares[1]!]);
    }
    expect(shares[1]).toBeGreaterThan(700);
    expect(sum(shares)).toBeCloseTo(1000, 6);
  });

  it('converges to an even split when both agents use all they are given', () => {
    let shares = rateShares(1000, [900, 0]);
    for (let round = 0; round < 40; round++) shares = rateShares(1000, shares);
    expect(shares[0]).toBeCloseTo(500, 0);
    expect(shares[1]).toBeCloseTo(500, 0);
  });

  it('counts a negative or non-finite demand as none and gives nothing of a budget of 0', () => {
    expect(rateShares(100, [Number.NaN, -5])).toEqual([50, 50]);
    expect(rateShares(0, [10, 10])).toEqual([0, 0]);
    expect(rateShares(100, [])).toEqual([]);
    // No floor and no demand: an even split, not 0 / 0.
    expect(rateShares(100, [0, 0], { floor: 0 })).toEqual([50, 50]);
    // A subnormal floor: the shares still add up to the budget (budget * w underflowed).
    expect(rateShares(1.000000001, [0], { floor: 5e-324, headroom: 0 })).toEqual([1.000000001]);
  });

  it('(property) adds up to the budget, keeps the floor and never goes under min(want, even split)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 2e7, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (budget, demands, floor, headroom) => {
          const s = rateShares(budget, demands, { floor, headroom });
          const eps = budget * 1e-9;
          if (Math.abs(sum(s) - budget) > eps) throw new Error(`Σ ${sum(s)} ≠ ${budget}`);
          const f = (floor * budget) / demands.length;
          s.forEach((x, i) => {
            const want = Math.max(f, demands[i]! * (1 + headroom));
            if (x < f - eps) throw new Error(`share ${x} under the floor ${f}`);
            if (x < Math.min(want, budget / demands.length) - eps) throw new Error(`share ${x} under min(want ${want}, even split)`);
          });
        },
      ),
    );
  });

  it('a bandwidth method trips at the agent share of its threshold', () => {
    const p: SpilloverPolicy = { methods: [{ type: 'bandwidth', thresholdKbps: 1000, direction: 'out' }] };
    const state = { activeConnections: 0, services: [], kbps: { in: 0, out: 400 } };
    expect(evaluatePolicy(p, state).tripped).toBe(false);
    expect(evaluatePolicy(p, { ...state, bandwidthShare: 0.4 })).toMatchObject({ tripped: true, methods: [{ value: 400, threshold: 400 }] });
  });
});
