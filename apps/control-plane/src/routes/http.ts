// Small HTTP helpers shared by the route files: ETags and If-Match, opaque cursors, pages,
// the actor of a request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, objectNotFound, type SpillwayError } from '../errors.js';

export const etag = (version: number): string => `"${version}"`;

/**
 * Checks `If-Match` against the version the object has now (null: it does not exist).
 * `*` matches any existing object; weak tags compare like strong ones (versions are exact).
 */
export function checkIfMatch(req: FastifyRequest, current: number | null): void {
  const header = req.headers['if-match'];
  if (header === undefined) return;
  const tags = header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (current !== null && tags.includes('*')) return;
  if (current !== null && tags.some((t) => t.replace(/^W\//, '') === etag(current))) return;
  throw ApiErrors.versionMismatch(
    current === null
      ? `If-Match ${header} given but the object does not exist`
      : `If-Match ${header} does not match the current version ${etag(current)}; read the object again and retry`,
    [{ path: 'headers:/if-match', message: current === null ? 'no current version' : `current version is ${etag(current)}` }],
  );
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof v.k === 'string') return v.k;
  } catch {
    /* fall through */
  }
  throw ApiErrors.invalidCursor('the cursor is not one this API returned', [{ path: 'querystring:/cursor', message: 'not a cursor of this list' }]);
}

/** One page of `items` (sorted by `key`): after the cursor, matching the prefix, at most `limit`. */
export function page<T>(
  items: readonly T[],
  key: (x: T) => string,
  q: { limit?: number; cursor?: string; prefix?: string },
): { items: T[]; nextCursor: string | null } {
  const after = decodeCursor(q.cursor);
  const limit = q.limit ?? 100;
  const matching = items.filter((x) => (q.prefix === undefined || key(x).startsWith(q.prefix)) && (after === null || key(x) > after));
  const out = matching.slice(0, limit);
  const last = out[out.length - 1];
  return { items: out, nextCursor: matching.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}

export function actorOf(req: FastifyRequest): string {
  return req.auth ? `token:${req.auth.name}` : 'system';
}

export function withETag(reply: FastifyReply, version: number): FastifyReply {
  return reply.header('etag', etag(version));
}

export function notFound(what: Parameters<typeof objectNotFound>[0], name: string): SpillwayError {
  return objectNotFound(what, name);
}

/** The body's `name` (when given) must be the one of the path: PUT and PATCH never rename. */
export function checkSameName(field: string, inBody: unknown, inPath: string): void {
  if (inBody !== undefined && inBody !== inPath) {
    throw ApiErrors.nameMismatch(`${field} ${JSON.stringify(inBody)} in the body differs from ${inPath} in the path (renaming is not supported)`, [
      { path: `/${field}`, message: `must be ${inPath} or omitted` },
    ]);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token that authenticated the request (set by the auth plugin). */
    auth?: { name: string; role: 'admin' | 'reader' };
  }
}
