// The hub's split of each bandwidth vserver's budget across agents (BandwidthShares over core's
// rateShares): what the agents are told never adds up to more than the budget, whatever the
// reports, joins, cuts and leaves; an agent cut off keeps what it was told and the others split the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '@spillway/protocol';
import { BandwidthShares } from '../../src/agent-hub/bandwidth-shares.js';
import { webConfig } from './helpers.js';

const config = () => {
  const c = webConfig();
  c.vservers[0]!.spillover = { ...c.vservers[0]!.spillover, methods: [{ type: 'bandwidth', thresholdKbps: 1000, direction: 'both' }] };
  return c;
};
const report = (kbps: number): Report => ({
  type: 'report',
  at: 0,
  vservers: { web: { cxActive: 0, cxTotal: 0, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: kbps / 2, txKbps: kbps / 2 } },
  services: {},
});

function harness() {
  const told = new Map<string, number>();
  const cut = new Set<string>();
  const shares = new BandwidthShares(
    (agent, msg) => {
      if (cut.has(agent)) return false;
      if (msg.shares.web !== undefined) told.set(agent, msg.shares.web);
      return true;
    },
    (agent) => !cut.has(agent),
    { rebalanceMs: 1_000_000 },
  );
  shares.setConfig(config());
  return { told, cut, shares, sum: () => [...told.values()].reduce((a, b) => a + b, 0) };
}

describe('bandwidth shares across agents', () => {
  it('keeps what a cut-off agent was told and splits the rest among the others', () => {
    const { told, cut, shares, sum } = harness();
    for (const a of ['a', 'b', 'c']) shares.join(a);
    expect(told.get('a')).toBeCloseTo(1 / 3, 5);
    cut.add('c');
    shares.report('a', report(900));
    shares.rebalance();
    expect(told.get('c')).toBeCloseTo(1 / 3, 5);
    expect(told.get('a')! + told.get('b')!).toBeLessThanOrEqual(2 / 3 + 1e-9);
    expect(told.get('a')!).toBeGreaterThan(told.get('b')!);
    // Its lease ends: its share goes to the others.
    shares.leave('c');
    told.delete('c');
    expect(sum()).toBeGreaterThan(0.99);
    expect(sum()).toBeLessThanOrEqual(1);
    shares.close();
  });

  it("splits only this replica's part of the budget (replicas): a smaller part is told at once, a larger one grows the shares", () => {
    const { told, shares, sum } = harness();
    for (const a of ['a', 'b']) shares.join(a);
    expect(sum()).toBeCloseTo(1, 5);
    shares.setBudget(0.5);
    expect(told.get('a')).toBeCloseTo(0.25, 5);
    expect(sum()).toBeLessThanOrEqual(0.5);
    shares.setBudget(0.75);
    expect(sum()).toBeGreaterThan(0.74);
    expect(sum()).toBeLessThanOrEqual(0.75);
    shares.close();
  });

  it('(property) never tells the agents more than the budget in sum, through reports, joins, cuts and leaves', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('report' as const), agent: fc.integer({ min: 0, max: 3 }), kbps: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ op: fc.constantFrom('join' as const, 'leave' as const, 'cut' as const, 'heal' as const), agent: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const { told, cut, shares } = harness();
        const members = new Set<string>();
        for (const s of steps) {
          const a = `agent-${s.agent}`;
          if (s.op === 'join') {
            cut.delete(a);
            members.add(a);
            shares.join(a);
          } else if (s.op === 'leave') {
            members.delete(a);
            told.delete(a);
            shares.leave(a);
          } else if (s.op === 'cut') cut.add(a);
          else if (s.op === 'heal') cut.delete(a);
          else {
            shares.report(a, report(s.kbps));
            shares.rebalance();
          }
          // What the members enforce: what they were last told.
          const enforced = [...told].filter(([agent]) => members.has(agent)).reduce((n, [, x]) => n + x, 0);
          if (enforced > 1 + 1e-6) throw new Error(`agents enforce ${enforced} of the budget after ${JSON.stringify(s)}`);
        }
        shares.close();
      }),
    );
  });
});
