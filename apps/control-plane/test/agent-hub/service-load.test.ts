// The hub's per-service view across agents (service-load.ts): active connections summed over the
// connected agents' reports, the UP state by quorum as the hub decided it, and the manager's
// assignments counted until the agent's next report.
import { expect, it } from 'vitest';
import { SimulatedAgent, type Report } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
const agents = t.agents;
let hub: HubServer;

const svc = (cxActive: number, state: 'UP' | 'DOWN' = 'UP'): Report['services'][string] => ({ cxActive, cxTotal: cxActive, state });

async function threeAgents(): Promise<SimulatedAgent[]> {
  hub = await t.start();
  hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
  for (const x of ['a', 'b', 'c']) await t.agent(`agent-${x}`);
  return agents;
}

it('sums a service’s active connections over the connected agents and takes its state from the quorum', async () => {
  const [a, b, c] = await threeAgents();
  a!.report({}, { 'web-1': svc(3), 'web-2': svc(1) });
  b!.report({}, { 'web-1': svc(4, 'DOWN'), 'web-2': svc(0) });
  c!.report({}, { 'web-1': svc(5, 'DOWN') });
  const loads = hub.app.agentHub.loads;
  await until(() => loads.loadOf('web-1').reporting === 3, 3_000, 'three reports');
  // Two of three agents see web-1 DOWN: the hub's quorum says DOWN, and the view says what the hub says.
  expect(loads.loadOf('web-1')).toEqual({ service: 'web-1', active: 12, reporting: 3, state: 'DOWN', up: 1, voters: 3 });
  expect(hub.app.agentHub.serviceState('web-1')?.state).toBe('DOWN');
  expect(loads.snapshot()).toEqual({
    'web-1': { service: 'web-1', active: 12, reporting: 3, state: 'DOWN', up: 1, voters: 3 },
    'web-2': { service: 'web-2', active: 1, reporting: 2, state: 'UP', up: 2, voters: 2 },
  });
  expect(loads.byAgent('web-1')).toEqual({ 'agent-a': 3, 'agent-b': 4, 'agent-c': 5 });

  // A disconnected agent's connections leave the sum at once (its lease may still run).
  await c!.close();
  await until(() => hub.app.agentHub.agent('agent-c')?.connected === false, 3_000, 'agent-c disconnected');
  expect(loads.loadOf('web-1').active).toBe(7);
  expect(loads.loadOf('web-1').reporting).toBe(2);
});

it('counts a service nobody reports as idle with no state, and an assignment until the agent’s next report', async () => {
  const [a] = await threeAgents();
  const loads = hub.app.agentHub.loads;
  expect(loads.loadOf('web-2')).toEqual({ service: 'web-2', active: 0, reporting: 0, state: null, up: 0, voters: 0 });
  a!.report({}, { 'web-1': svc(2) });
  await until(() => loads.loadOf('web-1').active === 2, 3_000, 'report');
  loads.assign('agent-a', 'web-1');
  loads.assign('agent-a', 'web-1');
  loads.assign('agent-b', 'web-2');
  expect(loads.loadOf('web-1').active).toBe(4);
  expect(loads.snapshot()['web-2']?.active).toBe(1);
  // agent-a's next report counts the connections itself: its assignments are dropped, agent-b's stay.
  a!.report({}, { 'web-1': svc(3) });
  await until(() => loads.loadOf('web-1').active === 3, 3_000, 'next report replaces the assignments');
  expect(loads.loadOf('web-2').active).toBe(1);
});
