// Benchmark 4: control plane. The real server (apps/control-plane/src/server.ts: REST API, Postgres,
// agent hub) in its own process on a fresh embedded Postgres, with simulated agents connected so
// that every committed write is also pushed to them: PUT /v1/config of 1,000 vservers and 10,000
// services (create, then the same document again: an empty plan), the dryRun plan of a changed
// document, API reads/s and writes/s with autocannon. Baseline in the same run: the agent hub
// alone (its Fastify plugin in its own process, no REST API/Postgres) serving the same document.
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { SimulatedAgent } from '@spillway/protocol';
import { AppliedClock } from './lib/applied.js';
import { cpuSince, treeCpu, type CpuTimes } from './lib/cpu.js';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { BENCH_ADMIN_TOKEN, connectSimulated, startControlPlane, type RunningControlPlane } from './lib/control-plane.js';
import { startHub, type RunningHub } from './lib/hub.js';
import { ratio, summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

interface ServiceDoc {
  name: string;
  address: string;
  port: number;
  protocol: string;
  capacity: number;
  weight: number;
  state: string;
  monitors: unknown[];
}
interface Doc {
  services: ServiceDoc[];
  monitors: unknown[];
  vservers: object[];
}

const service = (v: number, s: number, capacity = 100): ServiceDoc => ({
  name: `svc-${v}-${s}`,
  address: `10.${(v >> 8) & 255}.${v & 255}.${s + 1}`,
  port: 8080,
  protocol: 'tcp',
  capacity,
  weight: 1,
  state: 'enabled',
  monitors: [],
});

/** A document of `vservers` vservers with `perVserver` services each (TCP, dynamicconnection). */
export function largeConfig(vservers: number, perVserver: number): Doc {
  const services: ServiceDoc[] = [];
  const vs: object[] = [];
  for (let v = 0; v < vservers; v++) {
    const names: string[] = [];
    for (let s = 0; s < perVserver; s++) {
      const svc = service(v, s);
      names.push(svc.name);
      services.push(svc);
    }
    vs.push({
      name: `vs-${v}`,
      protocol: 'tcp',
      listen: null,
      lbMethod: 'leastconn',
      services: names.map((name) => ({ service: name })),
      spillover: { methods: [{ type: 'dynamicconnection' }], combine: 'any', action: 'drop' },
    });
  }
  return { services, monitors: [], vservers: vs };
}

/** `doc` with the capacity of every tenth service changed (a plan of that many updates). */
export function changedConfig(doc: Doc): Doc {
  return { ...doc, services: doc.services.map((s, i) => (i % 10 === 0 ? { ...s, capacity: s.capacity + 1 } : s)) };
}

interface ApplyResult {
  applied: boolean;
  version: number;
  plan: { summary: { create: number; update: number; delete: number } };
}

type Load = Awaited<ReturnType<typeof autocannon>>;
/** Requests answered per second over the whole run (the per-second samples miss a stalled server's long gaps). */
const rps = (r: Load): number => r.requests.total / r.duration;
const loadRow = (label: string, r: Load, extra: Row = {}): Row => ({
  route: label,
  'rq/s': rps(r),
  answered: r.requests.total,
  'p50 ms': r.latency.p50,
  'p99 ms': r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
  ...extra,
});

interface WriteLoad {
  writes: number;
  errors: number;
  writesPerS: number;
  commitMs: number[];
  ackMs: number[];
  bytesPerAgentPerWrite: number;
  framesPerAgentPerWrite: number;
  wholeSnapshots: number;
  /** CPU time per committed write (ms) of the server's process tree, of Postgres (null: its postmaster not found) and of this harness (writers and simulated agents). */
  cpuMsPerWrite: { server: number; postgres: number | null; harness: number };
}

/** The postmaster of this run's embedded Postgres: the postgres process whose command line names a spillway-bench-cp- data dir (one bench at a time holds the lock). */
function benchPostgresPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('spillway-bench-cp-') && /(^|\/)postgres\0/.test(cmd)) return Number(entry);
    } catch {
      // gone
    }
  }
  return null;
}
const busyMs = (t: CpuTimes): number => t.userMs + t.sysMs;

