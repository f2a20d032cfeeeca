// Client and upstream connections on raw TCP handles (http/handle-socket.ts) under hostile peers,
// against a real agent process: a client that resets its connection inside an Upgrade tunnel (the
// tunnel runs on a net.Socket made on the handle: an error on it must not crash the worker), and
// HandleSocket's own edge cases on real sockets.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandleSocket, acceptHandles } from '../src/http/handle-socket.js';
import { httpService, httpVServer, spawnAgent, until, type RunningAgent } from './helpers.js';
import { RawConnection } from './raw-http.js';

let backend: http.Server;
let agent: RunningAgent;
/** The backend's side of each tunnel, in order of arrival. */
const tunnels: net.Socket[] = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
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
  agent = await spawnAgent({
    services: [httpService('app', port)],
    vservers: [httpVServer('front', 'app')],
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

describe('a tunnel on a client connection taken on its raw handle', () => {
  it('survives the client resetting the connection inside the tunnel: the worker keeps serving, nothing is restarted', async () => {
    // A kept-alive connection to the same worker, opened before the reset: it dies with the worker if the worker crashes.
    const witness = await RawConnection.open(front());
    witness.write('GET /before HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await witness.response())?.status).toBe(200);

    const conn = await RawConnection.open(front());
    conn.write('GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    await conn.waitFor((c) => c.buf.toString().includes('\r\n\r\n'));
    conn.write('ping');
    await conn.waitFor((c) => c.buf.toString().includes('PING'));
    const up = tunnels.at(-1)!;
    let upClosed = false;
    up.once('close', () => (upClosed = true));
    conn.socket.resetAndDestroy();
    // The agent closes the tunnel's service side once it has handled the reset (or its worker died).
    await until(
      async () => upClosed,
      (c) => c,
    );
    witness.write('GET /after HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await witness.response())?.status).toBe(200);
    witness.destroy();
    expect((await agent.stats()).agent.workers_restarted_total).toBe(0);
    expect(agent.output()).not.toContain('uncaught_exception');
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
