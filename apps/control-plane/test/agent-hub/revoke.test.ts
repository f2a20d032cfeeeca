// Revoking an agent's credential cuts its live session: deleting or rebinding its agent token,
// or deleting the agent, closes the WebSocket with 4001 (and a reason naming why), returns the
// agent's quota to the pool at once (long before its lease would end) and stops every push to
// it; a reconnect with the revoked token is refused. Across replicas too (LISTEN/NOTIFY). Real
// database, the REST API, simulated agents on real WebSockets.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedAgent } from '@spillway/protocol';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { until } from './helpers.js';
import { agentToken, startReplica, type Replica } from './replica.js';

const ADMIN = 'spw_test-admin-token-revoke-0123456789';
/** 100 heartbeats of 200 ms: a lease of 20 s, so quota that comes back sooner came back by the cut. */
const LEASE_MS = 200 * 100;

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
    hub: { heartbeatMs: 200, leaseMissedHeartbeats: LEASE_MS / 200, persistMs: 100 },
    admin: ADMIN,
    apps,
    ...(opts.replicas === true ? { databaseUrl: database.url } : {}),
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

interface Closed {
  code: number;
  reason: string;
  at: number;
}

async function connect(r: Replica, name: string, token: string): Promise<SimulatedAgent & { closed: Promise<Closed> }> {
  const a = await SimulatedAgent.start({ url: r.url, token, name, workers: 2 });
  agents.push(a);
  const closed = new Promise<Closed>((resolve) => a.client.once('close', (c: { code: number; reason: string }) => resolve({ ...c, at: Date.now() })));
  return Object.assign(a, { closed });
}

/** Resolves with the close, or rejects after `ms` (a bounded wait). */
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_r, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms).unref())]);

/** Two agents sharing vserver web (limit 40); resolves once both hold quota. */
async function twoAgents(
  r: Replica,
): Promise<{ a: SimulatedAgent & { closed: Promise<Closed> }; b: SimulatedAgent & { closed: Promise<Closed> }; tokenA: string }> {
  const [tokenA, tokenB] = [await agentToken(r, 'edge-a'), await agentToken(r, 'edge-b')];
  expect((await r.call('PUT', '/v1/config', document(40))).statusCode).toBe(200);
  const [a, b] = [await connect(r, 'edge-a', tokenA), await connect(r, 'edge-b', tokenB)];
  await until(
    () => (a.allowance('web') ?? 0) > 0 && (b.allowance('web') ?? 0) > 0 && r.app.agentHub.quotaView('web')?.byAgent['edge-a'] !== undefined,
    5_000,
    'quota for both agents',
  );
  return { a, b, tokenA };
}

