// Benchmark 3: convergence. (a) A backend is killed: time until every agent runs with the new
// limit (its allocation of the global limit, pushed by the hub after the agents' monitors voted
// the service DOWN). (b) A config write: time until every agent ACKed (applied) the new version,
// with 2 real agents and with 2, 10, 50 simulated agents (real protocol clients over WebSocket):
// through the REST API of the real server (PUT /v1/config on server.ts with Postgres) from the PUT
// sent to the last agent's ACK, and, as the baseline, served by the agent hub alone.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedAgent } from '@spillway/protocol';
import { startAgent, startManagedAgent, type AgentStatsView, type RunningAgent } from './lib/agent.js';
import { AppliedClock } from './lib/applied.js';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { connectSimulated, startControlPlane, type RunningControlPlane } from './lib/control-plane.js';
import { startHub, type RunningHub } from './lib/hub.js';
import { accepts } from '../test/kit/until.js';
import { freePort, sleep, startProcess, type Proc } from './lib/proc.js';
import { benchDir, repoRoot } from './lib/results.js';
import { summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

interface Sizes {
  trials: number;
  simulated: number[];
  monitorIntervalMs: number;
  heartbeatMs: number;
  /** The documents of the agent's apply rows: [vservers, services per vserver]. */
  applyDocs: [number, number][];
}

/**
 * A document of `vservers` TCP vservers (no listener) of `perVserver` services each (no monitor);
 * the vservers of `raised` have a connection threshold of 200 instead of 100, so toggling one
 * index changes exactly one object.
 */
function applyDoc(vservers: number, perVserver: number, raised: ReadonlySet<number>): object {
  const services: object[] = [];
  const list: object[] = [];
  for (let j = 0; j < vservers; j++) {
    const bound: object[] = [];
    for (let k = 0; k < perVserver; k++) {
      const name = `svc-${j}-${k}`;
      services.push({ name, address: '127.0.0.1', port: 9001, protocol: 'tcp', capacity: 10, weight: 1, state: 'enabled', monitors: [] });
      bound.push({ service: name });
    }
    list.push({
      name: `vs-${j}`,
      protocol: 'tcp',
      listen: null,
      services: bound,
      spillover: { methods: [{ type: 'connection', threshold: raised.has(j) ? 200 : 100 }], action: 'drop' },
    });
  }
  return { services, monitors: [], vservers: list };
}

/** What the agent's /stats says of its last apply. */
const lastApply = async (a: RunningAgent): Promise<{ ms: number; rebuilt: number }> => {
  const s = (await a.stats()) as unknown as { agent: { config_apply_ms_last: number; config_objects_rebuilt_last: number } };
  return { ms: s.agent.config_apply_ms_last, rebuilt: s.agent.config_objects_rebuilt_last };
};

interface ApplyRow {
  change: string;
  document: string;
  agent: string;
  ms: number[];
  rebuilt: number[];
}

/**
 * `sizes.trials` one-vserver changes of the document of `n` vservers × `per` services that `raised`
 * holds (each toggles one vserver's threshold), each made by `send`; the agent's apply time and
 * objects rebuilt after each, as `row`.
 */
async function timedChanges(
  agent: RunningAgent,
  sizes: Sizes,
  [n, per]: [number, number],
  raised: Set<number>,
  row: Omit<ApplyRow, 'ms' | 'rebuilt' | 'document'>,
  send: (doc: object, i: number) => Promise<unknown>,
): Promise<ApplyRow> {
  const out: ApplyRow = { ...row, document: `${n} vservers / ${n * per} services`, ms: [], rebuilt: [] };
  for (let i = 0; i < sizes.trials; i++) {
    const k = i % n;
    if (raised.has(k)) raised.delete(k);
    else raised.add(k);
    await send(applyDoc(n, per, raised), i);
    const r = await lastApply(agent);
    out.ms.push(r.ms);
    out.rebuilt.push(r.rebuilt);
  }
  return out;
}

/**
 * The agent's own apply time (its /stats `config_apply_ms_last`: checked, served by the primary
 * and ACKed by every worker) of a delta changing one vserver, pushed by `hub` to `agent` after a
 * document of each size; the objects it rebuilt (`config_objects_rebuilt_last`) beside.
 */
async function deltaApplies(hub: RunningHub, agent: RunningAgent, sizes: Sizes, out: ApplyRow[], tag: string): Promise<void> {
  for (const [n, per] of sizes.applyDocs) {
    const raised = new Set<number>();
    await hub.setConfig(`${tag}-${n}-0`, applyDoc(n, per, raised));
    const row = { change: "1-object delta (a vserver's threshold)", agent: 'managed, 1 worker' };
    out.push(await timedChanges(agent, sizes, [n, per], raised, row, (doc, i) => hub.setConfig(`${tag}-${n}-${i + 1}`, doc)));
  }
}

/** The agent's apply rows at full size: deltas from a hub of their own (heartbeat 10 s: the large documents), then the same changes as whole documents (POST /reload of a standalone agent). */
async function agentApplies(sizes: Sizes, out: ApplyRow[]): Promise<void> {
  const hub = await startHub({ heartbeatMs: 10_000 });
  let agent: RunningAgent | null = null;
  try {
    agent = await startManagedAgent('apply-agent', hub.controlUrl, 1);
    for (let t = 0; !(await hub.agents()).some((a) => a.connected); t++) {
      if (t > 500) throw new Error('the agent did not connect to the hub');
      await sleep(20);
    }
    await deltaApplies(hub, agent, sizes, out, 'apply');
  } finally {
    await agent?.stop();
    await hub.stop();
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-apply-'));
  const token = 'bench-admin-token';
  for (const [n, per] of sizes.applyDocs) {
    const raised = new Set<number>();
    const standalone = await startAgent(
      dir,
      'apply-file',
      { ...applyDoc(n, per, raised), agent: { name: 'apply-file', workers: 1 } },
      { env: { SPILLWAY_AGENT_ADMIN_TOKEN: token } },
    );
    try {
      const row = { change: 'the same change as a whole document (POST /reload)', agent: 'standalone, 1 worker' };
      const reload = async (doc: object): Promise<void> => {
        const res = await fetch(`http://127.0.0.1:${standalone.adminPort}/reload`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(doc),
        });
        if (!res.ok) throw new Error(`POST /reload answered ${res.status}: ${await res.text()}`);
      };
      out.push(await timedChanges(standalone, sizes, [n, per], raised, row, reload));
    } finally {
      await standalone.stop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `forApi`: a document the REST API accepts (it takes no `listen` port 0 and wants a monitor's
 * timeout below its interval): no listener (enough for timing a config apply), timeout interval/2.
 */
function doc(ports: number[], intervalMs: number, threshold?: number, forApi = false): object {
  const listen = forApi ? null : { port: 0 };
  return {
    monitors: [{ name: 'tcp-open', type: 'tcp', intervalMs, timeoutMs: forApi ? intervalMs / 2 : intervalMs, fall: 1, rise: 1, weight: 1 }],
    services: ports.map((port, i) => ({
      name: `svc-${i}`,
      address: '127.0.0.1',
      port,
      protocol: 'tcp',
      capacity: 10,
      weight: 1,
      state: 'enabled',
      monitors: [{ monitor: 'tcp-open' }],
    })),
    vservers: [
      {
        name: 'web',
        protocol: 'tcp',
        listen,
        lbMethod: 'leastconn',
        services: ports.map((_, i) => ({ service: `svc-${i}` })),
        spillover: { methods: [threshold === undefined ? { type: 'dynamicconnection' } : { type: 'connection', threshold }], combine: 'any', action: 'drop' },
      },
    ],
  };
}

const allocation = (s: AgentStatsView): number | null => {
  const q = s.vservers.web?.quota as { limit?: number } | null | undefined;
  return q?.limit ?? null;
};

async function untilEvery(agents: RunningAgent[], ok: (s: AgentStatsView, i: number) => boolean, timeoutMs: number): Promise<number[]> {
  const start = performance.now();
  const at: (number | null)[] = agents.map(() => null);
  while (at.some((x) => x === null)) {
    if (performance.now() - start > timeoutMs) throw new Error(`agents did not converge in ${timeoutMs} ms`);
    await Promise.all(
      agents.map(async (a, i) => {
        if (at[i] !== null) return;
        if (ok(await a.stats(), i)) at[i] = performance.now() - start;
      }),
    );
    if (at.some((x) => x === null)) await sleep(2);
  }
  return at as number[];
}

async function realAgents(
  sizes: Sizes,
  rows: { kill: number[]; restore: number[]; write: number[]; detail: object[] },
  applies: ApplyRow[] | null,
): Promise<void> {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  let backends: Proc | null = null;
  let hub: RunningHub | null = null;
  const agents: RunningAgent[] = [];
  try {
    backends = startProcess('tcp backends', tsx, [path.join(benchDir, 'lib', 'tcp-backends-main.ts'), JSON.stringify({ count: 3 })]);
    const b = JSON.parse(await backends.waitForLine((l) => l.startsWith('{"ready":true'))) as { ports: number[]; control: number };
    hub = await startHub({ heartbeatMs: sizes.heartbeatMs });
    for (const name of ['agent-a', 'agent-b']) agents.push(await startManagedAgent(name, hub.controlUrl, 1));
    for (let t = 0; (await hub.agents()).filter((a) => a.connected).length < agents.length; t++) {
      if (t > 500) throw new Error('agents did not connect to the hub');
      await sleep(20);
    }
    await hub.setConfig('v1', doc(b.ports, sizes.monitorIntervalMs));
    const full = await untilEvery(agents, (s) => allocation(s) !== null && s.services['svc-0']?.state === 'UP', 20_000).then(async () =>
      Promise.all(agents.map(async (a) => allocation(await a.stats())!)),
    );
    const control = (what: string): Promise<Response> => fetch(`http://127.0.0.1:${b.control}/${what}/0`, { method: 'POST' });
    for (let i = 0; i < sizes.trials; i++) {
      // A random pause so that kills do not fall at the same phase of the monitors' interval.
      await sleep(Math.random() * sizes.monitorIntervalMs);
      await control('down');
      const down = await untilEvery(agents, (s, k) => allocation(s) !== null && allocation(s)! < full[k]!, 20_000);
      rows.kill.push(Math.max(...down));
      const after = await Promise.all(agents.map(async (a) => allocation(await a.stats())));
      rows.detail.push({ trial: i, before: full, after, msPerAgent: down });
      await control('up');
      rows.restore.push(Math.max(...(await untilEvery(agents, (s, k) => allocation(s) === full[k], 20_000))));
    }
    for (let i = 0; i < sizes.trials; i++) {
      rows.write.push((await hub.setConfig(`w${i}`, doc(b.ports, sizes.monitorIntervalMs, 100 + i))).ms);
    }
    // Smoke size: the agent's apply rows on these agents (small documents; the full run has a hub of their own).
    if (applies) await deltaApplies(hub, agents[0]!, sizes, applies, 'apply');
  } finally {
    for (const a of agents) await a.stop().catch(() => {});
    await hub?.stop();
    await backends?.stop();
  }
}

async function simulatedAgents(n: number, trials: number): Promise<number[]> {
  const hub = await startHub({ heartbeatMs: 1_000 });
  const sims: SimulatedAgent[] = [];
  try {
    for (let i = 0; i < n; i++) sims.push(await SimulatedAgent.start({ url: hub.controlUrl, token: `tok-sim-${i}`, name: `sim-${i}` }));
    const ms: number[] = [];
    for (let i = 0; i < trials; i++) ms.push((await hub.setConfig(`s${i}`, doc([9001, 9002, 9003], 5_000, 100 + i))).ms);
    return ms;
  } finally {
    await Promise.all(sims.map((s) => s.close().catch(() => {})));
    await hub.stop();
  }
}

interface ApiWrites {
  real: number[];
  /** From the 200 of a PUT /v1/config adding a vserver with a new port to a TCP connect accepted there on every real agent. */
  listener: number[];
  simulated: { n: number; ms: number[] }[];
  commitMs: number[];
}

/** The listen address of each real agent of the API rows (SPILLWAY_AGENT_LISTEN_HOST): both serve the same vserver port. */
const LISTEN_HOSTS = ['127.0.0.2', '127.0.0.3'];

/**
 * Config writes through the REST API of the real server: PUT /v1/config, timed from the request
 * sent until every agent applied the committed version (real agents: GET /v1/agents polled every
 * ~2 ms; simulated agents: the time each one ACKed, on this process's clock).
 */
async function apiWrites(sizes: Sizes, databaseUrl: string | undefined, out: ApiWrites, errors: string[]): Promise<void> {
  let cp: RunningControlPlane | null = null;
  const agents: RunningAgent[] = [];
  let sims: SimulatedAgent[] = [];
  let seq = 0;
  /** One PUT /v1/config with a new threshold; `timed`: its commit time goes into the results (not warm-ups). */
  const put = async (timed = true): Promise<{ t0: number; version: number }> => {
    const t0 = performance.now();
    const { version } = await cp!.call<{ version: number }>('PUT', '/v1/config', doc([9001, 9002, 9003], 5_000, 100 + seq++, true));
    if (timed) out.commitMs.push(performance.now() - t0);
    return { t0, version };
  };
  try {
    cp = await startControlPlane({ databaseUrl, heartbeatMs: sizes.heartbeatMs });
    try {
      for (const [i, name] of ['api-agent-a', 'api-agent-b'].entries()) {
        // The agent process takes its listen address from the environment the harness passes on.
        const before = process.env.SPILLWAY_AGENT_LISTEN_HOST;
        process.env.SPILLWAY_AGENT_LISTEN_HOST = LISTEN_HOSTS[i];
        try {
          agents.push(await startManagedAgent(name, cp.controlUrl, 1, await cp.agentToken(name)));
        } finally {
          if (before === undefined) delete process.env.SPILLWAY_AGENT_LISTEN_HOST;
          else process.env.SPILLWAY_AGENT_LISTEN_HOST = before;
        }
      }
      const names = new Set(agents.map((a) => a.proc.name.replace(/^agent /, '')));
      const appliedBy = async (version: number, timeoutMs: number): Promise<number> => {
        const start = performance.now();
        for (;;) {
          const rows = (await cp!.agents()).filter((a) => names.has(a.id) && a.connected);
          if (rows.length === names.size && rows.every((a) => Number(a.appliedVersion) >= version)) return performance.now();
          if (performance.now() - start > timeoutMs)
            throw new Error(`version ${version} not applied by the real agents in ${timeoutMs} ms: ${JSON.stringify(rows)}`);
          await sleep(2);
        }
      };
      await appliedBy((await put(false)).version, 30_000);
      for (let i = 0; i < sizes.trials; i++) {
        const { t0, version } = await put();
        out.real.push((await appliedBy(version, 30_000)) - t0);
      }
      // A new vserver with a port of its own each time: from the 200 until both agents accept a TCP
      // connection on it (polled back to back on each address).
      const added: object[] = [];
      // freePort asks 127.0.0.1, where the agents do not listen (127.0.0.2 / .3): a port an earlier
      // trial's vserver holds there can come back, and the API refuses it (listen port conflict).
      const taken = new Set<number>();
      for (let i = 0; i < sizes.trials; i++) {
        let port = await freePort();
        while (taken.has(port)) port = await freePort();
        taken.add(port);
        added.push({ name: `new-${i}`, protocol: 'tcp', listen: { port }, services: [{ service: 'svc-0' }], spillover: { methods: [], action: 'drop' } });
        const base = doc([9001, 9002, 9003], 5_000, 100 + seq++, true) as { vservers: object[] };
        await cp.call('PUT', '/v1/config', { ...base, vservers: [...base.vservers, ...added] });
        const t200 = performance.now();
        const at = await Promise.all(
          LISTEN_HOSTS.map(async (host) => {
            while (!(await accepts(port, host))) if (performance.now() - t200 > 30_000) throw new Error(`no listener on ${host}:${port} in 30 s`);
            return performance.now() - t200;
          }),
        );
        out.listener.push(Math.max(...at));
      }
    } catch (err) {
      errors.push(`real agents through the REST API: ${(err as Error).message.split('\n')[0]!}`);
    } finally {
      for (const a of agents) await a.stop().catch(() => {});
    }
    for (const n of sizes.simulated) {
      sims = await connectSimulated(cp, n, `sim${n}`);
      const clock = new AppliedClock(sims);
      await clock.until((await put(false)).version);
      const ms: number[] = [];
      for (let i = 0; i < sizes.trials; i++) {
        const { t0, version } = await put();
        ms.push((await clock.until(version, 30_000)) - t0);
      }
      out.simulated.push({ n, ms });
      await Promise.all(sims.map((x) => x.close().catch(() => {})));
      sims = [];
    }
  } finally {
    await Promise.all(sims.map((x) => x.close().catch(() => {})));
    await cp?.stop();
  }
}

export async function convergenceBench(opts: BenchOptions): Promise<BenchResult> {
  const sizes: Sizes = opts.smoke
    ? { trials: 3, simulated: [2, 5], monitorIntervalMs: 100, heartbeatMs: 500, applyDocs: [[10, 10]] }
    : {
        trials: 20,
        simulated: [2, 10, 50],
        monitorIntervalMs: 100,
        heartbeatMs: 1_000,
        applyDocs: [
          [10, 10],
          [1_000, 10],
        ],
      };
  // `--only=apply`: the agent's apply rows alone (iterating on them).
  const onlyApply = process.argv.includes('--only=apply');
  const real = { kill: [] as number[], restore: [] as number[], write: [] as number[], detail: [] as object[] };
  const skipped: string[] = [];
  const applies: ApplyRow[] = [];
  const realError = onlyApply
    ? null
    : await realAgents(sizes, real, opts.smoke ? applies : null).then(
        () => null,
        (err: Error) => err.message.split('\n')[0]!,
      );
  const sim: { n: number; ms: number[] }[] = [];
  if (!onlyApply) for (const n of sizes.simulated) sim.push({ n, ms: await simulatedAgents(n, sizes.trials) });
  const api: ApiWrites = { real: [], listener: [], simulated: [], commitMs: [] };
  if (!onlyApply) await apiWrites(sizes, opts.databaseUrl, api, skipped);
  if (!opts.smoke) await agentApplies(sizes, applies).catch((err: Error) => skipped.push(`agent apply rows: ${err.message.split('\n')[0]!}`));
  const row = (what: string, agents: string, v: number[]): Row => {
    const s = summarize(v);
    return { path: what, agents, trials: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'max ms': s.max };
  };
  const rows: Row[] = [
    row('backend killed → every agent runs with its new allocation', '2 real agents × 1 worker', real.kill),
    row('backend back → every agent back to its full allocation', '2 real agents × 1 worker', real.restore),
    row('API write (PUT /v1/config) → applied by every agent', '2 real agents × 1 worker', api.real),
    row('PUT /v1/config adding a vserver → 200 → its new TCP listener accepts on every agent', '2 real agents × 1 worker', api.listener),
    ...api.simulated.map((s) => row('API write (PUT /v1/config) → applied by every agent', `${s.n} simulated agents`, s.ms)),
    row('API write (PUT /v1/config) → 200 (committed), all rows above', '—', api.commitMs),
    row('hub alone: config served → ACKed by every agent (baseline)', '2 real agents × 1 worker', real.write),
    ...sim.map((s) => row('hub alone: config served → ACKed by every agent (baseline)', `${s.n} simulated agents`, s.ms)),
  ];
  if (realError) skipped.push(`real agents: ${realError}`);
  return {
    name: 'convergence',
    conditions: [
      `killed backend: managed agents (apps/agent/src/control/main.ts) dialing the agent hub of apps/control-plane run in its own process (hub-main.ts: the hub plugin on Fastify, no REST API/Postgres); simulated agents: SimulatedAgent of @spillway/protocol in the harness process`,
      `vserver: 3 TCP services × capacity 10, dynamicconnection (global limit 30 → 20 when one is down); tcp monitor every ${sizes.monitorIntervalMs} ms, timeout ${sizes.monitorIntervalMs} ms, fall 1 rise 1; a backend is killed by closing its listener and connections; hub heartbeat ${sizes.heartbeatMs} ms`,
      'backend killed: from the kill until the /stats of every agent shows an allocation below its full one (polled every ~2 ms); the monitor interval bounds detection',
      `API write: PUT /v1/config of the whole document (one threshold changed each time; the vserver without a listener: the API takes no port 0) to apps/control-plane/src/server.ts in its own process, ${opts.databaseUrl ? 'on a database the caller gave' : 'on a fresh embedded Postgres (default settings, fsync on)'}, log level warn; timed from the request sent until every agent applied the committed version: real agents (managed, dialing that server with their own agent tokens) = GET /v1/agents shows it as their applied version (polled every ~2 ms), simulated agents = the last one ACKed it (harness clock); the API rows run after the killed-backend trials, on their own control plane`,
      `new listener: PUT /v1/config adding a vserver with a port of its own (bound to svc-0); from the 200 read by the harness until a TCP connection to that port is accepted on both agents (${LISTEN_HOSTS.join(' and ')}, one per agent through SPILLWAY_AGENT_LISTEN_HOST), polled back to back`,
      "hub alone (baseline): from the hub receiving the snapshot until the last agent's ACK (measured inside the hub process), no REST API, no database",
      `agent apply: a managed agent with 1 worker${opts.smoke ? ' (the first of the killed-backend agents)' : ' dialing a hub of its own (heartbeat 10 s)'} is served documents of TCP vservers (no listener, a connection threshold each) of 10 services each (no monitor), then ${sizes.trials} one-vserver changes as deltas; time = the agent's /stats config_apply_ms_last (delta checked, served by the primary and ACKed by the worker), objects rebuilt = config_objects_rebuilt_last${opts.smoke ? '' : '; then the same changes as whole documents, POST /reload to a standalone agent with 1 worker (the whole document checked and diffed, the diff served)'}`,
      "machine shared: 2 cores, other engineers' test runs going on at the same time",
      `${sizes.trials} trials per row`,
    ],
    tables: [
      { title: 'Convergence', rows },
      {
        title: 'Agent: apply time of a change (its own /stats: checked, served by the primary, ACKed by every worker)',
        rows: applies.map((a) => {
          const s = summarize(a.ms);
          return {
            change: a.change,
            document: a.document,
            agent: a.agent,
            trials: s.n,
            'p50 ms': s.p50,
            'p99 ms': s.p99,
            'max ms': s.max,
            'objects rebuilt (max)': Math.max(...a.rebuilt),
          };
        }),
      },
    ],
    skipped,
    data: { sizes, real, simulated: sim, api, applies },
  };
}

runIfMain(import.meta.url, convergenceBench);
