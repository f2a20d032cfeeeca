// Client sockets read through one shared buffer (http/read-buffer.ts): on this Node the fast path
// is taken, and a socket reading that way still delivers every byte in order, stops reading at its
// handle while paused, reads again on resume, and sees the end of the stream.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readThroughShared } from '../src/http/read-buffer.js';
import { until } from '../../../test/kit/until.js';

let server: net.Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

describe('a client socket reading through the shared buffer', () => {
  it('gets every byte in order across pause and resume, then the end', async () => {
    const got: Buffer[] = [];
    let ended = false;
    let accepted: net.Socket | null = null;
    let installed = false;
    server = net.createServer((s) => {
      accepted = s;
      installed = readThroughShared(s);
      s.on('data', (c: Buffer) => got.push(c));
      s.on('end', () => {
        ended = true;
        s.end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    client.write('first ');
    await until(
      async () => Buffer.concat(got).toString(),
      (s) => s === 'first ',
    );
    expect(installed).toBe(true);
    accepted!.pause();
    // Paused: the handle stops reading (the bytes wait in the kernel) until resume.
    const handle = (accepted! as net.Socket & { _handle: { reading: boolean } })._handle;
    expect(handle.reading).toBe(false);
    client.write('second ');
    accepted!.resume();
    expect(handle.reading).toBe(true);
    const big = Buffer.alloc(200_000, 0x61);
    client.end(big);
    await until(
      async () => ended,
      (e) => e,
    );
    const all = Buffer.concat(got);
    expect(all.subarray(0, 13).toString()).toBe('first second ');
    expect(all.length).toBe(13 + big.length);
    expect(all.subarray(13).equals(big)).toBe(true);
    client.destroy();
  });
});
