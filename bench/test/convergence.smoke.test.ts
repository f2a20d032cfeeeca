import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convergenceBench } from '../convergence.js';
import { report } from '../lib/cli.js';
import { stopAll } from '../lib/proc.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
afterAll(async () => { await stopAll(); rmSync(dir, { recursive: true, force: true }); });

describe('convergence benchmark at smoke size', () => {
  it('times a killed backend and config writes until every real and simulated agent applied them', async () => {
    const opts = { smoke: true, install: false, resultsDir: dir };
    const r = await convergenceBench(opts);
    report(r, opts);
    expect(r.skipped.join('\n')).not.toMatch(/real agents:/);
    const rows = r.tables[0]!.rows;
    expect(rows.map((x) => x.agents)).toEqual(['2 real agents × 1 worker', '2 real agents × 1 worker', '2 real agents × 1 worker', '2 simulated agents', '5 simulated agents']);
    for (const row of rows) {
      expect(row.trials).toBe(3);
      expect(row['p50 ms']).toBeGreaterThan(0);
    }
    const data = r.data as { real: { detail: { before: number[]; after: number[] }[] } };
    for (const t of data.real.detail) t.after.forEach((a, i) => expect(a).toBeLessThan(t.before[i]!));
  }, 30_000);
});
