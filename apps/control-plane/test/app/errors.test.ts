// Every 4xx/5xx the app answers has the one shape {statusCode, code, error, message, details[]}
// (API-SHAPE.md): unknown routes, invalid JSON, bodies over the limit, schema violations with
// JSON-pointer paths, and 5xx whose message is hidden and logged.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/logs.js';

describe('error shape', () => {
  let app: FastifyInstance;
  let db: TestDatabase;
  const { logger, lines: logs } = captureLogs();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApp({ prisma: db.prisma, config: { bodyLimit: 2048 }, loggerInstance: logger });
    // Routes of the test's own, standing for any route of the API.
    app.post(
      '/things',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'listen'],
            properties: { name: { type: 'string' }, listen: { type: 'object', required: ['port'], properties: { port: { type: 'integer', maximum: 65535 } } } },
          },
        },
      },
      async (req) => req.body,
    );
    app.get('/explode', async () => {
      throw new Error('secret detail: password=hunter2');
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers an unknown route with 404 SPILLWAY_API_ROUTE_NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/no/such/thing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      statusCode: 404,
      code: 'SPILLWAY_API_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: 'no route for GET /no/such/thing',
      details: [],
    });
  });

  it('answers a body that is not JSON with 400 SPILLWAY_API_INVALID_JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'SPILLWAY_API_INVALID_JSON', error: 'Bad Request', details: [] });
  });

  it('answers a body over the limit with 413 SPILLWAY_API_BODY_TOO_LARGE', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x'.repeat(4096), listen: { port: 1 } } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'SPILLWAY_API_BODY_TOO_LARGE', error: 'Payload Too Large', details: [] });
  });

  it('answers a schema violation with 422 SPILLWAY_API_VALIDATION_FAILED and one detail per field path', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', payload: { listen: { port: 70000 }, colour: 'red' } });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 422, code: 'SPILLWAY_API_VALIDATION_FAILED', error: 'Unprocessable Entity' });
    expect(body.details).toEqual(
      expect.arrayContaining([
        { path: '/name', message: 'is required' },
        { path: '/colour', message: 'is not a known field' },
        { path: '/listen/port', message: 'must be <= 65535' },
      ]),
    );
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/x-unknown' }, payload: 'x' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, code: 'SPILLWAY_API_UNSUPPORTED_MEDIA_TYPE', error: 'Unsupported Media Type' });
  });

  it('hides the message of a 500 from the client and logs it with the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/explode', headers: { 'x-request-id': 'req-500' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      statusCode: 500,
      code: 'SPILLWAY_API_INTERNAL',
      error: 'Internal Server Error',
      message: 'Internal Server Error',
      details: [],
    });
    expect(res.body).not.toContain('hunter2');
    const logged = logs.find((l) => l.reqId === 'req-500' && l.level === 50);
    expect(logged?.err).toMatchObject({ message: 'secret detail: password=hunter2' });
  });
});
