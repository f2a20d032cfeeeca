// Sites (issue 17 item 2, docs/SITES.md; seed 002 lines 186-262): two sites under one control
// plane, each an agent with its own backends (site a: 10 services, site b: 5). The control plane
// (as it ships) exchanges what each site has available every 200 ms over the control channel; an
// agent of a vserver with siteBalancing forwards the other site's share of new connections to that
// site's agent (a PROXY v2 hop marked with the forwarding site), which serves it and never forwards
// it again. The backends are tiny servers of this process that answer each connection with their
// name; site b's are closed (DOWN by their monitors) and opened again on the same ports.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import type { AgentStats } from '../../apps/agent/src/agent.js';
import { until as poll } from '../kit/until.js';
import { agentToken, freePort, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

const EXCHANGE_MS = 200;
const A = Array.from({ length: 10 }, (_, i) => `a-${i}`);
const B = Array.from({ length: 5 }, (_, i) => `b-${i}`);

/** A backend answering each connection with its name, that can go away and come back on its port. */
class NamedBackend {
  server: net.Server | null = null;
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly name: string) {}
  async open(): Promise<void> {
    const s = net.createServer((c) => {
      this.sockets.add(c);
      c.on('close', () => this.sockets.delete(c));
      c.on('error', () => undefined);
      c.end(`${this.name}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (s.address() as net.AddressInfo).port;
    this.server = s;
  }
  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const c of this.sockets) c.destroy();
    if (s) await new Promise((r) => s.close(r));
  }
}

let db: TestDatabase;
let cp: ControlPlaneProc;
let agentA: AgentProc;
let agentB: AgentProc;
let port = 0;
const backends = new Map<string, NamedBackend>();

/** One connection to `host`:port: the name of the backend that answered (null: none did). */
function connectOnce(host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let got = '';
    s.setTimeout(5_000, () => s.destroy());
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got.includes('\n') ? got.split('\n')[0]! : null));
  });
}

/** `n` new connections to `host`, 40 at a time: how many each site's backends answered, and how many got no answer. */
async function spread(host: string, n: number): Promise<{ a: number; b: number; none: number }> {
  const out = { a: 0, b: 0, none: 0 };
  let left = n;
  await Promise.all(
    Array.from({ length: 40 }, async () => {
      while (left > 0) {
        left--;
        const name = await connectOnce(host);
        if (name === null) out.none++;
        else if (name.startsWith('a-')) out.a++;
        else out.b++;
      }
    }),
  );
  return out;
}

const weights = async (a: AgentProc): Promise<Record<string, number> | undefined> => (await a.stats()).sites?.weights.web;
const site = (s: AgentStats) => s.vservers.web!;

beforeAll(async () => {
  for (const name of [...A, ...B]) backends.set(name, new NamedBackend(name));
  await Promise.all([...backends.values()].map((b) => b.open()));
  port = await freePort();
  db = await createTestDatabase();
  cp = await startControlPlane(db.url);
  const [ta, tb] = [await agentToken(cp, 'agent-a'), await agentToken(cp, 'agent-b')];
  [agentA, agentB] = await Promise.all([
    startAgent('agent-a', ta, cp.url, '127.0.0.2', 1, { SPILLWAY_AGENT_SITE: 'a' }),
    startAgent('agent-b', tb, cp.url, '127.0.0.3', 1, { SPILLWAY_AGENT_SITE: 'b' }),
  ]);
  await cp.call('PUT', '/v1/config', {
    sites: [
      { name: 'a', exchangeIntervalMs: EXCHANGE_MS },
      { name: 'b', exchangeIntervalMs: EXCHANGE_MS },
    ],
    monitors: [{ name: 'tcp-open', type: 'tcp', intervalMs: 100, timeoutMs: 80, fall: 1, rise: 1 }],
    services: [...backends.values()].map((b) => ({
      name: b.name,
      address: '127.0.0.1',
      port: b.port,
      protocol: 'tcp',
      site: b.name.slice(0, 1),
      monitors: [{ monitor: 'tcp-open' }],
    })),
    vservers: [{ name: 'web', protocol: 'tcp', listen: { port }, siteBalancing: true, services: [...backends.keys()].map((service) => ({ service })) }],
  });
  try {
    for (const a of [agentA, agentB])
      await until(
        () => weights(a),
        (w) => w?.a === 10 && w.b === 5,
        30_000,
        `${a.name} weighing the sites 10:5`,
      );
  } catch (err) {
    console.error(JSON.stringify(await cp.get('/v1/sites/self/availability')), JSON.stringify((await agentA.stats()).sites), cp.output().slice(-3000));
    throw err;
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([agentA?.kill(), agentB?.kill(), cp?.kill()]);
  await Promise.all([...backends.values()].map((b) => b.close()));
  await db?.drop();
});

describe('two sites under one control plane', () => {
  it('splits new connections 2:1 between the sites (10 and 5 services UP), each forwarded at most once', async () => {
    const before = await Promise.all([agentA.stats(), agentB.stats()]);
    // Each agent serves only its own site's services: the other site is reached through its agent.
    expect(Object.keys(before[0].services).sort()).toEqual([...A].sort());
    expect(Object.keys(before[1].services).sort()).toEqual([...B].sort());
    const viaA = await spread(agentA.host, 1000);
    const viaB = await spread(agentB.host, 150);
    const [sa, sb] = await Promise.all([agentA.stats(), agentB.stats()]);
    const fwd = (s: AgentStats, i: number) => site(s).site_forwarded_total - site(before[i]!).site_forwarded_total;
    const recv = (s: AgentStats, i: number) => site(s).site_received_total - site(before[i]!).site_received_total;
    console.info(
      `sites 10:5 — via agent-a 1000: site a ${viaA.a}, site b ${viaA.b} (${((viaA.b / 1000) * 100).toFixed(1)}% to b); ` +
        `via agent-b 150: site a ${viaB.a}, site b ${viaB.b}; forwarded a→b ${fwd(sa, 0)}, b→a ${fwd(sb, 1)}`,
    );
    expect(viaA.none + viaB.none).toBe(0);
    // 2:1 within 5 points: site b takes 1/3 of agent-a's new connections, site a 2/3 of agent-b's.
    expect(Math.abs(viaA.b / 1000 - 1 / 3)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(viaB.a / 150 - 2 / 3)).toBeLessThanOrEqual(0.05);
    // No connection forwarded twice: each agent forwarded exactly the connections the other site
    // answered, and the other agent received (marked) each of them and forwarded none of them on.
    expect(fwd(sa, 0)).toBe(viaA.b);
    expect(fwd(sb, 1)).toBe(viaB.a);
    expect(recv(sb, 1)).toBe(fwd(sa, 0));
    expect(recv(sa, 0)).toBe(fwd(sb, 1));
  }, 120_000);

  it('gives site b a share of 0 within one exchange interval once every service of it is DOWN, and its share back when they return', async () => {
    expect((await cp.get<{ sites?: Record<string, number> }>('/v1/vservers/web/status')).sites).toEqual({ a: 10, b: 5 });
    const bDown = async () => {
      const st = await cp.get<{ services: Array<{ name: string; state: string }> }>('/v1/vservers/web/status');
      return st.services.filter((s) => s.name.startsWith('b-')).every((s) => s.state === 'DOWN');
    };
    await Promise.all(B.map((n) => backends.get(n)!.close()));
    // When the control plane's quorum says every service of b is DOWN (polled every 25 ms) ...
    await poll(bDown, (down) => down, { timeoutMs: 15_000, stepMs: 25, what: 'every service of site b DOWN at the control plane' });
    const downAt = Date.now();
    // ... agent-a has the weights giving b nothing within one exchange interval.
    const w = await until(
      () => agentA.stats(),
      (s) => s.sites?.weights.web?.b === 0,
      15_000,
      'agent-a weighing site b 0',
    );
    const lag = (w.sites?.receivedAt ?? Date.now()) - downAt;
    console.info(`site b at 0 on agent-a ${lag} ms after the control plane saw its last service DOWN (exchange every ${EXCHANGE_MS} ms)`);
    // One interval, plus the delivery and the 25 ms polls (a margin for a loaded machine's timers).
    expect(lag).toBeLessThanOrEqual(EXCHANGE_MS + 200);
    const down = await spread(agentA.host, 100);
    expect(down).toEqual({ a: 100, b: 0, none: 0 });

    await Promise.all(B.map((n) => backends.get(n)!.open()));
    await until(
      () => weights(agentA),
      (x) => x?.b === 5 && x.a === 10,
      15_000,
      'agent-a weighing site b 5 again',
    );
    const back = await spread(agentA.host, 150);
    console.info(`site b back: via agent-a 150: site a ${back.a}, site b ${back.b}`);
    expect(back.none).toBe(0);
    expect(Math.abs(back.b / 150 - 1 / 3)).toBeLessThanOrEqual(0.05);
  }, 120_000);
});
