// Incremental delivery (after xDS delta): a version reaches agents as the resources it changed,
// an agent that missed versions gets one delta of what changed since the version it runs, a
// snapshot when it asks or is too far behind; with the real control plane (REST API, Postgres),
// an agent that missed deltas while disconnected ends with exactly GET /v1/config.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedAgent, type ConfigDelta, type ConfigDocument, type ControlMessage } from '@spillway/protocol';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startHub, until, type HubServer } from './helpers.js';
import { agentToken, startReplica } from './replica.js';

type Doc = Record<string, unknown>;

/** `n` vservers of 10 TCP services each. */
function config(n: number): ConfigDocument {
  const services: Doc[] = [];
  const vservers: Doc[] = [];
  for (let v = 0; v < n; v++) {
    const names = Array.from({ length: 10 }, (_, s) => `svc-${v}-${s}`);
    for (const name of names)
      services.push({ name, address: '127.0.0.1', port: 9000, protocol: 'tcp', capacity: 10, weight: 1, state: 'enabled', monitors: [] });
    vservers.push({
      name: `vs-${v}`,
      protocol: 'tcp',
      listen: null,
      lbMethod: 'leastconn',
      services: names.map((service) => ({ service })),
      spillover: { methods: [{ type: 'dynamicconnection' }], combine: 'any', action: 'drop' },
    });
  }
  return { services, monitors: [], vservers } as unknown as ConfigDocument;
}

const nameOf = (x: object): string => String((x as { name?: unknown }).name);
const byName = (a: Doc, b: Doc): number => String(a.name).localeCompare(String(b.name));
/** A document as comparable data: each kind sorted by name, through JSON. */
const canonical = (d: { services: unknown[]; monitors: unknown[]; vservers: unknown[] }): unknown =>
  JSON.parse(
    JSON.stringify({
      services: [...(d.services as Doc[])].sort(byName),
      monitors: [...(d.monitors as Doc[])].sort(byName),
      vservers: [...(d.vservers as Doc[])].sort(byName),
    }),
  );

let hub: HubServer | null = null;
let db: TestDatabase | null = null;
const apps: FastifyInstance[] = [];
const agents: SimulatedAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.crash();
  await hub?.close();
  hub = null;
  for (const a of apps.splice(0)) await a.close();
  await db?.drop();
  db = null;
});

async function agent(name: string, token: string, opts: Partial<Parameters<typeof SimulatedAgent.start>[0]> = {}): Promise<SimulatedAgent> {
  const a = await SimulatedAgent.start({ url: hub!.url, token, name, ...opts });
  agents.push(a);
  return a;
}
const configFrames = (a: SimulatedAgent): Array<Extract<ControlMessage, { type: 'snapshot' | 'delta' }>> =>
  a.client.received.filter((m): m is Extract<ControlMessage, { type: 'snapshot' | 'delta' }> => m.type === 'snapshot' || m.type === 'delta');

