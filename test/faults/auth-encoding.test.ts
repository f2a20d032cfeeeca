// Fault suite, the percent-encoding class of authentication bypasses (issue 10, item 1), against
// the control plane as it ships: apps/control-plane/src/server.ts in its own process, requests
// written byte for byte on node:net sockets (no client normalizes the target). Every spelling of
// test/helpers/spellings.ts, of one route of each kind (admin-only write, config write and read,
// object write, hub routes, the event stream, /metrics), without a token and with a reader
// token: nothing reaches a handler, no token gets created. Each request comes from a loopback
// address of its own (127.2.x.y), so the limit on failed authentication (20 per address) never
// stands in for the 401 being tested.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { pooled, rawRequest } from '../../apps/control-plane/test/helpers/raw-http.js';
import { reachedHandler, spellingsOf } from '../../apps/control-plane/test/helpers/spellings.js';
import { ADMIN_TOKEN, startControlPlane, type ControlPlaneProc } from '../e2e/helpers.js';

let db: TestDatabase;
let cp: ControlPlaneProc;
let reader: string;

interface Route {
  method: string;
  path: string;
  body?: string;
  write: boolean;
}
const ROUTES: Route[] = [
  { method: 'POST', path: '/v1/api-tokens', body: JSON.stringify({ name: 'x', role: 'admin' }), write: true },
  { method: 'GET', path: '/v1/api-tokens', write: true /* admin only */ },
  { method: 'GET', path: '/v1/config', write: false },
  { method: 'PUT', path: '/v1/config', body: JSON.stringify({ services: [], monitors: [], vservers: [] }), write: true },
  { method: 'PUT', path: '/v1/services/x', body: JSON.stringify({ address: '127.0.0.1', port: 9, protocol: 'tcp', capacity: 1 }), write: true },
  { method: 'DELETE', path: '/v1/agents/x', write: true },
  { method: 'POST', path: '/v1/agent-tokens', body: JSON.stringify({ name: 'evil-agent' }), write: true },
  { method: 'GET', path: '/v1/agents', write: false },
  { method: 'GET', path: '/v1/events/stream', write: false },
  { method: 'GET', path: '/metrics', write: false },
];

let nextAddress = 0;
/** A loopback address no other request of this file used (127.2.0.1, 127.2.0.2, …). */
const freshAddress = (): string => {
  const i = ++nextAddress;
  return `127.2.${(i >> 8) & 255}.${i & 255}`;
};

beforeAll(async () => {
  db = await createTestDatabase();
  cp = await startControlPlane(db.url);
  reader = (await cp.call<{ token: string }>('POST', '/v1/api-tokens', { name: 'dashboard', role: 'reader' }, 201)).token;
}, 90_000);
afterAll(async () => {
  await cp?.kill('SIGKILL');
  await db?.drop();
});

async function attack(routes: Route[], token: string | null): Promise<string[]> {
  const cases = routes.flatMap((r) => spellingsOf(r.path).map((s) => ({ r, s })));
  const allowed = token === null ? [400, 401, 404] : [400, 403, 404];
  const results = await pooled(cases, 16, async ({ r, s }) => {
    const res = await rawRequest(
      cp.port,
      {
        method: r.method,
        target: s.target,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(r.body === undefined ? {} : { body: r.body }),
      },
      { headOnly: r.path === '/v1/events/stream', localAddress: freshAddress() },
    );
    return reachedHandler(res, allowed) ? `${r.method} ${s.target} (${s.name}) -> ${res.status} ${res.body.slice(0, 200)}` : null;
  });
  return results.filter((x): x is string => x !== null);
}

describe('fault: percent-encoded and other spellings of protected paths (real server process, raw sockets)', () => {
  it('answers the reported request POST /%761/api-tokens 401 and creates no token', async () => {
    const res = await rawRequest(
      cp.port,
      { method: 'POST', target: '/%761/api-tokens', body: JSON.stringify({ name: 'x', role: 'admin' }) },
      { localAddress: freshAddress() },
    );
    expect(res.status).toBe(401);
    expect((await rawRequest(cp.port, { method: 'GET', target: '/%6detrics' }, { localAddress: freshAddress() })).status).toBe(401);
    expect((await rawRequest(cp.port, { method: 'GET', target: '/%761/config' }, { localAddress: freshAddress() })).status).toBe(401);
  });

  it('lets no spelling of a protected route reach its handler without a token', async () => {
    expect(await attack(ROUTES, null)).toEqual([]);
  });

  it('lets no spelling let a reader write or use an admin-only route', async () => {
    expect(
      await attack(
        ROUTES.filter((r) => r.write),
        reader,
      ),
    ).toEqual([]);
  });

  it('leaves no trace of the attempts: only the bootstrap and reader tokens exist, no agent token, no service', async () => {
    const tokens = await cp.call<{ items: Array<{ name: string }> }>('GET', '/v1/api-tokens');
    expect(tokens.items.map((t) => t.name).sort()).toEqual(['bootstrap', 'dashboard']);
    expect((await cp.call<{ items: unknown[] }>('GET', '/v1/agent-tokens')).items).toEqual([]);
    expect((await cp.call<{ items: unknown[] }>('GET', '/v1/services')).items).toEqual([]);
    // The admin token still works through the canonical path (the server is healthy).
    expect((await rawRequest(cp.port, { method: 'GET', target: '/v1/config', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
  });
});
