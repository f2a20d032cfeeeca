import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { changedConfig, controlPlaneBench, largeConfig } from '../control-plane.js';
import { report } from '../lib/cli.js';
import { stopAll } from '../lib/proc.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
let db: TestDatabase | null = null;
afterAll(async () => {
  await stopAll();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('control-plane benchmark at smoke size', () => {
  it('builds a config of the requested size with unique names, and a changed one with a tenth of the services changed', () => {
    const c = largeConfig(3, 4);
    expect(c.vservers).toHaveLength(3);
    expect(new Set(c.services.map((s) => s.name)).size).toBe(12);
    expect((c.vservers[0] as { services: unknown[] }).services).toHaveLength(4);
    const changed = changedConfig(c);
    expect(changed.services.filter((s, i) => s.capacity !== c.services[i]!.capacity)).toHaveLength(2);
  });

  it('drives the real server: PUT /v1/config create, empty plan and dryRun, API reads and writes pushed to the agents, without errors', async () => {
    // A database cloned from the test template (the full run starts its own embedded Postgres).
    db = await createTestDatabase();
    const opts = { smoke: true, install: false, resultsDir: dir, databaseUrl: db.url };
    const r = await controlPlaneBench(opts);
    report(r, opts);
    expect(r.skipped).toEqual([]);
    const [config, reads, writes, memory] = r.tables;
    expect(config!.rows.map((x) => x.trials)).toEqual([2, 1, 1, 2, 2, 1, 2]);
    for (const row of config!.rows) expect(row['p50 ms'], String(row.step)).toBeGreaterThan(0);
    expect(reads!.rows.map((x) => x.route)).toEqual([
      'hub only: GET /v1/vservers/vs-0/status (baseline)',
      'hub only: GET /v1/agents',
      'GET /v1/vservers/vs-0/status',
      'GET /v1/vservers (first page: 100)',
      'GET /v1/vservers/vs-0',
      'GET /v1/config (4 connections)',
      'GET /v1/agents (5 agents connected)',
    ]);
    for (const row of reads!.rows) {
      expect(row['rq/s'], String(row.route)).toBeGreaterThan(0);
      expect(row.non2xx, String(row.route)).toBe(0);
      expect(row.errors, String(row.route)).toBe(0);
    }
    // Writes committed versions that every agent ACKed, as deltas.
    const w = writes!.rows[0]!;
    expect(w['writes/s']).toBeGreaterThan(0);
    expect(w.errors).toBe(0);
    expect(w['all-ACK p99 ms']).toBeGreaterThan(0);
    expect(w['bytes pushed per agent per write']).toBeGreaterThan(0);
    expect(w['bytes pushed per agent per write']).toBeLessThan(2_000);
    expect(memory!.rows.map((x) => x['RSS MiB'])).toEqual([expect.any(Number), expect.any(Number)]);
  }, 120_000);
});
