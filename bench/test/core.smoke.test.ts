import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decide } from '@spillway/core';
import { afterAll, describe, expect, it } from 'vitest';
import { chainFixture, coreBench, measures } from '../core.js';
import { report } from '../lib/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-core-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('core benchmark at smoke size', () => {
  it('its chain sends a new client past the full entry to the backup, so decide walks the chain', () => {
    const { chain, live } = chainFixture();
    expect(decide('192.0.2.1', chain, live)).toMatchObject({ kind: 'vserver', vserver: 'web-overflow', path: ['web', 'web-overflow'] });
  });

  it('every measured operation does its work (granted uses, picks, decisions)', () => {
    for (const m of measures()) expect(m.run(10), m.name).toBeGreaterThan(0);
  });

  it('reports decisions/s and acquire+release/s with a baseline ratio, and writes the JSON result', async () => {
    const opts = { smoke: true, install: false, resultsDir: dir };
    const r = await coreBench(opts);
    const file = report(r, opts);
    const rows = r.tables[0]!.rows;
    expect(rows.map((row) => row.operation)).toEqual(
      expect.arrayContaining(['counter increment (baseline)', 'decide (3-vserver chain)', 'QuotaPool acquire + release']),
    );
    for (const row of rows) {
      expect(row['ops/s'], String(row.operation)).toBeGreaterThan(0);
      expect(row['baseline / op'], String(row.operation)).toBeGreaterThan(0);
    }
    expect(rows[0]!['baseline / op']).toBe(1);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ benchmark: 'core', smoke: true });
  });
});
