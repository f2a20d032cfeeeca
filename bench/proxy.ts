// Benchmark 1: proxy throughput and added latency. Spillway's agent (1 worker, all workers)
// against direct-to-backend and HAProxy (nbthread 2) on the same backend: HTTP keep-alive,
// HTTP with a new connection per request, added latency at one connection, TCP bulk.
import os from 'node:os';
import path from 'node:path';
import { startAgent, type RunningAgent } from './lib/agent.js';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { httpLoad, type LoadResult } from './lib/load.js';
import { findPeer } from './lib/peers.js';
import { startHaproxy, startNginx, tempDir, type RunningPeer } from './lib/peer-config.js';
import { freePort, startProcess, type Proc } from './lib/proc.js';
import { median, ratio } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { tcpBulk } from './lib/tcp-bulk.js';

const here = import.meta.dirname;
const tsx = path.resolve(here, '..', 'node_modules', '.bin', 'tsx');

interface PathUnderTest {
  name: string;
  httpPort: number;
  tcpPort: number;
}
interface PathFigures {
  path: string;
  keepAlive: LoadResult | null;
  newConn: LoadResult | null;
  oneConn: LoadResult | null;
  bulkMBps: number | null;
  errors: string[];
}

async function startChild(name: string, script: string, args: string[] = []): Promise<{ proc: Proc; port: number }> {
  const proc = startProcess(name, tsx, [path.join(here, 'lib', script), ...args]);
  const line = await proc.waitForLine((l) => l.startsWith('{"ready":true'));
  return { proc, port: (JSON.parse(line) as { port: number }).port };
}

function agentDoc(name: string, workers: number, httpBackendPort: number, tcpSourcePort: number): object {
  return {
    agent: { name, workers },
    services: [
      { name: 'web-1', address: '127.0.0.1', port: httpBackendPort, protocol: 'http', capacity: 100_000 },
      { name: 'bulk-1', address: '127.0.0.1', port: tcpSourcePort, protocol: 'tcp', capacity: 100_000 },
    ],
    vservers: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 0 },
        lbMethod: 'roundrobin',
        services: [{ service: 'web-1' }],
        spillover: { methods: [], action: 'accept' },
      },
      {
        name: 'bulk',
        protocol: 'tcp',
        listen: { port: 0 },
        lbMethod: 'roundrobin',
        services: [{ service: 'bulk-1' }],
        spillover: { methods: [], action: 'accept' },
      },
    ],
  };
}

