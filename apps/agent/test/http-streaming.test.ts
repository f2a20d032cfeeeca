// The HTTP data path under streaming: large chunked answers to a slow reader (backpressure, byte
// for byte), hop-by-hop and Connection-named headers removed both ways, and a client leaving in
// the middle of an answer, which stops the upstream request and frees the service's slot; an
// upload sent the way curl sends bodies over 1 MiB (Expect: 100-continue, body after the 100).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, until, type RunningAgent } from './helpers.js';
import { RawConnection } from './raw-http.js';

const CHUNK = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz');
const CHUNKS = 128; // 8 MiB
let backend: http.Server;
let backendPort: number;
let agent: RunningAgent;
const upstreamClosed: string[] = [];
const seenHeaders: http.IncomingHttpHeaders[] = [];

function expectedDigest(): string {
  const h = createHash('sha256');
  for (let i = 0; i < CHUNKS; i++) h.update(CHUNK);
  return h.digest('hex');
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    seenHeaders.push(req.headers);
    if (req.url === '/big') {
      // Chunked (no content-length), written as fast as the proxy drains it.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-kept': 'yes', 'keep-alive': 'timeout=5' });
      let i = 0;
      const more = (): void => {
        while (i < CHUNKS) {
          i++;
          if (!res.write(CHUNK)) {
            res.once('drain', more);
            return;
          }
        }
        res.end();
      };
      more();
      return;
    }
    if (req.url === '/count') {
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      req.on('end', () => {
        const body = JSON.stringify({ bytes, expect: req.headers.expect ?? null });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    if (req.url === '/hang') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part\n');
      res.on('close', () => {
        if (!res.writableFinished) upstreamClosed.push(req.url!);
      });
      return; // never ends on its own
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.headers));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as net.AddressInfo).port;
  agent = await spawnAgent({
    services: [{ name: 'files', address: '127.0.0.1', port: backendPort, protocol: 'http', capacity: 100, weight: 1, state: 'enabled', monitors: [] }],
    vservers: [
      {
        name: 'stream',
        protocol: 'http',
        listen: { port: 0, host: '127.0.0.1' },
        lbMethod: 'roundrobin',
        services: [{ service: 'files' }],
        spillover: { methods: [] },
      },
    ],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  backend?.closeAllConnections();
  await new Promise((r) => backend?.close(r));
});

function get(path: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: agent.ports.stream!, path, headers, agent: false }, resolve).on('error', reject);
  });
}

describe('HTTP streaming through the agent', () => {
  it('streams an 8 MiB chunked answer to a slow reader byte for byte, without hop-by-hop headers', async () => {
    const res = await get('/big');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-kept']).toBe('yes');
    expect(res.headers['keep-alive']).toBeUndefined();
    const h = createHash('sha256');
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => {
        h.update(c);
        n += c.length;
        // A slow reader: pause now and then so the agent has to hold the upstream back.
        if (n % (1024 * 1024) < c.length) {
          res.pause();
          setTimeout(() => res.resume(), 20);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    expect(n).toBe(CHUNKS * CHUNK.length);
    expect(h.digest('hex')).toBe(expectedDigest());
    const s = await until(
      () => agent.stats(),
      (x) => x.services.files!.cx_active === 0,
    );
    expect(s.vservers.stream!.tx_bytes_total).toBeGreaterThanOrEqual(CHUNKS * CHUNK.length);
  });

  it("removes the headers the client's Connection header names and hop-by-hop ones before the service sees them", async () => {
    const res = await get('/echo', { connection: 'keep-alive, x-private', 'x-private': 'secret', 'x-public': 'shown', te: 'trailers' });
    const headers = JSON.parse(
      await new Promise<string>((r) => {
        let b = '';
        res.on('data', (c: Buffer) => {
          b += c.toString();
        });
        res.on('end', () => r(b));
      }),
    ) as Record<string, string>;
    expect(headers['x-public']).toBe('shown');
    expect(headers['x-private']).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers.forwarded).toBe(`for=127.0.0.1;proto=http;host="127.0.0.1:${agent.ports.stream}"`);
  });

  it('stops the upstream request and frees the service use when the client leaves in the middle of an answer', async () => {
    const res = await get('/hang');
    await new Promise<void>((r) => res.once('data', () => r()));
    expect((await agent.stats()).services.files!.cx_active).toBe(1);
    res.destroy();
    await until(
      async () => upstreamClosed.length,
      (n) => n === 1,
    );
    await until(
      () => agent.stats(),
      (x) => x.services.files!.cx_active === 0 && x.vservers.stream!.cx_active === 0,
    );
  });

  it('answers Expect: 100-continue with 100 Continue, then streams the 2 MiB body the client sends after it', async () => {
    const size = 2 * 1024 * 1024 + 7;
    const conn = await RawConnection.open(agent.ports.stream!);
    conn.write(`POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: ${size}\r\nExpect: 100-continue\r\n\r\n`);
    await conn.waitFor((c) => c.buf.includes('\r\n\r\n'));
    expect(conn.buf.toString('latin1')).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    conn.write(Buffer.alloc(size, 'u'));
    const res = await conn.response(10_000);
    expect(res?.status).toBe(200);
    // The agent answered the expectation itself: the service gets the body, not the Expect header.
    expect(JSON.parse(res!.body.toString())).toEqual({ bytes: size, expect: null });
    conn.destroy();
  });
});
