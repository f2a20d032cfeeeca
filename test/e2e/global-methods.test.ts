// Every spillover method holds for the vserver across agents (issue 12 item 3): the control plane
// as it ships (server.ts on a real Postgres, configured through the REST API), two agent processes
// (one loopback address each) and real backends. Bandwidth: each agent enforces its share of the
// threshold, so the sum of both agents' traffic stays within it. Health: each agent enforces the
// control plane's quorum state of a service over its own monitors. The other voters of the
// quorum are agents speaking the protocol (SimulatedAgent) that see the service DOWN. Capacity:
// the control plane is the pool manager of a service's capacity across both agents, so a burst
// through both never holds more connections on the backend than its capacity.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAgent } from '@spillway/protocol';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { elapse } from '../kit/until.js';
import { agentToken, freePort, openHeld, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

/** The bandwidth threshold of `bw` (kbit/s) and what each agent is offered: 3,667 kbit/s, above its half, under the whole. */
const THRESHOLD_KBPS = 4000;
const CHUNK = 11_000;
const EVERY_MS = 24;
const LOAD_MS = 6_000;
/** The agents' bandwidth measurement window (stats-view.ts: two samples of 1 s). */
const WINDOW_S = 2;

let db: TestDatabase;
let cp: ControlPlaneProc;
let agents: AgentProc[] = [];
let voters: SimulatedAgent[] = [];
let h1: Backend;
let h2: Backend;
const servers: net.Server[] = [];
let bulkPort = 0;
let sparePort = 0;
let bwPort = 0;
let hvPort = 0;
let capPort = 0;
const held: net.Socket[] = [];
/** The backend of the service `cap` (capacity CAPACITY): connections open now and the most at once. */
const capBackend = { port: 0, open: 0, most: 0 };
const CAPACITY = 5;

/** A backend that sends `body` to each connection and closes it. */
async function sender(body: Buffer): Promise<number> {
  const s = net.createServer((c) => {
    c.on('error', () => undefined);
    c.end(body);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

const document = () => ({
  services: [
    { name: 'bulk', address: '127.0.0.1', port: bulkPort, protocol: 'tcp', capacity: 1000 },
    { name: 'spare', address: '127.0.0.1', port: sparePort, protocol: 'tcp', capacity: 1000 },
    { name: 'h-1', address: '127.0.0.1', port: h1.port, protocol: 'tcp', capacity: 100, monitors: [{ monitor: 'tcp-open' }] },
    { name: 'h-2', address: '127.0.0.1', port: h2.port, protocol: 'tcp', capacity: 100, monitors: [{ monitor: 'tcp-open' }] },
    { name: 'cap', address: '127.0.0.1', port: capBackend.port, protocol: 'tcp', capacity: CAPACITY },
  ],
  monitors: [{ name: 'tcp-open', type: 'tcp', intervalMs: 200, timeoutMs: 150, fall: 1, rise: 1 }],
  vservers: [
    {
      name: 'bw',
      protocol: 'tcp',
      listen: { port: bwPort },
      services: [{ service: 'bulk' }],
      spillover: { methods: [{ type: 'bandwidth', thresholdKbps: THRESHOLD_KBPS, direction: 'out' }], backup: 'overflow', action: 'drop' },
    },
    {
      name: 'hv',
      protocol: 'tcp',
      listen: { port: hvPort },
      lbMethod: 'roundrobin',
      services: [{ service: 'h-1' }, { service: 'h-2' }],
      spillover: { methods: [{ type: 'health', thresholdPercent: 75 }], backup: 'overflow', action: 'drop' },
    },
    { name: 'overflow', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
    { name: 'capv', protocol: 'tcp', listen: { port: capPort }, services: [{ service: 'cap' }], spillover: { methods: [], action: 'drop' } },
  ],
});

/** A backend that greets each connection and holds it open, counting how many it holds at once. */
async function counting(): Promise<number> {
  const s = net.createServer((c) => {
    capBackend.open++;
    capBackend.most = Math.max(capBackend.most, capBackend.open);
    c.on('error', () => undefined);
    c.on('close', () => capBackend.open--);
    c.write('cap\n');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

/** A connection to `capv` through `a`: served (the backend greeted it, kept open in `held`) or refused (closed without a byte). */
function capConnect(a: AgentProc): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: a.host, port: capPort });
    s.on('error', () => undefined);
    s.once('data', () => {
      held.push(s);
      resolve(true);
    });
    s.once('close', () => resolve(false));
  });
}

/** One connection to `bw` through `a`, read to its end: the bytes it got and whether the bulk backend sent them. */
function fetchOnce(a: AgentProc): Promise<{ bytes: number; bulk: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect({ host: a.host, port: bwPort });
    let bytes = 0;
    let first: number | null = null;
    s.on('data', (d: Buffer) => {
      first ??= d[0]!;
      bytes += d.length;
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve({ bytes, bulk: first === 0x42 }));
  });
}

beforeAll(async () => {
  [h1, h2] = await Promise.all([tcpBackend('h-1'), tcpBackend('h-2')]);
  const chunk = Buffer.alloc(CHUNK, 0x78);
  chunk[0] = 0x42; // 'B': served by the bulk backend
  [bulkPort, sparePort, bwPort, hvPort, capBackend.port, capPort] = await Promise.all([
    sender(chunk),
    sender(Buffer.from('spare\n')),
    freePort(),
    freePort(),
    counting(),
    freePort(),
  ]);
  db = await createTestDatabase();
  // Service capacity pools are off by default (service-capacity.ts says why).
  cp = await startControlPlane(db.url, 0, { SPILLWAY_SERVICE_CAPACITY_POOLS: 'true' });
  const [ta, tb] = [await agentToken(cp, 'agent-a'), await agentToken(cp, 'agent-b')];
  agents = await Promise.all([startAgent('agent-a', ta, cp.url, '127.0.0.2', 1), startAgent('agent-b', tb, cp.url, '127.0.0.3', 1)]);
  const applied = await cp.call<{ version: number }>('PUT', '/v1/config', document());
  await until(
    () => Promise.all(agents.map((a) => a.stats())),
    (st) => st.every((s) => s.listeners.bw === bwPort && s.listeners.hv === hvPort && s.listeners.capv === capPort && s.agent.configVersion >= 1),
    30_000,
    `both agents serving version ${applied.version}`,
  );
}, 120_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  for (const v of voters) v.crash();
  await Promise.all([...agents.map((a) => a.kill()), cp?.kill()]);
  await Promise.all([h1, h2].map((b) => b?.close()));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.drop();
});

describe('every spillover method global across two agents', () => {
  it('holds a bandwidth threshold for the sum of both agents: within one measurement window of it', async () => {
    // The control plane has split the budget: each agent holds about half of it.
    const shares = await until(
      () => Promise.all(agents.map(async (a) => (await a.stats()).vservers.bw!.bandwidth_share)),
      (s) => s.every((x) => x > 0 && x <= 0.55),
      15_000,
      'bandwidth shares on both agents',
    );
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    const runs: Array<Promise<{ agent: number; bytes: number; bulk: boolean }>> = [];
    const started = Date.now();
    const load = setInterval(() => {
      agents.forEach((a, i) => runs.push(fetchOnce(a).then((r) => ({ agent: i, ...r }))));
    }, EVERY_MS);
    try {
      await elapse(LOAD_MS, 'the traffic of a rate test runs for a fixed time');
    } finally {
      clearInterval(load);
    }
    const seconds = (Date.now() - started) / 1000;
    const results = await Promise.all(runs);
    const kbit = (rs: typeof results): number => (rs.reduce((n, r) => n + (r.bulk ? r.bytes : 0), 0) * 8) / 1000;
    const served = kbit(results);
    const offered = (results.length * CHUNK * 8) / 1000;
    console.info(
      `bandwidth ${THRESHOLD_KBPS} kbit/s over 2 agents for ${seconds.toFixed(1)} s: ${Math.round(served)} kbit served by the primary ` +
        `(agent-a ${Math.round(kbit(results.filter((r) => r.agent === 0)))}, agent-b ${Math.round(kbit(results.filter((r) => r.agent === 1)))}; ` +
        `${Math.round(served / seconds)} kbit/s), ${Math.round(offered)} kbit offered, bound ${Math.round(THRESHOLD_KBPS * (seconds + WINDOW_S))} kbit`,
    );
    // Each agent alone would let its whole offer through (under the threshold): the sum passes it only by a window.
    expect(served).toBeLessThanOrEqual(THRESHOLD_KBPS * (seconds + WINDOW_S));
    for (const i of [0, 1]) expect(results.some((r) => r.agent === i && !r.bulk)).toBe(true);
    for (const i of [0, 1]) expect(results.some((r) => r.agent === i && r.bulk)).toBe(true);
  }, 60_000);

  it('trips a health threshold on both agents when the quorum says a service is DOWN, though their own monitors see it UP', async () => {
    const hv = () => Promise.all(agents.map(async (a) => (await a.stats()).vservers.hv!.health_percent));
    await until(hv, (h) => h.every((x) => x === 100), 15_000, 'hv healthy on both agents');
    // Two more agents monitor h-2 and see it DOWN: 2 UP votes of 4 are no majority.
    voters = await Promise.all(
      ['voter-1', 'voter-2'].map(async (name) =>
        SimulatedAgent.start({ url: cp.url.replace('http', 'ws') + '/v1/agents/connect', token: await agentToken(cp, name), name }),
      ),
    );
    for (const v of voters) v.transition('h-2', 'DOWN');
    await until(hv, (h) => h.every((x) => x === 50), 15_000, 'hv at 50% on both agents');
    const own = await Promise.all(agents.map(async (a) => (await a.stats()).services['h-2']!.state));
    expect(own).toEqual(['UP', 'UP']);
    for (const a of agents) {
      const o = await openHeld(a.host, hvPort);
      held.push(o.socket);
      expect(o.first).toBe('spare');
    }
    // The other voters gone (their lease ends), the quorum is the agents' own UP again.
    for (const v of voters.splice(0)) v.crash();
    await until(hv, (h) => h.every((x) => x === 100), 15_000, 'hv healthy again on both agents');
    for (const a of agents) {
      const o = await openHeld(a.host, hvPort);
      held.push(o.socket);
      expect(['h-1', 'h-2']).toContain(o.first);
    }
  }, 60_000);

  it('holds a service capacity of 5 across both agents: a burst through both never holds a sixth connection on the backend', async () => {
    // Each agent holds a share of the capacity from the control plane (its pool across agents), not the whole of it.
    const allowances = await until(
      () => Promise.all(agents.map(async (a) => (await a.stats()).services.cap?.capacity_allowance ?? null)),
      (x) => x.every((n) => n !== null && n > 0 && n < CAPACITY),
      15_000,
      'a share of the capacity on both agents',
    );
    expect(allowances.reduce<number>((n, x) => n + (x ?? 0), 0)).toBeLessThanOrEqual(CAPACITY);
    const before = held.length;
    for (const round of [0, 1]) {
      // A burst of 8 connections through each agent at once (16 for a capacity of 5); the second
      // round comes while the first round's connections are still held.
      const served = await Promise.all(agents.flatMap((a) => Array.from({ length: 8 }, () => capConnect(a))));
      const n = served.filter(Boolean).length;
      console.info(`capacity ${CAPACITY} over 2 agents, burst ${round + 1}: ${n} of 16 served, backend held ${capBackend.open} (most ${capBackend.most})`);
      expect(capBackend.most).toBeLessThanOrEqual(CAPACITY);
      if (round === 0) expect(n).toBeGreaterThanOrEqual(CAPACITY - 1);
      else expect(n).toBe(0);
    }
    for (const s of held.splice(before)) s.destroy();
    await until(
      () => Promise.resolve(capBackend.open),
      (open) => open === 0,
      10_000,
      'the capacity connections closed',
    );
    // Released, the capacity serves a burst again, still never past it.
    const again = await Promise.all(agents.flatMap((a) => Array.from({ length: 8 }, () => capConnect(a))));
    expect(again.filter(Boolean).length).toBeGreaterThanOrEqual(CAPACITY - 1);
    expect(capBackend.most).toBeLessThanOrEqual(CAPACITY);
  }, 60_000);
});
