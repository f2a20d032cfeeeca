// Every resource's CRUD through the REST API against the real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

describe('services', () => {
  it('creates, reads, lists, replaces, merges and deletes a service', async () => {
    const created = await h.call('POST', '/v1/services', { name: 'web-1', address: '10.0.0.11', port: 8080, protocol: 'http', capacity: 200 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe('/v1/services/web-1');
    expect(created.json()).toMatchObject({
      name: 'web-1',
      address: '10.0.0.11',
      port: 8080,
      protocol: 'http',
      capacity: 200,
      weight: 1,
      state: 'enabled',
      monitors: [],
      version: 1,
    });
    const got = await h.call('GET', '/v1/services/web-1');
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    const list = await h.call('GET', '/v1/services');
    expect(list.json()).toMatchObject({ items: [{ name: 'web-1' }], nextCursor: null });
    const put = await h.call('PUT', '/v1/services/web-1', { address: '10.0.0.12', port: 8080, protocol: 'http' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ address: '10.0.0.12', capacity: 0, version: 2 });
    const patched = await h.call('PATCH', '/v1/services/web-1', { capacity: 50, state: 'maintenance' });
    expect(patched.json()).toMatchObject({ address: '10.0.0.12', capacity: 50, state: 'maintenance', version: 3 });
    const cleared = await h.call('PATCH', '/v1/services/web-1', { state: null });
    expect(cleared.json()).toMatchObject({ state: 'enabled', capacity: 50, version: 4 });
    expect((await h.call('DELETE', '/v1/services/web-1')).statusCode).toBe(204);
    expect((await h.call('GET', '/v1/services/web-1')).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_SERVICE_NOT_FOUND' });
    expect((await h.call('DELETE', '/v1/services/web-1')).statusCode).toBe(404);
  });

  it('creates with PUT (201) and refuses a second POST of the same name (409)', async () => {
    const put = await h.call('PUT', '/v1/services/api-1', { name: 'api-1', address: 'api.internal', port: 9000 });
    expect(put.statusCode, put.body).toBe(201);
    const again = await h.call('POST', '/v1/services', { name: 'api-1', address: 'api.internal', port: 9000 });
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'SPILLWAY_API_ALREADY_EXISTS' });
  });

  it('refuses a PUT whose body names another object than the path (no renames)', async () => {
    const res = await h.call('PUT', '/v1/services/api-1', { name: 'api-2', address: 'x', port: 1 });
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'SPILLWAY_API_NAME_MISMATCH', details: [{ path: '/name' }] });
  });
});

