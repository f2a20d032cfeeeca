import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../lib/cli.js';
import { report } from '../lib/cli.js';
import { peerInstalled } from '../lib/peers.js';
import { stopAll } from '../lib/proc.js';
import { proxyBench } from '../proxy.js';

const haproxy = peerInstalled('haproxy');
const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
let result: BenchResult;
let file: string;

beforeAll(async () => {
  result = await proxyBench({ smoke: true, install: false, resultsDir: dir });
  file = report(result, { smoke: true, install: false, resultsDir: dir });
}, 120_000);
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const row = (name: string): Record<string, unknown> | undefined => result.tables[0]!.rows.find((r) => String(r.path).startsWith(name));

describe('proxy benchmark at smoke size', () => {
  it('measures direct, the compiled agent and its dynamicconnection vserver: requests/s, latency and TCP bulk', () => {
    for (const name of ['direct', 'agent, 1 worker', 'agent, 1 worker, dynamicconnection']) {
      const r = row(name);
      expect(r, name).toBeDefined();
      expect(r!.errors, name).toBe(0);
      for (const k of ['keep-alive rq/s', 'new conn rq/s', 'bulk MB/s']) expect(r![k], `${name} ${k}`).toBeGreaterThan(0);
      // Latency was measured (a number, not a missing figure) and is ordered. Not `> 0`: autocannon
      // reports whole milliseconds, so a fast loopback path reads 0 ms.
      const p50 = r!['p50 ms (1 conn)'] as number;
      const p99 = r!['p99 ms (1 conn)'] as number;
      for (const [k, v] of [
        ['p50', p50],
        ['p99', p99],
      ] as const) {
        expect(Number.isFinite(v), `${name} ${k} ${String(v)}`).toBe(true);
        expect(v, `${name} ${k}`).toBeGreaterThanOrEqual(0);
      }
      expect(p50, `${name} p50 <= p99`).toBeLessThanOrEqual(p99);
    }
    expect(result.tables[0]!.rows.map((r) => r.phase)).toEqual(result.tables[0]!.rows.map(() => 'unpinned'));
    expect(result.tables[1]!.rows.find((r) => r.ratio === 'agent, 1 worker, dynamicconnection / agent, 1 worker')!['keep-alive']).toBeGreaterThan(0);
  });

  it.skipIf(!haproxy)(
    `measures the RSS of idle keep-alive connections of the agent and HAProxy${haproxy ? '' : ' (skipped: haproxy is not installed)'}`,
    () => {
      const mem = result.tables[2]!.rows;
      expect(mem.map((r) => r.path)).toEqual(['agent, 1 worker', 'HAProxy, nbthread 1']);
      for (const r of mem) {
        expect(r['idle keep-alive connections']).toBe(50);
        expect(r['RSS with them MiB']).toBeGreaterThan(0);
      }
    },
  );

  it('writes its tables to a JSON result file', () => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { benchmark: string; smoke: boolean; tables: unknown[]; machine: { cores: number } };
    expect(json.benchmark).toBe('proxy');
    expect(json.smoke).toBe(true);
    expect(json.tables).toHaveLength(3);
    expect(json.machine.cores).toBeGreaterThan(0);
  });

  it.skipIf(!haproxy)(`compares with HAProxy and reports agent/HAProxy ratios${haproxy ? '' : ' (skipped: haproxy is not installed)'}`, () => {
    expect(row('HAProxy')!['keep-alive rq/s']).toBeGreaterThan(0);
    const ratios = result.tables[1]!.rows.filter((r) => / \/ HAProxy, nbthread \d$/.test(String(r.ratio)));
    expect(ratios.length).toBeGreaterThan(0);
    for (const r of ratios) expect(r['keep-alive']).toBeGreaterThan(0);
  });

  it.skipIf(haproxy)('says why the HAProxy column is missing when haproxy is not installed', () => {
    expect(result.skipped.join('\n')).toMatch(/HAProxy/);
  });
});
