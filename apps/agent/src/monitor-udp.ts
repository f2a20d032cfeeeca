// One UDP probe (seed 002 "UDP echo"): a datagram to the service, UP when a reply containing the
// expected text comes back within the timeout; the response time is the round trip. The datagram
// exchange is shared with the DNS probe (monitor-dns.ts), which judges its replies differently.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import type { ProbeResult } from './monitor-tcp.js';

/** What a reply says: a verdict, or null for a datagram that is not the answer (keep waiting). */
export type ReplyVerdict = { ok: true } | { ok: false; reason: string } | null;

/**
 * Sends `payload` from a fresh socket connected to host:port and resolves on the first reply
 * that `judge` decides on, on a socket error (a closed port answers ICMP unreachable:
 * ECONNREFUSED on a connected socket) or at the timeout. Never rejects.
 */
export function exchangeDatagram(host: string, port: number, payload: Buffer, timeoutMs: number, judge: (reply: Buffer) => ReplyVerdict): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const done = (ok: boolean, reason?: string, error = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve({ ok, responseMs: performance.now() - started, ...(reason ? { reason } : {}), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => done(false, `no reply within ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
    socket.on('message', (msg) => {
      let v: ReplyVerdict;
      try {
        v = judge(msg);
      } catch (err) {
        v = { ok: false, reason: `unreadable reply: ${(err as Error).message}` };
      }
      if (v) done(v.ok, v.ok ? undefined : v.reason);
    });
    try {
      socket.connect(port, host, () => {
        socket.send(payload, (err) => {
          if (err) done(false, (err as NodeJS.ErrnoException).code ?? err.message);
        });
      });
    } catch (err) {
      done(false, `datagram not sent: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, true);
    }
  });
}

/** The UDP probe: `send` as UTF-8; any reply is UP when `expect` is empty, else it must contain it. */
export function probeUdp(host: string, port: number, timeoutMs: number, send: string, expect?: string): Promise<ProbeResult> {
  return exchangeDatagram(host, port, Buffer.from(send, 'utf8'), timeoutMs, (reply) =>
    expect === undefined || expect === '' || reply.toString('utf8').includes(expect)
      ? { ok: true }
      : { ok: false, reason: 'reply does not contain the expected text' },
  );
}
