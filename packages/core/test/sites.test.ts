import { describe, expect, it } from 'vitest';
import { availableBySite, availableCount, availableWeight, SitePicker, siteShares, siteToForward, siteWeights } from '../src/index.js';
import { svc } from './fixtures.js';

const w = (...available: number[]) => siteWeights(available.map((a, i) => ({ site: `s${i}`, available: a }))).map((x) => x.weight);

describe('siteWeights (002 lines 234-262)', () => {
  it('10 and 5 services available → 2:1', () => {
    expect(w(10, 5)).toEqual([2, 1]);
  });
  it('weight sums 250 and 500 → 1:2', () => {
    expect(w(250, 500)).toEqual([1, 2]);
  });
  it('three sites 10/5/15 → 2:1:3', () => {
    expect(w(10, 5, 15)).toEqual([2, 1, 3]);
  });
  it('weight sums 300/500/100 → 3:5:1', () => {
    expect(w(300, 500, 100)).toEqual([3, 5, 1]);
  });

  it('gives 0 to sites with nothing available and keeps fractional ratios', () => {
    expect(w(0, 4, -3)).toEqual([0, 1, 0]);
    expect(w(0, 0)).toEqual([0, 0]);
    expect(w(2.5, 1)).toEqual([5, 2]);
  });

  it('shares sum to 1', () => {
    expect(
      siteShares([
        { site: 'a', available: 10 },
        { site: 'b', available: 5 },
        { site: 'c', available: 15 },
      ]).map((s) => s.share),
    ).toEqual([1 / 3, 1 / 6, 1 / 2]);
    expect(siteShares([{ site: 'a', available: 0 }]).map((s) => s.share)).toEqual([0]);
  });

  it('counts available services or sums their weights', () => {
    const services = [
      svc('a', { weight: 40 }),
      svc('b', { weight: 40 }),
      svc('c', { weight: 40 }),
      svc('d', { weight: 40, up: false }),
      svc('e', { weight: 40, state: 'disabled' }),
    ];
    expect(availableCount(services)).toBe(3);
    expect(availableWeight(services)).toBe(120);
  });
});

describe('SitePicker', () => {
  it('forwards requests in proportion to the weights (300/500/100 → 3:5:1 per 9 requests)', () => {
    const p = new SitePicker();
    const sites = [
      { site: 'first', available: 300 },
      { site: 'second', available: 500 },
      { site: 'third', available: 100 },
    ];
    const got: Record<string, number> = {};
    for (let i = 0; i < 90; i++) {
      const s = p.pick(sites)!;
      got[s] = (got[s] ?? 0) + 1;
    }
    expect(got).toEqual({ first: 30, second: 50, third: 10 });
  });

  it('never picks a site with nothing available; null when none has anything', () => {
    const p = new SitePicker();
    for (let i = 0; i < 10; i++)
      expect(
        p.pick([
          { site: 'empty', available: 0 },
          { site: 'full', available: 3 },
        ]),
      ).toBe('full');
    expect(p.pick([{ site: 'empty', available: 0 }])).toBeNull();
  });
});

describe('availableBySite', () => {
  it('sums the weights of each site’s available services (their count with weights of 1); other services count for none', () => {
    const bound = [
      { ...svc('a1', { weight: 1 }), site: 'a' },
      { ...svc('a2', { weight: 1 }), site: 'a' },
      { ...svc('a3', { weight: 1, up: false }), site: 'a' },
      { ...svc('b1', { weight: 3 }), site: 'b' },
      { ...svc('b2', { weight: 3, state: 'disabled' }), site: 'b' },
      svc('nowhere', { weight: 7 }),
      { ...svc('elsewhere', { weight: 9 }), site: 'z' },
    ];
    expect(availableBySite(['a', 'b', 'c'], bound)).toEqual([
      { site: 'a', available: 2 },
      { site: 'b', available: 3 },
      { site: 'c', available: 0 },
    ]);
  });
});

describe('siteToForward', () => {
  const sites = [
    { site: 'here', available: 10 },
    { site: 'there', available: 5 },
    { site: 'empty', available: 0 },
  ];
  it('forwards the other sites’ share (10/5 → 1 in 3 to there), never to a site with nothing', () => {
    const p = new SitePicker();
    const got: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const to = siteToForward(p, sites, 'here', false) ?? 'local';
      got[to] = (got[to] ?? 0) + 1;
    }
    expect(got).toEqual({ local: 200, there: 100 });
  });
  it('never forwards a connection forwarded already (one hop at most: no loop)', () => {
    const p = new SitePicker();
    for (let i = 0; i < 30; i++) expect(siteToForward(p, [{ site: 'here', available: 0 }, ...sites.slice(1)], 'here', true)).toBeNull();
  });
  it('serves here when nothing is available anywhere', () => {
    expect(siteToForward(new SitePicker(), [{ site: 'here', available: 0 }], 'here', false)).toBeNull();
  });
});
