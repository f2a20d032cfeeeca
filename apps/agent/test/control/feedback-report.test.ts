// Agent-check feedback of a managed agent reaches the control plane: a real hub (Fastify +
// WebSocket on loopback), a real in-process agent with its control client, a real agent-check
// responder beside a real backend. The agent's report carries the effective weight, capacity and
// drain, the hub's vserver status shows them, and the agent's own threshold follows maxconn under
// the hub's allocation.
import Fastify, { type FastifyInstance } from 'fastify';
import net, { type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { vserverStatus } from '../../../control-plane/src/agent-hub/status.js';
import { createAgent, type Agent } from '../../src/agent.js';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { tcpBackend, tcpService, tcpVServer, until, type Backend } from '../helpers.js';

const log = createLogger({}, 'silent');
let app: FastifyInstance | undefined;
let agent: Agent | undefined;
let client: ControlClient | undefined;
let backends: Backend[] = [];
let check: net.Server | undefined;

afterEach(async () => {
  await client?.stop();
  await agent?.close();
  await app?.close();
  await Promise.all(backends.map((b) => b.close()));
  await new Promise<void>((r) => (check ? check.close(() => r()) : r()));
});

it('reports the effective capacity and drain to the control plane, whose status shows them', async () => {
  backends = await Promise.all([tcpBackend('web-1'), tcpBackend('web-2')]);
  check = net.createServer((s) => {
    s.on('error', () => s.destroy());
    s.end('maxconn:2 drain\n');
  });
  await new Promise<void>((r) => check!.listen(0, '127.0.0.1', r));
  app = Fastify({ logger: false });
  await app.register(agentHub, { authenticate: (t) => (t === 'secret-a' ? 'agent-a' : null), heartbeatMs: 100, leaseMissedHeartbeats: 5 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/agents/connect`;
  agent = await createAgent({ config: { services: [], monitors: [], vservers: [], agent: { name: 'agent-a', workers: 0 } }, log });
  client = new ControlClient({ url, token: 'secret-a', agent, log, backoff: { initialMs: 50, maxMs: 200 } });
  client.start();
  app.agentHub.setConfig({
    version: '1',
    config: {
      monitors: [
        { name: 'fb', type: 'agent', intervalMs: 200, timeoutMs: 150, fall: 3, rise: 1, weight: 0, agent: { port: (check.address() as AddressInfo).port } },
      ],
      services: [tcpService('web-1', backends[0]!.port, 10, { monitors: [{ monitor: 'fb' }] }), tcpService('web-2', backends[1]!.port, 10)],
      vservers: [tcpVServer('v', ['web-1', 'web-2'], { methods: [{ type: 'dynamicconnection' }] })],
    },
  });
  const s = await until(
    async () => vserverStatus(app!.agentHub, 'v'),
    (x) => x?.services.find((svc) => svc.name === 'web-1')?.effective !== undefined,
  );
  expect(s!.services.find((svc) => svc.name === 'web-1')!.effective).toEqual({
    weight: 1,
    capacity: 2,
    state: 'disabled',
    drain: true,
    agents: 1,
    source: 'agent-check',
  });
  expect(s!.services.find((svc) => svc.name === 'web-2')).not.toHaveProperty('effective');
  // The hub derives the threshold from the effective capacities too: web-2's 10 (web-1 drains), not the configured 20.
  await until(
    async () => app!.agentHub.limit('v')?.value,
    (t) => t === 10,
  );
  // The agent enforces its share of it (the hub keeps a batch to lend): at most 10.
  await until(
    async () => (await agent!.stats()).vservers.v?.threshold,
    (t) => t !== undefined && t !== null && t > 0 && t <= 10,
  );
});
