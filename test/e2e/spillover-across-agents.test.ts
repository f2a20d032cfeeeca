// The control plane as it ships (server.ts on a real Postgres, configured through the REST API),
// two agent processes (two workers each, one loopback address each) and real backends.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { agentToken, freePort, openHeld, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

let db: TestDatabase;
let cp: ControlPlaneProc;
let agents: AgentProc[] = [];
let web1: Backend;
let web2: Backend;
let spare: Backend;
let listenPort = 0;
const held: net.Socket[] = [];

interface Status {
  threshold: { value: number | null };
  activeConnections: { total: number };
  quota: { limit: number; byAgent: Record<string, { exclusive: number; borrowed: number }> } | null;
}
interface AgentView {
  id: string;
  connected: boolean;
  connectedAt: string | null;
  appliedVersion: string | null;
  leaseExpiresAt: string | null;
}

const document = () => ({
  services: [
    { name: 'web-1', address: '127.0.0.1', port: web1.port, protocol: 'tcp', capacity: 20, monitors: [{ monitor: 'tcp-open' }] },
    { name: 'web-2', address: '127.0.0.1', port: web2.port, protocol: 'tcp', capacity: 20, monitors: [{ monitor: 'tcp-open' }] },
    { name: 'spare', address: '127.0.0.1', port: spare.port, protocol: 'tcp', capacity: 1000 },
  ],
  monitors: [{ name: 'tcp-open', type: 'tcp', intervalMs: 200, timeoutMs: 150, fall: 1, rise: 1 }],
  vservers: [
    {
      name: 'web',
      protocol: 'tcp',
      listen: { port: listenPort },
      lbMethod: 'roundrobin',
      services: [{ service: 'web-1' }, { service: 'web-2' }],
      spillover: { methods: [{ type: 'dynamicconnection' }], backup: 'web-overflow', action: 'drop' },
    },
    { name: 'web-overflow', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
  ],
});

const status = (): Promise<Status> => cp.get<Status>('/v1/vservers/web/status');
const agentList = (): Promise<{ items: AgentView[] }> => cp.get<{ items: AgentView[] }>('/v1/agents');

async function listening(a: AgentProc): Promise<void> {
  await until(
    () => a.stats(),
    (x) => x?.listeners?.web === listenPort,
    15_000,
    `${a.name} listening`,
  );
}

/** Opens `n` connections at once, split across the agents; the backends' names they landed on. */
async function burst(n: number): Promise<Record<string, number>> {
  await Promise.all(agents.map(listening));
  const results = await Promise.all(Array.from({ length: n }, (_, i) => openHeld(agents[i % agents.length]!.host, listenPort)));
  const counts: Record<string, number> = {};
  for (const r of results) {
    held.push(r.socket);
    counts[r.first] = (counts[r.first] ?? 0) + 1;
  }
  return counts;
}

async function releaseAll(): Promise<void> {
  for (const s of held.splice(0)) s.destroy();
  await until(status, (s) => s?.activeConnections.total === 0, 15_000, 'connections released');
}

const primary = (c: Record<string, number>): number => (c['web-1'] ?? 0) + (c['web-2'] ?? 0);

beforeAll(async () => {
  [web1, web2, spare] = await Promise.all([tcpBackend('web-1'), tcpBackend('web-2'), tcpBackend('spare')]);
  [db, listenPort] = await Promise.all([createTestDatabase(), freePort()]);
  cp = await startControlPlane(db.url);
  const [ta, tb] = [await agentToken(cp, 'agent-a'), await agentToken(cp, 'agent-b')];
  agents = await Promise.all([startAgent('agent-a', ta, cp.url, '127.0.0.2'), startAgent('agent-b', tb, cp.url, '127.0.0.3')]);
}, 120_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) for (const a of agents) console.info(a.name, a.child.exitCode, a.child.signalCode, a.output().slice(-4000));
  for (const s of held) s.destroy();
  await Promise.all([...agents.map((a) => a.kill()), cp?.kill()]);
  await Promise.all([web1, web2, spare].map((b) => b?.close()));
  await db?.drop();
});

