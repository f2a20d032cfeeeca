// Every request carries an id: the caller's x-request-id when it is a sane token, otherwise a
// fresh UUID; it is echoed in the response header and stamped on every log line of the request.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/logs.js';

describe('request ids', () => {
  let app: FastifyInstance;
  let db: TestDatabase;
  const { logger, lines: logs } = captureLogs();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApp({ prisma: db.prisma, loggerInstance: logger });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('echoes an incoming x-request-id and logs the request under it as JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42.a' } });
    expect(res.headers['x-request-id']).toBe('trace-42.a');
    const lines = logs.filter((l) => l.reqId === 'trace-42.a');
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
  });

  it('makes a UUID when the request has none, and on errors too', async () => {
    const res = await app.inject({ method: 'GET', url: '/missing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('replaces an x-request-id that is not a sane token (spaces, too long)', async () => {
    for (const bad of ['has spaces', 'x'.repeat(200), 'new\u00e9line']) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
