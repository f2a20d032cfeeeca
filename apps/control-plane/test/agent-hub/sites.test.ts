// The site exchange of the hub (issue 17 item 2, docs/SITES.md): each site's available weight per
// siteBalancing vserver, from the quorum states, pushed to the agents as site-weights with each
// site's agent addresses; and site peering: a site with a control plane of its own is polled at
// GET /v1/sites/self/availability with a bearer token, and counts as 0 once it stops answering.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SimulatedAgent, type ConfigDocument, type SiteWeights } from '@spillway/protocol';
import { startHub, until, type HubServer } from './helpers.js';

const doc = (site: string, n: number): ConfigDocument => ({
  services: Array.from({ length: n }, (_, i) => ({
    name: `${site}-${i}`,
    address: '127.0.0.1',
    port: 9100 + i,
    protocol: 'tcp',
    capacity: 0,
    weight: 1,
    state: 'enabled',
    monitors: [],
    site,
  })),
  monitors: [],
  vservers: [
    {
      name: 'web',
      protocol: 'tcp',
      listen: { port: 8800 },
      lbMethod: 'roundrobin',
      siteBalancing: true,
      services: Array.from({ length: n }, (_, i) => ({ service: `${site}-${i}` })),
      spillover: { methods: [], combine: 'any', action: 'drop' },
    },
  ],
});

const hubs: HubServer[] = [];
const agents: SimulatedAgent[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.crash();
});
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});

const lastWeights = (a: SimulatedAgent): SiteWeights | undefined => a.client.received.filter((m): m is SiteWeights => m.type === 'site-weights').at(-1);

describe('the site exchange', () => {
  it('weighs each site by its services UP by quorum, within one exchange interval of a change, and names its agents', async () => {
    const h = await startHub({ heartbeatMs: 500 });
    hubs.push(h);
    const hub = h.app.agentHub;
    const config = doc('a', 4);
    config.services.push(...doc('b', 2).services);
    config.vservers[0]!.services.push({ service: 'b-0' }, { service: 'b-1' });
    hub.setConfig({ version: '1', config });
    hub.sites.setSites([
      { name: 'a', exchangeIntervalMs: 100 },
      { name: 'b', exchangeIntervalMs: 100 },
    ]);
    const a = await SimulatedAgent.start({ url: h.url, token: 'token-a', name: 'agent-a', site: 'a', address: '127.0.0.2' });
    const b = await SimulatedAgent.start({ url: h.url, token: 'token-b', name: 'agent-b', site: 'b', address: '127.0.0.3' });
    agents.push(a, b);
    await until(() => lastWeights(a)?.vservers.web?.b === 2);
    expect(lastWeights(a)).toEqual({ type: 'site-weights', vservers: { web: { a: 4, b: 2 } }, agents: { a: ['127.0.0.2'], b: ['127.0.0.3'] } });
    b.transition('b-0', 'DOWN');
    b.transition('b-1', 'DOWN');
    const down = Date.now();
    await until(() => lastWeights(a)?.vservers.web?.b === 0);
    expect(Date.now() - down).toBeLessThan(100 + 400);
    // A site with no agent connected has nobody to forward to: 0.
    b.transition('b-0', 'UP');
    await until(() => lastWeights(a)?.vservers.web?.b === 1);
    b.crash();
    await until(() => lastWeights(a)?.vservers.web?.b === 0 && lastWeights(a)?.agents.b === undefined, 5_000, 'site b without agents at 0');
  });

  it('polls a peer control plane with its bearer token, and counts it 0 once it stops answering', async () => {
    // Heartbeats of 500 ms: a loaded machine may hold this process's event loop past a 300 ms lease.
    const peer = await startHub({
      heartbeatMs: 500,
      requireAuth: (scope) =>
        scope.addHook('onRequest', (req, reply, done) => {
          if (req.url.startsWith('/v1/sites/') && req.headers.authorization !== 'Bearer peer-secret')
            void reply
              .code(401)
              .send({ statusCode: 401, code: 'SPILLWAY_API_UNAUTHENTICATED', error: 'Unauthorized', message: 'a bearer token is required', details: [] });
          else done();
        }),
    });
    hubs.push(peer);
    peer.app.agentHub.setConfig({ version: '1', config: doc('b', 3) });
    peer.app.agentHub.sites.setSites([{ name: 'b', exchangeIntervalMs: 100 }]);
    const b = await SimulatedAgent.start({ url: peer.url, token: 'token-b', name: 'agent-b', site: 'b', address: '10.0.2.5' });
    agents.push(b);
    await until(
      async () =>
        (
          (await (await fetch(`${peer.base}/v1/sites/self/availability`, { headers: { authorization: 'Bearer peer-secret' } })).json()) as {
            sites: Record<string, { vservers: Record<string, number> }>;
          }
        ).sites.b?.vservers.web === 3,
    );
    expect((await fetch(`${peer.base}/v1/sites/self/availability`)).status).toBe(401);

    const h = await startHub({ heartbeatMs: 500, sitePeerTokens: { b: 'peer-secret' } });
    hubs.push(h);
    h.app.agentHub.setConfig({ version: '1', config: doc('a', 6) });
    h.app.agentHub.sites.setSites([
      { name: 'a', exchangeIntervalMs: 100 },
      { name: 'b', exchangeIntervalMs: 100, peer: { url: peer.base } },
    ]);
    const a = await SimulatedAgent.start({ url: h.url, token: 'token-a', name: 'agent-a', site: 'a', address: '10.0.1.5' });
    agents.push(a);
    await until(() => lastWeights(a)?.vservers.web?.b === 3, 5_000, 'site b polled from its control plane');
    expect(lastWeights(a)).toEqual({ type: 'site-weights', vservers: { web: { a: 6, b: 3 } }, agents: { a: ['10.0.1.5'], b: ['10.0.2.5'] } });
    await peer.close();
    await until(() => lastWeights(a)?.vservers.web?.b === 0, 5_000, 'a silent peer at 0');
  });
});
