// The tables of live connections (live-table.ts): a member is found until it is deleted. A walk
// skips the members deleted before it reaches them, also those deleted by the walk itself (a sweep
// closes connections). A deleted member leaves nothing of the table on it or in it.
import { describe, expect, it } from 'vitest';
import { LiveTable } from '../src/live-table.js';

const member = (n: number): { n: number } => ({ n });

describe('a table of live connections', () => {
  it('holds members and values until each is deleted, in any order', () => {
    const t = new LiveTable<{ n: number }, string>();
    const ms = [0, 1, 2, 3, 4].map(member);
    for (const m of ms) t.set(m, `v${m.n}`);
    expect(t.size).toBe(5);
    expect(t.delete(ms[1]!)).toBe(true);
    expect(t.delete(ms[1]!)).toBe(false);
    expect(t.delete(ms[4]!)).toBe(true);
    expect(t.size).toBe(3);
    expect(t.has(ms[1]!)).toBe(false);
    expect(t.get(ms[4]!)).toBeUndefined();
    expect([...t.entries()].sort((a, b) => a[0].n - b[0].n)).toEqual([
      [ms[0], 'v0'],
      [ms[2], 'v2'],
      [ms[3], 'v3'],
    ]);
    t.set(ms[2]!, 'again');
    expect(t.size).toBe(3);
    expect(t.get(ms[2]!)).toBe('again');
  });

  it('keeps each member in two tables apart', () => {
    const a = new LiveTable<{ n: number }>();
    const b = new LiveTable<{ n: number }>();
    const m = member(1);
    a.add(m);
    b.add(m);
    a.delete(m);
    expect(a.has(m)).toBe(false);
    expect(b.has(m)).toBe(true);
    expect([...b]).toEqual([m]);
  });

  it('walks past members a walk deletes, visiting each live one once', () => {
    const t = new LiveTable<{ n: number }>();
    const ms = Array.from({ length: 10 }, (_, i) => member(i));
    for (const m of ms) t.add(m);
    const seen: number[] = [];
    for (const m of t) {
      seen.push(m.n);
      // Each visit closes itself and the next one by number, as a sweep can.
      t.delete(m);
      const next = ms[m.n + 1];
      if (next) t.delete(next);
    }
    expect(seen).toEqual([0, 2, 4, 6, 8]);
    expect(t.size).toBe(0);
  });

  it('leaves no index on a deleted member and holds no reference to it', () => {
    const t = new LiveTable<{ n: number }>();
    const ms = Array.from({ length: 4 }, (_, i) => member(i));
    for (const m of ms) t.add(m);
    for (const m of ms) t.delete(m);
    for (const m of ms) expect(Object.getOwnPropertySymbols(m).map((s) => (m as unknown as Record<symbol, unknown>)[s])).toEqual([undefined]);
    const inside = t as unknown as { keys: unknown[]; values: unknown[] };
    expect(inside.keys).toEqual([]);
    expect(inside.values).toEqual([]);
    t.add(ms[0]!);
    t.clear();
    expect(t.has(ms[0]!)).toBe(false);
    expect(t.size).toBe(0);
  });
});
