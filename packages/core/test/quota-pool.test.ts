import { describe, expect, it } from 'vitest';
import { borrowAheadOrGiveBack, QuotaPool, type EngineId } from '../src/index.js';

const engines = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sumAllowance = <E extends EngineId>(p: QuotaPool<E>): number => p.engines.reduce((s, e) => s + p.holding(e).exclusive + p.holding(e).borrowed, 0);

describe('QuotaPool sizing (004 lines 1215-1328)', () => {
  it('L=100, p=80%, 7 engines: exclusive pool 77 (11 each), shared 23, batch 2', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(7) });
    expect(p.exclusivePool).toBe(77);
    expect(p.exclusivePerWeight).toBe(11);
    for (const e of engines(7)) expect(p.holding(e)).toMatchObject({ exclusive: 11, target: 11, borrowed: 0 });
    expect(p.sharedPool).toBe(23);
    expect(p.batch).toBe(2);
    expect(p.sharedFree).toBe(23);
  });

  it("NetScaler's documented example: 2 engines, threshold 100 → 40 exclusive each, 20 shared, batches of 4 at 20%", () => {
    const p = new QuotaPool({ limit: 100, engines: ['pe0', 'pe1'], batchPercent: 0.2 });
    expect(p.holding('pe0').exclusive).toBe(40);
    expect(p.holding('pe1').exclusive).toBe(40);
    expect(p.sharedPool).toBe(20);
    expect(p.batch).toBe(4);
  });

  it('a shared pool of 20 lends batches of 2 at 10% and 4 at 20%', () => {
    expect(new QuotaPool({ limit: 100, engines: engines(2), batchPercent: 0.1 }).batch).toBe(2);
    expect(new QuotaPool({ limit: 100, engines: engines(2), batchPercent: 0.2 }).batch).toBe(4);
  });

  it('the batch is at least 1 however small the shared pool', () => {
    const p = new QuotaPool({ limit: 10, engines: engines(2) });
    expect(p.sharedPool).toBe(2);
    expect(p.batch).toBe(1);
  });

  it('gives every engine 0 exclusive uses when the share would be below 1: everything is shared', () => {
    const p = new QuotaPool({ limit: 5, engines: engines(7) });
    expect(p.exclusivePool).toBe(0);
    expect(p.sharedPool).toBe(5);
    for (const e of engines(7)) expect(p.holding(e).exclusive).toBe(0);
    expect(p.acquire(3)).toEqual({ granted: true, engine: 3, borrowed: 1 });
  });

  it('weights engines: an agent with 4 workers gets four times the exclusive share of one with 1', () => {
    const p = new QuotaPool({
      limit: 100,
      engines: [
        ['big', 4],
        ['small', 1],
      ] as const,
    });
    expect(p.holding('big').exclusive).toBe(64);
    expect(p.holding('small').exclusive).toBe(16);
    expect(p.sharedPool).toBe(20);
  });

  it('counts an engine listed twice once, with its last weight', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a', ['a', 3], 'b'] });
    expect(p.engines).toEqual(['a', 'b']);
    expect(p.holding('a')).toMatchObject({ weight: 3, exclusive: 60 });
    expect(p.holding('b').exclusive).toBe(20);
  });

  it('a limit of 0 grants nothing', () => {
    const p = new QuotaPool({ limit: 0, engines: engines(2) });
    expect(p.acquire(0)).toEqual({ granted: false, engine: 0, spillover: null });
  });

  it('rejects a negative limit, a bad p or b, and weights below 1', () => {
    expect(() => new QuotaPool({ limit: -1 })).toThrow(RangeError);
    expect(() => new QuotaPool({ limit: Number.NaN })).toThrow(RangeError);
    expect(() => new QuotaPool({ limit: 1, exclusivePercent: 1.5 })).toThrow(RangeError);
    expect(() => new QuotaPool({ limit: 1, batchPercent: -0.1 })).toThrow(RangeError);
    expect(() => new QuotaPool({ limit: 1, engines: [['a', 0]] as const })).toThrow(RangeError);
  });
});

