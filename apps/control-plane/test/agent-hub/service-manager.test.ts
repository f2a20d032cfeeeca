// The service manager (service-manager.ts) through the hub with simulated agents: a select is
// answered with the service the view across agents picks (quorum state, load summed over the
// agents' reports and placements since, lbMethod through core's balancer), and the global
// table answers every agent the same for a client, a restarted one too.
import { expect, it } from 'vitest';
import { SimulatedAgent, type ConfigDocument, type Instruction, type Report } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
const agents = t.agents;
let hub: HubServer;

function managed(lbMethod = 'leastconn'): ConfigDocument {
  const c = webConfig();
  Object.assign(c.vservers[0]!, { lbMethod, selection: 'manager', persistence: { type: 'sourceip', timeoutSeconds: 60 } });
  return c;
}

let nextId = 1;
async function ask(a: SimulatedAgent, key: string, vserver = 'web'): Promise<Instruction> {
  const id = nextId++;
  const answered = a.client.waitFor('instruction', (m) => m.id === id);
  a.client.send({ type: 'select', id, vserver, key });
  return answered;
}

const svc = (cxActive: number, state: 'UP' | 'DOWN' = 'UP'): Report['services'][string] => ({ cxActive, cxTotal: cxActive, state });

async function twoAgents(config: ConfigDocument): Promise<[SimulatedAgent, SimulatedAgent]> {
  hub = await t.start();
  hub.app.agentHub.setConfig({ version: '1', config });
  const a = await t.agent('agent-a');
  const b = await t.agent('agent-b');
  return [a, b];
}

it('places a new client on the service with the fewest connections across agents and answers every agent the same for it', async () => {
  const [a, b] = await twoAgents(managed());
  // web-1 is busy on agent-a only: agent-b alone would see both idle.
  a.report({}, { 'web-1': svc(5), 'web-2': svc(0) });
  b.report({}, { 'web-1': svc(0), 'web-2': svc(1) });
  await until(() => hub.app.agentHub.loads.loadOf('web-1').reporting === 2, 3_000, 'reports');
  const first = await ask(b, '10.0.0.1');
  expect(first).toMatchObject({ vserver: 'web', key: '10.0.0.1', service: 'web-2', ttlMs: 60_000 });
  // The same client through the other agent: the global table.
  expect((await ask(a, '10.0.0.1')).service).toBe('web-2');
  // Placements count until the agents report them: web-2 has 1 reported + 2 placed (one connection through each agent).
  expect(hub.app.agentHub.loads.loadOf('web-2').active).toBe(3);
  expect(hub.app.agentHub.manager.stats).toMatchObject({ selectsTotal: 2, pickedTotal: 1, tableHitsTotal: 1 });
});

it('never places a client on a service DOWN by quorum, and moves a placed client off it', async () => {
  const [a, b] = await twoAgents(managed('roundrobin'));
  const placed = await ask(a, '10.0.0.2');
  expect(placed.service).not.toBeNull();
  const other = placed.service === 'web-1' ? 'web-2' : 'web-1';
  // Both agents see the placed service DOWN: DOWN by quorum.
  for (const x of [a, b]) x.report({}, { [placed.service!]: svc(0, 'DOWN'), [other]: svc(0) });
  await until(() => hub.app.agentHub.serviceState(placed.service!)?.state === 'DOWN', 3_000, 'DOWN by quorum');
  expect((await ask(b, '10.0.0.2')).service).toBe(other);
  for (let i = 0; i < 4; i++) expect((await ask(a, `10.0.1.${i}`)).service).toBe(other);
});

it('answers a restarted agent asking again with the service it placed the client on', async () => {
  const [a] = await twoAgents(managed('roundrobin'));
  const placed = (await ask(a, '10.0.0.3')).service;
  // Round robin would pick the other service next.
  a.crash();
  agents.splice(agents.indexOf(a), 1);
  await until(() => hub.app.agentHub.agent('agent-a')?.connected === false, 3_000, 'agent-a gone');
  const again = await t.agent('agent-a');
  expect((await ask(again, '10.0.0.3')).service).toBe(placed);
});

it('answers no service for a vserver it does not serve', async () => {
  const [a] = await twoAgents(managed());
  expect(await ask(a, '10.0.0.4', 'nope')).toMatchObject({ service: null, ttlMs: 0 });
});

it('keeps a client an agent placed itself and reports using, for the next agent that asks', async () => {
  const [a, b] = await twoAgents(managed('roundrobin'));
  a.client.send({ type: 'select-touch', vserver: 'web', entries: [{ key: '10.0.0.5', service: 'web-2' }] });
  await until(() => hub.app.agentHub.manager.entries('web') === 1, 3_000, 'touch recorded');
  for (let i = 0; i < 3; i++) expect((await ask(b, '10.0.0.5')).service).toBe('web-2');
});

it('places no new client on a service its agent-check drains, and keeps the clients it has there', async () => {
  const [a, b] = await twoAgents(managed('roundrobin'));
  const keys = ['10.0.3.1', '10.0.3.2'];
  const before = new Map<string, string | null>();
  for (const k of keys) before.set(k, (await ask(a, k)).service);
  const drained = [...before.values()][0]!;
  const other = drained === 'web-1' ? 'web-2' : 'web-1';
  const effective = { weight: 1, capacity: 50, state: 'enabled' as const, drain: true };
  for (const x of [a, b]) x.report({}, { [drained]: { ...svc(0), effective }, [other]: svc(0) });
  await until(() => hub.app.agentHub.effective(drained)?.drain === true, 3_000, 'drain served');
  for (let i = 0; i < 4; i++) expect((await ask(b, `10.0.4.${i}`)).service).toBe(other);
  // A client placed there before stays (drain: existing clients continue).
  expect((await ask(b, keys[0]!)).service).toBe(drained);
});
