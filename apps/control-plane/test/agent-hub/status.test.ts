import { describe, expect, it } from 'vitest';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let hub: HubServer;

const counters = (cxActive: number, spilloversTotal: number, surgeQueue = 0) => ({
  cxActive,
  cxTotal: cxActive,
  spilloversTotal,
  rxBytesTotal: 0,
  txBytesTotal: 0,
  rxKbps: 10,
  txKbps: 100,
  surgeQueue,
});

describe('vserver status and metrics across agents', () => {
  it('sums active connections, spillovers, bandwidth and surge queues over agents and derives the threshold from aggregate states', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const a = await t.agent('agent-a', { workers: 2 });
    const b = await t.agent('agent-b', { workers: 2 });
    a.report({ web: counters(30, 2, 2) }, { 'web-1': { cxActive: 20, cxTotal: 20, state: 'UP' }, 'web-2': { cxActive: 10, cxTotal: 10, state: 'DOWN' } });
    b.report({ web: counters(15, 1, 1) }, { 'web-1': { cxActive: 15, cxTotal: 15, state: 'UP' }, 'web-2': { cxActive: 0, cxTotal: 0, state: 'DOWN' } });
    await until(() => hub.app.agentHub.agent('agent-b')?.report && hub.app.agentHub.limit('web')?.value === 50, 3_000, 'reports');
    const res = await fetch(`${hub.base}/v1/vservers/web/status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: 'web',
      state: 'UP',
      spilling: false,
      threshold: {
        method: 'dynamicconnection',
        value: 50,
        derivation: [
          { service: 'web-1', capacity: 50, state: 'UP', counted: true },
          { service: 'web-2', capacity: 50, state: 'DOWN', counted: false },
        ],
      },
      activeConnections: { total: 45, byAgent: { 'agent-a': 30, 'agent-b': 15 } },
      healthPercent: 50,
      bandwidthKbps: { in: 20, out: 200 },
      spillovers: 3,
      surgeQueue: 3,
      quota: { limit: 50, shared: 10, byAgent: { 'agent-a': { exclusive: 20, borrowed: 0 }, 'agent-b': { exclusive: 20, borrowed: 0 } } },
      services: [
        { name: 'web-1', state: 'UP', activeConnections: 35, agentsUp: 2, agentsMonitoring: 2, monitors: [] },
        { name: 'web-2', state: 'DOWN', activeConnections: 10, agentsUp: 0, agentsMonitoring: 2, monitors: [] },
      ],
    });
    expect(await (await fetch(`${hub.base}/v1/vservers/nope/status`)).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_VSERVER_NOT_FOUND' });
  });

  it("shows each service's monitors across agents: the state most agents see (a tie is DOWN) and their mean response time", async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    a.report(
      { web: counters(0, 0) },
      {
        'web-1': {
          cxActive: 0,
          cxTotal: 0,
          state: 'UP',
          monitors: [
            { monitor: 'tcp-open', state: 'UP', responseMs: 2 },
            { monitor: 'http-ok', state: 'UP', responseMs: 10 },
          ],
        },
        'web-2': { cxActive: 0, cxTotal: 0, state: 'UP', monitors: [{ monitor: 'tcp-open', state: 'PENDING', responseMs: null }] },
      },
    );
    b.report(
      { web: counters(0, 0) },
      {
        'web-1': {
          cxActive: 0,
          cxTotal: 0,
          state: 'UP',
          monitors: [
            { monitor: 'tcp-open', state: 'UP', responseMs: 4 },
            { monitor: 'http-ok', state: 'DOWN', responseMs: 801.5 },
          ],
        },
        'web-2': { cxActive: 0, cxTotal: 0, state: 'UP' },
      },
    );
    await until(() => hub.app.agentHub.agent('agent-a')?.report && hub.app.agentHub.agent('agent-b')?.report, 3_000, 'reports');
    const s = (await (await fetch(`${hub.base}/v1/vservers/web/status`)).json()) as { services: Array<{ name: string; monitors: unknown[] }> };
    expect(s.services.find((x) => x.name === 'web-1')?.monitors).toEqual([
      { monitor: 'tcp-open', state: 'UP', responseMs: 3, agents: 2 },
      { monitor: 'http-ok', state: 'DOWN', responseMs: 405.75, agents: 2 },
    ]);
    expect(s.services.find((x) => x.name === 'web-2')?.monitors).toEqual([{ monitor: 'tcp-open', state: 'PENDING', responseMs: null, agents: 1 }]);
  });

  it('exposes agents, thresholds, quota and service states in Prometheus format', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const a = await t.agent('agent-a');
    a.report({ web: counters(7, 0) }, { 'web-1': { cxActive: 7, cxTotal: 7, state: 'UP' }, 'web-2': { cxActive: 0, cxTotal: 0, state: 'UP' } });
    await until(() => hub.app.agentHub.agent('agent-a')?.report && hub.app.agentHub.agent('agent-a')?.appliedVersion === '1', 3_000, 'report');
    const res = await fetch(`${hub.base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const line of [
      'spillway_agent_connected{agent="agent-a"} 1',
      'spillway_agent_config_in_sync{agent="agent-a"} 1',
      'spillway_vserver_limit{vserver="web"} 100',
      'spillway_vserver_cx_active{vserver="web"} 7',
      'spillway_vserver_quota_exclusive{vserver="web",agent="agent-a"} 80',
      'spillway_service_up{service="web-1"} 1',
      '# TYPE spillway_vserver_spillovers_total counter',
    ])
      expect(text).toContain(line);
    for (const l of text.trim().split('\n')) expect(l).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/);
  });
});
