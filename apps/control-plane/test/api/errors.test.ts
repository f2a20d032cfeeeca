// Each error class of the API with its status and code, in the one error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  await h.call('PUT', '/v1/config', {
    services: [
      { name: 'web-1', address: '10.0.0.1', port: 80, protocol: 'http' },
      { name: 'tcp-1', address: '10.0.0.2', port: 5432, protocol: 'tcp' },
    ],
    vservers: [
      { name: 'web', protocol: 'http', listen: { port: 8080 }, services: [{ service: 'web-1' }] },
      { name: 'overflow', protocol: 'http', listen: null },
      { name: 'db', protocol: 'tcp', listen: { port: 5432 } },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

const shape = { statusCode: expect.any(Number), code: expect.any(String), error: expect.any(String), message: expect.any(String), details: expect.any(Array) };

describe('422: schema validation names each bad field by path (malformed JSON: 400)', () => {
  it('lists every bad field of a body at once', async () => {
    const res = await h.call('POST', '/v1/services', { name: 'bad name!', address: '', port: 70000, capacity: -1, weight: 'heavy', colour: 'blue' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ ...shape, code: 'SPILLWAY_API_VALIDATION_FAILED' });
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/address', '/capacity', '/colour', '/name', '/port', '/weight']);
    expect(body.details.find((d: { path: string }) => d.path === '/colour').message).toBe('is not a known field');
  });

  it('names nested paths and the allowed values of an enum', async () => {
    const res = await h.call('PUT', '/v1/vservers/x', { protocol: 'udp', spillover: { methods: [{ type: 'magic' }] } });
    const details = res.json().details as Array<{ path: string; message: string }>;
    expect(details).toEqual(
      expect.arrayContaining([
        { path: '/protocol', message: 'must be one of "tcp", "http"' },
        { path: '/spillover/methods/0/type', message: 'must be one of "connection", "dynamicconnection", "bandwidth", "health"' },
      ]),
    );
  });

  it('does not coerce body types (a string is not a port)', async () => {
    const res = await h.call('POST', '/v1/services', { name: 'a', address: 'x', port: '80' });
    expect(res.json()).toMatchObject({ statusCode: 422, details: [{ path: '/port', message: 'must be integer' }] });
  });

  it('answers invalid JSON with 400 in the same shape', async () => {
    const res = await h.call('POST', '/v1/services', '{"name": "a",');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ ...shape, code: 'SPILLWAY_API_INVALID_JSON' });
  });
});

describe('422: semantic errors carry a code and a path', () => {
  it('a backup chain cycle', async () => {
    await h.call('PATCH', '/v1/vservers/overflow', { spillover: { backup: 'web' } });
    const res = await h.call('PATCH', '/v1/vservers/web', { spillover: { backup: 'overflow' } });
    expect(res.json()).toMatchObject({ ...shape, statusCode: 422, code: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE', error: 'Unprocessable Entity' });
    expect(res.json().message).toMatch(/(web → overflow → web|overflow → web → overflow) forms a cycle/);
    await h.call('PATCH', '/v1/vservers/overflow', { spillover: { backup: null } });
  });

  it('a backup of another protocol', async () => {
    const res = await h.call('PATCH', '/v1/vservers/web', { spillover: { backup: 'db' } });
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_BACKUP_PROTOCOL_MISMATCH', details: [{ path: '/spillover/backup' }] });
  });

  it('two vservers on one listen port', async () => {
    const res = await h.call('PUT', '/v1/vservers/web2', { protocol: 'http', listen: { port: 8080 } });
    expect(res.json()).toMatchObject({
      statusCode: 422,
      code: 'SPILLWAY_LISTEN_PORT_CONFLICT',
      details: [{ path: '/listen/port', message: expect.stringContaining('web') }],
    });
  });

  it('a redirect action without URL', async () => {
    const res = await h.call('PATCH', '/v1/vservers/web', { spillover: { action: 'redirect' } });
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_REDIRECT_URL_REQUIRED', details: [{ path: '/spillover/redirectUrl' }] });
  });

  it('a threshold of the wrong kind for its method', async () => {
    const res = await h.call('PATCH', '/v1/vservers/web', { spillover: { methods: [{ type: 'health', threshold: 100 }] } });
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_THRESHOLD_KIND_MISMATCH' });
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual(['/spillover/methods/0/threshold', '/spillover/methods/0/thresholdPercent']);
  });

  it('a reference to something that does not exist', async () => {
    const res = await h.call('PATCH', '/v1/vservers/web', { services: [{ service: 'ghost' }] });
    expect(res.json()).toMatchObject({
      statusCode: 422,
      code: 'SPILLWAY_UNKNOWN_REFERENCE',
      details: [{ path: '/services/0/service', message: 'no service named ghost' }],
    });
  });

  it('semantic errors in a declarative document point into the document', async () => {
    const res = await h.call('PUT', '/v1/config', { vservers: [{ name: 'a', protocol: 'http', listen: { port: 8080 } }] });
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_LISTEN_PORT_CONFLICT' });
    expect(res.json().details[0].path).toMatch(/^\/vservers\/(0|web)\/listen\/port$/);
  });
});

describe('404, 409, 412, 413', () => {
  it('404 for an unknown object, in the error shape', async () => {
    expect((await h.call('GET', '/v1/vservers/nope')).json()).toMatchObject({ ...shape, statusCode: 404, code: 'SPILLWAY_API_VSERVER_NOT_FOUND' });
    expect((await h.call('PATCH', '/v1/monitors/nope', { fall: 2 })).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_MONITOR_NOT_FOUND' });
  });

  it('409 naming the referrers when deleting a referenced object', async () => {
    const res = await h.call('DELETE', '/v1/services/web-1');
    expect(res.json()).toMatchObject({ ...shape, statusCode: 409, code: 'SPILLWAY_API_REFERENCED', details: [{ path: '/vservers/web/services/web-1' }] });
  });

  it('412 on a stale If-Match, success on the current one', async () => {
    const cur = await h.call('GET', '/v1/services/tcp-1');
    const etag = cur.headers.etag as string;
    const stale = await h.call('PATCH', '/v1/services/tcp-1', { capacity: 5 }, { headers: { 'if-match': '"999"' } });
    expect(stale.json()).toMatchObject({ ...shape, statusCode: 412, code: 'SPILLWAY_API_VERSION_MISMATCH' });
    const ok = await h.call('PATCH', '/v1/services/tcp-1', { capacity: 5 }, { headers: { 'if-match': etag } });
    expect(ok.statusCode).toBe(200);
    expect((await h.call('DELETE', '/v1/services/tcp-1', undefined, { headers: { 'if-match': etag } })).statusCode).toBe(412);
    expect((await h.call('PUT', '/v1/services/new-1', { address: 'a', port: 1 }, { headers: { 'if-match': '*' } })).statusCode).toBe(412);
  });

  it('413 for a body over the limit', async () => {
    const res = await h.call('POST', '/v1/services', { name: 'big', address: 'a', port: 1, padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.json()).toMatchObject({ ...shape, statusCode: 413 });
  });
});
