// A vserver whose connection limit is the sum of its services' capacities, with a backup vserver
// and no surge queue, under bursts above the limit with 2 workers: every request reaches a
// primary service or spills to the backup, none is answered 503 because the service state
// (agent-wide through the primary) briefly disagreed with the vserver quota, and no service holds
// more than its capacity.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULING_POLICIES, spawnAgent, type RunningAgent } from './helpers.js';

const CAPACITY = 10;
const SERVICES = 3;
const LIMIT = CAPACITY * SERVICES;
const BURST = 100;
const BURSTS = 4;

/** A backend answering each request after `holdMs`, counting the requests it holds at once. */
async function heldBackend(name: string, holdMs: number) {
  let holding = 0;
  let max = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    holding++;
    max = Math.max(max, holding);
    setTimeout(() => {
      holding--;
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name, connection: 'close' });
      res.end(name);
    }, holdMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    get max() {
      return max;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One request on a new connection: the status and the backend that answered ('' for an agent error). */
function get(port: number): Promise<{ status: number; backend: string; body: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, backend: String(res.headers['x-backend'] ?? ''), body }));
    });
    req.on('error', (err) => resolve({ status: 0, backend: '', body: err.message }));
    req.end();
  });
}

describe.each(SCHEDULING_POLICIES)('2 workers, cluster scheduling %s: limit = the sum of the capacities', (policy) => {
  let primaries: Awaited<ReturnType<typeof heldBackend>>[];
  let backup: Awaited<ReturnType<typeof heldBackend>>;
  let agent: RunningAgent;

  beforeAll(async () => {
    primaries = await Promise.all(Array.from({ length: SERVICES }, (_, i) => heldBackend(`primary-${i + 1}`, 400)));
    backup = await heldBackend('backup-1', 400);
    agent = await spawnAgent({
      agent: { name: 'capacity-spill', workers: 2, schedulingPolicy: policy, drainTimeoutMs: 500 },
      services: [
        ...primaries.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port, protocol: 'http', capacity: CAPACITY })),
        { name: 'backup-1', address: '127.0.0.1', port: backup.port, protocol: 'http', capacity: 100_000 },
      ],
      vservers: [
        {
          name: 'web',
          protocol: 'http',
          listen: { port: 0, host: '127.0.0.1' },
          lbMethod: 'leastconn',
          services: primaries.map((b) => ({ service: b.name })),
          spillover: { methods: [{ type: 'connection', threshold: LIMIT }], backup: 'web-overflow', action: 'accept' },
        },
        {
          name: 'web-overflow',
          protocol: 'http',
          listen: null,
          lbMethod: 'roundrobin',
          services: [{ service: 'backup-1' }],
          spillover: { methods: [], action: 'accept' },
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([...(primaries ?? []), ...(backup ? [backup] : [])].map((b) => b.close()));
  });

  it(`serves every request of ${BURSTS} bursts of ${BURST} on a primary or the backup, never 503, and no service above its capacity`, async () => {
    const failed: string[] = [];
    let toPrimaries = 0;
    for (let i = 0; i < BURSTS; i++) {
      const out = await Promise.all(Array.from({ length: BURST }, () => get(agent.ports.web!)));
      for (const o of out) {
        if (o.status !== 200) failed.push(`${o.status} ${o.body}`);
        else if (o.backend.startsWith('primary-')) toPrimaries++;
      }
    }
    expect(failed).toEqual([]);
    // Every primary was used, and none held more than its capacity at once (across both workers).
    expect(toPrimaries).toBeGreaterThan(0);
    for (const b of primaries) expect(b.max).toBeLessThanOrEqual(CAPACITY);
  }, 120_000);
});
