// The service manager's global persistence table in Postgres (selection-store.ts) on a real
// database: entries written behind survive the store (a restarted control plane's manager answers
// a client as before, the view across agents empty), expired ones are not served, and reads of
// one turn go as one query.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConfigDocument } from '@spillway/protocol';
import { ServiceLoads } from '../../src/agent-hub/service-load.js';
import { ServiceManager } from '../../src/agent-hub/service-manager.js';
import { PrismaSelectionStore } from '../../src/agent-hub/selection-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { webConfig } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;
const noAgents = new ServiceLoads({ agents: () => [], agent: () => undefined, serviceState: () => null });
const config = (): ConfigDocument => {
  const c = webConfig();
  Object.assign(c.vservers[0]!, { lbMethod: 'roundrobin', selection: 'manager', persistence: { type: 'sourceip', timeoutSeconds: 60 } });
  return c;
};

it('answers a client after a restart of the control plane as before it, from the entries in Postgres', async () => {
  const doc = config();
  const before = new PrismaSelectionStore(db.prisma, log);
  const m1 = new ServiceManager(() => doc, noAgents, before);
  const placed = new Map<string, string | null>();
  for (const key of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) placed.set(key, (await m1.select('agent-a', 'web', key)).service);
  expect(new Set(placed.values()).size).toBe(2);
  await before.close();
  expect(await db.prisma.selectionEntry.count()).toBe(4);

  // A new manager (memory empty) on the same table; its round robin would start over.
  const after = new PrismaSelectionStore(db.prisma, log);
  const m2 = new ServiceManager(() => doc, noAgents, after);
  const answers = await Promise.all([...placed.keys()].reverse().map(async (key) => [key, (await m2.select('agent-b', 'web', key)).service] as const));
  for (const [key, service] of answers) expect(service, key).toBe(placed.get(key));
  expect(m2.stats.storeHitsTotal).toBe(4);
  await after.close();
});

it('does not serve an expired entry, and reads many clients of one turn in one go', async () => {
  const store = new PrismaSelectionStore(db.prisma, log);
  store.put('web', '10.0.9.1', { service: 'web-1', expiresAt: Date.now() - 1_000 });
  for (let i = 0; i < 50; i++) store.put('web', `10.0.8.${i}`, { service: 'web-2', expiresAt: Date.now() + 60_000 });
  await store.close();
  const fresh = new PrismaSelectionStore(db.prisma, log);
  expect(await fresh.get('web', '10.0.9.1')).toBeNull();
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => fresh.get('web', `10.0.8.${i}`)));
  expect(all.every((r) => r?.service === 'web-2')).toBe(true);
  expect(await fresh.get('web', 'never-seen')).toBeNull();
  await fresh.close();
});
