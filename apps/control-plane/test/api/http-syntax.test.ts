// Config values that end up in a request line or a header (a probe's path and Host, a redirect's
// Location) are checked at the API: a value Node's http cannot send is a 422 naming the field,
// never a config that crash-loops every agent (issue 10, item 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  expect(
    (
      await h.call('PUT', '/v1/config', {
        monitors: [{ name: 'web-health', type: 'http', http: { path: '/healthz' } }],
        services: [{ name: 'web-1', address: '10.0.0.1', port: 80, protocol: 'http', monitors: [{ monitor: 'web-health' }] }],
        vservers: [{ name: 'web', protocol: 'http', listen: { port: 8080 }, services: [{ service: 'web-1' }] }],
      })
    ).statusCode,
  ).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

const BAD_PATHS = ['/health check', '/health\r\nX-Injected: 1', '/h\nx', '/h\u0000', '/h#frag', '/%zz', '/é'];

describe('monitor http fields', () => {
  it('refuses a probe path with a space, CR/LF, NUL, a fragment or a bad percent-encoding with 422 at /http/path', async () => {
    for (const path of BAD_PATHS) {
      for (const [method, url, body] of [
        ['POST', '/v1/monitors', { name: 'm-new', type: 'http', http: { path } }],
        ['PUT', '/v1/monitors/web-health', { type: 'http', http: { path } }],
        ['PATCH', '/v1/monitors/web-health', { http: { path } }],
      ] as const) {
        const res = await h.call(method, url, body);
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(path)}: ${res.body}`).toBe(422);
        expect(res.json()).toMatchObject({
          statusCode: 422,
          code: 'SPILLWAY_INVALID_HTTP_SYNTAX',
          error: 'Unprocessable Entity',
          details: [{ path: '/http/path', message: expect.stringMatching(/request path/) }],
        });
      }
    }
    expect((await h.call('GET', '/v1/monitors/web-health')).json().http.path).toBe('/healthz');
  });

  it('names the document path of a bad probe path in PUT /v1/config and changes nothing', async () => {
    const before = (await h.call('GET', '/v1/config')).json();
    const res = await h.call('PUT', '/v1/config', { ...before, monitors: [{ name: 'web-health', type: 'http', http: { path: '/health check' } }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toEqual([
      { path: '/monitors/0/http/path', message: expect.stringContaining('a space at offset 7'), code: 'SPILLWAY_INVALID_HTTP_SYNTAX' },
    ]);
    expect((await h.call('GET', '/v1/config')).json()).toEqual(before);
  });

  it('refuses a Host header that is not a host[:port] with 422 at /http/host', async () => {
    for (const host of ['a b', 'evil\r\nX-Injected: 1', 'host/path', 'x:99999']) {
      const res = await h.call('PATCH', '/v1/monitors/web-health', { http: { host } });
      expect(res.statusCode, `${JSON.stringify(host)}: ${res.body}`).toBe(422);
      expect(res.json().details).toEqual([expect.objectContaining({ path: '/http/host', code: 'SPILLWAY_INVALID_HTTP_SYNTAX' })]);
    }
  });

  it('accepts paths with queries and percent-encodings and Host values with a port', async () => {
    const res = await h.call('PATCH', '/v1/monitors/web-health', { http: { path: '/status?full=1&name=a%20b', host: 'web.example:8080' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().http).toMatchObject({ path: '/status?full=1&name=a%20b', host: 'web.example:8080' });
  });
});

describe('redirect URLs', () => {
  it('refuses a redirect URL that cannot be a Location header with 422 at /spillover/redirectUrl', async () => {
    for (const redirectUrl of ['https://x/\u0001', 'https://例え.jp/', 'http://x/a\u007f']) {
      const res = await h.call('PATCH', '/v1/vservers/web', { spillover: { action: 'redirect', redirectUrl } });
      expect(res.statusCode, `${JSON.stringify(redirectUrl)}: ${res.body}`).toBe(422);
      expect(res.json().details).toEqual([expect.objectContaining({ path: '/spillover/redirectUrl', code: 'SPILLWAY_INVALID_HTTP_SYNTAX' })]);
    }
    const ok = await h.call('PATCH', '/v1/vservers/web', { spillover: { action: 'redirect', redirectUrl: 'https://status.example.com/busy?from=web' } });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
