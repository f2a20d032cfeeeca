// Bearer API tokens with roles: `admin` reads and writes, `reader` only reads (GET, HEAD).
//
// Authentication is decided by the route a request was routed to, never by its URL: the
// contexts that hold protected routes (the /v1 API in routes/index.ts; the agent hub's /v1 routes
// and /metrics in agent-hub/plugin.ts) call requireAuth(), which adds the onRequest hook of this
// plugin to that encapsulated context. Every route registered there needs a token unless the
// route itself opts out with `config: { auth: false }` (the agents' control channel, which checks
// agent tokens itself); so does the not-found answer of /v1, so a stranger learns nothing of the
// routes. The router matches the decoded path, so any spelling of a protected path
// (`/%761/api-tokens`, `/v%31/…`) reaches that route and its hook, and a spelling it does not
// match ends in a not-found answer, which runs no handler. /healthz, /readyz and /docs live
// outside those contexts (and say `auth: false` too). Roles are checked from the matched route
// (`adminOnly`) and method. Failed authentication is rate limited per client address
// (FailureLimiter: failures past the limit get 429, valid tokens are always served).
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/prisma.js';
import { ApiErrors } from '../errors.js';
import { TokenStore, type Principal } from '../services/token-store.js';

export interface AuthOptions {
  tokens: TokenStore;
  /** Failed authentications allowed per client address and window (default 20 per 60 s). */
  failures?: { max: number; windowMs: number };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: the route needs no API token (it is open, or checks credentials of its own). In a
     * context with requireAuth() every other route gets `true` (an API token is required).
     */
    auth?: boolean;
    /** Only admin tokens may call this route, reads included. */
    adminOnly?: boolean;
  }
  interface FastifyInstance {
    /** API and agent tokens (decorated by the auth plugin). */
    tokenStore: TokenStore;
    /** Failed authentications per client address, shared by the API and the agents' channel. */
    authFailures: FailureLimiter;
    /** The onRequest hook of requireAuth(). */
    authenticate: onRequestAsyncHookHandler;
  }
}

/** Methods a reader token may use. */
const READ_METHODS = new Set(['GET', 'HEAD']);

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h) : null;
  return m?.[1] ?? null;
}

/**
 * Failed authentications per client address, in fixed windows. Only failures count, and only
 * failures are refused: past `max` failures in a window, each further failure of that address
 * gets 429 instead of 401 until the window ends, while a request with a valid credential is
 * served all along (a bad client behind a NAT does not lock out the good ones). The API and the
 * agents' control channel share one limiter.
 */
export class FailureLimiter {
  private readonly seen = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts a failure of `key`; returns the seconds to wait when it is past the limit, else 0. */
  fail(key: string, now = Date.now()): number {
    if (this.seen.size > 10_000) for (const [k, e] of this.seen) if (e.resetAt <= now) this.seen.delete(k);
    let e = this.seen.get(key);
    if (!e || e.resetAt <= now) {
      e = { count: 0, resetAt: now + this.windowMs };
      this.seen.set(key, e);
    }
    e.count += 1;
    return e.count > this.max ? Math.max(1, Math.ceil((e.resetAt - now) / 1000)) : 0;
  }
}

async function auth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const limiter = new FailureLimiter(opts.failures?.max ?? 20, opts.failures?.windowMs ?? 60_000);
  const tokens = opts.tokens;
  app.decorate('tokenStore', tokens);
  app.decorate('authFailures', limiter);
  app.decorateRequest('auth', undefined);

  app.decorate('authenticate', async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = req.routeOptions.config;
    if (route.auth === false) return;
    const token = bearer(req);
    const principal: Principal | null = token === null ? null : await tokens.authenticate(token);
    if (!principal) {
      const wait = limiter.fail(req.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw ApiErrors.authRateLimited(`too many failed authentications from this address; retry in ${wait} s`);
      }
      reply.header('www-authenticate', 'Bearer realm="spillway"');
      throw ApiErrors.unauthenticated(token === null ? 'an API token is required (Authorization: Bearer <token>)' : 'the API token is not valid');
    }
    req.auth = principal;
    if (principal.role === 'admin') return;
    if (route.adminOnly === true) throw ApiErrors.forbidden(`token ${principal.name} has role ${principal.role}, which may not use this route`);
    if (!READ_METHODS.has(req.method)) throw ApiErrors.forbidden(`token ${principal.name} has role ${principal.role}, which may not write`);
  });
}

/**
 * Makes every route of `scope` (an encapsulated context, from the root that has this plugin)
 * need an API token, unless the route's config says `auth: false`: the route's config records the
 * decision (`auth: true|false`, read by the OpenAPI document) and the hook enforces it.
 */
export function requireAuth(scope: FastifyInstance): void {
  scope.addHook('onRoute', (r) => {
    r.config = { ...r.config, auth: r.config?.auth !== false };
  });
  scope.addHook('onRequest', scope.authenticate);
}

export default fp(auth, { name: 'spillway-auth', fastify: '5.x' });

/**
 * The first-start bootstrap of an admin token, for server.ts: with `adminToken`
 * (SPILLWAY_ADMIN_TOKEN) that secret becomes the `bootstrap` admin token; without it, when no
 * admin token exists, one is generated and returned so the caller prints it once.
 */
export async function ensureBootstrapToken(db: PrismaClient, adminToken?: string): Promise<{ generated: string | null }> {
  return new TokenStore(db).ensureBootstrap(adminToken);
}
