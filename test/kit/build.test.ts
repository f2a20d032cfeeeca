// The build lock of test/kit/build.ts: a build waits while a live process holds the lock, and takes
// over a lock whose owner is gone (a killed run leaves one behind).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
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
  // A lock of its own: after the build above, the stamps beside `lock` would let this one skip tsc and the lock.
  const lock = path.join(mkdtempSync(path.join(os.tmpdir(), 'spillway-build-lock-')), 'lock');
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

it('skips tsc and the lock when nothing under src/ changed since its last successful build, and builds again after a change', async () => {
  const own = path.join(mkdtempSync(path.join(os.tmpdir(), 'spillway-build-lock-')), 'lock');
  expect(buildDist(['packages/core'], own)).toMatchObject({ code: 0, output: expect.not.stringContaining('up to date') }); // no stamp yet
  // A live holder of the lock: it lets go when the file `go` appears (or after 8 s), so a build that needs the lock waits for it.
  const go = `${own}-go`;
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs'); fs.mkdirSync(${JSON.stringify(own)}); fs.writeFileSync(${JSON.stringify(path.join(own, 'pid'))}, String(process.pid)); process.stdout.write('held');
       const t0 = Date.now(); setInterval(() => { if (fs.existsSync(${JSON.stringify(go)}) || Date.now() - t0 > 8000) { fs.rmSync(${JSON.stringify(own)}, { recursive: true, force: true }); process.exit(0); } }, 20);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((r) => holder.stdout.once('data', r));
  try {
    const t0 = Date.now();
    expect(buildDist(['packages/core'], own)).toEqual({ code: 0, output: expect.stringContaining('up to date') });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(existsSync(path.join(own, 'pid'))).toBe(true); // still the holder's
    // A change under src/ (its modification time; the content stays): tsc runs, once the holder lets go.
    const now = new Date();
    utimesSync(path.join(import.meta.dirname, '../../packages/core/src/index.ts'), now, now);
    writeFileSync(go, '');
    expect(buildDist(['packages/core'], own)).toMatchObject({ code: 0, output: expect.not.stringContaining('up to date') });
    expect(holder.exitCode ?? (await new Promise((r) => holder.once('exit', r)))).toBe(0);
  } finally {
    holder.kill('SIGKILL');
  }
});
