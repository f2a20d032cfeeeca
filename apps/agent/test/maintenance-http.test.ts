// Maintenance of HTTP services in a real agent process (issue 15 item 3): a keep-alive client
// connection carries no state, so its next request after its service entered maintenance goes to
// another service (the one in flight finished on the first); an upgraded connection (a tunnel,
// as a WebSocket) is in the connection table: it drains, is closed at the drain deadline and
// counted (tunnels are not migrated: the backend library speaks TCP streams, not HTTP upgrades).
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpService, spawnAgent, until, type RunningAgent } from './helpers.js';
import { RawConnection } from './raw-http.js';

interface Upgradable {
  port: number;
  close(): Promise<void>;
}

/** An HTTP backend answering `x-backend: <name>`, and echoing after an Upgrade: echo (101). */
async function upgradable(name: string): Promise<Upgradable> {
  const held = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'x-backend': name, 'content-length': '2' });
    res.end('ok');
  });
  server.on('connection', (s: net.Socket) => {
    held.add(s);
    s.on('close', () => held.delete(s));
  });
  server.on('upgrade', (_req, socket: net.Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  };
}

let h1: Upgradable;
let h2: Upgradable;
let agent: RunningAgent;
const doc = (s1: string, s2: string) => ({
  agent: { workers: 0 },
  services: [httpService('h1', h1.port, 1000, { state: s1 }), httpService('h2', h2.port, 1000, { state: s2 })],
  vservers: [
    {
      name: 'web',
      protocol: 'http',
      listen: { port: 0, host: '127.0.0.1' },
      services: [{ service: 'h1' }, { service: 'h2' }],
      maintenance: { migrateAfterSeconds: 0, drainTimeoutSeconds: 1 },
    },
  ],
});

beforeAll(async () => {
  [h1, h2] = await Promise.all([upgradable('h1'), upgradable('h2')]);
  agent = await spawnAgent(doc('enabled', 'disabled'));
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await Promise.all([h1.close(), h2.close()]);
});

describe('maintenance of HTTP services', () => {
  it('sends the next request of a keep-alive connection to another service, and drains an upgraded connection to its deadline, counted', async () => {
    const port = agent.ports.web!;
    const ka = await RawConnection.open(port);
    ka.write('GET /a HTTP/1.1\r\nhost: x\r\n\r\n');
    expect((await ka.response())?.headers['x-backend']).toBe('h1');
    const tunnel = await RawConnection.open(port);
    tunnel.write('GET /ws HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n');
    await tunnel.waitFor((c) => c.buf.includes('\r\n\r\n'));
    expect(tunnel.buf.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    tunnel.buf = Buffer.alloc(0);
    tunnel.write('ping');
    await tunnel.waitFor((c) => c.buf.toString('latin1').includes('ping'));

    expect((await agent.reload(doc('maintenance', 'enabled'))).status).toBe(200);
    ka.write('GET /b HTTP/1.1\r\nhost: x\r\n\r\n');
    expect((await ka.response())?.headers['x-backend']).toBe('h2');
    expect(ka.closed).toBe(false);
    // The tunnel to h1 is not migrated: it drains and is closed at the deadline (1 s), counted.
    const s = await until(
      () => agent.stats(),
      (x) => x.services.h1!.cx_draining === 1,
    );
    expect(s.services.h1!.cx_migrated_total).toBe(0);
    await tunnel.closedByPeer(10_000);
    const after = await until(
      () => agent.stats(),
      (x) => x.services.h1!.cx_drain_closed_total === 1 && x.services.h1!.cx_draining === 0,
    );
    expect(after.services.h1!.cx_active).toBe(0);
    ka.destroy();
  }, 30_000);
});
