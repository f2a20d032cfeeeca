// Content switching's cost (issue 17): keep-alive requests per second and CPU µs per request of
// one agent (compiled, 1 worker) through a plain HTTP vserver and through a contentswitch vserver
// of 20 rules whose request matches only the last one (every rule is tried: host, path prefix,
// extension, header, method, two RE2 patterns, a CIDR), sent on to a vserver with the same service.
// Same agent process, same backend, interleaved rounds (every other in reverse order), medians;
// goal: the switch within 10% of the plain vserver. `--rounds N`, `--duration S`.
import os from 'node:os';
import { startAgent } from './lib/agent.js';
import { startHttpBackend } from './lib/http-backend.js';
import { argValue, runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { cpuSince, treeCpu } from './lib/cpu.js';
import { httpLoad } from './lib/load.js';
import { findPeer } from './lib/peers.js';
import { tempDir } from './lib/peer-config.js';
import { run } from './lib/proc.js';
import { median, ratio } from './lib/stats.js';
import type { Row } from './lib/table.js';

/** 19 rules a GET / matches none of, then the one it matches. */
export const RULES = [
  ...['jpg', 'png', 'gif', 'css'].map((extension) => ({ match: { extension }, target: 'other' })),
  ...['/api/', '/static/', '/img/', '/admin/'].map((pathPrefix) => ({ match: { pathPrefix }, target: 'other' })),
  { match: { host: 'a.example.com' }, target: 'other' },
  { match: { host: '*.cdn.example.com' }, target: 'other' },
  { match: { header: { name: 'x-tier', value: 'gold' } }, target: 'other' },
  { match: { header: { name: 'x-ab', regex: '^b' } }, target: 'other' },
  { match: { method: 'POST' }, target: 'other' },
  { match: { method: 'PUT' }, target: 'other' },
  { match: { pathRegex: '^/v[0-9]+/' }, target: 'other' },
  { match: { pathRegex: '\\.(mp4|webm)$' }, target: 'other' },
  { match: { sourceCidr: '10.0.0.0/8' }, target: 'other' },
  { match: { host: 'b.example.com', pathPrefix: '/x/' }, target: 'other' },
  { match: { header: { name: 'x-debug', value: '1' } }, target: 'other' },
  { name: 'everything', match: { pathPrefix: '/' }, target: 'web-target' },
];

function agentDoc(backendPort: number): object {
  const target = (name: string, listen: object | null) => ({
    name,
    protocol: 'http',
    listen,
    lbMethod: 'roundrobin',
    services: [{ service: 'web-1' }],
    spillover: { methods: [], action: 'accept' },
  });
  return {
    agent: { name: 'content-switch-agent', workers: 1 },
    services: [{ name: 'web-1', address: '127.0.0.1', port: backendPort, protocol: 'http', capacity: 100_000 }],
    vservers: [
      target('plain', { port: 0, host: '127.0.0.1' }),
      target('web-target', null),
      target('other', null),
      { name: 'switch', protocol: 'http', type: 'contentswitch', listen: { port: 0, host: '127.0.0.1' }, rules: RULES },
      // The cost of the per-request admission alone: one rule, which matches.
      { name: 'switch-1', protocol: 'http', type: 'contentswitch', listen: { port: 0, host: '127.0.0.1' }, rules: RULES.slice(-1) },
    ],
  };
}

interface Sample {
  rps: number;
  requests: number;
  errors: number;
  cpuUs: number;
}

export async function contentSwitchBench(opts: BenchOptions): Promise<BenchResult> {
  const rounds = opts.smoke ? 1 : Number(argValue('--rounds') ?? 5);
  const durationS = opts.smoke ? 1 : Number(argValue('--duration') ?? 3);
  const connections = opts.smoke ? 10 : 50;
  const pinnable =
    os.availableParallelism() >= 2 &&
    (await run('taskset', ['-c', '0', 'true']).then(
      () => true,
      () => false,
    ));
  const proxyCpus = pinnable ? '0' : undefined;
  const loadCpus = pinnable ? '1' : undefined;
  const skipped: string[] = [];
  if (!pinnable) skipped.push('pinning: needs 2 cores and taskset (everything shares the cores)');
  const peers = { wrk: await findPeer('wrk', opts), nginx: await findPeer('nginx', opts) };
  const dir = tempDir('content-switch');
  const stops: (() => Promise<void>)[] = [];
  const samples = new Map<string, Sample[]>();
  let backendKind: string;
  let hits: unknown;
  try {
    const backend = await startHttpBackend(peers.nginx, dir.path, loadCpus);
    stops.push(() => backend.stop());
    const backendPort = backend.port;
    backendKind = backend.kind;
    const agent = await startAgent(dir.path, 'content-switch-agent', agentDoc(backendPort), { cpus: proxyCpus });
    stops.push(() => agent.stop());
    const pid = agent.proc.child.pid!;
    const paths = [
      { name: 'plain vserver', port: agent.ports.plain! },
      { name: 'contentswitch, 20 rules (the last matches)', port: agent.ports.switch! },
      { name: 'contentswitch, 1 rule (it matches)', port: agent.ports['switch-1']! },
    ];
    const measure = async (port: number, seconds: number): Promise<Sample> => {
      const before = treeCpu(pid);
      const r = await httpLoad(`http://127.0.0.1:${port}/`, { connections, durationS: seconds, cpus: loadCpus }, peers.wrk.path);
      const used = cpuSince(before, treeCpu(pid));
      return { rps: r.rps, requests: r.requests, errors: r.errors, cpuUs: r.requests > 0 ? ((used.userMs + used.sysMs) * 1000) / r.requests : NaN };
    };
    if (!opts.smoke) for (const p of paths) await measure(p.port, 1); // warm-up: JIT, upstream pool
    for (let round = 0; round < rounds; round++)
      for (const p of round % 2 === 1 ? [...paths].reverse() : paths) samples.set(p.name, [...(samples.get(p.name) ?? []), await measure(p.port, durationS)]);
    hits = (await agent.stats()).vservers.switch?.rule_hits ?? null;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  }
  const med = (name: string, f: (s: Sample) => number): number | undefined => {
    const s = samples.get(name);
    return s?.length ? median(s.map(f)) : undefined;
  };
  const names = [...samples.keys()];
  const rows: Row[] = names.map((name) => ({
    path: name,
    'rq/s': med(name, (s) => s.rps),
    'CPU µs/rq': med(name, (s) => s.cpuUs),
    errors: (samples.get(name) ?? []).reduce((n, s) => n + s.errors, 0),
  }));
  const [plain, ...switches] = names;
  const ratios: Row[] =
    plain === undefined
      ? []
      : switches.map((sw) => ({
          ratio: `${sw} / plain`,
          'rq/s': ratio(
            med(sw, (s) => s.rps),
            med(plain, (s) => s.rps),
          ),
          'CPU/rq': ratio(
            med(sw, (s) => s.cpuUs),
            med(plain, (s) => s.cpuUs),
          ),
        }));
  const [load1] = os.loadavg();
  return {
    name: 'content-switch',
    conditions: [
      `one agent (compiled, 1 worker) ${pinnable ? 'pinned to core 0, the backend and wrk to core 1' : 'unpinned'}; backend ${backendKind}; ${peers.wrk.version ?? 'autocannon'} keep-alive -c${connections}, GET /; ${durationS} s a measurement, ${rounds} rounds interleaved, medians`,
      'contentswitch: 20 rules (4 extensions, 4 path prefixes, 2 hosts, 2 headers (one RE2 regex), 2 methods, 2 RE2 path patterns, a CIDR, a host+prefix, then pathPrefix / which matches), its target a vserver with the same service as the plain one',
      "CPU: utime + stime of the agent's process tree from /proc over each measurement, divided by the requests wrk counted",
      `load average (1 min) at the end: ${load1!.toFixed(2)}; goal: the switch within 10% of the plain vserver`,
    ],
    tables: [
      { title: 'content switch vs plain vserver (keep-alive)', rows },
      { title: 'ratio (1.00: no cost)', rows: ratios },
    ],
    skipped,
    data: { rounds, durationS, samples: Object.fromEntries(samples), ruleHits: hits, loadAverage: os.loadavg() },
  };
}

runIfMain(import.meta.url, contentSwitchBench);
