import { describe, expect, it } from 'vitest';
import { AdmissionPipeline, PersistenceTable, resolveChain, type BorrowOutcome, type ChainVServer, type LiveState, type QuotaPort } from '../src/index.js';
import { svc } from './fixtures.js';

const vs = (name: string, spillover: Partial<ChainVServer['spillover']> = {}): ChainVServer => ({
  name,
  protocol: 'tcp',
  spillover: { methods: [{ type: 'connection', threshold: 2 }], action: 'drop', ...spillover },
});

/** A quota with `share` local uses per vserver; a borrow answers `answer` a microtask later. */
function port(share: number, answer: BorrowOutcome = { kind: 'denied' }) {
  const used = new Map<string, number>();
  const calls: string[] = [];
  const q: QuotaPort = {
    limited: () => true,
    take: (v) => {
      const n = used.get(v.name) ?? 0;
      if (n >= share) return false;
      used.set(v.name, n + 1);
      return true;
    },
    borrow: (v) => {
      calls.push(`borrow ${v.name}`);
      return Promise.resolve(answer).then((a) => {
        if (a.kind === 'granted') used.set(v.name, (used.get(v.name) ?? 0) + 1);
        return a;
      });
    },
    force: (v) => {
      calls.push(`force ${v.name}`);
      used.set(v.name, (used.get(v.name) ?? 0) + 1);
    },
    release: (v) => used.set(v.name, (used.get(v.name) ?? 0) - 1),
  };
  return { q, used, calls };
}

const up = (): LiveState => ({ activeConnections: 0, services: [svc('s')] });

describe('AdmissionPipeline', () => {
  const chain = resolveChain('a', [vs('a', { backup: 'b' }), vs('b', { action: 'accept' })]);

  it('answers synchronously while the local share lasts, and releases the use when the connection ends', () => {
    const { q, used } = port(2);
    const p = new AdmissionPipeline(chain, () => up(), q);
    const d = p.admit('c');
    expect(d).toMatchObject({ kind: 'vserver', vserver: 'a', quota: true, held: null });
    expect(used.get('a')).toBe(1);
    if (!(d instanceof Promise)) p.finish(d);
    expect(used.get('a')).toBe(0);
  });

  it('returns a Promise only when it must borrow, and spills to the backup when the borrow is denied', async () => {
    const { q, calls } = port(1);
    const p = new AdmissionPipeline(chain, () => up(), q);
    expect(p.admit('c1')).not.toBeInstanceOf(Promise);
    const second = p.admit('c2');
    expect(second).toBeInstanceOf(Promise);
    expect(await second).toMatchObject({ kind: 'vserver', vserver: 'b', spilled: true, from: 0, index: 1 });
    expect(calls).toEqual(['borrow a']);
  });

  it('hands a connection to the engine a borrow names, and the other engine continues at that position', async () => {
    const { q } = port(0, { kind: 'handoff', engine: 7 });
    const p = new AdmissionPipeline(chain, () => up(), q);
    expect(await p.admit('c')).toEqual({ kind: 'handoff', vserver: 'a', index: 0, from: 0, engine: 7 });
    const there = port(1);
    expect(new AdmissionPipeline(chain, () => up(), there.q).admit('c', 0, [3, 7])).toMatchObject({ kind: 'vserver', vserver: 'a' });
  });

  it('accept forces a use above the limit where a service is UP, and drops where none is', async () => {
    const { q, calls } = port(0);
    const p = new AdmissionPipeline(chain, () => up(), q);
    expect(await p.admit('c')).toMatchObject({ kind: 'accept', vserver: 'b', quota: true });
    expect(calls).toEqual(['borrow a', 'borrow b', 'force b']);
    const down = (n: string): LiveState => (n === 'a' ? up() : { activeConnections: 0, services: [svc('s', { up: false })] });
    expect(await new AdmissionPipeline(resolveChain('b', [vs('b', { action: 'accept' })]), down, port(0).q).admit('c')).toMatchObject({
      kind: 'drop',
      vserver: 'b',
    });
  });

  it('records a connection served on a backup in spillover persistence, holds it while it lives, and serves the client there next time', async () => {
    const table = new PersistenceTable<string>(() => 1000);
    const { q } = port(2);
    const p = new AdmissionPipeline(chain, () => up(), q, table, 5_000);
    expect(p.admit('x')).not.toBeInstanceOf(Promise);
    expect(p.admit('x')).not.toBeInstanceOf(Promise); // a's share used up
    const spilled = await p.admit('c');
    expect(spilled).toMatchObject({ vserver: 'b', held: 'a|c' });
    expect(table.entry('a|c')).toMatchObject({ value: 'b', live: 1 });
    expect(p.admit('c')).toMatchObject({ kind: 'vserver', vserver: 'b', reason: 'live' });
    p.finish(spilled);
    expect(table.entry('a|c')).toMatchObject({ value: 'b', live: 1 });
  });

  it('walks a chain of any length to its end (no hop cap): 100 vservers whose health trips spill to the last', () => {
    const names = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const list = names.map((n, i) => vs(n, i < 99 ? { methods: [{ type: 'health', thresholdPercent: 100 }], backup: names[i + 1]! } : { methods: [] }));
    expect(new AdmissionPipeline(resolveChain('v0', list), () => up(), port(0).q).admit('c')).toMatchObject({
      kind: 'vserver',
      vserver: 'v99',
      from: 0,
      index: 99,
    });
  });

  it('with all over connection and bandwidth, serves above the count (counted) until the bandwidth trips too', () => {
    const both = vs('w', {
      methods: [
        { type: 'connection', threshold: 1 },
        { type: 'bandwidth', thresholdKbps: 100, direction: 'in' },
      ],
      combine: 'all',
    });
    const { q, calls } = port(1);
    let kbps = 0;
    const p = new AdmissionPipeline([both], () => ({ ...up(), kbps: { in: kbps, out: 0 } }), q);
    expect(p.admit('c1')).toMatchObject({ kind: 'vserver', quota: true });
    expect(p.admit('c2')).toMatchObject({ kind: 'vserver', quota: true });
    expect(calls).toEqual(['force w']);
    kbps = 500;
    expect(p.admit('c3')).toBeInstanceOf(Promise);
  });
});
