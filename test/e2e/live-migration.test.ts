// Live migration end to end (issue 15 "Done when"): the control plane as it ships, a managed
// agent with two workers, migratable backends as their own processes (migratable-app.ts on
// @spillway/migration) and one backend without the library. A service set to maintenance through
// the API has every connection older than migrateAfterSeconds moved to the other service with no
// gap, repeat or lost byte; younger ones drain; the plain backend's connections close at the drain
// deadline, counted; status, GET /v1/services/{name}/connections and the events say so. Failures:
// a target that refuses (stays on the source, the status says why), a source that dies
// mid-migration (the client is closed, counted), an agent restart (nothing left half-migrated).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { streamClient, type StreamClient } from '../../apps/agent/test/migratable-backend.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { buildDist } from '../kit/build.js';
import { agentToken, freePort, openHeld, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
// The apps run @spillway/migration's dist/ (test/kit/build.ts: incremental, one build at a time).
buildDist(['packages/migration']);
const SECRET = 'e2e-migration-secret-0123456789';
const HOST = '127.0.0.4';

interface App {
  child: ChildProcess;
  port: number;
  controlPort: number;
  /** Its open connections, as it last printed them. */
  open: number;
  kill(signal?: NodeJS.Signals): void;
}

/** A migratable-app.mjs process (its own process group: signals reach it, not a wrapper); resolves once it listens. */
function startApp(env: Record<string, string> = {}): Promise<App> {
  const child = spawn(process.execPath, ['--conditions=spillway-dist', path.join(import.meta.dirname, 'migratable-app.mjs')], {
    cwd: root,
    env: { ...process.env, MIGRATION_SECRET: SECRET, TICK_MS: '20', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    let pending = '';
    const kill = (signal: NodeJS.Signals = 'SIGKILL'): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* gone already */
      }
    };
    const app: App = { child, port: 0, controlPort: 0, open: 0, kill };
    child.stdout.on('data', (c: Buffer) => {
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const j = JSON.parse(l) as { ready?: boolean; port?: number; controlPort?: number; open?: number };
        if (j.open !== undefined) app.open = j.open;
        if (j.ready) {
          app.port = j.port!;
          app.controlPort = j.controlPort!;
          resolve(app);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`migratable app exited with ${code}: ${err}`)));
  });
}

let db: TestDatabase;
/** The migratable backends of each test: source and target. */
let app: Record<'a' | 'b' | 'ra' | 'rb' | 'da' | 'db' | 'xa' | 'xb', App>;
let cp: ControlPlaneProc;
let agent: AgentProc;
let token: string;
const apps: App[] = [];
let plain: Backend;
const clients: StreamClient[] = [];
const held: net.Socket[] = [];
const ports = { stream: 0, plain: 0, refuse: 0, dies: 0, restart: 0 };

/** The configuration, grown by each test (every PUT /v1/config carries all of it). */
const services: Record<string, Record<string, unknown>> = {};
const vservers: Record<string, Record<string, unknown>> = {};
const migratable = (app: App, state = 'enabled') => ({
  address: '127.0.0.1',
  port: app.port,
  state,
  proxyProtocol: 'v2',
  migration: { port: app.controlPort, secret: SECRET },
});
async function put(): Promise<void> {
  await cp.call('PUT', '/v1/config', {
    monitors: [],
    services: Object.entries(services).map(([name, s]) => ({ name, ...s })),
    vservers: Object.entries(vservers).map(([name, v]) => ({ name, ...v })),
  });
}
const setState = async (changes: Record<string, string>): Promise<void> => {
  for (const [name, state] of Object.entries(changes)) services[name]!.state = state;
  await put();
};
const tcpVServer = (port: number, names: string[], maintenance: Record<string, unknown>) => ({
  protocol: 'tcp',
  listen: { port },
  services: names.map((service) => ({ service })),
  maintenance,
});

interface ServiceStatus {
  name: string;
  activeConnections: number;
  maintenance?: {
    draining: number;
    migrating: number;
    migrated: number;
    failed: number;
    drainClosed: number;
    lastFailure: { code: string; message: string } | null;
  };
}
const serviceStatus = async (vs: string, service: string): Promise<ServiceStatus | undefined> =>
  (await cp.get<{ services: ServiceStatus[] }>(`/v1/vservers/${vs}/status`)).services.find((s) => s.name === service);
const listening = (vs: keyof typeof ports) =>
  until(
    () => agent.stats(),
    (s) => s?.listeners?.[vs] === ports[vs],
    20_000,
    `agent listening for ${vs}`,
  );
async function open(vs: keyof typeof ports, n: number): Promise<StreamClient[]> {
  const out = await Promise.all(Array.from({ length: n }, () => streamClient(ports[vs], 50, HOST)));
  clients.push(...out);
  await until(
    async () => out.every((c) => c.lines > 2),
    (ok) => ok,
    20_000,
    'clients streaming',
  );
  return out;
}
/** Waits until `app` printed `n` open connections (its stdout may trail the client's own view). */
const opens = (x: App, n: number) =>
  until(
    async () => x.open,
    (k) => k === n,
    10_000,
    `${n} open connections`,
  );
