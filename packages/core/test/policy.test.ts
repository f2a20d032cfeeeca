import { describe, expect, it } from 'vitest';
import { connectionLimit, evaluatePolicy, type LiveState, type SpilloverPolicy } from '../src/index.js';
import { svc } from './fixtures.js';

const services = [svc('web-1', { capacity: 200, weight: 2 }), svc('web-2', { capacity: 200 })];
const state = (over: Partial<LiveState> = {}): LiveState => ({ activeConnections: 0, services, kbps: { in: 0, out: 0 }, ...over });

describe('evaluatePolicy', () => {
  it('never trips without methods and has no limit', () => {
    expect(evaluatePolicy({ methods: [] }, state({ activeConnections: 1e9 }))).toEqual({ tripped: false, limit: null, methods: [] });
    expect(evaluatePolicy({ methods: [], combine: 'all' }, state()).tripped).toBe(false);
  });

  it('connection: trips once active connections reach the static threshold', () => {
    const p: SpilloverPolicy = { methods: [{ type: 'connection', threshold: 100 }] };
    expect(evaluatePolicy(p, state({ activeConnections: 99 })).tripped).toBe(false);
    const v = evaluatePolicy(p, state({ activeConnections: 100 }));
    expect(v).toEqual({ tripped: true, limit: 100, methods: [{ type: 'connection', tripped: true, value: 100, threshold: 100 }] });
  });

  it('dynamicconnection: the limit follows the UP capacity (a service DOWN lowers it)', () => {
    const p: SpilloverPolicy = { methods: [{ type: 'dynamicconnection' }] };
    expect(evaluatePolicy(p, state({ activeConnections: 300 }))).toMatchObject({ tripped: false, limit: 400 });
    const oneDown = [services[0]!, { ...services[1]!, up: false }];
    expect(evaluatePolicy(p, state({ activeConnections: 300, services: oneDown }))).toMatchObject({ tripped: true, limit: 200 });
  });

  it('bandwidth: trips when the measured rate of the configured direction reaches the threshold', () => {
    const p = (direction: 'in' | 'out' | 'both'): SpilloverPolicy => ({ methods: [{ type: 'bandwidth', thresholdKbps: 1000, direction }] });
    const s = state({ kbps: { in: 600, out: 500 } });
    expect(evaluatePolicy(p('in'), s).tripped).toBe(false);
    expect(evaluatePolicy(p('out'), s).tripped).toBe(false);
    expect(evaluatePolicy(p('both'), s)).toMatchObject({ tripped: true, limit: null, methods: [{ type: 'bandwidth', value: 1100, threshold: 1000 }] });
    expect(evaluatePolicy(p('in'), state({ kbps: { in: 1000, out: 0 } })).tripped).toBe(true);
    expect(evaluatePolicy(p('both'), state({ kbps: undefined })).tripped).toBe(false);
  });

  it('health: trips when health falls to or below the threshold (weights of UP enabled services)', () => {
    const p: SpilloverPolicy = { methods: [{ type: 'health', thresholdPercent: 50 }] };
    expect(evaluatePolicy(p, state()).tripped).toBe(false);
    const bigDown = [{ ...services[0]!, up: false }, services[1]!];
    expect(evaluatePolicy(p, state({ services: bigDown }))).toMatchObject({ tripped: true, methods: [{ value: 100 / 3 }] });
    const smallDown = [services[0]!, { ...services[1]!, up: false }];
    expect(evaluatePolicy(p, state({ services: smallDown })).tripped).toBe(false);
    expect(evaluatePolicy(p, state({ healthPercent: 50 })).tripped).toBe(true);
  });

  it('combines methods with any (default): one tripped method spills', () => {
    const p: SpilloverPolicy = { methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 400_000, direction: 'both' }] };
    expect(evaluatePolicy(p, state({ activeConnections: 10, kbps: { in: 400_000, out: 0 } })).tripped).toBe(true);
    expect(evaluatePolicy(p, state({ activeConnections: 400 })).tripped).toBe(true);
    expect(evaluatePolicy(p, state({ activeConnections: 10 })).tripped).toBe(false);
  });

  it('combines methods with all: spills only when every method trips', () => {
    const p: SpilloverPolicy = {
      combine: 'all',
      methods: [
        { type: 'connection', threshold: 10 },
        { type: 'health', thresholdPercent: 50 },
      ],
    };
    const degraded = [{ ...services[0]!, up: false }, services[1]!];
    expect(evaluatePolicy(p, state({ activeConnections: 10 })).tripped).toBe(false);
    expect(evaluatePolicy(p, state({ activeConnections: 5, services: degraded })).tripped).toBe(false);
    const v = evaluatePolicy(p, state({ activeConnections: 10, services: degraded }));
    expect(v.tripped).toBe(true);
    expect(v.methods.map((m) => m.tripped)).toEqual([true, true]);
  });
});

describe('connectionLimit', () => {
  it('with any, is the smallest connection threshold', () => {
    expect(connectionLimit({ methods: [{ type: 'connection', threshold: 300 }, { type: 'dynamicconnection' }] }, services)).toBe(300);
    expect(connectionLimit({ methods: [{ type: 'connection', threshold: 500 }, { type: 'dynamicconnection' }] }, services)).toBe(400);
  });

  it('with all and only connection methods, is the largest; with other methods too, none', () => {
    expect(connectionLimit({ combine: 'all', methods: [{ type: 'connection', threshold: 500 }, { type: 'dynamicconnection' }] }, services)).toBe(500);
    expect(
      connectionLimit(
        {
          combine: 'all',
          methods: [
            { type: 'connection', threshold: 500 },
            { type: 'health', thresholdPercent: 10 },
          ],
        },
        services,
      ),
    ).toBeNull();
  });

  it('is null without a connection method', () => {
    expect(connectionLimit({ methods: [{ type: 'health', thresholdPercent: 10 }] }, services)).toBeNull();
  });
});
