// Deltas on a real agent: its control client against a real hub (Fastify + WebSocket on
// loopback), a real in-process agent and a real TCP backend. The hub checks every version before
// it becomes a delta, so the deltas an agent must refuse are sent through the hub's session of
// the agent as they would arrive from a faulty or foreign control plane.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigDelta } from '@spillway/protocol';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { createAgent, type Agent } from '../../src/agent.js';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { openHeld, tcpBackend, tcpService, until, type Backend } from '../helpers.js';

const log = createLogger({}, 'silent');
let app: FastifyInstance;
let backend: Backend;
let agent: Agent;
let client: ControlClient;
const held: { destroy(): void }[] = [];

const vserver = (name: string, services: string[]) => ({
  name,
  protocol: 'tcp',
  listen: { port: 0, host: '127.0.0.1' },
  services: services.map((service) => ({ service })),
  spillover: { methods: [], action: 'drop' },
});
const doc = (vservers: ReturnType<typeof vserver>[]) => ({ services: [tcpService('b', backend.port, 100)], monitors: [], vservers });
const none: ConfigDelta['upserted'] = { services: [], monitors: [], vservers: [] };

beforeEach(async () => {
  backend = await tcpBackend('b');
  app = Fastify({ logger: false });
  await app.register(agentHub, { authenticate: (t) => (t === 'secret-a' ? 'agent-a' : null), heartbeatMs: 100, leaseMissedHeartbeats: 20 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  agent = await createAgent({ config: { services: [], monitors: [], vservers: [], agent: { name: 'agent-a', workers: 0 } }, log });
  client = new ControlClient({ url: `ws://127.0.0.1:${port}/v1/agents/connect`, token: 'secret-a', agent, log, backoff: { initialMs: 50, maxMs: 200 } });
  client.start();
  app.agentHub.setConfig({ version: '1', config: doc([vserver('v', ['b'])]) as never });
  await until(
    async () => app.agentHub.agent('agent-a')?.appliedVersion,
    (v) => v === '1',
  );
});

afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  await client?.stop();
  await agent?.close();
  await app?.close();
  await backend?.close();
});

function inject(d: Omit<ConfigDelta, 'type'>): void {
  const sent = app.agentHub.agent('agent-a')?.session?.send({ type: 'delta', ...d });
  expect(sent).toBe(true);
}

describe('agent control client: deltas', () => {
  it('NACKs a delta naming an unknown service or removing one still bound, with nothing applied', async () => {
    inject({
      version: '2',
      base: '1',
      upserted: { ...none, vservers: [vserver('w', ['ghost']) as never] },
      removed: { services: [], monitors: [], vservers: [] },
    });
    const rec = await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '2',
    );
    expect(rec?.lastNack).toMatchObject({
      code: 'SPILLWAY_AGENT_DELTA_INCONSISTENT',
      details: [{ path: '/upserted/vservers/0/services/0/service', message: 'no service named ghost' }],
    });
    inject({ version: '3', base: '1', upserted: none, removed: { services: ['b'], monitors: [], vservers: [] } });
    await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '3',
    );
    expect(app.agentHub.agent('agent-a')?.lastNack).toMatchObject({ code: 'SPILLWAY_AGENT_DELTA_INCONSISTENT' });
    // Nothing of either was applied: same version, same document, no new listener, still serving.
    expect(client.status().appliedVersion).toBe('1');
    expect(agent.config.vservers.map((v) => v.name)).toEqual(['v']);
    expect(agent.config.services.map((s) => s.name)).toEqual(['b']);
    expect(Object.keys(agent.ports())).toEqual(['v']);
    const o = await openHeld(agent.ports().v!);
    held.push(o.socket);
    expect(o.first).toBe('b');
  });

  it('applies the next good version as a delta from the version it runs: the new vserver listens and serves', async () => {
    app.agentHub.setConfig({ version: '2', config: doc([vserver('v', ['b']), vserver('w', ['b'])]) as never });
    await until(
      async () => app.agentHub.agent('agent-a')?.appliedVersion,
      (v) => v === '2',
    );
    expect(app.agentHub.stats.deltasSent).toBe(1);
    const o = await openHeld(agent.ports().w!);
    held.push(o.socket);
    expect(o.first).toBe('b');
  });

  it('asks for a resync on a delta of another base, and applies the snapshot it gets', async () => {
    const before = app.agentHub.stats.snapshotsSent;
    inject({ version: '9', base: 'not-the-base', upserted: none, removed: { services: [], monitors: [], vservers: ['v'] } });
    await until(
      async () => app.agentHub.stats.snapshotsSent,
      (n) => n === before + 1,
    );
    await until(
      async () => app.agentHub.agent('agent-a')?.inFlight,
      (v) => v === null,
    );
    expect(client.status().appliedVersion).toBe('1');
    expect(Object.keys(agent.ports())).toEqual(['v']);
  });
});
