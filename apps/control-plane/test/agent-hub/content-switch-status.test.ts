// The hits of a content switch's rules (issue 17) as the agents report them: summed over agents in
// the vserver's status and exposed per rule in /metrics.
import { expect, it } from 'vitest';
import { type ConfigDocument } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let hub: HubServer;

const counters = (ruleHits: Record<string, number>) => ({
  cxActive: 1,
  cxTotal: 1,
  spilloversTotal: 0,
  rxBytesTotal: 0,
  txBytesTotal: 0,
  rxKbps: 0,
  txKbps: 0,
  ruleHits,
});

it("sums the hits of each rule of a switch over the agents' reports in its status and in /metrics", async () => {
  // A generous lease: a loaded machine can stall the event loop past three 100 ms heartbeats.
  hub = await t.start({ leaseMissedHeartbeats: 100 });
  const base = webConfig();
  const config: ConfigDocument = {
    ...base,
    vservers: [
      ...base.vservers,
      {
        name: 'front',
        protocol: 'http',
        type: 'contentswitch',
        listen: { port: 0 },
        rules: [{ name: 'images', match: { extension: 'jpg' }, target: 'web' }],
        spillover: { methods: [] },
      },
    ],
  };
  hub.app.agentHub.setConfig({ version: '1', config });
  const a = await t.agent('agent-a');
  const b = await t.agent('agent-b');
  a.report({ front: counters({ images: 5, '(default)': 0, '(none)': 2 }) }, {});
  b.report({ front: counters({ images: 3, '(default)': 0, '(none)': 1 }) }, {});
  await until(() => hub.app.agentHub.agent('agent-a')?.report && hub.app.agentHub.agent('agent-b')?.report, 15_000, 'reports');
  const status = (await (await fetch(`${hub.base}/v1/vservers/front/status`)).json()) as { state: string; ruleHits?: Record<string, number> };
  expect(status.ruleHits).toEqual({ images: 8, '(default)': 0, '(none)': 3 });
  const web = (await (await fetch(`${hub.base}/v1/vservers/web/status`)).json()) as Record<string, unknown>;
  expect(web).not.toHaveProperty('ruleHits');
  // A switch has no services of its own: it is UP while a vserver it switches to is.
  expect(web.state).toBe('UP');
  expect(status.state).toBe('UP');
  const text = await (await fetch(`${hub.base}/metrics`)).text();
  expect(text).toContain('spillway_vserver_rule_hits_total{vserver="front",rule="images"} 8');
  expect(text).toContain('spillway_vserver_rule_hits_total{vserver="front",rule="(none)"} 3');
});
