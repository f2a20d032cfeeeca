// apply waits until every connected agent has applied the version it wrote: a real control plane
// (server.ts) and a real managed agent (apps/agent/src/main.ts) on a loopback address of its own.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, agentToken, freePort, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from '../../../test/e2e/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../control-plane/test/helpers/db.js';
import { runCli, sandbox } from './helpers.js';

let db: TestDatabase;
let cp: ControlPlaneProc;
let agent: AgentProc;
let env: Record<string, string>;
const dir = sandbox().cwd;

beforeAll(async () => {
  db = await createTestDatabase();
  cp = await startControlPlane(db.url);
  env = { SPILLWAY_URL: cp.url, SPILLWAY_TOKEN: ADMIN_TOKEN };
  agent = await startAgent('cli-agent', await agentToken(cp, 'cli-agent'), cp.url, '127.0.0.61', 1);
  await until(
    () => cp.get<{ items: Array<{ connected: boolean }> }>('/v1/agents'),
    (r) => r?.items.some((a) => a.connected),
    20_000,
    'agent connected',
  );
}, 90_000);

afterAll(async () => {
  await agent?.kill('SIGKILL');
  await cp?.kill('SIGKILL');
  await db?.drop();
});

async function config(name: string, capacity: number): Promise<string> {
  const [listen, backend] = [await freePort(), await freePort()];
  const file = path.join(dir, name);
  writeFileSync(
    file,
    [
      'services:',
      `  - { name: app-1, address: 127.0.0.1, port: ${backend}, capacity: ${capacity} }`,
      'vservers:',
      `  - { name: app, protocol: tcp, listen: { port: ${listen} }, services: [{ service: app-1 }], spillover: { methods: [{ type: dynamicconnection }], action: drop } }`,
      '',
    ].join('\n'),
  );
  return file;
}

it('apply shows progress until every agent applied the new version, and agents shows it in sync', async () => {
  const applied = await runCli(['apply', '-f', await config('one.yaml', 10), '--yes'], { env });
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('Applied configuration version 1: 2 to create, 0 to update, 0 to delete.');
  // Off a terminal each new progress line is printed once; the last one says all are done.
  expect(applied.stdout.trimEnd().split('\n').at(-1)).toBe('Agents: 1/1 applied version 1');
  const agents = await runCli(['agents'], { env });
  expect(agents.stdout).toMatch(/^cli-agent +yes +1 +1 +yes +1 +\d+s ago/m);

  const json = await runCli(['apply', '-f', await config('two.yaml', 20), '--yes', '-o', 'json'], { env });
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toMatchObject({ applied: true, version: 2, agents: [{ id: 'cli-agent', appliedVersion: '2' }] });
});
