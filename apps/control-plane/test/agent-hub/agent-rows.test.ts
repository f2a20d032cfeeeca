// Agent rows follow the sessions replicas hold (issue 10, item 8): a row marked connected that no
// replica heartbeats (its control plane was killed, and the agent died while none was up) is
// listed as disconnected at once and swept to disconnected, with an event, at start and by a
// running replica; an agent held by another replica stays connected lease after lease. And the
// hub's writes survive a database outage (item 10): the session stays up, the events it made
// meanwhile are recorded once the database is back, nothing throws.
import type { FastifyInstance } from 'fastify';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedAgent } from '@spillway/protocol';
import { EmbeddedPostgres, runningServer } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { until } from './helpers.js';
import { agentToken, startReplica, type Replica } from './replica.js';

const HUB = { heartbeatMs: 100, leaseMissedHeartbeats: 5, persistMs: 100 };
/** A lease with room for a loaded machine (a heartbeat write late by a second is not a dead replica). */
const SLOW_HUB = { ...HUB, leaseMissedHeartbeats: 20 };
/** The row lease of SLOW_HUB: heartbeat × missed heartbeats + one write period. */
const ROW_LEASE_MS = 100 * 20 + 100;
const ADMIN = 'spw_test-admin-token-0123456789';

let db: TestDatabase | null = null;
const apps: FastifyInstance[] = [];
const agents: SimulatedAgent[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const a of agents.splice(0)) a.crash();
  for (const a of apps.splice(0)) await a.close();
  for (const c of cleanups.splice(0).reverse()) await c();
  await db?.drop();
  db = null;
});

const replica = (prisma: PrismaClient, databaseUrl?: string, hub = HUB): Promise<Replica> =>
  startReplica({ prisma, hub, admin: ADMIN, apps, ...(databaseUrl ? { databaseUrl } : {}) });

async function connect(r: Replica, name: string): Promise<SimulatedAgent> {
  const a = await SimulatedAgent.start({ url: r.url, token: await agentToken(r, name), name, workers: 2 });
  agents.push(a);
  return a;
}

const agentView = async (r: Replica, name: string): Promise<{ connected: boolean; connectedAt: string | null }> =>
  (await r.call('GET', `/v1/agents/${name}`)).json();
const disconnectEvents = async (r: Replica, name: string): Promise<Array<{ data: { reason?: string } }>> =>
  (await r.call('GET', '/v1/events?kind=agent.disconnected'))
    .json<{ items: Array<{ object: { name: string }; data: { reason?: string } }> }>()
    .items.filter((e) => e.object.name === name);