describe('QuotaPool acquire/release', () => {
  it('serves uses from the exclusive share, then borrows a batch, then refuses with a spillover engine', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(7) });
    for (let i = 0; i < 11; i++) expect(p.acquire(0)).toMatchObject({ granted: true, borrowed: 0 });
    expect(p.acquire(0)).toEqual({ granted: true, engine: 0, borrowed: 2 });
    expect(p.acquire(0)).toMatchObject({ granted: true, borrowed: 0 });
    // The rest of the shared pool (21) in batches of 2 (the last one 1).
    let granted = 0;
    for (;;) {
      const r = p.acquire(0);
      if (!r.granted) {
        expect(r.spillover).toBe(1);
        break;
      }
      granted++;
    }
    expect(granted).toBe(21);
    expect(p.outstanding).toBe(11 + 23);
    expect(p.sharedFree).toBe(0);
    expect(p.committed).toBe(100);
  });

  it('names the engine with the most unused uses as the spillover engine', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(3), exclusivePercent: 0.9 });
    // 30 each, 10 shared, batch 1.
    for (let i = 0; i < 40; i++) p.acquire(0);
    for (let i = 0; i < 20; i++) p.acquire(1);
    for (let i = 0; i < 5; i++) p.acquire(2);
    expect(p.acquire(0)).toEqual({ granted: false, engine: 0, spillover: 2 });
    expect(p.acquire(2)).toMatchObject({ granted: true });
    expect(p.spilloverEngine(0, (e) => (e === 1 ? 50 : 0))).toBe(1);
    expect(p.spilloverEngine(0, () => 0)).toBeNull();
  });

  it('names an engine the connection was at only when no other has room, and never one it was at twice', () => {
    const p = new QuotaPool({ limit: 30, engines: engines(3) });
    // The connection came in at 1 and was handed to 0: 2, not visited, goes first, even with less room.
    expect(p.spilloverEngine(0, (e) => (e === 1 ? 5 : 1), [1, 0])).toBe(2);
    // Only 1 has room now (its share grew after it handed the connection on): named, not a spill.
    expect(p.spilloverEngine(0, (e) => (e === 1 ? 1 : 0), [1, 0])).toBe(1);
    // Handed back to 1 and on to 0 again: 1 is not named a third time, whatever room it reports.
    expect(p.spilloverEngine(0, (e) => (e === 1 ? 1 : 0), [1, 0, 1, 0])).toBeNull();
    // Among engines visited as often, the most unused first.
    expect(p.spilloverEngine(0, (e) => e, [1, 2, 0])).toBe(2);
  });

  it('returns a whole batch once that many borrowed uses lie unused', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(2), batchPercent: 0.2 });
    for (let i = 0; i < 43; i++) p.acquire(0);
    expect(p.holding(0)).toMatchObject({ exclusive: 40, borrowed: 4, inUse: 43 });
    expect(p.release(0)).toBe(0); // 2 borrowed unused
    expect(p.release(0)).toBe(0); // 3
    expect(p.holding(0).borrowed).toBe(4);
    expect(p.release(0)).toBe(4); // inUse 40: the whole batch is unused
    expect(p.holding(0)).toMatchObject({ borrowed: 0, inUse: 40 });
    expect(p.sharedFree).toBe(20);
    expect(p.release(0)).toBe(0); // exclusive uses never go back
  });

  it('ignores a release with nothing in flight and an unknown engine', () => {
    const p = new QuotaPool({ limit: 10, engines: ['a'] });
    expect(p.release('a')).toBe(0);
    expect(p.release('nobody')).toBe(0);
    expect(p.outstanding).toBe(0);
    expect(p.acquire('nobody')).toEqual({ granted: false, engine: 'nobody', spillover: 'a' });
  });
});

