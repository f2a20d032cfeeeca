// Spillover events through the control plane: an agent's reports show a vserver spilling past its
// limit; one vserver.spillover_started is recorded however many reports keep showing spills, and
// one vserver.spillover_stopped once none showed a spill for the hold time, both in GET /v1/events
// and on the SSE stream. Real database, REST API and WebSockets; the agent is simulated.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedAgent, type Report } from '@spillway/protocol';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { until } from './helpers.js';
import { agentToken, startReplica, type Replica } from './replica.js';
import { spillMethod } from '../../src/agent-hub/spillover-events.js';
import type { VServerLimit } from '../../src/agent-hub/limits.js';

const HOLD_MS = 3_000;

let db: TestDatabase | null = null;
const apps: FastifyInstance[] = [];
const agents: SimulatedAgent[] = [];
const streams: AbortController[] = [];

afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  for (const a of agents.splice(0)) a.crash();
  for (const a of apps.splice(0)) await a.close();
  await db?.drop();
  db = null;
});

const document = {
  services: [{ name: 'web-1', address: '127.0.0.1', port: 9101, protocol: 'tcp', capacity: 50 }],
  monitors: [],
  vservers: [
    {
      name: 'web',
      protocol: 'tcp',
      listen: { port: 18081 },
      services: [{ service: 'web-1' }],
      spillover: { methods: [{ type: 'connection', threshold: 4 }], action: 'drop' },
    },
  ],
};

const counters = (spills: number, cxActive = 4): Report['vservers'][string] => ({
  cxActive,
  cxTotal: cxActive + spills,
  spilloversTotal: spills,
  rxBytesTotal: 0,
  txBytesTotal: 0,
  rxKbps: 0,
  txKbps: 0,
  spilloversByCause: { connection: spills },
});

interface EventView {
  id: string;
  kind: string;
  at: string;
  actor: string;
  object: { kind: string; name: string } | null;
  data: Record<string, unknown>;
}

const isSpill = (e: EventView): boolean => e.kind.startsWith('vserver.spillover_');

