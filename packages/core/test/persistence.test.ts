import { describe, expect, it } from 'vitest';
import { PersistenceTable } from '../src/index.js';

const table = () => {
  let t = 0;
  const tab = new PersistenceTable<string>(() => t);
  return {
    tab,
    at: (ms: number) => {
      t = ms;
    },
  };
};

describe('PersistenceTable', () => {
  it('keeps an entry until its timeout, then forgets it', () => {
    const { tab, at } = table();
    tab.set('c', 'web', 1000);
    at(999);
    expect(tab.get('c')).toBe('web');
    at(1000);
    expect(tab.get('c')).toBeUndefined();
    expect(tab.size).toBe(0);
  });

  it('the most recent value wins and its timeout restarts', () => {
    const { tab, at } = table();
    tab.set('c', 'web', 1000);
    at(800);
    tab.set('c', 'web-overflow', 1000);
    at(1700);
    expect(tab.entry('c')).toEqual({ value: 'web-overflow', expiresAt: 1800, live: 0 });
  });

  it('never expires while the client holds a connection; the timeout runs from the last release', () => {
    const { tab, at } = table();
    tab.set('c', 'web', 100);
    tab.hold('c');
    tab.hold('c');
    at(10_000);
    expect(tab.isLive('c')).toBe(true);
    tab.release('c', 100);
    at(20_000);
    expect(tab.get('c')).toBe('web');
    tab.release('c', 100);
    at(20_099);
    expect(tab.get('c')).toBe('web');
    at(20_100);
    expect(tab.get('c')).toBeUndefined();
  });

  it('ignores hold/release of unknown keys and extra releases', () => {
    const { tab } = table();
    tab.hold('x');
    tab.release('x', 10);
    expect(tab.get('x')).toBeUndefined();
    tab.set('c', 'v', 10);
    tab.release('c', 10);
    expect(tab.entry('c')?.live).toBe(0);
  });

  it('sweeps expired entries', () => {
    const { tab, at } = table();
    for (let i = 0; i < 10; i++) tab.set(`k${i}`, 'v', i < 5 ? 10 : 1000);
    at(500);
    expect(tab.sweep()).toBe(5);
    expect(tab.size).toBe(5);
    tab.delete('k9');
    expect(tab.size).toBe(4);
  });
});
