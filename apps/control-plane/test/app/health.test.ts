// /healthz says the process is up; /readyz says 200 only when the database answers and holds
// every migration, otherwise 503 in the error shape naming what is missing.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { freePort } from '../../src/db/embedded-postgres.js';
import { migrationNames } from '../../src/db/migrate.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('health', () => {
  let app: FastifyInstance | null = null;
  let db: TestDatabase | null = null;
  afterEach(async () => {
    await app?.close();
    await db?.drop();
    app = null;
    db = null;
  });

  it('GET /healthz answers 200 {status:"ok"}', async () => {
    db = await createTestDatabase();
    app = await buildApp({ prisma: db.prisma, logger: false });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database is reachable and fully migrated', async () => {
    db = await createTestDatabase();
    app = await buildApp({ prisma: db.prisma, logger: false });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: 'ok' });
  });

  it('GET /readyz answers 503 naming each missing migration when the database is not migrated', async () => {
    db = await createTestDatabase({ migrated: false });
    app = await buildApp({ prisma: db.prisma, logger: false });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const names = await migrationNames();
    expect(res.json()).toEqual({
      statusCode: 503,
      code: 'SPILLWAY_API_NOT_READY',
      error: 'Service Unavailable',
      message: 'the database is not fully migrated',
      details: names.map((n) => ({ path: '/database/migrations', message: `migration ${n} is not applied` })),
    });
  });

  it('GET /readyz answers 503 when the database is unreachable (and /healthz still 200)', async () => {
    const port = await freePort();
    const prisma = createPrismaClient(`postgresql://nobody:nothing@127.0.0.1:${port}/none`);
    try {
      app = await buildApp({ prisma, logger: false });
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        statusCode: 503,
        code: 'SPILLWAY_API_NOT_READY',
        message: 'the database is unreachable',
        details: [{ path: '/database' }],
      });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await prisma.$disconnect();
    }
  });
});
