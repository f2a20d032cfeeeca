// Client connections on their raw TCP handles (http/handle-socket.ts): on this Node the internals
// are found and a listener's handles are taken before net wraps them; such a socket delivers every
// byte in order across pause and resume, answers false past the high-water mark and emits 'drain'
// once the client read, ends with a FIN ('finish', then 'close' once the client ended too), counts a
// reset instead of crashing, and hands its handle to a net.Socket that goes on reading and writing.
// An upstream connection on its own handle (HandleSocket.connect) sends what was written before the
// connect completed, and reports a refused connect as an 'error' (counted) before its 'close'.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptHandles, handleErrors, handles, HandleSocket } from '../src/http/handle-socket.js';
import { closedPort } from './helpers.js';
import { until } from '../../../test/kit/until.js';

let server: net.Server | null = null;
const sockets: HandleSocket[] = [];
afterEach(() => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  server?.close();
  server = null;
});

/** A listener whose connections come as HandleSockets; the client connected to it, and its first socket. */
async function pair(): Promise<{ client: net.Socket; accepted: () => HandleSocket | undefined }> {
  server = net.createServer(() => {
    throw new Error('net accepted a connection the handles should have taken');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  expect(acceptHandles(server, (h) => sockets.push(new HandleSocket(h, false)))).toBe(true);
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  await until(
    async () => sockets.length,
    (n) => n === 1,
  );
  return { client, accepted: () => sockets[0] };
}

describe('a client connection on its raw handle', () => {
  it('finds the internals on this Node', () => {
    expect(handles).not.toBeNull();
  });

  it('reads every byte in order across pause and resume, writes back, and ends with finish then close', async () => {
    const { client, accepted } = await pair();
    const s = accepted()!;
    expect(s.remoteAddress).toBe('127.0.0.1');
    expect(s.localPort).toBe((server!.address() as net.AddressInfo).port);
    const got: Buffer[] = [];
    const events: string[] = [];
    s.allowHalfOpen = true;
    s.on('data', (c: Buffer) => got.push(Buffer.from(c)));
    s.on('end', () => events.push('end'));
    s.on('finish', () => events.push('finish'));
    s.on('close', () => events.push('close'));
    s.resume();
    client.write('first ');
    await until(
      async () => Buffer.concat(got).toString(),
      (x) => x === 'first ',
    );
    s.pause();
    client.write('second');
    const back: Buffer[] = [];
    client.on('data', (c: Buffer) => back.push(c));
    s.cork();
    s.write('one ', 'latin1');
    s.write(Buffer.from('two '));
    s.write('three');
    s.uncork();
    await until(
      async () => Buffer.concat(back).toString(),
      (x) => x === 'one two three',
    );
    expect(Buffer.concat(got).toString()).toBe('first ');
    s.resume();
    await until(
      async () => Buffer.concat(got).toString(),
      (x) => x === 'first second',
    );
    client.end();
    await until(
      async () => events.join(),
      (x) => x === 'end',
    );
    s.end();
    await until(
      async () => events.join(),
      (x) => x === 'end,finish,close',
    );
    expect(s.destroyed).toBe(true);
  });

  it('answers false past the high-water mark and emits drain once the client has read', async () => {
    const { client, accepted } = await pair();
    const s = accepted()!;
    client.pause();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let writes = 0;
    while (s.write(chunk) && writes < 1000) writes++;
    expect(writes).toBeLessThan(1000);
    let drained = false;
    s.once('drain', () => (drained = true));
    let read = 0;
    client.on('data', (c: Buffer) => (read += c.length));
    client.resume();
    await until(
      async () => drained,
      (d) => d,
    );
    expect(read).toBeGreaterThan(0);
  });

  it('counts a reset by the client and closes, without an error event', async () => {
    const { client, accepted } = await pair();
    const s = accepted()!;
    let closed = false;
    s.on('close', () => (closed = true));
    s.resume();
    const before = handleErrors.read;
    client.resetAndDestroy();
    await until(
      async () => closed,
      (c) => c,
    );
    expect(handleErrors.read).toBe(before + 1);
  });

  it('hands its handle to a net.Socket that reads and writes on, and closes both', async () => {
    const { client, accepted } = await pair();
    const s = accepted()!;
    s.resume();
    let closed = false;
    s.on('close', () => (closed = true));
    s.cork();
    s.write('held ');
    const n = s.toNetSocket();
    const got: Buffer[] = [];
    n.on('data', (c: Buffer) => got.push(c));
    n.resume();
    n.write('after');
    const back: Buffer[] = [];
    client.on('data', (c: Buffer) => back.push(c));
    client.write('ping');
    await until(
      async () => [Buffer.concat(got).toString(), Buffer.concat(back).toString()].join('|'),
      (x) => x === 'ping|held after',
    );
    s.destroy();
    await until(
      async () => closed,
      (c) => c,
    );
    expect(n.destroyed).toBe(true);
  });

  it('connects to a service, sending what was written before the connect completed', async () => {
    const got: Buffer[] = [];
    server = net.createServer((c) => {
      c.on('data', (d: Buffer) => got.push(d));
      c.write('hello');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const s = HandleSocket.connect('127.0.0.1', (server.address() as net.AddressInfo).port)!;
    expect(s).not.toBeNull();
    sockets.push(s);
    s.write('early');
    const back: Buffer[] = [];
    s.on('data', (d: Buffer) => back.push(Buffer.from(d)));
    await until(
      async () => [Buffer.concat(got).toString(), Buffer.concat(back).toString()].join('|'),
      (x) => x === 'early|hello',
    );
    expect(s.remoteAddress).toBe('127.0.0.1');
    expect(HandleSocket.connect('localhost', 80)).toBeNull();
  });

  it('reports a refused connect as an error, then closes', async () => {
    const before = handleErrors.connect;
    const s = HandleSocket.connect('127.0.0.1', await closedPort())!;
    const events: string[] = [];
    s.on('error', (e: NodeJS.ErrnoException) => events.push(`error ${e.code ?? ''}`));
    s.on('close', () => events.push('close'));
    await until(
      async () => events.join(),
      (x) => x.endsWith('close'),
    );
    expect(events).toEqual(['error ECONNREFUSED', 'close']);
    expect(handleErrors.connect).toBe(before + 1);
  });
});
