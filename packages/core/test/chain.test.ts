import { describe, expect, it } from 'vitest';
import { decide, findChainCycle, PersistenceTable, persistenceKey, resolveChain, validateChain, type ChainVServer, type LiveState } from '../src/index.js';
import { svc } from './fixtures.js';

const vs = (name: string, spillover: Partial<ChainVServer['spillover']> = {}, protocol: 'tcp' | 'http' = 'http'): ChainVServer => ({
  name,
  protocol,
  spillover: { methods: [{ type: 'dynamicconnection' }], ...spillover },
});

// web (2 × 100) → web-overflow (1 × 50) → web-dr (1 × 10)
const web = vs('web', { backup: 'web-overflow', action: 'redirect', redirectUrl: 'https://status.example.com/busy' });
const overflow = vs('web-overflow', { backup: 'web-dr', action: 'drop' });
const dr = vs('web-dr', { action: 'accept' });
const all = [web, overflow, dr];
const chain = resolveChain('web', all);

const live = (active: Record<string, number>, down: string[] = []): Map<string, LiveState> =>
  new Map([
    ['web', { activeConnections: active.web ?? 0, services: [svc('w1', { up: !down.includes('w1') }), svc('w2', { up: !down.includes('w2') })] }],
    ['web-overflow', { activeConnections: active['web-overflow'] ?? 0, services: [svc('o1', { capacity: 50, up: !down.includes('o1') })] }],
    ['web-dr', { activeConnections: active['web-dr'] ?? 0, services: [svc('d1', { capacity: 10, up: !down.includes('d1') })] }],
  ]);

describe('resolveChain', () => {
  it('follows backups from the entry in order', () => {
    expect(chain.map((v) => v.name)).toEqual(['web', 'web-overflow', 'web-dr']);
    expect(resolveChain('web-overflow', all).map((v) => v.name)).toEqual(['web-overflow', 'web-dr']);
  });

  it('stops at an unknown backup or before a repeated name', () => {
    expect(resolveChain('a', [vs('a', { backup: 'ghost' })]).map((v) => v.name)).toEqual(['a']);
    expect(resolveChain('a', [vs('a', { backup: 'b' }), vs('b', { backup: 'a' })]).map((v) => v.name)).toEqual(['a', 'b']);
    expect(resolveChain('ghost', all)).toEqual([]);
  });
});