export async function proxyBench(opts: BenchOptions): Promise<BenchResult> {
  const sizes = opts.smoke
    ? { durationS: 1, keepAliveConns: 10, newConnConns: 4, bulkBytes: 8 * 2 ** 20 }
    : { durationS: 5, keepAliveConns: 50, newConnConns: 10, bulkBytes: 2 ** 30 };
  const cores = os.availableParallelism();
  const [wrk, haproxy, nginx] = [await findPeer('wrk', opts), await findPeer('haproxy', opts), await findPeer('nginx', opts)];
  const skipped: string[] = [];
  if (!haproxy.path) skipped.push(`HAProxy column: ${haproxy.missingReason}`);
  const dir = tempDir('proxy');
  const stops: (() => Promise<void>)[] = [];
  const figures: PathFigures[] = [];
  let backendKind: string;
  try {
    let httpBackendPort: number;
    if (nginx.path) {
      httpBackendPort = await freePort();
      const body = 'a'.repeat(1024);
      const peer: RunningPeer = await startNginx(nginx.path, dir.path, {
        workers: 1,
        ports: [httpBackendPort],
        http: `  server { listen 127.0.0.1:${httpBackendPort} backlog=4096; location / { default_type text/plain; return 200 "${body}"; } }`,
      });
      stops.push(() => peer.stop());
      backendKind = `nginx (${nginx.version}, 1 worker, \`return 200\` with a 1 KiB body)`;
    } else {
      const b = await startChild('http backend', 'http-backend-main.ts');
      stops.push(() => b.proc.stop());
      httpBackendPort = b.port;
      backendKind = 'node:http server in its own process, 1 KiB body (nginx not installed)';
    }
    const source = await startChild('tcp source', 'tcp-source-main.ts');
    stops.push(() => source.proc.stop());

    const paths: PathUnderTest[] = [{ name: 'direct', httpPort: httpBackendPort, tcpPort: source.port }];
    const agents: RunningAgent[] = [];
    for (const workers of [...new Set([1, cores])]) {
      const a = await startAgent(dir.path, `proxy-${workers}w`, agentDoc(`proxy-${workers}w`, workers, httpBackendPort, source.port));
      agents.push(a);
      stops.push(() => a.stop());
      paths.push({ name: `agent, ${workers} worker${workers > 1 ? 's' : ''}`, httpPort: a.ports.web!, tcpPort: a.ports.bulk! });
    }
    if (haproxy.path) {
      const [hp, tp] = [await freePort(), await freePort()];
      const peer = await startHaproxy(haproxy.path, dir.path, {
        nbthread: 2,
        ports: [hp, tp],
        sections: [
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
          `  server bulk-1 127.0.0.1:${source.port}`,
        ].join('\n'),
      }).catch((err: Error) => {
        skipped.push(`HAProxy column: it did not start: ${err.message.split('\n')[0]}`);
        return null;
      });
      if (peer) {
        stops.push(() => peer.stop());
        paths.push({ name: 'HAProxy, nbthread 2', httpPort: hp, tcpPort: tp });
      }
    }

    for (const p of paths) {
      const f: PathFigures = { path: p.name, keepAlive: null, newConn: null, oneConn: null, bulkMBps: null, errors: [] };
      const url = `http://127.0.0.1:${p.httpPort}/`;
      const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
        try {
          return await fn();
        } catch (err) {
          f.errors.push(`${what}: ${(err as Error).message.split('\n')[0]}`);
          return null;
        }
      };
      // Warm up (JIT, upstream pools) before measuring.
      if (!opts.smoke) await attempt('warm-up', () => httpLoad(url, { connections: sizes.keepAliveConns, durationS: 1 }, wrk.path));
      f.keepAlive = await attempt('keep-alive', () => httpLoad(url, { connections: sizes.keepAliveConns, durationS: sizes.durationS }, wrk.path));
      f.newConn = await attempt('new connection', () =>
        httpLoad(url, { connections: sizes.newConnConns, durationS: sizes.durationS, closeEachRequest: true }, wrk.path),
      );
      // Tail latency at one connection is the figure most disturbed by anything else on the
      // machine: the median of three passes.
      const passes: LoadResult[] = [];
      for (let i = 0; i < (opts.smoke ? 1 : 3); i++) {
        const r = await attempt('one connection', () => httpLoad(url, { connections: 1, durationS: sizes.durationS }, wrk.path));
        if (r) passes.push(r);
      }
      if (passes.length)
        f.oneConn = {
          ...passes[0]!,
          p50Ms: median(passes.map((x) => x.p50Ms)),
          p99Ms: median(passes.map((x) => x.p99Ms)),
          rps: median(passes.map((x) => x.rps)),
        };
      f.bulkMBps = (await attempt('tcp bulk', () => tcpBulk(p.tcpPort, sizes.bulkBytes)))?.mbPerS ?? null;
      figures.push(f);
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  }

  const direct = figures.find((f) => f.path === 'direct');
  const hap = figures.find((f) => f.path.startsWith('HAProxy'));
  const rows: Row[] = figures.map((f) => ({
    path: f.path,
    'keep-alive rq/s': f.keepAlive?.rps,
    'new conn rq/s': f.newConn?.rps,
    'p50 ms (1 conn)': f.oneConn?.p50Ms,
    'p99 ms (1 conn)': f.oneConn?.p99Ms,
    'added p50 ms': f === direct ? null : diff(f.oneConn?.p50Ms, direct?.oneConn?.p50Ms),
    'added p99 ms': f === direct ? null : diff(f.oneConn?.p99Ms, direct?.oneConn?.p99Ms),
    'bulk MB/s': f.bulkMBps,
    errors: f.errors.length ? f.errors.join('; ') : [f.keepAlive, f.newConn, f.oneConn].reduce((n, r) => n + (r?.errors ?? 0), 0),
  }));
  const ratios: Row[] = figures
    .filter((f) => f.path.startsWith('agent'))
    .flatMap((a) => [
      {
        ratio: `${a.path} / HAProxy`,
        'keep-alive': ratio(a.keepAlive?.rps, hap?.keepAlive?.rps),
        'new conn': ratio(a.newConn?.rps, hap?.newConn?.rps),
        'p50 (1 conn)': ratio(a.oneConn?.p50Ms, hap?.oneConn?.p50Ms),
        'p99 (1 conn)': ratio(a.oneConn?.p99Ms, hap?.oneConn?.p99Ms),
        bulk: ratio(a.bulkMBps, hap?.bulkMBps),
      },
      {
        ratio: `${a.path} / direct`,
        'keep-alive': ratio(a.keepAlive?.rps, direct?.keepAlive?.rps),
        'new conn': ratio(a.newConn?.rps, direct?.newConn?.rps),
        'p50 (1 conn)': ratio(a.oneConn?.p50Ms, direct?.oneConn?.p50Ms),
        'p99 (1 conn)': ratio(a.oneConn?.p99Ms, direct?.oneConn?.p99Ms),
        bulk: ratio(a.bulkMBps, direct?.bulkMBps),
      },
    ]);
  const tool = figures.find((f) => f.keepAlive)?.keepAlive?.tool ?? (wrk.path ? 'wrk' : 'autocannon');
  return {
    name: 'proxy',
    conditions: [
      `backend: ${backendKind}; TCP bulk source: a node process writing 1 MiB chunks`,
      `load: ${tool === 'wrk' ? `${wrk.version}, 1 thread` : 'autocannon (wrk not installed), in the harness process'}; keep-alive -c${sizes.keepAliveConns}, new connection per request (\`Connection: close\`) -c${sizes.newConnConns}, latency at -c1 (median of ${opts.smoke ? 1 : 3} passes); ${sizes.durationS} s each${opts.smoke ? '' : ' after a 1 s warm-up'}; TCP bulk ${sizes.bulkBytes / 2 ** 20} MiB over one connection`,
      `peers: ${haproxy.version ?? 'HAProxy not installed'} (nbthread 2, http-reuse always; mode tcp for bulk); agent: no spillover method, roundrobin, one service per vserver`,
      'everything on 127.0.0.1, load generator, proxy and backend sharing the cores; one pass, ratios within the run',
    ],
    tables: [
      { title: 'Proxy: throughput and latency', rows },
      { title: 'Proxy: ratios (throughput: higher is better; latency: lower is better)', rows: ratios },
    ],
    skipped,
    data: { sizes, figures, peers: { wrk: wrk.version, haproxy: haproxy.version, nginx: nginx.version } },
  };
}

function diff(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined ? null : a - b;
}

runIfMain(import.meta.url, proxyBench);
