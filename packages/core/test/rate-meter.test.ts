import { describe, expect, it } from 'vitest';
import { bandwidthTrips, directional, RateMeter, toKbps } from '../src/index.js';

const clock = (start = 1_000_000) => {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};

describe('RateMeter', () => {
  it('measures bytes per second over the window in each direction and both', () => {
    const c = clock();
    const m = new RateMeter({ windowMs: 10_000, buckets: 10, now: c.now });
    for (let i = 0; i < 10; i++) {
      m.record('in', 1000);
      m.record('out', 3000);
      c.advance(1000);
    }
    c.advance(-1); // still inside the last bucket of the ten seconds
    expect(m.rate('in')).toBeCloseTo(1000, 5);
    expect(m.rate('out')).toBeCloseTo(3000, 5);
    expect(m.rate('both')).toBeCloseTo(4000, 5);
    expect(m.kbps('both')).toBeCloseTo(32, 5);
  });

  it('forgets bytes older than the window', () => {
    const c = clock();
    const m = new RateMeter({ windowMs: 1000, buckets: 10, now: c.now });
    m.record('in', 5000);
    expect(m.rate('in')).toBe(5000);
    c.advance(1000 + 100); // a window and the bucket the bytes fell in
    expect(m.rate('in')).toBe(0);
    c.advance(60_000);
    expect(m.rate('both')).toBe(0);
  });

  it('counts the oldest bucket in proportion to the part still inside the window', () => {
    const c = clock(0);
    const m = new RateMeter({ windowMs: 1000, buckets: 4, now: c.now });
    m.record('out', 1000); // bucket [0, 250)
    c.advance(1125); // window (125, 1125]: half of that bucket is inside
    expect(m.rate('out')).toBeCloseTo(500, 5);
  });

  it('slides: after a burst ends, the rate decays bucket by bucket', () => {
    const c = clock(0);
    const m = new RateMeter({ windowMs: 1000, buckets: 10, now: c.now });
    for (let i = 0; i < 10; i++) {
      m.record('in', 100);
      c.advance(100);
    }
    const rates: number[] = [];
    for (let i = 0; i < 10; i++) {
      c.advance(100);
      rates.push(m.rate('in'));
    }
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThanOrEqual(rates[i - 1]!);
    expect(rates[rates.length - 1]).toBe(0);
  });

  it('takes growing totals from sampled counters and treats a counter reset as a new total', () => {
    const c = clock(0);
    const m = new RateMeter({ windowMs: 2000, buckets: 4, now: c.now });
    m.observeTotals({ in: 10_000, out: 0 });
    c.advance(500);
    m.observeTotals({ in: 12_000, out: 500 });
    c.advance(500);
    m.observeTotals({ in: 14_000, out: 1000 });
    expect(m.rate('in')).toBe(2000); // 4000 bytes over the 2 s window
    c.advance(500);
    m.observeTotals({ in: 1000, out: 1000 }); // restarted
    expect(m.rate('in')).toBe(2500);
  });

  it('ignores empty or negative records and rejects a bad window', () => {
    const m = new RateMeter({ now: () => 0 });
    m.record('in', 0);
    m.record('in', -5);
    m.record('in', Number.NaN);
    expect(m.rate('in', 1)).toBe(0);
    expect(() => new RateMeter({ windowMs: 0 })).toThrow(RangeError);
    expect(() => new RateMeter({ buckets: 0 })).toThrow(RangeError);
  });
});

describe('bandwidth spillover', () => {
  it('trips when the rate reaches the threshold', () => {
    expect(bandwidthTrips(399_999, 400_000)).toBe(false);
    expect(bandwidthTrips(400_000, 400_000)).toBe(true);
  });

  it('reads the direction asked for (both is the sum) and converts bytes/s to kbit/s', () => {
    expect(directional({ in: 1, out: 2 }, 'in')).toBe(1);
    expect(directional({ in: 1, out: 2 }, 'out')).toBe(2);
    expect(directional({ in: 1, out: 2 }, 'both')).toBe(3);
    expect(toKbps(125_000)).toBe(1000);
  });
});