describe('monitors', () => {
  it('creates a monitor with operator defaults, merges and resets fields, deletes it', async () => {
    const created = await h.call('POST', '/v1/monitors', {
      name: 'web-health',
      type: 'http',
      http: { path: '/healthz', expectBody: 'ok' },
      responseTime: { maxMs: 800 },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'web-health',
      type: 'http',
      intervalMs: 5000,
      timeoutMs: 2000,
      fall: 3,
      rise: 1,
      weight: 1,
      http: { method: 'GET', path: '/healthz', expectStatus: [200], expectBody: 'ok' },
      responseTime: { maxMs: 800 },
    });
    const patched = await h.call('PATCH', '/v1/monitors/web-health', { responseTime: null, http: { expectStatus: [200, 204] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().responseTime).toBeUndefined();
    expect(patched.json().http).toEqual({ method: 'GET', path: '/healthz', expectStatus: [200, 204], expectBody: 'ok' });
    expect((await h.call('GET', '/v1/monitors')).json().items).toHaveLength(1);
    expect((await h.call('DELETE', '/v1/monitors/web-health')).statusCode).toBe(204);
  });
});

describe('vservers', () => {
  it('creates a vserver with its spillover policy, bindings and backup; PUT without bindings keeps them', async () => {
    await h.call('PUT', '/v1/services/s1', { address: '10.0.0.1', port: 80, protocol: 'http', capacity: 10 });
    await h.call('PUT', '/v1/services/s2', { address: '10.0.0.2', port: 80, protocol: 'http', capacity: 10 });
    expect(
      (
        await h.call('POST', '/v1/vservers', {
          name: 'overflow',
          protocol: 'http',
          services: [{ service: 's2' }],
          spillover: { methods: [{ type: 'health', thresholdPercent: 50 }], action: 'drop' },
        })
      ).statusCode,
    ).toBe(201);
    const body = {
      name: 'front',
      protocol: 'http',
      listen: { port: 8443, host: '0.0.0.0' },
      timeoutMs: 30000,
      headersTimeoutMs: 10000,
      keepAliveTimeoutMs: 5000,
      clientTimeoutMs: 60000,
      lbMethod: 'leastconn',
      services: [{ service: 's1', weight: 2 }],
      persistence: { type: 'cookie', timeoutSeconds: 600 },
      spillover: {
        methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 400000, direction: 'both' }],
        combine: 'any',
        backup: 'overflow',
        action: 'redirect',
        redirectUrl: 'https://status.example.com/busy',
        persistenceTimeoutSeconds: 120,
      },
      surgeQueue: { length: 200, timeoutMs: 5000 },
    };
    const created = await h.call('POST', '/v1/vservers', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({ ...body, version: 1, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const { services: _omit, ...withoutBindings } = body;
    const put = await h.call('PUT', '/v1/vservers/front', { ...withoutBindings, lbMethod: 'roundrobin' });
    expect(put.json()).toMatchObject({ lbMethod: 'roundrobin', services: [{ service: 's1', weight: 2 }], version: 2 });
    const patched = await h.call('PATCH', '/v1/vservers/front', { spillover: { backup: null, action: 'drop', redirectUrl: null } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().spillover).toEqual({ methods: body.spillover.methods, combine: 'any', action: 'drop', persistenceTimeoutSeconds: 120 });
    const list = await h.call('GET', '/v1/vservers?prefix=fr');
    expect(list.json().items.map((v: { name: string }) => v.name)).toEqual(['front']);
  });

  it('deleting a service, monitor or vserver still referenced is 409 naming the referrers', async () => {
    await h.call('PUT', '/v1/monitors/ping', { type: 'tcp' });
    await h.call('PUT', '/v1/services/s1', { address: '10.0.0.1', port: 80, protocol: 'http', capacity: 10, monitors: [{ monitor: 'ping' }] });
    await h.call('PATCH', '/v1/vservers/front', { spillover: { backup: 'overflow' } });
    const svc = await h.call('DELETE', '/v1/services/s1');
    expect(svc.json()).toMatchObject({
      statusCode: 409,
      code: 'SPILLWAY_API_REFERENCED',
      details: [{ path: '/vservers/front/services/s1', message: 'vserver front references s1' }],
    });
    const mon = await h.call('DELETE', '/v1/monitors/ping');
    expect(mon.json()).toMatchObject({ statusCode: 409, code: 'SPILLWAY_API_REFERENCED', details: [{ path: '/services/s1/monitors/ping' }] });
    const vs = await h.call('DELETE', '/v1/vservers/overflow');
    expect(vs.json()).toMatchObject({ statusCode: 409, code: 'SPILLWAY_API_REFERENCED', details: [{ path: '/vservers/front/spillover/backup' }] });
  });
});

describe('bindings as resources', () => {
  it('binds, reads, re-weights, clears the override and unbinds a service of a vserver', async () => {
    await h.call('PUT', '/v1/services/b1', { address: '10.0.1.1', port: 80, protocol: 'http' });
    await h.call('PUT', '/v1/vservers/bv', { protocol: 'http' });
    const created = await h.call('PUT', '/v1/vservers/bv/services/b1', { weight: 3 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ vserver: 'bv', service: 'b1', weight: 3, version: 1 });
    const same = await h.call('PUT', '/v1/vservers/bv/services/b1', created.json());
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(1);
    const patched = await h.call('PATCH', '/v1/vservers/bv/services/b1', { weight: null }, { headers: { 'if-match': '"1"' } });
    expect(patched.json()).toEqual({ vserver: 'bv', service: 'b1', version: 2, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect((await h.call('GET', '/v1/vservers/bv')).json().services).toEqual([{ service: 'b1' }]);
    expect((await h.call('GET', '/v1/vservers/bv/services')).json().items).toHaveLength(1);
    expect((await h.call('POST', '/v1/vservers/bv/services', { service: 'b1' })).statusCode).toBe(409);
    expect((await h.call('DELETE', '/v1/vservers/bv/services/b1')).statusCode).toBe(204);
    expect((await h.call('GET', '/v1/vservers/bv/services/b1')).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_BINDING_NOT_FOUND' });
    const unknown = await h.call('PUT', '/v1/vservers/bv/services/ghost', {});
    expect(unknown.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_UNKNOWN_REFERENCE', details: [{ path: '/service' }] });
    expect((await h.call('PUT', '/v1/vservers/nope/services/b1', {})).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_VSERVER_NOT_FOUND' });
  });

  it('binds a monitor to a service with a weight', async () => {
    await h.call('PUT', '/v1/monitors/m1', { type: 'tcp', weight: 2 });
    const created = await h.call('POST', '/v1/services/b1/monitors', { monitor: 'm1', weight: 1 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ service: 'b1', monitor: 'm1', weight: 1 });
    expect((await h.call('GET', '/v1/services/b1/monitors/m1')).headers.etag).toBe('"1"');
    expect((await h.call('GET', '/v1/services/b1')).json().monitors).toEqual([{ monitor: 'm1', weight: 1 }]);
    expect((await h.call('DELETE', '/v1/services/b1/monitors/m1')).statusCode).toBe(204);
  });
});

describe('lists', () => {
  it('pages with limit and an opaque cursor in a stable order and filters by name prefix', async () => {
    for (const n of ['p-3', 'p-1', 'p-2', 'q-1']) await h.call('PUT', `/v1/monitors/${n}`, { type: 'tcp' });
    const first = await h.call('GET', '/v1/monitors?prefix=p-&limit=2');
    expect(first.json().items.map((m: { name: string }) => m.name)).toEqual(['p-1', 'p-2']);
    const second = await h.call('GET', `/v1/monitors?prefix=p-&limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json()).toMatchObject({ items: [{ name: 'p-3' }], nextCursor: null });
    expect((await h.call('GET', '/v1/monitors?cursor=garbage')).json()).toMatchObject({ statusCode: 400, code: 'SPILLWAY_API_INVALID_CURSOR' });
  });
});

describe('tokens and agents', () => {
  it('shows an API token once, lists it without its secret, and deletes it', async () => {
    const created = await h.call('POST', '/v1/api-tokens', { name: 'ci', role: 'admin' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().token).toMatch(/^spw_/);
    const list = await h.call('GET', '/v1/api-tokens');
    expect(list.json().items.map((t: { name: string }) => t.name)).toEqual(['bootstrap', 'ci', 'dashboard']);
    expect(list.body).not.toContain(created.json().token);
    expect((await h.call('GET', '/v1/services', undefined, { token: created.json().token })).statusCode).toBe(200);
    expect((await h.call('DELETE', '/v1/api-tokens/ci')).statusCode).toBe(204);
    expect((await h.call('GET', '/v1/services', undefined, { token: created.json().token })).statusCode).toBe(401);
  });

  it('creates an API token with PUT (secret once), changes its role with PUT/PATCH idempotently, never demotes the last admin', async () => {
    const created = await h.call('PUT', '/v1/api-tokens/ops', { role: 'reader' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().token).toMatch(/^spw_/);
    const got = await h.call('GET', '/v1/api-tokens/ops');
    const same = await h.call('PUT', '/v1/api-tokens/ops', got.json());
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(got.json());
    expect(same.json().token).toBeUndefined();
    expect((await h.call('PATCH', '/v1/api-tokens/ops', { role: 'admin' })).json()).toMatchObject({ name: 'ops', role: 'admin' });
    expect((await h.call('GET', '/v1/services', undefined, { token: created.json().token })).statusCode).toBe(200);
    expect((await h.call('PATCH', '/v1/api-tokens/ops', { role: 'reader' })).statusCode).toBe(200);
    expect((await h.call('PATCH', '/v1/api-tokens/bootstrap', { role: 'reader' })).json()).toMatchObject({
      statusCode: 409,
      code: 'SPILLWAY_API_LAST_ADMIN_TOKEN',
    });
    expect((await h.call('PATCH', '/v1/api-tokens/nobody', { role: 'reader' })).statusCode).toBe(404);
    expect((await h.call('DELETE', '/v1/api-tokens/ops')).statusCode).toBe(204);
  });

  it('creates an agent token with PUT and rebinds it to another agent with PATCH', async () => {
    const created = await h.call('PUT', '/v1/agent-tokens/edge-x', { agent: 'edge-x' });
    expect(created.statusCode, created.body).toBe(201);
    expect((await h.call('PUT', '/v1/agent-tokens/edge-x', { agent: 'edge-x' })).statusCode).toBe(200);
    expect((await h.call('PATCH', '/v1/agent-tokens/edge-x', { agent: 'edge-y' })).json()).toMatchObject({ name: 'edge-x', agent: 'edge-y' });
    expect(await h.app.tokenStore.authenticateAgent(created.json().token)).toBe('edge-y');
    expect((await h.call('DELETE', '/v1/agent-tokens/edge-x')).statusCode).toBe(204);
    expect(await h.app.tokenStore.authenticateAgent(created.json().token)).toBeNull();
  });

  it('refuses to delete the last admin token', async () => {
    expect((await h.call('DELETE', '/v1/api-tokens/bootstrap')).json()).toMatchObject({ statusCode: 409, code: 'SPILLWAY_API_LAST_ADMIN_TOKEN' });
  });

  it('issues an agent token that authenticates as its agent, and deletes the agent with its tokens', async () => {
    const created = await h.call('POST', '/v1/agent-tokens', { name: 'edge-1-token', agent: 'edge-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(await h.app.tokenStore.authenticateAgent(created.json().token)).toBe('edge-1');
    expect((await h.call('GET', '/v1/agent-tokens/edge-1-token')).json()).toMatchObject({ name: 'edge-1-token', agent: 'edge-1' });
    expect((await h.call('DELETE', '/v1/agents/edge-1')).statusCode).toBe(204);
    expect(await h.app.tokenStore.authenticateAgent(created.json().token)).toBeNull();
    expect((await h.call('GET', '/v1/agent-tokens')).json().items).toEqual([]);
    expect((await h.call('DELETE', '/v1/agents/edge-1')).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_AGENT_NOT_FOUND' });
  });
});
