// Client and upstream connections on raw TCP handles (http/handle-socket.ts) under hostile peers,
// against a real agent process: a client that resets its connection inside an Upgrade tunnel (the
// tunnel runs on a net.Socket made on the handle: an error on it must not crash the worker), a
// client that reads nothing of a large streamed answer and a service that reads nothing of a large
// request body (backpressure both ways, then the bytes whole once they read), a client reset in the
// middle of an answer, a service that refuses connections (502), the idle keep-alive and head
// timeouts, the drain on SIGTERM (net no longer counts these connections: the plane's set does);
// a site peer's reset inside its PROXY header (an agent in this process); then HandleSocket's own
// edge cases on real sockets.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../src/agent.js';
import { HandleSocket, acceptHandles, handleErrors } from '../src/http/handle-socket.js';
import { createLogger } from '../src/log.js';
import { accepts, closedPort, elapse, httpService, httpVServer, spawnAgent, until, type RunningAgent } from './helpers.js';
import { RawConnection, rawExchange, type RawResponse } from './raw-http.js';

let backend: http.Server;
let agent: RunningAgent;
let deadPort: number;
/** The backend's side of each tunnel, in order of arrival. */
const tunnels: net.Socket[] = [];

/** Byte i of a /big/N body is i % 251 (a body cut, shifted or doubled anywhere shows). */
const PATTERN = Buffer.alloc(64 * 1024 + 251);
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i % 251;
/** The last /big/N response: bytes handed to its socket, whether a write answered false, whether its socket closed. */
const big = { sent: 0, blocked: false, closed: false };
/** The last POST /hold: its request (paused until the test resumes it) and what it read. */
const hold = { req: null as http.IncomingMessage | null, read: 0, ok: true };

