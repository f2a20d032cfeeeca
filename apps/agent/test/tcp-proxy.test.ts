// The TCP proxy (tcp-proxy.ts) through a real agent process: bulk both ways with backpressure,
// bytes counted from the sockets' counters (while open and at close), the connect timeout against
// a service that never completes the handshake, the idle timeout.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blackhole, spawnAgent, tcpService, until, type RunningAgent } from './helpers.js';

/** A service that reads everything, answers each 'get <n>\n' with n bytes, and echoes nothing else. */
async function bulkService(): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const held = new Set<net.Socket>();
  const server = net.createServer((s) => {
    held.add(s);
    s.on('close', () => held.delete(s));
    s.on('error', () => s.destroy());
    let head = '';
    s.on('data', (c: Buffer) => {
      received += c.length;
      if (head.length < 64) head += c.toString('latin1');
      const m = /^get (\d+)\n/.exec(head);
      if (m) {
        head = 'x'.repeat(64);
        s.write(Buffer.alloc(Number(m[1]), 0x62));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: () =>
      new Promise((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  };
}

let svc: Awaited<ReturnType<typeof bulkService>>;
/** The service of the end-of-stream test, which closes it. */
let ending: Awaited<ReturnType<typeof bulkService>>;
let hole: Awaited<ReturnType<typeof blackhole>>;
let agent: RunningAgent;

beforeAll(async () => {
  svc = await bulkService();
  ending = await bulkService();
  hole = await blackhole();
  const vs = (name: string, service: string, extra: Record<string, unknown> = {}) => ({
    name,
    protocol: 'tcp',
    listen: { port: 0, host: '127.0.0.1' },
    services: [{ service }],
    spillover: { methods: [], action: 'accept' },
    ...extra,
  });
  agent = await spawnAgent({
    services: [tcpService('bulk', svc.port, 100), tcpService('ending', ending.port, 100), tcpService('hole', hole.port, 100)],
    vservers: [vs('bulk', 'bulk'), vs('ends', 'ending'), vs('hole', 'hole', { timeoutMs: 300 }), vs('idle', 'bulk', { clientTimeoutMs: 300 })],
    agent: { workers: 1 },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await svc?.close();
  await ending?.close();
  for (const f of hole?.fillers ?? []) f.destroy();
  hole?.child.kill('SIGKILL');
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: net.Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));

describe('TCP proxy', () => {
  it('carries 32 MiB from the service to a client that reads slowly, and 8 MiB the other way, every byte counted while open and after close', async () => {
    const down = 32 * 2 ** 20;
    const up = 8 * 2 ** 20;
    const before = await agent.stats();
    const c = await connect(agent.ports.bulk!);
    let got = 0;
    // The client stops reading for a while: the proxy must hold the service back, not lose bytes.
    c.pause();
    c.on('data', (d: Buffer) => {
      for (const b of d) if (b !== 0x62) throw new Error('corrupted byte');
      got += d.length;
    });
    c.write(`get ${down}\n`);
    const sent = Buffer.alloc(up, 0x61);
    c.write(sent);
    await until(
      async () => svc.received(),
      (n) => n >= up,
    );
    c.resume();
    await until(
      async () => got,
      (n) => n === down,
      30_000,
      20,
    );
    const requestBytes = `get ${down}\n`.length + up;
    // Sampled while the connection is open: the bytes that flowed are already counted.
    const open = await agent.stats();
    const rx = open.vservers.bulk!.rx_bytes_total - (before.vservers.bulk?.rx_bytes_total ?? 0);
    const tx = open.vservers.bulk!.tx_bytes_total - (before.vservers.bulk?.tx_bytes_total ?? 0);
    expect(rx).toBe(requestBytes);
    expect(tx).toBe(down);
    expect(open.services.bulk!.rx_bytes_total - (before.services.bulk?.rx_bytes_total ?? 0)).toBe(down);
    expect(open.services.bulk!.tx_bytes_total - (before.services.bulk?.tx_bytes_total ?? 0)).toBe(requestBytes);
    c.destroy();
    const after = await until(
      () => agent.stats(),
      (s) => s.vservers.bulk!.cx_active === 0,
    );
    // Closing counts nothing twice.
    expect(after.vservers.bulk!.tx_bytes_total).toBe(open.vservers.bulk!.tx_bytes_total);
    expect(after.vservers.bulk!.rx_bytes_total).toBe(open.vservers.bulk!.rx_bytes_total);
  }, 60_000);

  it("forwards the service's end of stream to the client", async () => {
    const c = await connect(agent.ports.ends!);
    const ended = new Promise<void>((r) => c.once('end', () => r()));
    let got = 0;
    c.on('data', (d: Buffer) => {
      got += d.length;
    });
    c.write('get 10\n');
    // The service answered (so it holds the connection), then closes its side: the client sees the end.
    await until(
      async () => got,
      (n) => n === 10,
    );
    await ending.close();
    await ended;
    c.destroy();
  });

  it('closes the client and counts a connect failure when the service does not complete the handshake within timeoutMs', async () => {
    const before = await agent.stats();
    const c = await connect(agent.ports.hole!);
    const t0 = Date.now();
    await closed(c);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const s = await until(
      () => agent.stats(),
      (x) => x.services.hole!.cx_connect_fail_total > (before.services.hole?.cx_connect_fail_total ?? 0),
    );
    expect(s.services.hole!.cx_active).toBe(0);
  });

  it('closes a connection with no byte either way for clientTimeoutMs, counted as an idle timeout', async () => {
    const before = await agent.stats();
    const c = await connect(agent.ports.idle!);
    c.resume();
    // Traffic every 100 ms keeps it open past the timeout (the pacing of the writes, not a wait)...
    for (let i = 0; i < 5; i++) {
      c.write('x');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(c.destroyed).toBe(false);
    // ...silence closes it.
    await closed(c);
    const s = await until(
      () => agent.stats(),
      (x) => x.vservers.idle!.cx_idle_timeout_total > (before.vservers.idle?.cx_idle_timeout_total ?? 0),
    );
    expect(s.vservers.idle!.cx_active).toBe(0);
  });
});
