// The counters an engine reports and the primary's sum of them (stats.ts): an engine sends only
// what changed since its last report, and the sum stays that of every engine's counters.
import { describe, expect, it } from 'vitest';
import { Counters, EngineCounters } from '../src/stats.js';

const none = new Map<string, number>();

describe('engine counters', () => {
  it('reports only the counters changed since the last report, and the primary sums every engine exactly', () => {
    const [a, b] = [new Counters(), new Counters()];
    for (let i = 0; i < 1_000; i++) {
      a.vserver(`v-${i}`);
      b.vserver(`v-${i}`);
      a.service(`s-${i}`);
    }
    const sum = new EngineCounters();
    const first = a.changes(sum.wantsFull(1), none);
    expect(first.full).toBe(true);
    expect(Object.keys(first.vservers)).toHaveLength(1_000);
    sum.apply(1, first);
    sum.apply(2, b.changes(sum.wantsFull(2), none));
    // At rest: nothing travels.
    const idle = a.changes(sum.wantsFull(1), none);
    expect([Object.keys(idle.vservers).length, Object.keys(idle.services).length]).toEqual([0, 0]);
    sum.apply(1, idle);
    // One vserver's counters on each engine, a service on one, a surge queue: only those travel.
    a.vserver('v-7').cx_total += 2;
    a.vserver('v-7').cx_active = 1;
    b.vserver('v-7').cx_total += 3;
    a.service('s-9').rx_bytes_total += 100;
    const fromA = a.changes(sum.wantsFull(1), new Map([['v-8', 4]]));
    expect(Object.keys(fromA.vservers).sort()).toEqual(['v-7', 'v-8']);
    expect(Object.keys(fromA.services)).toEqual(['s-9']);
    sum.apply(1, fromA);
    sum.apply(2, b.changes(sum.wantsFull(2), none));
    const snap = sum.snapshot();
    expect(snap.vservers['v-7']).toMatchObject({ cx_total: 5, cx_active: 1 });
    expect(snap.vservers['v-8']?.surge_queue_len).toBe(4);
    expect(snap.services['s-9']?.rx_bytes_total).toBe(100);
    expect(Object.keys(snap.vservers)).toHaveLength(1_000);
    // An engine gone leaves the sum; a report the primary never saw makes it ask for the next one whole.
    sum.gone(2);
    expect(sum.snapshot().vservers['v-7']?.cx_total).toBe(2);
    a.vserver('v-1').cx_total++;
    a.changes(false, none); // lost
    a.vserver('v-2').cx_total++;
    sum.apply(1, a.changes(sum.wantsFull(1), none));
    expect(sum.wantsFull(1)).toBe(true);
    const whole = a.changes(sum.wantsFull(1), none);
    expect(whole.full).toBe(true);
    sum.apply(1, whole);
    expect(sum.wantsFull(1)).toBe(false);
    expect([sum.snapshot().vservers['v-1']?.cx_total, sum.snapshot().vservers['v-2']?.cx_total]).toEqual([1, 1]);
  });
});
