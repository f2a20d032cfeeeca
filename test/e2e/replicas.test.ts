// Two control-plane processes on one Postgres, behind different ports, each with one agent process:
// a change made on one replica reaches the other replica's agent, both replicas list the same
// agents and versions, and the vserver's limit holds across the two replicas' agents.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { agentToken, freePort, openHeld, overflowDocument, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

let db: TestDatabase;
let replicas: ControlPlaneProc[] = [];
let agents: AgentProc[] = [];
let web: Backend;
let spare: Backend;
let listenPort = 0;
const held: net.Socket[] = [];

interface AgentView {
  id: string;
  connected: boolean;
  appliedVersion: string | null;
}

const document = (capacity: number) =>
  overflowDocument({ listenPort, primary: { name: 'web-1', port: web.port, capacity }, sparePort: spare.port, method: { type: 'dynamicconnection' } });

beforeAll(async () => {
  [web, spare] = await Promise.all([tcpBackend('web-1'), tcpBackend('spare')]);
  [db, listenPort] = await Promise.all([createTestDatabase(), freePort()]);
  replicas = await Promise.all([startControlPlane(db.url), startControlPlane(db.url)]);
  const [one, two] = replicas as [ControlPlaneProc, ControlPlaneProc];
  const [ta, tb] = [await agentToken(one, 'agent-a'), await agentToken(two, 'agent-b')];
  agents = await Promise.all([startAgent('agent-a', ta, one.url, '127.0.0.4'), startAgent('agent-b', tb, two.url, '127.0.0.5')]);
}, 120_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  await Promise.all([...agents.map((a) => a.kill()), ...replicas.map((r) => r.kill())]);
  await Promise.all([web, spare].map((b) => b?.close()));
  await db?.drop();
});

describe('two control-plane replicas on one database', () => {
  it("agree: a change on one reaches the other's agent, and both list the same agents and versions", async () => {
    const [one, two] = replicas as [ControlPlaneProc, ControlPlaneProc];
    await one.call('PUT', '/v1/config', document(30));
    const { version } = await two.call<{ version: number }>('PUT', '/v1/config', document(40));
    for (const r of replicas) {
      await until(
        () => r.get<{ items: AgentView[] }>('/v1/agents'),
        (l) => l?.items.length === 2 && l.items.every((a) => a.connected && a.appliedVersion === String(version)),
        15_000,
        `replica ${r.port} lists both agents on version ${version}`,
      );
    }
    const thresholds = await Promise.all(
      replicas.map((r) =>
        until(
          () => r.get<{ threshold: { value: number } }>('/v1/vservers/web/status'),
          (s) => s?.threshold.value === 40,
          10_000,
          'threshold 40',
        ),
      ),
    );
    expect(thresholds.map((s) => s.threshold.value)).toEqual([40, 40]);
  }, 60_000);

  it("holds the vserver's limit across the agents of both replicas (shares kept in Postgres)", async () => {
    await Promise.all(
      agents.map((a) =>
        until(
          () => a.stats(),
          (s) => (s?.vservers.web?.quota?.limit ?? 0) > 0 && s?.listeners.web === listenPort,
          15_000,
          `${a.name} has a share`,
        ),
      ),
    );
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => openHeld(agents[i % 2]!.host, listenPort)));
    for (const r of results) held.push(r.socket);
    const admitted = results.filter((r) => r.first === 'web-1').length;
    console.info(`burst of 80 over 2 agents on 2 replicas: ${admitted} admitted on the primary (limit 40)`);
    expect(admitted).toBeLessThanOrEqual(40);
    expect(admitted).toBeGreaterThan(0);
    expect(results.filter((r) => r.first === 'spare').length).toBe(80 - admitted);
    const rows = await db.prisma.quotaLease.findMany();
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeLessThanOrEqual(40);
  }, 60_000);
});
