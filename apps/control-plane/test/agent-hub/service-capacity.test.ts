// A service's capacity held across agents (issue 12 item 3): the hub is the pool manager of each
// service with a capacity, with the vserver quota's algorithm and messages (`pool: 'service'`), so
// what the agents are told of a service never adds up to more than its capacity.
import { describe, expect, it } from 'vitest';
import { serviceKey, SimulatedAgent } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let hub: HubServer;
const start = (name: string, workers: number): Promise<SimulatedAgent> => t.agent(name, { workers });
const web1 = serviceKey('web-1');
const sum = (list: SimulatedAgent[], key = web1): number => list.reduce((s, a) => s + (a.allowance(key) ?? 0), 0);
const withCapacity = (capacity: number) => {
  const c = webConfig({ threshold: 1000 });
  c.services[0]!.capacity = capacity;
  return c;
};

describe("a service's capacity across agents", () => {
  it('gives each agent a share by workers, lends the rest up to the capacity and never past it, and follows a capacity change', async () => {
    hub = await t.start({ serviceCapacity: true });
    hub.app.agentHub.setConfig({ version: '1', config: withCapacity(50) });
    const a = await start('agent-a', 1);
    const b = await start('agent-b', 3);
    // p·50 = 40 over 4 workers: 10 and 30; 10 in the shared pool.
    await until(() => a.allowance(web1) === 10 && b.allowance(web1) === 30, 3_000, 'shares 10/30 of web-1');
    expect(hub.app.agentHub.capacityView('web-1')).toMatchObject({ limit: 50, shared: 10 });
    // The vserver's own limit is a pool of its own, untouched by the service's.
    expect(a.allowance('web')).toBe(200);
    while ((await a.borrow(web1, 4)).n > 0) {
      /* borrow the shared pool dry */
    }
    expect(a.allowance(web1)).toBe(20);
    expect(sum([a, b])).toBe(50);
    // The capacity drops to 20: both are revoked to their new shares (4 and 12), the sum within it.
    hub.app.agentHub.setConfig({ version: '2', config: withCapacity(20) });
    await until(() => sum([a, b]) <= 20 && b.allowance(web1) === 12, 3_000, 'shares within the new capacity');
    expect(hub.app.agentHub.capacityView('web-1')).toMatchObject({ limit: 20 });
    // Without a capacity the service has no pool: the agents' cap is lifted.
    hub.app.agentHub.setConfig({ version: '3', config: withCapacity(0) });
    await until(() => a.allowance(web1) === null && b.allowance(web1) === null, 3_000, 'web-1 without a pool');
    expect(hub.app.agentHub.capacityView('web-1')).toBeNull();
    expect(b.allowance(serviceKey('web-2'))).toBe(30);
  });
});
