// Deltas on a real agent: its control client against a real hub (Fastify + WebSocket on
// loopback), a real in-process agent and a real TCP backend. The hub checks every version before
// it becomes a delta, so the deltas an agent must refuse are sent through the hub's session of
// the agent as they would arrive from a faulty or foreign control plane.
import Fastify, { type FastifyInstance } from 'fastify';
import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigDelta } from '@spillway/protocol';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { createAgent, type Agent } from '../../src/agent.js';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { accepts, openHeld, tcpBackend, tcpService, until, type Backend } from '../helpers.js';

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
  client = new ControlClient({
    url: `ws://127.0.0.1:${port}/v1/agents/connect`,
    token: 'secret-a',
    agent,
    log,
    backoff: { initialMs: 50, maxMs: 200 },
    reportMs: 60_000,
  });
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

  it('NACKs a delta breaking a serving rule on objects it does not carry (a taken listen port, a removed maintenance target), with nothing applied', async () => {
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    const onPort = (name: string) => ({ ...vserver(name, ['b']), listen: { port, host: '127.0.0.1' } });
    // Version 2: a vserver on that port, a service c and a service d whose maintenance target is c.
    inject({
      version: '2',
      base: '1',
      upserted: {
        services: [tcpService('c', backend.port, 1), tcpService('d', backend.port, 1, { maintenance: { target: 'c' } })],
        monitors: [],
        vservers: [onPort('w') as never],
      },
      removed: { services: [], monitors: [], vservers: [] },
    });
    await until(
      async () => client.status().appliedVersion,
      (v) => v === '2',
    );
    // Another vserver on w's port: the check finds w by its port (the delta does not carry it).
    inject({ version: '3', base: '2', upserted: { ...none, vservers: [onPort('z') as never] }, removed: { services: [], monitors: [], vservers: [] } });
    await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '3',
    );
    expect(app.agentHub.agent('agent-a')?.lastNack).toMatchObject({
      code: 'SPILLWAY_AGENT_CONFIG_INVALID',
      details: [{ path: '/upserted/vservers/0/listen/port' }],
    });
    // c removed: d, whose maintenance target it is, is found by that target.
    inject({ version: '4', base: '2', upserted: none, removed: { services: ['c'], monitors: [], vservers: [] } });
    await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '4',
    );
    expect(app.agentHub.agent('agent-a')?.lastNack).toMatchObject({
      code: 'SPILLWAY_AGENT_CONFIG_INVALID',
      details: [{ path: '/services/d/maintenance/target', message: 'no service named c' }],
    });
    expect(client.status().appliedVersion).toBe('2');
    expect(agent.config.services.map((x) => x.name)).toEqual(['b', 'c', 'd']);
    expect(Object.keys(agent.ports()).sort()).toEqual(['v', 'w']);
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
    // The snapshot went through the same apply, as its diff from the document running: nothing.
    expect((await agent.stats()).agent.config_objects_rebuilt_last).toBe(0);
  });

  it('applies a one-object delta to a 1,000-vserver document rebuilding only what it reaches: the other listeners keep their sockets and counters', async () => {
    const services = [tcpService('b', backend.port, 100), tcpService('c', backend.port, 100)];
    const docOf = (n: number, ...more: ReturnType<typeof vserver>[]) => ({
      services,
      monitors: [],
      vservers: [vserver('x', ['c']), ...Array.from({ length: n }, (_, i) => vserver(`v-${i}`, ['b'])), ...more],
    });
    let next = 1;
    /** Pushes the next version and waits until the agent ACKed it; the objects its apply rebuilt. */
    const push = async (config: object): Promise<number> => {
      const version = String(++next);
      app.agentHub.setConfig({ version, config: config as never });
      await until(
        async () => app.agentHub.agent('agent-a')?.appliedVersion,
        (v) => v === version,
        30_000,
      );
      return (await agent.stats()).agent.config_objects_rebuilt_last;
    };
    // The same one-vserver delta on a document of 10 vservers and on one of 1,000: the same work.
    await push(docOf(9));
    expect(await push(docOf(9, vserver('new', ['b'])))).toBe(1);
    await push(docOf(999));
    const deltas = app.agentHub.stats.deltasSent;
    const ports = agent.ports();
    expect(Object.keys(ports)).toHaveLength(1_000);
    const onV = await openHeld(ports['v-500']!);
    const onX = await openHeld(ports.x!);
    held.push(onV.socket, onX.socket);
    expect([onV.first, onX.first]).toEqual(['b', 'b']);

    // A new vserver: 1 object; it opens its listener and serves.
    const doc = docOf(999, vserver('new', ['b']));
    expect(await push(doc)).toBe(1);
    const onNew = await openHeld(agent.ports().new!);
    held.push(onNew.socket);
    expect(onNew.first).toBe('b');
    // A service (its weight) and the one vserver bound to it (a connection limit) changed in place: 2 objects; x keeps its listener and connection.
    services[1] = tcpService('c', backend.port, 100, { weight: 3 });
    doc.vservers[0] = { ...vserver('x', ['c']), spillover: { methods: [{ type: 'connection', threshold: 5 }], action: 'drop' } };
    expect(await push(doc)).toBe(2);
    expect(agent.config.vservers.find((v) => v.name === 'x')?.spillover.methods).toEqual([{ type: 'connection', threshold: 5 }]);
    expect(agent.config.services.find((v) => v.name === 'c')?.weight).toBe(3);
    // A vserver removed: 1 object; its listener closes.
    doc.vservers.splice(4, 1);
    expect(await push(doc)).toBe(1);
    expect(agent.ports()['v-3']).toBeUndefined();
    expect(await accepts(ports['v-3']!)).toBe(false);
    expect(app.agentHub.stats.deltasSent).toBe(deltas + 3);

    // Every other listener is the one it was, with its connections and counters.
    const { 'v-3': _gone, ...others } = ports;
    expect(Object.fromEntries(Object.entries(agent.ports()).filter(([name]) => name in others))).toEqual(others);
    const stats = await agent.stats();
    expect(stats.vservers['v-500']).toMatchObject({ cx_active: 1, cx_total: 1 });
    expect(stats.vservers.x).toMatchObject({ cx_active: 1, cx_total: 1 });
    expect(stats.services.c).toMatchObject({ cx_active: 1, cx_total: 1 });
    const echo = (socket: Socket): Promise<string> =>
      new Promise((resolve) => {
        socket.once('data', (c: Buffer) => resolve(c.toString()));
        socket.write('ping\n');
      });
    expect(await echo(onV.socket)).toContain('ping');
    expect(await echo(onX.socket)).toContain('ping');
  });
});
