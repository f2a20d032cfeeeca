import { describe, expect, it } from 'vitest';
import { LiveServices, quotaLimit, connectionLimit } from '../src/index.js';

const services = [
  { name: 'a', capacity: 10, weight: 1, state: 'enabled' as const },
  { name: 'b', capacity: 5, weight: 2, state: 'enabled' as const },
  { name: 'c', capacity: 7, weight: 1, state: 'disabled' as const },
];
const dyn = { methods: [{ type: 'dynamicconnection' as const }] };

describe('quotaLimit', () => {
  it('is the connection methods combined (any: smallest, all: largest), a count even with all and other methods, where connectionLimit is no hard cap', () => {
    const s = [{ name: 'a', capacity: 10, weight: 1, state: 'enabled' as const, up: true }];
    const all = {
      combine: 'all' as const,
      methods: [
        { type: 'connection' as const, threshold: 4 },
        { type: 'health' as const, thresholdPercent: 50 },
      ],
    };
    expect(quotaLimit(all, s)).toBe(4);
    expect(connectionLimit(all, s)).toBeNull();
    expect(quotaLimit({ methods: [{ type: 'connection', threshold: 4 }, { type: 'dynamicconnection' }] }, s)).toBe(4);
    expect(quotaLimit({ combine: 'all', methods: [{ type: 'connection', threshold: 4 }, { type: 'dynamicconnection' }] }, s)).toBe(10);
    expect(quotaLimit({ methods: [{ type: 'bandwidth', thresholdKbps: 1, direction: 'in' }] }, s)).toBeNull();
  });
});

describe('LiveServices', () => {
  const vservers = [
    { name: 'x', services: [{ service: 'a' }, { service: 'b', weight: 9 }], spillover: dyn },
    { name: 'y', services: [{ service: 'b' }, { service: 'c' }, { service: 'ghost' }], spillover: dyn },
    { name: 'z', services: [{ service: 'a' }], spillover: { methods: [] } },
  ];

  it('derives each limit from the live health of the bound services, a binding weight overriding the service weight', () => {
    const live = new LiveServices(vservers, services, (n) => n !== 'b');
    expect(live.limit('x')).toBe(10);
    expect(live.limit('y')).toBe(0);
    expect(live.limit('z')).toBeNull();
    expect(live.limit('nope')).toBeNull();
    expect(live.statuses('x').map((s) => [s.name, s.weight, s.up])).toEqual([
      ['a', 1, true],
      ['b', 9, false],
    ]);
    expect(live.statuses('y').map((s) => s.name)).toEqual(['b', 'c']);
  });

  it('a state change touches only the vservers bound to that service, in place, and nothing when the state is the same', () => {
    const live = new LiveServices(vservers, services, () => true);
    const held = live.statuses('y');
    expect(live.setUp('b', false)).toEqual(['x', 'y']);
    expect(held[0]!.up).toBe(false);
    expect(live.limit('x')).toBe(10);
    expect(live.setUp('b', false)).toEqual([]);
    expect(live.setUp('a', false)).toEqual(['x', 'z']);
    expect(live.limit('x')).toBe(0);
    expect(live.setUp('ghost', false)).toEqual([]);
    expect(live.boundTo('c')).toEqual(['y']);
  });

  it('update re-reads only the vservers named (changed, removed, added) and then answers as an index built from scratch', () => {
    const live = new LiveServices(vservers, services, () => true);
    const keptZ = live.statuses('z');
    const next = [
      { name: 'x', services: [{ service: 'b' }], spillover: dyn },
      { name: 'z', services: [{ service: 'a' }], spillover: { methods: [] } },
      { name: 'w', services: [{ service: 'a' }, { service: 'c' }], spillover: dyn },
    ];
    const svc = new Map([...services, { name: 'a', capacity: 20, weight: 1, state: 'enabled' as const }].map((s) => [s.name, s]));
    const byName = new Map(next.map((v) => [v.name, v]));
    live.update(
      ['x', 'y', 'w'],
      (n) => byName.get(n),
      (n) => svc.get(n),
      () => true,
    );
    const fresh = new LiveServices(next, [...svc.values()], () => true);
    for (const name of ['x', 'y', 'w']) {
      expect(live.statuses(name), name).toEqual(fresh.statuses(name));
      expect(live.limit(name), name).toBe(fresh.limit(name));
    }
    for (const s of ['a', 'b', 'c']) expect([...live.boundTo(s)].sort(), s).toEqual([...fresh.boundTo(s)].sort());
    // z was not named: its statuses are the same objects (its service a is read again only when z is).
    expect(live.statuses('z')).toBe(keptZ);
    expect(live.setUp('c', false)).toEqual(['w']);
    expect(live.limit('w')).toBe(20);
  });
});
