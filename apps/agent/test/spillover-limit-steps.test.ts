// A dynamic threshold that grows in steps while connections are held, across two workers: at
// every step the primary vserver admits exactly up to the new limit (the stand-in pool once lent
// past the limit after stepwise growth, 41/40), and the workers' allowances never add up to more
// than the limit.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, until, type RunningAgent } from './helpers.js';

type HttpBackend = Awaited<ReturnType<typeof httpBackend>>;
const CAPACITY = 4;
let backends: HttpBackend[];
let spare: HttpBackend;
let agent: RunningAgent;
const held: http.Agent[] = [];

const service = (name: string, port: number, capacity: number, monitored: boolean) => ({
  name,
  address: '127.0.0.1',
  port,
  protocol: 'http',
  capacity,
  weight: 1,
  state: 'enabled',
  monitors: monitored ? [{ monitor: 'health' }] : [],
});

beforeAll(async () => {
  backends = await Promise.all(['web-1', 'web-2', 'web-3'].map((n) => httpBackend(n)));
  spare = await httpBackend('spare');
  backends[1]!.setStatus(500);
  backends[2]!.setStatus(500);
  agent = await spawnAgent({
    monitors: [{ name: 'health', type: 'http', intervalMs: 50, timeoutMs: 500, fall: 1, rise: 1, weight: 1, http: { path: '/healthz', expectStatus: [200] } }],
    services: [...backends.map((b) => service(b.name, b.port, CAPACITY, true)), service('spare', spare.port, 1000, false)],
    vservers: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 0, host: '127.0.0.1' },
        lbMethod: 'leastconn',
        services: backends.map((b) => ({ service: b.name })),
        spillover: { methods: [{ type: 'dynamicconnection' }], backup: 'overflow', action: 'drop' },
      },
      { name: 'overflow', protocol: 'http', listen: null, services: [{ service: 'spare' }], spillover: { methods: [] } },
    ],
    agent: { workers: 2, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  for (const a of held) a.destroy();
  await agent?.stop();
  await Promise.all([...(backends ?? []), spare].map((b) => b?.close()));
});

/** `n` new keep-alive clients, one request each; their connections stay open (held uses). */
async function clients(n: number): Promise<string[]> {
  const agents = Array.from({ length: n }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  held.push(...agents);
  return Promise.all(
    agents.map(
      (a) =>
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: agent.ports.web!, path: '/', agent: a }, (res) => {
              let body = '';
              res.on('data', (c: Buffer) => {
                body += c.toString();
              });
              res.on('end', () => resolve(res.statusCode === 200 ? (JSON.parse(body) as { backend: string }).backend : `status ${res.statusCode}`));
            })
            .on('error', reject);
        }),
    ),
  );
}

describe('a limit growing in steps while connections are held, two workers', () => {
  it('admits exactly up to each new limit and never lets the workers hold more than it', async () => {
    await until(
      () => agent.stats(),
      (s) => s.vservers.web!.threshold === CAPACITY,
    );
    let onPrimary = 0;
    for (let step = 1; step <= 3; step++) {
      const limit = step * CAPACITY;
      if (step > 1) {
        backends[step - 1]!.setStatus(200);
        await until(
          () => agent.stats(),
          (s) => s.vservers.web!.threshold === limit && s.vservers.web!.quota?.limit === limit,
        );
      }
      const got = await clients(limit - onPrimary + 3);
      const main = got.filter((b) => b.startsWith('web-')).length;
      expect({ step, main, spare: got.filter((b) => b === 'spare').length }).toEqual({ step, main: limit - onPrimary, spare: 3 });
      onPrimary += main;
      const s = await agent.stats();
      expect(s.vservers.web!.cx_active).toBe(limit);
      const q = s.vservers.web!.quota!;
      const allowances = Object.values(q.engines).reduce((sum, e) => sum + e.exclusive + e.borrowed, 0);
      expect(allowances).toBeLessThanOrEqual(limit);
    }
  });
});
