// What a Batch writes (http/batch.ts): the flushes of one turn of the event loop stay corked on
// their sockets until the turn ends, then leave together; a large batch is not held; releaseNow writes at once what a socket about to be destroyed held; end() is not
// delayed past its own uncork.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch, releaseNow } from '../src/http/batch.js';
import { until } from '../../../test/kit/until.js';

let server: net.Server | null = null;
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.close();
  server = null;
});

/** `n` client sockets connected to a server that records what each accepted socket received. */
async function connected(n: number): Promise<{ clients: net.Socket[]; received: () => string[] }> {
  const got: string[] = [];
  server = net.createServer((s) => {
    const i = got.length;
    got.push('');
    sockets.push(s);
    s.on('data', (c: Buffer) => (got[i] = `${got[i] ?? ''}${c.toString('latin1')}`));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const clients: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const c = net.connect(port, '127.0.0.1');
    sockets.push(c);
    await new Promise<void>((r) => c.once('connect', r));
    clients.push(c);
    await until(
      () => got.length,
      (k) => k === i + 1,
    );
  }
  return { clients, received: () => got };
}

describe('a batch flushed on a socket', () => {
  it("holds the turn's writes of every socket until the turn ends, then writes each in order", async () => {
    const { clients, received } = await connected(2);
    const [a, b] = clients as [net.Socket, net.Socket];
    const out = new Batch();
    out.text('one ');
    expect(out.flush(a)).toBe(true);
    out.text('two ');
    out.data(Buffer.from('three '));
    expect(out.flush(b)).toBe(true);
    out.text('four');
    out.flush(a);
    // Within the turn nothing left either socket: both are corked, holding what they were given.
    expect([a.writableCorked, b.writableCorked]).toEqual([1, 1]);
    expect([a.writableLength, b.writableLength]).toEqual([8, 10]);
    await new Promise<void>((r) => setImmediate(r));
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 0]);
    expect([a.writableLength, b.writableLength]).toEqual([0, 0]);
    await until(
      () => received(),
      (g) => g[0] === 'one four' && g[1] === 'two three ',
    );
  });

  it('writes a large batch at once, after what the turn held', async () => {
    const { clients, received } = await connected(1);
    const a = clients[0]!;
    const out = new Batch();
    out.text('small ');
    out.flush(a);
    expect(a.writableCorked).toBe(1);
    out.data(Buffer.alloc(64 * 1024, 'x'));
    out.flush(a);
    expect(a.writableCorked).toBe(0);
    await until(
      () => received()[0]!,
      (g) => g.length === 6 + 64 * 1024,
    );
    expect(received()[0]!.startsWith('small xxx')).toBe(true);
  });

  it('writes at once what releaseNow is asked for, and end() is not held', async () => {
    const { clients, received } = await connected(2);
    const [a, b] = clients as [net.Socket, net.Socket];
    const out = new Batch();
    out.text('cut');
    out.flush(a);
    releaseNow(a);
    expect([a.writableCorked, a.writableLength]).toEqual([0, 0]);
    out.text('last');
    out.flush(b);
    b.end();
    expect([b.writableCorked, b.writableLength]).toEqual([0, 0]);
    await until(
      () => received(),
      (g) => g[0] === 'cut' && g[1] === 'last',
    );
  });
});
