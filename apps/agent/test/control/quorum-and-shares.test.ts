// What the control plane decides for every agent, enforced by one: the quorum state of each
// service (`service-states`) over the agent's own monitors while the control plane is reachable,
// and the agent's share of a vserver's bandwidth budget (`bandwidth-shares`). A real hub
// (Fastify + WebSocket on loopback), a real in-process agent with its control client, a
// simulated second agent voting and reporting over the same protocol, real TCP backends.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAgent } from '@spillway/protocol';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { createAgent, type Agent } from '../../src/agent.js';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { openHeld, tcpBackend, tcpService, tcpVServer, until, type Backend } from '../helpers.js';

const log = createLogger({}, 'silent');
let app: FastifyInstance;
let url = '';
let backends: Backend[] = [];
let agent: Agent;
let client: ControlClient;
let other: SimulatedAgent | null = null;
const held: { destroy(): void }[] = [];

async function startHub(port = 0): Promise<void> {
  app = Fastify({ logger: false });
  await app.register(agentHub, {
    authenticate: (t) => (t === 'secret-a' ? 'agent-a' : t === 'secret-b' ? 'agent-b' : null),
    heartbeatMs: 100,
    leaseMissedHeartbeats: 5,
  });
  await app.listen({ port, host: '127.0.0.1' });
  url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/agents/connect`;
}

/** web-1 and web-2 (capacity 10 each) behind `v` with a dynamic threshold, spilling to `spare`. */
const doc = (methods: unknown[] = [{ type: 'dynamicconnection' }]) => ({
  services: [tcpService('web-1', backends[0]!.port, 10), tcpService('web-2', backends[1]!.port, 10), tcpService('spare', backends[2]!.port, 100)],
  monitors: [],
  vservers: [{ ...tcpVServer('v', ['web-1', 'web-2'], { methods, backup: 'v-backup' }), lbMethod: 'roundrobin' }, tcpVServer('v-backup', ['spare'], {}, false)],
});

const vserver = async () => (await agent.stats()).vservers.v!;

async function serve(config: ReturnType<typeof doc>): Promise<void> {
  app.agentHub.setConfig({ version: String(Date.now()), config });
  await until(
    async () => agent.ports().v,
    (p) => p !== undefined,
  );
}

beforeEach(async () => {
  backends = await Promise.all([tcpBackend('web-1'), tcpBackend('web-2'), tcpBackend('spare')]);
  await startHub();
  agent = await createAgent({ config: { services: [], monitors: [], vservers: [], agent: { name: 'agent-a', workers: 0 } }, log });
  client = new ControlClient({ url, token: 'secret-a', agent, log, backoff: { initialMs: 50, maxMs: 200 } });
  client.start();
});

afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  other?.crash();
  other = null;
  await client?.stop();
  await agent?.close();
  await app?.close();
  await Promise.all(backends.map((b) => b.close()));
});

describe('control plane decisions enforced by the agent', () => {
  it("enforces the quorum's DOWN over its own monitors: the threshold drops and the service gets no new connection", async () => {
    await serve(doc());
    await until(vserver, (v) => v.health_percent === 100);
    await until(
      async () => app.agentHub.serviceState('web-2'),
      (s) => s?.up === 1,
    );
    // The other agent sees web-2 DOWN: with two voters a majority of UP is gone, the quorum says DOWN.
    other = await SimulatedAgent.start({ url, token: 'secret-b', name: 'agent-b' });
    other.transition('web-2', 'DOWN');
    await until(vserver, (v) => v.health_percent === 50);
    expect(app.agentHub.limit('v')?.value).toBe(10);
    expect(app.agentHub.serviceState('web-2')).toMatchObject({ state: 'DOWN', voters: 2, up: 1 });
    // Its own monitors still say UP (and it keeps voting UP).
    expect((await agent.stats()).services['web-2']!.state).toBe('UP');
    const landed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const o = await openHeld(agent.ports().v!);
      held.push(o.socket);
      landed.push(o.first);
    }
    expect(landed).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);
  });

  it('returns to its own monitors while the control plane is unreachable, and to the quorum once it is back', async () => {
    await serve(doc());
    other = await SimulatedAgent.start({ url, token: 'secret-b', name: 'agent-b' });
    other.transition('web-2', 'DOWN');
    await until(vserver, (v) => v.health_percent === 50);
    const port = (app.server.address() as AddressInfo).port;
    other.crash();
    other = null;
    await app.close();
    await until(vserver, (v) => v.health_percent === 100);
    const landed = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const o = await openHeld(agent.ports().v!);
      held.push(o.socket);
      landed.add(o.first);
    }
    expect([...landed].sort()).toEqual(['web-1', 'web-2']);
    // A new control plane on the same address, where agent-b sees web-2 DOWN again: the quorum decides again.
    await startHub(port);
    app.agentHub.setConfig({ version: 'again', config: doc() });
    await until(
      async () => client.status().connected,
      (c) => c,
    );
    other = await SimulatedAgent.start({ url, token: 'secret-b', name: 'agent-b' });
    other.transition('web-2', 'DOWN');
    await until(vserver, (v) => v.health_percent === 50);
  });

  it("enforces the share of the bandwidth budget the control plane pushes, rebalanced from the agents' reported rates", async () => {
    const bandwidth = { type: 'bandwidth', thresholdKbps: 1000, direction: 'out' };
    await serve(doc([bandwidth]));
    // Alone, the agent holds the whole budget.
    await until(vserver, (v) => v.bandwidth_share === 1);
    other = await SimulatedAgent.start({ url, token: 'secret-b', name: 'agent-b' });
    await until(vserver, (v) => v.bandwidth_share <= 0.55);
    const split = (): number => Object.values(app.agentHub.bandwidthShares('v')).reduce((a, b) => a + b, 0);
    expect(split()).toBeLessThanOrEqual(1);
    // agent-b sends 900 kbit/s through v, agent-a nothing: the budget moves to agent-b.
    const busy = { cxActive: 1, cxTotal: 1, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 900 };
    const report = setInterval(() => other?.report({ v: busy }), 100);
    try {
      const low = await until(vserver, (v) => v.bandwidth_share < 0.2);
      expect(low.bandwidth_share).toBeGreaterThanOrEqual(0.1);
      expect(app.agentHub.bandwidthShares('v')['agent-b']).toBeGreaterThan(0.8);
      expect(split()).toBeLessThanOrEqual(1);
    } finally {
      clearInterval(report);
    }
    // agent-b's lease ends: its share returns to agent-a.
    other.crash();
    other = null;
    await until(vserver, (v) => v.bandwidth_share === 1);
  });
});