function serveBig(total: number, res: http.ServerResponse): void {
  big.sent = 0;
  big.blocked = false;
  big.closed = false;
  res.socket!.once('close', () => (big.closed = true));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  const pump = (): void => {
    while (big.sent < total) {
      const at = big.sent % 251;
      const n = Math.min(64 * 1024, total - big.sent);
      big.sent += n;
      if (!res.write(PATTERN.subarray(at, at + n))) {
        big.blocked = true;
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function serveHold(req: http.IncomingMessage, res: http.ServerResponse): void {
  hold.req = req;
  hold.read = 0;
  hold.ok = true;
  req.pause();
  req.on('data', (c: Buffer) => {
    for (let i = 0; i < c.length; i++) if (c[i] !== (hold.read + i) % 251) hold.ok = false;
    hold.read += c.length;
  });
  req.on('end', () => res.end(JSON.stringify({ read: hold.read, ok: hold.ok })));
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    const m = /^\/big\/(\d+)$/.exec(req.url ?? '');
    if (m) {
      req.resume();
      serveBig(Number(m[1]), res);
      return;
    }
    if (req.url === '/hold') {
      serveHold(req, res);
      return;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  // A WebSocket-like upgrade: 101, then every byte echoed upper-cased.
  backend.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    tunnels.push(socket);
    socket.on('error', () => socket.destroy());
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`);
    socket.on('data', (c: Buffer) => socket.write(c.toString().toUpperCase()));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as net.AddressInfo).port;
  deadPort = await closedPort();
  agent = await spawnAgent({
    services: [httpService('app', port), httpService('down', deadPort)],
    vservers: [
      httpVServer('front', 'app'),
      httpVServer('nothing', 'down'),
      httpVServer('short', 'app', { keepAliveTimeoutMs: 300, headersTimeoutMs: 300 }),
      httpVServer('slowread', 'app', { clientTimeoutMs: 300 }),
    ],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  backend?.closeAllConnections();
  for (const s of tunnels) s.destroy();
  await new Promise((r) => backend?.close(r));
});

const front = (): number => agent.ports.front!;

/** One request on a connection of its own that ends with it (no kept-alive connection stays counted active). */
async function closing(port: number, path: string): Promise<RawResponse | null> {
  const { response, conn } = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
  conn.destroy();
  return response;
}

/** A kept-alive connection to the worker, answered once: it dies with the worker if the worker crashes. */
async function witness(): Promise<RawConnection> {
  const w = await RawConnection.open(front());
  w.write('GET /witness HTTP/1.1\r\nHost: t\r\n\r\n');
  expect((await w.response())?.status).toBe(200);
  return w;
}

/** The witness is answered again and no worker was restarted: the worker survived. */
async function survived(w: RawConnection): Promise<void> {
  w.write('GET /witness-after HTTP/1.1\r\nHost: t\r\n\r\n');
  expect((await w.response())?.status).toBe(200);
  w.destroy();
  expect((await agent.stats()).agent.workers_restarted_total).toBe(0);
  expect(agent.output()).not.toContain('uncaught_exception');
}

/** A tunnel through the agent (101 received), with whether the service's side of it closed. */
async function openTunnel(): Promise<{ conn: RawConnection; upClosed: () => boolean }> {
  const conn = await RawConnection.open(front());
  conn.write('GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  await conn.waitFor((c) => c.buf.toString().includes('\r\n\r\n'));
  let closed = false;
  tunnels.at(-1)!.once('close', () => (closed = true));
  return { conn, upClosed: () => closed };
}

describe('a tunnel on a client connection taken on its raw handle', () => {
  it('survives the client resetting the connection inside the tunnel: the worker keeps serving, nothing is restarted', async () => {
    const w = await witness();
    const { conn, upClosed } = await openTunnel();
    conn.write('ping');
    await conn.waitFor((c) => c.buf.toString().includes('PING'));
    conn.socket.resetAndDestroy();
    // The agent closes the tunnel's service side once it has handled the reset (or its worker died).
    await until(
      async () => upClosed(),
      (c) => c,
    );
    await survived(w);
  });
});

/** A raw client of a /big/N answer: counts and checks the body as it comes (no copy of it all). */
class BigReader {
  readonly socket: net.Socket;
  head = '';
  body = 0;
  ok = true;
  closed = false;
  private headDone = false;
  constructor(port: number, path: string) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (c: Buffer) => {
      let from = 0;
      if (!this.headDone) {
        this.head += c.toString('latin1');
        const end = this.head.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.headDone = true;
        from = c.length - (this.head.length - end - 4);
        this.head = this.head.slice(0, end);
      }
      for (let i = from; i < c.length; i++) if (c[i] !== (this.body + i - from) % 251) this.ok = false;
      this.body += c.length - from;
    });
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
  }
}

describe('a tunnel whose client ends its side while the service still sends', () => {
  it('closes the tunnel without crashing the worker (the service’s bytes after the client’s end are not written)', async () => {
    const w = await witness();
    const { conn, upClosed } = await openTunnel();
    // The service echoes "ping" after the agent has read the client's end: a write to an ended side.
    conn.socket.end('ping');
    await until(
      async () => upClosed(),
      (c) => c,
    );
    await conn.closedByPeer();
    await survived(w);
  });
});

describe('backpressure and hostile peers on handle connections', () => {
  const TOTAL = 32 * 1024 * 1024;

  it('holds a large streamed answer at the service while the client reads nothing, and delivers it whole once it reads', async () => {
    const r = new BigReader(front(), `/big/${TOTAL}`);
    r.socket.pause();
    await until(
      async () => big.blocked,
      (b) => b,
    );
    await elapse(300, 'the service stays held back while the client reads nothing (backpressure through the agent)');
    expect(big.sent).toBeLessThan(TOTAL / 2);
    r.socket.resume();
    await until(
      async () => r.body,
      (n) => n === TOTAL,
      30_000,
    );
    expect(r.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.ok).toBe(true);
    r.socket.destroy();
  });

  it('resets a client that takes none of its answer for clientTimeoutMs, and closes the service connection with it (HAProxy `timeout client`)', async () => {
    const before = (await agent.stats()).vservers.slowread?.cx_idle_timeout_total ?? 0;
    const r = new BigReader(agent.ports.slowread!, `/big/${TOTAL}`);
    r.socket.pause();
    await until(
      async () => big.blocked,
      (b) => b,
    );
    // The agent resets its socket: the service's connection ends and the client's uses go back.
    await until(
      async () => big.closed,
      (done) => done,
      10_000,
    );
    expect(big.sent).toBeLessThan(TOTAL / 2);
    await until(
      () => agent.stats(),
      (x) => x.vservers.slowread!.cx_idle_timeout_total === before + 1 && x.vservers.slowread!.cx_active === 0,
    );
    // Reading again, the client gets only what its own receive buffer held (~190 KiB here): the
    // megabytes the agent's kernel had taken for it were dropped with the reset. Closed with a FIN,
    // they stay queued behind it for a client that may never read (4.0 MB reached the client then).
    r.socket.resume();
    await until(
      async () => r.closed,
      (c) => c,
    );
    expect(r.body).toBeLessThan(1024 * 1024);
    expect(r.body).toBeLessThan(TOTAL);
  });

  it('stops the service when the client resets in the middle of a large answer, and the worker serves on', async () => {
    const r = new BigReader(front(), `/big/${TOTAL}`);
    await until(
      async () => r.body,
      (n) => n > 1024 * 1024,
    );
    r.socket.resetAndDestroy();
    await until(
      async () => big.closed,
      (c) => c,
    );
    await until(
      async () => (await agent.stats()).vservers.front!.cx_active,
      (n) => n === 0,
    );
    expect((await closing(front(), '/after-reset'))?.status).toBe(200);
    expect((await agent.stats()).agent.workers_restarted_total).toBe(0);
  });

  it('holds a large request body at the client while the service reads nothing, and delivers it whole once it reads', async () => {
    const size = 16 * 1024 * 1024;
    const conn = await RawConnection.open(front());
    conn.write(`POST /hold HTTP/1.1\r\nHost: t\r\nContent-Length: ${size}\r\n\r\n`);
    let at = 0;
    const sendMore = (): void => {
      while (at < size) {
        const n = Math.min(64 * 1024, size - at);
        const p = at % 251;
        at += n;
        if (!conn.socket.write(PATTERN.subarray(p, p + n))) {
          conn.socket.once('drain', sendMore);
          return;
        }
      }
    };
    sendMore();
    await until(
      async () => hold.req !== null && conn.socket.writableLength > 0,
      (x) => x,
    );
    await elapse(300, 'the client stays held back while the service reads nothing (backpressure through the agent)');
    expect(at).toBeLessThan(size);
    hold.req!.resume();
    const res = await conn.response(30_000);
    expect(res?.status).toBe(200);
    expect(JSON.parse(res!.body.toString())).toEqual({ read: size, ok: true });
    conn.destroy();
  });

  it('answers 502 for a service that refuses connections, and keeps the connection', async () => {
    const conn = await RawConnection.open(agent.ports.nothing!);
    for (let i = 0; i < 3; i++) {
      conn.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
      const res = await conn.response();
      expect(res?.status).toBe(502);
    }
    conn.destroy();
  });

  it('closes an idle kept-alive connection after keepAliveTimeoutMs, and answers 408 to a head that does not complete in headersTimeoutMs', async () => {
    const idle = await RawConnection.open(agent.ports.short!);
    idle.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await idle.response())?.status).toBe(200);
    await idle.closedByPeer();
    const slow = await RawConnection.open(agent.ports.short!);
    slow.write('GET / HTTP/1.1\r\nHost:');
    expect((await slow.response())?.status).toBe(408);
    await slow.closedByPeer();
    await until(
      async () => (await agent.stats()).vservers.short!.cx_active,
      (n) => n === 0,
    );
  });
});

describe('the agent draining its handle connections on SIGTERM', () => {
  it('closes an idle kept-alive connection at once, answers the request in flight, then closes it, and exits 0', async () => {
    const other = await spawnAgent({
      services: [httpService('app', (backend.address() as net.AddressInfo).port)],
      vservers: [httpVServer('front', 'app')],
      agent: { workers: 1, drainTimeoutMs: 10_000 },
    });
    const port = other.ports.front!;
    const idle = await RawConnection.open(port);
    idle.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await idle.response())?.status).toBe(200);
    hold.req = null;
    const busy = await RawConnection.open(port);
    busy.write('POST /hold HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody');
    await until(
      async () => hold.req,
      (r) => r !== null,
    );
    const exited = other.stop('SIGTERM');
    await until(
      () => accepts(port),
      (up) => !up,
      10_000,
    );
    await idle.closedByPeer();
    expect(busy.closed).toBe(false);
    hold.req!.resume();
    const res = await busy.response();
    expect(res?.status).toBe(200);
    // The answer says it is the connection's last: a client sends no next request into the close.
    expect(res?.headers.connection).toBe('close');
    await busy.closedByPeer();
    expect(await exited).toBe(0);
  });
});

describe('a site peer’s connection taken on its raw handle (an agent in this process)', () => {
  it('is closed without an uncaught error when the peer resets it inside its PROXY header', async () => {
    // Its header is read on a net.Socket made on the handle: before the fix, the reset was thrown
    // from it (no 'error' listener), an uncaught exception in this process.
    const port = await closedPort();
    const a = await createAgent({
      config: {
        services: [{ name: 'h-1', address: '127.0.0.1', port: (backend.address() as net.AddressInfo).port, protocol: 'http', site: 'x' }],
        vservers: [{ name: 'api', protocol: 'http', listen: { port, host: '127.0.0.1' }, siteBalancing: true, services: [{ service: 'h-1' }] }],
        agent: { workers: 0, drainTimeoutMs: 500 },
      },
      env: { SPILLWAY_AGENT_SITE: 'x' },
      log: createLogger({}, 'silent'),
    });
    try {
      // 127.0.0.5 is an agent of site y: its connections start with a PROXY header.
      a.setSiteWeights({ vservers: { api: { x: 3, y: 0 } }, agents: { x: ['127.0.0.1'], y: ['127.0.0.5'] } }, '127.0.0.1');
      await until(
        () => a.stats(),
        (st) => st.sites?.weights.api?.x === 3,
      );
      const peer = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.5' });
      peer.on('error', () => peer.destroy());
      await new Promise<void>((r) => peer.once('connect', r));
      peer.write(Buffer.from('0d0a0d0a000d0a51', 'hex'));
      // A client's exchange accepted after the peer's connection: the agent is reading the peer's header by its end.
      expect((await closing(port, '/before-peer-reset'))?.status).toBe(200);
      peer.resetAndDestroy();
      // The agent serves on: a client's request after the reset is answered.
      expect((await closing(port, '/after-peer-reset'))?.status).toBe(200);
      await until(
        () => a.stats(),
        (st) => st.vservers.api!.cx_active === 0,
      );
    } finally {
      await a.close();
    }
  });
});

describe('HandleSocket on real sockets', () => {
  let server: net.Server | null = null;
  const accepted: HandleSocket[] = [];
  afterAll(() => {
    for (const s of accepted) s.destroy();
    server?.close();
  });

  async function pair(): Promise<{ client: net.Socket; s: HandleSocket }> {
    if (!server) {
      server = net.createServer(() => {
        throw new Error('net accepted a connection the handles should have taken');
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      expect(acceptHandles(server, (h) => accepted.push(new HandleSocket(h, false)))).toBe(true);
    }
    const n = accepted.length;
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.on('error', () => client.destroy());
    await new Promise<void>((r) => client.once('connect', r));
    await until(
      async () => accepted.length,
      (x) => x === n + 1,
    );
    return { client, s: accepted[n]! };
  }

  it('is an EventEmitter whose listeners come and go as on any emitter (once, removed, added again), and a name it never emits is no event', async () => {
    const { client, s } = await pair();
    expect(s).toBeInstanceOf(EventEmitter);
    const got: string[] = [];
    const onData = (b: Buffer): void => void got.push(`a:${b.toString()}`);
    s.on('data', onData);
    s.once('data', (b: Buffer) => got.push(`once:${b.toString()}`));
    expect(s.listenerCount('data')).toBe(2);
    s.resume();
    client.write('1');
    await until(
      async () => got.length,
      (n) => n === 2,
    );
    expect(s.listenerCount('data')).toBe(1);
    s.removeListener('data', onData);
    expect(s.listenerCount('data')).toBe(0);
    expect(s.emit('data', Buffer.from('x'))).toBe(false);
    s.on('data', (b: Buffer) => got.push(`b:${b.toString()}`));
    client.write('2');
    await until(
      async () => got.length,
      (n) => n === 3,
    );
    expect(got).toEqual(['a:1', 'once:1', 'b:2']);
    // Inherited names (an object's prototype) are not listeners.
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(s.listenerCount(name)).toBe(0);
      expect(s.emit(name)).toBe(false);
    }
    s.removeAllListeners('data');
    expect(s.listenerCount('data')).toBe(0);
    client.destroy();
  });

  it('closes once the peer ends after its own end finished, without allowHalfOpen', async () => {
    const { client, s } = await pair();
    const events: string[] = [];
    s.on('end', () => events.push('end'));
    s.on('finish', () => events.push('finish'));
    s.on('close', () => events.push('close'));
    s.resume();
    s.end();
    await until(
      async () => events[0],
      (x) => x === 'finish',
    );
    client.end();
    await until(
      async () => events.join(),
      (x) => x === 'finish,end,close',
    );
    expect(s.destroyed).toBe(true);
  });

  it('ends without counting an error when the peer reset the connection before its end (shutdown finds it gone)', async () => {
    const { client, s } = await pair();
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    // s does not read: it learns of the reset only when it shuts its side down.
    client.resetAndDestroy();
    await new Promise<void>((r) => client.once('close', () => r()));
    const before = { ...handleErrors };
    s.end();
    await closed;
    expect(s.destroyed).toBe(true);
    expect(handleErrors).toEqual(before);
  });

  it('reports a connect refused inside connect() to the error listener added after it returned, then closes', async () => {
    // A multicast address: the kernel refuses a TCP connect to it at once (ENETUNREACH), inside the call.
    const before = handleErrors.connect;
    const s = HandleSocket.connect('224.0.0.1', 80);
    expect(s).not.toBeNull();
    const events: string[] = [];
    s!.on('error', (err: NodeJS.ErrnoException) => events.push(`error ${err.syscall}`));
    s!.on('close', () => events.push('close'));
    await until(
      async () => events.join(),
      (x) => x === 'error connect,close',
    );
    expect(handleErrors.connect).toBe(before + 1);
  });

  it('still closes, and its net.Socket too, when it was destroyed before it gave its handle away', async () => {
    const { s } = await pair();
    const events: string[] = [];
    s.on('close', () => events.push('close'));
    s.destroy();
    const n = s.toNetSocket();
    n.on('close', () => events.push('net close'));
    await until(
      async () => [...events].sort().join(),
      (x) => x === 'close,net close',
    );
  });
});
