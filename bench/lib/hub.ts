// Client side of hub-main.ts: start it, serve configs, read events.
import path from 'node:path';
import { startProcess, type Proc } from './proc.js';
import { benchDir, repoRoot } from './results.js';

export interface RunningHub {
  proc: Proc;
  port: number;
  /** ws:// URL agents dial. */
  controlUrl: string;
  /** Serves a snapshot; resolves once every connected agent ACKed it (time measured by the hub). */
  setConfig(version: string, config: object): Promise<{ agents: number; ms: number }>;
  agents(): Promise<{ id: string; connected: boolean; appliedVersion: string | null }[]>;
  /** The hub's quota view of a vserver (limit null: no pool). */
  quota(
    vserver: string,
  ): Promise<{ limit: number | null; shared?: number; pending?: Record<string, number>; byAgent?: Record<string, { exclusive: number; borrowed: number }> }>;
  stop(): Promise<void>;
}

export async function startHub(opts: { heartbeatMs?: number } = {}): Promise<RunningHub> {
  const proc = startProcess(
    'agent hub',
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(benchDir, 'lib', 'hub-main.ts'), JSON.stringify(opts)],
    { cwd: repoRoot },
  );
  let port: number;
  try {
    port = (JSON.parse(await proc.waitForLine((l) => l.startsWith('{"ready":true'))) as { port: number }).port;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    controlUrl: `ws://127.0.0.1:${port}/v1/agents/connect`,
    setConfig: async (version, config) => {
      const res = await fetch(`${base}/bench/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version, config }),
      });
      const body = (await res.json()) as { agents: number; ms: number; message?: string };
      if (!res.ok) throw new Error(`hub refused config ${version}: ${body.message ?? res.status}`);
      return body;
    },
    agents: async () =>
      ((await (await fetch(`${base}/v1/agents?limit=1000`)).json()) as { items: { id: string; connected: boolean; appliedVersion: string | null }[] }).items,
    quota: async (vserver) => (await fetch(`${base}/bench/quota?vserver=${encodeURIComponent(vserver)}`)).json() as ReturnType<RunningHub['quota']>,
    stop: () => proc.stop(),
  };
}
