// The control plane as it ships (apps/control-plane/src/server.ts: REST API, Postgres, agent hub)
// in its own process, on a fresh embedded Postgres in a temp dir (default settings, fsync on) or
// on a database the caller gives (the smoke tests pass one cloned from the test template). The
// bootstrap admin token is BENCH_ADMIN_TOKEN; request logs are off (SPILLWAY_LOG_LEVEL=warn).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SimulatedAgent } from '@spillway/protocol';
import { EmbeddedPostgres, reapTemporaryPostgres } from '../../apps/control-plane/src/db/embedded-postgres.js';
import { freePort, sleep, startProcess, type Proc } from './proc.js';
import { repoRoot } from './results.js';

export const BENCH_ADMIN_TOKEN = 'spw_bench-admin-token-0123456789abcdef';
const PG_PREFIX = 'spillway-bench-cp-';
/** A REST call that takes longer fails the benchmark instead of hanging it (the run stays bounded). */
const CALL_TIMEOUT_MS = 180_000;

export interface AgentRow {
  id: string;
  connected: boolean;
  appliedVersion: string | null;
}

export interface RunningControlPlane {
  proc: Proc;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** ws:// URL agents dial (with an agent token from agentToken()). */
  controlUrl: string;
  /** true: the embedded Postgres of this helper (fresh data dir); false: the caller's database. */
  embedded: boolean;
  /** A REST call with the admin token; rejects on a status other than `expect` or after CALL_TIMEOUT_MS. */
  call<T = unknown>(method: string, route: string, body?: unknown, expect?: number): Promise<T>;
  /** Issues an agent token for `agent` through POST /v1/agent-tokens. */
  agentToken(agent: string): Promise<string>;
  /** GET /v1/agents (up to 1,000). */
  agents(): Promise<AgentRow[]>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Postgres database to use (DATABASE_URL); omitted: a fresh embedded Postgres in a temp dir. */
  databaseUrl?: string | undefined;
  /** SPILLWAY_HEARTBEAT_MS of the agent hub. */
  heartbeatMs?: number;
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<RunningControlPlane> {
  let pg: EmbeddedPostgres | null = null;
  let dir: string | null = null;
  let proc: Proc | null = null;
  const release = async (): Promise<void> => {
    await proc?.stop();
    await pg?.stop().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    let databaseUrl = opts.databaseUrl;
    if (databaseUrl === undefined) {
      // Servers of a run that was killed (owner pid dead) are stopped and deleted first.
      await reapTemporaryPostgres(PG_PREFIX);
      dir = await mkdtemp(path.join(os.tmpdir(), PG_PREFIX));
      await chmod(dir, 0o755); // as root, Postgres runs as `postgres` and must reach its data dir
      pg = new EmbeddedPostgres({ dataDir: path.join(dir, 'data') });
      databaseUrl = await pg.start();
    }
    // The port is picked here (with port 0 the server would name it only in its info log, off
    // here); another process may take it first: the server then exits and is started again.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      proc = startProcess(
        'control plane',
        path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
        [path.join(repoRoot, 'apps', 'control-plane', 'src', 'server.ts')],
        {
          cwd: repoRoot,
          env: {
            DATABASE_URL: databaseUrl,
            SPILLWAY_PORT: String(port),
            SPILLWAY_HOST: '127.0.0.1',
            SPILLWAY_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
            SPILLWAY_LOG_LEVEL: 'warn',
            SPILLWAY_SHUTDOWN_TIMEOUT_MS: '2000',
            SPILLWAY_HEARTBEAT_MS: String(opts.heartbeatMs ?? 1_000),
          },
        },
      );
      const state = await untilReady(proc, `http://127.0.0.1:${port}`);
      if (state === 'ready') break;
      if (attempt >= 3 || !proc.output().includes('already in use'))
        throw new Error(`control plane exited before it was ready:\n${proc.output().slice(-4000)}`);
      await proc.stop();
    }
    const base = `http://127.0.0.1:${port}`;
    const call = async <T>(method: string, route: string, body?: unknown, expect = 200): Promise<T> => {
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}${route}`, {
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          method,
          headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        });
        text = await res.text();
      } catch (err) {
        const e = err as Error;
        throw new Error(`${method} ${route}: ${e.name === 'TimeoutError' ? `no answer in ${CALL_TIMEOUT_MS / 1000} s` : e.message}`, { cause: err });
      }
      if (res.status !== expect) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 1500)}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    const running = proc;
    return {
      proc: running,
      port,
      base,
      controlUrl: `ws://127.0.0.1:${port}/v1/agents/connect`,
      embedded: pg !== null,
      call,
      agentToken: async (agent) => (await call<{ token: string }>('POST', '/v1/agent-tokens', { name: `${agent}-token`, agent }, 201)).token,
      agents: async () => (await call<{ items: AgentRow[] }>('GET', '/v1/agents?limit=1000')).items,
      stop: release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Polls /readyz until it answers 200 ('ready') or the process exits ('exited'); throws after 120 s. */
async function untilReady(proc: Proc, base: string): Promise<'ready' | 'exited'> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return 'ready';
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return 'exited';
    if (Date.now() > deadline) throw new Error(`control plane not ready in 120 s:\n${proc.output().slice(-4000)}`);
    await sleep(100);
  }
}

/** `n` simulated agents (`<prefix>-<i>`), each with its own agent token, connected to `cp`. */
export async function connectSimulated(cp: RunningControlPlane, n: number, prefix = 'sim'): Promise<SimulatedAgent[]> {
  const sims: SimulatedAgent[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${i}`;
      sims.push(await SimulatedAgent.start({ url: cp.controlUrl, token: await cp.agentToken(name), name }));
    }
    return sims;
  } catch (err) {
    await Promise.all(sims.map((s) => s.close().catch(() => {})));
    throw err;
  }
}
