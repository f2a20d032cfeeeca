// The rules that turn probes into a service's state, on a real agent process with 2 workers under
// both cluster scheduling policies: weighted monitors against a monitor threshold (UP while the
// weights of the UP monitors reach it), response-time rules (a probe slower than maxMs fails),
// and HTTPS monitors (TLS to a local server whose certificate is made in the test).
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';
import { selfSigned } from './self-signed.js';

/** A backend whose every path answers the status and delay the test sets for it (200 'ok', no delay by default). */
async function scriptedBackend(tls: boolean) {
  const status = new Map<string, number>();
  const delay = new Map<string, number>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = req.url ?? '/';
    const code = status.get(path) ?? 200;
    setTimeout(
      () => {
        res.writeHead(code, { 'content-type': 'text/plain' });
        res.end(code === 200 ? 'ok' : 'failing');
      },
      delay.get(path) ?? 0,
    );
  };
  const server = tls ? https.createServer(selfSigned(), handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    setStatus: (path: string, code: number) => status.set(path, code),
    setDelay: (path: string, ms: number) => delay.set(path, ms),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
type Scripted = Awaited<ReturnType<typeof scriptedBackend>>;

const probe = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'http',
  intervalMs: 50,
  timeoutMs: 1_000,
  fall: 1,
  rise: 1,
  weight: 1,
  http: { method: 'GET', path, expectStatus: [200], expectBody: 'ok' },
  ...extra,
});
const service = (name: string, port: number, monitors: { monitor: string; weight?: number }[], extra: Record<string, unknown> = {}) => ({
  name,
  address: '127.0.0.1',
  port,
  protocol: 'http',
  capacity: 100,
  weight: 1,
  state: 'enabled',
  monitors,
  ...extra,
});

describe.each(['rr', 'none'] as const)('monitor rules on an agent with 2 workers under scheduling policy %s', (policy) => {
  let plain: Scripted;
  let secure: Scripted;
  let spare: Backend;
  let agent: RunningAgent;
  const state = async (svc: string) => (await agent.stats()).services[svc]!;
  const stateIs = (svc: string, want: 'UP' | 'DOWN') =>
    until(
      () => state(svc),
      (s) => s.state === want,
      10_000,
    );

  beforeAll(async () => {
    [plain, secure, spare] = await Promise.all([scriptedBackend(false), scriptedBackend(true), tcpBackend('spare')]);
    agent = await spawnAgent(
      {
        monitors: [
          probe('heavy', '/a', { weight: 3 }),
          probe('light-b', '/b'),
          probe('light-c', '/c'),
          probe('quick', '/slow', { responseTime: { maxMs: 150 } }),
          probe('tls', '/tls', { type: 'https' }),
          probe('tls-as-http', '/tls'),
        ],
        services: [
          // 3 + 1 + 1 against a threshold of 3: UP while `heavy` is, or never without it.
          service('weighted', plain.port, [{ monitor: 'heavy' }, { monitor: 'light-b' }, { monitor: 'light-c' }], { monitorThreshold: 3 }),
          service('timed', plain.port, [{ monitor: 'quick' }]),
          service('secure', secure.port, [{ monitor: 'tls' }]),
          service('secure-probed-plain', secure.port, [{ monitor: 'tls-as-http' }]),
          tcpService('spare', spare.port, 100),
        ],
        vservers: [
          {
            name: 'front',
            protocol: 'tcp',
            listen: { port: 0, host: '127.0.0.1' },
            services: [{ service: 'weighted' }],
            spillover: { methods: [{ type: 'health', thresholdPercent: 100 }], backup: 'spare-vs', action: 'drop' },
          },
          { name: 'spare-vs', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
        ],
        agent: { workers: 2, drainTimeoutMs: 500 },
      },
      { SPILLWAY_AGENT_SCHEDULING_POLICY: policy },
    );
    expect((await agent.stats()).agent.schedulingPolicy).toBe(policy);
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all([plain?.close(), secure?.close(), spare?.close()]);
  });

  it('keeps a service UP while the weights of its UP monitors reach the monitor threshold, DOWN below it, and every worker acts on it', async () => {
    await stateIs('weighted', 'UP');
    // Both light monitors failing: 3 of 5 still reaches 3.
    plain.setStatus('/b', 503);
    plain.setStatus('/c', 503);
    const light = await until(
      () => state('weighted'),
      (s) => s.monitors.filter((m) => m.state === 'DOWN').length === 2,
      10_000,
    );
    expect(light.state).toBe('UP');
    expect(light.monitors.find((m) => m.monitor === 'heavy')?.state).toBe('UP');
    // The light ones back, the heavy one failing: 2 of 5 is below 3.
    plain.setStatus('/b', 200);
    plain.setStatus('/c', 200);
    await until(
      () => state('weighted'),
      (s) => s.monitors.every((m) => m.state === 'UP'),
      10_000,
    );
    plain.setStatus('/a', 503);
    const heavyDown = await stateIs('weighted', 'DOWN');
    expect(heavyDown.monitors.map((m) => [m.monitor, m.state]).sort()).toEqual([
      ['heavy', 'DOWN'],
      ['light-b', 'UP'],
      ['light-c', 'UP'],
    ]);
    // Every worker knows: new connections to the front vserver spill to the spare (whichever worker takes them).
    await until(
      async () => (await agent.stats()).vservers.front?.state,
      (s) => s === 'DOWN',
    );
    for (let i = 0; i < 6; i++) {
      const c = await openHeld(agent.ports.front!);
      expect(c.first).toBe('spare');
      c.socket.destroy();
    }
    plain.setStatus('/a', 200);
    const back = await stateIs('weighted', 'UP');
    expect(back.health_transitions_total).toBe(2);
  });

  it('fails a probe slower than the monitor responseTime.maxMs, and passes it again once it is quick', async () => {
    await stateIs('timed', 'UP');
    plain.setDelay('/slow', 400); // well within timeoutMs (1 s): only the response-time rule can fail it
    const slow = await stateIs('timed', 'DOWN');
    expect(slow.monitors[0]?.reason ?? '').toMatch(/150/);
    expect(slow.monitors[0]?.responseMs ?? 0).toBeGreaterThan(150);
    plain.setDelay('/slow', 0);
    await stateIs('timed', 'UP');
  });

  it('probes an https service over TLS: UP on its answer, DOWN on a failing one; the same server probed as plain http is DOWN', async () => {
    await stateIs('secure', 'UP');
    const plainProbe = await stateIs('secure-probed-plain', 'DOWN');
    expect(plainProbe.monitors[0]?.state).toBe('DOWN');
    secure.setStatus('/tls', 503);
    await stateIs('secure', 'DOWN');
    secure.setStatus('/tls', 200);
    await stateIs('secure', 'UP');
  });
});
