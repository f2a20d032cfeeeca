// An admitted HTTP connection gives its admission back (the plane's use of the vserver, its quota
// and persistence) through the engine's `closed` callback, once, when its socket closes: the
// connection's own close listener does it, so the plane holds no closure per connection. The
// engine runs in this process on real sockets, against a real backend.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpEngine, type HttpAdmission } from '../src/http/engine.js';
import { until } from '../../../test/kit/until.js';
import { oneServiceVServer } from './http-engine-fixture.js';
import { RawConnection } from './raw-http.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});

const listen = (server: net.Server): Promise<number> => new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));

async function backend(): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return listen(server);
}

interface Closed {
  socket: net.Socket;
  a: HttpAdmission;
}

/**
 * An engine behind a listener. `handOff`: each accepted connection is served as one another engine
 * read (serve with those bytes as its head), else its first head is read here, then it is served.
 */
async function engineListener(servicePort: number, handOff?: Buffer | null): Promise<{ port: number; closed: Closed[]; admissions: HttpAdmission[] }> {
  const { root, services } = oneServiceVServer(servicePort);
  const closed: Closed[] = [];
  const admissions: HttpAdmission[] = [];
  const engine = new HttpEngine(
    services,
    (err) => {
      throw err;
    },
    (socket, a) => closed.push({ socket, a }),
  );
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    const a: HttpAdmission = { kind: 'serve', vs: root };
    admissions.push(a);
    if (handOff !== undefined) {
      engine.serve(socket, a, root, handOff);
      return;
    }
    engine.readFirstHead(socket, root, (head) => {
      if (head) engine.serve(socket, a, root, null);
    });
  });
  closers.push(() => {
    server.close();
    engine.close();
  });
  return { port: await listen(server), closed, admissions };
}

async function open(port: number): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  closers.push(() => c.destroy());
  return c;
}

describe('an admitted HTTP connection closing', () => {
  it('gives its admission back once, after its answers, when the client goes', async () => {
    const { port, closed, admissions } = await engineListener(await backend());
    const c = await open(port);
    for (let i = 0; i < 3; i++) {
      c.write('GET / HTTP/1.1\r\nHost: app\r\n\r\n');
      expect((await c.response())?.status).toBe(200);
    }
    expect(closed).toEqual([]);
    c.destroy();
    await until(
      () => closed.length,
      (n) => n > 0,
      { what: 'the admission given back' },
    );
    expect(closed).toHaveLength(1);
    expect(closed[0]!.a).toBe(admissions[0]);
    expect(closed[0]!.socket.destroyed).toBe(true);
  });

  it('gives its admission back when the client goes in the middle of a request body', async () => {
    const { port, closed, admissions } = await engineListener(await backend());
    const c = await open(port);
    c.write('POST / HTTP/1.1\r\nHost: app\r\nContent-Length: 100\r\n\r\nonly part of it');
    await until(
      () => admissions.length,
      (n) => n === 1,
      { what: 'the connection admitted' },
    );
    c.destroy();
    await until(
      () => closed.length,
      (n) => n > 0,
      { what: 'the admission given back' },
    );
    expect(closed.map((x) => x.a)).toEqual([admissions[0]]);
  });

  it.each([
    ['a head llhttp refuses', Buffer.from('GET / HTTP/1.1\r\nHost: app\r\nBad Name: x\r\n\r\n')],
    ['no head at all', null],
  ])('gives its admission back when a hand-off it was admitted with cannot be served (%s)', async (_what, head) => {
    const { port, closed, admissions } = await engineListener(await backend(), head);
    const c = await open(port);
    await until(
      () => closed.length,
      (n) => n > 0,
      { what: 'the admission given back' },
    );
    expect(closed.map((x) => x.a)).toEqual([admissions[0]]);
    expect(closed[0]!.socket.destroyed).toBe(true);
    c.destroy();
  });
});
