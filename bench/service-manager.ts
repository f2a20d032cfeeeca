// Benchmark: the service manager's round trip (issue 16 item 1). The control plane as it ships
// (apps/control-plane/src/server.ts on a fresh embedded Postgres: the global persistence table is
// read on every miss and written behind) with 2 and 10 agents speaking the protocol
// (SimulatedAgent, in this process), each reporting its connections every second. Each agent asks
// `select` for new clients back to back (every agent at once), timed from the send to the
// `instruction`: new clients (the balancer over the view across agents, a Postgres read on the
// way) and known clients (another agent's client: the global table in memory). Next to it, local
// selection as an agent does it without the manager: its balancer over the candidates (core's
// createBalancer, leastconn) and, for a client it knows, the lookup of its agent-wide table.
import { performance } from 'node:perf_hooks';
import { createBalancer, PersistenceTable, type Candidate } from '@spillway/core';
import { SimulatedAgent, type Instruction } from '@spillway/protocol';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { connectSimulated, startControlPlane } from './lib/control-plane.js';
import { startHub } from './lib/hub.js';
import { freePort } from './lib/proc.js';
import { machine } from './lib/results.js';
import { summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

const SERVICES = 4;

const document = (port: number) => ({
  services: Array.from({ length: SERVICES }, (_, i) => ({ name: `s-${i}`, address: '127.0.0.1', port: 9000 + i, protocol: 'tcp', capacity: 100_000 })),
  monitors: [],
  vservers: [
    {
      name: 'sm',
      protocol: 'tcp',
      listen: { port },
      lbMethod: 'leastconn',
      selection: 'manager',
      persistence: { type: 'sourceip', timeoutSeconds: 3600 },
      services: Array.from({ length: SERVICES }, (_, i) => ({ service: `s-${i}` })),
      spillover: { methods: [], action: 'drop' },
    },
  ],
});

let nextId = 1;
/** One select of `key` through `a`: its round trip (ms) and the answer. */
async function ask(a: SimulatedAgent, key: string): Promise<{ ms: number; answer: Instruction }> {
  const id = nextId++;
  const answered = a.client.waitFor('instruction', (m) => m.id === id);
  const t0 = performance.now();
  a.client.send({ type: 'select', id, vserver: 'sm', key });
  const answer = await answered;
  return { ms: performance.now() - t0, answer };
}

/** Every agent asks for `perAgent` keys back to back, all agents at once; the round trips. */
async function round(sims: SimulatedAgent[], perAgent: number, key: (agent: number, i: number) => string): Promise<number[]> {
  const all: number[] = [];
  await Promise.all(
    sims.map(async (a, ai) => {
      for (let i = 0; i < perAgent; i++) {
        const r = await ask(a, key(ai, i));
        if (r.answer.service === null) throw new Error(`no service for ${key(ai, i)}`);
        all.push(r.ms);
      }
    }),
  );
  return all;
}

/** Local selection: the balancer an agent runs (leastconn over the bound services), and its table lookup for a known client, in µs per call. */
function localSelection(n: number): { pickUs: number[]; hitUs: number[] } {
  const balancer = createBalancer('leastconn');
  const cands: Candidate[] = Array.from({ length: SERVICES }, (_, i) => ({ name: `s-${i}`, weight: 1, active: i, capacity: 0, available: true }));
  const table = new PersistenceTable();
  const pickUs: number[] = [];
  const hitUs: number[] = [];
  // Batches of 100 calls (one call is below the timer's resolution).
  for (let b = 0; b < n; b++) {
    let t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const key = `10.${b & 255}.${i}.1`;
      const s = balancer.pick(cands, key)!;
      table.set(key, s, 3_600_000);
      cands[Number(s.slice(2))]!.active++;
    }
    pickUs.push(((performance.now() - t0) * 1000) / 100);
    t0 = performance.now();
    for (let i = 0; i < 100; i++) table.get(`10.${b & 255}.${i}.1`);
    hitUs.push(((performance.now() - t0) * 1000) / 100);
  }
  return { pickUs, hitUs };
}

type PerAgent = Record<2 | 10, number>;

