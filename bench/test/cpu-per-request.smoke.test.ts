import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../lib/cli.js';
import { peerInstalled } from '../lib/peers.js';
import { stopAll } from '../lib/proc.js';
import { cpuPerRequestBench } from '../cpu-per-request.js';

const haproxy = peerInstalled('haproxy');
const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
let result: BenchResult;

beforeAll(async () => {
  result = await cpuPerRequestBench({ smoke: true, install: false, resultsDir: dir });
}, 120_000);
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('CPU per request benchmark at smoke size', () => {
  it('measures CPU µs per request of the compiled agent and the lean node:net and raw handle proxies under keep-alive load', () => {
    const rows = result.tables[0]!.rows;
    for (const load of ['keep-alive'])
      for (const name of ['agent, 1 worker', 'lean node:net proxy', 'lean raw handle proxy']) {
        const r = rows.find((x) => x.load === load && x.path === name);
        expect(r, `${load} ${name}`).toBeDefined();
        expect(r!.errors, `${load} ${name}`).toBe(0);
        expect(r!['rq/s'], `${load} ${name}`).toBeGreaterThan(0);
        expect(r!['CPU µs/rq'], `${load} ${name}`).toBeGreaterThan(0);
        expect(r!['CPU µs/rq'] as number).toBeCloseTo((r!['user µs/rq'] as number) + (r!['sys µs/rq'] as number), 6);
      }
  });

  it.skipIf(!haproxy)(`compares the agent's CPU per request with HAProxy's${haproxy ? '' : ' (skipped: haproxy is not installed)'}`, () => {
    const r = result.tables[1]!.rows.find((x) => x.load === 'keep-alive' && x.ratio === 'agent, 1 worker / HAProxy, nbthread 1');
    expect(r!['CPU/rq']).toBeGreaterThan(0);
  });
});
