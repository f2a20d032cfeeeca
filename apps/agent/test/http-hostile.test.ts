// Hostile and malformed HTTP/1.1 against a real agent process, asserted at the socket (raw bytes
// in, status line out) so these tests hold for any HTTP engine the agent runs: a bad persistence
// cookie, Host values that would inject Forwarded parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, type RunningAgent } from './helpers.js';
import { rawExchange } from './raw-http.js';

type HttpBackend = Awaited<ReturnType<typeof httpBackend>>;
let web1: HttpBackend;
let web2: HttpBackend;
let agent: RunningAgent;

const svc = (name: string, port: number) => ({ name, address: '127.0.0.1', port, protocol: 'http', capacity: 100, weight: 1, state: 'enabled', monitors: [] });
const vs = (name: string, services: string[], extra: Record<string, unknown> = {}) => ({
  name, protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, lbMethod: 'roundrobin', services: services.map((service) => ({ service })), spillover: { methods: [] }, ...extra,
});

beforeAll(async () => {
  [web1, web2] = await Promise.all([httpBackend('web-1'), httpBackend('web-2')]);
  agent = await spawnAgent({
    services: [svc('web-1', web1.port), svc('web-2', web2.port)],
    vservers: [
      vs('plain', ['web-1']),
      vs('sticky', ['web-1', 'web-2'], { persistence: { type: 'cookie', timeoutSeconds: 60 } }),
    ],
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
  const token = (): string => { const m = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/.exec(header.slice(i))![0]; i += m.length; return m; };
  while (i < header.length) {
    while (header[i] === ' ') i++;
    const name = token().toLowerCase();
    if (header[i] !== '=') throw new Error(`no = at ${i} in ${header}`);
    i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') { if (header[i] === '\\') i++; value += header[i]; i++; }
      if (header[i] !== '"') throw new Error(`unterminated quoted-string in ${header}`);
      i++;
    } else value = token();
    pairs.push([name, value]);
    while (header[i] === ' ') i++;
    if (header[i] === ';') { i++; continue; }
    if (header[i] === ',') { i++; elements.push(pairs); pairs = []; continue; }
    if (i < header.length) throw new Error(`unexpected ${header[i]} at ${i} in ${header}`);
  }
  elements.push(pairs);
  return elements;
}

describe('cookie persistence with a malformed cookie', () => {
  it('treats a cookie that is not valid percent-encoding as absent, and the worker keeps serving', async () => {
    for (let i = 0; i < 20; i++) {
      const { response, conn } = await rawExchange(port('sticky'), 'GET / HTTP/1.1\r\nHost: t\r\nCookie: SPILLWAY_sticky=%E0%A4%A\r\nConnection: close\r\n\r\n');
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
    expect(elements).toEqual([[['for', '10.0.0.1']], [['for', '127.0.0.1'], ['proto', 'http'], ['host', 'a;for=6.6.6.6,for=7.7.7.7']]]);
  });
});
