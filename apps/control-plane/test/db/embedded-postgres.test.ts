// The embedded Postgres: initialised once, data kept across restarts, a server orphaned by a
// SIGKILLed owner adopted, a directory in use by a live process refused, nothing left running after stop().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres, reapTemporaryPostgres, runningServer } from '../../src/db/embedded-postgres.js';
import { repoRoot } from '../../src/db/schema-engine.js';

// node --import tsx, not the tsx binary: that would run the fixture in a grandchild a SIGKILL does not reach.
const nodeArgs = ['--import', 'tsx'];
// Throwaway clusters: no fsync (initdb --no-sync too).
const fast = { fsync: 'off' };

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

function holdPostgres(dataDir: string): Promise<{ child: ChildProcess; url: string; pid: number; dataDir: string }> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(import.meta.dirname, 'fixtures', 'hold-postgres.ts'), dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, ...(JSON.parse(line) as { url: string; pid: number; dataDir: string }) }));
  });
}

/** uid/gid of the `postgres` user when this runs as root and that user exists (to prove the non-root path). */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return null;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

describe('EmbeddedPostgres', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spillway-embedded-test-'));
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('initialises an empty directory, serves SQL on 127.0.0.1, and keeps the data across a stop and a start', async () => {
    const dataDir = path.join(dir, 'restart');
    const first = new EmbeddedPostgres({ dataDir, settings: fast });
    const url = await first.start();
    expect(new URL(url).hostname).toBe('127.0.0.1');
    await sql(url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')");
    await first.stop();
    expect(await runningServer(dataDir)).toBeNull();

    const second = new EmbeddedPostgres({ dataDir, settings: fast });
    const url2 = await second.start();
    try {
      expect(await sql(url2, 'SELECT v FROM kept')).toEqual([{ v: 'before restart' }]);
    } finally {
      await second.stop();
    }
  });

  it('adopts the server left running when its owner was killed with SIGKILL, and stop() then ends it', async () => {
    const dataDir = path.join(dir, 'orphan');
    const held = await holdPostgres(dataDir);
    await sql(held.url, 'CREATE TABLE orphaned (v int); INSERT INTO orphaned VALUES (7)');
    held.child.kill('SIGKILL');
    await exited(held.child);
    expect((await runningServer(dataDir))?.pid).toBe(held.pid);

    const pgAgain = new EmbeddedPostgres({ dataDir });
    const url = await pgAgain.start();
    expect((await runningServer(dataDir))?.pid).toBe(held.pid);
    expect(await sql(url, 'SELECT v FROM orphaned')).toEqual([{ v: 7 }]);
    await pgAgain.stop();
    expect(await runningServer(dataDir)).toBeNull();
  });

  it('refuses a data directory whose server belongs to a live process', async () => {
    const dataDir = path.join(dir, 'busy');
    const held = await holdPostgres(dataDir);
    try {
      await expect(new EmbeddedPostgres({ dataDir }).start()).rejects.toMatchObject({ code: 'SPILLWAY_PG_DATA_DIR_IN_USE' });
    } finally {
      held.child.kill('SIGKILL');
      await exited(held.child);
      // Clean up the server the killed fixture left behind.
      const cleanup = new EmbeddedPostgres({ dataDir });
      await cleanup.start();
      await cleanup.stop();
    }
  });

  it.runIf(postgresUser() !== null)('starts, migrates and stops when run by a normal (non-root) user', async () => {
    const user = postgresUser()!;
    const home = path.join(dir, 'non-root');
    await mkdir(home);
    await chown(home, user.uid, user.gid);
    const fixture = path.join(import.meta.dirname, 'fixtures', 'start-stop.ts');
    const out = execFileSync('su', [
      'postgres',
      '-s',
      '/bin/sh',
      '-c',
      `cd "${repoRoot}" && "${process.execPath}" --import tsx "${fixture}" "${path.join(home, 'pg')}"`,
    ]).toString();
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { uid: number; applied: string[] };
    expect(result.uid).toBe(user.uid);
    expect(result.applied.length).toBeGreaterThan(0);
    expect(await runningServer(path.join(home, 'pg'))).toBeNull();
  });

  it("reaps the throwaway servers of a run that was killed, and leaves a live run's alone", async () => {
    const prefix = `spillway-reap-test-${process.pid}-`;
    const dead = await holdPostgres(`temp:${prefix}`);
    const live = await holdPostgres(`temp:${prefix}`);
    try {
      dead.child.kill('SIGKILL');
      await exited(dead.child);
      expect(await runningServer(dead.dataDir)).not.toBeNull();
      expect(await reapTemporaryPostgres(prefix)).toBe(1);
      expect(await runningServer(dead.dataDir)).toBeNull();
      expect(existsSync(path.dirname(dead.dataDir))).toBe(false);
      expect(await runningServer(live.dataDir)).not.toBeNull();
    } finally {
      live.child.kill('SIGKILL');
      await exited(live.child);
      await reapTemporaryPostgres(prefix);
    }
  });
});
