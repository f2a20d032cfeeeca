// Spillover events end to end: the control plane as it ships (server.ts, SPILLWAY_SPILL_HOLD_MS),
// a real agent process and real backends. Connections past a vserver's limit spill to its backup
// over several reports; the control plane records one vserver.spillover_started naming the method
// and the limit, and one vserver.spillover_stopped once the reports showed no spill for the hold.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { agentToken, freePort, openHeld, overflowDocument, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

const HOLD_MS = 4_000;

let db: TestDatabase;
let cp: ControlPlaneProc;
let agent: AgentProc;
let web: Backend;
let spare: Backend;
let listenPort = 0;
const held: net.Socket[] = [];

interface EventView {
  id: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

const spillEvents = async (): Promise<EventView[]> =>
  (await cp.get<{ items: EventView[] }>('/v1/events?kind=vserver.&limit=1000')).items.filter((e) => e.kind.startsWith('vserver.spillover_'));
const spillovers = async (): Promise<number> => (await cp.get<{ spillovers: number }>('/v1/vservers/web/status')).spillovers;

beforeAll(async () => {
  [web, spare] = await Promise.all([tcpBackend('web-1'), tcpBackend('spare')]);
  [db, listenPort] = await Promise.all([createTestDatabase(), freePort()]);
  cp = await startControlPlane(db.url, 0, { SPILLWAY_SPILL_HOLD_MS: String(HOLD_MS) });
  agent = await startAgent('edge-1', await agentToken(cp, 'edge-1'), cp.url, '127.0.0.2');
}, 120_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  await Promise.all([agent?.kill(), cp?.kill()]);
  await Promise.all([web, spare].map((b) => b?.close()));
  await db?.drop();
});

describe('spillover events from a real agent', () => {
  it('records one spillover_started while connections keep spilling past the limit, and one stopped after the hold', async () => {
    await cp.call(
      'PUT',
      '/v1/config',
      overflowDocument({
        listenPort,
        primary: { name: 'web-1', port: web.port, capacity: 100 },
        sparePort: spare.port,
        method: { type: 'connection', threshold: 2 },
      }),
    );
    await until(
      () => agent.stats(),
      (s) => s?.listeners?.web === listenPort,
      20_000,
      'agent listening',
    );
    for (let i = 0; i < 2; i++) {
      const c = await openHeld(agent.host, listenPort);
      held.push(c.socket);
      expect(c.first).toBe('web-1');
    }
    // The vserver at its limit: each new connection spills, one per report the control plane sees.
    for (let n = 1; n <= 4; n++) {
      const c = await openHeld(agent.host, listenPort);
      held.push(c.socket);
      expect(c.first).toBe('spare');
      await until(spillovers, (x) => x >= n, 15_000, `report of ${n} spills`);
    }
    const started = await until(spillEvents, (l) => l?.length >= 1, 15_000, 'spillover_started');
    expect(started).toEqual([
      expect.objectContaining({
        kind: 'vserver.spillover_started',
        data: { vserver: 'web', method: 'connection', limit: 2, agents: ['edge-1'] },
      }),
    ]);
    const events = await until(spillEvents, (l) => l?.length >= 2, HOLD_MS + 20_000, 'spillover_stopped');
    expect(events.map((e) => e.kind)).toEqual(['vserver.spillover_started', 'vserver.spillover_stopped']);
    expect(events[1]!.data).toEqual(
      expect.objectContaining({ vserver: 'web', method: 'connection', limit: 2, agents: ['edge-1'], spills: 4, reason: 'quiet' }),
    );
    expect(Date.parse(events[1]!.at) - Date.parse(events[1]!.data.lastSpillAt as string)).toBeGreaterThanOrEqual(HOLD_MS);
  }, 120_000);
});
