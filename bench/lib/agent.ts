// A standalone Spillway agent process (`tsx apps/agent/src/main.ts --config <file>`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startProcess, type Proc } from './proc.js';
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

export const agentMain = path.join(repoRoot, 'apps', 'agent', 'src', 'main.ts');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

/** Writes `doc` (API-SHAPE.md document plus `agent: {name, workers}`) and starts the agent on it. */
export async function startAgent(dir: string, name: string, doc: object): Promise<RunningAgent> {
  const configPath = path.join(dir, `${name}.json`);
  writeFileSync(configPath, JSON.stringify(doc, null, 2));
  const proc = startProcess(`agent ${name}`, tsx, [agentMain, '--config', configPath], {
    cwd: repoRoot,
    env: { SPILLWAY_AGENT_ADMIN_PORT: '0', SPILLWAY_LOG_LEVEL: 'warn', SPILLWAY_AGENT_NAME: name },
  });
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

export const managedAgentMain = path.join(repoRoot, 'apps', 'agent', 'src', 'control', 'main.ts');

/** A managed agent (`apps/agent/src/control/main.ts`) dialing the hub at `controlUrl` as `name` (token tok-<name> unless given). */
export async function startManagedAgent(name: string, controlUrl: string, workers: number, token = `tok-${name}`): Promise<RunningAgent> {
  const proc = startProcess(`agent ${name}`, tsx, [managedAgentMain], {
    cwd: repoRoot,
    env: {
      SPILLWAY_CONTROL_PLANE_URL: controlUrl,
      SPILLWAY_AGENT_TOKEN: token,
      SPILLWAY_AGENT_NAME: name,
      SPILLWAY_AGENT_WORKERS: String(workers),
      SPILLWAY_AGENT_ADMIN_PORT: '0',
      SPILLWAY_LOG_LEVEL: 'warn',
    },
  });
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