describe('decide', () => {
  it('serves on the entry while its policy does not trip', () => {
    expect(decide('10.0.0.1', chain, live({ web: 199 }))).toEqual({ kind: 'vserver', vserver: 'web', reason: 'chain', spilled: false, path: ['web'] });
  });

  it('spills to the backup once the entry reaches its dynamic threshold', () => {
    expect(decide('c', chain, live({ web: 200 }))).toEqual({
      kind: 'vserver',
      vserver: 'web-overflow',
      reason: 'chain',
      spilled: true,
      path: ['web', 'web-overflow'],
    });
  });

  it('spills sooner when a service goes DOWN (the threshold follows the UP capacity)', () => {
    expect(decide('c', chain, live({ web: 100 }, ['w2']))).toMatchObject({ vserver: 'web-overflow' });
    expect(decide('c', chain, live({ web: 99 }, ['w2']))).toMatchObject({ vserver: 'web' });
  });

  it('walks chains of any length', () => {
    expect(decide('c', chain, live({ web: 200, 'web-overflow': 50 }))).toMatchObject({
      kind: 'vserver',
      vserver: 'web-dr',
      path: ['web', 'web-overflow', 'web-dr'],
    });
    const long = Array.from({ length: 20 }, (_, i) => vs(`v${i}`, { methods: [{ type: 'connection', threshold: 1 }], backup: i < 19 ? `v${i + 1}` : null }));
    const state = new Map(long.map((v, i) => [v.name, { activeConnections: i < 19 ? 1 : 0, services: [svc('s')] }]));
    expect(decide('c', resolveChain('v0', long), state)).toMatchObject({ vserver: 'v19', spilled: true });
  });

  it("applies the exhausted vserver's own action when the chain ends: accept, drop, redirect", () => {
    expect(decide('c', chain, live({ web: 200, 'web-overflow': 50, 'web-dr': 10 }))).toEqual({
      kind: 'accept',
      vserver: 'web-dr',
      path: ['web', 'web-overflow', 'web-dr'],
    });
    const twoLong = resolveChain('web', [web, vs('web-overflow', { action: 'drop' })]);
    expect(decide('c', twoLong, live({ web: 200, 'web-overflow': 50 }))).toEqual({ kind: 'drop', vserver: 'web-overflow', path: ['web', 'web-overflow'] });
  });

  it('applies the action where the walk stops when the backup has no UP service (redirect)', () => {
    expect(decide('c', chain, live({ web: 200 }, ['o1']))).toEqual({ kind: 'redirect', vserver: 'web', url: 'https://status.example.com/busy', path: ['web'] });
  });

  it('drops on redirect without a URL, and on accept where no service is UP', () => {
    const bad = resolveChain('x', [vs('x', { action: 'redirect' })]);
    expect(decide('c', bad, new Map([['x', { activeConnections: 100, services: [svc('s')] }]]))).toMatchObject({ kind: 'drop', vserver: 'x' });
    const lone = resolveChain('y', [vs('y', { action: 'accept' })]);
    expect(decide('c', lone, new Map([['y', { activeConnections: 0, services: [svc('s', { up: false })] }]]))).toMatchObject({ kind: 'drop' });
    expect(decide('c', lone, new Map())).toMatchObject({ kind: 'drop' });
  });

  it('accepts by default when no action is configured', () => {
    const lone = resolveChain('y', [vs('y', {})]);
    expect(decide('c', lone, new Map([['y', { activeConnections: 100, services: [svc('s')] }]]))).toEqual({ kind: 'accept', vserver: 'y', path: ['y'] });
  });

  it('skips a vserver whose bandwidth or health policy trips', () => {
    const bw = vs('bw', { methods: [{ type: 'bandwidth', thresholdKbps: 100, direction: 'out' }], backup: 'b' });
    const b = vs('b');
    const state = new Map<string, LiveState>([
      ['bw', { activeConnections: 0, services: [svc('s')], kbps: { in: 0, out: 100 } }],
      ['b', { activeConnections: 0, services: [svc('t')] }],
    ]);
    expect(decide('c', resolveChain('bw', [bw, b]), state)).toMatchObject({ vserver: 'b', spilled: true });
  });

  it('keeps a persisted client on the backup that served it even after the entry recovers (002 lines 318-320)', () => {
    const t = new PersistenceTable<string>(() => 1000);
    t.set(persistenceKey('web', '10.0.0.9'), 'web-overflow', 120_000);
    expect(decide('10.0.0.9', chain, live({ web: 0 }), t, 1000)).toEqual({
      kind: 'vserver',
      vserver: 'web-overflow',
      reason: 'persistence',
      spilled: true,
      path: ['web-overflow'],
    });
    expect(decide('10.0.0.8', chain, live({ web: 0 }), t, 1000)).toMatchObject({ vserver: 'web' });
  });

  it('forgets a persistence entry past its timeout', () => {
    let now = 1000;
    const t = new PersistenceTable<string>(() => now);
    t.set(persistenceKey('web', 'c'), 'web-overflow', 5000);
    now = 6000;
    expect(decide('c', chain, live({}), t, now)).toMatchObject({ vserver: 'web', reason: 'chain' });
  });

  it('keeps a client with a live connection on its vserver while that one trips on bandwidth', () => {
    const t = new PersistenceTable<string>(() => 0);
    const hot = vs('hot', { methods: [{ type: 'bandwidth', thresholdKbps: 10, direction: 'both' }], backup: 'cool' });
    const cool = vs('cool');
    const state = new Map<string, LiveState>([
      ['hot', { activeConnections: 5, services: [svc('s')], kbps: { in: 50, out: 0 } }],
      ['cool', { activeConnections: 0, services: [svc('t')] }],
    ]);
    t.set(persistenceKey('hot', 'c'), 'hot', 0);
    t.hold(persistenceKey('hot', 'c'));
    expect(decide('c', resolveChain('hot', [hot, cool]), state, t, 10_000)).toMatchObject({ vserver: 'hot', reason: 'live' });
    expect(decide('other', resolveChain('hot', [hot, cool]), state, t, 10_000)).toMatchObject({ vserver: 'cool' });
  });

  it('never keeps a persisted client on a vserver whose connection limit is exhausted or that has no UP service', () => {
    const t = new PersistenceTable<string>(() => 0);
    t.set(persistenceKey('web', 'c'), 'web-overflow', 60_000);
    t.hold(persistenceKey('web', 'c'));
    expect(decide('c', chain, live({ 'web-overflow': 50 }), t, 0)).toMatchObject({ vserver: 'web', reason: 'chain' });
    expect(decide('c', chain, live({}, ['o1']), t, 0)).toMatchObject({ vserver: 'web', reason: 'chain' });
  });

  it('ignores a persistence entry naming a vserver outside the chain', () => {
    const t = new PersistenceTable<string>(() => 0);
    t.set(persistenceKey('web', 'c'), 'elsewhere', 60_000);
    expect(decide('c', chain, live({}), t, 0)).toMatchObject({ vserver: 'web', reason: 'chain' });
  });

  it('accepts live state as a function and rejects an empty chain', () => {
    const m = live({ web: 200 });
    expect(decide('c', chain, (n) => m.get(n))).toMatchObject({ vserver: 'web-overflow' });
    expect(() => decide('c', [], m)).toThrow(RangeError);
  });
});

