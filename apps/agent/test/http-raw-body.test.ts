// A small response body framed by Content-Length is relayed as the agent reads it, past llhttp
// (forward.ts READ_BODY_RAW): a body split across reads arrives whole and in order, the parser reads
// the next response on the same upstream connection from its start (Content-Length, chunked, then
// Content-Length again), bytes a service sends past its response keep the connection from reuse,
// and a service closing mid-body cuts the client instead of completing the answer. The same holds
// for the other answers whose head the agent reads without llhttp (simple-head.ts): a body larger
// than what is relayed raw, an answer to HEAD, and Content-Length: 0. The head of such an answer
// reaches the client as the service's bytes but its hop-by-hop fields, the same as one serialized.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpService, httpVServer, spawnAgent, type RunningAgent } from './helpers.js';
import { RawConnection } from './raw-http.js';

interface BackendConn {
  socket: net.Socket;
  received: string;
}

let backend: net.Server;
let agent: RunningAgent;
const conns: BackendConn[] = [];
let waiters: (() => void)[] = [];

function wake(): void {
  const w = waiters;
  waiters = [];
  for (const f of w) f();
}

/** Resolves when `ok` holds on the backend's connections; rejects past the deadline. */
async function backendWhen(ok: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`backend: ${what} not seen in ${timeoutMs} ms`);
    await new Promise<void>((r) => {
      const t = setTimeout(r, left);
      waiters.push(() => {
        clearTimeout(t);
        r();
      });
    });
  }
}

const heads = (c: BackendConn): number => c.received.split('\r\n\r\n').length - 1;

/** Sends `GET <path>` on `client` and returns the backend connection it reached. */
async function requestReaching(client: RawConnection, path: string): Promise<BackendConn> {
  const line = `GET ${path} `;
  client.write(`${line}HTTP/1.1\r\nHost: example\r\n\r\n`);
  await backendWhen(() => conns.some((c) => c.received.includes(line)), `the request for ${path}`);
  return conns.find((c) => c.received.includes(line))!;
}

