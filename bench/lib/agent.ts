// Spillway agent processes as production runs them: the compiled agent (`tsc -b apps/agent`, built
// first when stale), `node --conditions=spillway-dist apps/agent/dist/main.js`, standalone on a
// config file or managed by a control plane; optionally pinned to cores (taskset).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pinned, run, startProcess, type Proc } from './proc.js';
import { repoRoot } from './results.js';

export interface RunningAgent {
  proc: Proc;
  adminPort: number;
  /** Listening port of each vserver that has `listen`. */
  ports: Record<string, number>;
  stats(): Promise<AgentStatsView>;
  stop(): Promise<void>;
}

/** The part of the agent's /stats the benchmarks read. */
export interface AgentStatsView {
  vservers: Record<string, { cx_active: number; spillovers_total: number; threshold: number | null; state: string; [k: string]: unknown }>;
  services: Record<string, { state: string; cx_active: number; [k: string]: unknown }>;
}

export const agentMain = path.join(repoRoot, 'apps', 'agent', 'dist', 'main.js');
export const managedAgentMain = path.join(repoRoot, 'apps', 'agent', 'dist', 'control', 'main.js');

let built: Promise<void> | null = null;
/** `tsc -b apps/agent` once per process: incremental, so quick when dist/ is current; rejects with tsc's output when the build fails. */
export function buildAgent(): Promise<void> {
  built ??= run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', path.join(repoRoot, 'apps', 'agent')], {
    timeoutMs: 300_000,
  }).then(
    () => undefined,
    (err: Error) => {
      built = null;
      throw new Error(`the agent's build failed (tsc -b apps/agent): ${err.message}`, { cause: err });
    },
  );
  return built;
}

export interface AgentProcessOptions {
  /** taskset's CPU list (e.g. '0'): the agent and its workers run only there. */
  cpus?: string;
  /** Another build's main.js (e.g. a baseline checkout's apps/agent/dist/main.js): run as it is, not built here. */
  main?: string;
  /** More environment for the agent (e.g. SPILLWAY_AGENT_SCHEDULING_POLICY). */
  env?: NodeJS.ProcessEnv;
  /** node options before the main script (e.g. --trace-gc); the workers inherit them. */
  nodeArgs?: string[];
}

/** node running the compiled `main` (pinned with taskset when `cpus` is set). */
async function startBuilt(label: string, main: string, args: string[], env: NodeJS.ProcessEnv, opts: AgentProcessOptions): Promise<Proc> {
  if (opts.main === undefined) await buildAgent();
  const nodeArgs = [...(opts.nodeArgs ?? []), '--conditions=spillway-dist', main, ...args];
  return startProcess(label, ...pinned(opts.cpus, process.execPath, nodeArgs), { cwd: repoRoot, env: { ...env, ...opts.env } });
}

/** Writes `doc` (API-SHAPE.md document plus `agent: {name, workers}`) and starts the agent on it. */
export async function startAgent(dir: string, name: string, doc: object, opts: AgentProcessOptions = {}): Promise<RunningAgent> {
  const configPath = path.join(dir, `${name}.json`);
  writeFileSync(configPath, JSON.stringify(doc, null, 2));
  const proc = await startBuilt(
    `agent ${name}`,
    opts.main ?? agentMain,
    ['--config', configPath],
    {
      SPILLWAY_AGENT_ADMIN_PORT: '0',
      SPILLWAY_LOG_LEVEL: 'warn',
      SPILLWAY_AGENT_NAME: name,
    },
    opts,
  );
  let ready: { adminPort: number; listeners: Record<string, number> };
  try {
    ready = JSON.parse(await proc.waitForLine((l) => l.startsWith('{"ready":true'), 60_000)) as typeof ready;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const admin = `http://127.0.0.1:${ready.adminPort}`;
  return {
    proc,
    adminPort: ready.adminPort,
    ports: ready.listeners,
    stats: async () => (await fetch(`${admin}/stats`)).json() as Promise<AgentStatsView>,
    stop: () => proc.stop(),
  };
}

/** A managed agent (`apps/agent/src/control/main.ts`) dialing the hub at `controlUrl` as `name` (token tok-<name> unless given). */
export async function startManagedAgent(name: string, controlUrl: string, workers: number, token = `tok-${name}`): Promise<RunningAgent> {
  const proc = await startBuilt(
    `agent ${name}`,
    managedAgentMain,
    [],
    {
      SPILLWAY_CONTROL_PLANE_URL: controlUrl,
      SPILLWAY_AGENT_TOKEN: token,
      SPILLWAY_AGENT_NAME: name,
      SPILLWAY_AGENT_WORKERS: String(workers),
      SPILLWAY_AGENT_ADMIN_PORT: '0',
      SPILLWAY_LOG_LEVEL: 'warn',
    },
    {},
  );
  let ready: { adminPort: number; listeners: Record<string, number> };
  try {
    ready = JSON.parse(await proc.waitForLine((l) => l.startsWith('{"ready":true'), 60_000)) as typeof ready;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const admin = `http://127.0.0.1:${ready.adminPort}`;
  return {
    proc,
    adminPort: ready.adminPort,
    ports: ready.listeners,
    stats: async () => (await fetch(`${admin}/stats`)).json() as Promise<AgentStatsView>,
    stop: () => proc.stop(),
  };
}