describe('QuotaPool limit changes', () => {
  it('never lets exclusive + borrowed exceed the limit when the limit grows in steps (the 41/40 case)', () => {
    const p = new QuotaPool({ limit: 39, engines: ['a', 'b'] });
    expect(p.holding('a').exclusive).toBe(15);
    expect(p.sharedPool).toBe(9);
    for (let i = 0; i < 24; i++) expect(p.acquire('a').granted).toBe(true);
    expect(p.holding('a').borrowed).toBe(9);
    // 40: targets grow to 16 each, the shared pool shrinks to 8, but 9 are lent.
    expect(p.setLimit(40)).toEqual([]);
    expect(sumAllowance(p)).toBeLessThanOrEqual(40);
    expect(p.committed).toBeLessThanOrEqual(40);
    expect(p.holding('a').exclusive + p.holding('b').exclusive).toBe(31); // one share waits for room
    for (let i = 0; i < 16; i++) p.acquire('b');
    expect(p.outstanding).toBeLessThanOrEqual(40);
    // When a's borrowed uses come back, the waiting share is completed first.
    for (let i = 0; i < 24; i++) p.release('a');
    expect(p.holding('a').exclusive).toBe(16);
    expect(p.holding('b').exclusive).toBe(16);
    expect(sumAllowance(p)).toBeLessThanOrEqual(40);
  });

  it('grows every allowance when the limit rises', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(2) });
    expect(p.setLimit(200)).toEqual([]);
    expect(p.holding(0).exclusive).toBe(80);
    expect(p.sharedPool).toBe(40);
    expect(p.batch).toBe(4);
  });

  it('on a drop, says which engines must give back how much, and grants nothing until in-flight uses fall below the limit', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a', 'b'] });
    for (let i = 0; i < 40; i++) {
      p.acquire('a');
      p.acquire('b');
    }
    const back = p.setLimit(50);
    expect(back).toEqual([
      { engine: 'a', exclusive: 20, borrowed: 0, owed: 20 },
      { engine: 'b', exclusive: 20, borrowed: 0, owed: 20 },
    ]);
    expect(p.outstanding).toBe(80);
    expect(p.acquire('a')).toEqual({ granted: false, engine: 'a', spillover: null });
    expect(p.borrow('b')).toBe(0);
    for (let i = 0; i < 20; i++) expect(p.release('a')).toBe(1);
    expect(p.holding('a')).toMatchObject({ owed: 0, inUse: 20, exclusive: 20 });
    expect(p.acquire('a').granted).toBe(false); // b still owes: 60 in flight > 50
    for (let i = 0; i < 20; i++) p.release('b');
    expect(p.outstanding).toBe(40);
    expect(p.acquire('a')).toMatchObject({ granted: true, borrowed: 1 });
  });

  it('on a drop, takes idle allowances back before anything in flight', () => {
    const p = new QuotaPool({ limit: 100, engines: ['busy', 'idle'] });
    for (let i = 0; i < 60; i++) p.acquire('busy'); // 40 exclusive + 20 borrowed
    const back = p.setLimit(60);
    // idle's unused share is cut so nothing new starts while busy is over the limit.
    // Targets 24 each; busy keeps 24 exclusive + 12 borrowed and owes the 24 beyond.
    expect(back.find((g) => g.engine === 'busy')).toEqual({ engine: 'busy', exclusive: 16, borrowed: 8, owed: 24 });
    expect(p.holding('idle').exclusive).toBe(0);
    expect(p.acquire('idle').granted).toBe(false);
    for (let i = 0; i < 24; i++) p.release('busy');
    expect(p.holding('idle').exclusive).toBe(24);
    expect(p.committed).toBe(60);
    expect(p.acquire('idle').granted).toBe(true);
  });

  it('with reported tracking, freezes every allowance after a drop below what may be in flight, until engines give back or settle', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a', 'b'], tracking: 'reported' });
    expect(p.borrow('a')).toBe(2);
    const back = p.setLimit(50);
    // Up to 82 uses may be in flight (40 + 2 and 40): nobody starts a new one until that is known.
    expect(back).toEqual([
      { engine: 'a', exclusive: 40, borrowed: 2, owed: 42 },
      { engine: 'b', exclusive: 40, borrowed: 0, owed: 40 },
    ]);
    expect(p.committed).toBe(82);
    expect(p.borrow('a')).toBe(0);
    p.settle('a', 0); // a had nothing in flight
    expect(p.holding('a')).toMatchObject({ exclusive: 10, owed: 0 }); // 50 − b's 40 leaves 10 for now
    expect(p.giveBack('b', 35)).toBe(35); // b holds 5
    expect(p.holding('a').exclusive).toBe(20);
    // Its 5 fit in its new share: the grant covers them (they are not counted twice).
    expect(p.holding('b')).toMatchObject({ exclusive: 20, owed: 0 });
    expect(p.committed).toBe(40);
    expect(p.borrow('b', 3)).toBe(3);
  });

  it('with reported tracking, a growth or a drop that still fits freezes nothing', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a', 'b'], tracking: 'reported' });
    expect(p.setLimit(200)).toEqual([]);
    expect(p.holding('a').exclusive).toBe(80);
    const back = p.setLimit(190);
    expect(back).toEqual([
      { engine: 'a', exclusive: 4, borrowed: 0, owed: 4 },
      { engine: 'b', exclusive: 4, borrowed: 0, owed: 4 },
    ]);
    expect(p.holding('a').exclusive).toBe(76); // 152 + 8 owed ≤ 190: no freeze
    expect(p.giveBack('a', 4)).toBe(4);
    expect(p.committed).toBe(156);
  });

  it('growFor lends what the limit grew by to the engines whose connections wait, before shares that grew with it', () => {
    const allowance = (p: QuotaPool<number>, e: number): number => p.holding(e).exclusive + p.holding(e).borrowed;
    // L = 8, 2 workers: 3 exclusive each, the 2 shared uses borrowed by worker 1 (5 connections);
    // worker 2 has 3 connections and 2 more waiting, for which its primary asked for 2 more uses.
    const make = (): QuotaPool<number> => {
      const p = new QuotaPool<number>({ limit: 8, engines: [1, 2], tracking: 'reported' });
      expect(p.borrow(1) + p.borrow(1)).toBe(2);
      return p;
    };
    // A plain setLimit hands them to the shares that grew (4 each): worker 1 gets one it does not need.
    const plain = make();
    plain.setLimit(10);
    expect([allowance(plain, 1), allowance(plain, 2)]).toEqual([6, 4]);
    const p = make();
    expect(p.growFor(10, [2, 2])).toEqual([true, true]);
    expect([allowance(p, 1), allowance(p, 2)]).toEqual([5, 5]);
    expect(p.committed).toBe(10);
    // Nothing is lent past the limit, nor to an engine that is not in the pool.
    expect(p.growFor(11, [2, 9, 1])).toEqual([true, false, false]);
    expect(p.committed).toBe(11);
    expect(p.growFor(11, [1])).toEqual([false]);
  });

  it('settle accounts for uses an engine holds beyond its allowance (reconciliation)', () => {
    const p = new QuotaPool({ limit: 10, engines: ['a'], tracking: 'reported' });
    p.settle('a', 12);
    expect(p.holding('a')).toMatchObject({ exclusive: 8, owed: 4 });
    expect(p.committed).toBe(12);
    expect(p.borrow('a')).toBe(0);
  });
});

