// The hub at scale: a config of 1,000 vservers is indexed once per version, so a service state
// change recomputes only the vservers bound to that service and a quota pass's budgets for every
// vserver recompute each vserver once (counted by the hub's stats, never by the clock).
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigDocument } from '@spillway/protocol';
import { SimulatedAgent } from '@spillway/protocol';
import { AgentHub } from '../../src/agent-hub/hub.js';
import { startHub, tcpService, until, type HubServer } from './helpers.js';

const VSERVERS = 1_000;
const PER_VSERVER = 10;

/** `vservers` vservers of `perVserver` services of capacity 10 each (dynamic threshold); every vserver also binds the shared service `common` of capacity 5. */
function largeConfig(vservers: number, perVserver: number): ConfigDocument {
  const services = [tcpService('common', 5)];
  const list: ConfigDocument['vservers'] = [];
  for (let v = 0; v < vservers; v++) {
    const names = Array.from({ length: perVserver }, (_, s) => `svc-${v}-${s}`);
    for (const n of names) services.push(tcpService(n, 10));
    list.push({
      name: `vs-${v}`,
      protocol: 'tcp',
      listen: { port: 0 },
      lbMethod: 'leastconn',
      services: [...names, ...(v < 3 ? ['common'] : [])].map((service) => ({ service })),
      spillover: { methods: [{ type: 'dynamicconnection' }], combine: 'any', action: 'drop' },
    });
  }
  return { services, monitors: [], vservers: list };
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let hub: HubServer | null = null;
let bare: AgentHub | null = null;
const agents: SimulatedAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.crash();
  await hub?.close();
  hub = null;
  bare?.close();
  bare = null;
});

