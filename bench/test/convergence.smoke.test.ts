import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { convergenceBench } from '../convergence.js';
import { report } from '../lib/cli.js';
import { stopAll } from '../lib/proc.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
let db: TestDatabase | null = null;
afterAll(async () => {
  await stopAll();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('convergence benchmark at smoke size', () => {
  it('times a killed backend, and API writes through the real server until every real and simulated agent applied them', async () => {
    // A database cloned from the test template (the full run starts its own embedded Postgres).
    db = await createTestDatabase();
    const opts = { smoke: true, install: false, resultsDir: dir, databaseUrl: db.url };
    const r = await convergenceBench(opts);
    report(r, opts);
    expect(r.skipped).toEqual([]);
    const rows = r.tables[0]!.rows;
    expect(rows.map((x) => `${x.path} | ${x.agents}`)).toEqual([
      'backend killed → every agent runs with its new allocation | 2 real agents × 1 worker',
      'backend back → every agent back to its full allocation | 2 real agents × 1 worker',
      'API write (PUT /v1/config) → applied by every agent | 2 real agents × 1 worker',
      'PUT /v1/config adding a vserver → 200 → its new TCP listener accepts on every agent | 2 real agents × 1 worker',
      'API write (PUT /v1/config) → applied by every agent | 2 simulated agents',
      'API write (PUT /v1/config) → applied by every agent | 5 simulated agents',
      'API write (PUT /v1/config) → 200 (committed), all rows above | —',
      'hub alone: config served → ACKed by every agent (baseline) | 2 real agents × 1 worker',
      'hub alone: config served → ACKed by every agent (baseline) | 2 simulated agents',
      'hub alone: config served → ACKed by every agent (baseline) | 5 simulated agents',
    ]);
    for (const row of rows) {
      expect(row.trials, String(row.path)).toBe(row.agents === '—' ? 9 : 3);
      expect(row['p50 ms'], String(row.path)).toBeGreaterThan(0);
    }
    // The agent's apply of a one-vserver delta rebuilds that one object.
    expect(r.tables[1]!.rows.map((x) => [x.trials, x['objects rebuilt (max)']])).toEqual([[3, 1]]);
    const data = r.data as { real: { detail: { before: number[]; after: number[] }[] } };
    for (const t of data.real.detail) t.after.forEach((a, i) => expect(a).toBeLessThan(t.before[i]!));
  }, 240_000);
});