describe('QuotaPool membership', () => {
  it('adding an engine shrinks the others and reports what they must give back', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a'] });
    for (let i = 0; i < 70; i++) p.acquire('a');
    const back = p.addEngine('b');
    expect(back).toEqual([{ engine: 'a', exclusive: 40, borrowed: 0, owed: 30 }]);
    expect(p.holding('b')).toMatchObject({ target: 40, exclusive: 30 }); // the rest waits for room
    expect(p.committed).toBe(100);
    for (let i = 0; i < 10; i++) p.release('a');
    expect(p.holding('b').exclusive).toBe(40);
  });

  it('changing a weight reshapes the shares', () => {
    const p = new QuotaPool({ limit: 100, engines: ['a', 'b'] });
    p.setWeight('a', 3);
    expect(p.holding('a')).toMatchObject({ weight: 3, target: 60, exclusive: 60 });
    expect(p.holding('b').exclusive).toBe(20);
    expect(sumAllowance(p)).toBeLessThanOrEqual(100);
  });

  it('removing an engine returns all it held, and the others grow', () => {
    const p = new QuotaPool({ limit: 100, engines: engines(4) });
    for (let i = 0; i < 25; i++) p.acquire(3);
    p.removeEngine(3);
    expect(p.outstanding).toBe(0);
    expect(p.engines).toEqual([0, 1, 2]);
    expect(p.holding(0).exclusive).toBe(26);
    expect(p.exclusivePool).toBe(78);
    expect(p.removeEngine(3)).toEqual([]);
  });
});