describe('spillover across two agents and a control plane', () => {
  it('serves a vserver made through the API through both agents, each reporting the applied version', async () => {
    const applied = await cp.call<{ version: number }>('PUT', '/v1/config', document());
    const version = String(applied.version);
    await until(
      agentList,
      (l) => l?.items.length === 2 && l.items.every((a) => a.connected && a.appliedVersion === version),
      20_000,
      `both agents on version ${version}`,
    );
    for (const a of agents) {
      await listening(a);
      const o = await openHeld(a.host, listenPort);
      held.push(o.socket);
      expect(['web-1', 'web-2']).toContain(o.first);
    }
    // The replica's first quota pass (its budget, in Postgres) may come after the reports.
    const s = await until(status, (x) => x?.activeConnections.total === 2 && x.quota !== null, 10_000, 'reports of 2 connections and the quota');
    expect(s.threshold.value).toBe(40);
    expect(Object.keys(s.quota!.byAgent).sort()).toEqual(['agent-a', 'agent-b']);
    await releaseAll();
  }, 60_000);

  it('brings a config change made through the API to every agent', async () => {
    const doc = document();
    doc.services[2]!.capacity = 999;
    let sawAll = 0;
    const started = Date.now();
    const r = await cp.call<{ version: number }>('PUT', '/v1/config', doc);
    await until(
      agentList,
      (l) => {
        const ok = l?.items.every((a) => a.appliedVersion === String(r.version)) ?? false;
        if (ok && sawAll === 0) sawAll = Date.now();
        return ok;
      },
      10_000,
      'new version applied everywhere',
    );
    console.info(`config change through the API applied on both agents (seen through GET /v1/agents) within ${sawAll - started} ms of the request`);
    const events = await cp.get<{ items: Array<{ actor: string }> }>(`/v1/events?kind=config.applied&order=desc&limit=10`);
    expect(events.items.map((e) => e.actor)).toEqual(expect.arrayContaining(['agent:agent-a', 'agent:agent-b']));
  }, 30_000);

  it('holds the global limit exactly across the two agents under a concurrent burst', async () => {
    const counts = await burst(80);
    expect(primary(counts)).toBeLessThanOrEqual(40);
    expect(primary(counts)).toBeGreaterThan(0);
    expect(counts.spare).toBe(80 - primary(counts));
    const s = await until(status, (x) => x?.activeConnections.total === primary(counts), 10_000, 'reported connections');
    expect(Object.values(s.quota!.byAgent).reduce((sum, a) => sum + a.exclusive + a.borrowed, 0)).toBeLessThanOrEqual(40);
    console.info(`burst of 80 over 2 agents: ${primary(counts)} admitted on the primary (limit 40), ${counts.spare} spilled`);
    await releaseAll();
  }, 60_000);

  it('fills the global limit with spread-out arrivals and admits nothing past it', async () => {
    await Promise.all(agents.map(listening));
    let admitted = 0;
    for (let i = 0; i < 80 && admitted < 40; i++) {
      const o = await openHeld(agents[i % 2]!.host, listenPort);
      held.push(o.socket);
      if (o.first !== 'spare') admitted++;
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(admitted).toBe(40);
    expect(primary(await burst(20))).toBe(0);
    await releaseAll();
  }, 60_000);

  it('lowers the threshold on both agents when a backend dies, and spills at the new global limit', async () => {
    const before = await Promise.all(agents.map(async (a) => (await a.stats()).vservers.web!.threshold!));
    await web2.close();
    const s = await until(status, (x) => x?.threshold.value === 20, 15_000, 'global threshold 20');
    expect(s.quota!.limit).toBe(20);
    // What each agent's pool enforces (its quota view), not only the threshold it derives.
    const after = await until(
      () => Promise.all(agents.map(async (a) => (await a.stats()).vservers.web!)),
      (v) => v.every((x, i) => x.threshold! < before[i]! && x.quota?.limit === x.threshold),
      10_000,
      'lower thresholds enforced on both agents',
    );
    expect(after.reduce((sum, x) => sum + x.quota!.limit, 0)).toBeLessThanOrEqual(20);
    // Each agent's own monitor has seen web-2 go (the control plane's verdict may come first).
    await until(
      () => Promise.all(agents.map(async (a) => (await a.stats()).services['web-2']!.state)),
      (st) => st.every((x) => x === 'DOWN'),
      10_000,
      'web-2 DOWN on both agents',
    );
    const events = await cp.get<{ items: Array<{ kind: string; object: { name: string } }> }>('/v1/events?kind=threshold.changed&order=desc&limit=5');
    expect(events.items[0]).toMatchObject({ object: { name: 'web' } });
    const counts = await burst(40);
    expect(counts['web-2'] ?? 0).toBe(0);
    expect(counts['web-1'] ?? 0).toBeLessThanOrEqual(20);
    expect((counts['web-1'] ?? 0) + (counts.spare ?? 0)).toBe(40);
    // The burst's reports did not vote web-2 back UP (a report built on counters read before the
    // transition once did, and the global limit went back to 40 under the burst).
    expect((await status()).quota!.limit).toBe(20);
    await releaseAll();
  }, 60_000);

  it('keeps traffic flowing while the control plane is down, and reconciles when it restarts', async () => {
    const a = agents[0]!;
    const first = await openHeld(a.host, listenPort);
    held.push(first.socket);
    const port = cp.port;
    await cp.kill();
    const during = await openHeld(a.host, listenPort);
    held.push(during.socket);
    expect(during.first).toBe('web-1');
    // Same database, same port: the config is still there; the agents redial on their own.
    cp = await startControlPlane(db.url, port);
    // Reconnected to this process: its own sessions have a connectedAt (a row left by the killed
    // one has none, and ages out once nobody heartbeats it).
    const views = await until(agentList, (l) => l?.items.filter((x) => x.connected && x.connectedAt !== null).length === 2, 20_000, 'agents reconnected');
    expect(new Set(views.items.map((x) => x.appliedVersion)).size).toBe(1);
    const allowance = (x: Status | undefined): number => {
      const q = x?.quota?.byAgent['agent-a'];
      return q ? q.exclusive + q.borrowed : 0;
    };
    const s = await until(status, (x) => x?.activeConnections.total === 2 && x.threshold.value === 20 && allowance(x) >= 2, 15_000, 'reconciled status');
    expect(allowance(s)).toBeGreaterThanOrEqual(2);
    await releaseAll();
  }, 90_000);

  it("returns a killed agent's quota to the pool after its lease", async () => {
    const b = agents[1]!;
    // Its session is held by this control plane (the previous test waited for it), so what is
    // listed below is the hub's own record of that session, not a row.
    expect((await cp.get<AgentView>('/v1/agents/agent-b')).connectedAt).not.toBeNull();
    await b.kill('SIGKILL');
    const s = await until(
      status,
      (x) => x?.quota != null && x.quota.byAgent['agent-b'] === undefined && x.quota.byAgent['agent-a']?.exclusive === 16,
      15_000,
      'agent-b quota returned to agent-a',
    );
    expect(s.quota!.limit).toBe(20);
    // The Agent row is written behind the hub's own state: wait for it rather than race it.
    const view = await until(
      () => cp.get<AgentView>('/v1/agents/agent-b'),
      (v) => !v.connected,
      15_000,
      'agent-b listed as disconnected',
    );
    expect(view).toMatchObject({ connected: false, leaseExpiresAt: null });
    // Hub events are appended in batches behind its state: wait for the lease's event too.
    await until(
      () => cp.get<{ items: unknown[] }>('/v1/events?kind=agent.lease_expired'),
      (e) => e.items.length > 0,
      15_000,
      'agent.lease_expired event',
    );
  }, 30_000);
});
