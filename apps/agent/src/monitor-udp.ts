// One UDP probe (seed 002 "UDP echo"): a datagram to the service, UP when a reply containing the
// expected text comes back within the timeout; the response time is the round trip. The datagram
// exchange is shared with the DNS probe (monitor-dns.ts), which judges its replies differently.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { timedProbe, type ProbeResult } from './monitor-tcp.js';

/** What a reply says: a verdict, or null for a datagram that is not the answer (keep waiting). */
export type ReplyVerdict = { ok: true } | { ok: false; reason: string } | null;

/**
 * Sends `payload` from a fresh socket connected to host:port and resolves on the first reply
 * that `judge` decides on, on a socket error (a closed port answers ICMP unreachable:
 * ECONNREFUSED on a connected socket) or at the timeout. Never rejects.
 */
export function exchangeDatagram(host: string, port: number, payload: Buffer, timeoutMs: number, judge: (reply: Buffer) => ReplyVerdict): Promise<ProbeResult> {
  return timedProbe(timeoutMs, `no reply within ${timeoutMs} ms`, (finish) => {
    const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
    socket.on('message', (msg) => {
      let v: ReplyVerdict;
      try {
        v = judge(msg);
      } catch (err) {
        v = { ok: false, reason: `unreadable reply: ${(err as Error).message}` };
      }
      if (v) finish(v.ok, v.ok ? undefined : v.reason);
    });
    try {
      socket.connect(port, host, () => {
        socket.send(payload, (err) => {
          if (err) finish(false, (err as NodeJS.ErrnoException).code ?? err.message);
        });
      });
    } catch (err) {
      finish(false, `datagram not sent: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { error: true });
    }
    return () => socket.close();
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