// The control plane pools agents (weight = worker count) with the same QuotaPool; nothing is
// acquired there (agents enforce what they are told), so these use borrow/giveBack/cede only.
describe('QuotaPool across agents (the control plane)', () => {
  it('gives agents exclusive shares by worker count: 3 workers and 1 → 60 and 20 of 100', () => {
    const p = new QuotaPool<string>({
      limit: 100,
      engines: [
        ['big', 3],
        ['small', 1],
      ],
    });
    expect(p.holding('big')).toMatchObject({ target: 60, exclusive: 60, borrowed: 0 });
    expect(p.holding('small')).toMatchObject({ target: 20, exclusive: 20, borrowed: 0 });
    expect(p.sharedFree).toBe(20);
  });

  it('lends batches until the shared pool is empty, then nothing, and again once uses come back', () => {
    const p = new QuotaPool<string>({ limit: 100, engines: ['a', 'b'] });
    expect(p.batch).toBe(2);
    let lent = 0;
    for (let i = 0; i < 20; i++) lent += p.borrow('a');
    expect(lent).toBe(20);
    expect(p.borrow('b')).toBe(0);
    expect(p.giveBack('a', 4)).toBe(4);
    expect(p.borrow('b')).toBe(1); // 4 left for 2 engines: one at a time (batchNow)
  });

  it('lends whole batches while the shared pool holds one for every engine, then one use at a time', () => {
    const p = new QuotaPool<string>({ limit: 100, engines: ['a', 'b'] });
    const got: number[] = [];
    for (let n = p.borrow('a'); n > 0; n = p.borrow('a')) got.push(n);
    expect(got).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1]);
    expect(p.batchNow).toBe(1);
    p.giveBack('a', 20);
    expect(p.batchNow).toBe(2);
    // acquire borrows the same way
    const q = new QuotaPool<number>({ limit: 10, engines: [0], exclusivePercent: 0, batchPercent: 0.5 });
    expect(q.acquire(0)).toMatchObject({ granted: true, borrowed: 5 });
    for (let i = 0; i < 4; i++) q.acquire(0);
    expect(q.acquire(0)).toMatchObject({ granted: true, borrowed: 1 });
  });

  it('takes borrowed uses back, largest borrower first, when the limit drops', () => {
    const p = new QuotaPool<string>({ limit: 100, engines: ['a', 'b'] });
    for (let i = 0; i < 5; i++) p.borrow('a');
    p.borrow('b');
    const back = p.setLimit(50);
    expect(back.filter((g) => g.borrowed > 0).map((g) => g.engine)).toEqual(['a']);
    expect(p.holding('a')).toMatchObject({ exclusive: 20, borrowed: 8, owed: 0 });
    expect(p.holding('b')).toMatchObject({ exclusive: 20, borrowed: 2, owed: 0 });
    expect(sumAllowance(p)).toBe(50);
  });

  it("cedes an idle agent's unused uses to one whose connections wait; its share grows back only as uses return", () => {
    const p = new QuotaPool<string>({ limit: 40, engines: ['idle', 'busy'] });
    expect(p.borrow('busy', 8)).toBe(8); // the whole shared pool
    expect(p.borrow('busy')).toBe(0);
    expect(p.cede('idle', 5)).toEqual({ borrowed: 0, exclusive: 5 });
    expect(p.holding('idle')).toMatchObject({ target: 16, exclusive: 11, ceded: 5 });
    expect(p.borrow('busy', 5)).toBe(5);
    expect(sumAllowance(p)).toBe(40);
    // Nothing else may take the ceded share back while it is lent.
    expect(p.sharedFree).toBe(0);
    expect(p.giveBack('busy', 3)).toBe(3);
    expect(p.holding('idle')).toMatchObject({ exclusive: 14, ceded: 2 });
    // A re-size makes every share whole again: the rest waits for room like any grown share.
    p.setLimit(40);
    expect(p.holding('idle')).toMatchObject({ exclusive: 14, ceded: 0 });
    expect(p.borrow('busy')).toBe(0);
    p.giveBack('busy', 2);
    expect(p.holding('idle')).toMatchObject({ exclusive: 16, ceded: 0 });
    expect(sumAllowance(p)).toBe(40);
  });

  it('with exact tracking, cedes only uses not in flight', () => {
    const p = new QuotaPool<string>({ limit: 10, engines: ['a', 'b'], exclusivePercent: 1 });
    for (let i = 0; i < 3; i++) p.acquire('a');
    expect(p.cede('a', 5)).toEqual({ borrowed: 0, exclusive: 2 });
  });
});

