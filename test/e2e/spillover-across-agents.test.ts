// A control plane, two agent processes (two workers each) and real backends on loopback.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHeld, tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

const TOKENS = { 'tok-a': 'agent-a', 'tok-b': 'agent-b' };
let cp: ControlPlaneProc;
let agents: AgentProc[] = [];
let web1: Backend; let web2: Backend; let spare: Backend;
const held: net.Socket[] = [];

interface Status { threshold: { value: number | null }; activeConnections: { total: number }; quota: { limit: number; byAgent: Record<string, { exclusive: number; borrowed: number }> } | null }
interface AgentView { id: string; connected: boolean; appliedVersion: string | null; leaseExpiresAt: string | null }

const config = () => ({
  services: [
    { name: 'web-1', address: '127.0.0.1', port: web1.port, protocol: 'tcp', capacity: 20, weight: 1, state: 'enabled', monitors: [{ monitor: 'tcp-open' }] },
    { name: 'web-2', address: '127.0.0.1', port: web2.port, protocol: 'tcp', capacity: 20, weight: 1, state: 'enabled', monitors: [{ monitor: 'tcp-open' }] },
    { name: 'spare', address: '127.0.0.1', port: spare.port, protocol: 'tcp', capacity: 1000, weight: 1, state: 'enabled', monitors: [] },
  ],
  monitors: [{ name: 'tcp-open', type: 'tcp', intervalMs: 200, timeoutMs: 500, fall: 1, rise: 1, weight: 1 }],
  vservers: [
    { name: 'web', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, lbMethod: 'roundrobin', services: [{ service: 'web-1' }, { service: 'web-2' }],
      persistence: { type: 'none', timeoutSeconds: 0 },
      spillover: { methods: [{ type: 'dynamicconnection' }], combine: 'any', backup: 'web-overflow', action: 'drop', persistenceTimeoutSeconds: 0 } },
    { name: 'web-overflow', protocol: 'tcp', listen: null, lbMethod: 'roundrobin', services: [{ service: 'spare' }],
      spillover: { methods: [], combine: 'any', action: 'drop' } },
  ],
});

async function portOf(a: AgentProc): Promise<number> {
  const s = await until(() => a.stats(), (x) => x?.listeners?.web !== undefined, 15_000, `${a.name} listening`);
  return s.listeners.web!;
}

/** Opens `n` connections at once, split across the agents; the backends' names they landed on. */
async function burst(n: number): Promise<Record<string, number>> {
  const ports = await Promise.all(agents.map(portOf));
  const results = await Promise.all(Array.from({ length: n }, (_, i) => openHeld(ports[i % ports.length]!)));
  const counts: Record<string, number> = {};
  for (const r of results) { held.push(r.socket); counts[r.first] = (counts[r.first] ?? 0) + 1; }
  return counts;
}

async function releaseAll(): Promise<void> {
  for (const s of held.splice(0)) s.destroy();
  await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.activeConnections.total === 0, 15_000, 'connections released');
}

const primary = (c: Record<string, number>): number => (c['web-1'] ?? 0) + (c['web-2'] ?? 0);

beforeAll(async () => {
  [web1, web2, spare] = await Promise.all([tcpBackend('web-1'), tcpBackend('web-2'), tcpBackend('spare')]);
  cp = await startControlPlane(TOKENS);
  agents = await Promise.all([startAgent('agent-a', 'tok-a', cp.wsUrl), startAgent('agent-b', 'tok-b', cp.wsUrl)]);
  await cp.setConfig('1', config());
  await until(() => cp.get<{ items: AgentView[] }>('/v1/agents'), (l) => l?.items.length === 2 && l.items.every((a) => a.appliedVersion === '1'), 20_000, 'both agents on version 1');
}, 90_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  await Promise.all([...agents.map((a) => a.kill()), cp?.kill()]);
  await Promise.all([web1, web2, spare].map((b) => b?.close()));
});

