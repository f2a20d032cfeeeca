import { describe, expect, it } from 'vitest';
import { SpillEpisodes, spillCause, type ChainVServer, type SpillCounts, type SpillEpisodeEvent } from '../src/index.js';
import { svc } from './fixtures.js';

const counts = (total: number, byCause?: SpillCounts['byCause']): SpillCounts => ({ total, ...(byCause ? { byCause } : {}) });

describe('SpillEpisodes', () => {
  it('takes the first report of an agent as a baseline, not as spills', () => {
    const e = new SpillEpisodes(1_000);
    expect(e.report('a1', { web: counts(500) }, 0)).toEqual([]);
    expect(e.spilling('web')).toBe(false);
    expect(e.report('a1', { web: counts(500) }, 1_000)).toEqual([]);
  });

  it('starts once when spills begin, whatever the reports that follow show, and names the cause and the agent', () => {
    const e = new SpillEpisodes(1_000);
    e.report('a1', { web: counts(0) }, 0);
    expect(e.report('a1', { web: counts(3, { connection: 2, health: 1 }) }, 100)).toEqual([
      { kind: 'started', vserver: 'web', cause: 'connection', agents: ['a1'], at: 100 },
    ]);
    for (let t = 200, n = 4; t < 2_000; t += 100, n += 50) expect(e.report('a1', { web: counts(n, { connection: n }) }, t)).toEqual([]);
    expect(e.spilling('web')).toBe(true);
  });

  it('stops only after no spill for the hold time, with the episode totals and every agent involved', () => {
    const e = new SpillEpisodes(1_000);
    e.report('a1', { web: counts(0) }, 0);
    e.report('a2', { web: counts(10) }, 0);
    e.report('a1', { web: counts(2, { bandwidth: 2 }) }, 100);
    e.report('a2', { web: counts(15, { bandwidth: 1, connection: 4 }) }, 600);
    expect(e.expire(1_500)).toEqual([]);
    expect(e.nextExpiry()).toBe(1_600);
    e.report('a1', { web: counts(2, { bandwidth: 2 }) }, 1_500);
    expect(e.expire(1_599)).toEqual([]);
    expect(e.expire(1_600)).toEqual([
      {
        kind: 'stopped',
        vserver: 'web',
        cause: 'connection',
        agents: ['a1', 'a2'],
        spills: 7,
        byCause: { bandwidth: 3, connection: 4 },
        startedAt: 100,
        lastSpillAt: 600,
        at: 1_600,
        reason: 'quiet',
      },
    ]);
    expect(e.spilling('web')).toBe(false);
    expect(e.nextExpiry()).toBeNull();
  });

  it('makes one start/stop pair per episode: a vserver spilling again after the hold starts a new one', () => {
    const e = new SpillEpisodes(500);
    const events: SpillEpisodeEvent[] = [];
    let total = 0;
    e.report('a1', { web: counts(total) }, 0);
    // Two bursts of spills, one report every 100 ms, 2 s of quiet between them.
    for (let t = 100; t <= 5_000; t += 100) {
      const burst = (t >= 100 && t < 1_000) || (t >= 3_000 && t < 3_500);
      if (burst) total += 7;
      events.push(...e.report('a1', { web: counts(total, { connection: total }) }, t), ...e.expire(t));
    }
    expect(events.map((x) => `${x.kind}@${x.at}`)).toEqual(['started@100', 'stopped@1400', 'started@3000', 'stopped@3900']);
  });

  it('takes a counter that went down (a restarted agent) as a new baseline', () => {
    const e = new SpillEpisodes(1_000);
    e.report('a1', { web: counts(100) }, 0);
    expect(e.report('a1', { web: counts(3) }, 100)).toEqual([]);
    expect(e.report('a1', { web: counts(4) }, 200)).toHaveLength(1);
  });

  it('counts a vserver new to a known agent from zero, and a forgotten agent from a baseline again', () => {
    const e = new SpillEpisodes(1_000);
    e.report('a1', {}, 0);
    expect(e.report('a1', { web: counts(2) }, 100)).toEqual([{ kind: 'started', vserver: 'web', cause: null, agents: ['a1'], at: 100 }]);
    e.forgetAgent('a1');
    expect(e.report('a1', { api: counts(9) }, 200)).toEqual([]);
  });

  it('stops the episode of a vserver removed from the config at once', () => {
    const e = new SpillEpisodes(60_000);
    e.report('a1', { web: counts(0) }, 0);
    e.report('a1', { web: counts(1, { down: 1 }) }, 10);
    expect(e.remove(['web', 'other'], 20)).toEqual([expect.objectContaining({ kind: 'stopped', vserver: 'web', cause: 'down', reason: 'removed', at: 20 })]);
    expect(e.spilling('web')).toBe(false);
  });

  it('refuses a hold time that is not positive', () => {
    expect(() => new SpillEpisodes(0)).toThrow(RangeError);
  });
});

describe('spillCause', () => {
  const vs = (methods: ChainVServer['spillover']['methods'], combine: 'any' | 'all' = 'any'): ChainVServer => ({ name: 'v', spillover: { methods, combine } });
  const state = (over: { up?: boolean; kbps?: number } = {}) => ({
    activeConnections: 0,
    services: [svc('s', { up: over.up ?? true })],
    kbps: { in: over.kbps ?? 0, out: 0 },
  });

  it('names down when no bound service is usable', () => {
    expect(spillCause(vs([{ type: 'connection', threshold: 1 }]), state({ up: false }))).toBe('down');
  });
  it('names the other method that trips before the connection count', () => {
    const v = vs([
      { type: 'connection', threshold: 1 },
      { type: 'bandwidth', thresholdKbps: 100, direction: 'in' },
    ]);
    expect(spillCause(v, state({ kbps: 500 }))).toBe('bandwidth');
    expect(spillCause(v, state({ kbps: 10 }))).toBe('connection');
  });
  it('names health when the share of UP capacity is under its threshold', () => {
    const v = vs([{ type: 'health', thresholdPercent: 60 }]);
    expect(spillCause(v, { activeConnections: 0, services: [svc('a'), svc('b', { up: false })] })).toBe('health');
  });
});
