// GET /v1/agents lists agents without their quota by vserver (its size does not grow with the
// vservers); GET /v1/agents/{id} carries it, as the vserver status carries each agent's share.
import { describe, expect, it } from 'vitest';
import { hubTest, until, webConfig } from './helpers.js';

const t = hubTest();
const agents = t.agents;

describe('agent views', () => {
  it('lists agents without their quota by vserver, GET /v1/agents/{id} carries it, and the list follows what changes', async () => {
    const h = await t.start();
    h.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    for (const name of ['agent-a', 'agent-b']) await t.agent(name);
    await until(() => agents.every((a) => (a.allowance('web') ?? 0) > 0), 5_000, 'both agents hold quota on web');

    const list = (await h.app.inject({ method: 'GET', url: '/v1/agents' })).json<{ items: Array<Record<string, unknown>> }>();
    expect(list.items.map((a) => a.id)).toEqual(['agent-a', 'agent-b']);
    for (const item of list.items) {
      expect(item).not.toHaveProperty('quota');
      expect(item).toMatchObject({ connected: true, activeConnections: {} });
    }

    const one = (await h.app.inject({ method: 'GET', url: '/v1/agents/agent-a' })).json<{ quota: Record<string, { exclusive: number; borrowed: number }> }>();
    expect(one.quota.web?.exclusive).toBe(agents[0]?.allowances.get('web')?.exclusive);
    expect(one.quota.web?.exclusive).toBeGreaterThan(0);

    // The list's items are kept as JSON between requests: what changed shows in the next list.
    agents[1]?.report({ web: { cxActive: 3, cxTotal: 3, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 } });
    agents.shift()?.crash();
    await until(
      async () => {
        const items = (await h.app.inject({ method: 'GET', url: '/v1/agents' })).json<{
          items: Array<{ connected: boolean; activeConnections: Record<string, number> }>;
        }>().items;
        return items.length === 2 && items[0]?.connected === false && items[1]?.activeConnections.web === 3;
      },
      5_000,
      'the list shows agent-a disconnected and agent-b with the connections it reported',
    );
  });
});
