// The agent's control client against a real hub (Fastify + WebSocket on loopback), a real
// in-process agent and real TCP backends.
import Fastify, { type FastifyInstance } from 'fastify';
import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { createAgent, type Agent } from '../../src/agent.js';
import { serviceKey } from '@spillway/protocol';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { openHeld, tcpBackend, tcpService, until, type Backend } from '../helpers.js';

const log = createLogger({}, 'silent');
let app: FastifyInstance;
let port = 0;
let backend: Backend;
let spare: Backend;
let agent: Agent;
let client: ControlClient;
const held: { destroy(): void }[] = [];

async function startHub(atPort = 0, serviceCapacity = false): Promise<void> {
  app = Fastify({ logger: false });
  await app.register(agentHub, { authenticate: (t) => (t === 'secret-a' ? 'agent-a' : null), heartbeatMs: 100, leaseMissedHeartbeats: 20, serviceCapacity });
  await app.listen({ port: atPort, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
}

const doc = (threshold: number, extra: Record<string, unknown> = {}) => ({
  services: [tcpService('b', backend.port, 100, extra), tcpService('spare', spare.port, 100)],
  monitors: [],
  vservers: [
    {
      name: 'v',
      protocol: 'tcp',
      listen: { port: 0, host: '127.0.0.1' },
      services: [{ service: 'b' }],
      spillover: { methods: [{ type: 'connection', threshold }], backup: 'v-backup', action: 'drop' },
    },
    { name: 'v-backup', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
  ],
});

async function land(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await openHeld(agent.ports().v!);
    held.push(o.socket);
    out.push(o.first);
  }
  return out;
}

beforeEach(async () => {
  [backend, spare] = await Promise.all([tcpBackend('b'), tcpBackend('spare')]);
  await startHub();
  agent = await createAgent({ config: { services: [], monitors: [], vservers: [], agent: { name: 'agent-a', workers: 0 } }, log });
  client = new ControlClient({ url: `ws://127.0.0.1:${port}/v1/agents/connect`, token: 'secret-a', agent, log, backoff: { initialMs: 50, maxMs: 200 } });
  client.start();
});

afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  await client?.stop();
  await agent?.close();
  await app?.close();
  await Promise.all([backend, spare].map((b) => b?.close()));
});

