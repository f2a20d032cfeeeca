// Agent-check feedback in the vserver status (issue 16 item 2): each service's effective weight,
// capacity, state and drain as most of the agents reporting it serve it, with their count;
// absent for a service under no feedback.
import { expect, it } from 'vitest';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
const agents = t.agents;
let hub: HubServer;

const counters = { cxActive: 0, cxTotal: 0, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 };

it("shows a service's effective weight, capacity and drain as most reporting agents serve it", async () => {
  hub = await t.start();
  hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
  const names = ['agent-a', 'agent-b', 'agent-c'];
  for (const name of names) await t.agent(name);
  const drained = { weight: 1, capacity: 2, state: 'disabled' as const, drain: true };
  agents.forEach((a, i) =>
    a.report(
      { web: counters },
      {
        'web-1': { cxActive: 0, cxTotal: 0, state: 'UP', effective: i < 2 ? drained : { weight: 1, capacity: 50, state: 'enabled', drain: false } },
        'web-2': { cxActive: 0, cxTotal: 0, state: 'UP' },
      },
    ),
  );
  await until(() => names.every((n) => hub.app.agentHub.agent(n)?.report), 20_000, 'reports'); // generous: it failed at 3 s in a clean clone at load 14
  const res = await fetch(`${hub.base}/v1/vservers/web/status`);
  expect(res.status).toBe(200);
  const s = (await res.json()) as { services: Array<{ name: string; effective?: unknown }> };
  expect(s.services.find((x) => x.name === 'web-1')?.effective).toEqual({ ...drained, agents: 2, source: 'agent-check' });
  expect(s.services.find((x) => x.name === 'web-2')).not.toHaveProperty('effective');
});