beforeAll(async () => {
  // A backend the test drives: it records each connection's bytes and answers only what the test writes.
  backend = net.createServer((socket) => {
    const c: BackendConn = { socket, received: '' };
    conns.push(c);
    socket.on('data', (b: Buffer) => {
      c.received += b.toString('latin1');
      wake();
    });
    socket.on('error', () => socket.destroy());
    wake();
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as net.AddressInfo).port;
  agent = await spawnAgent({ services: [httpService('driven', port)], vservers: [httpVServer('front', 'driven')], agent: { workers: 0 } });
});

afterAll(async () => {
  await agent?.stop();
  for (const c of conns) c.socket.destroy();
  await new Promise((r) => backend?.close(r));
});

describe('a Content-Length body relayed as read', () => {
  it('relays a body split across reads whole, then reads the next responses on the same connection from their start', async () => {
    const client = await RawConnection.open(agent.ports.front!);
    try {
      const before = conns.length;
      client.write('GET /one HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => conns.length > before && heads(conns[conns.length - 1]!) === 1, 'the first request');
      const up = conns[conns.length - 1]!;
      up.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello');
      // The first part reaches the client before the rest is sent: the body spans two reads of the agent.
      await client.waitFor((c) => c.buf.toString('latin1').endsWith('hello'));
      expect(client.buf.toString('latin1')).toContain('content-length: 11\r\n');
      up.socket.write(' world');
      const first = await client.response();
      expect(first?.status).toBe(200);
      expect(first!.body.toString()).toBe('hello world');

      // The same upstream connection: a chunked answer (llhttp reads it), then Content-Length again.
      client.write('GET /two HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => heads(up) === 2, 'the second request');
      up.socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
      const second = await client.response();
      expect(second?.status).toBe(200);
      expect(second!.body.toString()).toBe('abc');

      client.write('GET /three HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => heads(up) === 3, 'the third request');
      up.socket.write('HTTP/1.1 201 Created\r\ncontent-length: 3\r\nx-n: 3\r\n\r\nxyz');
      const third = await client.response();
      expect(third?.status).toBe(201);
      expect(third!.headers['x-n']).toBe('3');
      expect(third!.body.toString()).toBe('xyz');
      expect(conns.indexOf(up)).toBe(conns.length - 1); // no other upstream connection was opened
    } finally {
      client.destroy();
    }
  });

  it.each([
    ['a body', 'ok'],
    ['no body (Content-Length: 0)', ''],
  ])('does not reuse an upstream connection whose service sent bytes past its response: %s', async (_name, body) => {
    const client = await RawConnection.open(agent.ports.front!);
    try {
      const up = await requestReaching(client, `/extra-${body.length}`);
      up.socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nsmugg`);
      const r = await client.response();
      expect(r?.status).toBe(200);
      expect(r!.body.toString()).toBe(body);
      // The next request goes to a new upstream connection, and what the service sent past its answer reached no client.
      const before = conns.length;
      client.write(`GET /after-${body.length} HTTP/1.1\r\nHost: example\r\n\r\n`);
      await backendWhen(
        () => conns.length > before && conns[conns.length - 1]!.received.includes(`GET /after-${body.length} `),
        'the next request on a new connection',
      );
      expect(up.received).not.toContain(`GET /after-${body.length} `);
      conns[conns.length - 1]!.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext');
      const next = await client.response();
      expect(next!.body.toString()).toBe('next');
      expect(client.buf.length).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('relays the bodies of the other simple heads and reads each next response from its start', async () => {
    const client = await RawConnection.open(agent.ports.front!);
    try {
      // Larger than the raw relay takes (8 KiB): the body goes through as pieces, across reads.
      const up = await requestReaching(client, '/large');
      // The upstream connection may be one a test before left in the pool: its heads are counted from here.
      const base = heads(up);
      const opened = conns.length;
      const large = 'x'.repeat(20_000);
      up.socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${large.length}\r\n\r\n${large.slice(0, 5_000)}`);
      await client.waitFor((c) => c.buf.length > 5_000);
      up.socket.write(large.slice(5_000));
      const first = await client.response();
      expect(first?.status).toBe(200);
      expect(first!.body.toString()).toBe(large);

      // An answer to HEAD: a Content-Length and no body.
      client.write('HEAD /head HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => heads(up) === base + 1, 'the HEAD request');
      up.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n');
      await client.waitFor((c) => c.buf.toString('latin1').includes('\r\n\r\n'));
      const head = client.buf.toString('latin1');
      client.buf = Buffer.alloc(0);
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head).toContain('content-length: 1234\r\n');
      expect(head.endsWith('\r\n\r\n')).toBe(true);

      // Content-Length: 0.
      client.write('GET /empty HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => heads(up) === base + 2, 'the request for an empty body');
      up.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
      const empty = await client.response();
      expect(empty?.status).toBe(200);
      expect(empty!.body.length).toBe(0);

      client.write('GET /last HTTP/1.1\r\nHost: example\r\n\r\n');
      await backendWhen(() => heads(up) === base + 3, 'the last request');
      up.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nlast');
      const last = await client.response();
      expect(last!.body.toString()).toBe('last');
      expect(conns.length).toBe(opened); // every answer came on the one upstream connection
      expect(client.buf.length).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it.each([
    ['as the service wrote them', 'Keep-Alive: timeout=5\r\nX-A: 1\r\nConnection: keep-alive\r\nTE: trailers\r\nX-B: 2\r\n', 'X-A: 1\r\nX-B: 2\r\n', true],
    [
      'normalized (no space or more around a value)',
      'Keep-Alive:  timeout=5\r\nX-A:1\r\nConnection: keep-alive\r\nTE: trailers \r\nX-B: 2\r\n',
      'X-A: 1\r\nX-B: 2\r\n',
      true,
    ],
    ['without the field its Connection: close names', 'Connection: close\r\nClose: x\r\nX-C: 3\r\nProxy-Authenticate: Basic\r\n', 'X-C: 3\r\n', false],
  ])('gives the client the fields of a simple answer but the hop-by-hop ones, %s', async (name, fields, kept, reusable) => {
    const client = await RawConnection.open(agent.ports.front!);
    try {
      const path = `/fields-${name.length}`;
      const up = await requestReaching(client, path);
      let closed = false;
      up.socket.once('close', () => {
        closed = true;
        wake();
      });
      up.socket.write(`HTTP/1.1 200 OK\r\n${fields}content-length: 2\r\n\r\nok`);
      await client.waitFor((c) => c.buf.toString('latin1').endsWith('\r\n\r\nok'));
      // The client's connection stays open either way: nothing is added to the answer.
      expect(client.buf.toString('latin1')).toBe(`HTTP/1.1 200 OK\r\n${kept}content-length: 2\r\n\r\nok`);
      if (!reusable) await backendWhen(() => closed, 'the upstream connection closed by the agent');
      else expect(closed).toBe(false);
    } finally {
      client.destroy();
    }
  });

  it('cuts the client when the service closes in the middle of the body', async () => {
    const client = await RawConnection.open(agent.ports.front!);
    try {
      const up = await requestReaching(client, '/cut');
      up.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf');
      await client.waitFor((c) => c.buf.toString('latin1').endsWith('half'));
      up.socket.destroy();
      await client.closedByPeer();
      expect(await client.response()).toBeNull();
    } finally {
      client.destroy();
    }
  });
});
