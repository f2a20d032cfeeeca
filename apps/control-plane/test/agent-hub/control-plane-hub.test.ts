// The hub inside the control plane: a real database, the REST API, agent tokens from the API,
// and simulated agents on real WebSockets; two replicas on one database for LISTEN/NOTIFY.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceKey, SimulatedAgent } from '@spillway/protocol';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { until } from './helpers.js';
import { agentToken, startReplica, type Replica } from './replica.js';

let db: TestDatabase | null = null;
const apps: FastifyInstance[] = [];
const agents: SimulatedAgent[] = [];

afterEach(async () => {
  for (const a of agents.splice(0)) a.crash();
  for (const a of apps.splice(0)) await a.close();
  await db?.drop();
  db = null;
});

const replica = (database: TestDatabase, opts: { replicas?: boolean } = {}): Promise<Replica> =>
  startReplica({
    prisma: database.prisma,
    // A lease of 2 s: a loaded machine can stall the event loop of server and simulated agents alike for
    // longer than 500 ms, which dropped the channel mid-test ("channel closed"); no test here waits for a lease to end.
    hub: { heartbeatMs: 200, leaseMissedHeartbeats: 10, persistMs: 100, serviceCapacity: true },
    admin: 'spw_test-admin-token-0123456789',
    apps,
    ...(opts.replicas === false ? {} : { databaseUrl: database.url }),
  });

const document = (threshold: number) => ({
  services: [{ name: 'web-1', address: '127.0.0.1', port: 9101, protocol: 'tcp', capacity: 50 }],
  monitors: [],
  vservers: [
    {
      name: 'web',
      protocol: 'tcp',
      listen: { port: 18080 },
      services: [{ service: 'web-1' }],
      spillover: { methods: [{ type: 'connection', threshold }], action: 'drop' },
    },
  ],
});

async function connect(r: Replica, name: string, token: string): Promise<SimulatedAgent> {
  const a = await SimulatedAgent.start({ url: r.url, token, name, workers: 2 });
  agents.push(a);
  return a;
}

