// Benchmark 4: control plane. API requests/s on the routes that exist (the agent hub's reads:
// GET /v1/agents, GET /v1/vservers/{name}/status) with simulated agents connected; config apply
// time through the hub. PUT /v1/config of 1,000 vservers and 10,000 services (and its dryRun
// plan) needs the REST API with Postgres, which is not in the tree yet: reported as not measured.
import { existsSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { SimulatedAgent } from '@spillway/protocol';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { startHub } from './lib/hub.js';
import { repoRoot } from './lib/results.js';
import { summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

/** A document of `vservers` vservers with `perVserver` services each (TCP, dynamicconnection). */
export function largeConfig(vservers: number, perVserver: number): object {
  const services: object[] = [];
  const vs: object[] = [];
  for (let v = 0; v < vservers; v++) {
    const names: string[] = [];
    for (let s = 0; s < perVserver; s++) {
      const name = `svc-${v}-${s}`;
      names.push(name);
      services.push({ name, address: `10.${(v >> 8) & 255}.${v & 255}.${s + 1}`, port: 8080, protocol: 'tcp', capacity: 100, weight: 1, state: 'enabled', monitors: [] });
    }
    vs.push({ name: `vs-${v}`, protocol: 'tcp', listen: null, lbMethod: 'leastconn', services: names.map((service) => ({ service })), spillover: { methods: [{ type: 'dynamicconnection' }], combine: 'any', action: 'drop' } });
  }
  return { services, monitors: [], vservers: vs };
}

export async function controlPlaneBench(opts: BenchOptions): Promise<BenchResult> {
  const sizes = opts.smoke
    ? { agents: 2, durationS: 1, connections: 10, vservers: 10, perVserver: 10, applies: 2 }
    : { agents: 10, durationS: 5, connections: 50, vservers: 1_000, perVserver: 10, applies: 5 };
  const skipped: string[] = [
    `PUT /v1/config of ${sizes.vservers.toLocaleString('en-US')} vservers and ${(sizes.vservers * sizes.perVserver).toLocaleString('en-US')} services through the REST API and Postgres, its dryRun plan, and API writes/s: ${existsSync(path.join(repoRoot, 'apps', 'control-plane', 'src', 'server.ts')) ? 'apps/control-plane/src/server.ts appeared after this benchmark was written; it is not driven yet' : 'the control plane\'s REST API and Postgres store (apps/control-plane/src/server.ts) are not in the tree yet'}`,
  ];
  const hub = await startHub({ heartbeatMs: 1_000 });
  const sims: SimulatedAgent[] = [];
  const rows: Row[] = [];
  const applyRows: Row[] = [];
  try {
    for (let i = 0; i < sizes.agents; i++) sims.push(await SimulatedAgent.start({ url: hub.controlUrl, token: `tok-sim-${i}`, name: `sim-${i}` }));
    const big = largeConfig(sizes.vservers, sizes.perVserver);
    const apply: number[] = [];
    for (let i = 0; i < sizes.applies; i++) apply.push((await hub.setConfig(`big-${i}`, big)).ms);
    const s = summarize(apply);
    applyRows.push({
      step: `hub serves a ${sizes.vservers.toLocaleString('en-US')}-vserver / ${(sizes.vservers * sizes.perVserver).toLocaleString('en-US')}-service snapshot → ACKed by ${sizes.agents} simulated agents`,
      trials: s.n, 'p50 ms': s.p50, 'max ms': s.max,
    });
    const base = `http://127.0.0.1:${hub.port}`;
    for (const route of ['/v1/agents', `/v1/vservers/vs-0/status`]) {
      const r = await autocannon({ url: `${base}${route}`, connections: sizes.connections, duration: sizes.durationS });
      rows.push({ route: `GET ${route}`, 'rq/s': r.requests.average, 'p50 ms': r.latency.p50, 'p99 ms': r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts });
    }
  } finally {
    await Promise.all(sims.map((x) => x.close().catch(() => {})));
    await hub.stop();
  }
  return {
    name: 'control-plane',
    conditions: [
      `the agent hub of apps/control-plane (Fastify plugin) in its own process with ${sizes.agents} simulated agents connected; config of ${sizes.vservers} vservers × ${sizes.perVserver} services (listen: null, no monitors)`,
      `reads: autocannon 8 in the harness process, ${sizes.connections} connections, ${sizes.durationS} s per route`,
    ],
    tables: [{ title: 'Control plane: API reads', rows }, { title: 'Control plane: large config through the hub', rows: applyRows }],
    skipped,
    data: { sizes, rows, applyRows },
  };
}

runIfMain(import.meta.url, controlPlaneBench);
