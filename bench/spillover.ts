// Benchmark 2: spillover precision. A vserver with limit L (three primary servers × L/3) and a
// backup, hit by bursts of concurrent connections well above L, each held by the backends.
// Overshoot: most requests the primaries ever held at once, minus L (goal 0). Early spills:
// requests sent to the backup while the primaries had room (goal < 1%).
import path from 'node:path';
import { startAgent, startManagedAgent, type RunningAgent } from './lib/agent.js';
import { startHub, type RunningHub } from './lib/hub.js';
import { burst } from './lib/burst.js';
import { argValue, runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import type { HoldEvent } from './lib/hold-backends-main.js';
import { findPeer } from './lib/peers.js';
import { startHaproxy, startNginx, tempDir } from './lib/peer-config.js';
import { precision, type Precision } from './lib/precision.js';
import { freePort, sleep, startProcess } from './lib/proc.js';
import type { Row } from './lib/table.js';

const here = import.meta.dirname;
const tsx = path.resolve(here, '..', 'node_modules', '.bin', 'tsx');

interface Backends {
  primaries: number[];
  backup: number;
  control: number;
}
interface Sizes {
  limit: number;
  servers: number;
  burst: number;
  holdMs: number;
  bursts: number;
}

/** One contender: how to start it, where the burst goes, and how it is split over entry ports. */
interface Running {
  ports: number[];
  stop(): Promise<void>;
  /** The agents' allowances and active connections, read in the middle of a burst (shared-limit rows). */
  probe?: () => Promise<string>;
  /**
   * Called before burst `i` (0-based): the limit the primaries have from then on (the row where a
   * primary dies in the middle of the bursts), undefined when it did not change.
   */
  before?: (i: number) => Promise<number | undefined>;
}

interface Contender {
  name: string;
  setup: string;
  start(dir: string): Promise<Running>;
  /** Share of the burst per entry port (sums to 1). */
  split: number[];
}

interface ContenderResult {
  name: string;
  setup: string;
  split: string;
  bursts: Precision[];
  /** Per burst, what probe() read in its middle, and the limit of the primaries. */
  probes: string[];
  limits: number[];
  error?: string;
}

/**
 * `dynamic`: the limit is the capacity of the primaries that are UP (dynamicconnection, each
 * watched by a TCP monitor), so a primary that dies lowers it: 3 × L/3 → 2 × L/3.
 */
function spillwayDoc(name: string, workers: number, b: Backends, sizes: Sizes, threshold: number, dynamic = false): object {
  const per = sizes.limit / sizes.servers;
  return {
    agent: { name, workers },
    monitors: dynamic ? [{ name: 'tcp-open', type: 'tcp', intervalMs: 200, timeoutMs: 150, fall: 1, rise: 1 }] : [],
    services: [
      ...b.primaries.map((port, i) => ({
        name: `primary-${i + 1}`,
        address: '127.0.0.1',
        port,
        protocol: 'http',
        capacity: per,
        ...(dynamic ? { monitors: [{ monitor: 'tcp-open' }] } : {}),
      })),
      { name: 'backup-1', address: '127.0.0.1', port: b.backup, protocol: 'http', capacity: 100_000 },
    ],
    vservers: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 0 },
        lbMethod: 'leastconn',
        services: b.primaries.map((_, i) => ({ service: `primary-${i + 1}` })),
        spillover: { methods: [dynamic ? { type: 'dynamicconnection' } : { type: 'connection', threshold }], backup: 'web-overflow', action: 'accept' },
      },
      {
        name: 'web-overflow',
        protocol: 'http',
        listen: null,
        lbMethod: 'roundrobin',
        services: [{ service: 'backup-1' }],
        spillover: { methods: [], action: 'accept' },
      },
    ],
  };
}

function haproxySections(port: number, b: Backends, per: number): string {
  return [
    'frontend web',
    '  mode http',
    '  option http-server-close',
    `  bind 127.0.0.1:${port}`,
    '  use_backend overflow if { be_conn_free(primary) lt 1 }',
    '  default_backend primary',
    'backend primary',
    '  mode http',
    '  balance leastconn',
    ...b.primaries.map((p, i) => `  server primary-${i + 1} 127.0.0.1:${p} maxconn ${per}`),
    'backend overflow',
    '  mode http',
    `  server backup-1 127.0.0.1:${b.backup}`,
  ].join('\n');
}

