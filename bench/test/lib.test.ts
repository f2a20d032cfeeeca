import { describe, expect, it } from 'vitest';
import { admissionTime } from '../admission-profile.js';
import { parseWrk } from '../lib/load.js';
import type { HoldEvent } from '../lib/hold-backends-main.js';
import { precision } from '../lib/precision.js';
import { percentile, ratio } from '../lib/stats.js';
import { markdownTable } from '../lib/table.js';
import { iterationOptions, selected } from '../spillover.js';

const wrkOutput = `Running 5s test @ http://127.0.0.1:8080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   420.11us  120.50us   9.80ms   90.00%
    Req/Sec   110.20k     2.10k  115.00k    70.00%
  Latency Distribution
     50%  400.00us
     75%  450.00us
     90%  520.00us
     99%    1.20ms
  551000 requests in 5.00s, 600.00MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec: 110200.00
Transfer/sec:    120.00MB
`;

const ev = (t: number, kind: HoldEvent['kind'], primaryActive: number): HoldEvent => ({ t, kind, server: kind, primaryActive });

describe('bench helpers', () => {
  it("picks one spillover row by its exact name with --row, where --only's words also match another row", () => {
    const names = ['Spillway, 2 agents × 2 workers (skewed)', 'static split, 2 agents × 2 workers (skewed)', 'Spillway, 1 agent × 2 workers'];
    const byRow = iterationOptions(['--row', 'spillway, 2 agents × 2 workers (skewed)', '--bursts', '20']);
    expect(byRow).toEqual({ bursts: 20, rows: ['spillway, 2 agents × 2 workers (skewed)'] });
    expect(names.filter((n) => selected(n, byRow))).toEqual(['Spillway, 2 agents × 2 workers (skewed)']);
    const byWords = iterationOptions(['--only', '2 agents × 2 workers (skewed)']);
    expect(names.filter((n) => selected(n, byWords))).toEqual(names.slice(0, 2));
    expect(names.filter((n) => selected(n, iterationOptions([])))).toEqual(names);
  });

  it('reads requests/s, latency percentiles in ms and errors from wrk --latency output', () => {
    expect(parseWrk(wrkOutput)).toEqual({ rps: 110200, requests: 551000, p50Ms: 0.4, p99Ms: 1.2, errors: 7 });
  });

  it('computes nearest-rank percentiles and ratios that are null when a side is missing', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(ratio(1, null)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });

  it('counts overshoot above the limit and spills while the primaries had lasting room', () => {
    const events = [ev(0, 'primary', 1), ev(1, 'primary', 2), ev(2, 'backup', 2), ev(3, 'primary', 3), ev(100, 'backup', 3), ev(101, 'primary', 4)];
    // limit 3: the first backup arrival is followed by a primary arrival within the grace, the
    // second finds the primaries full: neither is early. Overshoot: 4 − 3.
    const p = precision(
      events,
      [
        { status: 200, backend: 'x', ms: 2000 },
        { status: 'error', backend: null, ms: 1 },
      ],
      3,
      1000,
    );
    expect(p).toMatchObject({ maxPrimary: 4, overshoot: 1, toPrimary: 4, toBackup: 2, earlySpills: 0, queued: 1, failed: 1 });
    const early = precision([ev(0, 'primary', 1), ev(1, 'backup', 1), ev(200, 'primary', 2)], [], 2, 1000);
    expect(early.earlySpills).toBe(1);
  });

  it('renders rows as a Markdown table with a dash for what was not measured', () => {
    expect(
      markdownTable([
        { a: 1234.5, b: null },
        { a: 0.1234, c: 'x' },
      ]),
    ).toBe(['| a     | b | c |', '|-------|---|---|', '| 1,235 | — | — |', '| 0.123 | — | x |'].join('\n'));
  });
});

describe('README figures', () => {
  it('replaces only the block between the figure markers, and appends one when there is none', async () => {
    const { replaceFigures } = await import('../lib/readme.js');
    const readme = 'intro\n<!-- figures:start -->\nold\n<!-- figures:end -->\nafter\n';
    expect(replaceFigures(readme, 'new')).toBe('intro\n<!-- figures:start -->\nnew\n<!-- figures:end -->\nafter\n');
    expect(replaceFigures('intro\n', 'new')).toBe('intro\n\n<!-- figures:start -->\nnew\n<!-- figures:end -->\n');
  });

  it("counts a CPU profile's busy time, and the part with an admission frame anywhere on its stack", () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 3, 5]),
        frame(2, '(idle)', ''),
        frame(3, 'decide', 'file:///r/apps/agent/dist/admission.js', [4]),
        frame(4, 'entry', 'file:///r/packages/core/dist/persistence.js'),
        frame(5, 'onData', 'file:///r/apps/agent/dist/http/connection.js'),
      ],
      // Each sample's time is the delta that follows it (until the next sample; the last one's is not known).
      samples: [2, 3, 4, 5, 5, 3],
      timeDeltas: [0, 1000, 100, 200, 300, 400],
    };
    expect(admissionTime(profile)).toEqual({ busyUs: 100 + 200 + 300 + 400, admissionUs: 100 + 200 });
  });
});
