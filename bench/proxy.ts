// Benchmark 1: proxy throughput, latency and memory. Spillway's agent (compiled, 1 and 2 workers;
// a vserver without spillover method and one with dynamicconnection) against direct-to-backend
// and HAProxy (nbthread 1 and 2) on the same backends: HTTP keep-alive, HTTP with a new connection
// per request, latency at one connection, TCP bulk; RSS per 1,000 idle keep-alive connections.
// Two phases in one run: unpinned (everything shares the cores) and pinned (each proxy on core 0,
// the load generator and the backends on core 1, with taskset). Measurements interleave the paths
// round by round (median of the rounds), so a disturbance of the shared machine hits all of them.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startAgent } from './lib/agent.js';
import { cpuSince, processTree, treeCpu } from './lib/cpu.js';
import { argValue, runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { httpLoad, type LoadResult } from './lib/load.js';
import { findPeer, type Peer } from './lib/peers.js';
import { startHttpBackend } from './lib/http-backend.js';
import { HAPROXY_MAXCONN, PEER_CLIENT_TIMEOUT_S, startHaproxy, tempDir } from './lib/peer-config.js';
import { freePort, pinned, run, startProcess, type Proc } from './lib/proc.js';
import { median, ratio } from './lib/stats.js';
import type { Row } from './lib/table.js';

const here = import.meta.dirname;
const tsx = path.resolve(here, '..', 'node_modules', '.bin', 'tsx');

type Phase = 'unpinned' | 'pinned';
/** Cores of the pinned phase: the proxy alone on one, load generator and backends on the other. */
const PROXY_CPU = '0';
const LOAD_CPU = '1';

interface PathUnderTest {
  name: string;
  httpPort: number;
  tcpPort: number;
  /** The process whose tree holds the proxy's memory (none for direct). */
  pid?: number;
  /** The process whose tree's CPU time the proxy spends (its dynamicconnection vserver's too). */
  cpuPid?: number;
}
interface PathFigures {
  phase: Phase;
  path: string;
  keepAlive: LoadResult[];
  newConn: LoadResult[];
  oneConn: LoadResult[];
  bulkMBps: number[];
  /** CPU µs (user + system, the proxy's process tree) per request of each round. */
  cpuKeepAlive: number[];
  cpuNewConn: number[];
  errors: string[];
}
interface MemoryFigures {
  path: string;
  connections: number;
  beforeKiB: number;
  afterKiB: number;
  /** The second reading, with more idle connections (what each one costs past the first ones' heap growth); none when the open-file limit leaves no room. */
  more?: { connections: number; kiB: number };
}

function agentDoc(name: string, workers: number, httpBackendPort: number, tcpSourcePort: number): object {
  const vs = (vname: string, protocol: string, service: string, methods: object[]) => ({
    name: vname,
    protocol,
    listen: { port: 0, host: '127.0.0.1' },
    lbMethod: 'roundrobin',
    services: [{ service }],
    spillover: { methods, action: 'accept' },
    // Idle keep-alive connections kept as long as HAProxy keeps them: with the default, 5 s, the
    // first 1,000 of the memory readings could close before the second reading, up to ~7 s later.
    ...(protocol === 'http' ? { keepAliveTimeoutMs: PEER_CLIENT_TIMEOUT_S * 1000 } : {}),
  });
  return {
    agent: { name, workers },
    services: [
      { name: 'web-1', address: '127.0.0.1', port: httpBackendPort, protocol: 'http', capacity: 100_000 },
      { name: 'bulk-1', address: '127.0.0.1', port: tcpSourcePort, protocol: 'tcp', capacity: 100_000 },
    ],
    vservers: [
      vs('web', 'http', 'web-1', []),
      vs('bulk', 'tcp', 'bulk-1', []),
      // The same with admission through the connection limit (threshold = the services' capacity, never reached here).
      vs('web-dc', 'http', 'web-1', [{ type: 'dynamicconnection' }]),
      vs('bulk-dc', 'tcp', 'bulk-1', [{ type: 'dynamicconnection' }]),
    ],
  };
}

function haproxySections(hp: number, tp: number, httpBackendPort: number, sourcePort: number): string {
  return [
    'frontend web',
    '  mode http',
    '  option http-keep-alive',
    `  bind 127.0.0.1:${hp}`,
    '  default_backend web',
    'backend web',
    '  mode http',
    '  http-reuse always',
    `  server web-1 127.0.0.1:${httpBackendPort}`,
    'listen bulk',
    '  mode tcp',
    `  bind 127.0.0.1:${tp}`,
    `  server bulk-1 127.0.0.1:${sourcePort}`,
  ].join('\n');
}

async function startChild(name: string, script: string, cpus: string | undefined): Promise<{ proc: Proc; port: number }> {
  const proc = startProcess(name, ...pinned(cpus, tsx, [path.join(here, 'lib', script)]));
  const line = await proc.waitForLine((l) => l.startsWith('{"ready":true'));
  return { proc, port: (JSON.parse(line) as { port: number }).port };
}

/** TCP bulk through `port` by a client process of its own (pinned with the backends when `cpus` is set). */
async function bulk(port: number, bytes: number, cpus: string | undefined): Promise<number> {
  const [cmd, args] = pinned(cpus, tsx, [path.join(here, 'lib', 'tcp-bulk-main.ts'), String(port), String(bytes)]);
  const { stdout } = await run(cmd, args, { timeoutMs: 180_000 });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { mbPerS: number }).mbPerS;
}