describe('agent hub: deltas', () => {
  it('pushes a one-service change to every agent as a delta of that service alone, a frame the size of the change', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    const v1 = config(200);
    h.setConfig({ version: '1', config: v1 });
    const list = [await agent('agent-a', 'token-a'), await agent('agent-b', 'token-b'), await agent('agent-c', 'token-c')];
    await until(() => list.every((a) => a.appliedVersion === '1'), 5_000, 'snapshots ACKed');
    const snapshotBytes = JSON.stringify(configFrames(list[0]!)[0]).length;
    const before = { ...h.stats };

    const v2 = { ...v1, services: v1.services.map((s) => (s.name === 'svc-7-3' ? { ...s, capacity: 20 } : s)) };
    h.setConfig({ version: '2', config: v2 });
    await until(() => list.every((a) => a.appliedVersion === '2'), 5_000, 'deltas ACKed');

    for (const a of list) {
      const frames = configFrames(a);
      expect(frames.map((f) => f.type)).toEqual(['snapshot', 'delta']);
      const d = frames[1] as ConfigDelta;
      expect(d).toMatchObject({ version: '2', base: '1', removed: { services: [], monitors: [], vservers: [] } });
      expect(d.upserted.services).toEqual([expect.objectContaining({ name: 'svc-7-3', capacity: 20 })]);
      expect(d.upserted.vservers).toEqual([]);
      expect(canonical(a.document())).toEqual(canonical(v2));
    }
    const deltaBytes = (h.stats.configBytesSent - before.configBytesSent) / list.length;
    console.info(`one service changed among 2,000: ${deltaBytes} bytes per agent (snapshot: ${snapshotBytes} bytes)`);
    expect(h.stats.deltasSent - before.deltasSent).toBe(3);
    expect(h.stats.snapshotsSent - before.snapshotsSent).toBe(0);
    expect(deltaBytes).toBeLessThan(600);
    expect(deltaBytes * 100).toBeLessThan(snapshotBytes);
  });

  it('sends an agent that reconnects one delta of what changed since the version it runs, and it converges to the served document', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    const v1 = config(5);
    h.setConfig({ version: '1', config: v1 });
    const a = await agent('agent-a', 'token-a');
    await until(() => a.appliedVersion === '1', 5_000, 'v1 ACKed');
    const kept = a.document();
    a.crash();
    // Missed while away: a service changed, then a vserver and its services removed, then a vserver added.
    const v2: ConfigDocument = { ...v1, services: v1.services.map((s) => (s.name === 'svc-0-0' ? { ...s, capacity: 99 } : s)) };
    h.setConfig({ version: '2', config: v2 });
    const v3: ConfigDocument = {
      ...v2,
      services: v2.services.filter((s) => !nameOf(s).startsWith('svc-4-')),
      vservers: v2.vservers.filter((v) => v.name !== 'vs-4'),
    };
    h.setConfig({ version: '3', config: v3 });
    const added = config(6);
    const v4: ConfigDocument = {
      ...v3,
      services: [...v3.services, ...added.services.filter((s) => nameOf(s).startsWith('svc-5-'))],
      vservers: [...v3.vservers, added.vservers[5]!],
    };
    h.setConfig({ version: '4', config: v4 });

    const back = await agent('agent-a', 'token-a', { appliedVersion: '1', document: kept });
    await until(() => back.appliedVersion === '4', 5_000, 'v4 ACKed');
    const frames = configFrames(back);
    expect(frames.map((f) => [f.type, f.version])).toEqual([['delta', '4']]);
    const d = frames[0] as ConfigDelta;
    expect(d.base).toBe('1');
    expect(d.removed).toEqual({ services: Array.from({ length: 10 }, (_, s) => `svc-4-${s}`), monitors: [], vservers: ['vs-4'] });
    expect(d.upserted.services.map((s) => s.name).sort()).toEqual(['svc-0-0', ...Array.from({ length: 10 }, (_, s) => `svc-5-${s}`)].sort());
    expect(d.upserted.vservers.map((v) => v.name)).toEqual(['vs-5']);
    expect(canonical(back.document())).toEqual(canonical(v4));
  });

  it('sends the whole snapshot to an agent that asks for it, and to one whose version it has no delta from', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    h.setConfig({ version: '1', config: config(3) });
    h.setConfig({ version: '2', config: config(4) });
    const stranger = await agent('agent-a', 'token-a', { appliedVersion: 'from-another-history', document: config(1) });
    await until(() => stranger.appliedVersion === '2', 5_000, 'v2 ACKed');
    expect(configFrames(stranger).map((f) => f.type)).toEqual(['snapshot']);
    expect(canonical(stranger.document())).toEqual(canonical(config(4)));

    stranger.client.send({ type: 'resync', appliedVersion: '2', reason: 'test: lost track of its document' });
    await until(() => configFrames(stranger).length === 2, 5_000, 'second snapshot');
    expect(configFrames(stranger).map((f) => [f.type, f.version])).toEqual([
      ['snapshot', '2'],
      ['snapshot', '2'],
    ]);
  });

  it('does not push a NACKed version again; the next version goes as one delta from the version the agent still runs', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    h.setConfig({ version: '1', config: config(2) });
    const a = await agent('agent-a', 'token-a', { judge: (m) => (m.version === '2' ? 'refused by the test' : null) });
    await until(() => a.appliedVersion === '1', 5_000, 'v1 ACKed');
    h.setConfig({ version: '2', config: config(3) });
    await until(() => h.agent('agent-a')?.lastNack?.version === '2', 5_000, 'NACK of v2');
    h.setConfig({ version: '3', config: config(4) });
    await until(() => a.appliedVersion === '3', 5_000, 'v3 ACKed');
    expect(configFrames(a).map((f) => [f.type, f.version, f.type === 'delta' ? f.base : null])).toEqual([
      ['snapshot', '1', null],
      ['delta', '2', '1'],
      ['delta', '3', '1'],
    ]);
    expect(canonical(a.document())).toEqual(canonical(config(4)));
  });

  it('sends versions committed while one is in flight together, as one delta, once the agent answers', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    h.setConfig({ version: '1', config: config(2) });
    const a = await agent('agent-a', 'token-a');
    await until(() => h.agent('agent-a')?.appliedVersion === '1' && h.agent('agent-a')?.inFlight === null, 5_000, 'v1 ACK received');
    // Three versions in one tick: the first goes at once, the other two wait for its ACK.
    h.setConfig({ version: '2', config: config(3) });
    h.setConfig({ version: '3', config: config(4) });
    h.setConfig({ version: '4', config: config(5) });
    await until(() => a.appliedVersion === '4', 5_000, 'v4 ACKed');
    expect(configFrames(a).map((f) => [f.type, f.version])).toEqual([
      ['snapshot', '1'],
      ['delta', '2'],
      ['delta', '4'],
    ]);
    expect(canonical(a.document())).toEqual(canonical(config(5)));
  });
});