/** The SSE stream of the replica (its spillover events), collected as they arrive. */
async function stream(r: Replica): Promise<EventView[]> {
  const port = (r.app.server.address() as AddressInfo).port;
  const ctl = new AbortController();
  streams.push(ctl);
  const res = await fetch(`http://127.0.0.1:${port}/v1/events/stream?kind=vserver.`, {
    headers: { authorization: `Bearer ${r.admin}` },
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
  const seen: EventView[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          const e = data ? (JSON.parse(data.slice(6)) as EventView) : null;
          if (e && isSpill(e)) seen.push(e);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return seen;
}

async function setUp(spillHoldMs = HOLD_MS): Promise<{ cp: Replica; agent: SimulatedAgent; sse: EventView[] }> {
  db = await createTestDatabase();
  const cp = await startReplica({
    prisma: db.prisma,
    hub: { heartbeatMs: 200, leaseMissedHeartbeats: 10, persistMs: 100, spillHoldMs },
    admin: 'spw_test-admin-token-0123456789',
    apps,
  });
  const agent = await SimulatedAgent.start({ url: cp.url, token: await agentToken(cp, 'edge-1'), name: 'edge-1', workers: 2 });
  agents.push(agent);
  agent.startHeartbeats();
  const snapshot = agent.client.waitFor('snapshot', undefined, 15_000);
  expect((await cp.call('PUT', '/v1/config', document)).statusCode).toBe(200);
  await snapshot;
  const sse = await stream(cp);
  return { cp, agent, sse };
}

/** Sends a report and waits until the hub holds it. */
async function report(cp: Replica, agent: SimulatedAgent, vservers: Report['vservers']): Promise<void> {
  agent.report(vservers);
  const want = JSON.stringify(vservers);
  await until(() => JSON.stringify(cp.app.agentHub.agent('edge-1')?.report?.vservers) === want, 10_000, 'report held by the hub');
}

/** The spillover events in GET /v1/events once there are at least `n`. */
const atLeast = (cp: Replica, n: number, timeoutMs: number, what: string): Promise<EventView[]> =>
  until(
    async () => {
      const l = await listed(cp);
      return l.length >= n ? l : null;
    },
    timeoutMs,
    what,
  );

const listed = async (cp: Replica): Promise<EventView[]> =>
  (await cp.call('GET', '/v1/events?kind=vserver.&limit=1000')).json<{ items: EventView[] }>().items.filter(isSpill);

describe('spillover events', () => {
  it('records one vserver.spillover_started while a vserver keeps spilling past its limit, and one stopped after the hold, in /v1/events and on the stream', async () => {
    const { cp, agent, sse } = await setUp();
    await report(cp, agent, { web: counters(0) });
    // Spilling: every report shows more spills (a vserver held at its limit of 4).
    for (let spills = 3; spills <= 30; spills += 3) await report(cp, agent, { web: counters(spills) });
    const started = await atLeast(cp, 1, 10_000, 'spillover_started in /v1/events');
    expect(started[0]).toEqual(
      expect.objectContaining({
        kind: 'vserver.spillover_started',
        actor: 'system',
        object: { kind: 'vserver', name: 'web' },
        data: { vserver: 'web', method: 'connection', limit: 4, agents: ['edge-1'] },
      }),
    );
    // Quiet reports (the counter stays): the episode stops only after the hold time.
    await report(cp, agent, { web: counters(30, 2) });
    const events = await atLeast(cp, 2, HOLD_MS + 15_000, 'spillover_stopped in /v1/events');
    expect(events.map((e) => e.kind)).toEqual(['vserver.spillover_started', 'vserver.spillover_stopped']);
    const stopped = events[1]!;
    expect(stopped.data).toEqual(expect.objectContaining({ vserver: 'web', method: 'connection', limit: 4, agents: ['edge-1'], spills: 30, reason: 'quiet' }));
    expect(Date.parse(stopped.at) - Date.parse(stopped.data.lastSpillAt as string)).toBeGreaterThanOrEqual(HOLD_MS);
    // The stream saw the same pair, in order, once each.
    await until(() => sse.length >= 2, 10_000, 'both events on the SSE stream');
    expect(sse.map((e) => [e.id, e.kind])).toEqual(events.map((e) => [e.id, e.kind]));
  });

  it('shows a vserver spilling in its status while its episode is open, below its limit too, and stops the episode of a vserver removed from the config at once', async () => {
    // A hold longer than the test: only the removal can stop it.
    const { cp, agent } = await setUp(600_000);
    await report(cp, agent, { web: counters(0, 0) });
    const status = async (): Promise<{ spilling: boolean }> => (await cp.call('GET', '/v1/vservers/web/status')).json<{ spilling: boolean }>();
    expect((await status()).spilling).toBe(false);
    await report(cp, agent, { web: counters(5, 0) });
    await until(async () => (await listed(cp)).length === 1, 10_000, 'spillover_started');
    // No connection active (0 of 4): spilling by the episode alone.
    expect((await status()).spilling).toBe(true);
    expect((await cp.call('PUT', '/v1/config?prune=true', { ...document, vservers: [] })).statusCode).toBe(200);
    const events = await atLeast(cp, 2, 10_000, 'spillover_stopped of the removed vserver');
    expect(events[1]).toEqual(
      expect.objectContaining({ kind: 'vserver.spillover_stopped', data: expect.objectContaining({ vserver: 'web', reason: 'removed', spills: 5 }) }),
    );
  });
});

describe('spillMethod', () => {
  const vs = {
    name: 'web',
    spillover: {
      methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 800, direction: 'in' }, { type: 'health', thresholdPercent: 60 }],
    },
  };
  const limit: VServerLimit = { value: 40, method: 'dynamicconnection', derivation: [], healthPercent: 100 };

  it('names the method that tripped and the limit it holds: the connection limit as derived, thresholdKbps, thresholdPercent', () => {
    expect(spillMethod('connection', vs, limit)).toEqual({ method: 'dynamicconnection', limit: 40 });
    expect(spillMethod('bandwidth', vs, limit)).toEqual({ method: 'bandwidth', limit: 800 });
    expect(spillMethod('health', vs, limit)).toEqual({ method: 'health', limit: 60 });
  });
  it('names down without a limit, and the connection limit when the agents sent no causes', () => {
    expect(spillMethod('down', vs, limit)).toEqual({ method: 'down', limit: null });
    expect(spillMethod(null, vs, limit)).toEqual({ method: 'dynamicconnection', limit: 40 });
    expect(spillMethod(null, vs, null)).toEqual({ method: null, limit: null });
  });
});
