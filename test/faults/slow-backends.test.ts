// Fault suite, backends that stall (issue 10): a black hole (accepts, reads, never answers) and a
// byte-by-byte backend (its response head one byte every 40 ms) behind a real agent process. Each
// request is answered 504 at the vserver's upstream timeout (timeoutMs, 800 ms here), counted as
// the service's timeout, while requests to a healthy service through the same agent worker are
// served in the meantime.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, httpService, httpVServer, spawnAgent, type RunningAgent } from '../../apps/agent/test/helpers.js';
import { RawConnection } from '../../apps/agent/test/raw-http.js';
import { until } from '../kit/until.js';

const UPSTREAM_TIMEOUT_MS = 800;
/** Slack on the deadline: timers and a shared 2-core machine. */
const SLACK_MS = 2_000;

let web: Awaited<ReturnType<typeof httpBackend>>;
let hole: net.Server;
let trickle: net.Server;
let agent: RunningAgent;
const held = new Set<net.Socket>();

async function listen(server: net.Server): Promise<number> {
  server.on('connection', (s) => {
    held.add(s);
    s.on('close', () => held.delete(s));
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  web = await httpBackend('web');
  // Reads whatever comes and never writes a byte.
  hole = net.createServer((s) => {
    s.resume();
  });
  // Answers each request head with a response written one byte every 40 ms (about 2 s for the head).
  trickle = net.createServer((s) => {
    let buf = '';
    s.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      buf = '';
      const answer = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok';
      let i = 0;
      const timer = setInterval(() => {
        if (i >= answer.length || s.destroyed) {
          clearInterval(timer);
          return;
        }
        s.write(answer[i++]!);
      }, 40);
      s.once('close', () => clearInterval(timer));
    });
  });
  const [holePort, tricklePort] = await Promise.all([listen(hole), listen(trickle)]);
  const svc = (name: string, port: number) => httpService(name, port);
  const vs = (name: string, service: string) => httpVServer(name, service, { timeoutMs: UPSTREAM_TIMEOUT_MS });
  agent = await spawnAgent({
    services: [svc('web', web.port), svc('hole', holePort), svc('trickle', tricklePort)],
    vservers: [vs('normal', 'web'), vs('hole', 'hole'), vs('trickle', 'trickle')],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  for (const s of held) s.destroy();
  await Promise.all([web?.close(), new Promise((r) => hole?.close(r)), new Promise((r) => trickle?.close(r))]);
});

async function timedGet(port: number, path = '/'): Promise<{ status: number; ms: number; at: number }> {
  const started = Date.now();
  const conn = await RawConnection.open(port);
  conn.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
  const res = await conn.response(UPSTREAM_TIMEOUT_MS + SLACK_MS);
  conn.destroy();
  return { status: res?.status ?? 0, ms: Date.now() - started, at: Date.now() };
}

describe.each([
  ['a black-hole backend', 'hole'],
  ['a byte-by-byte backend', 'trickle'],
])('%s', (_what, name) => {
  it("gets 504 at the upstream timeout, counted as the service's timeout, while a healthy service is served meanwhile", async () => {
    const before = (await agent.stats()).services[name]!.rq_timeout_total;
    const stalled = Promise.all(Array.from({ length: 10 }, () => timedGet(agent.ports[name]!)));
    const normal: { status: number; at: number }[] = [];
    for (let i = 0; i < 30; i++) normal.push(await timedGet(agent.ports.normal!, `/n${i}`));
    const answers = await stalled;
    for (const a of answers) {
      expect(a.status).toBe(504);
      expect(a.ms).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS);
      expect(a.ms).toBeLessThan(UPSTREAM_TIMEOUT_MS + SLACK_MS);
    }
    expect(normal.map((n) => n.status)).toEqual(Array(30).fill(200));
    // Served while the stalled requests were waiting, not after them.
    expect(Math.min(...normal.map((n) => n.at))).toBeLessThan(Math.min(...answers.map((a) => a.at)));
    await until(
      () => agent.stats(),
      (s) => s.services[name]!.rq_timeout_total === before + 10 && s.services[name]!.cx_active === 0,
    );
  });
});