describe('deltas through the control plane', () => {
  it('brings an agent that missed deltas while disconnected to exactly GET /v1/config', async () => {
    db = await createTestDatabase();
    const r = await startReplica({
      prisma: db.prisma,
      hub: { heartbeatMs: 200, leaseMissedHeartbeats: 10, persistMs: 100 },
      admin: 'spw_test-admin-token-0123456789',
      apps,
    });
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await r.call(method, url, body);
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.body === '' ? {} : res.json<Record<string, unknown>>();
    };
    const token = await agentToken(r, 'edge-1');
    const svc = (name: string, port: number) => ({ name, address: '127.0.0.1', port, protocol: 'tcp', capacity: 50 });
    await call('PUT', '/v1/config', {
      services: [svc('web-1', 9101), svc('web-2', 9102), svc('old-1', 9103)],
      monitors: [],
      vservers: [
        {
          name: 'web',
          protocol: 'tcp',
          listen: { port: 18080 },
          services: [{ service: 'web-1' }],
          spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
        },
        { name: 'old', protocol: 'tcp', listen: null, services: [{ service: 'old-1' }], spillover: { methods: [], action: 'drop' } },
      ],
    });
    const first = await SimulatedAgent.start({ url: r.url, token, name: 'edge-1' });
    agents.push(first);
    await until(() => first.appliedVersion !== null, 5_000, 'first version ACKed');
    const kept = { version: first.appliedVersion!, document: first.document() };
    first.crash();

    // Writes one object at a time while the agent is away.
    await call('PUT', '/v1/services/web-2', { ...svc('web-2', 9102), capacity: 75 });
    await call('PUT', '/v1/vservers/web', {
      name: 'web',
      protocol: 'tcp',
      listen: { port: 18080 },
      services: [{ service: 'web-1' }, { service: 'web-2' }],
      spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
    });
    await call('DELETE', '/v1/vservers/old');
    await call('DELETE', '/v1/services/old-1');
    await call('PUT', '/v1/monitors/tcp-open', { name: 'tcp-open', type: 'tcp', intervalMs: 1_000, timeoutMs: 500 });
    const current = await call('GET', '/v1/config');

    const back = await SimulatedAgent.start({ url: r.url, token, name: 'edge-1', appliedVersion: kept.version, document: kept.document });
    agents.push(back);
    await until(() => back.appliedVersion === String(current.version), 5_000, 'current version ACKed');
    expect(configFrames(back).map((f) => f.type)).toEqual(['delta']);
    expect(canonical(back.document())).toEqual(canonical(current as never));
  });
});
