// HTTP health monitors run by the agent: fall and rise counts decide the transitions, which are
// logged, counted and change the dynamic threshold.
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnAgent, until, type RunningAgent } from './helpers.js';

/** A backend whose /healthz answers the scripted statuses in order, then `steady`. */
async function scriptedBackend() {
  const script: number[] = [];
  let steady = 200;
  let probes = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.end('hello');
      return;
    }
    probes++;
    const status = script.shift() ?? steady;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? 'ok' : 'failing');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** Queues statuses for the next probes; resolves once they have all been answered. */
    async play(statuses: number[], then: number): Promise<void> {
      script.push(...statuses);
      steady = then;
      await until(
        async () => script.length,
        (n) => n === 0,
        10_000,
        10,
      );
      const seen = probes;
      await until(
        async () => probes,
        (n) => n > seen,
        10_000,
        10,
      ); // one more probe of the steady status
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let backend: Awaited<ReturnType<typeof scriptedBackend>>;
let agent: RunningAgent;

beforeAll(async () => {
  backend = await scriptedBackend();
  agent = await spawnAgent({
    monitors: [
      {
        name: 'web-health',
        type: 'http',
        intervalMs: 60,
        timeoutMs: 500,
        fall: 3,
        rise: 2,
        weight: 1,
        http: { method: 'GET', path: '/healthz', expectStatus: [200], expectBody: 'ok' },
      },
    ],
    services: [
      {
        name: 'web-1',
        address: '127.0.0.1',
        port: backend.port,
        protocol: 'http',
        capacity: 40,
        weight: 1,
        state: 'enabled',
        monitors: [{ monitor: 'web-health' }],
      },
    ],
    vservers: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'web-1' }],
        spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
      },
    ],
    agent: { workers: 1 },
  });
  await until(
    () => agent.stats(),
    (s) => s.services['web-1']!.monitors[0]?.state === 'UP',
  );
});

afterAll(async () => {
  await agent?.stop();
  await backend?.close();
});

it('marks a service DOWN only after `fall` failed probes in a row and UP after `rise` good ones', async () => {
  // Two failures then success: below fall (3), the service stays UP.
  await backend.play([500, 500], 200);
  let s = await agent.stats();
  expect(s.services['web-1']!.state).toBe('UP');
  expect(s.services['web-1']!.health_transitions_total).toBe(0);

  // Three failures: DOWN, and the dynamic threshold loses the service's capacity.
  await backend.play([500, 500, 500], 500);
  s = await until(
    () => agent.stats(),
    (x) => x.services['web-1']!.state === 'DOWN',
    5_000,
  );
  expect(s.vservers.web!.threshold).toBe(0);
  expect(s.services['web-1']!.monitors[0]!.reason).toBe('status 500');

  // One success then failures: below rise (2), still DOWN.
  await backend.play([200], 500);
  s = await agent.stats();
  expect(s.services['web-1']!.state).toBe('DOWN');

  // Two successes: UP again, threshold restored.
  await backend.play([200, 200], 200);
  s = await until(
    () => agent.stats(),
    (x) => x.services['web-1']!.state === 'UP',
    5_000,
  );
  expect(s.vservers.web!.threshold).toBe(40);
  expect(s.services['web-1']!.health_transitions_total).toBe(2);
  const transitions = agent
    .output()
    .split('\n')
    .filter((l) => l.includes('"event":"service_transition"'))
    .map((l) => JSON.parse(l) as { to: string; service: string });
  expect(transitions.map((t) => t.to)).toEqual(['DOWN', 'UP']);
});

it('a DOWN vserver answers with its final action instead of proxying', async () => {
  await backend.play([500, 500, 500], 500);
  await until(
    () => agent.stats(),
    (x) => x.services['web-1']!.state === 'DOWN',
    5_000,
  );
  const res = await fetch(`http://127.0.0.1:${agent.ports.web}/`);
  expect(res.status).toBe(503);
  await backend.play([200, 200], 200);
  await until(
    () => agent.stats(),
    (x) => x.services['web-1']!.state === 'UP',
    5_000,
  );
  expect((await fetch(`http://127.0.0.1:${agent.ports.web}/`)).status).toBe(200);
});
