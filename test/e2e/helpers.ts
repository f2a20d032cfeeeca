// Processes of the end-to-end tests: a control plane, managed agents (apps/agent/src/main.ts with SPILLWAY_CONTROL_PLANE_URL),
// each started with tsx in its own process group and killed for real.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AgentStats } from '../../apps/agent/src/agent.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

export interface Proc { child: ChildProcess; pid: number; ready: Record<string, unknown>; output(): string; kill(signal?: NodeJS.Signals): Promise<void> }

async function spawnReady(script: string, env: Record<string, string>): Promise<Proc> {
  const child = spawn(tsx, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) { clearTimeout(timer); resolve(JSON.parse(line) as Record<string, unknown>); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code}:\n${out}`)); });
  });
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once('exit', () => resolve());
    try { process.kill(-child.pid!, signal); } catch { resolve(); }
  });
  return { child, pid: ready.pid as number, ready, output: () => out, kill };
}

export interface ControlPlaneProc extends Proc { port: number; base: string; wsUrl: string; setConfig(version: string, config: unknown): Promise<void>; get<T>(p: string): Promise<T> }

export async function startControlPlane(tokens: Record<string, string>, port = 0): Promise<ControlPlaneProc> {
  const p = await spawnReady(path.join(root, 'test/e2e/fixtures/control-plane.ts'), { PORT: String(port), SPILLWAY_E2E_TOKENS: JSON.stringify(tokens), HEARTBEAT_MS: '200', LEASE_MISSED: '3' });
  const actual = p.ready.port as number;
  const base = `http://127.0.0.1:${actual}`;
  return {
    ...p, port: actual, base, wsUrl: `ws://127.0.0.1:${actual}/v1/agents/connect`,
    async setConfig(version, config) {
      const res = await fetch(`${base}/e2e/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version, config }) });
      if (res.status !== 200) throw new Error(`config refused: ${res.status} ${await res.text()}`);
    },
    async get<T>(p2: string): Promise<T> { return (await fetch(`${base}${p2}`)).json() as Promise<T> },
  };
}

export interface AgentProc extends Proc { name: string; stats(): Promise<AgentStats> }

export async function startAgent(name: string, token: string, controlUrl: string, workers = 2): Promise<AgentProc> {
  const p = await spawnReady(path.join(root, 'apps/agent/src/main.ts'), {
    SPILLWAY_CONTROL_PLANE_URL: controlUrl, SPILLWAY_AGENT_TOKEN: token, SPILLWAY_AGENT_NAME: name,
    SPILLWAY_AGENT_WORKERS: String(workers), SPILLWAY_AGENT_ADMIN_PORT: '0', SPILLWAY_LOG_LEVEL: 'warn',
  });
  const admin = `http://127.0.0.1:${p.ready.adminPort as number}`;
  return { ...p, name, stats: async () => (await fetch(`${admin}/stats`)).json() as Promise<AgentStats> };
}

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn().catch(() => undefined as T);
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await fn().catch(() => undefined as T);
  }
  return last;
}
