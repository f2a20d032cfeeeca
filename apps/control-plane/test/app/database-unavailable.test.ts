// While the database cannot be reached, every API call answers 503 SPILLWAY_API_DATABASE_UNAVAILABLE
// with Retry-After (not 500 SPILLWAY_API_INTERNAL), and /readyz 503 saying the database is
// unreachable; the rule (db/unavailable.ts) tells a lost connection from a query that failed,
// on errors from a real Prisma client and a real Postgres.
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { createPrismaClient, databaseErrors, type PrismaClient } from '../../src/db/prisma.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { untilTruthy } from '../../../../test/kit/until.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/logs.js';

/** Run by a child process: waits until backend argv[2] is idle (its query answered), terminates it, waits until it is gone. */
const TERMINATE_WHEN_IDLE = `
const pg = require('pg');
const [url, pid] = process.argv.slice(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const state = async () => (await c.query('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]?.state ?? 'gone';
  for (let i = 0; i < 500 && (await state()) !== 'idle'; i++) await sleep(5);
  await c.query('SELECT pg_terminate_backend($1)', [pid]);
  for (let i = 0; i < 500 && (await state()) !== 'gone'; i++) await sleep(5);
  await c.end();
})();
`;

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

describe('database unavailable', () => {
  let app: FastifyInstance | null = null;
  let prisma: PrismaClient | null = null;
  let db: TestDatabase | null = null;
  afterAll(async () => {
    await app?.close();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('answers every API call with 503 SPILLWAY_API_DATABASE_UNAVAILABLE and Retry-After while the database cannot be reached', async () => {
    const { logger, lines } = captureLogs();
    prisma = createPrismaClient(`postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`, { poolSize: 2 });
    app = await buildApp({ prisma, loggerInstance: logger });
    const auth = { authorization: 'Bearer spw_any-token-0123456789abcdef' };
    const calls = [
      { method: 'GET', url: '/v1/services' },
      { method: 'PUT', url: '/v1/services/web-1', payload: { address: '127.0.0.1', port: 80 } },
      { method: 'GET', url: '/v1/config' },
      { method: 'GET', url: '/v1/agents' },
      { method: 'GET', url: '/v1/events' },
      { method: 'POST', url: '/v1/api-tokens', payload: { name: 'x', role: 'reader' } },
    ] as const;
    for (const c of calls) {
      const res = await app.inject({ ...c, headers: auth });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(503);
      expect(res.headers['retry-after'], `${c.method} ${c.url}`).toBe('2');
      expect(res.json()).toEqual({
        statusCode: 503,
        code: 'SPILLWAY_API_DATABASE_UNAVAILABLE',
        error: 'Service Unavailable',
        message: 'the database is unavailable; retry later',
        details: [],
      });
    }
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('2');
    expect(ready.json()).toMatchObject({
      code: 'SPILLWAY_API_NOT_READY',
      message: 'the database is unreachable',
      details: [{ path: '/database', message: expect.stringContaining("Can't reach database server") }],
    });
    // Logged as a warning per request, never as an internal error.
    expect(lines.filter((l) => l.msg === 'request failed: database unavailable').length).toBeGreaterThanOrEqual(calls.length);
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it('tells a lost connection from a query that failed on a database that answers', async () => {
    db = await createTestDatabase();
    const unreachable = createPrismaClient(`postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`, { poolSize: 1 });
    try {
      // Unreachable: P1001 from a model query, P2010 (kind DatabaseNotReachable) from a raw one.
      expect(isDatabaseUnavailable(await caught(unreachable.service.findMany()))).toBe(true);
      expect(isDatabaseUnavailable(await caught(unreachable.$queryRawUnsafe('SELECT 1')))).toBe(true);
      expect(isDatabaseUnavailable(await caught(unreachable.$transaction(async (tx) => tx.service.count())))).toBe(true);
    } finally {
      await unreachable.$disconnect();
    }
    // A backend terminated by the server (57P01 admin_shutdown, as in a fast shutdown) mid-transaction.
    const victim = createPrismaClient(db.url, { poolSize: 1 });
    try {
      const sleeping = caught(victim.$transaction(async (tx) => tx.$queryRawUnsafe("SELECT pg_sleep(10), 'spillway-victim'")));
      for (let i = 0; i < 200; i++) {
        const rows = await db.prisma.$queryRawUnsafe<Array<{ ok: boolean }>>(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE '%spillway-victim%' AND pid <> pg_backend_pid()",
        );
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(isDatabaseUnavailable(await sleeping)).toBe(true);
    } finally {
      await victim.$disconnect();
    }
    // Failures of the query itself are not outages.
    await db.prisma.service.create({ data: { name: 'dup', address: '127.0.0.1', port: 80 } });
    expect(isDatabaseUnavailable(await caught(db.prisma.service.create({ data: { name: 'dup', address: '127.0.0.1', port: 81 } })))).toBe(false);
    expect(isDatabaseUnavailable(await caught(db.prisma.$queryRawUnsafe('SELEC 1')))).toBe(false);
    expect(isDatabaseUnavailable(await caught(db.prisma.$queryRawUnsafe('SELECT 1/0')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
  });

  it("runs a transaction's reads one at a time on its connection: a findMany with relations queues nothing in pg (deprecated in pg 8, an error in pg 9)", async () => {
    db ??= await createTestDatabase();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    const client = createPrismaClient(db.url, { poolSize: 1 });
    try {
      await client.service.create({ data: { name: 'tx-read', address: '127.0.0.1', port: 80 } });
      await client.vServer.create({
        data: { name: 'tx-read', protocol: 'tcp', listenPort: 18081, services: { create: [{ service: { connect: { name: 'tx-read' } } }] } },
      });
      // The config store's read of a version (loadState): Prisma asks for the relations at once.
      const rows = await client.$transaction(async (tx) =>
        tx.vServer.findMany({
          where: { name: 'tx-read' },
          include: { spilloverMethods: true, backup: { select: { name: true } }, services: { include: { service: { select: { name: true } } } } },
        }),
      );
      expect(rows.map((r) => [r.name, r.services.map((b) => b.service.name)])).toEqual([['tx-read', ['tx-read']]]);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((m) => m.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await client.$disconnect();
    }
  });

  it('survives a connection lost as a finished query hands it to a waiting transaction: the transaction fails, the error is logged and counted, nothing is thrown uncaught', async () => {
    db ??= await createTestDatabase();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const { logger, lines } = captureLogs();
    const victim = createPrismaClient(db.url, { poolSize: 1, log: logger });
    try {
      await victim.$queryRawUnsafe('SELECT 1');
      // The pool's one connection runs a query while a transaction waits for it.
      // (then() starts it: a Prisma query runs when it is awaited.)
      const slow = victim.$queryRawUnsafe("SELECT pg_sleep(0.3)::text, 'spillway-handoff'").then((rows) => rows);
      const pid = await untilTruthy(
        async () =>
          (
            await db!.prisma.$queryRawUnsafe<Array<{ pid: number }>>(
              "SELECT pid FROM pg_stat_activity WHERE query LIKE '%spillway-handoff%' AND pid <> pg_backend_pid()",
            )
          )[0]?.pid,
        { what: 'the slow query running' },
      );
      // (maxWait: the wait for the connection outlasts the block below on a loaded machine.)
      const tx = caught(victim.$transaction(async (t) => t.$queryRawUnsafe('SELECT 2'), { maxWait: 30_000 }));
      // A process that reads its sockets late (a loaded machine): this one blocks while the query
      // ends and the server then terminates the backend, so the query's ReadyForQuery and the
      // FATAL 57P01 arrive in one read, and the connection passes to the transaction in between.
      execFileSync(process.execPath, ['-e', TERMINATE_WHEN_IDLE, db.url, String(pid)], { cwd: import.meta.dirname, stdio: 'inherit' });
      expect(await slow).toEqual([{ pg_sleep: '', '?column?': 'spillway-handoff' }]);
      expect(isDatabaseUnavailable(await tx)).toBe(true);
      await untilTruthy(() => databaseErrors(victim).connection > 0, { what: 'the connection error counted' });
      expect(lines.filter((l) => l.msg === 'database connection error')).not.toEqual([]);
      // The pool still serves: the dead connection was dropped and a new one made.
      expect(await victim.$queryRawUnsafe('SELECT 3::int AS n')).toEqual([{ n: 3 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await victim.$disconnect();
    }
  });
});
