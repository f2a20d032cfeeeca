// The buffer of a migrating connection (migration/connection.ts): while the source is asked to
// export, the client's bytes are held up to the per-connection limit and then the client socket is
// paused (backpressure: the client's own writes back up), nothing reaches the source; a refusal
// flushes every held byte to the source in order and forwarding resumes. Real sockets on
// 127.0.0.1; the source's control endpoint is a function answering when the test says.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigratableConnection } from '../src/migration/connection.js';
import type { ExportAnswer } from '../src/migration/export-call.js';
import { emptyServiceCounters, emptyVServerCounters } from '../src/stats.js';
import { until } from './helpers.js';

let upstream: net.Server;
let listener: net.Server;
let received = Buffer.alloc(0);
const accepted: net.Socket[] = [];

beforeAll(async () => {
  upstream = net.createServer((s) => {
    s.on('data', (c: Buffer) => (received = Buffer.concat([received, c])));
  });
  listener = net.createServer({ pauseOnConnect: true }, (s) => accepted.push(s));
  await Promise.all([new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r)), new Promise<void>((r) => listener.listen(0, '127.0.0.1', r))]);
});
afterAll(async () => {
  await Promise.all([new Promise((r) => upstream.close(r)), new Promise((r) => listener.close(r))]);
});

describe('a migrating connection', () => {
  it('holds the client bytes up to its limit, pauses the client, and flushes them all in order to the source when the export is refused', async () => {
    const client = net.connect({ host: '127.0.0.1', port: (listener.address() as net.AddressInfo).port });
    await until(
      async () => accepted.length,
      (n) => n === 1,
    );
    let answer: (a: ExportAnswer) => void = () => {};
    const limit = 64 * 1024;
    const conn = new MigratableConnection({
      id: 'test.0.x:1',
      vserver: 'v',
      client: accepted[0]!,
      upstream: { service: 's', address: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port, counters: emptyServiceCounters(), proxyV2: false },
      vs: emptyVServerCounters(),
      connectTimeoutMs: 2_000,
      idleTimeoutMs: 60_000,
      onIdle: () => {},
      bufferLimit: limit,
      exportCall: () => new Promise((resolve) => (answer = resolve)),
    });
    const done = conn.run();
    client.write('before|');
    await until(
      async () => received.toString(),
      (t) => t === 'before|',
    );
    const migrating = conn.migrate({
      target: { service: 't', address: '127.0.0.1', port: 1, counters: emptyServiceCounters(), proxyV2: true, controlPort: 1, secret: 'x'.repeat(16) },
      source: { controlPort: 1, secret: 'x'.repeat(16) },
    });
    // 4 MiB from the client while the export is unanswered: the agent holds at most about its limit.
    const total = 4 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i++) payload[i] = i % 251;
    client.write(payload);
    await until(
      async () => conn.buffered,
      (n) => n >= limit,
    );
    // Backpressure: the agent's side of the client's socket is paused (the rest of the 4 MiB waits
    // in the kernel's socket buffers or in the client's own writable buffer; how much of it fits
    // in the kernel depends on its buffer autotuning, so the client's writableLength is no signal).
    await until(
      async () => accepted[0]!.isPaused(),
      (paused) => paused,
    );
    expect(conn.buffered).toBeLessThan(limit + 256 * 1024);
    expect(received.toString()).toBe('before|');
    answer({ ok: false, failure: 'export_refused', reason: 'source refused: full' });
    expect(await migrating).toMatchObject({ ok: false, failure: 'export_refused', closed: false });
    await until(
      async () => received.length,
      (n) => n === 7 + total,
      15_000,
    );
    expect(received.subarray(7).equals(payload)).toBe(true);
    expect(conn.state).toBe('active');
    expect(conn.rxBytes()).toBe(7 + total);
    client.destroy();
    expect(await done).toEqual({ connected: true });
  }, 30_000);
});