function nginxHttp(port: number, b: Backends, per: number, zone: boolean): string {
  return [
    '  upstream primary {',
    zone ? '    zone primary 64k;' : '',
    '    least_conn;',
    ...b.primaries.map((p) => `    server 127.0.0.1:${p} max_conns=${per};`),
    `    server 127.0.0.1:${b.backup} backup;`,
    '  }',
    `  server { listen 127.0.0.1:${port} backlog=4096; location / { proxy_pass http://primary; proxy_read_timeout 60s; } }`,
  ].join('\n');
}

/** The hub of the control plane and two managed agents × 2 workers sharing one limit. */
/** Until the hub's pool of `web` has `limit` and no revoke waits for an acknowledgement, twice in a row (the allowances settled). */
async function settled(hub: RunningHub, limit: number, what: string): Promise<void> {
  for (let t = 0, calm = 0; calm < 2; t++) {
    const q = await hub.quota('web');
    calm = q.limit === limit && Object.keys(q.pending ?? {}).length === 0 ? calm + 1 : 0;
    if (t > 500) throw new Error(`${what}: the hub's quota of web did not settle at ${limit} (${JSON.stringify(q)})`);
    await sleep(20);
  }
}

async function sharedLimit(b: Backends, sizes: Sizes, n = 2, dies = false): Promise<Running> {
  let hub: RunningHub | null = null;
  const agents: RunningAgent[] = [];
  const stop = async (): Promise<void> => {
    for (const a of agents) await a.stop().catch(() => {});
    await hub?.stop();
  };
  try {
    hub = await startHub({ heartbeatMs: 1_000 });
    const doc = spillwayDoc('shared', 2, b, sizes, sizes.limit, dies) as { agent?: unknown };
    delete doc.agent;
    await hub.setConfig('precision-1', doc);
    for (let i = 0; i < n; i++) agents.push(await startManagedAgent(`shared-${String.fromCharCode(97 + i)}`, hub.controlUrl, 2));
    const ports: number[] = [];
    for (const a of agents) {
      for (let t = 0; ; t++) {
        const st = (await a.stats()) as AgentStatsWithListeners;
        const q = st.vservers.web?.quota as { limit?: number } | null | undefined;
        if (st.listeners?.web && q?.limit) {
          ports.push(st.listeners.web);
          break;
        }
        if (t > 1500) throw new Error(`${a.proc.name} got no listener or allocation from the hub`);
        await sleep(20);
      }
    }
    // Every agent joined: wait for the rebalanced allowances to settle.
    const running = hub;
    await settled(running, sizes.limit, 'after the joins');
    const probe = async (): Promise<string> => {
      const parts = await Promise.all(
        agents.map(async (a) => {
          const v = ((await a.stats()) as AgentStatsWithListeners).vservers.web;
          const q = v?.quota as { limit?: number; engines?: Record<string, { exclusive: number; borrowed: number; owed: number }> } | null | undefined;
          const engines = Object.entries(q?.engines ?? {})
            .map(([e, x]) => `w${e} ${x.exclusive}+${x.borrowed}${x.owed ? `-${x.owed}` : ''}`)
            .join(' ');
          return `${a.proc.name}: ${v?.cx_active ?? '?'}/${q?.limit ?? '?'} (${engines})`;
        }),
      );
      return parts.join('; ');
    };
    // The row where a primary dies: before the middle burst primary-3 stops listening; once both
    // agents' monitors see it DOWN (and the quorum) the limit is 2 × L/3 and the allowances shrink.
    const before = async (i: number): Promise<number | undefined> => {
      if (!dies || i !== Math.floor(sizes.bursts / 2)) return undefined;
      await fetch(`http://127.0.0.1:${b.control}/kill?server=primary-3`, { method: 'POST' });
      const limit = (sizes.limit / sizes.servers) * (sizes.servers - 1);
      await settled(running, limit, 'after primary-3 died');
      return limit;
    };
    const stopAll = async (): Promise<void> => {
      await stop();
      if (dies) await fetch(`http://127.0.0.1:${b.control}/revive?server=primary-3`, { method: 'POST' });
    };
    return { ports, stop: stopAll, probe, before };
  } catch (err) {
    await stop();
    throw err;
  }
}

