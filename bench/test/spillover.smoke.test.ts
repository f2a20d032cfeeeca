import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../lib/cli.js';
import { peerInstalled } from '../lib/peers.js';
import { stopAll } from '../lib/proc.js';
import { spilloverBench } from '../spillover.js';

const haproxy = peerInstalled('haproxy');
const nginx = peerInstalled('nginx');
const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-test-'));
let result: BenchResult;

beforeAll(async () => {
  result = await spilloverBench({ smoke: true, install: false, resultsDir: dir });
}, 60_000);
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const row = (name: string): Record<string, unknown> | undefined => result.tables[0]!.rows.find((r) => String(r.contender).startsWith(name));

describe('spillover precision benchmark at smoke size', () => {
  it('measures Spillway under a burst: nothing failed, overshoot and early spills are counted', () => {
    const r = row('Spillway')!;
    expect(r.failed).toBe(0);
    expect(r.bursts).toBe(1);
    expect(typeof r['overshoot (max)']).toBe('number');
    expect(String(r['early spills'])).toMatch(/^\d+ \(/);
  });

  it('measures Spillway with two managed agents × two workers sharing the limit through the agent hub', () => {
    const r = row('Spillway, 2 agents × 2 workers (even)')!;
    expect(r.failed).toBe(0);
    expect(r.bursts).toBe(1);
    expect(typeof r['overshoot (max)']).toBe('number');
  });

  it('shows the static split spilling early when the burst is skewed towards one agent', () => {
    const skewed = row('static split, 2 agents × 2 workers (skewed)')!;
    expect(skewed.failed).toBe(0);
    expect(Number(String(skewed['early spills']).split(' ')[0])).toBeGreaterThan(0);
  });

  it.skipIf(!haproxy)(`measures HAProxy${haproxy ? '' : ' (skipped: haproxy is not installed)'}`, () => {
    expect(row('HAProxy')!.failed).toBe(0);
  });

  it.skipIf(!nginx)(`measures nginx with and without a shared zone${nginx ? '' : ' (skipped: nginx is not installed)'}`, () => {
    expect(row('nginx, 2 workers, shared zone')!.failed).toBe(0);
    expect(row('nginx, 2 workers, no zone')!.failed).toBe(0);
  });
});
