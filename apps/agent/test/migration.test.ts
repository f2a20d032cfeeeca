// Maintenance and live migration in a real agent process (issue 15 item 3): a service set to
// maintenance has its connections older than migrateAfterSeconds moved to another service without
// the client seeing a gap, a repeat or a lost byte; younger ones drain and are closed at the
// deadline, counted; a refused migration stays on the source; a source that dies mid-migration
// closes the client. Backends: migratable-backend.ts, the wire protocol written from its note.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, until, type RunningAgent } from './helpers.js';
import { migratableBackend, streamClient, type MigratableBackend, type StreamClient } from './migratable-backend.js';

const SECRET = 'migration-secret-for-tests-0123';

function doc(a: MigratableBackend, b: MigratableBackend, states: { a: string; b: string }, maintenance: Record<string, unknown>) {
  const svc = (x: MigratableBackend, state: string) => ({
    name: x.name,
    address: '127.0.0.1',
    port: x.port,
    state,
    proxyProtocol: 'v2',
    migration: { port: x.controlPort, secret: SECRET },
  });
  return {
    agent: { workers: 0 },
    services: [svc(a, states.a), svc(b, states.b)],
    vservers: [{ name: 'mig', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: a.name }, { service: b.name }], maintenance }],
  };
}

let a: MigratableBackend;
let b: MigratableBackend;
let agent: RunningAgent;
let clients: StreamClient[] = [];
const POLICY = { migrateAfterSeconds: 2, drainTimeoutSeconds: 4 };

async function startOnA(): Promise<void> {
  a = await migratableBackend('a', SECRET);
  b = await migratableBackend('b', SECRET);
  if (agent) await agent.reload(doc(a, b, { a: 'enabled', b: 'disabled' }, POLICY));
  else agent = await spawnAgent(doc(a, b, { a: 'enabled', b: 'disabled' }, POLICY));
}

async function open(n: number): Promise<StreamClient[]> {
  const out = await Promise.all(Array.from({ length: n }, () => streamClient(agent.ports.mig!)));
  clients.push(...out);
  await until(
    async () => out.every((c) => c.lines > 2),
    (ok) => ok,
  );
  return out;
}

const svcStats = async (name: string) => (await agent.stats()).services[name]!;

/** One client older than 1 s on a, then a in maintenance (migrate after 1 s, drain 30 s) and b enabled; a's counters before it. */
async function oneOldThenMaintenance(): Promise<{ c: StreamClient; before: Awaited<ReturnType<typeof svcStats>> }> {
  const [c] = await open(1);
  const opened = Date.now();
  await until(
    async () => Date.now() - opened,
    (ms) => ms >= 1_100,
  );
  const before = await svcStats('a');
  await agent.reload(doc(a, b, { a: 'maintenance', b: 'enabled' }, { migrateAfterSeconds: 1, drainTimeoutSeconds: 30 }));
  return { c: c!, before };
}

beforeAll(async () => {
  await startOnA();
}, 60_000);

afterEach(async () => {
  for (const c of clients) c.socket.destroy();
  clients = [];
  await Promise.all([a.close(), b.close()]);
  await startOnA();
});

afterAll(async () => {
  await agent.stop();
  await Promise.all([a.close(), b.close()]);
});

describe('maintenance of a migratable service', () => {
  it('moves every connection older than the threshold to the other service with no gap, repeat or lost byte, and drains the young one to its deadline', async () => {
    const old = await open(5);
    const opened = Date.now();
    await until(
      async () => Date.now() - opened,
      (ms) => ms >= 2_100,
    );
    const [young] = await open(1);
    const before = await svcStats('a');
    expect(a.sessions()).toBe(6);

    await agent.reload(doc(a, b, { a: 'maintenance', b: 'enabled' }, POLICY));
    await until(
      async () => b.resumed,
      (n) => n >= 5,
    );
    expect(b.resumed).toBe(5);
    // The old ones carry on on b: lines keep coming, the sum keeps counting.
    const at = old.map((c) => c.lines);
    await until(
      async () => old.every((c, i) => c.lines > at[i]! + 5),
      (ok) => ok,
    );
    expect(b.sessions()).toBe(5);
    expect(a.sessions()).toBe(1);
    for (const c of old) c.stopSending();
    await until(
      async () => old.every((c) => c.lastSum === c.sent),
      (ok) => ok,
    );
    for (const c of old) {
      expect(c.problem).toBeNull();
      expect(c.closed).toBe(false);
    }
    // The young one stays on a until the drain deadline, then it is closed and counted.
    await until(
      async () => young!.closed,
      (x) => x,
    );
    expect(young!.problem).toBeNull();
    const s = await until(
      () => svcStats('a'),
      (x) => x.cx_draining === 0 && x.cx_drain_closed_total > before.cx_drain_closed_total,
    );
    expect(s.cx_migrated_total - before.cx_migrated_total).toBe(5);
    expect(s.cx_migrate_failed_total - before.cx_migrate_failed_total).toBe(0);
    expect(s.cx_active).toBe(0);
    // The backend sees the close a moment after the agent counted it.
    await until(
      async () => a.sessions(),
      (n) => n === 0,
    );
    expect((await svcStats('b')).cx_active).toBe(5);
  }, 30_000);

  it('keeps a connection on its source when the target refuses the state, counted, with no gap', async () => {
    b.refuseImports = 'full';
    const { c, before } = await oneOldThenMaintenance();
    await until(
      () => svcStats('a'),
      (x) => x.cx_migrate_failed_total > before.cx_migrate_failed_total,
    );
    const lines = c.lines;
    await until(
      async () => c.lines,
      (n) => n > lines + 5,
    );
    c.stopSending();
    await until(
      async () => c.lastSum === c.sent,
      (ok) => ok,
    );
    expect(c.problem).toBeNull();
    expect(c.closed).toBe(false);
    expect(a.sessions()).toBe(1);
    expect(b.resumed).toBe(0);
    expect(agent.output()).toContain('target refused: full');
  }, 30_000);

  it('closes the client, counted, when the source dies during the migration', async () => {
    a.hangExports = true;
    const { c, before } = await oneOldThenMaintenance();
    await until(
      async () => a.exports,
      (n) => n === 1,
    );
    await a.close();
    await until(
      async () => c.closed,
      (x) => x,
    );
    const s = await until(
      () => svcStats('a'),
      (x) => x.cx_migrate_failed_total > before.cx_migrate_failed_total,
    );
    expect(s.cx_migrating).toBe(0);
    expect(c.problem).toBeNull();
  }, 30_000);
});
