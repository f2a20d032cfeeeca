// Liveness and readiness, for orchestrators and `npm start`: /healthz answers while the process
// runs; /readyz answers 200 only when the database is reachable and fully migrated (503 naming
// why otherwise, with Retry-After while the database is unreachable).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DATABASE_RETRY_AFTER_S } from '../db/unavailable.js';
import { ApiErrors, bodyOf } from '../errors.js';
import { ErrorRef } from '../schemas/common.js';

const Alive = Type.Object({ status: Type.Literal('ok') }, { title: 'Alive' });
const Ready = Type.Object({ status: Type.Literal('ready'), database: Type.Literal('ok') }, { title: 'Ready' });

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { auth: false },
      schema: { operationId: 'healthz', tags: ['health'], summary: 'Liveness: the process is up', response: { 200: Alive } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: false },
      schema: {
        operationId: 'readyz',
        tags: ['health'],
        summary: 'Readiness: the database is reachable and every migration is applied',
        response: { 200: Ready, 503: ErrorRef },
      },
    },
    async (req, reply) => {
      const db = await app.databaseStatus();
      if (db.ok) return { status: 'ready' as const, database: 'ok' as const };
      const details = db.reachable
        ? db.pendingMigrations.map((name) => ({ path: '/database/migrations', message: `migration ${name} is not applied` }))
        : [{ path: '/database', message: db.error }];
      req.log.warn({ database: db }, 'not ready');
      if (!db.reachable) reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
      return reply.code(503).send(bodyOf(ApiErrors.notReady(db.reachable ? 'the database is not fully migrated' : 'the database is unreachable', details)));
    },
  );
}