type AgentStatsWithListeners = Awaited<ReturnType<RunningAgent['stats']>> & { listeners?: Record<string, number> };

async function control(b: Backends, what: 'reset' | 'events'): Promise<{ primaryActive: number; events: HoldEvent[] }> {
  const res = await fetch(`http://127.0.0.1:${b.control}/${what}`, { method: what === 'reset' ? 'POST' : 'GET' });
  return res.json() as Promise<{ primaryActive: number; events: HoldEvent[] }>;
}

function counts(total: number, split: number[]): number[] {
  const c = split.map((s) => Math.floor(total * s));
  c[0]! += total - c.reduce((a, x) => a + x, 0);
  return c;
}

async function measure(c: Contender, b: Backends, sizes: Sizes, dir: string): Promise<ContenderResult> {
  const result: ContenderResult = {
    name: c.name,
    setup: c.setup,
    split: c.split.map((s) => `${Math.round(s * 100)}%`).join(' / '),
    bursts: [],
    probes: [],
    limits: [],
  };
  let running: Running | null = null;
  try {
    running = await c.start(dir);
    let limit = sizes.limit;
    for (let i = 0; i < sizes.bursts; i++) {
      limit = (await running.before?.(i)) ?? limit;
      for (let t = 0; (await control(b, 'events')).primaryActive > 0; t++) {
        if (t > 200) throw new Error('the primaries still hold requests from the previous burst');
        await sleep(50);
      }
      await control(b, 'reset');
      const probe = running.probe;
      const probed = probe ? sleep(sizes.holdMs * 0.6).then(() => probe().catch((err: unknown) => `probe failed: ${(err as Error).message}`)) : null;
      const outcomes = await burst(running.ports, counts(sizes.burst, c.split), sizes.holdMs + 60_000);
      const { events } = await control(b, 'events');
      const p = precision(events, outcomes, limit, sizes.holdMs);
      result.bursts.push(p);
      result.limits.push(limit);
      const seen = (await probed) ?? '';
      result.probes.push(seen);
      if (process.env.SPILLOVER_VERBOSE) {
        const late = outcomes
          .filter((o) => o.backend === 'backup')
          .map((o) => Math.round(o.ms - sizes.holdMs))
          .sort((x, y) => x - y);
        const q = (f: number): number => late[Math.min(late.length - 1, Math.floor(f * late.length))] ?? 0;
        process.stderr.write(`${c.name} #${i + 1}: ${JSON.stringify(p)} spills late by p50 ${q(0.5)} p90 ${q(0.9)} max ${q(1)} ms; ${seen}\n`);
      }
      await sleep(200);
    }
  } catch (err) {
    result.error = (err as Error).message.split('\n')[0];
  } finally {
    await running?.stop().catch(() => {});
  }
  return result;
}

/**
 * Options for iterating (not in `npm run bench`): `--bursts N` bursts a row, `--only a,b` only the
 * rows whose name contains one of the words (case-insensitive), `--row NAME` (repeatable) only the
 * row of that exact name (case-insensitive; row names hold commas, and a word of one can be in
 * another row's name: "2 agents × 2 workers (skewed)" is also in the static split's).
 */
export function iterationOptions(argv = process.argv.slice(2)): { bursts?: number; only?: string[]; rows?: string[] } {
  const at = (flag: string): string | undefined => argValue(flag, argv);
  const bursts = Number(at('--bursts'));
  const only = at('--only');
  const rows = argv.flatMap((a, i) => (a === '--row' && argv[i + 1] !== undefined ? [argv[i + 1]!.toLowerCase()] : []));
  return {
    ...(Number.isInteger(bursts) && bursts > 0 ? { bursts } : {}),
    ...(only ? { only: only.toLowerCase().split(',') } : {}),
    ...(rows.length ? { rows } : {}),
  };
}

/** Whether the contender named `name` runs under `--only` / `--row` (neither: every one). */
export function selected(name: string, opts: { only?: string[]; rows?: string[] }): boolean {
  const n = name.toLowerCase();
  if (opts.rows && !opts.rows.includes(n)) return false;
  return !opts.only || opts.only.some((w) => n.includes(w));
}

