// Properties of the weighted pickers: exact proportions for smooth weighted round robin, and
// site weights that keep every ratio in the smallest whole numbers.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { SitePicker, siteWeights, SmoothWeighted } from '../src/index.js';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

describe('weighted pickers (property)', () => {
  it('smooth weighted round robin picks each candidate exactly weight times per Σ weights picks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (weights, cycles) => {
        const s = new SmoothWeighted<number>();
        const items = weights.map((w, i) => ({ i, w }));
        const total = weights.reduce((a, b) => a + b, 0);
        const got = new Array<number>(weights.length).fill(0);
        for (let k = 0; k < total * cycles; k++) {
          const p = s.pick(
            items,
            (x) => x.i,
            (x) => x.w,
          );
          check(p !== null, 'a pick while some weight is positive');
          got[p!.i]!++;
        }
        weights.forEach((w, i) => check(got[i] === w * cycles, `candidate ${i} picked ${got[i]} times, weight ${w} × ${cycles}`));
        if (total === 0)
          check(
            s.pick(
              items,
              (x) => x.i,
              (x) => x.w,
            ) === null,
            'null without weight',
          );
      }),
      { numRuns: 300 },
    );
  });

  it('site weights keep every ratio of what sites have available, in the smallest whole numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 6 }), (available) => {
        const w = siteWeights(available.map((a, i) => ({ site: `s${i}`, available: a }))).map((x) => x.weight);
        for (let i = 0; i < w.length; i++) {
          check(Number.isInteger(w[i]!), 'whole numbers');
          for (let j = 0; j < w.length; j++) check(w[i]! * available[j]! === w[j]! * available[i]!, `ratio ${i}:${j}`);
        }
        const g = w.reduce((a, b) => gcd(a, b), 0);
        check(g === 0 || g === 1, 'smallest whole numbers');
        const picker = new SitePicker();
        const total = w.reduce((a, b) => a + b, 0);
        const got = new Map<string, number>();
        for (let k = 0; k < total; k++) {
          const s = picker.pick(available.map((a, i) => ({ site: `s${i}`, available: a })))!;
          got.set(s, (got.get(s) ?? 0) + 1);
        }
        w.forEach((x, i) => check((got.get(`s${i}`) ?? 0) === x, `site ${i} gets its weight per round`));
      }),
      { numRuns: 300 },
    );
  });
});
