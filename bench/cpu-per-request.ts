// CPU per request: how many µs of CPU (user + system, from /proc, the whole process tree) each
// proxy spends per HTTP request, keep-alive and with a new connection per request, in one run:
// Spillway's agent (compiled, 1 worker), HAProxy nbthread 1, a lean HTTP/1.1 proxy on node:net
// (bench/lib/lean-proxy-main.ts, what JavaScript on node:net costs with nothing but the job done)
// and the same lean proxy on libuv's TCP handles without net.Socket (lean-raw-proxy-main.ts).
// Each proxy is pinned to core 0, nginx and wrk to core 1. CPU per request moves far less with
// other work on the machine than requests per second do: it is the figure to compare changes by.
// `--baseline <checkout>` adds the agent built in another checkout (its apps/agent/dist) to the
// same run, with a table of the two builds' CPU ratio round by round (each pair saw the same
// moment of the machine's steal) and its median; `--env K=V` (repeatable) sets the environment of
// the agent under test only (e.g. SPILLWAY_AGENT_SCHEDULING_POLICY=none against a baseline of the
// same build); `--workers N` (default 1, both agents); `--rounds N`,
// `--duration S` (seconds per measurement); `--dynamicconnection` gives the agent under test a second
// vserver admitting through the connection limit (threshold = the service's capacity, never
// reached, as bench/proxy.ts), measured in the same rounds: admission's cost as a ratio of CPU per
// request within one process and one run. `--agents-only` leaves HAProxy and the lean proxies out
// (an A/B of two builds gets more rounds in the same time). `--trace-gc` runs the agents with node's
// --trace-gc and adds their GC pauses per request (scavenges and full GCs, every process of the
// agent), read from those lines, to each of their measurements. `--unpinned` pins nothing: every
// process shares the cores, as in bench/proxy.ts's unpinned phase.
import os from 'node:os';
import path from 'node:path';
import { startAgent } from './lib/agent.js';
import { argValue, runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { cpuSince, treeCpu } from './lib/cpu.js';
import { httpLoad } from './lib/load.js';
import { findPeer } from './lib/peers.js';
import { startHttpBackend } from './lib/http-backend.js';
import { startHaproxy, tempDir } from './lib/peer-config.js';
import { freePort, pinned, run, startProcess } from './lib/proc.js';
import { median, ratio } from './lib/stats.js';
import type { Row } from './lib/table.js';

const here = import.meta.dirname;

interface Target {
  name: string;
  port: number;
  pid: number;
  gc?: GcLog;
}

/** A GcLog of what `proc` prints (its workers' output is its own). */
function gcLogOf(proc: { child: { stdout: NodeJS.ReadableStream | null } }): GcLog {
  const log = new GcLog();
  let rest = '';
  proc.child.stdout?.on('data', (c: Buffer) => {
    const lines = (rest + c.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) log.read(l);
  });
  return log;
}
type LoadKey = 'keep-alive' | 'new connection';
interface Sample {
  rps: number;
  requests: number;
  errors: number;
  userUs: number;
  sysUs: number;
  /** The root process alone (the agent's primary, which accepts new connections). */
  rootUs: number;
  /** With --trace-gc (agents): scavenge and full GC pause time per request, and scavenges per 1,000 requests. */
  gc?: { scavengeUs: number; fullUs: number; scavengesPer1k: number };
}

/** One GC a process printed under --trace-gc ("[pid:0x…] 1616 ms: Scavenge 22.2 (30.7) -> 17.0 (48.2) MB, 7.61 / 0.00 ms …"). */
const GC_LINE = /: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)\b[^,]*MB, ([\d.]+) \/ [\d.]+ ms/;

/** The pauses a process tree printed, summed by kind, from a point on. */
class GcLog {
  private scavengeMs = 0;
  private fullMs = 0;
  private scavenges = 0;
  read(line: string): void {
    const m = GC_LINE.exec(line);
    if (!m) return;
    if (m[1] === 'Scavenge' || m[1] === 'Minor Mark-Sweep') {
      this.scavengeMs += Number(m[2]);
      this.scavenges++;
    } else this.fullMs += Number(m[2]);
  }
  mark(): { scavengeMs: number; fullMs: number; scavenges: number } {
    return { scavengeMs: this.scavengeMs, fullMs: this.fullMs, scavenges: this.scavenges };
  }
}

