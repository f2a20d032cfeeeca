// proxyProtocol: "v2" (issue 15): every upstream connection the agent opens to such a service
// starts with a PROXY v2 header carrying the client's address and port, the listener's address and
// port and TLV 0xE0 the connection id (unique per client connection). HTTP: as HAProxy's
// send-proxy-v2, upstream connections are private to one client connection (its keep-alive
// requests reuse it; another client gets its own) and close with it.
import net from 'node:net';
import { PROXY_V2_SIGNATURE, ProxyV2Parser, type ProxyV2Header } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpService, spawnAgent, tcpService, tcpVServer, httpVServer, until, type RunningAgent } from './helpers.js';

interface Seen {
  header: ProxyV2Header | null;
  /** What came after the header (HTTP: the request heads). */
  rest: string;
  closed: boolean;
}

/** A backend that records the PROXY header and what followed on each connection; `http`: answers each request head with the header's connection id. */
async function recordingBackend(http: boolean) {
  const seen: Seen[] = [];
  const server = net.createServer((s) => {
    const rec: Seen = { header: null, rest: '', closed: false };
    seen.push(rec);
    const parser = new ProxyV2Parser();
    let answered = 0;
    s.on('data', (c: Buffer) => {
      let bytes = c;
      if (rec.header === null) {
        const r = parser.push(c);
        if (r.kind !== 'header') {
          if (r.kind !== 'more') s.destroy();
          return;
        }
        rec.header = r.header;
        bytes = r.rest;
      }
      rec.rest += bytes.toString('latin1');
      if (!http) {
        s.write(bytes);
        return;
      }
      const heads = rec.rest.split('\r\n\r\n').length - 1;
      for (; answered < heads; answered++) {
        const body = JSON.stringify({ id: rec.header.connectionId, n: answered });
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    });
    s.on('error', () => {});
    s.on('close', () => (rec.closed = true));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let tcp: Awaited<ReturnType<typeof recordingBackend>>;
let web: Awaited<ReturnType<typeof recordingBackend>>;
let agent: RunningAgent;
const held: net.Socket[] = [];

beforeAll(async () => {
  [tcp, web] = await Promise.all([recordingBackend(false), recordingBackend(true)]);
  agent = await spawnAgent({
    services: [tcpService('stream', tcp.port, 100, { proxyProtocol: 'v2' }), httpService('web', web.port, 100, { proxyProtocol: 'v2' })],
    vservers: [tcpVServer('tcp-front', ['stream'], {}), httpVServer('http-front', 'web')],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await agent?.stop();
  await Promise.all([tcp?.close(), web?.close()]);
});

async function connect(port: number) {
  const s = net.connect({ port, host: '127.0.0.1' });
  held.push(s);
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  let got = '';
  s.on('data', (c: Buffer) => (got += c.toString('latin1')));
  return { s, got: () => got };
}

describe('PROXY protocol v2 towards a service with proxyProtocol v2', () => {
  it('TCP: starts each upstream connection with the client address, the listener address and a connection id of its own, then the client bytes intact', async () => {
    const port = agent.ports['tcp-front']!;
    const a = await connect(port);
    const b = await connect(port);
    a.s.write('hello from a\n');
    b.s.write(Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from(' not a header from b\n')]));
    await until(
      async () => [a.got(), b.got()],
      ([x, y]) => x === 'hello from a\n' && y!.endsWith('not a header from b\n'),
    );
    expect(tcp.seen).toHaveLength(2);
    const byPort = new Map(tcp.seen.map((r) => [r.header?.source?.port, r]));
    for (const c of [a, b]) {
      const rec = byPort.get(c.s.localPort)!;
      expect(rec.header).toMatchObject({
        command: 'proxy',
        family: 'inet',
        transport: 'stream',
        source: { address: '127.0.0.1' },
        destination: { address: '127.0.0.1', port },
      });
      expect(rec.header!.connectionId).toMatch(/^[\x21-\x7e]+:\d+$/);
      expect(rec.header!.migrationId).toBeUndefined();
    }
    expect(byPort.get(a.s.localPort)!.rest).toBe('hello from a\n');
    expect(new Set(tcp.seen.map((r) => r.header!.connectionId)).size).toBe(2);
  });

  it('HTTP: keep-alive requests of one client share one private upstream connection (one header); another client gets its own; it closes with its client', async () => {
    const port = agent.ports['http-front']!;
    const req = 'GET /x HTTP/1.1\r\nhost: test\r\n\r\n';
    const a = await connect(port);
    a.s.write(req);
    await until(
      async () => a.got(),
      (t) => t.includes('"n":0'),
    );
    a.s.write(req);
    await until(
      async () => a.got(),
      (t) => t.includes('"n":1'),
    );
    const b = await connect(port);
    b.s.write(req);
    await until(
      async () => b.got(),
      (t) => t.includes('"n":0'),
    );
    expect(web.seen).toHaveLength(2);
    const [ra, rb] = [web.seen.find((r) => r.header?.source?.port === a.s.localPort)!, web.seen.find((r) => r.header?.source?.port === b.s.localPort)!];
    expect(ra.rest.split('\r\n\r\n').length - 1).toBe(2);
    expect(rb.rest.split('\r\n\r\n').length - 1).toBe(1);
    expect(ra.header!.connectionId).not.toBe(rb.header!.connectionId);
    expect(ra.header!.destination).toEqual({ address: '127.0.0.1', port });
    a.s.destroy();
    await until(async () => ra.closed, Boolean);
    expect(rb.closed).toBe(false);
  });
});
