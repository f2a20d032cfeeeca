// While the database cannot be reached, every API call answers 503 SPILLWAY_API_DATABASE_UNAVAILABLE
// with Retry-After (not 500 SPILLWAY_API_INTERNAL), and /readyz 503 saying the database is
// unreachable; the rule (db/unavailable.ts) tells a lost connection from a query that failed,
// on errors from a real Prisma client and a real Postgres.
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/logs.js';

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
});
