// Bearer API tokens with roles: `admin` reads and writes, `reader` only reads. The API (/v1) and
// /metrics need a token, except the agents' control channel (which checks agent tokens itself);
// /healthz, /readyz and /docs stay open. Failed authentication is rate limited per client address: past `max` failures
// in a window, the address gets 429 until the window ends, valid token or not.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/prisma.js';
import { ApiError } from '../services/api-error.js';
import { TokenStore } from '../services/token-store.js';

export interface AuthOptions {
  tokens: TokenStore;
  /** Failed authentications allowed per client address and window (default 20 per 60 s). */
  failures?: { max: number; windowMs: number };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only admin tokens may call this route, reads included. */
    adminOnly?: boolean;
  }
}

const OPEN = [/^\/healthz$/, /^\/readyz$/, /^\/docs(\/|$)/, /^\/v1\/agents\/connect$/];
const PROTECTED = /^\/(v1(\/|$)|metrics$)/;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isOpenPath(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return !PROTECTED.test(path) || OPEN.some((re) => re.test(path));
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h) : null;
  return m?.[1] ?? null;
}

/** Fixed windows per address; only failures count. */
class FailureLimiter {
  private readonly seen = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(key: string, now = Date.now()): number {
    const e = this.seen.get(key);
    if (!e || e.resetAt <= now) return 0;
    return e.count >= this.max ? Math.ceil((e.resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    if (this.seen.size > 10_000) for (const [k, e] of this.seen) if (e.resetAt <= now) this.seen.delete(k);
    const e = this.seen.get(key);
    if (!e || e.resetAt <= now) this.seen.set(key, { count: 1, resetAt: now + this.windowMs });
    else e.count += 1;
  }
}

async function auth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const limiter = new FailureLimiter(opts.failures?.max ?? 20, opts.failures?.windowMs ?? 60_000);
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (req, reply) => {
    if (isOpenPath(req.url)) return;
    const wait = limiter.blockedFor(req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new ApiError(429, 'SPILLWAY_AUTH_RATE_LIMITED', `too many failed authentications from this address; retry in ${wait} s`);
    }
    const token = bearer(req);
    const principal = token === null ? null : await opts.tokens.authenticate(token);
    if (!principal) {
      limiter.fail(req.ip);
      reply.header('www-authenticate', 'Bearer realm="spillway"');
      throw new ApiError(401, 'SPILLWAY_UNAUTHENTICATED', token === null ? 'an API token is required (Authorization: Bearer <token>)' : 'the API token is not valid');
    }
    req.auth = principal;
    if (principal.role !== 'admin' && (!READ_METHODS.has(req.method) || req.routeOptions.config.adminOnly === true)) {
      throw new ApiError(403, 'SPILLWAY_FORBIDDEN', `token ${principal.name} has role ${principal.role}, which may not ${req.routeOptions.config.adminOnly === true ? 'use this route' : 'write'}`);
    }
  });
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
