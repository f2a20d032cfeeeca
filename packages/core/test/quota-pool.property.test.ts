// Property: under any sequence of operations the QuotaPool never lets uses exceed the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotaPool } from '../src/index.js';

type Op =
  | { t: 'acquire'; e: number }
  | { t: 'release'; e: number }
  | { t: 'borrow'; e: number; want: number }
  | { t: 'giveBack'; e: number; n: number }
  | { t: 'setLimit'; limit: number }
  | { t: 'add'; e: number; weight: number }
  | { t: 'remove'; e: number }
  | { t: 'settle'; e: number }
  | { t: 'cede'; e: number; n: number };

const engine = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: engine.map((e) => ({ t: 'acquire' as const, e })) },
  { weight: 6, arbitrary: engine.map((e) => ({ t: 'release' as const, e })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('borrow' as const), e: engine, want: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('giveBack' as const), e: engine, n: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((limit) => ({ t: 'setLimit' as const, limit })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('add' as const), e: engine, weight: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: engine.map((e) => ({ t: 'remove' as const, e })) },
  { weight: 1, arbitrary: engine.map((e) => ({ t: 'settle' as const, e })) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cede' as const), e: engine, n: fc.integer({ min: 0, max: 30 }) }) },
);

const config = fc.record({
  limit: fc.integer({ min: 0, max: 60 }),
  engines: fc.uniqueArray(engine, { minLength: 0, maxLength: 4 }),
  p: fc.constantFrom(0, 0.5, 0.8, 0.9, 1),
  b: fc.constantFrom(0, 0.1, 0.2, 0.5, 1),
});

/** A plain assertion: expect() is too slow for the hundreds of thousands of checks below. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

function checkShape(pool: QuotaPool<number>): void {
  let exclusive = 0;
  let borrowed = 0;
  let owed = 0;
  let inUse = 0;
  for (const e of pool.engines) {
    const a = pool.holding(e);
    check(a.exclusive >= 0 && a.borrowed >= 0 && a.owed >= 0 && a.inUse >= 0, `non-negative counts of ${e}`);
    check(a.exclusive <= a.target, `exclusive ≤ target of ${e}`);
    check(a.ceded >= 0 && a.exclusive + a.ceded <= a.target, `exclusive + ceded ≤ target of ${e}`);
    check(a.target === pool.exclusivePerWeight * a.weight, `target = unit × weight of ${e}`);
    exclusive += a.exclusive;
    borrowed += a.borrowed;
    owed += a.owed;
    inUse += a.inUse;
  }
  check(pool.committed === exclusive + borrowed + owed, 'committed = Σ (exclusive + borrowed + owed)');
  check(pool.outstanding === inUse, 'outstanding = Σ inUse');
  // (1) allowances always fit in the limit
  check(exclusive + borrowed <= pool.limit, 'Σ allowance ≤ L');
  check(pool.sharedFree >= 0 && pool.batch >= 1, 'sharedFree ≥ 0, batch ≥ 1');
}

describe('QuotaPool invariant (property)', () => {
  it('exact tracking: outstanding uses never exceed L, except after L was lowered below them, and then never grow until they are below L', () => {
    fc.assert(
      fc.property(config, fc.array(op, { maxLength: 150, size: 'max' }), (cfg, ops) => {
        const pool = new QuotaPool<number>({ limit: cfg.limit, engines: cfg.engines, exclusivePercent: cfg.p, batchPercent: cfg.b });
        checkShape(pool);
        for (const o of ops) {
          const committedBefore = pool.committed;
          const outstandingBefore = pool.outstanding;
          switch (o.t) {
            case 'acquire': {
              const r = pool.acquire(o.e);
              if (r.granted) check(pool.outstanding <= pool.limit, 'a granted use keeps outstanding ≤ L');
              else if (r.spillover !== null) check(pool.acquire(r.spillover).granted, 'the spillover engine has room');
              break;
            }
            case 'release':
              pool.release(o.e);
              break;
            case 'borrow':
              pool.borrow(o.e, o.want);
              break;
            case 'giveBack':
              pool.giveBack(o.e, o.n);
              break;
            case 'setLimit':
              pool.setLimit(o.limit);
              break;
            case 'add':
              pool.addEngine(o.e, o.weight);
              break;
            case 'remove':
              pool.removeEngine(o.e);
              break;
            case 'settle':
              pool.settle(o.e, pool.holding(o.e).inUse);
              break; // exact: reports what the pool knows
            case 'cede': {
              const a = pool.holding(o.e);
              const c = pool.cede(o.e, o.n);
              check(c.borrowed + c.exclusive <= Math.max(0, a.exclusive + a.borrowed - a.inUse), 'cede takes only unused uses');
              break;
            }
          }
          checkShape(pool);
          // (2) committed ≤ L, or it did not grow
          check(pool.committed <= Math.max(pool.limit, committedBefore), 'committed ≤ L or did not grow');
          // (3) every use in flight is covered; outstanding never grows past L
          for (const e of pool.engines) {
            const a = pool.holding(e);
            check(a.owed === Math.max(0, a.inUse - a.exclusive - a.borrowed), `owed = uses beyond the allowance of ${e}`);
          }
          check(pool.outstanding <= pool.committed, 'outstanding ≤ committed');
          check(pool.outstanding <= Math.max(pool.limit, outstandingBefore), 'outstanding ≤ L or did not grow');
        }
        // Liveness: once every use has ended and every borrowed use came back, each engine has its full share.
        for (const e of pool.engines) {
          while (pool.holding(e).inUse > 0) pool.release(e);
          pool.giveBack(e, pool.holding(e).borrowed);
        }
        // A share ceded for another engine and not lent since is lendable: nothing is lost.
        let ceded = 0;
        for (const e of pool.engines) {
          const a = pool.holding(e);
          expect(a.exclusive + a.ceded).toBe(a.target);
          ceded += a.ceded;
        }
        expect(pool.committed).toBe(pool.exclusivePool - ceded);
        expect(pool.sharedFree).toBe(pool.limit - pool.committed);
      }),
      { numRuns: 250 },
    );
  });

  it('reported tracking: engines that enforce their allowance themselves never hold more than committed, and committed never grows past L', () => {
    fc.assert(
      fc.property(config, fc.array(op, { maxLength: 150, size: 'max' }), (cfg, ops) => {
        const pool = new QuotaPool<number>({ limit: cfg.limit, engines: cfg.engines, exclusivePercent: cfg.p, batchPercent: cfg.b, tracking: 'reported' });
        const real = new Map<number, number>(); // what each engine really has in flight
        const held = (e: number): number => real.get(e) ?? 0;
        const totalReal = (): number => pool.engines.reduce((s, e) => s + held(e), 0);
        for (const o of ops) {
          const committedBefore = pool.committed;
          const realBefore = totalReal();
          switch (o.t) {
            case 'acquire': {
              if (!pool.has(o.e)) break;
              const a = pool.holding(o.e);
              if (held(o.e) >= a.exclusive + a.borrowed) pool.borrow(o.e);
              const b = pool.holding(o.e);
              if (held(o.e) < b.exclusive + b.borrowed) {
                real.set(o.e, held(o.e) + 1);
                check(totalReal() <= Math.max(pool.limit, realBefore), 'a new use keeps in-flight ≤ L or it did not grow');
              }
              break;
            }
            case 'release': {
              if (!pool.has(o.e) || held(o.e) === 0) break;
              real.set(o.e, held(o.e) - 1);
              const a = pool.holding(o.e);
              if (a.owed > 0) pool.giveBack(o.e, 1);
              else if (a.borrowed > 0 && a.exclusive + a.borrowed - held(o.e) >= Math.min(a.borrowed, pool.batch))
                pool.giveBack(o.e, Math.min(a.borrowed, pool.batch));
              break;
            }
            case 'borrow':
              pool.borrow(o.e, o.want);
              break;
            case 'giveBack': {
              // An engine gives back only what it does not hold.
              const a = pool.holding(o.e);
              pool.giveBack(o.e, Math.min(o.n, a.borrowed + a.owed - Math.max(0, held(o.e) - a.exclusive)));
              break;
            }
            case 'setLimit':
              pool.setLimit(o.limit);
              break;
            case 'add':
              pool.addEngine(o.e, o.weight);
              break;
            case 'remove':
              pool.removeEngine(o.e);
              real.delete(o.e);
              break;
            case 'settle':
              if (pool.has(o.e)) pool.settle(o.e, held(o.e));
              break;
            case 'cede': {
              // The manager takes only what the engine does not hold (it was told first: two-phase).
              const a = pool.holding(o.e);
              pool.cede(o.e, Math.min(o.n, Math.max(0, a.exclusive + a.borrowed - held(o.e))));
              break;
            }
          }
          checkShape(pool);
          check(pool.committed <= Math.max(pool.limit, committedBefore), 'committed ≤ L or did not grow');
          for (const e of pool.engines) {
            const a = pool.holding(e);
            check(held(e) <= a.exclusive + a.borrowed + a.owed, `in flight of ${e} covered`);
          }
          check(totalReal() <= pool.committed, 'in flight ≤ committed');
        }
      }),
      { numRuns: 250 },
    );
  });
});