/** One HTTP vserver `web` on one service; `admission`: also the vserver web-dc, the same with a dynamicconnection method (admission-profile.ts too). */
export function agentDoc(name: string, backendPort: number, workers: number, admission = false): object {
  const vs = (vname: string, methods: object[]) => ({
    name: vname,
    protocol: 'http',
    listen: { port: 0, host: '127.0.0.1' },
    lbMethod: 'roundrobin',
    services: [{ service: 'web-1' }],
    spillover: { methods, action: 'accept' },
  });
  return {
    agent: { name, workers },
    services: [{ name: 'web-1', address: '127.0.0.1', port: backendPort, protocol: 'http', capacity: 100_000 }],
    vservers: [vs('web', []), ...(admission ? [vs('web-dc', [{ type: 'dynamicconnection' }])] : [])],
  };
}

export async function cpuPerRequestBench(opts: BenchOptions): Promise<BenchResult> {
  const rounds = opts.smoke ? 1 : Number(argValue('--rounds') ?? 3);
  const durationS = opts.smoke ? 1 : Number(argValue('--duration') ?? 3);
  const baseline = opts.smoke ? undefined : argValue('--baseline');
  const admission = !opts.smoke && process.argv.includes('--dynamicconnection');
  const agentsOnly = !opts.smoke && process.argv.includes('--agents-only');
  const traceGc = !opts.smoke && process.argv.includes('--trace-gc');
  const unpinned = process.argv.includes('--unpinned');
  const nodeArgs = traceGc ? ['--trace-gc'] : [];
  const [kaConns, ncConns] = opts.smoke ? [10, 4] : [50, 10];
  const workers = opts.smoke ? 1 : Number(argValue('--workers') ?? 1);
  const workerLabel = `${workers} worker${workers === 1 ? '' : 's'}`;
  const pinnable =
    !unpinned &&
    os.availableParallelism() >= 2 &&
    (await run('taskset', ['-c', '0', 'true']).then(
      () => true,
      () => false,
    ));
  const proxyCpus = pinnable ? '0' : undefined;
  const loadCpus = pinnable ? '1' : undefined;
  const skipped: string[] = [];
  const peers = { wrk: await findPeer('wrk', opts), haproxy: await findPeer('haproxy', opts), nginx: await findPeer('nginx', opts) };
  if (!peers.haproxy.path) skipped.push(`HAProxy: ${peers.haproxy.missingReason}`);
  if (unpinned) skipped.push('pinning: --unpinned (everything shares the cores, as in the unpinned phase of bench/proxy.ts)');
  else if (!pinnable) skipped.push('pinning: needs 2 cores and taskset (everything shares the cores)');
  const dir = tempDir('cpu-per-request');
  const stops: (() => Promise<void>)[] = [];
  const samples = new Map<string, Sample[]>();
  const targets: Target[] = [];
  let baselineTarget: Target | undefined;
  let backendKind: string;
  try {
    const backend = await startHttpBackend(peers.nginx, dir.path, loadCpus);
    stops.push(() => backend.stop());
    const backendPort = backend.port;
    backendKind = backend.kind;

    const env = Object.fromEntries(
      process.argv.flatMap((a, i) => (process.argv[i - 1] === '--env' && a.includes('=') ? [[a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]] : [])),
    ) as NodeJS.ProcessEnv;
    const agent = await startAgent(dir.path, 'cpu-agent', agentDoc('cpu-agent', backendPort, workers, admission), { cpus: proxyCpus, env, nodeArgs });
    stops.push(() => agent.stop());
    const envNote = Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);
    const agentGc = traceGc ? gcLogOf(agent.proc) : undefined;
    targets.push({
      name: `agent, ${workerLabel}${envNote.length ? ` (${envNote.join(' ')})` : ''}`,
      port: agent.ports.web!,
      pid: agent.proc.child.pid!,
      gc: agentGc,
    });
    if (admission) targets.push({ name: `${targets[0]!.name}, dynamicconnection`, port: agent.ports['web-dc']!, pid: agent.proc.child.pid!, gc: agentGc });
    if (baseline) {
      const main = path.resolve(baseline, 'apps', 'agent', 'dist', 'main.js');
      const b = await startAgent(dir.path, 'cpu-baseline', agentDoc('cpu-baseline', backendPort, workers), { cpus: proxyCpus, main, nodeArgs });
      stops.push(() => b.stop());
      baselineTarget = {
        name: `agent, ${workerLabel}, baseline ${path.basename(baseline)}`,
        port: b.ports.web!,
        pid: b.proc.child.pid!,
        gc: traceGc ? gcLogOf(b.proc) : undefined,
      };
      targets.push(baselineTarget);
    }
    if (peers.haproxy.path && !agentsOnly) {
      const hp = await freePort();
      const h = await startHaproxy(peers.haproxy.path, dir.path, {
        nbthread: 1,
        ports: [hp],
        cpus: proxyCpus,
        name: 'haproxy-cpu',
        sections: [
          'frontend web',
          '  mode http',
          '  option http-keep-alive',
          `  bind 127.0.0.1:${hp}`,
          '  default_backend web',
          'backend web',
          '  mode http',
          '  http-reuse always',
          `  server web-1 127.0.0.1:${backendPort}`,
        ].join('\n'),
      });
      stops.push(() => h.stop());
      targets.push({ name: 'HAProxy, nbthread 1', port: hp, pid: h.proc.child.pid! });
    }
    // Started through node itself (not the tsx launcher): the tree is the one process serving.
    for (const [name, file] of agentsOnly
      ? []
      : ([
          ['lean node:net proxy', 'lean-proxy-main.ts'],
          ['lean raw handle proxy', 'lean-raw-proxy-main.ts'],
        ] as const)) {
      const lean = startProcess(name, ...pinned(proxyCpus, process.execPath, ['--import', 'tsx', path.join(here, 'lib', file), String(backendPort)]));
      stops.push(() => lean.stop());
      const leanPort = (JSON.parse(await lean.waitForLine((l) => l.startsWith('{"ready":true'))) as { port: number }).port;
      targets.push({ name, port: leanPort, pid: lean.child.pid! });
    }

    const allLoads: { key: LoadKey; connections: number; closeEachRequest?: boolean }[] = [
      { key: 'keep-alive', connections: kaConns },
      { key: 'new connection', connections: ncConns, closeEachRequest: true },
    ];
    const loads = allLoads.slice(0, opts.smoke ? 1 : 2); // smoke: keep-alive only (the suite's time)
    const measure = async (t: Target, l: (typeof loads)[number], seconds: number): Promise<Sample> => {
      const before = treeCpu(t.pid);
      const gcBefore = t.gc?.mark();
      const r = await httpLoad(
        `http://127.0.0.1:${t.port}/`,
        { connections: l.connections, durationS: seconds, closeEachRequest: l.closeEachRequest, cpus: loadCpus },
        peers.wrk.path,
      );
      const used = cpuSince(before, treeCpu(t.pid));
      const per = (ms: number): number => (r.requests > 0 ? (ms * 1000) / r.requests : NaN);
      const gcAfter = t.gc?.mark();
      return {
        rps: r.rps,
        requests: r.requests,
        errors: r.errors,
        userUs: per(used.userMs),
        sysUs: per(used.sysMs),
        rootUs: per(used.rootUserMs + used.rootSysMs),
        gc:
          gcBefore && gcAfter
            ? {
                scavengeUs: per(gcAfter.scavengeMs - gcBefore.scavengeMs),
                fullUs: per(gcAfter.fullMs - gcBefore.fullMs),
                scavengesPer1k: per(gcAfter.scavenges - gcBefore.scavenges),
              }
            : undefined,
      };
    };
    if (!opts.smoke) for (const t of targets) await measure(t, loads[0]!, 1); // warm-up: JIT, upstream pools
    for (const l of loads)
      for (let round = 0; round < rounds; round++)
        for (const t of round % 2 === 1 ? [...targets].reverse() : targets) {
          const key = `${t.name}|${l.key}`;
          const s = await measure(t, l, durationS);
          samples.set(key, [...(samples.get(key) ?? []), s]);
        }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  }

  const med = (key: string, f: (s: Sample) => number): number | undefined => {
    const s = samples.get(key);
    return s?.length ? median(s.map(f)) : undefined;
  };
  const loadKeys: LoadKey[] = opts.smoke ? ['keep-alive'] : ['keep-alive', 'new connection'];
  const rows: Row[] = [];
  for (const l of loadKeys)
    for (const t of targets) {
      const key = `${t.name}|${l}`;
      rows.push({
        load: l,
        path: t.name,
        'rq/s': med(key, (s) => s.rps),
        'CPU µs/rq': med(key, (s) => s.userUs + s.sysUs),
        'user µs/rq': med(key, (s) => s.userUs),
        'sys µs/rq': med(key, (s) => s.sysUs),
        'root process µs/rq': med(key, (s) => s.rootUs),
        ...(t.gc
          ? {
              'scavenge µs/rq': med(key, (s) => s.gc?.scavengeUs ?? NaN),
              'full GC µs/rq': med(key, (s) => s.gc?.fullUs ?? NaN),
              'scavenges per 1,000 rq': med(key, (s) => s.gc?.scavengesPer1k ?? NaN),
            }
          : {}),
        errors: (samples.get(key) ?? []).reduce((n, s) => n + s.errors, 0),
      });
    }
  const ratios: Row[] = [];
  for (const l of loadKeys)
    for (const t of targets.filter((x) => x.name.startsWith('agent') || x.name === 'lean raw handle proxy'))
      for (const peer of ['HAProxy, nbthread 1', 'lean node:net proxy', 'lean raw handle proxy']) {
        if (peer === t.name || !targets.some((x) => x.name === peer)) continue;
        const [a, b] = [`${t.name}|${l}`, `${peer}|${l}`];
        ratios.push({
          load: l,
          ratio: `${t.name} / ${peer}`,
          'CPU/rq': ratio(
            med(a, (s) => s.userUs + s.sysUs),
            med(b, (s) => s.userUs + s.sysUs),
          ),
          'user CPU/rq': ratio(
            med(a, (s) => s.userUs),
            med(b, (s) => s.userUs),
          ),
          'rq/s': ratio(
            med(a, (s) => s.rps),
            med(b, (s) => s.rps),
          ),
        });
      }
  // Two paths measured in the same rounds: each round's CPU ratio (the two saw the same moment of a
  // shared machine's steal, which moves a round's CPU per request by up to 2x) and their median.
  const paired = (l: LoadKey, a: string, b: string, label: string): Row => {
    const perRound = (samples.get(`${a}|${l}`) ?? []).map((s, i) => {
      const peer = samples.get(`${b}|${l}`)?.[i];
      return peer ? (s.userUs + s.sysUs) / (peer.userUs + peer.sysUs) : NaN;
    });
    const sorted = perRound.filter((r) => !Number.isNaN(r)).sort((x, y) => x - y);
    return {
      load: l,
      ratio: label,
      'CPU/rq': ratio(
        med(`${a}|${l}`, (s) => s.userUs + s.sysUs),
        med(`${b}|${l}`, (s) => s.userUs + s.sysUs),
      ),
      'CPU/rq, median of the rounds': sorted.length ? median(sorted).toFixed(3) : '—',
      'CPU/rq each round': perRound.map((r) => r.toFixed(3)).join(' '),
      'rq/s': ratio(
        med(`${a}|${l}`, (s) => s.rps),
        med(`${b}|${l}`, (s) => s.rps),
      ),
    };
  };
  // Admission's cost: the same agent's two vservers.
  const admissionRows: Row[] = admission
    ? loadKeys.map((l) => paired(l, `${targets[0]!.name}, dynamicconnection`, targets[0]!.name, 'dynamicconnection / no method (the same agent)'))
    : [];
  // A build against another: the agent under test and the baseline.
  const base = baselineTarget;
  const baselineRows: Row[] = base ? loadKeys.map((l) => paired(l, targets[0]!.name, base.name, `${targets[0]!.name} / ${base.name}`)) : [];
  const [load1] = os.loadavg();
  return {
    name: 'cpu-per-request',
    conditions: [
      `each proxy ${pinnable ? 'pinned to core 0, nginx and wrk to core 1 (taskset)' : 'unpinned'}; backend ${backendKind}; ${peers.wrk.version ?? 'autocannon'} -t1, keep-alive -c${kaConns}, new connection per request (Connection: close) -c${ncConns}; ${durationS} s a measurement, ${rounds} round(s) interleaved (every other in reverse order), medians`,
      "CPU: utime + stime of the proxy's process tree from /proc (all threads and workers) over each measurement, divided by the requests wrk counted; \"root process\": the tree's first process alone (the agent's primary, HAProxy itself)",
      `agent compiled (node --conditions=spillway-dist apps/agent/dist/main.js), ${workerLabel}, roundrobin, one service; ${peers.haproxy.version ?? 'HAProxy not installed'} http-reuse always; lean node:net proxy: bench/lib/lean-proxy-main.ts, lean raw handle proxy: the same job on libuv's TCP handles without net.Socket (bench/lib/lean-raw-proxy-main.ts); no validation in either: measuring sticks`,
      ...(traceGc
        ? [
            'GC: the agents under node --trace-gc, the pauses of every process of each summed from its lines over each measurement and divided by the requests (the tracing itself costs a little)',
          ]
        : []),
      `load average (1 min) at the end: ${load1!.toFixed(2)}`,
    ],
    tables: [
      { title: 'CPU per request', rows },
      ...(ratios.length ? [{ title: 'CPU per request: ratios (lower CPU is better, higher rq/s is better)', rows: ratios }] : []),
      ...(admissionRows.length
        ? [{ title: "Admission's cost: the agent's dynamicconnection vserver against its vserver without method", rows: admissionRows }]
        : []),
      ...(baselineRows.length ? [{ title: 'The agent against the baseline build, round by round', rows: baselineRows }] : []),
    ],
    skipped,
    data: { rounds, durationS, samples: Object.fromEntries(samples), loadAverage: os.loadavg() },
  };
}

runIfMain(import.meta.url, cpuPerRequestBench);