describe('findChainCycle / validateChain', () => {
  it('finds no cycle in chains that end', () => {
    expect(findChainCycle(all)).toBeNull();
    expect(validateChain(all)).toEqual([]);
  });

  it('returns the cycle path web → web-overflow → web', () => {
    const cyc = [vs('web', { backup: 'web-overflow' }), vs('web-overflow', { backup: 'web' })];
    expect(findChainCycle(cyc)).toEqual(['web', 'web-overflow', 'web']);
    expect(validateChain(cyc)).toEqual([
      {
        code: 'SPILLOVER_CHAIN_CYCLE',
        vserver: 'web-overflow',
        path: '/spillover/backup',
        cycle: ['web', 'web-overflow', 'web'],
        message: 'backup chain web → web-overflow → web forms a cycle: web-overflow leads back to web',
      },
    ]);
  });

  it('finds a cycle entered from a chain that leads into it', () => {
    const cyc = [vs('a', { backup: 'b' }), vs('b', { backup: 'c' }), vs('c', { backup: 'd' }), vs('d', { backup: 'b' })];
    expect(findChainCycle(cyc)).toEqual(['b', 'c', 'd', 'b']);
    expect(findChainCycle(new Map(cyc.map((v) => [v.name, v])))).toEqual(['b', 'c', 'd', 'b']);
  });

  it('reports a vserver that is its own backup', () => {
    expect(findChainCycle([vs('a', { backup: 'a' })])).toEqual(['a', 'a']);
    expect(validateChain([vs('a', { backup: 'a' })])).toMatchObject([{ code: 'SPILLOVER_BACKUP_SELF', vserver: 'a' }]);
  });

  it('reports unknown backups, protocol mismatches and redirect problems', () => {
    const problems = validateChain([
      vs('a', { backup: 'ghost' }),
      vs('h', { backup: 't' }, 'http'),
      vs('t', {}, 'tcp'),
      vs('r', { action: 'redirect' }, 'tcp'),
    ]);
    expect(problems.map((p) => [p.code, p.vserver])).toEqual([
      ['SPILLOVER_BACKUP_UNKNOWN', 'a'],
      ['SPILLOVER_BACKUP_PROTOCOL', 'h'],
      ['SPILLOVER_REDIRECT_URL', 'r'],
      ['SPILLOVER_REDIRECT_PROTOCOL', 'r'],
    ]);
  });
});