describe('spillover across two agents', () => {
  it('serves the vserver pushed by the control plane through both agents', async () => {
    for (const a of agents) {
      const o = await openHeld(await portOf(a));
      held.push(o.socket);
      expect(['web-1', 'web-2']).toContain(o.first);
    }
    const status = await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.activeConnections.total === 2, 10_000, 'reports of 2 connections');
    expect(status.threshold.value).toBe(40);
    expect(Object.keys(status.quota!.byAgent).sort()).toEqual(['agent-a', 'agent-b']);
    await releaseAll();
  });

  it('holds the global limit exactly across the two agents under a concurrent burst', async () => {
    const counts = await burst(80);
    expect(primary(counts)).toBeLessThanOrEqual(40);
    expect(primary(counts)).toBeGreaterThan(0);
    expect(counts.spare).toBe(80 - primary(counts));
    const status = await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.activeConnections.total === primary(counts), 10_000, 'reported connections');
    const q = status.quota!;
    expect(Object.values(q.byAgent).reduce((sum, a) => sum + a.exclusive + a.borrowed, 0)).toBeLessThanOrEqual(40);
    console.info(`burst of 80 over 2 agents: ${primary(counts)} admitted on the primary (limit 40), ${counts.spare} spilled`);
    await releaseAll();
  }, 60_000);

  it('fills the global limit with spread-out arrivals and admits nothing past it', async () => {
    const ports = await Promise.all(agents.map(portOf));
    let admitted = 0;
    for (let i = 0; i < 80 && admitted < 40; i++) {
      const o = await openHeld(ports[i % 2]!);
      held.push(o.socket);
      if (o.first !== 'spare') admitted++;
      await new Promise((r) => setTimeout(r, 120));
    }
    expect(admitted).toBe(40);
    expect(primary(await burst(20))).toBe(0);
    await releaseAll();
  }, 60_000);

  it('lowers the threshold on both agents when a backend dies, and spills at the new global limit', async () => {
    const before = await Promise.all(agents.map(async (a) => (await a.stats()).vservers.web!.threshold!));
    await web2.close();
    const status = await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.threshold.value === 20, 15_000, 'global threshold 20');
    expect(status.quota!.limit).toBe(20);
    const after = await until(() => Promise.all(agents.map(async (a) => (await a.stats()).vservers.web!.threshold!)), (t) => t.every((x, i) => x < before[i]!), 10_000, 'lower thresholds on both agents');
    expect(after.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(20);
    const counts = await burst(40);
    expect(counts['web-2'] ?? 0).toBe(0);
    expect(counts['web-1'] ?? 0).toBeLessThanOrEqual(20);
    expect((counts['web-1'] ?? 0) + (counts.spare ?? 0)).toBe(40);
    await releaseAll();
  }, 60_000);

  it('keeps traffic flowing while the control plane is down, and reconciles when it restarts', async () => {
    const a = agents[0]!;
    const port = await portOf(a);
    const first = await openHeld(port);
    held.push(first.socket);
    const cpPort = cp.port;
    await cp.kill();
    const during = await openHeld(port);
    held.push(during.socket);
    expect(during.first).toBe('web-1');
    cp = await startControlPlane(TOKENS, cpPort);
    await cp.setConfig('1', config());
    const views = await until(() => cp.get<{ items: AgentView[] }>('/v1/agents'), (l) => l?.items.filter((x) => x.connected).length === 2, 20_000, 'agents reconnected');
    expect(views.items.map((x) => x.appliedVersion)).toEqual(['1', '1']);
    const status = await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.activeConnections.total === 2 && s.threshold.value === 20, 15_000, 'reconciled status');
    const q = status.quota!.byAgent['agent-a']!;
    expect(q.exclusive + q.borrowed).toBeGreaterThanOrEqual(2);
    await releaseAll();
  }, 60_000);

  it('returns a killed agent\'s quota to the pool after its lease', async () => {
    const b = agents[1]!;
    await b.kill('SIGKILL');
    const status = await until(() => cp.get<Status>('/v1/vservers/web/status'), (s) => s?.quota !== null && s?.quota?.byAgent['agent-b'] === undefined, 15_000, 'agent-b quota returned');
    expect(status.quota!.byAgent['agent-a']!.exclusive).toBe(16);
    const view = await cp.get<AgentView>('/v1/agents/agent-b');
    expect(view).toMatchObject({ connected: false, leaseExpiresAt: null });
  }, 30_000);
});
