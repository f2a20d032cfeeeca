// No spelling of a protected path escapes authentication: every route of the API (every
// operation of the OpenAPI document but /healthz and /readyz, plus /metrics) is requested over a
// raw socket (so no client normalizes the target) under every spelling of test/helpers/spellings.ts,
// without a token and with a reader token. Without a token nothing may reach a handler (401 or
// 404; a 400 only from the HTTP parser or the router, never a validation error); a reader may
// not write nor use admin-only routes under any spelling.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooled, rawRequest } from '../helpers/raw-http.js';
import { reachedHandler, spellingsOf } from '../helpers/spellings.js';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
let port: number;

interface Op {
  method: string;
  path: string;
  adminOnly: boolean;
}
/** Operations the API keeps open on purpose (everything else needs a token). */
const OPEN = new Set(['/healthz', '/readyz']);
const READS = new Set(['GET', 'HEAD']);

let ops: Op[] = [];

beforeAll(async () => {
  // A limit this harness never reaches: every unauthenticated answer must be the 401 itself.
  h = await startApi({ authFailures: { max: 1_000_000, windowMs: 60_000 } });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
  const doc = h.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  for (const [p, methods] of Object.entries(doc.paths)) {
    if (OPEN.has(p)) continue;
    for (const m of Object.keys(methods)) {
      const path = p.replace(/\{[^}]+\}/g, 'x');
      ops.push({ method: m.toUpperCase(), path, adminOnly: path.startsWith('/v1/api-tokens') || path.startsWith('/v1/agent-tokens') });
    }
  }
  ops.push({ method: 'GET', path: '/metrics', adminOnly: false }, { method: 'GET', path: '/v1/agents/x', adminOnly: false });
  ops = ops.filter((o, i) => ops.findIndex((p) => p.method === o.method && p.path === o.path) === i);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A body a handler would accept (for a bypass to show as a success, not a validation error). */
function bodyFor(op: Op): string | undefined {
  if (READS.has(op.method) || op.method === 'DELETE') return undefined;
  if (op.path === '/v1/api-tokens') return JSON.stringify({ name: `evil-${Math.random().toString(36).slice(2)}`, role: 'admin' });
  if (op.path === '/v1/agent-tokens') return JSON.stringify({ name: `evil-${Math.random().toString(36).slice(2)}` });
  if (op.path === '/v1/api-tokens/x') return JSON.stringify({ role: 'admin' });
  if (op.path === '/v1/monitors/x') return JSON.stringify({ type: 'tcp' });
  return '{}';
}

interface Case {
  op: Op;
  spelling: string;
  target: string;
  token: 'none' | 'reader';
}

async function run(cases: Case[]): Promise<Array<Case & { status: number; body: string }>> {
  return pooled(cases, 16, async (c) => {
    const body = bodyFor(c.op);
    const r = await rawRequest(
      port,
      {
        method: c.op.method,
        target: c.target,
        headers: c.token === 'reader' ? { authorization: `Bearer ${h.reader}` } : {},
        ...(body === undefined ? {} : { body }),
      },
      { headOnly: c.op.path === '/v1/events/stream' },
    );
    return { ...c, status: r.status, body: r.body.slice(0, 300) };
  });
}

describe('authentication under every spelling of a protected path', () => {
  it('lists the routes it attacks (the whole API, /metrics included)', () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(ops).toContainEqual({ method: 'POST', path: '/v1/api-tokens', adminOnly: true });
    expect(ops).toContainEqual({ method: 'GET', path: '/v1/agents', adminOnly: false });
    expect(ops).toContainEqual({ method: 'GET', path: '/metrics', adminOnly: false });
  });

  it('lets no spelling of any protected route reach its handler without a token', async () => {
    const cases = ops.flatMap((op) => spellingsOf(op.path).map((s) => ({ op, spelling: s.name, target: s.target, token: 'none' as const })));
    const results = await run(cases);
    const escaped = results.filter((r) => reachedHandler(r, [400, 401, 404]));
    expect(escaped.map((r) => `${r.op.method} ${r.target} (${r.spelling}) -> ${r.status} ${r.body}`)).toEqual([]);
    // The canonical spelling of every route is answered 401 by authentication itself.
    for (const r of results.filter((x) => x.spelling === 'canonical')) {
      expect({ route: `${r.op.method} ${r.op.path}`, status: r.status, body: r.body }).toMatchObject({
        status: 401,
        body: expect.stringContaining('SPILLWAY_API_UNAUTHENTICATED'),
      });
    }
  });

  it('lets no spelling let a reader write or use an admin-only route', async () => {
    const cases = ops
      .filter((op) => !READS.has(op.method) || op.adminOnly)
      .flatMap((op) => spellingsOf(op.path).map((s) => ({ op, spelling: s.name, target: s.target, token: 'reader' as const })));
    const results = await run(cases);
    const escaped = results.filter((r) => reachedHandler(r, [400, 403, 404]));
    expect(escaped.map((r) => `${r.op.method} ${r.target} (${r.spelling}) -> ${r.status} ${r.body}`)).toEqual([]);
    for (const r of results.filter((x) => x.spelling === 'canonical')) {
      expect({ route: `${r.op.method} ${r.op.path}`, status: r.status }).toMatchObject({ status: 403 });
    }
  });

  it('creates no token through the reported request (POST /%761/api-tokens without a token)', async () => {
    const r = await rawRequest(port, { method: 'POST', target: '/%761/api-tokens', body: JSON.stringify({ name: 'x', role: 'admin' }) });
    expect(r.status).toBe(401);
    expect(await h.db.prisma.apiToken.count({ where: { name: { startsWith: 'evil-' } } })).toBe(0);
    expect(await h.db.prisma.apiToken.findUnique({ where: { name: 'x' } })).toBeNull();
  });

  it('answers an unknown /v1 route 401 without a token (no route map for strangers) and 404 with one', async () => {
    for (const target of ['/v1/no-such-thing', '/v1/', '/v1', '/%761/no-such-thing', '/v1/services/x/nothing']) {
      const anon = await rawRequest(port, { method: 'GET', target });
      expect({ target, status: anon.status }).toEqual({ target, status: 401 });
      expect(anon.body).not.toMatch(/no-such-thing|nothing/);
    }
    const known = await rawRequest(port, { method: 'GET', target: '/v1/no-such-thing', headers: { authorization: `Bearer ${h.admin}` } });
    expect(known.status).toBe(404);
    expect(JSON.parse(known.body)).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_ROUTE_NOT_FOUND', details: [] });
  });

  it('keeps /healthz, /readyz and /docs open under their own route config', async () => {
    expect((await rawRequest(port, { method: 'GET', target: '/healthz' })).status).toBe(200);
    expect((await rawRequest(port, { method: 'GET', target: '/readyz' })).status).toBe(200);
    expect((await rawRequest(port, { method: 'GET', target: '/docs/json' })).status).toBe(200);
    expect((await rawRequest(port, { method: 'GET', target: '/docs' })).status).toBe(200);
  });
});
