// Processes of the end-to-end tests: the control plane as it ships (apps/control-plane/dist/server.js
// on a test database, configured through its REST API) and managed agents (apps/agent/dist/main.js
// with SPILLWAY_CONTROL_PLANE_URL), each started compiled, as their images run them, in its own
// process group and killed for real.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AgentStats } from '../../apps/agent/src/agent.js';
import { buildDist, compiled } from '../kit/build.js';
import * as kit from '../kit/until.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const CONTROL_PLANE_MAIN = path.join(root, 'apps/control-plane/dist/server.js');
const AGENT_MAIN = path.join(root, 'apps/agent/dist/main.js');
// dist/ is built once per test file (test/kit/build.ts: incremental, one build at a time).
const build = buildDist(['apps/control-plane', 'apps/agent']);
if (!existsSync(CONTROL_PLANE_MAIN) || !existsSync(AGENT_MAIN)) throw new Error(`tsc -b apps/control-plane apps/agent built no entry:\n${build.output}`);

/** The bootstrap admin token every e2e control plane is started with. */
export const ADMIN_TOKEN = 'spw_e2e-admin-token-0123456789abcdef';

export interface Proc {
  child: ChildProcess;
  pid: number;
  ready: Record<string, unknown>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `script` under tsx (or the `command` line given, which names it) and resolves with the first stdout line (JSON) that `isReady` accepts. */
async function spawnReady(
  script: string,
  env: Record<string, string>,
  isReady: (line: Record<string, unknown>) => boolean,
  command: string[] = [tsx, script],
): Promise<Proc> {
  const [file = tsx, ...args] = command;
  const child = spawn(file, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 45 s:\n${out.slice(-3000)}`)), 45_000);
    let pending = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('{')) continue;
        let j: Record<string, unknown>;
        try {
          j = JSON.parse(l) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (isReady(j)) {
          clearTimeout(timer);
          resolve(j);
          return;
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
  // Keep draining the pipes so a chatty child never blocks on a full one.
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid!, signal);
      } catch {
        resolve();
      }
    });
  return { child, pid: child.pid!, ready, output: () => out, kill };
}

export interface ControlPlaneProc extends Proc {
  port: number;
  base: string;
  url: string;
  /** A REST call with the admin token; throws on a status other than `expect`. */
  call<T = unknown>(method: string, p: string, body?: unknown, expect?: number): Promise<T>;
  get<T>(p: string): Promise<T>;
}

/**
 * The control plane process on `databaseUrl` (port 0: any), heartbeat 200 ms, lease 15 heartbeats
 * (3 s). The agent counts its lease from when it sent the hello or heartbeat that the control plane
 * answered, so a lease of a few heartbeats lapses on a loaded machine whenever the handshake or an
 * answer takes longer than it (seen: a 555 ms handshake against a 600 ms lease, and the first
 * connections spilled with the lease ended). Tests of what happens past a lease wait for it.
 * `databaseUrl` null: its own embedded Postgres, in the SPILLWAY_DATA_DIR that `env` must give.
 * `command`: how it is started (default: node on dist/server.js, as the image's CMD).
 */
export async function startControlPlane(databaseUrl: string | null, port = 0, env: Record<string, string> = {}, command?: string[]): Promise<ControlPlaneProc> {
  const p = await spawnReady(
    CONTROL_PLANE_MAIN,
    {
      DATABASE_URL: databaseUrl ?? '',
      SPILLWAY_PORT: String(port),
      SPILLWAY_HOST: '127.0.0.1',
      SPILLWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      SPILLWAY_LOG_LEVEL: 'info',
      SPILLWAY_HEARTBEAT_MS: '200',
      SPILLWAY_LEASE_MISSED_HEARTBEATS: '15',
      SPILLWAY_SHUTDOWN_TIMEOUT_MS: '2000',
      ...env,
    },
    (j) => j.msg === 'spillway control plane ready' && typeof j.port === 'number',
    command ?? compiled(CONTROL_PLANE_MAIN),
  );
  const actual = p.ready.port as number;
  const base = `http://127.0.0.1:${actual}`;
  const call = async <T>(method: string, p2: string, body?: unknown, expect = 200): Promise<T> => {
    const res = await fetch(`${base}${p2}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${p2}: ${res.status} ${text.slice(0, 1500)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return { ...p, port: actual, base, url: base, call, get: (p2) => call('GET', p2) };
}

/** Issues an agent token through the API. */
export async function agentToken(cp: ControlPlaneProc, agent: string): Promise<string> {
  return (await cp.call<{ token: string }>('POST', '/v1/agent-tokens', { name: `${agent}-token`, agent }, 201)).token;
}

export interface AgentProc extends Proc {
  name: string;
  host: string;
  stats(): Promise<AgentStats>;
}

/** A managed agent dialing `controlPlaneUrl`; its listeners bind `host` (one loopback address per agent); `env` adds to its environment. */
export async function startAgent(
  name: string,
  token: string,
  controlPlaneUrl: string,
  host: string,
  workers = 2,
  env: Record<string, string> = {},
): Promise<AgentProc> {
  const p = await spawnReady(
    AGENT_MAIN,
    {
      SPILLWAY_CONTROL_PLANE_URL: controlPlaneUrl,
      SPILLWAY_AGENT_TOKEN: token,
      SPILLWAY_AGENT_NAME: name,
      SPILLWAY_AGENT_LISTEN_HOST: host,
      SPILLWAY_AGENT_WORKERS: String(workers),
      SPILLWAY_AGENT_ADMIN_PORT: '0',
      SPILLWAY_LOG_LEVEL: 'warn',
      SPILLWAY_AGENT_RECONNECT_MAX_MS: '1000',
      ...env,
    },
    (j) => j.ready === true,
    compiled(AGENT_MAIN),
  );
  const admin = `http://127.0.0.1:${p.ready.adminPort as number}`;
  return { ...p, name, host, stats: async () => (await fetch(`${admin}/stats`)).json() as Promise<AgentStats> };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Opens a connection to host:port and resolves with the first line the backend sends (its name). */
export function openHeld(host: string, port: number): Promise<{ socket: net.Socket; first: string }> {
  return kit.openHeld(port, host);
}

/** Polls `fn` until `ok` accepts its value; a rejection of `fn` counts as `undefined` (a process still starting). */
export function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  return kit.until(() => fn().catch(() => undefined as T), ok, { timeoutMs, what });
}

/**
 * The config of most end-to-end tests: vserver `web` on `listenPort` over one primary service, its
 * spillover `method` (one of the document's methods) spilling to `web-overflow` (service `spare`,
 * no listener), drop past it.
 */
export function overflowDocument(o: {
  listenPort: number;
  primary: { name: string; port: number; capacity: number };
  sparePort: number;
  method: Record<string, unknown>;
}) {
  return {
    services: [
      { name: o.primary.name, address: '127.0.0.1', port: o.primary.port, protocol: 'tcp', capacity: o.primary.capacity },
      { name: 'spare', address: '127.0.0.1', port: o.sparePort, protocol: 'tcp', capacity: 1000 },
    ],
    monitors: [],
    vservers: [
      {
        name: 'web',
        protocol: 'tcp',
        listen: { port: o.listenPort },
        services: [{ service: o.primary.name }],
        spillover: { methods: [o.method], backup: 'web-overflow', action: 'drop' },
      },
      { name: 'web-overflow', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
    ],
  };
}
