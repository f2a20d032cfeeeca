// UDP and DNS monitors (issue 16 item 4) against real servers started here (node:dgram; the DNS
// server answers with dns-packet, the library the probe uses): fall failed replies in a row turn a
// service DOWN (its capacity leaves the dynamic threshold), rise good ones turn it UP again, the
// response time is the round trip, and the reason names what the reply lacked.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnAgent, tcpService, tcpVServer, until, type RunningAgent } from './helpers.js';

type Mode = 'good' | 'bad' | 'silent';

/** A UDP server answering `pong <payload>` (good), `nope` (bad) or nothing (silent); counts datagrams per mode. */
async function udpServer(answer: (msg: Buffer, mode: Mode) => Buffer | null) {
  const socket = dgram.createSocket('udp4');
  const state = { mode: 'good' as Mode, seen: { good: 0, bad: 0, silent: 0 } as Record<Mode, number> };
  socket.on('message', (msg, from) => {
    state.seen[state.mode]++;
    const reply = answer(msg, state.mode);
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, state, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

const echo = (msg: Buffer, mode: Mode): Buffer | null => (mode === 'silent' ? null : Buffer.from(mode === 'good' ? `pong ${msg.toString()}` : 'nope'));

/** A DNS server for example.test: A 10.0.0.5 (good), A 10.0.0.6 (bad), NXDOMAIN (silent: no answer record). */
function dnsAnswer(msg: Buffer, mode: Mode): Buffer {
  const q = dnsPacket.decode(msg);
  const question = q.questions![0]!;
  const answers: dnsPacket.Answer[] =
    mode === 'silent' || question.name !== 'example.test' || question.type !== 'A'
      ? []
      : [{ type: 'A', name: question.name, ttl: 30, data: mode === 'good' ? '10.0.0.5' : '10.0.0.6' }];
  return dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (mode === 'silent' ? 3 : 0), // rcode 3: NXDOMAIN
    questions: q.questions,
    answers,
  });
}

let udp: Awaited<ReturnType<typeof udpServer>>;
let dns: Awaited<ReturnType<typeof udpServer>>;
let agent: RunningAgent;

beforeAll(async () => {
  udp = await udpServer(echo);
  dns = await udpServer(dnsAnswer);
  // A generous timeout: a loaded machine must not fail a good probe (the silent case waits it out fall times).
  const timing = { intervalMs: 300, timeoutMs: 250, fall: 3, rise: 2 };
  agent = await spawnAgent({
    monitors: [
      { name: 'echo', type: 'udp', ...timing, udp: { send: 'ping', expect: 'pong ping' } },
      { name: 'dns-a', type: 'dns', ...timing, dns: { query: 'example.test', type: 'A', expectAddress: '10.0.0.5' } },
    ],
    services: [tcpService('udp-1', udp.port, 10, { monitors: [{ monitor: 'echo' }] }), tcpService('dns-1', dns.port, 20, { monitors: [{ monitor: 'dns-a' }] })],
    vservers: [tcpVServer('both', ['udp-1', 'dns-1'], { methods: [{ type: 'dynamicconnection' }] })],
    agent: { workers: 1 },
  });
  await until(
    () => agent.stats(),
    (s) => s.services['udp-1']!.monitors[0]?.state === 'UP' && s.services['dns-1']!.monitors[0]?.state === 'UP',
  );
}, 40_000);

afterAll(async () => {
  await agent?.stop();
  await udp?.close();
  await dns?.close();
});

/** Switches a server's mode and waits for the service to reach `state`; returns the stats then and the datagrams seen in that mode. */
async function turn(server: typeof udp, mode: Mode, service: string, state: 'UP' | 'DOWN') {
  server.state.seen[mode] = 0;
  server.state.mode = mode;
  const s = await until(
    () => agent.stats(),
    (x) => x.services[service]!.state === state,
    10_000,
  );
  return { s, seen: server.state.seen[mode] };
}

it('a UDP monitor turns a service DOWN after `fall` replies without the expected text, UP after `rise` good ones, with the round trip as response time', async () => {
  let s = await until(
    () => agent.stats(),
    (x) => x.vservers.both!.threshold === 30,
  );
  expect(s.services['udp-1']!.monitors[0]!.responseMs).toBeGreaterThan(0);

  let t = await turn(udp, 'bad', 'udp-1', 'DOWN');
  expect(t.seen).toBeGreaterThanOrEqual(3);
  expect(t.s.services['udp-1']!.monitors[0]!.reason).toBe('reply does not contain the expected text');
  expect(t.s.vservers.both!.threshold).toBe(20);

  t = await turn(udp, 'good', 'udp-1', 'UP');
  expect(t.seen).toBeGreaterThanOrEqual(2);
  expect(t.s.vservers.both!.threshold).toBe(30);

  // No reply at all: the timeout fails the probe.
  t = await turn(udp, 'silent', 'udp-1', 'DOWN');
  expect(t.seen).toBeGreaterThanOrEqual(3);
  expect(t.s.services['udp-1']!.monitors[0]!.reason).toBe('no reply within 250 ms');
  t = await turn(udp, 'good', 'udp-1', 'UP');
  s = t.s;
  expect(s.services['udp-1']!.health_transitions_total).toBe(4);
  expect(s.services['dns-1']!.state).toBe('UP');
});

it('a DNS monitor turns a service DOWN when the answer lacks the expected address or the name does not resolve, and UP again after `rise` good answers', async () => {
  await until(
    () => agent.stats(),
    (x) => x.vservers.both!.threshold === 30,
  );
  let t = await turn(dns, 'bad', 'dns-1', 'DOWN');
  expect(t.seen).toBeGreaterThanOrEqual(3);
  expect(t.s.services['dns-1']!.monitors[0]!.reason).toBe('no A answer is 10.0.0.5 (got 10.0.0.6)');
  expect(t.s.vservers.both!.threshold).toBe(10);

  t = await turn(dns, 'good', 'dns-1', 'UP');
  expect(t.seen).toBeGreaterThanOrEqual(2);
  expect(t.s.vservers.both!.threshold).toBe(30);
  expect(t.s.services['dns-1']!.monitors[0]!.responseMs).toBeGreaterThan(0);

  t = await turn(dns, 'silent', 'dns-1', 'DOWN');
  expect(t.s.services['dns-1']!.monitors[0]!.reason).toBe('rcode NXDOMAIN');
  t = await turn(dns, 'good', 'dns-1', 'UP');
  expect(t.s.services['dns-1']!.health_transitions_total).toBe(4);
  expect(t.s.services['udp-1']!.state).toBe('UP');
});