// Replicas of the control plane reserve rows of the limit per agent (apps/control-plane
// replica-quota.ts): the whole limit split by weight, every replica computing the same split.
describe('QuotaPool.fairShares (the split across replicas)', () => {
  const split = (limit: number, weights: Array<[string, number]>): Record<string, number> =>
    Object.fromEntries(new QuotaPool<string>({ limit, engines: weights }).fairShares());

  it('splits the limit by weight to exactly the limit, the remainder by largest remainder, ties by name', () => {
    expect(
      split(40, [
        ['b', 2],
        ['a', 2],
      ]),
    ).toEqual({ a: 20, b: 20 });
    expect(
      split(10, [
        ['c', 1],
        ['a', 1],
        ['b', 1],
      ]),
    ).toEqual({ a: 4, b: 3, c: 3 });
    expect(
      split(7, [
        ['x', 3],
        ['y', 1],
      ]),
    ).toEqual({ x: 5, y: 2 });
    expect(split(10, [])).toEqual({});
  });

  it('gives the same split whatever the order the agents are listed in', () => {
    expect(
      split(10, [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    ).toEqual(
      split(10, [
        ['c', 1],
        ['b', 1],
        ['a', 1],
      ]),
    );
    expect(
      split(101, [
        ['p', 3],
        ['q', 5],
        ['r', 1],
      ]),
    ).toEqual(
      split(101, [
        ['r', 1],
        ['q', 5],
        ['p', 3],
      ]),
    );
  });
});

describe('cedeOwed (reported tracking: the two-phase cede of a revoke)', () => {
  it('takes the uses from the allowance but keeps them committed, as owed, until the engine settles', () => {
    const p = new QuotaPool({ limit: 10, engines: ['a', 'b'], exclusivePercent: 1, tracking: 'reported' });
    expect(p.cedeOwed('a', 2)).toEqual({ borrowed: 0, exclusive: 2 });
    expect(p.holding('a')).toMatchObject({ exclusive: 3, owed: 2, ceded: 2 });
    expect(p.committed).toBe(10);
    expect(p.borrow('b', 2)).toBe(0); // nothing lent from uses that may still be in flight
    p.settle('a', 1); // the acknowledgement: it holds 1, within its allowance
    expect(p.holding('a').owed).toBe(0);
    expect(p.borrow('b', 2)).toBe(2);
  });
});

describe('borrowAheadOrGiveBack (the control client rule)', () => {
  const state = { exclusive: 8, borrowed: 0, batch: 2, active: 0, committedInside: 0, borrowing: false, draining: false };
  it('borrows ahead once at most half a batch is left, one question at a time', () => {
    expect(borrowAheadOrGiveBack({ ...state, active: 6 })).toBeNull();
    expect(borrowAheadOrGiveBack({ ...state, active: 7 })).toEqual({ kind: 'borrow' });
    expect(borrowAheadOrGiveBack({ ...state, active: 7, borrowing: true })).toBeNull();
  });
  it('gives a batch back only past three idle batches, none lent to its workers, no revoke draining', () => {
    const idle = { ...state, borrowed: 8, active: 9 };
    expect(borrowAheadOrGiveBack(idle)).toEqual({ kind: 'give-back', n: 2 });
    expect(borrowAheadOrGiveBack({ ...idle, active: 10 })).toBeNull(); // 6 idle: not more than 3 batches
    expect(borrowAheadOrGiveBack({ ...idle, committedInside: 15 })).toBeNull(); // its workers hold all but 1
    expect(borrowAheadOrGiveBack({ ...idle, draining: true })).toBeNull();
    expect(borrowAheadOrGiveBack({ ...idle, committedInside: null })).toBeNull(); // no pool inside: nothing known idle
  });
});
