// The upstream timeout and the listen address set through the API reach a real agent and are
// honoured: a backend that never answers gets a 504 at the API-set timeoutMs (and at the new one
// after a PATCH), the listener binds only the API-set listen.host, and a client that sends half a
// request head gets its 408 at the API-set headersTimeoutMs (not the agent's 10 s default).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../apps/control-plane/test/api/helpers.js';
import { freePort, startAgent, until, type AgentProc } from './helpers.js';

let h: ApiHarness;
let hole: http.Server;
let holePort = 0;
let agent: AgentProc;
let port = 0;
const HOST = '127.0.0.3';
const held = new Set<net.Socket>();

/** GET / on the vserver: status and how long it took (ms). */
function timedGet(host: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      })
      .on('error', reject);
  });
}

async function inSync(): Promise<void> {
  await until(
    async () => (await h.call('GET', '/v1/agents')).json().items as Array<{ id: string; inSync: boolean; connected: boolean }>,
    (items) => items.some((a) => a.id === 'edge' && a.connected && a.inSync),
    20_000,
    'agent in sync',
  );
}

beforeAll(async () => {
  // A backend that takes requests and never answers.
  hole = http.createServer(() => {});
  hole.on('connection', (s) => {
    held.add(s);
    s.on('close', () => held.delete(s));
  });
  await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
  holePort = (hole.address() as net.AddressInfo).port;
  port = await freePort();
  h = await startApi();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(h.app.server.address() as net.AddressInfo).port}`;
  const put = await h.call('PUT', '/v1/config', {
    services: [{ name: 'hole', address: '127.0.0.1', port: holePort, protocol: 'http' }],
    vservers: [{ name: 'slow', protocol: 'http', listen: { port, host: HOST }, timeoutMs: 400, services: [{ service: 'hole' }] }],
  });
  expect(put.statusCode, put.body).toBe(200);
  const token = (await h.call('POST', '/v1/agent-tokens', { name: 'edge-token', agent: 'edge' })).json().token as string;
  agent = await startAgent('edge', token, base, '', 1);
  await inSync();
});

afterAll(async () => {
  await agent?.kill();
  for (const s of held) s.destroy();
  await new Promise((r) => hole?.close(r));
  await h?.close();
});

describe('an API-set upstream timeout and listen host', () => {
  it('answers 504 at the API-set timeoutMs, and at the new one once a PATCH reached the agent', async () => {
    await until(
      async () => (await agent.stats()).listeners.slow ?? 0,
      (p) => p === port,
      10_000,
      'listener',
    );
    const first = await timedGet(HOST);
    expect(first.status).toBe(504);
    expect(first.ms).toBeGreaterThanOrEqual(390);
    expect(first.ms).toBeLessThan(5_000); // nowhere near the 30 s default

    expect((await h.call('PATCH', '/v1/vservers/slow', { timeoutMs: 1500 })).statusCode).toBe(200);
    await inSync();
    const second = await timedGet(HOST);
    expect(second.status).toBe(504);
    expect(second.ms).toBeGreaterThanOrEqual(1490);
    expect(second.ms).toBeLessThan(6_500);
  });

  it('answers 408 to half a request head at the API-set headersTimeoutMs once a PATCH reached the agent', async () => {
    const patched = await h.call('PATCH', '/v1/vservers/slow', { headersTimeoutMs: 700 });
    expect(patched.statusCode, patched.body).toBe(200);
    await inSync();
    const started = performance.now();
    const answer = await new Promise<{ head: string; ms: number }>((resolve, reject) => {
      const s = net.connect({ host: HOST, port }, () => s.write('GET / HTTP/1.1\r\nHost: slow\r\n'));
      let got = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        got += d;
      });
      s.on('close', () => resolve({ head: got, ms: performance.now() - started }));
      s.on('error', reject);
    });
    expect(answer.head).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.ms).toBeGreaterThanOrEqual(690);
    expect(answer.ms).toBeLessThan(5_000); // nowhere near the 10 s default
  });

  it('binds only the API-set listen host', async () => {
    const opens = (host: string) =>
      new Promise<boolean>((resolve) => {
        const s = net.connect({ host, port });
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
    expect(await opens(HOST)).toBe(true);
    expect(await opens('127.0.0.1')).toBe(false);
  });
});