/** Resident memory of a process tree, KiB (VmRSS summed). */
function treeRssKiB(root: number): number {
  let kib = 0;
  for (const pid of processTree(root)) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return kib;
}

/** Opens `n` keep-alive connections to `port`, each having made one request and read its answer, then idle; `closed` gets each one the proxy closes. */
async function idleKeepAlive(port: number, n: number, closed: Set<net.Socket>): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      sockets.push(s);
      s.once('close', () => closed.add(s));
      let got = '';
      s.setEncoding('latin1');
      s.on('error', reject);
      s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'));
      const onData = (c: string): void => {
        got += c;
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length:\s*(\d+)/i.exec(got.slice(0, end))?.[1] ?? NaN);
        if (got.length - end - 4 >= len) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
    });
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, one));
  return sockets;
}

/** The tree's RSS once two readings 200 ms apart are within 1% of each other (at most 3 s). */
async function settledRssKiB(root: number): Promise<number> {
  let kib = treeRssKiB(root);
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const again = treeRssKiB(root);
    const stable = Math.abs(again - kib) <= kib * 0.01;
    kib = again;
    if (stable) break;
  }
  return kib;
}

/**
 * RSS before and with `n` idle connections, then (`total` > `n`) with `total`: the first step holds
 * what any load grows once (V8's young generation, heap pages, the allocator's arenas), the second
 * what each further connection costs.
 */
async function measureMemory(p: PathUnderTest, n: number, total: number): Promise<MemoryFigures> {
  const beforeKiB = await settledRssKiB(p.pid!);
  // A connection the proxy closed before a reading is not counted in it (its memory may not be given back yet: the figure errs high, not low).
  const closed = new Set<net.Socket>();
  const sockets = await idleKeepAlive(p.httpPort, n, closed);
  try {
    const afterKiB = await settledRssKiB(p.pid!);
    const m: MemoryFigures = { path: p.name, connections: n - closed.size, beforeKiB, afterKiB };
    if (total > n) {
      for (const s of await idleKeepAlive(p.httpPort, total - n, closed)) sockets.push(s);
      const kiB = await settledRssKiB(p.pid!);
      m.more = { connections: total - closed.size, kiB };
    }
    return m;
  } finally {
    for (const s of sockets) s.destroy();
  }
}

/** This process's open-file limit (soft), which its children inherit; undefined when /proc does not say. */
function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Descriptors of the open-file limit left for everything but the idle connections of the memory readings. */
const FD_RESERVE = 2000;
/** The fewest idle connections a second memory reading is made with. */
const MIN_MORE_IDLE = 3000;

