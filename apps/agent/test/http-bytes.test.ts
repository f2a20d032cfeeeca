// The HTTP engine forwards what llhttp accepts byte for byte: field values with obs-text (bytes
// 0x80-0xFF, RFC 9110 §5.5) reach the service and the client as they were sent (llhttp hands
// fields over as latin1 strings; a head written as UTF-8 would turn each such byte into two), and a
// connection gives its parser back between messages only: a head split across reads stays whole
// while other connections take and give back parsers, and an idle connection parses again.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpService, httpVServer, spawnAgent, type RunningAgent } from './helpers.js';
import { RawConnection } from './raw-http.js';

let backend: net.Server;
let agent: RunningAgent;
/** Every byte each backend connection received. */
const received: Buffer[] = [];

const ANSWER = Buffer.concat([
  Buffer.from('HTTP/1.1 200 OK\r\nx-back: caf', 'latin1'),
  Buffer.from([0xe9, 0xff, 0x80]),
  Buffer.from('\r\nConnection: keep-alive\r\ncontent-length: 5\r\n\r\nhello', 'latin1'),
]);

beforeAll(async () => {
  // A raw backend: records the bytes of each request and answers one fixed response per request head.
  backend = net.createServer((s) => {
    const i = received.push(Buffer.alloc(0)) - 1;
    let answered = 0;
    s.on('data', (c: Buffer) => {
      const all = Buffer.concat([received[i]!, c]);
      received[i] = all;
      const heads = all.toString('latin1').split('\r\n\r\n').length - 1;
      for (; answered < heads; answered++) s.write(ANSWER);
    });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as net.AddressInfo).port;
  agent = await spawnAgent({ services: [httpService('raw', port)], vservers: [httpVServer('front', 'raw')], agent: { workers: 0 } });
});

afterAll(async () => {
  await agent?.stop();
  await new Promise((r) => backend?.close(r));
});

describe('byte-exact forwarding', () => {
  it('forwards obs-text bytes of field values unchanged to the service and back to the client', async () => {
    const c = await RawConnection.open(agent.ports.front!);
    try {
      const value = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xa0, 0xff]); // "caf" é nbsp ÿ, one byte each
      c.write(Buffer.concat([Buffer.from('GET /bytes HTTP/1.1\r\nHost: example\r\nx-front: ', 'latin1'), value, Buffer.from('\r\n\r\n', 'latin1')]));
      const r = await c.response();
      expect(r?.status).toBe(200);
      // RawConnection reads heads as latin1: one character per byte.
      expect(Buffer.from(r!.headers['x-back']!, 'latin1')).toEqual(Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff, 0x80])]));
      expect(r!.headers.connection).toBeUndefined();
      expect(r!.body.toString()).toBe('hello');
      const sent = Buffer.concat(received);
      const line = Buffer.concat([Buffer.from('x-front: ', 'latin1'), value, Buffer.from('\r\n', 'latin1')]);
      expect(sent.indexOf(line)).toBeGreaterThan(0);
    } finally {
      c.socket.destroy();
    }
  });

  it('keeps a request head split across reads whole while other connections take and give back parsers, and parses again after idling', async () => {
    const a = await RawConnection.open(agent.ports.front!);
    const others: RawConnection[] = [];
    try {
      // A second request (the first is read before admission): its head arrives in two reads.
      a.write('GET /first HTTP/1.1\r\nHost: example\r\n\r\n');
      expect((await a.response())?.status).toBe(200);
      a.write('GET /split HTTP/1.1\r\nHo');
      for (let i = 0; i < 5; i++) {
        const o = await RawConnection.open(agent.ports.front!);
        others.push(o);
        o.write(`GET /other-${i} HTTP/1.1\r\nHost: example\r\nx-other: ${i}\r\n\r\n`);
        expect((await o.response())?.status).toBe(200);
      }
      a.write('st: example\r\nx-split: whole\r\n\r\n');
      expect((await a.response())?.status).toBe(200);
      // Idle now (its parser went back); the next request takes one again, after the others used theirs.
      for (const o of others) {
        o.write('GET /again HTTP/1.1\r\nHost: example\r\n\r\n');
        expect((await o.response())?.status).toBe(200);
      }
      a.write('GET /after-idle HTTP/1.1\r\nHost: example\r\nx-after: 1\r\n\r\n');
      expect((await a.response())?.status).toBe(200);
      const sent = Buffer.concat(received).toString('latin1');
      expect(sent).toContain('GET /split HTTP/1.1\r\nHost: example\r\nx-split: whole\r\n');
      expect(sent).toContain('GET /after-idle HTTP/1.1\r\nHost: example\r\nx-after: 1\r\n');
    } finally {
      a.socket.destroy();
      for (const o of others) o.socket.destroy();
    }
  });

  it('gives the next connection a fresh parser after one whose last request ended its connection', async () => {
    const x = await RawConnection.open(agent.ports.front!);
    x.write('GET /x-first HTTP/1.1\r\nHost: example\r\n\r\n');
    expect((await x.response())?.status).toBe(200);
    x.write('GET /x-close HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n');
    expect((await x.response())?.status).toBe(200);
    await x.closedByPeer();
    const y = await RawConnection.open(agent.ports.front!);
    try {
      for (const path of ['/y-1', '/y-2', '/y-3']) {
        y.write(`GET ${path} HTTP/1.1\r\nHost: example\r\n\r\n`);
        expect((await y.response())?.status).toBe(200);
      }
    } finally {
      y.socket.destroy();
    }
  });
});
