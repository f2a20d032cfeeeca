// Hostile and malformed HTTP/1.1 against a real agent process, asserted at the socket (raw bytes
// in, status line out) so these tests hold for any HTTP engine the agent runs: a bad persistence
// cookie, Host values that would inject Forwarded parameters, heads the parser refuses, request
// targets in absolute-form, asterisk-form, with a fragment, HTTP/0.9 lines, duplicate Host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, type RunningAgent } from './helpers.js';
import { RawConnection, rawExchange } from './raw-http.js';

type HttpBackend = Awaited<ReturnType<typeof httpBackend>>;
let web1: HttpBackend;
let web2: HttpBackend;
let agent: RunningAgent;

const svc = (name: string, port: number) => ({ name, address: '127.0.0.1', port, protocol: 'http', capacity: 100, weight: 1, state: 'enabled', monitors: [] });
const vs = (name: string, services: string[], extra: Record<string, unknown> = {}) => ({
  name,
  protocol: 'http',
  listen: { port: 0, host: '127.0.0.1' },
  lbMethod: 'roundrobin',
  services: services.map((service) => ({ service })),
  spillover: { methods: [] },
  ...extra,
});

beforeAll(async () => {
  [web1, web2] = await Promise.all([httpBackend('web-1'), httpBackend('web-2')]);
  agent = await spawnAgent({
    services: [svc('web-1', web1.port), svc('web-2', web2.port)],
    vservers: [vs('plain', ['web-1']), vs('sticky', ['web-1', 'web-2'], { persistence: { type: 'cookie', timeoutSeconds: 60 } })],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await Promise.all([web1, web2].map((b) => b?.close()));
});

const port = (name: string): number => agent.ports[name]!;
const seen = (): number => web1.requests.length + web2.requests.length;

/** RFC 7239 elements as lists of [name, value] pairs (quoted-strings unescaped). */
function parseForwarded(header: string): [string, string][][] {
  const elements: [string, string][][] = [];
  let pairs: [string, string][] = [];
  let i = 0;
  const token = (): string => {
    const m = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/.exec(header.slice(i))![0];
    i += m.length;
    return m;
  };
  while (i < header.length) {
    while (header[i] === ' ') i++;
    const name = token().toLowerCase();
    if (header[i] !== '=') throw new Error(`no = at ${i} in ${header}`);
    i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') {
        if (header[i] === '\\') i++;
        value += header[i] ?? '';
        i++;
      }
      if (header[i] !== '"') throw new Error(`unterminated quoted-string in ${header}`);
      i++;
    } else value = token();
    pairs.push([name, value]);
    while (header[i] === ' ') i++;
    if (header[i] === ';') {
      i++;
      continue;
    }
    if (header[i] === ',') {
      i++;
      elements.push(pairs);
      pairs = [];
      continue;
    }
    if (i < header.length) throw new Error(`unexpected ${header[i]} at ${i} in ${header}`);
  }
  elements.push(pairs);
  return elements;
}

describe('cookie persistence with a malformed cookie', () => {
  it('treats a cookie that is not valid percent-encoding as absent, and the worker keeps serving', async () => {
    for (let i = 0; i < 20; i++) {
      const { response, conn } = await rawExchange(
        port('sticky'),
        'GET / HTTP/1.1\r\nHost: t\r\nCookie: SPILLWAY_sticky=%E0%A4%A\r\nConnection: close\r\n\r\n',
      );
      conn.destroy();
      expect(response?.status).toBe(200);
      expect(response?.headers['set-cookie']).toMatch(/^SPILLWAY_sticky=web-[12];/);
    }
    const ok = await fetch(`http://127.0.0.1:${port('plain')}/`);
    expect(ok.status).toBe(200);
    expect((await agent.stats()).agent.workers_restarted_total).toBe(0);
  });
});

describe('Forwarded and the Host header (RFC 7239)', () => {
  it('refuses with 400 a Host that is not host[:port] (a quote would break out of the quoted host), reaching no service', async () => {
    const before = seen();
    const { response } = await rawExchange(port('plain'), 'GET / HTTP/1.1\r\nHost: a";for=6.6.6.6;x="\r\n\r\n');
    expect(response?.status).toBe(400);
    expect(seen()).toBe(before);
  });

  it('sends a Host with sub-delimiters as one quoted host parameter, so it adds no for= of its own', async () => {
    const { response } = await rawExchange(port('plain'), 'GET /f HTTP/1.1\r\nHost: a;for=6.6.6.6,for=7.7.7.7\r\nForwarded: for=10.0.0.1\r\n\r\n');
    expect(response?.status).toBe(200);
    const echoed = JSON.parse(response!.body.toString()) as { headers: Record<string, string> };
    const elements = parseForwarded(echoed.headers.forwarded!);
    expect(elements).toEqual([
      [['for', '10.0.0.1']],
      [
        ['for', '127.0.0.1'],
        ['proto', 'http'],
        ['host', 'a;for=6.6.6.6,for=7.7.7.7'],
      ],
    ]);
  });
});