const aged = async (ms: number): Promise<void> => {
  const from = Date.now();
  await until(
    async () => Date.now() - from,
    (t) => t >= ms,
  );
};

beforeAll(async () => {
  db = await createTestDatabase();
  [cp, plain] = await Promise.all([startControlPlane(db.url), tcpBackend('plain-1')]);
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
  const [a, b, ra, rb, da, db_, xa, xb] = await Promise.all([
    startApp(),
    startApp(),
    startApp(),
    startApp({ REFUSE_IMPORTS: '1' }),
    startApp(),
    startApp(),
    startApp(),
    startApp(),
  ]);
  app = { a, b, ra, rb, da, db: db_, xa, xb };
  apps.push(...Object.values(app));
  for (const [source, target] of [
    ['a', 'b'],
    ['ra', 'rb'],
    ['da', 'db'],
    ['xa', 'xb'],
  ] as const) {
    services[source] = migratable(app[source]);
    services[target] = migratable(app[target], 'disabled');
  }
  services.c = { address: '127.0.0.1', port: plain.port };
  vservers.stream = tcpVServer(ports.stream, ['a', 'b'], { migrateAfterSeconds: 2, drainTimeoutSeconds: 6 });
  vservers.plain = tcpVServer(ports.plain, ['c'], { drainTimeoutSeconds: 2 });
  for (const [vs, source, target] of [
    ['refuse', 'ra', 'rb'],
    ['dies', 'da', 'db'],
    ['restart', 'xa', 'xb'],
  ] as const)
    vservers[vs] = tcpVServer(ports[vs], [source, target], { migrateAfterSeconds: 1, drainTimeoutSeconds: 60 });
  await put();
  token = await agentToken(cp, 'mig-1');
  agent = await startAgent('mig-1', token, cp.url, HOST, 2);
  await Promise.all((Object.keys(ports) as Array<keyof typeof ports>).map((vs) => listening(vs)));
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.socket.destroy();
  for (const s of held) s.destroy();
  for (const a of apps) a.kill();
  await Promise.all([agent?.kill(), cp?.kill(), plain?.close()]);
  await db?.drop();
});

