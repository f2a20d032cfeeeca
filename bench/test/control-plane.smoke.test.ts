import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneBench, largeConfig } from '../control-plane.js';
import { report } from '../lib/cli.js';
import { stopAll } from '../lib/proc.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
afterAll(async () => { await stopAll(); rmSync(dir, { recursive: true, force: true }); });

describe('control-plane benchmark at smoke size', () => {
  it('builds a config of the requested size with unique names', () => {
    const c = largeConfig(3, 4) as { services: { name: string }[]; vservers: { services: unknown[] }[] };
    expect(c.vservers).toHaveLength(3);
    expect(new Set(c.services.map((s) => s.name)).size).toBe(12);
    expect(c.vservers[0]!.services).toHaveLength(4);
  });

  it('measures API reads without errors and a config applied through the hub, and says what it cannot measure', async () => {
    const opts = { smoke: true, install: false, resultsDir: dir };
    const r = await controlPlaneBench(opts);
    report(r, opts);
    for (const row of r.tables[0]!.rows) {
      expect(row['rq/s'], String(row.route)).toBeGreaterThan(0);
      expect(row.non2xx).toBe(0);
      expect(row.errors).toBe(0);
    }
    expect(r.tables[1]!.rows[0]!.trials).toBe(2);
    expect(r.skipped.join('\n')).toMatch(/PUT \/v1\/config/);
  }, 30_000);
});
