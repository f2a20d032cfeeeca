// The hub's maintenance view (agent-hub/maintenance.ts) over agents' reports: events per interval
// count each migration once even when a report dips (an engine late with its counters) and count
// a restarted agent (new session) from zero; the status sums the agents and names the latest
// failure; a service with no connection left completes its maintenance.
import type { ConfigDocument, Report } from '@spillway/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../src/agent-hub/hub.js';
import { HubMaintenance, type MaintenanceEvent } from '../../src/agent-hub/maintenance.js';

const config = (state: string): ConfigDocument =>
  ({ services: [{ name: 'a', address: '127.0.0.1', port: 1, state }], monitors: [], vservers: [] }) as unknown as ConfigDocument;

function record(name: string, connectedAt: number, cxActive: number, m: Partial<NonNullable<Report['services'][string]['maintenance']>> | null): AgentRecord {
  const report: Report = {
    type: 'report',
    at: 0,
    vservers: {},
    services: {
      a: {
        cxActive,
        cxTotal: 0,
        state: 'UP',
        ...(m ? { maintenance: { draining: 0, migrating: 0, migratedTotal: 0, failedTotal: 0, drainClosedTotal: 0, ...m } } : {}),
      },
    },
  };
  return { name, connectedAt, report } as unknown as AgentRecord;
}

let hm: HubMaintenance | null = null;
afterEach(() => hm?.close());

describe('hub maintenance', () => {
  it('counts every migration once across dipping reports and an agent restart, sums the status and completes when nothing is left', () => {
    const events: MaintenanceEvent[] = [];
    let live: AgentRecord[] = [record('x', 1, 10, null), record('y', 1, 5, null)];
    hm = new HubMaintenance({ emit: (e) => events.push(e), live: () => live, intervalMs: 3_600_000 });
    const tick = (): void => (hm as unknown as { tick(): void }).tick();
    hm.setConfig(config('maintenance'));
    expect(events).toEqual([{ kind: 'service.maintenance_started', service: 'a', connections: 15 }]);

    live = [
      record('x', 1, 4, { migratedTotal: 6, migrating: 2 }),
      record('y', 1, 5, { failedTotal: 1, draining: 5, lastFailure: { code: 'no_target', message: 'none', at: 5 } }),
    ];
    tick();
    // x's engines answer late: its report dips to 2, then says 8.
    live = [record('x', 1, 2, { migratedTotal: 2 }), live[1]!];
    tick();
    live = [record('x', 1, 2, { migratedTotal: 8 }), live[1]!];
    tick();
    // y restarts (a new session): its counts start again from zero.
    live = [live[0]!, record('y', 2, 0, { drainClosedTotal: 3 })];
    expect(hm.status('a')).toEqual({ draining: 0, migrating: 0, migrated: 8, failed: 0, drainClosed: 3, lastFailure: null });
    live = [record('x', 1, 0, { migratedTotal: 8 }), live[1]!];
    tick();
    const migrations = events.filter((e) => e.kind === 'service.migrations');
    expect(migrations.map((e) => [e.migrated, e.failed, e.drainClosed])).toEqual([
      [6, 1, 0],
      [2, 0, 0],
      [0, 0, 3],
    ]);
    expect(migrations[0]).toMatchObject({ lastFailure: 'no_target: none' });
    expect(events.at(-1)).toMatchObject({ kind: 'service.maintenance_completed', service: 'a', migrated: 8, failed: 1, drainClosed: 3, reason: 'drained' });
  });

  it('ends the episode when the service leaves maintenance', () => {
    const events: MaintenanceEvent[] = [];
    hm = new HubMaintenance({ emit: (e) => events.push(e), live: () => [record('x', 1, 3, null)], intervalMs: 3_600_000 });
    hm.setConfig(config('maintenance'));
    hm.setConfig(config('enabled'));
    expect(events.map((e) => e.kind)).toEqual(['service.maintenance_started', 'service.maintenance_completed']);
    expect(events[1]).toMatchObject({ reason: 'left', migrated: 0 });
    expect(hm.status('a')).toBeNull();
  });
});