describe('agent hub in the control plane', () => {
  it('accepts only agent tokens issued through the API, serves each committed config version and records the applied version', async () => {
    db = await createTestDatabase();
    const cp = await replica(db, { replicas: false });
    await expect(SimulatedAgent.start({ url: cp.url, token: 'spw_not-a-real-token-000000', name: 'edge-1' })).rejects.toThrow(/401/);
    const token = await agentToken(cp, 'edge-1');
    const agent = await connect(cp, 'edge-1', token);
    expect((await cp.call('PUT', '/v1/config', document(40))).statusCode).toBe(200);
    const snap = await agent.client.waitFor('snapshot');
    expect(snap.config.vservers).toEqual([
      expect.objectContaining({ name: 'web', spillover: expect.objectContaining({ methods: [{ type: 'connection', threshold: 40 }] }) }),
    ]);
    await until(() => agent.allowance('web') === 32, 3_000, 'allocation of the new limit');
    const views = await until(
      async () => {
        const l = (await cp.call('GET', '/v1/agents')).json<{ items: Array<{ id: string; appliedVersion: string | null; connected: boolean }> }>();
        return l.items.find((x) => x.id === 'edge-1' && x.appliedVersion === snap.version) ? l : null;
      },
      3_000,
      'applied version in GET /v1/agents',
    );
    expect(views.items).toEqual([expect.objectContaining({ id: 'edge-1', connected: true, appliedVersion: snap.version })]);
    await until(async () => (await db!.prisma.agent.findUnique({ where: { name: 'edge-1' } }))?.appliedVersion === snap.version, 3_000, 'Agent row');
    const events = await until(
      async () => {
        const l = (await cp.call('GET', '/v1/events?kind=config.applied')).json<{ items: Array<{ actor: string; object: { kind: string; name: string } }> }>();
        return l.items.length > 0 ? l.items : null;
      },
      3_000,
      'config.applied event',
    );
    expect(events[0]).toMatchObject({ actor: 'agent:edge-1', object: { kind: 'agent', name: 'edge-1' } });
  });

  it('lists agents from the Agent table after a restart, as disconnected until they dial again', async () => {
    db = await createTestDatabase();
    const first = await replica(db, { replicas: false });
    const token = await agentToken(first, 'edge-1');
    await first.call('PUT', '/v1/config', document(40));
    const agent = await connect(first, 'edge-1', token);
    await until(() => agent.appliedVersion !== null, 3_000, 'snapshot applied');
    await until(async () => (await db!.prisma.agent.findUnique({ where: { name: 'edge-1' } }))?.appliedVersion === agent.appliedVersion, 3_000, 'Agent row');
    agent.crash();
    await first.app.close();
    apps.splice(apps.indexOf(first.app), 1);
    const second = await replica(db, { replicas: false });
    const res = await second.call('GET', '/v1/agents/edge-1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'edge-1', connected: false, appliedVersion: agent.appliedVersion, workers: 2 });
  });

  it('pushes a config change made on one replica to the agents of another within moments (LISTEN/NOTIFY), and splits each budget across the replicas', async () => {
    db = await createTestDatabase();
    const a = await replica(db);
    const b = await replica(db);
    const token = await agentToken(a, 'edge-1');
    await a.call('PUT', '/v1/config', document(40));
    const agent = await connect(b, 'edge-1', token);
    const first = await agent.client.waitFor('snapshot', () => true, 5_000, true);
    const next = agent.client.waitFor('delta', (s) => s.version !== first.version && s.base === first.version);
    let committed = 0;
    a.app.configStore.once('change', () => {
      committed = Date.now();
    });
    expect((await a.call('PUT', '/v1/config', document(20))).statusCode).toBe(200);
    const snap = await next;
    console.info(`config change committed on replica A reached an agent of replica B ${Date.now() - committed} ms later`);
    expect(Number(snap.version)).toBeGreaterThan(Number(first.version));
    // Replica A lists the agent connected to B from the Agent table.
    await until(
      async () => {
        const v = (await a.call('GET', '/v1/agents/edge-1')).json<{ connected: boolean; appliedVersion: string }>();
        return v.connected && v.appliedVersion === snap.version;
      },
      5_000,
      'replica A sees the agent on B',
    );

    // Each budget is split across the replicas (issue 12 item 3): with an agent on each, a replica's
    // agent gets its part of the connection limit, of the bandwidth threshold and of web-1's
    // capacity of 50 (its own pool), never the whole (two replicas would then let through twice it).
    const other = await connect(a, 'edge-2', await agentToken(a, 'edge-2'));
    const doc = document(40);
    doc.vservers[0]!.spillover.methods.push({ type: 'bandwidth', thresholdKbps: 1000 } as never);
    expect((await a.call('PUT', '/v1/config', doc)).statusCode).toBe(200);
    const share = (x: SimulatedAgent): number =>
      x.client.received.reduce((last, m) => (m.type === 'bandwidth-shares' && m.shares.web !== undefined ? m.shares.web : last), 0);
    const sum = (xs: number[]): number => xs.reduce((n, y) => n + y, 0);
    const parts = () => {
      const both = [agent, other];
      return {
        connections: both.map((x) => x.allowance('web') ?? 0),
        bandwidth: both.map(share),
        capacity: both.map((x) => x.allowance(serviceKey('web-1')) ?? 0),
      };
    };
    const p = await until(
      () => {
        const x = parts();
        const each = [...x.connections, ...x.bandwidth, ...x.capacity].every((n) => n > 0);
        return each && sum(x.connections) <= 40 && sum(x.bandwidth) <= 1 && sum(x.capacity) <= 50 ? x : null;
      },
      10_000,
      'every budget split across the replicas',
    );
    console.info(
      `two replicas, one agent each: connections ${p.connections.join('+')} of 40, bandwidth ${p.bandwidth.join('+')} of 1, capacity ${p.capacity.join('+')} of 50`,
    );
    expect(p.bandwidth).toEqual([0.5, 0.5]);
    for (const r of [a, b]) expect(r.app.agentHub.capacityView('web-1')).toMatchObject({ limit: 25 });
  });
});
