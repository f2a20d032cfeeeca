// The HTTP engine's sweep (client-side timeouts, upstream deadlines and idle upstream connections)
// runs only while the engine holds a client connection or a pooled upstream connection: an idle
// worker is not woken every 100 ms. The engine runs in this process on real sockets; only
// setInterval is faked, so the test decides when a sweep happens and never waits for one.
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpEngine } from '../src/http/engine.js';
import { until } from '../../../test/kit/until.js';
import { oneServiceVServer } from './http-engine-fixture.js';
import { RawConnection } from './raw-http.js';

/** One sweep interval of the engine (SWEEP_MS). */
const SWEEP = 100;
const closers: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
  vi.useRealTimers();
});

const listen = (server: net.Server): Promise<number> => new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));

/** A keep-alive backend that never closes an idle connection on its own (the test does: closeAllConnections). */
async function backend(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 0;
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: await listen(server) };
}

/** An HTTP listener whose connections the engine reads and serves (admitted at once, as the plane does after admission). */
async function engineListener(servicePort: number): Promise<{ engine: HttpEngine; port: number; accepted: net.Socket[]; failures: unknown[] }> {
  const { root, services } = oneServiceVServer(servicePort);
  const failures: unknown[] = [];
  const engine = new HttpEngine(
    services,
    (err) => failures.push(err),
    () => {},
  );
  const accepted: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    accepted.push(socket);
    engine.readFirstHead(socket, root, (head) => {
      if (head) engine.serve(socket, { kind: 'serve', vs: root }, root, null);
    });
  });
  closers.push(() => {
    server.close();
    engine.close();
  });
  return { engine, port: await listen(server), accepted, failures };
}

async function open(port: number): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  closers.push(() => c.destroy());
  return c;
}

async function get(c: RawConnection): Promise<void> {
  c.write('GET / HTTP/1.1\r\nHost: app\r\n\r\n');
  expect((await c.response())?.status).toBe(200);
}

describe('the HTTP engine sweep timer', () => {
  it('runs while a client connection or an idle pooled upstream connection is held, stops at the first sweep after both are gone, and starts with the next connection', async () => {
    const service = await backend();
    const { engine, port, accepted, failures } = await engineListener(service.port);
    expect(engine.sweeping).toBe(false);

    const first = await open(port);
    await get(first);
    vi.advanceTimersByTime(2 * SWEEP);
    expect(engine.sweeping).toBe(true);

    // The client goes; the upstream connection waits idle in the pool (the service keeps it open).
    const closed = new Promise((r) => accepted[0]!.once('close', r));
    first.destroy();
    await closed;
    vi.advanceTimersByTime(2 * SWEEP);
    expect(engine.sweeping).toBe(true);

    // The service closes it: the pool is empty, and the next sweep stops the timer.
    service.server.closeAllConnections();
    await until(
      () => {
        vi.advanceTimersByTime(SWEEP);
        return engine.sweeping;
      },
      (running) => !running,
      { what: 'the sweep timer stopped' },
    );

    // The next connection starts it as soon as the engine reads it (before any request), and is served.
    const second = await open(port);
    await until(
      () => accepted.length,
      (n) => n === 2,
      { what: 'the second connection accepted' },
    );
    expect(engine.sweeping).toBe(true);
    await get(second);
    expect(failures).toEqual([]);
  });
});
