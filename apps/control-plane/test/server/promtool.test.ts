// /metrics as Prometheus reads it: the control plane as it ships (server.ts on a test
// database), the demo configuration applied through the API, an agent connected over the real
// control channel reporting connections and service states, then GET /metrics with a token,
// checked by Debian's promtool (`promtool check metrics`: the exposition format and the naming
// lints). Skips only where promtool is not installed (.ci/run installs the prometheus package).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SimulatedAgent } from '@spillway/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, agentToken, startControlPlane, until, type ControlPlaneProc } from '../../../../test/e2e/helpers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.status === 0;
const root = path.resolve(import.meta.dirname, '../../../..');

let db: TestDatabase;
let cp: ControlPlaneProc;
let agent: SimulatedAgent | undefined;

beforeAll(async () => {
  if (!hasPromtool) return;
  db = await createTestDatabase();
  cp = await startControlPlane(db.url);
  await cp.call('PUT', '/v1/config', JSON.parse(readFileSync(path.join(root, 'demo', 'config.json'), 'utf8')));
  agent = await SimulatedAgent.start({
    url: `${cp.url.replace(/^http/, 'ws')}/v1/agents/connect`,
    token: await agentToken(cp, 'metrics-agent'),
    name: 'metrics-agent',
    workers: 2,
  });
  const counters = (cxActive: number) => ({ cxActive, cxTotal: cxActive, spilloversTotal: 1, rxBytesTotal: 10, txBytesTotal: 20, rxKbps: 3, txKbps: 4 });
  agent.report(
    { demo: counters(5), 'demo-overflow': counters(0) },
    {
      'demo-1': { cxActive: 3, cxTotal: 3, state: 'UP' },
      'demo-2': { cxActive: 2, cxTotal: 2, state: 'UP' },
      'demo-3': { cxActive: 0, cxTotal: 0, state: 'DOWN' },
    },
  );
  await until(
    // The list says whether it is in sync and its connections; its quota by vserver is on GET /v1/agents/{id}.
    async () => {
      const list = await cp.get<{ items: Array<{ inSync: boolean; activeConnections: Record<string, number> }> }>('/v1/agents');
      return list?.items[0]?.inSync === true && list.items[0].activeConnections.demo === 5
        ? await cp.get<{ quota: Record<string, unknown> }>('/v1/agents/metrics-agent')
        : null;
    },
    (r) => r?.quota.demo !== undefined,
    20_000,
    'agent in sync, its report and its quota',
  );
}, 90_000);

afterAll(async () => {
  agent?.crash();
  await cp?.kill('SIGKILL');
  await db?.drop();
});

it.skipIf(!hasPromtool)('GET /metrics (with a token) passes promtool check metrics, with agent, vserver, quota and service families present', async () => {
  const res = await fetch(`${cp.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const family of [
    'spillway_agent_connected',
    'spillway_vserver_limit',
    'spillway_vserver_spillovers_total',
    'spillway_vserver_quota_exclusive',
    'spillway_service_up',
  ]) {
    expect(text).toContain(`# TYPE ${family} `);
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect(check.stdout + check.stderr).toBe('');
  expect(check.status).toBe(0);
});

it.skipIf(hasPromtool)('skipped: promtool is not installed (Debian package prometheus; .ci/run installs it as root)', () => {
  expect(hasPromtool).toBe(false);
});
