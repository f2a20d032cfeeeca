// HTTP vservers against a real agent process: proxying (forwarded headers, streamed bodies,
// 502/504), cookie persistence, and the final actions redirect, drop and accept decided at the
// first request of a client connection that is counted from accept to close.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, until, type RunningAgent } from './helpers.js';

type HttpBackend = Awaited<ReturnType<typeof httpBackend>>;
let web1: HttpBackend;
let web2: HttpBackend;
let slow: HttpBackend;
let agent: RunningAgent;
let deadPort: number;

const svc = (name: string, port: number, capacity = 100) => ({
  name,
  address: '127.0.0.1',
  port,
  protocol: 'http',
  capacity,
  weight: 1,
  state: 'enabled',
  monitors: [],
});
const vs = (name: string, services: string[], spillover: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  protocol: 'http',
  listen: { port: 0, host: '127.0.0.1' },
  lbMethod: 'roundrobin',
  services: services.map((service) => ({ service })),
  spillover,
  ...extra,
});

/** One raw keep-alive client connection: sends requests, parses status, headers and body. */
class RawClient {
  readonly socket: net.Socket;
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;
  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.waiter?.();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    this.socket.on('error', () => {});
  }
  async request(path = '/', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    this.socket.write(
      `GET ${path} HTTP/1.1\r\nhost: test\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString().split('\r\n');
        const status = Number(head[0]!.split(' ')[1]);
        const h: Record<string, string> = {};
        for (const line of head.slice(1)) {
          const i = line.indexOf(':');
          h[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        const len = Number(h['content-length'] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          const body = this.buf.subarray(end + 4, end + 4 + len).toString();
          this.buf = this.buf.subarray(end + 4 + len);
          return { status, headers: h, body };
        }
      }
      if (this.closed) throw new Error('connection closed before a full response');
      await new Promise<void>((r) => {
        this.waiter = r;
      });
      this.waiter = null;
    }
  }
  close(): void {
    this.socket.destroy();
  }
}

beforeAll(async () => {
  [web1, web2, slow] = await Promise.all([httpBackend('web-1'), httpBackend('web-2'), httpBackend('slow', { delayMs: 1500 })]);
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  agent = await spawnAgent({
    services: [svc('web-1', web1.port), svc('web-2', web2.port), svc('slow', slow.port), svc('dead', deadPort)],
    vservers: [
      vs('plain', ['web-1'], { methods: [] }),
      vs('sticky', ['web-1', 'web-2'], { methods: [] }, { persistence: { type: 'cookie', timeoutSeconds: 60 } }),
      vs('redirects', ['web-1'], { methods: [{ type: 'connection', threshold: 1 }], action: 'redirect', redirectUrl: 'http://busy.example/' }),
      vs('drops', ['web-1'], { methods: [{ type: 'connection', threshold: 1 }], action: 'drop' }),
      vs('accepts', ['web-2'], { methods: [{ type: 'connection', threshold: 1 }], action: 'accept' }),
      vs('spills', ['web-1'], { methods: [{ type: 'connection', threshold: 1 }], backup: 'spills-backup', action: 'drop' }),
      { ...vs('spills-backup', ['web-2'], { methods: [] }), listen: null },
      vs('broken', ['dead'], { methods: [] }),
      vs('timeouts', ['slow'], { methods: [] }, { timeoutMs: 300 }),
    ],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await Promise.all([web1, web2, slow].map((b) => b?.close()));
});

describe('HTTP proxying', () => {
  it('forwards requests with X-Forwarded-For and Forwarded, and streams request bodies', async () => {
    const res = await fetch(`http://127.0.0.1:${agent.ports.plain}/echo?x=1`, {
      method: 'POST',
      body: 'x'.repeat(100_000),
      headers: { 'x-forwarded-for': '10.1.1.1' },
    });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { backend: string; url: string; headers: Record<string, string>; body: string };
    expect(echoed.backend).toBe('web-1');
    expect(echoed.url).toBe('/echo?x=1');
    expect(echoed.headers['x-forwarded-for']).toBe('10.1.1.1, 127.0.0.1');
    expect(echoed.headers.forwarded).toContain('for=127.0.0.1');
    expect(echoed.body).toHaveLength(100_000);
  });

  it('answers 502 when the service refuses the connection and 504 when it is too slow', async () => {
    const broken = await fetch(`http://127.0.0.1:${agent.ports.broken}/`);
    expect(broken.status).toBe(502);
    expect(((await broken.json()) as { code: string }).code).toBe('SPILLWAY_AGENT_UPSTREAM_ERROR');
    const slowRes = await fetch(`http://127.0.0.1:${agent.ports.timeouts}/`);
    expect(slowRes.status).toBe(504);
  });

  it('keeps a client on the service named by its persistence cookie', async () => {
    const first = await fetch(`http://127.0.0.1:${agent.ports.sticky}/`);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const backend = ((await first.json()) as { backend: string }).backend;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${agent.ports.sticky}/`, { headers: { cookie } });
      expect(((await res.json()) as { backend: string }).backend).toBe(backend);
    }
    const fresh = await Promise.all(
      [0, 1, 2, 3].map(async () => ((await (await fetch(`http://127.0.0.1:${agent.ports.sticky}/`)).json()) as { backend: string }).backend),
    );
    expect(new Set(fresh)).toEqual(new Set(['web-1', 'web-2']));
  });
});

describe('final actions for HTTP (a keep-alive client connection is one use)', () => {
  it('redirects a client past the limit with 302 and Location, while the held connection keeps being served', async () => {
    const holder = new RawClient(agent.ports.redirects!);
    expect((await holder.request()).status).toBe(200);
    const late = new RawClient(agent.ports.redirects!);
    const res = await late.request();
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('http://busy.example/');
    expect((await holder.request()).status).toBe(200);
    holder.close();
    late.close();
    await until(
      () => agent.stats(),
      (s) => s.vservers.redirects!.cx_active === 0,
    );
    const after = new RawClient(agent.ports.redirects!);
    expect((await after.request()).status).toBe(200);
    after.close();
    expect((await agent.stats()).vservers.redirects!.redirected_total).toBe(1);
  });

  it('drops a client past the limit with 503 and Retry-After', async () => {
    const holder = new RawClient(agent.ports.drops!);
    expect((await holder.request()).status).toBe(200);
    const late = new RawClient(agent.ports.drops!);
    const res = await late.request();
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    holder.close();
    late.close();
  });

  it('accepts a client past the limit on the vserver itself', async () => {
    const holder = new RawClient(agent.ports.accepts!);
    expect((await holder.request()).status).toBe(200);
    const late = new RawClient(agent.ports.accepts!);
    const res = await late.request();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).backend).toBe('web-2');
    const s = await agent.stats();
    expect(s.vservers.accepts!.cx_active).toBe(2);
    holder.close();
    late.close();
  });

  it('sends the client past the limit to the backup vserver for the life of its connection', async () => {
    const holder = new RawClient(agent.ports.spills!);
    expect(JSON.parse((await holder.request()).body).backend).toBe('web-1');
    const late = new RawClient(agent.ports.spills!);
    expect(JSON.parse((await late.request()).body).backend).toBe('web-2');
    holder.close();
    await until(
      () => agent.stats(),
      (s) => s.vservers.spills!.cx_active === 0,
    );
    expect(JSON.parse((await late.request()).body).backend).toBe('web-2');
    late.close();
    const s = await agent.stats();
    expect(s.vservers.spills!.spillovers_total).toBe(1);
    expect(s.vservers['spills-backup']!.rq_total).toBe(2);
  });
});
