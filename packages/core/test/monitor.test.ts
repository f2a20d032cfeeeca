import { describe, expect, it } from 'vitest';
import { aggregateMonitors, FallRise, MonitorBinding, quorumState, ResponseTimeTracker, ServiceVoteAggregator } from '../src/index.js';

const votes = (weights: number[], up: boolean[]) => weights.map((weight, i) => ({ weight, up: up[i]! }));

describe('aggregateMonitors (002 lines 228-232, 264-274)', () => {
  it('five monitors of weight 30 with three reporting UP sum to 90', () => {
    const a = aggregateMonitors(votes([30, 30, 30, 30, 30], [true, true, true, false, false]), 90);
    expect(a).toEqual({ upWeight: 90, totalWeight: 150, threshold: 90, up: true });
    expect(aggregateMonitors(votes([30, 30, 30, 30, 30], [true, true, true, false, false]), 91).up).toBe(false);
  });

  it('monitors of weight 20 and 40 reporting UP sum to 60', () => {
    expect(aggregateMonitors(votes([20, 40, 25], [true, true, false]), 60)).toMatchObject({ upWeight: 60, up: true });
  });

  it('four monitors of 10 with threshold 20: UP with two UP, DOWN once more than half are DOWN', () => {
    const four = [10, 10, 10, 10];
    expect(aggregateMonitors(votes(four, [true, true, true, true]), 20).up).toBe(true);
    expect(aggregateMonitors(votes(four, [true, true, false, false]), 20).up).toBe(true);
    expect(aggregateMonitors(votes(four, [true, false, false, false]), 20)).toMatchObject({ upWeight: 10, up: false });
    expect(aggregateMonitors(votes(four, [false, false, false, false]), 20).up).toBe(false);
  });

  it('without a threshold needs every monitor UP (NetScaler: any failing monitor marks the service DOWN)', () => {
    expect(aggregateMonitors(votes([1, 1], [true, true])).up).toBe(true);
    expect(aggregateMonitors(votes([1, 1], [true, false]))).toMatchObject({ threshold: 2, up: false });
  });

  it('a service without monitors is UP', () => {
    expect(aggregateMonitors([]).up).toBe(true);
  });

  it('threshold 0 keeps the service UP even with every monitor DOWN', () => {
    expect(aggregateMonitors(votes([5], [false]), 0).up).toBe(true);
  });
});

describe('ResponseTimeTracker (002 lines 294-296)', () => {
  it('fails a probe slower than the absolute limit', () => {
    const t = new ResponseTimeTracker({ maxMs: 800 });
    expect(t.observe(800).ok).toBe(true);
    expect(t.observe(801)).toMatchObject({ ok: false, reason: 'response 801 ms over 800 ms' });
  });

  it('fails a probe slower than a multiple of the rolling average, once enough samples exist', () => {
    const t = new ResponseTimeTracker({ maxOverAverage: 3 }, { minSamples: 3 });
    expect(t.observe(100).ok).toBe(true);
    expect(t.observe(1000).ok).toBe(true); // no average yet
    expect(t.observe(100).ok).toBe(true);
    expect(t.average()).toBe(400);
    expect(t.observe(1201).ok).toBe(false);
    expect(t.observe(1200).ok).toBe(true);
  });

  it('fails a probe beyond a deviation (ms) above the rolling average', () => {
    const t = new ResponseTimeTracker({ maxDeviationMs: 50 }, { minSamples: 2 });
    t.observe(100);
    t.observe(100);
    expect(t.judge(150).ok).toBe(true);
    expect(t.judge(151)).toMatchObject({ ok: false, averageMs: 100 });
  });

  it('keeps failed probes out of the average and averages only the last window samples', () => {
    const t = new ResponseTimeTracker({ maxMs: 500 }, { window: 3, minSamples: 1 });
    t.observe(10);
    t.observe(20);
    t.observe(900);
    t.observe(30);
    expect(t.average()).toBe(20);
    t.observe(40);
    expect(t.average()).toBe(30);
  });
});