describe('revoking an agent credential cuts the live session', () => {
  it('deleting the agent token closes the session with 4001, returns its quota at once and refuses the token on reconnect', async () => {
    db = await createTestDatabase();
    const r = await replica(db);
    const { a, b, tokenA } = await twoAgents(r);
    const before = b.allowance('web') ?? 0;
    const revokedAt = Date.now();
    expect((await r.call('DELETE', '/v1/agent-tokens/edge-a-token')).statusCode).toBe(204);
    const closed = await within(a.closed, 3_000, 'close of the revoked session');
    expect(closed).toMatchObject({ code: 4001, reason: 'SPILLWAY_HUB_TOKEN_REVOKED' });
    expect(closed.at - revokedAt).toBeLessThan(3_000);
    // Its quota is back in the pool now, not after the 20 s lease: edge-a holds nothing, edge-b can have it all.
    expect(r.app.agentHub.quotaMembers().map(([n]) => n)).toEqual(['edge-b']);
    expect(r.app.agentHub.quotaView('web')?.byAgent['edge-a']).toBeUndefined();
    await until(() => (b.allowance('web') ?? 0) > before, 5_000, 'edge-b given the returned quota');
    expect(Date.now() - revokedAt).toBeLessThan(LEASE_MS / 2);
    expect((await r.call('GET', '/v1/agents/edge-a')).json()).toMatchObject({ connected: false });
    // No more versions for it, and its token is refused.
    expect((await r.call('PUT', '/v1/config', document(20))).statusCode).toBe(200);
    await until(() => b.appliedVersion !== null && b.allowances.get('web')?.limit === 20, 5_000, 'edge-b on the new version');
    expect(a.client.received.filter((m) => m.type === 'snapshot').every((m) => m.version !== b.appliedVersion)).toBe(true);
    await expect(SimulatedAgent.start({ url: r.url, token: tokenA, name: 'edge-a' })).rejects.toThrow(/HTTP 401/);
    expect(b.client.isOpen).toBe(true);
  });

  it('rebinding the agent token to another agent cuts the session of the agent it was issued for', async () => {
    db = await createTestDatabase();
    const r = await replica(db);
    const { a, b, tokenA } = await twoAgents(r);
    expect((await r.call('PATCH', '/v1/agent-tokens/edge-a-token', { agent: 'edge-z' })).statusCode).toBe(200);
    expect(await within(a.closed, 3_000, 'close of the rebound session')).toMatchObject({ code: 4001, reason: 'SPILLWAY_HUB_TOKEN_REVOKED' });
    expect(r.app.agentHub.quotaView('web')?.byAgent['edge-a']).toBeUndefined();
    // The token now names edge-z: as edge-a it is refused at hello (4003), as edge-z it connects.
    const z = await SimulatedAgent.start({ url: r.url, token: tokenA, name: 'edge-z' });
    agents.push(z);
    expect(z.client.isOpen).toBe(true);
    expect(b.client.isOpen).toBe(true);
  });

  it('DELETE /v1/agents/{id} closes its live session, returns its quota and keeps it deleted', async () => {
    db = await createTestDatabase();
    const r = await replica(db);
    const { a, b, tokenA } = await twoAgents(r);
    expect((await r.call('DELETE', '/v1/agents/edge-a')).statusCode).toBe(204);
    expect(await within(a.closed, 3_000, 'close of the deleted agent')).toMatchObject({ code: 4001, reason: 'SPILLWAY_HUB_AGENT_DELETED' });
    expect(r.app.agentHub.quotaMembers().map(([n]) => n)).toEqual(['edge-b']);
    expect(r.app.agentHub.agent('edge-a')).toBeUndefined();
    // Neither listed from the hub nor brought back in the Agent table by the disconnect.
    await until(async () => (await r.call('GET', '/v1/agents/edge-a')).statusCode === 404, 3_000, 'edge-a gone from GET /v1/agents');
    expect((await r.call('GET', '/v1/agents')).json<{ items: Array<{ id: string }> }>().items.map((x) => x.id)).toEqual(['edge-b']);
    expect(await db.prisma.agent.findUnique({ where: { name: 'edge-a' } })).toBeNull();
    await expect(SimulatedAgent.start({ url: r.url, token: tokenA, name: 'edge-a' })).rejects.toThrow(/HTTP 401/);
    expect(b.client.isOpen).toBe(true);
  });

  it('a token revoked on one replica cuts the session held by another (LISTEN/NOTIFY)', async () => {
    db = await createTestDatabase();
    const one = await replica(db, { replicas: true });
    const two = await replica(db, { replicas: true });
    const token = await agentToken(one, 'edge-a');
    const a = await connect(two, 'edge-a', token);
    await until(() => two.app.agentHub.agent('edge-a')?.connected === true, 3_000, 'edge-a on replica two');
    expect((await one.call('DELETE', '/v1/agent-tokens/edge-a-token')).statusCode).toBe(204);
    expect(await within(a.closed, 5_000, 'close on the other replica')).toMatchObject({ code: 4001, reason: 'SPILLWAY_HUB_TOKEN_REVOKED' });
    expect(two.app.agentHub.quotaMembers()).toEqual([]);
  });
});