/**
 * Idle connections of the second memory reading: HAProxy's maxconn less 1,000, fewer when the
 * open-file limit is lower (each connection is a descriptor in this process and one in the proxy,
 * FD_RESERVE left for the rest), none below MIN_MORE_IDLE.
 */
function moreIdleConnections(): number {
  const n = Math.min(HAPROXY_MAXCONN - 1000, (openFileLimit() ?? 0) - FD_RESERVE);
  return n >= MIN_MORE_IDLE ? n : 0;
}

interface Sizes {
  durationS: number;
  rounds: number;
  keepAliveConns: number;
  newConnConns: number;
  bulkBytes: number;
  idleConns: number;
  /** Idle connections of the second memory reading (0: none). */
  idleConnsMore: number;
  phases: Phase[];
}

/** Starts the backends and every proxy of one phase, measures them round by round, stops them. */
async function runPhase(
  phase: Phase,
  sizes: Sizes,
  peers: { wrk: Peer; haproxy: Peer; nginx: Peer },
  smoke: boolean,
  skipped: string[],
): Promise<{ figures: PathFigures[]; memory: MemoryFigures[]; backendKind: string }> {
  const proxyCpus = phase === 'pinned' ? PROXY_CPU : undefined;
  const loadCpus = phase === 'pinned' ? LOAD_CPU : undefined;
  const dir = tempDir(`proxy-${phase}`);
  const stops: (() => Promise<void>)[] = [];
  const figures: PathFigures[] = [];
  const memory: MemoryFigures[] = [];
  let backendKind: string;
  try {
    const backend = await startHttpBackend(peers.nginx, dir.path, loadCpus);
    stops.push(() => backend.stop());
    const httpBackendPort = backend.port;
    backendKind = backend.kind;
    const source = await startChild('tcp source', 'tcp-source-main.ts', loadCpus);
    stops.push(() => source.proc.stop());

    const paths: PathUnderTest[] = [{ name: 'direct', httpPort: httpBackendPort, tcpPort: source.port }];
    for (const workers of smoke ? [1] : [1, 2]) {
      const name = `proxy-${phase}-${workers}w`;
      const a = await startAgent(dir.path, name, agentDoc(name, workers, httpBackendPort, source.port), { cpus: proxyCpus });
      stops.push(() => a.stop());
      const label = `agent, ${workers} worker${workers > 1 ? 's' : ''}`;
      paths.push({ name: label, httpPort: a.ports.web!, tcpPort: a.ports.bulk!, pid: a.proc.child.pid!, cpuPid: a.proc.child.pid! });
      paths.push({ name: `${label}, dynamicconnection`, httpPort: a.ports['web-dc']!, tcpPort: a.ports['bulk-dc']!, cpuPid: a.proc.child.pid! });
    }
    if (peers.haproxy.path) {
      for (const nbthread of smoke ? [1] : [1, 2]) {
        const [hp, tp] = [await freePort(), await freePort()];
        const peer = await startHaproxy(peers.haproxy.path, dir.path, {
          nbthread,
          ports: [hp, tp],
          sections: haproxySections(hp, tp, httpBackendPort, source.port),
          cpus: proxyCpus,
          name: `haproxy-${nbthread}`,
        }).catch((err: Error) => {
          skipped.push(`HAProxy nbthread ${nbthread} (${phase}): it did not start: ${err.message.split('\n')[0]}`);
          return null;
        });
        if (peer) {
          stops.push(() => peer.stop());
          paths.push({ name: `HAProxy, nbthread ${nbthread}`, httpPort: hp, tcpPort: tp, pid: peer.proc.child.pid!, cpuPid: peer.proc.child.pid! });
        }
      }
    }

    const byPath = new Map<string, PathFigures>();
    for (const p of paths) {
      const f: PathFigures = { phase, path: p.name, keepAlive: [], newConn: [], oneConn: [], bulkMBps: [], cpuKeepAlive: [], cpuNewConn: [], errors: [] };
      byPath.set(p.name, f);
      figures.push(f);
    }
    const attempt = async <T>(f: PathFigures, what: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (err) {
        f.errors.push(`${what}: ${(err as Error).message.split('\n')[0]}`);
        return null;
      }
    };
    const url = (p: PathUnderTest): string => `http://127.0.0.1:${p.httpPort}/`;
    // Memory first, on processes that have served no load yet: measured after the load, "before"
    // held the heap and buffers the load grew, which the collector could give back while the idle
    // connections were opened (a negative figure for 2 workers on 2026-12-02).
    if (phase === sizes.phases[0]) for (const p of paths) if (p.pid !== undefined) memory.push(await measureMemory(p, sizes.idleConns, sizes.idleConnsMore));
    // Warm-up (JIT, upstream pools) before measuring.
    if (!smoke)
      for (const p of paths)
        await attempt(byPath.get(p.name)!, 'warm-up', () =>
          httpLoad(url(p), { connections: sizes.keepAliveConns, durationS: 1, cpus: loadCpus }, peers.wrk.path),
        );
    const measures: { key: 'keepAlive' | 'newConn' | 'oneConn'; load: { connections: number; closeEachRequest?: boolean } }[] = [
      { key: 'keepAlive', load: { connections: sizes.keepAliveConns } },
      { key: 'newConn', load: { connections: sizes.newConnConns, closeEachRequest: true } },
      { key: 'oneConn', load: { connections: 1 } },
    ];
    // Every other round in reverse order: no path always runs right after the same neighbour.
    const inRound = (round: number): PathUnderTest[] => (round % 2 === 1 ? [...paths].reverse() : paths);
    for (const m of measures)
      for (let round = 0; round < sizes.rounds; round++)
        for (const p of inRound(round)) {
          const f = byPath.get(p.name)!;
          const cpu0 = p.cpuPid !== undefined ? treeCpu(p.cpuPid) : null;
          const r = await attempt(f, m.key, () => httpLoad(url(p), { ...m.load, durationS: sizes.durationS, cpus: loadCpus }, peers.wrk.path));
          if (!r) continue;
          f[m.key].push(r);
          if (cpu0 && r.requests > 0 && m.key !== 'oneConn') {
            const used = cpuSince(cpu0, treeCpu(p.cpuPid!));
            (m.key === 'keepAlive' ? f.cpuKeepAlive : f.cpuNewConn).push(((used.userMs + used.sysMs) * 1000) / r.requests);
          }
        }
    for (let round = 0; round < sizes.rounds; round++)
      for (const p of inRound(round)) {
        const f = byPath.get(p.name)!;
        const mb = await attempt(f, 'tcp bulk', () => bulk(p.tcpPort, sizes.bulkBytes, loadCpus));
        if (mb !== null) f.bulkMBps.push(mb);
      }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  }
  return { figures, memory, backendKind };
}