describe('agent control client', () => {
  it('applies the pushed snapshot through applyConfig, ACKs it and serves the vserver', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(10) });
    await until(
      async () => app.agentHub.agent('agent-a')?.appliedVersion,
      (v) => v === '1',
    );
    expect(client.status()).toMatchObject({ connected: true, appliedVersion: '1' });
    expect(await land(1)).toEqual(['b']);
  });

  it('NACKs a snapshot the agent rejects and keeps serving the last good one', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(10) });
    await until(
      async () => client.status().appliedVersion,
      (v) => v === '1',
    );
    app.agentHub.setConfig({ version: '2', config: doc(10, { capacity: -5 }) });
    const rec = await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '2',
    );
    expect(rec?.lastNack).toMatchObject({ code: 'SPILLWAY_AGENT_CONFIG_INVALID' });
    expect(rec?.appliedVersion).toBe('1');
    expect(await land(1)).toEqual(['b']);
  });

  it('enforces its allowance of the global limit, borrowing a batch before its share runs out', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(5) });
    // Limit 5, one engine: exclusive 4, shared 1 lent as a batch of 1.
    await until(
      async () => client.status().allowances.v,
      (a) => a?.exclusive === 4 && agent.ports().v !== undefined,
    ); // allocated and listening
    expect(await land(4)).toEqual(['b', 'b', 'b', 'b']);
    // The sampler borrows the shared batch while the exclusive share still covers every connection.
    await until(
      async () => client.status().allowances.v,
      (a) => a?.borrowed === 1,
      5_000,
    );
    expect(await land(2)).toEqual(['b', 'spare']);
    expect(app.agentHub.quotaView('v')).toMatchObject({ limit: 5, shared: 0, byAgent: { 'agent-a': { exclusive: 4, borrowed: 1 } } });
  });

  it('reports its active connections every second', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(10) });
    await until(
      async () => client.status().appliedVersion,
      (v) => v === '1',
    );
    await land(2);
    await until(
      async () => app.agentHub.agent('agent-a')?.report?.vservers.v?.cxActive,
      (n) => n === 2,
      5_000,
    );
  });

  it('reports the clients waiting in its surge queue, which the status route shows', async () => {
    const config = doc(10, { capacity: 1 });
    const vservers = config.vservers.map((v) => (v.name === 'v' ? { ...v, surgeQueue: { length: 5, timeoutMs: 10_000 } } : v));
    app.agentHub.setConfig({ version: '1', config: { ...config, vservers } });
    await until(
      async () => client.status().appliedVersion,
      (v) => v === '1',
    );
    expect(await land(1)).toEqual(['b']);
    // Service b is at its capacity of 1: the next client waits in the surge queue.
    const waiting = net.connect(agent.ports().v!, '127.0.0.1');
    held.push(waiting);
    await until(
      async () => app.agentHub.agent('agent-a')?.report?.vservers.v?.surgeQueue,
      (n) => n === 1,
      5_000,
    );
    const status = (await (await fetch(`http://127.0.0.1:${port}/v1/vservers/v/status`)).json()) as { surgeQueue: number };
    expect(status.surgeQueue).toBe(1);
  });

  it('keeps serving with its last config and quota while the control plane is down, then reconnects and reconciles', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(5) });
    await until(
      async () => client.status().allowances.v,
      (a) => a?.exclusive === 4 && agent.ports().v !== undefined,
    ); // allocated and listening
    expect(await land(2)).toEqual(['b', 'b']);
    const oldPort = port;
    await app.close();
    await until(
      async () => client.status().connected,
      (c) => !c,
    );
    expect(await land(3)).toEqual(['b', 'b', 'spare']);
    // A fresh control plane on the same address: the agent redials and reports what it holds.
    await startHub(oldPort);
    app.agentHub.setConfig({ version: '1', config: doc(5) });
    const rec = await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.connected === true,
      10_000,
    );
    expect(rec?.appliedVersion).toBe('1');
    expect(client.status().connects).toBe(2);
    await until(
      async () => app.agentHub.quotaView('v')?.byAgent['agent-a'],
      (q) => q !== undefined && q.exclusive + q.borrowed >= 4,
    );
  });

  it("admits nothing on its allowance once its lease has ended without word from the control plane, and admits again once it is back; a service's capacity falls back to its exclusive share", async () => {
    // With the service capacity pools: service b's capacity of 100 is a pool of the control plane too.
    await app.close();
    await startHub(port, true);
    app.agentHub.setConfig({ version: '1', config: doc(5) });
    await until(
      async () => client.status().allowances,
      (a) => a.v?.exclusive === 4 && a[serviceKey('b')]?.exclusive === 80 && agent.ports().v !== undefined,
    ); // allocated and listening
    expect(await land(2)).toEqual(['b', 'b']);
    const oldPort = port;
    await app.close();
    // Past the lease (2 s here) the control plane may have lent the allocation to other agents.
    await until(
      async () => client.status().leaseRemainingMs,
      (ms) => ms !== null && ms <= 0,
      5_000,
    );
    expect(await land(2)).toEqual(['spare', 'spare']);
    // The vserver's allowance is void (0); the service's is its exclusive share, which no other agent's can overlap.
    const fallback = await until(
      async () => client.status().allowances,
      (x) => x.v?.exclusive === 0,
      5_000,
    );
    expect(fallback).toMatchObject({ v: { exclusive: 0, borrowed: 0 }, [serviceKey('b')]: { exclusive: 80, borrowed: 0 } });
    await startHub(oldPort);
    app.agentHub.setConfig({ version: '1', config: doc(5) });
    await until(
      async () => client.status(),
      (st) => (st.leaseRemainingMs ?? 0) > 0 && (st.allowances.v?.exclusive ?? 0) >= 3,
      10_000,
    );
    expect(await land(1)).toEqual(['b']);
  });

  it('borrows at once for connections waiting on an allowance all in use, holding them until the grant', async () => {
    await client.stop();
    // No borrowing ahead: only connections waiting on the exhausted allocation can make it borrow.
    client = new ControlClient({
      url: `ws://127.0.0.1:${port}/v1/agents/connect`,
      token: 'secret-a',
      agent,
      log,
      borrowAhead: false,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    client.start();
    app.agentHub.setConfig({ version: '1', config: doc(20) });
    await until(
      async () => client.status().allowances.v,
      (a) => a?.exclusive === 16 && agent.ports().v !== undefined,
    ); // allocated and listening
    const burst = await Promise.all(Array.from({ length: 22 }, () => openHeld(agent.ports().v!)));
    for (const o of burst) held.push(o.socket);
    const landed = burst.map((o) => o.first);
    expect(landed.filter((x) => x === 'b')).toHaveLength(20);
    expect(landed.filter((x) => x === 'spare')).toHaveLength(2);
    expect(app.agentHub.quotaView('v')).toMatchObject({ limit: 20, shared: 0, byAgent: { 'agent-a': { exclusive: 16, borrowed: 4 } } });
  });

  it('acknowledges a revoke with the connections it still holds, and again as they close', async () => {
    app.agentHub.setConfig({ version: '1', config: doc(20) });
    await until(
      async () => client.status().allowances.v,
      (a) => a?.exclusive === 16 && agent.ports().v !== undefined,
    ); // allocated and listening
    const open = await Promise.all(Array.from({ length: 15 }, () => openHeld(agent.ports().v!)));
    expect(open.every((o) => o.first === 'b')).toBe(true);
    app.agentHub.setConfig({ version: '2', config: doc(10) });
    // 15 still open against an allowance of 8: the control plane counts 15 until they close (5 above
    // the limit: the shared pool shows 0, never less).
    await until(
      async () => app.agentHub.quotaView('v')?.pending['agent-a'],
      (n) => n === 15,
      5_000,
    );
    expect(app.agentHub.quotaView('v')).toMatchObject({ limit: 10, shared: 0 });
    for (const o of open.splice(0, 10)) o.socket.destroy();
    for (const o of open) held.push(o.socket);
    await until(
      async () => app.agentHub.quotaView('v'),
      (q) => q !== null && q.pending['agent-a'] === undefined && q.shared >= 0,
      5_000,
    );
  });
});
