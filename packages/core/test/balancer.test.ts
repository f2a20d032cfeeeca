import { describe, expect, it } from 'vitest';
import { availableRoom, createBalancer, hasRoom, type Candidate } from '../src/index.js';

const c = (name: string, over: Partial<Candidate> = {}): Candidate => ({ name, weight: 1, active: 0, capacity: 0, available: true, ...over });
const picks = (b: ReturnType<typeof createBalancer>, cs: Candidate[], n: number, key?: (i: number) => string): (string | null)[] =>
  Array.from({ length: n }, (_, i) => b.pick(cs, key?.(i)));
const count = (xs: (string | null)[]): Record<string, number> =>
  xs.reduce<Record<string, number>>((m, x) => ({ ...m, [String(x)]: (m[String(x)] ?? 0) + 1 }), {});

describe('hasRoom', () => {
  it('needs the service available and below its capacity (0 = unlimited)', () => {
    expect(hasRoom(c('a'))).toBe(true);
    expect(hasRoom(c('a', { available: false }))).toBe(false);
    expect(hasRoom(c('a', { capacity: 2, active: 1 }))).toBe(true);
    expect(hasRoom(c('a', { capacity: 2, active: 2 }))).toBe(false);
  });
});

describe('balancers', () => {
  for (const method of ['roundrobin', 'leastconn', 'weighted', 'sourceip', 'availablecapacity'] as const) {
    it(`${method}: skips DOWN and full services and returns null when none is left`, () => {
      const b = createBalancer(method);
      const cs = [c('down', { available: false }), c('full', { capacity: 3, active: 3 }), c('ok')];
      for (const p of picks(b, cs, 10, (i) => `10.0.0.${i}`)) expect(p).toBe('ok');
      expect(b.pick([c('down', { available: false }), c('full', { capacity: 1, active: 1 })], 'k')).toBeNull();
      expect(b.pick([], 'k')).toBeNull();
    });

    it(`${method}: never picks a service of weight 0`, () => {
      const b = createBalancer(method);
      for (const p of picks(b, [c('zero', { weight: 0 }), c('ok')], 10, (i) => `10.0.0.${i}`)) expect(p).toBe('ok');
      expect(b.pick([c('zero', { weight: 0 })], 'k')).toBeNull();
    });
  }

  it('availablecapacity: weighs each service by its capacity minus its load across all agents', () => {
    const b = createBalancer('availablecapacity');
    // a: 10 - (3 remote + 2 here) = 5 of room; b: 10 - (0 + 5) = 5; c: 20 - 0 = 20.
    const cs = [c('a', { serviceCapacity: 10, remoteActive: 3, active: 2 }), c('b', { serviceCapacity: 10, active: 5 }), c('c', { serviceCapacity: 20 })];
    expect(cs.map(availableRoom)).toEqual([5, 5, 20]);
    expect(count(picks(b, cs, 300))).toEqual({ a: 50, b: 50, c: 200 });
    // Full across agents: no share of new connections while another has room.
    const full = [c('a', { serviceCapacity: 4, remoteActive: 4 }), c('b', { serviceCapacity: 4, remoteActive: 1 })];
    expect(new Set(picks(b, full, 20))).toEqual(new Set(['b']));
  });

  it('availablecapacity: when no service has room by the count, the one least over it', () => {
    const b = createBalancer('availablecapacity');
    const cs = [c('a', { serviceCapacity: 4, remoteActive: 9 }), c('b', { serviceCapacity: 4, remoteActive: 5 })];
    expect(new Set(picks(b, cs, 10))).toEqual(new Set(['b']));
    expect(new Set(picks(b, [c('a', { serviceCapacity: 2, remoteActive: 2 }), c('b', { serviceCapacity: 2, remoteActive: 2 })], 4))).toEqual(
      new Set(['a', 'b']),
    );
  });

  it('roundrobin: each service in turn', () => {
    expect(picks(createBalancer('roundrobin'), [c('a'), c('b'), c('c')], 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('leastconn: the fewest active connections per unit of weight, ties shared', () => {
    const b = createBalancer('leastconn');
    expect(b.pick([c('a', { active: 5 }), c('b', { active: 2 }), c('c', { active: 9 })])).toBe('b');
    expect(b.pick([c('a', { active: 5, weight: 5 }), c('b', { active: 2, weight: 1 })])).toBe('a');
    expect(new Set(picks(b, [c('a'), c('b')], 4))).toEqual(new Set(['a', 'b']));
  });

  it("weighted: nginx's smooth weighted round robin (5,1,1 → a a b a c a a)", () => {
    const b = createBalancer('weighted');
    expect(picks(b, [c('a', { weight: 5 }), c('b', { weight: 1 }), c('c', { weight: 1 })], 7)).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(count(picks(b, [c('a', { weight: 3 }), c('b', { weight: 2 })], 500))).toEqual({ a: 300, b: 200 });
  });

  it('sourceip: a client keeps its service, and only the clients of a service that leaves move', () => {
    const b = createBalancer('sourceip');
    const cs = [c('a'), c('b'), c('c')];
    const keys = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const before = keys.map((k) => b.pick(cs, k));
    expect(keys.map((k) => b.pick(cs, k))).toEqual(before);
    const spread = count(before);
    for (const n of ['a', 'b', 'c']) expect(spread[n]).toBeGreaterThan(60);
    const after = keys.map((k) => b.pick([cs[0]!, { ...cs[1]!, available: false }, cs[2]!], k));
    keys.forEach((_, i) => {
      if (before[i] !== 'b') expect(after[i]).toBe(before[i]);
      else expect(after[i]).not.toBe('b');
    });
  });

  it('sourceip: weights bias the share', () => {
    const b = createBalancer('sourceip');
    const counts = count(Array.from({ length: 2000 }, (_, i) => b.pick([c('heavy', { weight: 3 }), c('light')], `client-${i}`)));
    expect(counts.heavy! / 2000).toBeGreaterThan(0.68);
    expect(counts.heavy! / 2000).toBeLessThan(0.82);
  });
});