/** The median of what was measured, undefined when nothing was. */
const medianOf = (xs: readonly number[]): number | undefined => (xs.length ? median(xs) : undefined);
const med = (rs: LoadResult[], k: 'rps' | 'p50Ms' | 'p99Ms'): number | undefined => medianOf(rs.map((r) => r[k]));

/** `--rounds N` (not in `npm run bench`): rounds per measurement, for a steadier median on a noisy host. */
function roundsOption(): number | undefined {
  const n = Number(argValue('--rounds'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function proxyBench(opts: BenchOptions): Promise<BenchResult> {
  const pinnable =
    os.availableParallelism() >= 2 &&
    (await run('taskset', ['-c', '0', 'true']).then(
      () => true,
      () => false,
    ));
  const sizes: Sizes = opts.smoke
    ? { durationS: 1, rounds: 1, keepAliveConns: 10, newConnConns: 4, bulkBytes: 8 * 2 ** 20, idleConns: 50, idleConnsMore: 150, phases: ['unpinned'] }
    : {
        durationS: 3,
        rounds: roundsOption() ?? 2,
        keepAliveConns: 50,
        newConnConns: 10,
        bulkBytes: 2 ** 29,
        idleConns: 1000,
        idleConnsMore: moreIdleConnections(),
        phases: pinnable ? ['unpinned', 'pinned'] : ['unpinned'],
      };
  const skipped: string[] = [];
  if (!opts.smoke && !pinnable) skipped.push('pinned phase: needs 2 cores and taskset');
  const peers = { wrk: await findPeer('wrk', opts), haproxy: await findPeer('haproxy', opts), nginx: await findPeer('nginx', opts) };
  if (!peers.haproxy.path) skipped.push(`HAProxy columns: ${peers.haproxy.missingReason}`);
  const figures: PathFigures[] = [];
  const memory: MemoryFigures[] = [];
  let backendKind = '';
  for (const phase of sizes.phases) {
    const r = await runPhase(phase, sizes, peers, opts.smoke, skipped);
    figures.push(...r.figures);
    memory.push(...r.memory);
    backendKind = r.backendKind;
  }

  const rows: Row[] = figures.map((f) => ({
    phase: f.phase,
    path: f.path,
    'keep-alive rq/s': med(f.keepAlive, 'rps'),
    'new conn rq/s': med(f.newConn, 'rps'),
    'p50 ms (1 conn)': med(f.oneConn, 'p50Ms'),
    'p99 ms (1 conn)': med(f.oneConn, 'p99Ms'),
    'bulk MB/s': medianOf(f.bulkMBps),
    'CPU µs/rq keep-alive': medianOf(f.cpuKeepAlive),
    'CPU µs/rq new conn': medianOf(f.cpuNewConn),
    errors: f.errors.length ? f.errors.join('; ') : [...f.keepAlive, ...f.newConn, ...f.oneConn].reduce((n, r) => n + r.errors, 0),
  }));
  const find = (phase: Phase, name: string): PathFigures | undefined => figures.find((f) => f.phase === phase && f.path === name);
  const ratioRow = (phase: Phase, a: PathFigures | undefined, b: PathFigures | undefined): Row | null =>
    a && b
      ? {
          phase,
          ratio: `${a.path} / ${b.path}`,
          'keep-alive': ratio(med(a.keepAlive, 'rps'), med(b.keepAlive, 'rps')),
          'new conn': ratio(med(a.newConn, 'rps'), med(b.newConn, 'rps')),
          'p50 (1 conn)': ratio(med(a.oneConn, 'p50Ms'), med(b.oneConn, 'p50Ms')),
          'p99 (1 conn)': ratio(med(a.oneConn, 'p99Ms'), med(b.oneConn, 'p99Ms')),
          bulk: ratio(medianOf(a.bulkMBps), medianOf(b.bulkMBps)),
          'CPU/rq keep-alive': ratio(medianOf(a.cpuKeepAlive), medianOf(b.cpuKeepAlive)),
          'CPU/rq new conn': ratio(medianOf(a.cpuNewConn), medianOf(b.cpuNewConn)),
        }
      : null;
  const ratios: Row[] = [];
  for (const phase of sizes.phases) {
    const agents = figures.filter((f) => f.phase === phase && f.path.startsWith('agent') && !f.path.endsWith('dynamicconnection'));
    for (const hap of ['HAProxy, nbthread 1', 'HAProxy, nbthread 2'])
      for (const a of agents) ratios.push(...[ratioRow(phase, a, find(phase, hap))].filter((r): r is Row => r !== null));
    for (const a of agents) ratios.push(...[ratioRow(phase, find(phase, `${a.path}, dynamicconnection`), a)].filter((r): r is Row => r !== null));
    const two = ratioRow(phase, find(phase, 'agent, 2 workers'), find(phase, 'agent, 1 worker'));
    if (two) ratios.push(two);
    // HAProxy's own second thread, the reference for the row above (in the pinned phase both threads share one core).
    const twoThreads = ratioRow(phase, find(phase, 'HAProxy, nbthread 2'), find(phase, 'HAProxy, nbthread 1'));
    if (twoThreads) ratios.push(twoThreads);
  }
  const memoryRows: Row[] = memory.map((m) => ({
    path: m.path,
    'idle keep-alive connections': m.connections,
    'RSS before MiB': m.beforeKiB / 1024,
    'RSS with them MiB': m.afterKiB / 1024,
    'MiB per 1,000 connections': ((m.afterKiB - m.beforeKiB) / 1024 / m.connections) * 1000,
    'then idle connections': m.more?.connections ?? null,
    'RSS with those MiB': m.more ? m.more.kiB / 1024 : null,
    'MiB per 1,000 past the first': m.more ? ((m.more.kiB - m.afterKiB) / 1024 / (m.more.connections - m.connections)) * 1000 : null,
  }));
  const tool = figures.find((f) => f.keepAlive.length)?.keepAlive[0]?.tool ?? (peers.wrk.path ? 'wrk' : 'autocannon');
  return {
    name: 'proxy',
    conditions: [
      `backend: ${backendKind}; TCP bulk source: a node process writing 1 MiB chunks, read by a client process of its own`,
      `load: ${tool === 'wrk' ? `${peers.wrk.version}, 1 thread` : 'autocannon (wrk not installed), in the harness process'}; keep-alive -c${sizes.keepAliveConns}, new connection per request (\`Connection: close\`) -c${sizes.newConnConns}, latency at -c1; ${sizes.durationS} s each${opts.smoke ? '' : ' after a 1 s warm-up per path'}; TCP bulk ${sizes.bulkBytes / 2 ** 20} MiB over one connection`,
      `${sizes.rounds} round(s): each round measures every path in turn (every other round in reverse order), the figure is the median of the rounds (a disturbance of the shared machine falls on all paths alike)`,
      `agent: compiled (tsc -b, node --conditions=spillway-dist apps/agent/dist/main.js), roundrobin, one service per vserver; "dynamicconnection": the same agent's vserver admitting through the connection limit (threshold = the service's capacity, never reached); peers: ${peers.haproxy.version ?? 'HAProxy not installed'} (http-reuse always; mode tcp for bulk)`,
      `phases: unpinned = proxy, load generator and backends share the ${os.availableParallelism()} cores; pinned = each proxy (all its workers/threads) on core ${PROXY_CPU}, wrk, the backends and the bulk client on core ${LOAD_CPU} (taskset)`,
      "CPU µs/rq: utime + stime of the proxy's process tree (/proc, all workers or threads) over a measurement, divided by the requests wrk counted (bench/lib/cpu.ts); the dynamicconnection row shares its agent's processes",
      `memory: ${sizes.idleConns} keep-alive client connections to the HTTP port, one request answered on each, then idle (kept ${PEER_CLIENT_TIMEOUT_S} s by every proxy: the agent's keepAliveTimeoutMs, HAProxy's timeout client; a count is of those still open at its reading); RSS of the proxy's process tree (VmRSS summed, settled) before and after, on processes that have served no load yet, ${sizes.phases[0]} phase${sizes.idleConnsMore > sizes.idleConns ? `; then more, to ${sizes.idleConnsMore} in all, read again: "past the first" is what each further connection costs, without what the first load grows once (heap pages, V8's young generation)` : ` (no second reading: the open-file limit is below ${(MIN_MORE_IDLE + FD_RESERVE).toLocaleString('en-US')} or unknown)`}`,
      'everything on 127.0.0.1; the machine is shared with other work: compare ratios within the run',
    ],
    tables: [
      { title: 'Proxy: throughput and latency', rows },
      { title: 'Proxy: ratios (throughput: higher is better; latency: lower is better)', rows: ratios },
      { title: 'Proxy: memory of idle keep-alive client connections', rows: memoryRows },
    ],
    skipped,
    data: { sizes, figures, memory, peers: { wrk: peers.wrk.version, haproxy: peers.haproxy.version, nginx: peers.nginx.version } },
  };
}

runIfMain(import.meta.url, proxyBench);