describe('FallRise', () => {
  it('takes the first result at once when pending', () => {
    const up = new FallRise(3, 2);
    expect(up.state).toBeNull();
    expect(up.observe(true)).toEqual({ state: 'UP', changed: true });
    const down = new FallRise(3, 2);
    expect(down.observe(false)).toEqual({ state: 'DOWN', changed: true });
  });

  it('turns DOWN after fall failures in a row and UP after rise successes in a row', () => {
    const f = new FallRise(3, 2, 'UP');
    expect(f.observe(false).changed).toBe(false);
    expect(f.observe(false).changed).toBe(false);
    expect(f.observe(false)).toEqual({ state: 'DOWN', changed: true });
    expect(f.observe(true).state).toBe('DOWN');
    expect(f.observe(true)).toEqual({ state: 'UP', changed: true });
  });

  it('restarts the count when a result agrees with the current state', () => {
    const f = new FallRise(2, 1, 'UP');
    f.observe(false);
    f.observe(true);
    expect(f.observe(false).state).toBe('UP');
    expect(f.observe(false).state).toBe('DOWN');
  });

  it('rejects fall or rise below 1', () => {
    expect(() => new FallRise(0, 1)).toThrow(RangeError);
    expect(() => new FallRise(1, 1.5)).toThrow(RangeError);
  });
});

describe('MonitorBinding', () => {
  it('counts a successful but too slow probe as a failure towards fall', () => {
    const b = new MonitorBinding({ fall: 2, rise: 1, responseTime: { maxMs: 100 }, initial: 'UP' });
    expect(b.observe({ ok: true, responseMs: 150 })).toMatchObject({ state: 'UP', ok: false, reason: 'response 150 ms over 100 ms' });
    expect(b.observe({ ok: true, responseMs: 150 })).toMatchObject({ state: 'DOWN', changed: true });
    expect(b.observe({ ok: true, responseMs: 20 })).toMatchObject({ state: 'UP', changed: true, ok: true, reason: null });
  });

  it('passes the probe failure reason through', () => {
    const b = new MonitorBinding({ fall: 1, rise: 1 });
    expect(b.observe({ ok: false, responseMs: 2000, reason: 'timeout' })).toMatchObject({ state: 'DOWN', reason: 'timeout' });
  });
});

describe('quorumState / ServiceVoteAggregator (service state across agents)', () => {
  it('majority needs more than half the voters UP; any one; all every one', () => {
    expect(quorumState(2, 3)).toBe('UP');
    expect(quorumState(1, 2)).toBe('DOWN');
    expect(quorumState(1, 3, 'any')).toBe('UP');
    expect(quorumState(0, 3, 'any')).toBe('DOWN');
    expect(quorumState(2, 3, 'all')).toBe('DOWN');
    expect(quorumState(3, 3, 'all')).toBe('UP');
    expect(quorumState(0, 0)).toBeNull();
  });

  it('reports a change of the aggregate state once, and re-decides when a voter leaves', () => {
    const a = new ServiceVoteAggregator();
    expect(a.vote('agent-a', 'web-1', 'UP')).toBe('UP');
    expect(a.vote('agent-b', 'web-1', 'UP')).toBeNull();
    expect(a.vote('agent-c', 'web-1', 'DOWN')).toBeNull();
    expect(a.vote('agent-b', 'web-1', 'DOWN')).toBe('DOWN');
    expect(a.view('web-1')).toEqual({ state: 'DOWN', up: 1, voters: 3, byVoter: { 'agent-a': 'UP', 'agent-b': 'DOWN', 'agent-c': 'DOWN' } });
    expect(a.removeVoter('agent-c')).toEqual([]); // 1 of 2: still not a majority
    expect(a.removeVoter('agent-b')).toEqual([{ service: 'web-1', state: 'UP' }]);
    expect(a.removeVoter('agent-a')).toEqual([{ service: 'web-1', state: null }]);
    expect(a.state('web-1')).toBeNull();
    expect(a.states()).toEqual({});
  });
});