describe('agent hub with 1,000 vservers', () => {
  it('recomputes every vserver once for a first config version, then only the vservers bound to a service whose state or config changed', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    h.setConfig({ version: '1', config: largeConfig(VSERVERS, PER_VSERVER) });
    expect(h.stats.limitsComputed).toBe(VSERVERS);
    expect(h.limit('vs-7')?.value).toBe(100);
    expect(h.limit('vs-1')?.value).toBe(105);

    const a = await SimulatedAgent.start({ url: hub.url, token: 'token-a', name: 'agent-a' });
    agents.push(a);
    let before = h.stats.limitsComputed;
    a.transition('svc-7-3', 'DOWN');
    await until(() => h.limit('vs-7')?.value === 90, 3_000, 'vs-7 limit 90');
    expect(h.stats.limitsComputed - before).toBe(1);
    expect(h.limit('vs-7')?.derivation.find((d) => d.service === 'svc-7-3')).toMatchObject({ state: 'DOWN', counted: false });
    expect(h.limit('vs-8')?.value).toBe(100);

    // A service bound by three vservers recomputes those three.
    before = h.stats.limitsComputed;
    a.transition('common', 'DOWN');
    await until(() => h.limit('vs-2')?.value === 100, 3_000, 'vs-2 limit 100');
    expect(h.stats.limitsComputed - before).toBe(3);
    expect([h.limit('vs-0')?.value, h.limit('vs-1')?.value, h.limit('vs-3')?.value]).toEqual([100, 100, 100]);

    // A vote that keeps a service's state recomputes nothing.
    before = h.stats.limitsComputed;
    a.transition('svc-7-3', 'DOWN');
    a.transition('common', 'DOWN');
    a.client.send({ type: 'heartbeat', seq: 1 });
    await a.client.waitFor('heartbeat-ack');
    expect(h.stats.limitsComputed - before).toBe(0);

    // A version that changes no resource recomputes nothing; one that changes a service
    // recomputes the vservers bound to it, with the states agents voted.
    before = h.stats.limitsComputed;
    h.setConfig({ version: '2', config: largeConfig(VSERVERS, PER_VSERVER) });
    expect(h.stats.limitsComputed - before).toBe(0);
    const next = largeConfig(VSERVERS, PER_VSERVER);
    next.services = next.services.map((s) => (s.name === 'svc-7-0' ? { ...s, capacity: 20 } : s));
    h.setConfig({ version: '3', config: next });
    expect(h.stats.limitsComputed - before).toBe(1);
    expect(h.limit('vs-7')?.value).toBe(100);
  });

  it('answers a first report of every service with one service-states message to each agent, after recomputing each vserver once', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    h.setConfig({ version: '1', config: largeConfig(VSERVERS, PER_VSERVER) });
    const a = await SimulatedAgent.start({ url: hub.url, token: 'token-a', name: 'agent-a' });
    const b = await SimulatedAgent.start({ url: hub.url, token: 'token-b', name: 'agent-b' });
    agents.push(a, b);
    await b.client.waitFor('service-states', () => true, 5_000, true);
    let statesSeen = 0;
    b.client.on('message', (m: { type: string }) => {
      if (m.type === 'service-states') statesSeen++;
    });
    const before = h.stats.limitsComputed;
    const services: Record<string, { cxActive: number; cxTotal: number; state: 'UP' | 'DOWN' }> = {};
    for (let v = 0; v < VSERVERS; v++) services[`svc-${v}-0`] = { cxActive: 0, cxTotal: 0, state: v % 2 === 0 ? 'DOWN' : 'UP' };
    a.report({}, services);
    const last = await b.client.waitFor('service-states', (m) => Object.keys(m.states).length === VSERVERS);
    expect(last.states['svc-4-0']).toBe('DOWN');
    expect(h.limit('vs-4')?.value).toBe(90);
    expect(h.limit('vs-5')?.value).toBe(100);
    expect(h.stats.limitsComputed - before).toBe(VSERVERS);
    b.client.send({ type: 'heartbeat', seq: 1 });
    await b.client.waitFor('heartbeat-ack');
    expect(statesSeen).toBe(1);
  });

  it('keeps its index of bindings through small versions: a service state change recomputes the vservers bound to it now', async () => {
    hub = await startHub({ heartbeatMs: 1_000 });
    const h = hub.app.agentHub;
    const first = largeConfig(VSERVERS, PER_VSERVER);
    h.setConfig({ version: '1', config: first });
    // Version 2: vs-9 drops svc-9-0 and binds common (a delta of one vserver); version 3 removes vs-8 and its services.
    const second = {
      ...first,
      vservers: first.vservers.map((v) => (v.name === 'vs-9' ? { ...v, services: [...v.services.slice(1), { service: 'common' }] } : v)),
    };
    h.setConfig({ version: '2', config: second });
    const gone = new Set(Array.from({ length: PER_VSERVER }, (_, i) => `svc-8-${i}`));
    h.setConfig({
      version: '3',
      config: { ...second, vservers: second.vservers.filter((v) => v.name !== 'vs-8'), services: second.services.filter((x) => !gone.has(x.name)) },
    });
    expect(h.limit('vs-9')?.value).toBe(95);
    expect(h.limit('vs-8')).toBeNull();

    const a = await SimulatedAgent.start({ url: hub.url, token: 'token-a', name: 'agent-a' });
    agents.push(a);
    let before = h.stats.limitsComputed;
    a.transition('common', 'DOWN');
    await until(() => h.limit('vs-9')?.value === 90, 3_000, 'vs-9 limit 90');
    expect(h.stats.limitsComputed - before).toBe(4); // vs-0, vs-1, vs-2 and vs-9
    before = h.stats.limitsComputed;
    a.transition('svc-9-0', 'DOWN');
    a.client.send({ type: 'heartbeat', seq: 1 });
    await a.client.waitFor('heartbeat-ack');
    expect(h.stats.limitsComputed - before).toBe(0); // no longer bound to vs-9
  });

  it('applies the budgets of a quota pass over every vserver with one recomputation per vserver whose budget moved', () => {
    bare = new AgentHub({ log: silent, budgeted: true });
    bare.setConfig({ version: '1', config: largeConfig(VSERVERS, PER_VSERVER) });
    const base = bare.stats.limitsComputed;
    bare.setBudgets(Array.from({ length: VSERVERS }, (_, v): [string, number] => [`vs-${v}`, 40]));
    expect(bare.stats.limitsComputed - base).toBe(VSERVERS);
    // Budgets: the same again recompute nothing; one moved, one recomputation; an unknown vserver is ignored.
    bare.setBudgets(Array.from({ length: VSERVERS }, (_, v): [string, number] => [`vs-${v}`, v === 5 ? 60 : 40]));
    bare.setBudget('vs-gone', 10);
    expect(bare.stats.limitsComputed - base).toBe(VSERVERS + 1);
    expect(bare.limit('vs-5')?.value).toBe(100);
  });
});
