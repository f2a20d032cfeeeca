// The UDP, DNS and agent-check probes one by one, in process, against real sockets: what a
// hostile or odd peer answers (garbage, another query's id, no line end, a closed port) is a
// failed or judged try with its reason, never a throw.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { probeAgent } from '../src/monitor-agent.js';
import { probeDns } from '../src/monitor-dns.js';
import { probeUdp } from '../src/monitor-udp.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A UDP server on 127.0.0.1 answering each datagram with what `answer` returns (null: nothing). */
async function udp(answer: (msg: Buffer) => Buffer | Buffer[] | null): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.on('message', (msg, from) => {
    const r = answer(msg);
    for (const b of r === null ? [] : Array.isArray(r) ? r : [r]) s.send(b, from.port, from.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => s.close(() => r())));
  return s.address().port;
}

/** A TCP server on 127.0.0.1 running `onConnection` for each client. */
async function tcp(onConnection: (s: net.Socket) => void): Promise<number> {
  const held = new Set<net.Socket>();
  const server = net.createServer((s) => {
    held.add(s);
    s.on('error', () => s.destroy());
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

async function closedUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const answerTo = (msg: Buffer, answers: dnsPacket.Answer[], id?: number): Buffer => {
  const q = dnsPacket.decode(msg);
  return dnsPacket.encode({ type: 'response', id: id ?? q.id, flags: 0, questions: q.questions, answers });
};

describe('the UDP probe', () => {
  it('fails at once on a closed port (ICMP unreachable) and on a reply without the expected text', async () => {
    const closed = await probeUdp('127.0.0.1', await closedUdpPort(), 2000, 'ping', 'pong');
    expect(closed).toMatchObject({ ok: false, reason: 'ECONNREFUSED' });
    expect(closed.responseMs).toBeLessThan(2000);
    const port = await udp(() => Buffer.from([0xff, 0x00, 0xfe]));
    expect(await probeUdp('127.0.0.1', port, 2000, 'ping', 'pong')).toMatchObject({ ok: false, reason: 'reply does not contain the expected text' });
    expect(await probeUdp('127.0.0.1', port, 2000, 'ping')).toMatchObject({ ok: true });
  });
});

describe('the DNS probe', () => {
  it('judges an unreadable reply as a failed try, and ignores a reply to another query', async () => {
    const garbage = await udp(() => Buffer.from('not a dns packet'));
    expect((await probeDns('127.0.0.1', garbage, 2000, { query: 'x.test', type: 'A' })).reason).toMatch(/^unreadable reply/);
    // A reply with a foreign id first, then the answer: the probe takes the answer.
    const spoofed = await udp((msg) => {
      const id = dnsPacket.decode(msg).id!;
      return [answerTo(msg, [], (id + 1) % 65536), answerTo(msg, [{ type: 'A', name: 'x.test', data: '10.0.0.5' }])];
    });
    expect(await probeDns('127.0.0.1', spoofed, 2000, { query: 'x.test', type: 'A', expectAddress: '10.0.0.5' })).toMatchObject({ ok: true });
  });

  it('compares IPv6 answers as addresses, and other records by name (case and final dot aside)', async () => {
    const port = await udp((msg) => {
      const q = dnsPacket.decode(msg).questions![0]!;
      return answerTo(
        msg,
        q.type === 'AAAA'
          ? [{ type: 'AAAA', name: q.name, data: '2001:db8:0:0:0:0:0:1' }]
          : [{ type: 'MX', name: q.name, data: { preference: 10, exchange: 'Mail.Example.test' } }],
      );
    });
    expect(await probeDns('127.0.0.1', port, 2000, { query: 'x.test', type: 'AAAA', expectAddress: '2001:db8::1' })).toMatchObject({ ok: true });
    expect(await probeDns('127.0.0.1', port, 2000, { query: 'x.test', type: 'MX', expectAddress: 'mail.example.test.' })).toMatchObject({ ok: true });
    expect(await probeDns('127.0.0.1', port, 2000, { query: 'x.test', type: 'AAAA', expectAddress: '2001:db8::2' })).toMatchObject({
      ok: false,
      reason: 'no AAAA answer is 2001:db8::2 (got 2001:db8::1)',
    });
    expect(await probeDns('127.0.0.1', port, 2000, { query: 'x.test', type: 'TXT' })).toMatchObject({ ok: false, reason: 'no TXT answer for x.test' });
  });
});

describe('the agent-check probe', () => {
  it('reads one line: up to LF, or what came before the agent closed, at most 1024 bytes; sends agent.send first', async () => {
    let got = '';
    const lf = await tcp((s) => {
      s.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\n')) s.end('75% drain\r\nignored second line\n');
      });
    });
    expect(await probeAgent('127.0.0.1', lf, 2000, 'hello\n')).toMatchObject({ ok: true, line: '75% drain', report: { weightPercent: 75, admin: 'drain' } });
    expect(got).toBe('hello\n');
    const noEol = await tcp((s) => s.end('maxconn:7'));
    expect(await probeAgent('127.0.0.1', noEol, 2000)).toMatchObject({ ok: true, line: 'maxconn:7', report: { maxconn: 7 } });
    const long = await tcp((s) => s.write(`${'x'.repeat(3000)} up`));
    const r = await probeAgent('127.0.0.1', long, 2000);
    expect(r.ok).toBe(true);
    expect(r.line!.length).toBe(1024);
  });

  it('fails a try when nothing is said: closed without a line, refused, or silent past the timeout', async () => {
    const mute = await tcp((s) => s.end());
    expect(await probeAgent('127.0.0.1', mute, 2000)).toMatchObject({ ok: false, reason: 'agent closed without a line' });
    const gone = await tcp(() => undefined);
    await closers.pop()!(); // closes it: nothing listens there any more
    expect((await probeAgent('127.0.0.1', gone, 2000)).reason).toBe('ECONNREFUSED');
    const silent = await tcp(() => undefined);
    expect(await probeAgent('127.0.0.1', silent, 100)).toMatchObject({ ok: false, reason: 'no agent line within 100 ms' });
  });
});
