// buildApp(): the control plane as a Fastify instance, without listening (server.ts listens;
// tests drive it with app.inject). Order: framework settings, shared schemas and our own
// plugins (errors, database), then routes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import controlPlaneHub, { type ControlPlaneHubOptions } from './agent-hub/control-plane-hub.js';
import { DEFAULT_CONFIG, type Config } from './config.js';
import type { PrismaClient } from './db/prisma.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import openapi from './plugins/openapi.js';
import ui from './plugins/ui.js';
import healthRoutes from './routes/health.js';
import api, { type ApiOptions } from './routes/index.js';
import { ErrorResponse } from './schemas/common.js';

export interface BuildAppOptions {
  /** The database client; its owner closes it (the app never disconnects it). */
  prisma: PrismaClient;
  /** Configuration (defaults from DEFAULT_CONFIG); server.ts passes loadConfig()'s result. */
  config?: Partial<Config>;
  /** Fastify logger options (default: pino JSON at config.logLevel); `false` silences it. */
  logger?: FastifyServerOptions['logger'];
  /** A pino logger to use instead (server.ts shares one with the rest of the process). */
  loggerInstance?: FastifyBaseLogger;
  /** Migrations folder that readiness checks against (default prisma/migrations). */
  migrationsDir?: string;
  /**
   * Postgres URL this process LISTENs on for the other replicas' config changes (server.ts
   * passes the URL it connected to); omitted: no replica channel. `hub` tunes the agent hub.
   */
  databaseUrl?: string;
  hub?: Omit<ControlPlaneHubOptions, 'databaseUrl'>;
  /** Failed authentications allowed per client address and window (default 20 per 60 s). */
  authFailures?: ApiOptions['authFailures'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration the app was built with. */
    config: Config;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** An incoming `x-request-id` is kept when it is a sane token; otherwise a UUID is made. */
export function requestId(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
}

const buildSerializer = SerializerSelector();
/**
 * Fastify's response serializers (fast-json-stringify), one per schema object rather than one per
 * route and status: the shared error schema ({ $ref: 'Error' }) answers every 4xx of every route,
 * and each compile builds an Ajv of its own; compiling it once per context is most of the start-up.
 */
function memoizedSerializers(...args: Parameters<typeof buildSerializer>): ReturnType<typeof buildSerializer> {
  const compile = buildSerializer(...args);
  const bySchema = new WeakMap<object, ReturnType<typeof compile>>();
  return (route) => {
    const schema = route.schema;
    if (typeof schema !== 'object' || schema === null) return compile(route);
    let fn = bySchema.get(schema);
    if (!fn) {
      // Compiled at its first response rather than at start-up (~0.3 s of CPU of each start; most routes of a process never answer).
      let compiled: ReturnType<typeof compile> | undefined;
      fn = (data) => (compiled ??= compile(route))(data);
      bySchema.set(schema, fn);
    }
    return fn;
  };
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const config: Config = { ...DEFAULT_CONFIG, ...opts.config };
  const app = Fastify({
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? { level: config.logLevel } }),
    genReqId: requestId,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // On close: idle keep-alive sockets are closed at once, in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Every schema violation is reported (not only the first), and an unknown field is an error
    // rather than silently dropped. The /v1 context installs its own, stricter validation.
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    schemaController: { compilersFactory: { buildSerializer: memoizedSerializers } },
  }) as unknown as FastifyInstance;

  app.decorate('config', config);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addSchema(ErrorResponse);

  await app.register(errorsPlugin);
  await app.register(dbPlugin, { prisma: opts.prisma, ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}) });

  // OpenAPI first: it collects every route registered after it.
  await app.register(openapi);
  await app.register(healthRoutes);
  // The dashboard's static files at /ui (open; its data comes from /v1 with the user's token).
  await app.register(ui);

  // REST API under /v1 (config store, tokens, authentication).
  await app.register(api, { db: app.prisma, ...(opts.authFailures ? { authFailures: opts.authFailures } : {}) });

  // Agent hub: control channel (agent tokens), config pushed on every commit, agents and their
  // events recorded, replicas told of changes (LISTEN/NOTIFY) when a database URL is given.
  await app.register(controlPlaneHub, { ...opts.hub, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}) });

  return app;
}