/** The rounds with 2 and 10 agents connected by `connect`: rows labelled `label`. */
async function measure(
  label: string,
  perAgent: PerAgent,
  connect: (n: number) => Promise<SimulatedAgent[]>,
  rows: Row[],
  data: Record<string, unknown>,
): Promise<void> {
  let offset = 0;
  for (const n of [2, 10] as const) {
    const sims = await connect(n);
    try {
      await Promise.all(sims.map((s) => until(() => s.appliedVersion !== null)));
      // Connections reported, as agents do every second (the manager reads them).
      const reporter = setInterval(() => {
        for (const [i, s] of sims.entries())
          s.report({}, Object.fromEntries(Array.from({ length: SERVICES }, (_, k) => [`s-${k}`, { cxActive: (i + k) % 5, cxTotal: 0, state: 'UP' as const }])));
      }, 1_000);
      try {
        const base = offset;
        offset += n * perAgent[n];
        const keyOf = (agent: number, i: number): string => `c${base + agent * perAgent[n] + i}`;
        // Warm-up: the first queries of a fresh process (Prisma, the JIT) are not what the figures are about.
        await round(sims, Math.min(20, perAgent[n]), (a, i) => `warm-${n}-${a}-${i}`);
        const fresh = summarize(await round(sims, perAgent[n], keyOf));
        // Known clients: each agent asks for the clients the next agent placed (the global table in memory).
        const known = summarize(await round(sims, perAgent[n], (a, i) => keyOf((a + 1) % n, i)));
        data[`${label}-agents${n}`] = { fresh, known };
        rows.push(
          { selection: `${label}, ${n} agents: new client`, n: fresh.n, 'p50 ms': fresh.p50, 'p99 ms': fresh.p99, 'max ms': fresh.max },
          { selection: `${label}, ${n} agents: known client (another agent's)`, n: known.n, 'p50 ms': known.p50, 'p99 ms': known.p99, 'max ms': known.max },
        );
      } finally {
        clearInterval(reporter);
      }
    } finally {
      await Promise.all(sims.map((s) => s.close().catch(() => undefined)));
    }
  }
}

export async function serviceManagerBench(opts: BenchOptions): Promise<BenchResult> {
  const perAgent: PerAgent = opts.smoke ? { 2: 20, 10: 5 } : { 2: 1000, 10: 200 };
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  const cp = await startControlPlane({ databaseUrl: opts.databaseUrl });
  try {
    await cp.call('PUT', '/v1/config', document(await freePort()));
    await measure('manager', perAgent, (n) => connectSimulated(cp, n, `sm${n}`), rows, data);
  } finally {
    await cp.stop();
  }
  // Baseline: the hub alone (its plugin in its own process), the manager's table in memory only.
  const hub = await startHub();
  try {
    await hub.setConfig('1', document(await freePort()));
    await measure(
      'hub alone (no Postgres)',
      perAgent,
      (n) => Promise.all(Array.from({ length: n }, (_, i) => SimulatedAgent.start({ url: hub.controlUrl, token: `tok-hub${n}-${i}`, name: `hub${n}-${i}` }))),
      rows,
      data,
    );
  } finally {
    await hub.stop();
  }
  const local = localSelection(opts.smoke ? 10 : 2_000);
  const pick = summarize(local.pickUs);
  const hit = summarize(local.hitUs);
  data.local = { pickUs: pick, hitUs: hit };
  rows.push(
    {
      selection: 'local: balancer pick (leastconn, 4 services) + table write',
      n: pick.n * 100,
      'p50 ms': pick.p50 / 1000,
      'p99 ms': pick.p99 / 1000,
      'max ms': pick.max / 1000,
    },
    {
      selection: 'local: known client (agent-wide table lookup, no IPC)',
      n: hit.n * 100,
      'p50 ms': hit.p50 / 1000,
      'p99 ms': hit.p99 / 1000,
      'max ms': hit.max / 1000,
    },
  );
  const m = machine();
  return {
    name: 'service-manager',
    conditions: [
      `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.kernel}, Node ${m.node}`,
      `control plane: apps/control-plane/src/server.ts in its own process, ${opts.databaseUrl ? 'on a database the caller gave' : 'on a fresh embedded Postgres (fsync on)'}; agents: SimulatedAgent (@spillway/protocol) in the harness process, each reporting its connections every second`,
      `vserver: 4 TCP services, leastconn, selection: manager, sourceip persistence 3600 s; every agent asks select back to back, all agents at once (${perAgent[2]} per agent with 2 agents, ${perAgent[10]} with 10), after 20 warm-up questions each; round trip = send → instruction on the harness clock`,
      'new client: not in the global table (a Postgres read on the miss, batched per event-loop turn; the balancer over the view across agents; the write behind); known client: placed through another agent (the table in memory)',
      'hub alone (baseline): the agent hub plugin in its own process (bench/lib/hub-main.ts), no REST API, no Postgres: the manager with its table in memory only',
      "local: what an agent does without the manager, in-process (core's balancer pick and PersistenceTable, per call, batches of 100); a known client of a selection: manager vserver costs the same table lookup (no IPC)",
    ],
    tables: [{ title: 'Selection round trip', rows }],
    skipped: [],
    data,
  };
}

async function until(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('simulated agent did not apply the config');
    await new Promise((r) => setTimeout(r, 10));
  }
}

runIfMain(import.meta.url, serviceManagerBench);
