// The agent's HTTP/1.1 engine (src/http) against a real agent process and a node:http backend, at
// the socket: pipelined requests answered in order, HTTP/1.0 with and without keep-alive, chunked
// request bodies with trailers, a request head forwarded before its body is complete, Upgrade as a
// tunnel, upstream keep-alive (one service connection carries many requests), HEAD answers
// without a body, and the agent's own errors in the control plane's error shape.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpService, httpVServer, spawnAgent, until, type RunningAgent } from './helpers.js';
import { parseResponse, RawConnection, type RawResponse } from './raw-http.js';

let backend: http.Server;
let agent: RunningAgent;
let deadPort: number;
let connections = 0;
/** Requests whose head arrived, with whether their body was complete at that moment. */
const heads: { url: string; at: number }[] = [];
const bodies: { url: string; body: string; trailers: Record<string, string> }[] = [];
let upgradesHeld = 0;
let releaseUpgrade: () => void = () => {};
const holdUpgrade = new Promise<void>((r) => (releaseUpgrade = r));

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    heads.push({ url: req.url!, at: Date.now() });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ url: req.url!, body: Buffer.concat(chunks).toString(), trailers: req.trailers });
      const delay = /^\/delay\/(\d+)/.exec(req.url!);
      const answer = (): void => {
        const body = JSON.stringify({ url: req.url, method: req.method, version: req.httpVersion });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (delay) setTimeout(answer, Number(delay[1]));
      else answer();
    });
  });
  backend.on('connection', () => connections++);
  // A WebSocket-like upgrade: 101, then every byte echoed upper-cased.
  backend.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const agree = (): void => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`);
      if (head.length > 0) socket.write(head.toString().toUpperCase());
    };
    // /ws-hold: the 101 waits for the test's word (the agent holds what the client sent after the head).
    if (req.url === '/ws-hold') {
      upgradesHeld++;
      void holdUpgrade.then(agree);
    } else agree();
    socket.on('data', (c: Buffer) => socket.write(c.toString().toUpperCase()));
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as net.AddressInfo).port;
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const svc = (name: string, port: number) => httpService(name, port);
  const vs = (name: string, service: string) => httpVServer(name, service);
  agent = await spawnAgent({
    services: [svc('app', port), svc('down', deadPort)],
    vservers: [vs('front', 'app'), vs('nothing', 'down')],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  backend?.closeAllConnections();
  await new Promise((r) => backend?.close(r));
});

/** Reads responses from `conn` until `n` arrived or it closed. */
async function responses(conn: RawConnection, n: number, head = false): Promise<RawResponse[]> {
  const out: RawResponse[] = [];
  await conn.waitFor((c) => {
    for (let r = parseResponse(c.buf, head); r; r = parseResponse(c.buf, head)) {
      out.push(r.response);
      c.buf = r.rest;
    }
    return out.length >= n;
  });
  return out;
}

const front = (): number => agent.ports.front!;

describe('HTTP/1.1 engine', () => {
  it('answers pipelined requests in the order they were sent, whatever order the service finishes them in', async () => {
    const conn = await RawConnection.open(front());
    conn.write(
      'GET /delay/300 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/0 HTTP/1.1\r\nHost: t\r\n\r\nPOST /delay/100 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhiGET /last HTTP/1.1\r\nHost: t\r\n\r\n',
    );
    const got = await responses(conn, 4);
    expect(got.map((r) => (JSON.parse(r.body.toString()) as { url: string }).url)).toEqual(['/delay/300', '/delay/0', '/delay/100', '/last']);
    expect(bodies.find((b) => b.url === '/delay/100')?.body).toBe('hi');
    conn.destroy();
  });

  it('serves HTTP/1.0: closes after the answer by default, keeps the connection with Connection: keep-alive', async () => {
    const plain = await RawConnection.open(front());
    plain.write('GET /ten HTTP/1.0\r\n\r\n');
    const [a] = await responses(plain, 1);
    expect(a!.status).toBe(200);
    await plain.closedByPeer();
    const kept = await RawConnection.open(front());
    kept.write('GET /ten-a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [b] = await responses(kept, 1);
    expect(b!.headers.connection).toBe('keep-alive');
    kept.write('GET /ten-b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [c] = await responses(kept, 1);
    expect((JSON.parse(c!.body.toString()) as { url: string }).url).toBe('/ten-b');
    expect(kept.closed).toBe(false);
    kept.destroy();
  });

  it('forwards a chunked request body and its trailers', async () => {
    const conn = await RawConnection.open(front());
    conn.write('POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Check: sum\r\n\r\n');
    const [r] = await responses(conn, 1);
    expect(r!.status).toBe(200);
    const seen = bodies.find((b) => b.url === '/chunked')!;
    expect(seen.body).toBe('hello world');
    expect(seen.trailers['x-check']).toBe('sum');
    conn.destroy();
  });

  it('forwards a request head as soon as it is complete, before its body', async () => {
    const conn = await RawConnection.open(front());
    conn.write('POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nfirst');
    await until(
      async () => heads.some((h) => h.url === '/early'),
      (x) => x,
    );
    expect(bodies.some((b) => b.url === '/early')).toBe(false);
    conn.write('-half');
    const [r] = await responses(conn, 1);
    expect(r!.status).toBe(200);
    expect(bodies.find((b) => b.url === '/early')?.body).toBe('first-half');
    conn.destroy();
  });

  it('tunnels an Upgrade the service agrees to, both ways, including bytes sent right after the head', async () => {
    const conn = await RawConnection.open(front());
    conn.write('GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nearly ');
    await conn.waitFor((c) => c.buf.toString().includes('EARLY '));
    expect(conn.buf.toString()).toMatch(/^HTTP\/1\.1 101 /);
    conn.write('later');
    await conn.waitFor((c) => c.buf.toString().includes('LATER'));
    conn.destroy();
  });

  it('keeps the bytes sent after an Upgrade head intact while other clients are read before the service agrees', async () => {
    // Reads of an admitted connection come as views of one shared buffer: what the agent holds for
    // the tunnel must be its own copy, or the next read (another client's request here) overwrites it.
    // The upgrade is each connection's second request, so its head is read that way too.
    const conn = await RawConnection.open(front());
    conn.write('GET /before-ws HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await responses(conn, 1))[0]!.status).toBe(200);
    const answered = conn.buf.length;
    conn.write('GET /ws-hold HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nheld bytes ');
    await until(
      async () => upgradesHeld,
      (n) => n === 1,
    );
    const other = await RawConnection.open(front());
    for (const path of ['/first', `/${'x'.repeat(300)}`]) {
      other.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
      await until(
        async () => bodies.some((b) => b.url === path),
        (x) => x,
      );
    }
    other.destroy();
    releaseUpgrade();
    await conn.waitFor((c) => c.buf.subarray(answered).toString().includes('\r\n\r\n'));
    conn.write('later');
    await conn.waitFor((c) => c.buf.toString().includes('LATER'));
    expect(conn.buf.subarray(answered).toString()).toMatch(/^HTTP\/1\.1 101 [^]*\r\n\r\nHELD BYTES LATER$/);
    conn.destroy();
  });

  it('reuses one keep-alive connection to the service for consecutive requests of different clients', async () => {
    const before = connections;
    for (let i = 0; i < 10; i++) {
      const conn = await RawConnection.open(front());
      conn.write(`GET /reuse-${i} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      const [r] = await responses(conn, 1);
      expect(r!.status).toBe(200);
      await conn.closedByPeer();
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('answers HEAD with the head only and keeps serving the connection', async () => {
    const conn = await RawConnection.open(front());
    conn.write('HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n');
    const [h] = await responses(conn, 1, true);
    expect(h!.status).toBe(200);
    expect(Number(h!.headers['content-length'])).toBeGreaterThan(0);
    conn.write('GET /after-head HTTP/1.1\r\nHost: t\r\n\r\n');
    const [g] = await responses(conn, 1);
    expect((JSON.parse(g!.body.toString()) as { url: string }).url).toBe('/after-head');
    conn.destroy();
  });

  it("answers its own errors in the control plane's error shape with SPILLWAY_AGENT_ codes", async () => {
    const res = await fetch(`http://127.0.0.1:${agent.ports.nothing}/`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      statusCode: 502,
      code: 'SPILLWAY_AGENT_UPSTREAM_ERROR',
      error: 'Bad Gateway',
      message: expect.any(String) as string,
    });
  });
});
