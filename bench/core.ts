// Benchmark 5: the spillover engine itself (@spillway/core), in one process: decisions/s through
// decide() on a 3-vserver chain, acquire+release/s through the QuotaPool, and a plain counter
// increment measured in the same run as the baseline, so every figure is also a ratio.
import {
  createBalancer,
  decide,
  PersistenceTable,
  persistenceKey,
  QuotaPool,
  resolveChain,
  type Candidate,
  type ChainVServer,
  type LiveState,
  type ServiceStatus,
} from '@spillway/core';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { median } from './lib/stats.js';
import type { Row } from './lib/table.js';

interface Measure {
  name: string;
  detail: string;
  run: (n: number) => number;
}

/** Runs `m` in rounds of `batch` operations for `ms`; returns operations per second. */
function opsPerSecond(m: Measure, ms: number, batch: number): number {
  let ops = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < until) {
    sink += m.run(batch);
    ops += batch;
    now = process.hrtime.bigint();
  }
  if (sink === Number.MIN_SAFE_INTEGER) process.stdout.write(''); // keeps `sink` alive
  return ops / (Number(now - start) / 1e9);
}

const service = (name: string, capacity: number, up = true): ServiceStatus => ({ name, capacity, weight: 1, state: 'enabled', up });

/** web (4 × 250, dynamicconnection + bandwidth) → web-overflow (2 × 100) → web-dr (health 50%, accept). */
export function chainFixture(): { chain: ChainVServer[]; live: Map<string, LiveState> } {
  const vservers: ChainVServer[] = [
    {
      name: 'web',
      protocol: 'http',
      spillover: {
        methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 400_000, direction: 'both' }],
        combine: 'any',
        backup: 'web-overflow',
        action: 'redirect',
        redirectUrl: 'https://status.example.com/busy',
      },
    },
    { name: 'web-overflow', protocol: 'http', spillover: { methods: [{ type: 'dynamicconnection' }], backup: 'web-dr', action: 'drop' } },
    { name: 'web-dr', protocol: 'http', spillover: { methods: [{ type: 'health', thresholdPercent: 50 }], action: 'accept' } },
  ];
  const live = new Map<string, LiveState>([
    // The entry is full: every decision walks to the backup (the longer path).
    [
      'web',
      { activeConnections: 1000, services: [service('w1', 250), service('w2', 250), service('w3', 250), service('w4', 250)], kbps: { in: 1200, out: 56_000 } },
    ],
    ['web-overflow', { activeConnections: 37, services: [service('o1', 100), service('o2', 100)] }],
    ['web-dr', { activeConnections: 0, services: [service('d1', 10)] }],
  ]);
  return { chain: resolveChain('web', vservers), live };
}

export function measures(): Measure[] {
  // Baseline: a counter increment through an object field (what a naive connection counter does).
  const counter = { n: 0 };
  const baseline: Measure = {
    name: 'counter increment (baseline)',
    detail: 'obj.n++',
    run: (n) => {
      for (let i = 0; i < n; i++) counter.n++;
      return counter.n;
    },
  };

  const { chain, live } = chainFixture();
  const table = new PersistenceTable<string>(() => 0);
  const clients = Array.from({ length: 1024 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  // A quarter of the clients persist on the backup that served them.
  for (let i = 0; i < clients.length; i += 4) table.set(persistenceKey('web', clients[i]!), 'web-overflow', 3_600_000);
  let c = 0;
  const decideWalk: Measure = {
    name: 'decide (3-vserver chain)',
    detail: 'entry full → backup; ¼ of clients persisted',
    run: (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const d = decide(clients[c++ & 1023]!, chain, live, table, 1);
        k += d.path.length;
      }
      return k;
    },
  };

  const pool = new QuotaPool<number>({ limit: 1000, engines: [0, 1, 2, 3] });
  // Hold 150 uses per engine so acquire/release run around a steady state, not at zero.
  for (let e = 0; e < 4; e++) for (let i = 0; i < 150; i++) pool.acquire(e);
  let e = 0;
  const exclusive: Measure = {
    name: 'QuotaPool acquire + release',
    detail: 'within the exclusive share (4 engines, L = 1000)',
    run: (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const r = pool.acquire(e);
        if (r.granted) {
          k++;
          pool.release(e);
        }
        e = (e + 1) & 3;
      }
      return k;
    },
  };

  const tight = new QuotaPool<number>({ limit: 1000, engines: [0, 1, 2, 3] });
  for (let x = 0; x < 200; x++) tight.acquire(0); // engine 0 at its exclusive share: every extra use borrows
  const borrowing: Measure = {
    name: 'QuotaPool acquire + release (borrowing)',
    detail: 'past the exclusive share: a batch (20) borrowed and returned',
    run: (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 20; j++) if (tight.acquire(0).granted) k++;
        for (let j = 0; j < 20; j++) tight.release(0);
      }
      return k;
    },
  };

  const lb = createBalancer('leastconn');
  const candidates: Candidate[] = Array.from({ length: 8 }, (_, i) => ({
    name: `s${i}`,
    weight: 1 + (i % 3),
    active: i * 7,
    capacity: 100,
    available: i !== 3,
  }));
  const balance: Measure = {
    name: 'leastconn pick (8 services)',
    detail: 'one service DOWN',
    run: (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) if (lb.pick(candidates) !== null) k++;
      return k;
    },
  };

  return [baseline, decideWalk, exclusive, borrowing, balance];
}

export async function coreBench(opts: BenchOptions): Promise<BenchResult> {
  const sizes = opts.smoke ? { passes: 1, ms: 50, warmMs: 20 } : { passes: 5, ms: 1000, warmMs: 300 };
  const all = measures();
  // The borrowing measure runs 20 acquire+release pairs per operation: count pairs.
  const pairsPerOp = (m: Measure): number => (m.name.includes('borrowing') ? 20 : 1);
  const perPass = new Map<string, number[]>(all.map((m) => [m.name, []]));
  for (const m of all) opsPerSecond(m, sizes.warmMs, 1000);
  // Passes interleave the measures, so load from other processes hits them alike.
  for (let p = 0; p < sizes.passes; p++)
    for (const m of all) perPass.get(m.name)!.push(opsPerSecond(m, sizes.ms, m.name.includes('borrowing') ? 50 : 1000) * pairsPerOp(m));
  const rate = new Map(all.map((m) => [m.name, median(perPass.get(m.name)!)]));
  const base = rate.get(all[0]!.name)!;
  const rows: Row[] = all.map((m) => {
    const r = rate.get(m.name)!;
    return { operation: m.name, detail: m.detail, 'ops/s': Math.round(r), 'ns/op': 1e9 / r, 'baseline / op': base / r };
  });
  return {
    name: 'core',
    conditions: [
      `one process (Node ${process.version}), no I/O; each figure the median of ${sizes.passes} pass(es) of ${sizes.ms} ms after a ${sizes.warmMs} ms warm-up; passes interleave the operations`,
      'baseline: a counter increment in the same run; "baseline / op" = how many increments one operation costs (lower is cheaper)',
      'decide: chain web (dynamicconnection + bandwidth, full) → web-overflow (dynamicconnection) → web-dr (health); 1,024 clients, a quarter persisted; acquire+release: QuotaPool with 4 engines and L = 1000, 150 uses held per engine',
    ],
    tables: [{ title: 'Core: operations per second', rows }],
    skipped: [],
    data: { sizes, perPass: Object.fromEntries(perPass), medians: Object.fromEntries(rate) },
  };
}

runIfMain(import.meta.url, coreBench);
