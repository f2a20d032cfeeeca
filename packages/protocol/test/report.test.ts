// An agent's reports on one connection (report.ts): each one after the first carries only what
// changed, and the control plane's whole report after it is exactly the report the agent made.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportChanges, wholeReport, type Report } from '../src/index.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const vserver = fc.record({
  cxActive: fc.nat(3),
  cxTotal: fc.nat(3),
  spilloversTotal: fc.nat(1),
  rxBytesTotal: fc.constant(0),
  txBytesTotal: fc.constant(0),
  rxKbps: fc.constant(0),
  txKbps: fc.constant(0),
});
const service = fc.record({
  cxActive: fc.nat(3),
  cxTotal: fc.nat(3),
  state: fc.constantFrom('UP' as const, 'DOWN' as const),
  monitors: fc.array(fc.record({ monitor: fc.constant('m'), state: fc.constantFrom('UP' as const, 'DOWN' as const), responseMs: fc.nat(2) }), { maxLength: 2 }),
});
const entries = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> =>
  fc.subarray(NAMES).chain((names) => fc.tuple(...names.map(() => arb)).map((xs) => Object.fromEntries(names.map((n, i) => [n, xs[i]!]))));
const report: fc.Arbitrary<Report> = fc
  .record({ vservers: entries(vserver), services: entries(service), at: fc.nat() })
  .map((r) => JSON.parse(JSON.stringify({ type: 'report', ...r })) as Report);

describe('reports of one connection', () => {
  it('carry only the entries that changed and the names gone, and make the whole report again', () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 6 }), (reports) => {
        let last: Report | null = null;
        let whole: Report | null = null;
        for (const now of reports) {
          const sent = reportChanges(last, now);
          if (last !== null) {
            expect(sent.partial).toBe(true);
            for (const [name, e] of Object.entries(sent.vservers)) expect(e).not.toEqual(last.vservers[name]);
            for (const [name, e] of Object.entries(sent.services)) expect(e).not.toEqual(last.services[name]);
          }
          // Through the wire: JSON.
          whole = wholeReport(whole, JSON.parse(JSON.stringify(sent)) as Report);
          expect(whole).toEqual(JSON.parse(JSON.stringify(now)));
          last = now;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('go whole as the first of a connection, and an idle one carries no entry', () => {
    const r: Report = {
      type: 'report',
      at: 1,
      vservers: { a: { cxActive: 1, cxTotal: 1, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 } },
      services: {},
    };
    expect(reportChanges(null, r)).toBe(r);
    expect(reportChanges(r, { ...r, at: 2 })).toEqual({ ...r, at: 2, partial: true, vservers: {}, services: {} });
  });
});