/** Waits until the process tree of `pid` used under 10% of a core in each second of `quietMs` in a row (or `maxMs` passed); returns the time waited. */
async function untilIdle(pid: number, maxMs: number, quietMs = 1_000): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  for (;;) {
    const before = busyMs(treeCpu(pid));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    quiet = busyMs(treeCpu(pid)) - before < 100 ? quiet + 1_000 : 0;
    if (quiet >= quietMs || performance.now() - t0 > maxMs) return Math.round(performance.now() - t0);
  }
}

/** `connections` writers PUT one service in a loop for `durationMs`, each write timed to its commit and to every agent's ACK. */
async function writeLoad(cp: RunningControlPlane, clock: AppliedClock, one: ServiceDoc, connections: number, durationMs: number): Promise<WriteLoad> {
  const route = `/v1/services/${one.name}`;
  const g0 = (await cp.call<{ version: number }>('GET', '/v1/config')).version;
  const res0 = await fetch(`${cp.base}${route}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` } });
  const e0 = Number((res0.headers.get('etag') ?? '').replace(/"/g, ''));
  await res0.text();
  const bytes0 = clock.totalBytes();
  const frames0 = clock.totalSnapshots();
  const whole0 = clock.wholeSnapshots;
  const serverPid = cp.proc.child.pid!;
  const pgPid = benchPostgresPid();
  const cpu0 = { server: treeCpu(serverPid), postgres: pgPid === null ? null : treeCpu(pgPid), harness: process.cpuUsage() };
  const commitMs: number[] = [];
  const ackMs: number[] = [];
  const acked: Promise<void>[] = [];
  let n = 0;
  let errors = 0;
  let last = g0;
  const end = performance.now() + durationMs;
  const writer = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await fetch(`${cp.base}${route}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...one, capacity: 1_000 + n++ }),
      }).catch(() => null);
      if (!res || res.status !== 200) {
        errors++;
        await res?.text();
        continue;
      }
      await res.text();
      commitMs.push(performance.now() - t0);
      const version = g0 + Number((res.headers.get('etag') ?? '').replace(/"/g, '')) - e0;
      last = Math.max(last, version);
      acked.push(clock.until(version, 60_000).then((t) => void ackMs.push(t - t0)));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, writer));
  const elapsed = performance.now() - t0;
  await Promise.all(acked);
  const writes = commitMs.length;
  const perWrite = (ms: number): number => Math.round((ms / Math.max(1, writes)) * 100) / 100;
  const harness = process.cpuUsage(cpu0.harness);
  const cpuMsPerWrite = {
    server: perWrite(busyMs(cpuSince(cpu0.server, treeCpu(serverPid)))),
    postgres: pgPid === null || cpu0.postgres === null ? null : perWrite(busyMs(cpuSince(cpu0.postgres, treeCpu(pgPid)))),
    harness: perWrite((harness.user + harness.system) / 1000),
  };
  const agents = clock.agentCount;
  return {
    writes,
    errors,
    writesPerS: writes / (elapsed / 1000),
    commitMs,
    ackMs,
    bytesPerAgentPerWrite: Math.round((clock.totalBytes() - bytes0) / agents / Math.max(1, writes)),
    framesPerAgentPerWrite: (clock.totalSnapshots() - frames0) / agents / Math.max(1, writes),
    wholeSnapshots: clock.wholeSnapshots - whole0,
    cpuMsPerWrite,
  };
}

/** Resident memory of a process and its descendants (tsx runs the server in a child node process), in MiB; null off Linux. */
export function treeRssMiB(pid: number): number | null {
  const rss = (p: number): number => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      return kb + children.reduce((sum, c) => sum + rss(c), 0);
    } catch {
      return 0;
    }
  };
  const kb = rss(pid);
  return kb === 0 ? null : Math.round(kb / 1024);
}

/** PUT /v1/config of the scale document on a server of its own (fresh Postgres unless the caller gave one), then again (empty plan); the server's RSS after. */
async function scaleStep(
  sizes: Sizes,
  opts: BenchOptions,
): Promise<{ label: string; createMs: number; againMs: number[]; rssMiB: number | null; cpuMs: { create: ScaleCpu; again: ScaleCpu[] } }> {
  const doc = largeConfig(sizes.scaleVservers, sizes.scalePerVserver);
  const body = JSON.stringify(doc);
  const label = `${sizes.scaleVservers.toLocaleString('en-US')} vservers / ${(sizes.scaleVservers * sizes.scalePerVserver).toLocaleString('en-US')} services (${(body.length / 2 ** 20).toFixed(1)} MiB)`;
  const cp = await startControlPlane({ databaseUrl: opts.databaseUrl, heartbeatMs: HEARTBEAT_MS });
  try {
    const serverPid = cp.proc.child.pid!;
    const pgPid = benchPostgresPid();
    // CPU time of the server and of Postgres over one PUT (a figure the machine's load moves less than the wall time).
    const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; cpu: ScaleCpu; r: T }> => {
      const s0 = treeCpu(serverPid);
      const p0 = pgPid === null ? null : treeCpu(pgPid);
      const t0 = performance.now();
      const r = await fn();
      const ms = performance.now() - t0;
      const server = Math.round(busyMs(cpuSince(s0, treeCpu(serverPid))));
      const postgres = pgPid === null || p0 === null ? null : Math.round(busyMs(cpuSince(p0, treeCpu(pgPid))));
      return { ms, cpu: { server, postgres }, r };
    };
    const created = await timed(() => cp.call('PUT', '/v1/config', body));
    console.error(
      `[control-plane] ${new Date().toISOString()} scale: created in ${Math.round(created.ms)} ms (CPU ms: server ${created.cpu.server}, Postgres ${created.cpu.postgres ?? 'n/a'}); re-applying`,
    );
    const againMs: number[] = [];
    const again: ScaleCpu[] = [];
    for (let i = 0; i < sizes.trials; i++) {
      const a = await timed(() => cp.call<ApplyResult>('PUT', '/v1/config', body));
      againMs.push(a.ms);
      again.push(a.cpu);
      if (a.r.applied) throw new Error('the scale document again did not give an empty plan');
    }
    return { label, createMs: created.ms, againMs, rssMiB: treeRssMiB(serverPid), cpuMs: { create: created.cpu, again } };
  } finally {
    await cp.stop();
  }
}
interface ScaleCpu {
  server: number;
  postgres: number | null;
}

/** A simulated agent, dialled again (up to 6 times, a pause growing by a second each time) when the welcome is late (a loaded machine: the hub is sending snapshots of 1.6 MiB). */
async function startSim(opts: Parameters<typeof SimulatedAgent.start>[0]): Promise<SimulatedAgent> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await SimulatedAgent.start(opts);
    } catch (err) {
      if (attempt >= 6) throw err;
      console.error(`[control-plane] ${opts.name}: ${(err as Error).message}; dialling again in ${attempt} s`);
      // Each join re-divides every vserver's quota among the agents: give the server time to get through it.
      await new Promise((resolve) => setTimeout(resolve, attempt * 1_000));
    }
  }
}

async function hubBaseline(sizes: Sizes, big: Doc): Promise<{ apply: number[]; status: Load; agents: Load }> {
  let hub: RunningHub | null = null;
  const sims: SimulatedAgent[] = [];
  try {
    hub = await startHub({ heartbeatMs: HEARTBEAT_MS });
    for (let i = 0; i < sizes.agents; i++) sims.push(await startSim({ url: hub.controlUrl, token: `tok-sim-${i}`, name: `sim-${i}` }));
    const apply: number[] = [];
    for (let i = 0; i < sizes.applies; i++) apply.push((await hub.setConfig(`big-${i}`, big)).ms);
    const base = `http://127.0.0.1:${hub.port}`;
    const status = await autocannon({ url: `${base}/v1/vservers/vs-0/status`, connections: sizes.connections, duration: sizes.durationS });
    const agents = await autocannon({ url: `${base}/v1/agents`, connections: sizes.connections, duration: sizes.durationS, timeout: 30 });
    return { apply, status, agents };
  } finally {
    await Promise.all(sims.map((x) => x.close().catch(() => {})));
    await hub?.stop();
  }
}

/**
 * Hub heartbeat of both the baseline and the server: 10 s (lease 30 s). With the default 1 s (lease
 * 3 s) the process is busy longer than the lease while it takes the 1,000-vserver document, and
 * every agent is disconnected as silent (SPILLWAY_HUB_AGENT_SILENT) before its ACK is read.
 */
const HEARTBEAT_MS = 10_000;

/** Steps of a run; `--steps=writes,agents` runs only those (after the server's PUT of the document, which writes need). */
const STEPS = ['baseline', 'config', 'reads', 'writes', 'agents', 'scale'] as const;
type Step = (typeof STEPS)[number];
function stepsFromArgv(argv = process.argv.slice(2)): Set<Step> {
  const arg = argv.find((a) => a.startsWith('--steps='));
  if (arg === undefined) return new Set(STEPS);
  const want = arg.slice('--steps='.length).split(',');
  const unknown = want.filter((w) => !(STEPS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`--steps: unknown ${unknown.join(', ')} (steps: ${STEPS.join(', ')})`);
  return new Set(want as Step[]);
}

interface Sizes {
  agents: number;
  durationS: number;
  apiDurationS: number;
  connections: number;
  /** Writers of the writes step, one run of apiDurationS each (a provisioning tool with a few parallel writers, then many). */
  writeConnections: number[];
  vservers: number;
  perVserver: number;
  applies: number;
  trials: number;
  /** Agents connected while GET /v1/agents is loaded. */
  listAgents: number;
  /** The scale step: PUT /v1/config of this many vservers × services each, on its own server. */
  scaleVservers: number;
  scalePerVserver: number;
}

export async function controlPlaneBench(opts: BenchOptions): Promise<BenchResult> {
  const sizes: Sizes = opts.smoke
    ? {
        agents: 2,
        durationS: 1,
        apiDurationS: 1,
        connections: 10,
        writeConnections: [4],
        vservers: 10,
        perVserver: 10,
        applies: 2,
        trials: 2,
        listAgents: 5,
        scaleVservers: 50,
        scalePerVserver: 10,
      }
    : {
        agents: 10,
        durationS: 5,
        apiDurationS: 10,
        connections: 10,
        writeConnections: [4, 16],
        vservers: 1_000,
        perVserver: 10,
        applies: 3,
        trials: 3,
        listAgents: 50,
        scaleVservers: 10_000,
        scalePerVserver: 10,
      };
  const nServices = sizes.vservers * sizes.perVserver;
  const bigLabel = `${sizes.vservers.toLocaleString('en-US')} vservers / ${nServices.toLocaleString('en-US')} services`;
  const big = largeConfig(sizes.vservers, sizes.perVserver);
  const bigBody = JSON.stringify(big);

  const step = (what: string): void => console.error(`[control-plane] ${new Date().toISOString()} ${what}`);
  const only = stepsFromArgv();
  if (only.has('baseline')) step('hub-only baseline');
  const hubOnly = only.has('baseline') ? await hubBaseline(sizes, big) : null;
  const hubApply = summarize(hubOnly?.apply ?? []);

  let cp: RunningControlPlane | null = null;
  let sims: SimulatedAgent[] = [];
  const configRows: Row[] = [];
  const readRows: Row[] = [];
  const writeRows: Row[] = [];
  const data: Record<string, unknown> = { sizes, steps: [...only], hubOnly: { apply: hubOnly?.apply ?? [] } };
  let disconnected = 0;
  let closing = false;
  // `--steps=scale` (with or without baseline) needs no server of the 1,000-vserver document: the scale step starts its own.
  const needsServer = (['config', 'reads', 'writes', 'agents'] as const).some((s) => only.has(s));
  try {
    if (needsServer) {
      cp = await startControlPlane({ databaseUrl: opts.databaseUrl, heartbeatMs: HEARTBEAT_MS });
      sims = await connectSimulated(cp, sizes.agents);
      for (const x of sims)
        x.client.on('close', () => {
          if (!closing) disconnected++;
        });
      const clock = new AppliedClock(sims);
      const put = async (route: string, body: string): Promise<{ ms: number; t0: number; res: ApplyResult }> => {
        const t0 = performance.now();
        const res = await cp!.call<ApplyResult>('PUT', route, body);
        return { ms: performance.now() - t0, t0, res };
      };

      step('server: PUT /v1/config');
      // 1. The whole document, created in one transaction, then pushed to every agent.
      const created = await put('/v1/config', bigBody);
      if (created.res.plan.summary.create !== nServices + sizes.vservers) throw new Error(`PUT /v1/config created ${JSON.stringify(created.res.plan.summary)}`);
      const createdAcked = (await clock.until(created.res.version, 120_000)) - created.t0;
      // 2. The same document again: an empty plan, nothing committed or pushed.
      const trials = only.has('config') ? sizes.trials : 0;
      const again: number[] = [];
      for (let i = 0; i < trials; i++) {
        const r = await put('/v1/config', bigBody);
        if (r.res.applied || r.res.plan.summary.update + r.res.plan.summary.create + r.res.plan.summary.delete !== 0)
          throw new Error('the same document again did not give an empty plan');
        again.push(r.ms);
      }
      // 3. dryRun of a changed document: the plan only.
      const changedBody = JSON.stringify(changedConfig(big));
      const dry: number[] = [];
      let planned = 0;
      for (let i = 0; i < trials; i++) {
        const r = await put('/v1/config?dryRun=true', changedBody);
        planned = r.res.plan.summary.update;
        dry.push(r.ms);
      }
      const a = summarize(again);
      const d = summarize(dry);
      if (hubOnly)
        configRows.push({
          step: `hub only: serves the ${bigLabel} snapshot → ACKed by ${sizes.agents} simulated agents (baseline)`,
          trials: hubApply.n,
          'p50 ms': hubApply.p50,
          'max ms': hubApply.max,
          '× baseline': 1,
        });
      configRows.push(
        {
          step: `PUT /v1/config, ${bigLabel} created → 200 (committed)`,
          trials: 1,
          'p50 ms': created.ms,
          'max ms': created.ms,
          '× baseline': ratio(created.ms, hubApply.p50),
        },
        {
          step: `PUT /v1/config, ${bigLabel} created → ACKed by ${sizes.agents} simulated agents`,
          trials: 1,
          'p50 ms': createdAcked,
          'max ms': createdAcked,
          '× baseline': ratio(createdAcked, hubApply.p50),
        },
      );
      if (trials > 0)
        configRows.push(
          {
            step: 'PUT /v1/config, the same document again → 200 (empty plan, nothing pushed)',
            trials: a.n,
            'p50 ms': a.p50,
            'max ms': a.max,
            '× baseline': ratio(a.p50, hubApply.p50),
          },
          {
            step: `PUT /v1/config?dryRun=true, ${planned.toLocaleString('en-US')} services changed → 200 (plan only)`,
            trials: d.n,
            'p50 ms': d.p50,
            'max ms': d.max,
            '× baseline': ratio(d.p50, hubApply.p50),
          },
        );
      data.config = { createdMs: created.ms, createdAckedMs: createdAcked, againMs: again, dryRunMs: dry, planned };

      // 4. Reads: hub-only routes first (baseline), then the REST API of the real server.
      const auth = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
      const status = hubOnly ? rps(hubOnly.status) : null;
      if (hubOnly)
        readRows.push(
          loadRow('hub only: GET /v1/vservers/vs-0/status (baseline)', hubOnly.status, { '× baseline': 1 }),
          loadRow('hub only: GET /v1/agents', hubOnly.agents, { '× baseline': ratio(rps(hubOnly.agents), status) }),
        );
      const reads: [string, number][] = !only.has('reads')
        ? []
        : [
            ['/v1/vservers/vs-0/status', sizes.connections],
            ['/v1/vservers', sizes.connections],
            ['/v1/vservers/vs-0', sizes.connections],
            // The whole document per request: a few connections are enough to keep the server busy.
            ['/v1/config', Math.min(4, sizes.connections)],
          ];
      const readData: Record<string, Load> = {};
      for (const [route, connections] of reads) {
        const r = await autocannon({ url: `${cp.base}${route}`, headers: auth, connections, duration: sizes.apiDurationS, timeout: 60 });
        readData[route] = r;
        readRows.push(
          loadRow(
            `GET ${route}${route === '/v1/vservers' ? ' (first page: 100)' : ''}${connections !== sizes.connections ? ` (${connections} connections)` : ''}`,
            r,
            { '× baseline': ratio(rps(r), status) },
          ),
        );
      }
      if (only.has('reads')) data.reads = readData;

      // 5. Writes: PUT of one service by `writeConnections` writers in a loop; every request carries
      // a capacity no other request of the run carried, so each one commits a version. Each write is
      // timed from its request sent to the last agent's ACK of its version (or a later one): the
      // service's ETag (its own version) maps to the global version, nothing else being written.
      const one = big.services[0]!;
      if (only.has('writes')) {
        step('writes');
        const runs: Record<number, WriteLoad> = {};
        for (const writers of sizes.writeConnections) {
          const w = await writeLoad(cp, clock, one, writers, sizes.apiDurationS * 1_000);
          runs[writers] = w;
          const ack = summarize(w.ackMs);
          const commit = summarize(w.commitMs);
          writeRows.push({
            route: `PUT /v1/services/${one.name} (${writers} writers, ${bigLabel}, ${sizes.agents} simulated agents)`,
            'writes/s': w.writesPerS,
            writes: w.writes,
            'commit p50 ms': commit.p50,
            'commit p99 ms': commit.p99,
            'all-ACK p50 ms': ack.p50,
            'all-ACK p99 ms': ack.p99,
            'bytes pushed per agent per write': w.bytesPerAgentPerWrite,
            'frames per agent per write': w.framesPerAgentPerWrite,
            'CPU ms/write: server': w.cpuMsPerWrite.server,
            Postgres: w.cpuMsPerWrite.postgres ?? 'n/a',
            harness: w.cpuMsPerWrite.harness,
            errors: w.errors,
          });
        }
        data.writes = runs;
      }

      // 6. GET /v1/agents with `listAgents` agents connected (one at a time: each gets the 1.6 MiB snapshot).
      if (only.has('agents')) {
        step('GET /v1/agents');
        const joinCpu0 = treeCpu(cp.proc.child.pid!);
        const joins = sizes.listAgents - sims.length;
        for (let i = sims.length; i < sizes.listAgents; i++) {
          const name = `list-${i}`;
          sims.push(await startSim({ url: cp.controlUrl, token: await cp.agentToken(name), name }));
        }
        // Steady state: each join re-divides every vserver's quota among the agents (a pass over
        // 1,000 vservers, allowances to every agent), and a row not at its fair share yet (a revoke
        // waiting for its acknowledgement) is passed over again on the next heartbeat: the list is
        // loaded once the server stayed idle for a whole heartbeat (and a second).
        const settleMs = await untilIdle(cp.proc.child.pid!, 120_000, HEARTBEAT_MS + 1_000);
        // The server's CPU for the joins and the quota passes until settled (each join: the 1.6 MiB snapshot, a pass, allowances to every agent).
        const joinsCpuMs = Math.round(busyMs(cpuSince(joinCpu0, treeCpu(cp.proc.child.pid!))));
        step(`GET /v1/agents: load (server idle after ${settleMs} ms; ${joins} joins and their quota passes took ${joinsCpuMs} ms of server CPU)`);
        const serverPid = cp.proc.child.pid!;
        const cpu0 = treeCpu(serverPid);
        const list = await autocannon({
          url: `${cp.base}/v1/agents`,
          headers: auth,
          connections: sizes.connections,
          duration: sizes.apiDurationS,
          timeout: 60,
        });
        const cpuUsPerRq = list.requests.total > 0 ? Math.round((busyMs(cpuSince(cpu0, treeCpu(serverPid))) * 1000) / list.requests.total) : null;
        readRows.push(
          loadRow(`GET /v1/agents (${sizes.listAgents} agents connected)`, list, {
            '× baseline': ratio(rps(list), status),
            'server CPU µs/rq': cpuUsPerRq ?? 'n/a',
          }),
        );
        data.agentsList = { ...list, settleMs, cpuUsPerRq, joins, joinsCpuMs };
      }
      data.rssMiB = treeRssMiB(cp.proc.child.pid!);

      data.disconnected = disconnected;
    }
  } catch (err) {
    // The server logs at warn: what it said about a failed request is in its output.
    if (cp) console.error(`[control-plane] server output (last 4,000 characters):\n${cp.proc.output().slice(-4000)}`);
    throw err;
  } finally {
    closing = true;
    await Promise.all(sims.map((x) => x.close().catch(() => {})));
    await cp?.stop();
  }
  if (disconnected > 0) throw new Error(`${disconnected} simulated agent(s) were disconnected by the server during the run`);
  let scale: Awaited<ReturnType<typeof scaleStep>> | null = null;
  if (only.has('scale')) {
    step('scale');
    scale = await scaleStep(sizes, opts);
    data.scale = scale;
    configRows.push(
      {
        step: `PUT /v1/config, ${scale.label} created → 200 (committed); CPU ms server ${scale.cpuMs.create.server}, Postgres ${scale.cpuMs.create.postgres ?? 'n/a'}`,
        trials: 1,
        'p50 ms': scale.createMs,
        'max ms': scale.createMs,
        '× baseline': ratio(scale.createMs, hubApply.p50),
      },
      {
        step: `PUT /v1/config, ${scale.label} again → 200 (empty plan); CPU ms server ${scale.cpuMs.again.map((c) => c.server).join(' / ')}, Postgres ${scale.cpuMs.again.map((c) => c.postgres ?? 'n/a').join(' / ')}`,
        trials: scale.againMs.length,
        'p50 ms': summarize(scale.againMs).p50,
        'max ms': summarize(scale.againMs).max,
        '× baseline': ratio(summarize(scale.againMs).p50, hubApply.p50),
      },
    );
  }
  const partial = only.size < STEPS.length;
  return {
    // A run of some steps only is written apart (bench/results/control-plane-partial.json), never as the README's figures.
    name: partial ? 'control-plane-partial' : 'control-plane',
    conditions: [
      `server: apps/control-plane/src/server.ts in its own process (tsx), ${opts.databaseUrl ? 'on a database the caller gave' : 'on a fresh embedded Postgres 18 in a temp dir (default settings, fsync on)'}, SPILLWAY_LOG_LEVEL=warn (no request logs), admin bearer token; ${sizes.agents} simulated agents (SimulatedAgent of @spillway/protocol in the harness process) connected with their own agent tokens, so every commit is pushed to them`,
      `hub heartbeat ${HEARTBEAT_MS / 1000} s (lease ${(3 * HEARTBEAT_MS) / 1000} s), in the baseline too: with the default 1 s (lease 3 s) the process is busy longer than the lease while it takes the 1,000-vserver document, and every agent is disconnected as silent (SPILLWAY_HUB_AGENT_SILENT) before its ACK is read`,
      `document: ${sizes.vservers} vservers × ${sizes.perVserver} services (TCP, listen: null, no monitors), ${(bigBody.length / 2 ** 20).toFixed(1)} MiB of JSON; PUT timed from the request sent to the answer read (harness clock); ACKed = the last simulated agent received the version's snapshot and ACKed it`,
      `baseline in the same run: the agent hub alone (its Fastify plugin in its own process, no REST API/Postgres) with ${sizes.agents} simulated agents; "× baseline" = time / baseline time for the config steps, rq/s / the hub-only status route's rq/s for reads`,
      `reads and writes: autocannon 8 in the harness process, ${sizes.connections} connections (unless stated), ${sizes.durationS} s per hub-only route and ${sizes.apiDurationS} s per route of the server; rq/s = requests answered / run time (a request still in flight at the end is not counted); writes: PUT /v1/services/{name} of one service with a capacity no other write carried (each commits a version and is pushed to every agent), by ${sizes.writeConnections.join(' then ')} writers in a loop (fetch, one request in flight each: a provisioning tool with a few parallel writers, then many); CPU ms/write = CPU time (user + system, /proc) of the server's process tree, of Postgres (postmaster and backends) and of this harness (writers, simulated agents) over the run / writes committed`,
      `GET /v1/agents: ${sizes.listAgents} agents connected (the ${sizes.agents} of the run, then the others one at a time); loaded once the server's process tree used under 10% of a core in every second of a heartbeat and one more (${(HEARTBEAT_MS + 1_000) / 1000} s; at most 120 s after the last join: each join re-divides every vserver's quota, and rows not at their fair share yet are passed over again each heartbeat; data.agentsList.settleMs); server CPU µs/rq = its CPU time over the load / requests answered`,
      "machine shared: 2 cores, other engineers' test runs going on at the same time; the harness, the server, Postgres and the agents share the cores",
    ],
    tables: [
      { title: 'Control plane: PUT /v1/config of a large document (real server, Postgres)', rows: configRows },
      { title: 'Control plane: API reads', rows: readRows },
      { title: 'Control plane: API writes', rows: writeRows },
      {
        title: 'Control plane: resident memory (server process tree)',
        rows: [
          {
            after: `the ${bigLabel} runs, ${only.has('agents') ? sizes.listAgents : sizes.agents} agents connected`,
            'RSS MiB': (data.rssMiB as number | null) ?? 'n/a',
          },
          ...(scale ? [{ after: `PUT /v1/config of ${scale.label} and its re-applies`, 'RSS MiB': scale.rssMiB ?? 'n/a' }] : []),
        ],
      },
    ],
    skipped: STEPS.filter((s) => !only.has(s)).map((s) => `step ${s} (not in --steps)`),
    data,
  };
}

runIfMain(import.meta.url, controlPlaneBench);
