// The REST API under /v1: the config store and token store (decorated as `configStore` and
// `tokenStore`), authentication, and every resource route. Every route of the /v1 context, and
// its not-found answer, needs an API token (requireAuth, plugins/auth.ts) unless the route says
// `auth: false` (none here does). Request validation is installed in the /v1 context only, so
// other plugins keep Fastify's defaults.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/prisma.js';
import auth, { requireAuth, type AuthOptions } from '../plugins/auth.js';
import { notFound } from '../plugins/errors.js';
import { ErrorResponse } from '../schemas/common.js';
import { Plan } from '../schemas/config.js';
import { installValidation } from '../plugins/validation.js';
import { ConfigStore } from '../services/config-store.js';
import { TokenStore } from '../services/token-store.js';
import { FeedbackStore } from '../services/feedback-store.js';
import { feedbackRoutes } from './feedback.js';
import { bindingRoutes } from './bindings.js';
import { configRoutes } from './config.js';
import { eventRoutes } from './events.js';
import { objectRoutes } from './objects.js';
import { tokenRoutes } from './tokens.js';

export interface ApiOptions {
  /** Default: the app's `prisma` decorator (plugins/db.ts). */
  db?: PrismaClient;
  /** Failed authentications allowed per address and window. */
  authFailures?: AuthOptions['failures'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The one place configuration versions live; emits `change` ({version, document}) after each commit. */
    configStore: ConfigStore;
    /** Application feedback pushed by backends (POST /v1/services/{name}/feedback); emits `feedback` for the agent hub. */
    feedbackStore: FeedbackStore;
  }
}

async function api(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const db = opts.db ?? app.prisma;
  const store = new ConfigStore(db);
  const tokens = new TokenStore(db);
  app.decorate('configStore', store);
  const feedback = new FeedbackStore(db);
  app.decorate('feedbackStore', feedback);
  if (!app.getSchemas().Error) app.addSchema(ErrorResponse);
  if (!app.getSchemas().Plan) app.addSchema(Plan);
  await app.register(auth, { tokens, ...(opts.authFailures ? { failures: opts.authFailures } : {}) });
  await app.register(
    async (v1) => {
      requireAuth(v1);
      v1.setNotFoundHandler(notFound);
      installValidation(v1);
      objectRoutes(v1, store);
      bindingRoutes(v1, store);
      configRoutes(v1, store);
      eventRoutes(v1, store);
      tokenRoutes(v1, store, tokens);
      feedbackRoutes(v1, feedback, tokens);
    },
    { prefix: '/v1' },
  );
}

export default fp(api, { name: 'spillway-api', fastify: '5.x' });
