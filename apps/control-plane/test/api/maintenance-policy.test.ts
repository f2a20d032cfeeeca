// The maintenance policy of a service and of a vserver (issue 15 item 4): stored as given, read
// back and pushed to agents; bad values and an unknown or unbound target answered 422 with their
// field paths; GET /v1/services/{name}/connections answers for a known service (no agent: none).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

const paths = (body: string): string[] => (JSON.parse(body) as { details: Array<{ path: string }> }).details.map((d) => d.path).sort();

describe('maintenance policy', () => {
  it('stores a service and a vserver policy as given, reads them back and pushes them to agents', async () => {
    expect((await h.call('PUT', '/v1/services/m-a', { address: '127.0.0.1', port: 7100, maintenance: { drainTimeoutSeconds: 7 } })).statusCode).toBe(201);
    expect((await h.call('PUT', '/v1/services/m-b', { address: '127.0.0.1', port: 7101 })).statusCode).toBe(201);
    const v = await h.call('PUT', '/v1/vservers/m-v', {
      protocol: 'tcp',
      listen: { port: 7102 },
      services: [{ service: 'm-a' }, { service: 'm-b' }],
      maintenance: { migrateAfterSeconds: 3, target: 'm-b' },
    });
    expect(v.statusCode, v.body).toBe(201);
    expect((await h.call('GET', '/v1/services/m-a')).json()).toMatchObject({ maintenance: { drainTimeoutSeconds: 7 } });
    expect((await h.call('GET', '/v1/vservers/m-v')).json()).toMatchObject({ maintenance: { migrateAfterSeconds: 3, target: 'm-b' } });
    const pushed = h.app.agentHub.snapshots.get()!.config;
    expect(pushed.services.find((s) => s.name === 'm-a')?.maintenance).toEqual({ drainTimeoutSeconds: 7 });
    expect(pushed.vservers.find((s) => s.name === 'm-v')?.maintenance).toEqual({ migrateAfterSeconds: 3, target: 'm-b' });
    // null clears it.
    const cleared = await h.call('PATCH', '/v1/services/m-a', { maintenance: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json<Record<string, unknown>>().maintenance).toBeUndefined();
  });

  it('answers 422 with the field paths for bad seconds, an unknown target and a target not bound to the vserver', async () => {
    const bad = await h.call('PUT', '/v1/services/m-c', {
      address: '127.0.0.1',
      port: 7103,
      maintenance: { migrateAfterSeconds: -1, drainTimeoutSeconds: 'x' },
    });
    expect(bad.statusCode).toBe(422);
    expect(paths(bad.body)).toEqual(expect.arrayContaining(['/maintenance/drainTimeoutSeconds', '/maintenance/migrateAfterSeconds']));
    const unknown = await h.call('PUT', '/v1/services/m-c', { address: '127.0.0.1', port: 7103, maintenance: { target: 'nobody' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('/maintenance/target');
    expect((await h.call('PUT', '/v1/services/m-d', { address: '127.0.0.1', port: 7104 })).statusCode).toBe(201);
    const unbound = await h.call('PATCH', '/v1/vservers/m-v', { maintenance: { target: 'm-d' } });
    expect(unbound.statusCode).toBe(422);
    expect(unbound.body).toContain('/maintenance/target');
  });

  it('lists the connections of a known service (none without agents) and answers 404 for an unknown one', async () => {
    const r = await h.call('GET', '/v1/services/m-b/connections');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ service: 'm-b', total: 0, maintenance: null, items: [], nextCursor: null });
    expect((await h.call('GET', '/v1/services/nobody/connections')).statusCode).toBe(404);
  });
});