describe('requests the agent refuses with a status (never a bare close)', () => {
  it('answers 431 to a request head larger than the header limit', async () => {
    const { response, conn } = await rawExchange(port('plain'), `GET / HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(response?.status).toBe(431);
    await conn.closedByPeer();
  });

  it.each([
    ['a header name with a space', 'GET / HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n'],
    ['Content-Length and Transfer-Encoding together', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two different Content-Length values', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    ['a method that is not a token', 'G@T / HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['an HTTP/0.9 request line', 'GET /\r\n\r\n'],
    ['an HTTP/2.0 version on an HTTP/1 connection', 'GET / HTTP/2.0\r\nHost: t\r\n\r\n'],
    ['a fragment in the request target', 'GET /a#frag HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['a duplicate Host', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['asterisk-form with another method than OPTIONS', 'GET * HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['an absolute-form target of another scheme', 'GET ftp://t/x HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['an absolute-form target with userinfo', 'GET http://u:p@t/x HTTP/1.1\r\nHost: t\r\n\r\n'],
    [
      'an absolute-form target whose authority conflicts with the Host (HAProxy refuses it too)',
      'GET http://other.example/x HTTP/1.1\r\nHost: conflicting\r\n\r\n',
    ],
  ])('answers 400 and closes for %s, reaching no service', async (_what, bytes) => {
    const before = seen();
    const { response, conn } = await rawExchange(port('plain'), bytes);
    expect(response?.status).toBe(400);
    await conn.closedByPeer();
    expect(seen()).toBe(before);
  });

  it('refuses a bad second request on a keep-alive connection the same way', async () => {
    const conn = await RawConnection.open(port('plain'));
    conn.write('GET /first HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await conn.response())?.status).toBe(200);
    conn.write('GET /second#frag HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await conn.response())?.status).toBe(400);
    await conn.closedByPeer();
  });

  it('counts a refused request as a client error of the vserver, not as an error of its service', async () => {
    const before = await agent.stats();
    const { response } = await rawExchange(port('plain'), 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    expect(response?.status).toBe(400);
    const after = await agent.stats();
    expect(after.vservers.plain!.rq_client_error_total).toBe(before.vservers.plain!.rq_client_error_total + 1);
    expect(after.services['web-1']!.rq_error_total).toBe(before.services['web-1']!.rq_error_total);
  });
});

describe('request-target forms (RFC 9112 §3.2)', () => {
  it("sends an absolute-form request upstream in origin-form with the target's authority as Host", async () => {
    const { response } = await rawExchange(port('plain'), 'GET http://other.example:81/x?y=1 HTTP/1.1\r\nHost: OTHER.example:81\r\n\r\n');
    expect(response?.status).toBe(200);
    const echoed = JSON.parse(response!.body.toString()) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/x?y=1');
    expect(echoed.headers.host).toBe('other.example:81');
    expect(echoed.headers['x-forwarded-host']).toBe('other.example:81');
  });

  it('sends an absolute-form target without a path as /', async () => {
    const { response } = await rawExchange(port('plain'), 'GET http://other.example HTTP/1.1\r\nHost: other.example\r\n\r\n');
    expect(response?.status).toBe(200);
    expect((JSON.parse(response!.body.toString()) as { url: string }).url).toBe('/');
  });

  it('answers OPTIONS * itself with 200 and keeps the connection, counting no upstream error', async () => {
    const before = await agent.stats();
    const conn = await RawConnection.open(port('plain'));
    conn.write('OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n');
    const res = await conn.response();
    expect(res?.status).toBe(200);
    expect(res?.headers.allow).toBeDefined();
    conn.write('GET /after HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await conn.response())?.status).toBe(200);
    conn.destroy();
    expect((await agent.stats()).services['web-1']!.rq_error_total).toBe(before.services['web-1']!.rq_error_total);
  });
});
