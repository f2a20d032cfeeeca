// A config the agent cannot serve, pushed past the API straight into the control channel (or
// written into its file): the agent refuses it with the field path (NACK, or exit 2 at start),
// keeps serving the last good one, and the control plane lists it as not in sync (issue 10,
// item 2: a probe path with a space used to kill every agent in a loop while GET /v1/agents
// still said inSync: true).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHub } from '../../../control-plane/src/agent-hub/index.js';
import { httpBackend, spawnAgent, until, type Backend, type RunningAgent } from '../helpers.js';

let app: FastifyInstance;
let backend: Backend;
let agent: RunningAgent;

const doc = (probePath: string) => ({
  services: [
    {
      name: 'web-1',
      address: '127.0.0.1',
      port: backend.port,
      protocol: 'http',
      capacity: 10,
      weight: 1,
      state: 'enabled',
      monitors: [{ monitor: 'web-health' }],
    },
  ],
  monitors: [
    {
      name: 'web-health',
      type: 'http',
      intervalMs: 2000,
      timeoutMs: 1500,
      fall: 3,
      rise: 1,
      weight: 1,
      http: { method: 'GET', path: probePath, expectStatus: [200] },
    },
  ],
  vservers: [
    { name: 'web', protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'web-1' }], spillover: { methods: [], action: 'accept' } },
  ],
});

beforeAll(async () => {
  backend = await httpBackend('web-1');
  app = Fastify({ logger: false });
  await app.register(agentHub, { authenticate: (t) => (t === 'secret-a' ? 'agent-a' : null), heartbeatMs: 100, leaseMissedHeartbeats: 20 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  agent = await spawnAgent(null, {
    SPILLWAY_CONTROL_PLANE_URL: `http://127.0.0.1:${port}`,
    SPILLWAY_AGENT_TOKEN: 'secret-a',
    SPILLWAY_AGENT_NAME: 'agent-a',
    SPILLWAY_AGENT_WORKERS: '0',
  });
});

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await app?.close();
  await backend?.close();
});

describe('a managed agent pushed a probe path it cannot send', () => {
  it('NACKs it with the field path, keeps serving the last good version, and GET /v1/agents shows it not in sync', async () => {
    app.agentHub.setConfig({ version: '1', config: doc('/healthz') });
    await until(
      async () => app.agentHub.agent('agent-a')?.appliedVersion ?? null,
      (v) => v === '1',
    );
    const good = await until(
      () => agent.stats(),
      (s) => s.services['web-1']?.monitors[0]?.state === 'UP' && (s.listeners.web ?? 0) > 0,
    );
    const port = good.listeners.web!;

    app.agentHub.setConfig({ version: '2', config: doc('/health check') });
    const rec = await until(
      async () => app.agentHub.agent('agent-a'),
      (r) => r?.lastNack?.version === '2',
    );
    expect(rec!.lastNack).toMatchObject({ code: 'SPILLWAY_AGENT_CONFIG_INVALID', message: expect.stringContaining('/monitors/0/http/path') });
    expect(rec!.appliedVersion).toBe('1');

    const listed = (await app.inject({ method: 'GET', url: '/v1/agents' })).json<{ items: Array<Record<string, unknown>> }>();
    expect(listed.items).toEqual([
      expect.objectContaining({
        id: 'agent-a',
        appliedVersion: '1',
        desiredVersion: '2',
        inSync: false,
        lastNack: expect.objectContaining({ version: '2', code: 'SPILLWAY_AGENT_CONFIG_INVALID' }),
      }),
    ]);

    // Still alive, still serving version 1, and the refusal is counted.
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/x' }, (res) => {
          let b = '';
          res.on('data', (c: Buffer) => {
            b += c.toString();
          });
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body), body).toMatchObject({ backend: 'web-1' });
    const s = await agent.stats();
    expect(s.agent).toMatchObject({ configVersion: good.agent.configVersion, config_rejected_total: 1, monitor_errors_total: 0 });
    expect(s.services['web-1']!.monitors[0]!.state).toBe('UP');
    expect(agent.child.exitCode).toBeNull();
  });
});

describe('a managed agent', () => {
  it('refuses POST /reload with 409 even with the admin token: its config comes from the control plane only, and it stays in sync', async () => {
    app.agentHub.setConfig({ version: '3', config: doc('/healthz') });
    await until(
      async () => app.agentHub.agent('agent-a')?.appliedVersion ?? null,
      (v) => v === '3',
    );
    const before = (await agent.stats()).agent.configVersion;
    const res = await agent.reload({ services: [], monitors: [], vservers: [] });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'SPILLWAY_AGENT_MANAGED' });
    const s = await agent.stats();
    expect(s.agent.configVersion).toBe(before);
    expect(s.listeners.web).toBeGreaterThan(0);
    const listed = (await app.inject({ method: 'GET', url: '/v1/agents' })).json<{ items: Array<Record<string, unknown>> }>();
    expect(listed.items[0]).toMatchObject({ id: 'agent-a', appliedVersion: '3', inSync: true });
  });
});

describe('an agent started from a file with a probe path it cannot send', () => {
  it('exits 2 at start naming the field, instead of starting and crashing on the first probe', async () => {
    const started = spawnAgent({ ...doc('/health check'), agent: { workers: 0 } });
    await expect(started).rejects.toThrow(/exited with 2[\s\S]*\/monitors\/0\/http\/path/);
  });
});
