// Admission's cost per connection, measured inside the agent's worker. The compiled agent (1 worker,
// pinned to core 0) runs under `node --cpu-prof` (its workers inherit the flags through
// process.execArgv; NODE_OPTIONS refuses --cpu-prof) with two vservers on one service: `web`
// without spillover method and `web-dc` with dynamicconnection (threshold = the service's capacity,
// never reached, as proxy.ts). Each agent start loads one of them from wrk on core 1 (a new
// connection per request, then keep-alive), rounds alternating the vservers. The figure is the
// share of the worker's busy samples whose stack holds a frame of admission (the agent's
// admission.ts and quota-worker.ts, core's admission.ts), and that time per request. A share of one
// process's own samples is not moved by host steal or other work the way a ratio of two CPU-time
// measurements is (cpu-per-request.ts --dynamicconnection: ±20% a round on a loaded host). The
// profiler adds its own cost to every µs figure: compare the shares.
// `--rounds N` (default 2), `--duration S` (seconds of load per measurement, default 10).
// Not in `npm run bench` (run it alone).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentMain } from './lib/agent.js';
import { agentDoc } from './cpu-per-request.js';
import { argValue, runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { startHttpBackend } from './lib/http-backend.js';
import { httpLoad } from './lib/load.js';
import { findPeer } from './lib/peers.js';
import { tempDir } from './lib/peer-config.js';
import { pinned, startProcess } from './lib/proc.js';
import { median } from './lib/stats.js';
import type { Row } from './lib/table.js';

/** Where admission's code lives in the build the agent runs. */
const ADMISSION_FILES = ['/apps/agent/dist/admission.js', '/apps/agent/dist/quota-worker.js', '/packages/core/dist/admission.js'];

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** µs of the profile's busy samples (not idle), and of those with an admission frame on their stack. */
export function admissionTime(p: CpuProfile, files: readonly string[] = ADMISSION_FILES): { busyUs: number; admissionUs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, boolean>();
  const under = (id: number): boolean => {
    let hit = memo.get(id);
    if (hit === undefined) {
      const url = byId.get(id)?.callFrame.url ?? '';
      const up = parent.get(id);
      hit = files.some((f) => url.endsWith(f)) || (up !== undefined && under(up));
      memo.set(id, hit);
    }
    return hit;
  };
  let busyUs = 0;
  let admissionUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    busyUs += dt;
    if (under(id)) admissionUs += dt;
  }
  return { busyUs, admissionUs };
}

interface Sample {
  vserver: string;
  load: string;
  requests: number;
  busyUs: number;
  admissionUs: number;
}

export async function admissionProfileBench(opts: BenchOptions): Promise<BenchResult> {
  const rounds = opts.smoke ? 1 : Number(argValue('--rounds') ?? 2);
  const durationS = opts.smoke ? 1 : Number(argValue('--duration') ?? 10);
  const [proxyCpus, loadCpus] = os.availableParallelism() >= 2 ? ['0', '1'] : [undefined, undefined];
  const peers = { wrk: await findPeer('wrk', opts), nginx: await findPeer('nginx', opts) };
  const dir = tempDir('admission-profile');
  const samples: Sample[] = [];
  const loads = [
    { key: 'new connection', connections: 10, closeEachRequest: true },
    { key: 'keep-alive', connections: 50, closeEachRequest: false },
  ];
  try {
    const backend = await startHttpBackend(peers.nginx, dir.path, loadCpus);
    try {
      const config = path.join(dir.path, 'agent.json');
      writeFileSync(config, JSON.stringify(agentDoc('admission-profile', backend.port, 1, true)));
      for (let round = 0; round < rounds; round++)
        for (const l of loads)
          for (const vserver of round % 2 === 1 ? ['web', 'web-dc'] : ['web-dc', 'web']) {
            const profiles = path.join(dir.path, `${vserver}-${l.key.replace(' ', '-')}-${round}`);
            const nodeArgs = [
              '--cpu-prof',
              `--cpu-prof-dir=${profiles}`,
              '--cpu-prof-interval=100',
              '--conditions=spillway-dist',
              agentMain,
              '--config',
              config,
            ];
            const agent = startProcess(`agent (${vserver})`, ...pinned(proxyCpus, process.execPath, nodeArgs), {
              env: { SPILLWAY_AGENT_ADMIN_PORT: '0', SPILLWAY_LOG_LEVEL: 'warn', SPILLWAY_AGENT_NAME: 'admission-profile' },
            });
            let requests = 0;
            try {
              const ready = JSON.parse(await agent.waitForLine((line) => line.startsWith('{"ready":true'), 60_000)) as { listeners: Record<string, number> };
              const url = `http://127.0.0.1:${ready.listeners[vserver]}/`;
              // Warm-up (JIT, upstream pool), then the measurement; the profile holds both.
              for (const s of opts.smoke ? [durationS] : [2, durationS])
                requests += (
                  await httpLoad(url, { connections: l.connections, durationS: s, closeEachRequest: l.closeEachRequest, cpus: loadCpus }, peers.wrk.path)
                ).requests;
            } finally {
              await agent.stop();
            }
            // The primary's profile is named by its pid (taskset execs node); the worker's is the other one.
            const files = readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile') && !f.includes(`.${agent.child.pid}.`));
            if (files.length !== 1) throw new Error(`expected the worker's profile in ${profiles}, found ${files.join(', ') || 'none'}`);
            const t = admissionTime(JSON.parse(readFileSync(path.join(profiles, files[0]!), 'utf8')) as CpuProfile);
            samples.push({ vserver, load: l.key, requests, ...t });
          }
    } finally {
      await backend.stop();
    }
  } finally {
    dir.remove();
  }

  const rows: Row[] = [];
  for (const l of loads)
    for (const vserver of ['web', 'web-dc']) {
      const s = samples.filter((x) => x.load === l.key && x.vserver === vserver);
      rows.push({
        load: l.key,
        vserver: vserver === 'web' ? 'web (no method)' : 'web-dc (dynamicconnection)',
        'admission % of worker busy (median)': median(s.map((x) => (100 * x.admissionUs) / x.busyUs)),
        'each round %': s.map((x) => ((100 * x.admissionUs) / x.busyUs).toFixed(2)).join(' '),
        'admission µs/rq (profiled)': median(s.map((x) => x.admissionUs / x.requests)),
        'worker busy µs/rq (profiled)': median(s.map((x) => x.busyUs / x.requests)),
      });
    }
  return {
    name: 'admission-profile',
    conditions: [
      `compiled agent, 1 worker, pinned to core 0 under node --cpu-prof (100 µs sampling); nginx and ${peers.wrk.version ?? 'autocannon'} on core 1; a new connection per request (Connection: close) -c10, keep-alive -c50; 2 s warm-up + ${durationS} s per measurement, one agent start per vserver and load, ${rounds} round(s) alternating the vservers`,
      `admission: samples with a frame of ${ADMISSION_FILES.join(', ')} on their stack (the service capacity's quota included, which both vservers use); busy: every sample but (idle), startup included`,
    ],
    tables: [{ title: "Admission's share of the worker's CPU", rows }],
    skipped: [],
    data: { rounds, durationS, samples },
  };
}

runIfMain(import.meta.url, admissionProfileBench);