describe('live migration through a real agent', () => {
  it('moves 50 long-lived connections off a service in maintenance with no gap, repeat or lost byte, drains the young ones and closes a plain backend at its deadline, counted', async () => {
    const { a, b } = app;
    const old = await open('stream', 50);
    const plainClosed = new Set<net.Socket>();
    for (let i = 0; i < 3; i++) {
      const { socket } = await openHeld(HOST, ports.plain);
      socket.once('close', () => plainClosed.add(socket));
      held.push(socket);
    }
    await aged(2_300);
    const listed = await until(
      () => cp.get<{ total: number; items: Array<{ agent: string; state: string; rxBytes: number; client: string }> }>('/v1/services/a/connections?limit=1000'),
      (l) => l?.total === 50,
      10_000,
      '50 connections listed',
    );
    expect(listed.items.every((c) => c.agent === 'mig-1' && c.state === 'active' && c.rxBytes > 0 && c.client.startsWith('127.0.0.1:'))).toBe(true);
    const young = await open('stream', 5);
    await opens(a, 55);

    await setState({ a: 'maintenance', b: 'enabled', c: 'maintenance' });
    // The young ones drain: they end on their own, on a.
    for (const c of young) c.socket.end();
    const moved = await until(
      () => serviceStatus('stream', 'a'),
      (s) => (s?.maintenance?.migrated ?? 0) >= 50,
      20_000,
      '50 connections migrated',
    );
    expect(moved.maintenance).toMatchObject({ migrated: 50, failed: 0 });
    // They carry on on b: lines keep coming, every number sent counted once.
    const at = old.map((c) => c.lines);
    await until(
      async () => old.every((c, i) => c.lines > at[i]! + 5),
      (ok) => ok,
      10_000,
      'streams continue on b',
    );
    for (const c of old) c.stopSending();
    await until(
      async () => old.every((c) => c.lastSum === c.sent),
      (ok) => ok,
      10_000,
      'every byte counted',
    );
    for (const c of old) {
      expect(c.problem).toBeNull();
      expect(c.closed).toBe(false);
    }
    await until(
      async () => a.open,
      (n) => n === 0,
      10_000,
      'a has no connection',
    );
    await opens(b, 50);
    const onB = await until(
      () => cp.get<{ total: number; items: Array<{ state: string }> }>('/v1/services/b/connections?limit=1000'),
      (l) => l?.total === 50,
      10_000,
      '50 connections on b',
    );
    expect(onB.items.every((c) => c.state === 'migrated')).toBe(true);

    // The plain backend cannot migrate: its connections close at the drain deadline, counted.
    await until(
      async () => plainClosed.size,
      (n) => n === 3,
      10_000,
      'plain connections closed',
    );
    await until(
      () => serviceStatus('plain', 'c'),
      (s) => s?.maintenance?.drainClosed === 3 && s.maintenance.draining === 0,
      10_000,
      'drain closes counted',
    );

    // Events: started, the migrations aggregated (not one row per connection), completed.
    const events = await until(
      () => cp.get<{ items: Array<{ kind: string; object: { name: string } | null; data: Record<string, number> }> }>('/v1/events?kind=service.&limit=1000'),
      (e) =>
        ['service.maintenance_completed', 'service.migrations'].every((k) => (e?.items ?? []).some((x) => x.kind === k && x.object?.name === 'a')) &&
        (e?.items ?? []).some((x) => x.kind === 'service.maintenance_completed' && x.object?.name === 'c'),
      30_000,
      'maintenance completed and migrations events',
    );
    const of = (kind: string, name: string) => events.items.filter((e) => e.kind === kind && e.object?.name === name);
    expect(of('service.maintenance_started', 'a')).toHaveLength(1);
    expect(of('service.maintenance_started', 'c')).toHaveLength(1);
    const migrations = of('service.migrations', 'a');
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.length).toBeLessThan(10);
    expect(migrations.reduce((n, e) => n + e.data.migrated!, 0)).toBe(50);
    expect(of('service.maintenance_completed', 'a')[0]!.data).toMatchObject({ migrated: 50, failed: 0 });
    expect(of('service.maintenance_completed', 'c')[0]!.data).toMatchObject({ drainClosed: 3 });
  }, 90_000);

  it('keeps a connection on its source when the target refuses the state, and the status says why', async () => {
    const { ra: a, rb: b } = app;
    const [c] = await open('refuse', 1);
    await aged(1_200);
    await setState({ ra: 'maintenance', rb: 'enabled' });
    const s = await until(
      () => serviceStatus('refuse', 'ra'),
      (x) => (x?.maintenance?.failed ?? 0) >= 1,
      15_000,
      'failure reported',
    );
    expect(s.maintenance!.lastFailure!.code).toBe('export_refused');
    expect(s.maintenance!.lastFailure!.message).toContain('refused');
    expect(s.maintenance!.migrated).toBe(0);
    const lines = c!.lines;
    await until(
      async () => c!.lines,
      (n) => n > lines + 5,
    );
    c!.stopSending();
    await until(
      async () => c!.lastSum === c!.sent,
      (ok) => ok,
    );
    expect(c!.problem).toBeNull();
    expect(c!.closed).toBe(false);
    expect(a.open).toBe(1);
    expect(b.open).toBe(0);
  }, 60_000);

  it('closes the client, counted, when the source dies during the migration', async () => {
    const { da: a } = app;
    const [c] = await open('dies', 1);
    await aged(1_200);
    a.kill('SIGSTOP'); // the export is sent and never answered ...
    await setState({ da: 'maintenance', db: 'enabled' });
    await until(
      () => agent.stats(),
      (s) => (s?.services.da?.cx_migrating ?? 0) === 1,
      15_000,
      'migration under way',
    );
    a.kill('SIGKILL'); // ... and the source dies with it
    await until(
      async () => c!.closed,
      (x) => x,
      15_000,
      'client closed',
    );
    const s = await until(
      () => serviceStatus('dies', 'da'),
      (x) => (x?.maintenance?.failed ?? 0) >= 1 && x?.maintenance?.migrating === 0,
      15_000,
      'failure counted',
    );
    expect(s.maintenance!.migrated).toBe(0);
    expect(c!.problem).toBeNull();
  }, 60_000);

  it('leaves nothing half-migrated when the agent restarts during a migration', async () => {
    const { xa: a, xb: b } = app;
    const [c] = await open('restart', 1);
    await aged(1_200);
    a.kill('SIGSTOP');
    await setState({ xa: 'maintenance', xb: 'enabled' });
    await until(
      () => agent.stats(),
      (s) => (s?.services.xa?.cx_migrating ?? 0) === 1,
      15_000,
      'migration under way',
    );
    await agent.kill('SIGKILL');
    a.kill('SIGCONT');
    await until(
      async () => c!.closed,
      (x) => x,
      15_000,
      'client closed with the agent',
    );
    agent = await startAgent('mig-1', token, cp.url, HOST, 2);
    await listening('restart');
    // Neither backend keeps a session of the connection; the new agent migrates nothing.
    await until(
      async () => a.open + b.open,
      (n) => n === 0,
      15_000,
      'no session left on the backends',
    );
    const st = await agent.stats();
    expect(st.services.xa?.cx_migrating ?? 0).toBe(0);
    expect(st.services.xa?.cx_active ?? 0).toBe(0);
    // A new client is served by the target service, from a fresh session.
    const [fresh] = await open('restart', 1);
    expect(fresh!.problem).toBeNull();
    await opens(b, 1);
    expect(a.open).toBe(0);
  }, 90_000);
});
