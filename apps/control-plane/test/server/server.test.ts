// server.ts as a real process: it listens only when ready, a port in use is one line on stderr
// and exit 1, a bad variable is named, SIGTERM stops accepting but finishes the request in
// flight, and with the embedded Postgres a restart keeps the data and leaves no server behind.
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningServer } from '../../src/db/embedded-postgres.js';
import { repoRoot } from '../../src/db/schema-engine.js';
import { accepts, until } from '../../../../test/kit/until.js';
import { buildDist, compiled } from '../../../../test/kit/build.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// server.ts as it ships: compiled (dist/server.js, built here: test/kit/build.ts), as its image runs it.
const build = buildDist(['apps/control-plane']);
const [node, ...serverArgs] = compiled('apps/control-plane/dist/server.js');
if (!existsSync(serverArgs.at(-1)!)) throw new Error(`tsc -b apps/control-plane built no entry:\n${build.output}`);

interface Proc {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the port once the "ready" log line appears (rejects if the process exits first). */
  ready: Promise<number>;
}

function startServer(env: Record<string, string>): Proc {
  const child = spawn(node!, serverArgs, {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', SPILLWAY_LOG_LEVEL: 'info', SPILLWAY_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'spillway control plane ready') resolve(entry.port as number);
      } catch {
        /* not JSON */
      }
    });
    void exit.then(({ code }) => reject(new Error(`server exited (${code}) before ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, logs, stderr: () => stderr, exit, ready };
}

function listenOn(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('server.ts', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('exits 1 with one line on stderr when the port is already in use', async () => {
    const blocker = await listenOn();
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const proc = startServer({ DATABASE_URL: db.url, SPILLWAY_PORT: String(port) });
      const { code } = await proc.exit;
      expect(code).toBe(1);
      const lines = proc.stderr().trim().split('\n');
      expect(lines).toEqual([`spillway: port ${port} on 127.0.0.1 is already in use (set SPILLWAY_PORT to another port)`]);
    } finally {
      blocker.close();
    }
  });

  it('exits 1 naming the variable when the configuration is invalid, before starting anything', async () => {
    const proc = startServer({ SPILLWAY_PORT: 'http', SPILLWAY_LOG_LEVEL: 'chatty' });
    const { code } = await proc.exit;
    expect(code).toBe(1);
    expect(proc.stderr().trim().split('\n')).toEqual([
      'spillway: invalid configuration: SPILLWAY_PORT: must be an integer from 0 to 65535 (got "http"); SPILLWAY_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "chatty")',
    ]);
  });

  it('on SIGTERM refuses new connections, finishes the request in flight, then exits 0', async () => {
    const proc = startServer({ DATABASE_URL: db.url, SPILLWAY_PORT: '0' });
    const port = await proc.ready;
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    // A request whose body is still arriving when the signal comes.
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let answer = '';
    sock.on('data', (c: Buffer) => {
      answer += c.toString();
    });
    const body = JSON.stringify({ pad: 'x'.repeat(100) });
    sock.write(
      `PUT /in-flight HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    // In flight: the server has read the request line and headers (Fastify logs it as it starts).
    await until(
      () => proc.logs.some((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/in-flight'),
      (seen) => seen,
      { what: 'the in-flight request logged' },
    );

    proc.child.kill('SIGTERM');
    await until(
      () => proc.logs.some((l) => l.signal === 'SIGTERM'),
      (seen) => seen,
      { what: 'the SIGTERM log line' },
    );
    await until(
      () => accepts(port),
      (up) => !up,
      { timeoutMs: 5_000, what: 'the listener closed' },
    );

    sock.write(body.slice(10));
    await new Promise((r) => sock.once('close', r));
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"code":"SPILLWAY_API_ROUTE_NOT_FOUND"');
    expect(await proc.exit).toEqual({ code: 0, signal: null });
    expect(proc.logs.map((l) => l.msg)).toContain('stopped');
  });

  describe('with the embedded Postgres', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'spillway-server-test-'));
      await chmod(dir, 0o755);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps the data across a restart and leaves no Postgres running after each stop', async () => {
      const env = { SPILLWAY_DATA_DIR: dir, SPILLWAY_PORT: '0' };
      const pgDir = path.join(dir, 'pg');

      const first = startServer(env);
      const port = await first.ready;
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      // A fresh data dir applies every migration of the folder.
      const migrations = (await readdir(path.join(repoRoot, 'prisma', 'migrations'), { withFileTypes: true })).filter((e) => e.isDirectory());
      expect(first.logs.find((l) => Array.isArray(l.applied))?.applied).toHaveLength(migrations.length);
      // Write a row through the server's own database.
      const creds = JSON.parse(await readFile(path.join(pgDir, 'spillway-credentials.json'), 'utf8')) as { user: string; password: string };
      const pgPort = (await runningServer(pgDir))!.port;
      const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: creds.user, password: creds.password, database: 'postgres' });
      await client.connect();
      await client.query(`INSERT INTO service (name, address, port, "updatedAt") VALUES ('kept', '10.0.0.1', 80, now())`);
      await client.end();
      first.child.kill('SIGTERM');
      expect((await first.exit).code).toBe(0);
      expect(await runningServer(pgDir)).toBeNull();

      const second = startServer(env);
      const port2 = await second.ready;
      try {
        expect((await fetch(`http://127.0.0.1:${port2}/readyz`)).status).toBe(200);
        expect(second.logs.find((l) => Array.isArray(l.applied))?.applied).toEqual([]);
        const pgPort2 = (await runningServer(pgDir))!.port;
        const c2 = new pg.Client({ host: '127.0.0.1', port: pgPort2, user: creds.user, password: creds.password, database: 'postgres' });
        await c2.connect();
        expect((await c2.query('SELECT name FROM service')).rows).toEqual([{ name: 'kept' }]);
        await c2.end();
      } finally {
        second.child.kill('SIGINT');
        expect((await second.exit).code).toBe(0);
      }
      expect(await runningServer(pgDir)).toBeNull();
    }, 90_000);
  });
});
