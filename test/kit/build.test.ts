// The build lock of test/kit/build.ts: a build waits while a live process holds the lock, and takes
// over a lock whose owner is gone (a killed run leaves one behind).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildDist } from './build.js';

// A lock of its own: the run's shared one (BUILD_LOCK) may be held by another file's build.
const lock = path.join(mkdtempSync(path.join(os.tmpdir(), 'spillway-build-lock-')), 'lock');

it('takes over a lock left by a process that is gone, and releases it', () => {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  mkdirSync(lock, { recursive: true });
  writeFileSync(path.join(lock, 'pid'), gone.stdout);
  expect(buildDist(['packages/core'], lock).code).toBe(0);
  expect(existsSync(lock)).toBe(false);
});

it('waits while a live process holds the lock, then builds', async () => {
  mkdirSync(lock, { recursive: true });
  // The holder releases the lock 400 ms after it wrote itself in as the owner.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs'); fs.writeFileSync(${JSON.stringify(path.join(lock, 'pid'))}, String(process.pid)); setTimeout(() => fs.rmSync(${JSON.stringify(lock)}, { recursive: true, force: true }), 400);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((r) => holder.once('spawn', r));
  const t0 = Date.now();
  while (!existsSync(path.join(lock, 'pid')) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  expect(buildDist(['packages/core'], lock).code).toBe(0);
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  expect(existsSync(lock)).toBe(false);
  await new Promise((r) => (holder.exitCode === null ? holder.once('exit', r) : r(null)));
});