describe('agent rows', () => {
  it('lists a connected row left by a killed control plane as disconnected at once, and sweeps it with an event at start', async () => {
    db = await createTestDatabase();
    // What a control plane killed with SIGKILL leaves behind when its agent died while it was down.
    await db.prisma.agent.create({
      data: { name: 'edge-1', workers: 2, status: 'connected', appliedVersion: '3', lastHeartbeatAt: new Date(Date.now() - 60_000) },
    });
    const cp = await replica(db.prisma);
    expect(await agentView(cp, 'edge-1')).toMatchObject({ connected: false, connectedAt: null });
    expect((await cp.call('GET', '/v1/agents')).json<{ items: Array<{ id: string; connected: boolean }> }>().items).toEqual([
      expect.objectContaining({ id: 'edge-1', connected: false }),
    ]);
    expect((await db.prisma.agent.findUniqueOrThrow({ where: { name: 'edge-1' } })).status).toBe('disconnected');
    const events = await until(
      async () => {
        const e = await disconnectEvents(cp, 'edge-1');
        return e.length > 0 ? e : null;
      },
      3_000,
      'agent.disconnected event',
    );
    expect(events[0]!.data.reason).toMatch(/no replica holds its session/);
  });

  it('ages out the row of a replica that stopped heartbeating, from a running replica, within the lease', async () => {
    db = await createTestDatabase();
    const cp = await replica(db.prisma, undefined, SLOW_HUB);
    // A row as another replica heartbeats it; then that replica dies and nobody writes it again.
    const wrote = Date.now();
    await db.prisma.agent.create({ data: { name: 'edge-2', workers: 2, status: 'connected', lastHeartbeatAt: new Date(wrote) } });
    // Listed connected exactly while its heartbeat is within the lease.
    const asked = Date.now();
    const fresh = await agentView(cp, 'edge-2');
    if (Date.now() - wrote < ROW_LEASE_MS) expect(fresh.connected).toBe(true);
    if (asked - wrote > ROW_LEASE_MS) expect(fresh.connected).toBe(false);
    await until(
      async () => (await db!.prisma.agent.findUniqueOrThrow({ where: { name: 'edge-2' } })).status === 'disconnected',
      ROW_LEASE_MS + 5_000,
      'row swept',
    );
    // Not before its lease: the sweep never takes a live replica's row.
    expect(Date.now() - wrote).toBeGreaterThanOrEqual(ROW_LEASE_MS);
    expect((await agentView(cp, 'edge-2')).connected).toBe(false);
    await until(async () => (await disconnectEvents(cp, 'edge-2')).length === 1, 3_000, 'one agent.disconnected event');
  });

  it('keeps an agent held by another replica listed as connected lease after lease', async () => {
    db = await createTestDatabase();
    const a = await replica(db.prisma, db.url, SLOW_HUB);
    const b = await replica(db.prisma, db.url, SLOW_HUB);
    const agent = await connect(b, 'edge-3');
    await until(async () => (await agentView(a, 'edge-3')).connected, 3_000, 'replica A lists the agent of B');
    const deadline = Date.now() + 2 * ROW_LEASE_MS;
    let samples = 0;
    while (Date.now() < deadline) {
      expect((await agentView(a, 'edge-3')).connected, `sample ${samples}`).toBe(true);
      samples++;
      await new Promise((r) => setImmediate(r));
    }
    expect(samples).toBeGreaterThan(5);
    expect(await disconnectEvents(a, 'edge-3')).toEqual([]);
    agent.crash();
    await until(async () => !(await agentView(a, 'edge-3')).connected, 3_000, 'replica A sees the agent gone');
  });

  it('keeps the session through a database outage and records the events it made meanwhile once the database is back', async () => {
    // A durable server of its own (the shared test server trades commits for speed: a crash loses the last ones).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'spillway-test-agent-rows-'));
    await chmod(dir, 0o755);
    const pg = new EmbeddedPostgres({ dataDir: path.join(dir, 'data') });
    cleanups.push(async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const url = await pg.start();
    await applyMigrations(url);
    const prisma = createPrismaClient(url, { poolSize: 4 });
    cleanups.push(() => prisma.$disconnect());
    // A longer lease: the session must not be dropped for silence on a loaded machine.
    const cp = await replica(prisma, url, { ...HUB, leaseMissedHeartbeats: 30 });
    const doc = {
      services: [{ name: 'web-1', address: '127.0.0.1', port: 9101, protocol: 'tcp', capacity: 50 }],
      monitors: [],
      vservers: [
        {
          name: 'web',
          protocol: 'tcp',
          listen: { port: 18080 },
          services: [{ service: 'web-1' }],
          spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
        },
      ],
    };
    expect((await cp.call('PUT', '/v1/config', doc)).statusCode).toBe(200);
    const agent = await connect(cp, 'edge-4');
    agent.transition('web-1', 'UP');
    await until(async () => (await prisma.event.count({ where: { kind: 'service.state_changed' } })) === 1, 5_000, 'first state change recorded');

    const pid = (await runningServer(pg.dataDir))!.pid;
    process.kill(pid, 'SIGKILL');
    await until(async () => (await cp.call('GET', '/readyz')).statusCode === 503, 5_000, 'database down');
    // Meanwhile the session is served (heartbeats need no database) and makes an event.
    agent.transition('web-1', 'DOWN');
    await until(async () => cp.app.agentHub.serviceStates()['web-1'] === 'DOWN', 3_000, 'hub saw DOWN');
    const down = Date.now();
    await until(async () => Date.now() - down > 1_000, 5_000, 'a second without a database');
    expect(cp.app.agentHub.agent('edge-4')?.connected).toBe(true);
    expect(agent.client.isOpen).toBe(true);

    // Back (on the same port): the pool reconnects, the event made while it was down is there.
    await until(
      async () => {
        try {
          await pg.restart();
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      'Postgres restarted',
    );
    await until(async () => (await cp.call('GET', '/readyz')).statusCode === 200, 15_000, 'ready again');
    const states = await until(
      async () => {
        const rows = await prisma.event.findMany({ where: { kind: 'service.state_changed' }, orderBy: { id: 'asc' } });
        return rows.length === 2 ? rows : null;
      },
      10_000,
      'the state change made during the outage recorded',
    );
    expect(states.map((e) => (e.data as { state: string }).state)).toEqual(['UP', 'DOWN']);
    expect(cp.app.agentHub.agent('edge-4')?.connected).toBe(true);
    await until(async () => (await prisma.agent.findUnique({ where: { name: 'edge-4' } }))?.status === 'connected', 3_000, 'row connected');
  }, 90_000);
});
