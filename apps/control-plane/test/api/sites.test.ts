// Sites in the API (issue 17 item 2, docs/SITES.md): the `sites` section as a resource of its own
// (/v1/sites) and in the declarative document, a service's `site` (422 for an unknown one, a site
// still named by a service is a 409 to delete), a vserver's `siteBalancing`; stored in Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

describe('sites', () => {
  it('stores sites, a service’s site and a vserver’s siteBalancing; the export applies back with an empty plan', async () => {
    const a = await h.call('PUT', '/v1/sites/site-a', {});
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ name: 'site-a', exchangeIntervalMs: 1000, version: 1 });
    const b = await h.call('POST', '/v1/sites', { name: 'site-b', exchangeIntervalMs: 200, peer: { url: 'http://10.0.0.2:3000' } });
    expect(b.statusCode, b.body).toBe(201);
    expect((await h.call('PATCH', '/v1/sites/site-b', { peer: null })).json()).toEqual({
      name: 'site-b',
      exchangeIntervalMs: 200,
      version: 2,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await h.call('PUT', '/v1/services/a-1', { address: '10.0.0.1', port: 80, site: 'site-a' })).statusCode).toBe(201);
    const vs = await h.call('PUT', '/v1/vservers/web', { protocol: 'tcp', listen: { port: 8700 }, siteBalancing: true, services: [{ service: 'a-1' }] });
    expect(vs.statusCode, vs.body).toBe(201);
    expect(vs.json().siteBalancing).toBe(true);
    const doc = (await h.call('GET', '/v1/config')).json();
    expect(doc.sites.map((s: { name: string }) => s.name)).toEqual(['site-a', 'site-b']);
    expect(doc.services.find((s: { name: string }) => s.name === 'a-1').site).toBe('site-a');
    expect((await h.call('PUT', '/v1/config', doc)).json().plan.changes).toEqual([]);
    // A change of the sites alone is a change (planned, versioned).
    const moved = await h.call('PUT', '/v1/config', { ...doc, sites: [...doc.sites, { name: 'site-c' }] });
    expect(moved.json().plan.changes).toEqual([{ action: 'create', kind: 'site', name: 'site-c' }]);
    expect((await h.call('GET', '/v1/sites')).json().items.map((s: { name: string }) => s.name)).toEqual(['site-a', 'site-b', 'site-c']);
  });

  it('refuses a service of an unknown site (422 with its path) and deleting a site a service names (409)', async () => {
    const bad = await h.call('PUT', '/v1/services/x-1', { address: '10.0.0.9', port: 80, site: 'nowhere' });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'SPILLWAY_UNKNOWN_REFERENCE', details: [{ path: '/site' }] });
    const doc = (await h.call('GET', '/v1/config')).json();
    const dropped = await h.call('PUT', '/v1/config?prune=true', { ...doc, sites: doc.sites.filter((s: { name: string }) => s.name !== 'site-a') });
    expect(dropped.statusCode, dropped.body).toBe(422);
    expect(dropped.json().details).toContainEqual(expect.objectContaining({ path: '/services/0/site' }));
    const del = await h.call('DELETE', '/v1/sites/site-a');
    expect(del.statusCode, del.body).toBe(409);
    expect(del.json().details).toEqual([expect.objectContaining({ path: '/services/a-1/site' })]);
    expect((await h.call('DELETE', '/v1/sites/site-c')).statusCode).toBe(204);
    expect((await h.call('GET', '/v1/sites/site-c')).json()).toMatchObject({ code: 'SPILLWAY_API_SITE_NOT_FOUND' });
  });
});