export async function spilloverBench(opts: BenchOptions & { bursts?: number; only?: string[]; rows?: string[] }): Promise<BenchResult> {
  const sizes: Sizes = opts.smoke
    ? { limit: 6, servers: 3, burst: 20, holdMs: 400, bursts: 1 }
    : { limit: 30, servers: 3, burst: 100, holdMs: 1500, bursts: opts.bursts ?? 10 };
  const per = sizes.limit / sizes.servers;
  const [haproxy, nginx] = [await findPeer('haproxy', opts), await findPeer('nginx', opts)];
  const skipped: string[] = [];
  if (!haproxy.path) skipped.push(`HAProxy: ${haproxy.missingReason}`);
  if (!nginx.path) skipped.push(`nginx: ${nginx.missingReason}`);

  const dir = tempDir('spillover');
  const backendsProc = startProcess('hold backends', tsx, [
    path.join(here, 'lib', 'hold-backends-main.ts'),
    JSON.stringify({ primaries: sizes.servers, holdMs: sizes.holdMs }),
  ]);
  const results: ContenderResult[] = [];
  try {
    const b = JSON.parse(await backendsProc.waitForLine((l) => l.startsWith('{"ready":true'))) as Backends;
    // At smoke size only the variants the smoke test looks at, to stay well under 30 s.
    const splits = [
      { label: 'even', split: [0.5, 0.5] },
      { label: 'skewed', split: [0.9, 0.1] },
    ];
    const contenders: Contender[] = [
      {
        name: 'Spillway, 1 agent × 2 workers',
        setup: `connection threshold ${sizes.limit}, leastconn, backup vserver`,
        split: [1],
        start: async (d) => {
          const a = await startAgent(d, 'precision', spillwayDoc('precision', 2, b, sizes, sizes.limit));
          return { ports: [a.ports.web!], stop: () => a.stop() };
        },
      },
      ...splits
        .filter((x) => !opts.smoke || x.label === 'even')
        .map(({ label, split }): Contender => ({
          name: `Spillway, 2 agents × 2 workers (${label})`,
          setup: `agent hub + 2 managed agents sharing connection threshold ${sizes.limit}`,
          split,
          start: () => sharedLimit(b, sizes),
        })),
      // Five agents (not at smoke size): the last uses must find the agent whose connections wait.
      ...(opts.smoke
        ? []
        : [
            { label: 'even', split: [0.2, 0.2, 0.2, 0.2, 0.2] },
            { label: 'skewed', split: [0.9, 0.025, 0.025, 0.025, 0.025] },
          ]
      ).map(({ label, split }): Contender => ({
        name: `Spillway, 5 agents × 2 workers (${label})`,
        setup: `agent hub + 5 managed agents sharing connection threshold ${sizes.limit}`,
        split,
        start: () => sharedLimit(b, sizes, 5),
      })),
      // A primary dies in the middle of the bursts (not at smoke size): the limit drops under the agents.
      ...(opts.smoke
        ? []
        : [
            {
              name: 'Spillway, 2 agents × 2 workers, a primary dies mid-bursts (skewed)',
              setup: `agent hub + 2 managed agents, dynamicconnection over ${sizes.servers} primaries × ${per} (TCP monitors every 200 ms); primary-3 dies before burst ${Math.floor(sizes.bursts / 2) + 1}: limit ${sizes.limit} → ${per * (sizes.servers - 1)}`,
              split: [0.9, 0.1],
              start: () => sharedLimit(b, sizes, 2, true),
            } satisfies Contender,
          ]),
      ...splits
        .filter((x) => !opts.smoke || x.label === 'skewed')
        .map(({ label, split }): Contender => ({
          name: `static split, 2 agents × 2 workers (${label})`,
          setup: `each agent: connection threshold ${sizes.limit / 2} (L/N)`,
          split,
          start: async (d) => {
            const a = await startAgent(d, 'split-a', spillwayDoc('split-a', 2, b, sizes, sizes.limit / 2));
            const z = await startAgent(d, 'split-b', spillwayDoc('split-b', 2, b, sizes, sizes.limit / 2)).catch(async (err: Error) => {
              await a.stop();
              throw err;
            });
            return {
              ports: [a.ports.web!, z.ports.web!],
              stop: async () => {
                await a.stop();
                await z.stop();
              },
            };
          },
        })),
    ];
    if (haproxy.path) {
      const bin = haproxy.path;
      contenders.push({
        name: 'HAProxy, nbthread 2',
        setup: `servers maxconn ${per} ×${sizes.servers}, use_backend overflow if { be_conn_free(primary) lt 1 }`,
        split: [1],
        start: async (d) => {
          const port = await freePort();
          const p = await startHaproxy(bin, d, { nbthread: 2, ports: [port], sections: haproxySections(port, b, per) });
          return { ports: [port], stop: () => p.stop() };
        },
      });
    }
    if (nginx.path) {
      const bin = nginx.path;
      for (const zone of [true, false]) {
        contenders.push({
          name: `nginx, 2 workers${zone ? ', shared zone' : ', no zone'}`,
          setup: `max_conns=${per} ×${sizes.servers} + backup server, least_conn`,
          split: [1],
          start: async (d) => {
            const port = await freePort();
            const p = await startNginx(bin, d, { workers: 2, ports: [port], http: nginxHttp(port, b, per, zone) });
            return { ports: [port], stop: () => p.stop() };
          },
        });
      }
    }
    for (const c of contenders) if (selected(c.name, opts)) results.push(await measure(c, b, sizes, dir.path));
  } finally {
    await backendsProc.stop();
    dir.remove();
  }

  const rows: Row[] = results.map((r) => {
    const sum = (k: keyof Precision): number => r.bursts.reduce((a, x) => a + x[k], 0);
    const range = (k: keyof Precision): string => {
      if (r.bursts.length === 0) return '—';
      const v = r.bursts.map((x) => x[k]);
      return Math.min(...v) === Math.max(...v) ? String(v[0]) : `${Math.min(...v)}-${Math.max(...v)}`;
    };
    const total = r.bursts.length * sizes.burst;
    return {
      contender: r.name,
      'burst split': r.split,
      bursts: r.bursts.length,
      'max on primaries': r.bursts.length ? Math.max(...r.bursts.map((x) => x.maxPrimary)) : null,
      'overshoot (max)': r.bursts.length ? Math.max(...r.bursts.map((x) => x.overshoot)) : null,
      'room never used (max)': r.bursts.length
        ? Math.max(...r.bursts.map((x, i) => (x.toBackup > 0 ? Math.max(0, (r.limits[i] ?? sizes.limit) - x.maxPrimary) : 0)))
        : null,
      'to primaries': range('toPrimary'),
      'to backup': range('toBackup'),
      'early spills': r.bursts.length ? `${sum('earlySpills')} (${((100 * sum('earlySpills')) / total).toFixed(1)}%)` : null,
      queued: r.bursts.length ? sum('queued') : null,
      failed: r.error ? `error: ${r.error}` : sum('failed'),
    };
  });
  return {
    name: 'spillover',
    conditions: [
      `limit L = ${sizes.limit} (${sizes.servers} primary servers × ${per}); one backup server; bursts of ${sizes.burst} concurrent requests, each on a new connection, held ${sizes.holdMs} ms by the backend; ${sizes.bursts} burst(s) per contender`,
      "backends: one node process, separate from the load generator, recording every arrival and release in order with the primaries' held count",
      'early spill: a request reached the backup while the primaries held fewer than L, and still did 100 ms later (the grace absorbs arrival reordering between backends and hand-off delays inside a proxy; requests are held far longer); room never used = L − most held, in a burst that spilled: spills that were early whatever the order',
      `queued: answered later than hold + 500 ms; peers: ${[haproxy.version, nginx.version].filter(Boolean).join(', ') || 'none installed'}`,
      'Spillway, 2 and 5 agents: the agent hub of apps/control-plane (its Fastify plugin in its own process, without REST API/Postgres) serves the config and the global quota to 2 (or 5) managed agents × 2 workers; skewed = 90% of the burst to one agent, the rest split evenly',
      'static split: the naive alternative to a shared limit: two standalone agents with L/2 each; skewed = 90% of the burst to one agent',
    ],
    tables: [{ title: `Spillover precision (L = ${sizes.limit}, burst ${sizes.burst})`, rows }],
    skipped,
    data: { sizes, results },
  };
}

runIfMain(import.meta.url, (opts) => spilloverBench({ ...opts, ...iterationOptions() }));
