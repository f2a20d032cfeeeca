// Benchmark: live migration (issue 15). A standalone compiled agent in front of two migratable
// backends (demo/migratable-backend.ts on @spillway/migration, each in its own process: numbered
// lines every 20 ms, a running sum echoed for each number read), N long-lived client connections on
// backend A sending a number every 20 ms, and a bulk TCP transfer through another vserver of the
// same agent. A is set to maintenance (POST /reload); each connection moves to B. Measured per
// connection, client side: the time from the maintenance request to the first byte from B (the
// target serving), the client bytes the agent held meanwhile (numbers sent before that first byte
// and answered by B), and that the stream went on without a gap or a repeat. Next to it, the bulk
// transfer's MB/s with no migration and while the connections move.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAgent } from './lib/agent.js';
import { runIfMain, type BenchOptions, type BenchResult } from './lib/cli.js';
import { freePort, startProcess, type Proc } from './lib/proc.js';
import { machine, repoRoot } from './lib/results.js';
import { summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

const here = import.meta.dirname;
const tsx = path.resolve(repoRoot, 'node_modules', '.bin', 'tsx');
const SECRET = 'bench-migration-secret-0123456789';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const TICK_MS = 20;

interface Backend {
  proc: Proc;
  port: number;
  controlPort: number;
}

async function backend(name: string): Promise<Backend> {
  const [port, controlPort] = [await freePort(), await freePort()];
  const proc = startProcess(name, tsx, [path.join(repoRoot, 'demo', 'migratable-backend.ts')], {
    env: {
      ...process.env,
      BACKEND_NAME: name,
      BACKEND_PORT: String(port),
      MIGRATION_PORT: String(controlPort),
      MIGRATION_SECRET: SECRET,
      DEMO_TICK_MS: String(TICK_MS),
    },
  });
  await proc.waitForLine((l) => l.includes('migratable backend listening'), 60_000);
  return { proc, port, controlPort };
}

async function source(): Promise<{ proc: Proc; port: number }> {
  const proc = startProcess('tcp source', tsx, [path.join(here, 'lib', 'tcp-source-main.ts')]);
  const line = await proc.waitForLine((l) => l.startsWith('{"ready":true'));
  return { proc, port: (JSON.parse(line) as { port: number }).port };
}

/** A bulk TCP transfer through `port` by a client process of its own (stopped by the caller). */
function bulk(port: number, bytes: number): Proc {
  return startProcess('bulk client', tsx, [path.join(here, 'lib', 'tcp-bulk-main.ts'), String(port), String(bytes)]);
}

type States = { a: 'enabled' | 'maintenance'; b: 'enabled' | 'maintenance' };

/** A migratable service on `b`, whose maintenance moves its connections to `target`. */
const migratable = (name: string, b: Backend, state: States['a'], target: string) => ({
  name,
  address: '127.0.0.1',
  port: b.port,
  protocol: 'tcp',
  capacity: 10_000,
  state,
  proxyProtocol: 'v2',
  migration: { port: b.controlPort, secret: SECRET },
  maintenance: { target },
});

const doc = (a: Backend, b: Backend, sourcePort: number, st: States) => ({
  services: [
    migratable('bench-a', a, st.a, 'bench-b'),
    migratable('bench-b', b, st.b, 'bench-a'),
    { name: 'bulk', address: '127.0.0.1', port: sourcePort, protocol: 'tcp', capacity: 10_000 },
  ],
  monitors: [],
  vservers: [
    {
      name: 'mig',
      protocol: 'tcp',
      listen: { port: 0, host: '127.0.0.1' },
      // B takes no new connection (weight 0): every client starts on A; each service's maintenance names the other.
      services: [{ service: 'bench-a' }, { service: 'bench-b', weight: 0 }],
      maintenance: { migrateAfterSeconds: 1, drainTimeoutSeconds: 60 },
      spillover: { methods: [], action: 'drop' },
    },
    { name: 'other', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'bulk' }], spillover: { methods: [], action: 'drop' } },
  ],
  agent: { name: 'bench-migration', workers: 1, drainTimeoutMs: 500 },
});

interface Line {
  kind: 'seq' | 'sum';
  value: number;
  from: string;
  at: number;
}

/** One long-lived client: sends `<k>\n` every TICK_MS, records each line with its backend and arrival time. */
class Client {
  readonly socket: net.Socket;
  private pending = '';
  readonly lines: Line[] = [];
  bad: string | null = null;
  /** When each number was sent (performance.now()). */
  readonly sentAt: number[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (t: string) => {
      const at = performance.now();
      this.pending += t;
      let nl: number;
      while ((nl = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        const m = /^(seq|sum) (\d+) from (bench-[ab])$/.exec(line);
        if (m) this.lines.push({ kind: m[1] as Line['kind'], value: Number(m[2]), from: m[3]!, at });
        else this.bad ??= `unexpected line ${JSON.stringify(line)}`;
      }
    });
    this.socket.on('error', () => {});
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sentAt.push(performance.now());
      this.socket.write(`${this.sentAt.length}\n`);
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** When the first line from `backend` after `since` arrived (null: none yet). */
  firstFrom(backend: string, since: number): number | null {
    for (const l of this.lines) if (l.at >= since && l.from === backend) return l.at;
    return null;
  }

  /**
   * The stream as the client saw it: seq lines without gap or repeat, each sum the running sum of
   * the numbers sent (every byte sent counted once); and per move (a line from another backend
   * than the one before) the bytes the agent held: numbers sent before the new backend's first
   * line whose sums came from it.
   */
  check(): { why: string | null; heldBytes: number[] } {
    let seq: number | null = null;
    let sums = 0;
    let sum = 0;
    const heldBytes: number[] = [];
    let from: string | null = null;
    let movedAt = 0;
    for (const l of this.lines) {
      if (from !== null && l.from !== from) {
        heldBytes.push(0);
        movedAt = l.at;
      }
      from = l.from;
      if (l.kind === 'seq') {
        if (seq !== null && l.value !== seq + 1) return { why: `seq ${seq} then ${l.value}`, heldBytes };
        seq = l.value;
        continue;
      }
      sums++;
      sum += sums;
      if (l.value !== sum) return { why: `sum ${sums}: ${l.value}, expected ${sum}`, heldBytes };
      if (heldBytes.length > 0 && (this.sentAt[sums - 1] ?? Infinity) < movedAt) heldBytes[heldBytes.length - 1]! += `${sums}\n`.length;
    }
    return { why: this.bad, heldBytes };
  }
}

const until = async (ok: () => boolean, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export async function migrationBench(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 3 : 50;
  const bulkBytes = 20e9; // more than either window moves: the client is stopped at the end
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bench-migration-'));
  const clients: Client[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    const [a, b, src] = await Promise.all([backend('bench-a'), backend('bench-b'), source()]);
    stops.push(
      () => a.proc.stop(),
      () => b.proc.stop(),
      () => src.proc.stop(),
    );
    const agent = await startAgent(dir, 'bench-migration', doc(a, b, src.port, { a: 'enabled', b: 'enabled' }), {
      env: { SPILLWAY_AGENT_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    stops.push(() => agent.stop());
    const port = agent.ports.mig!;
    for (let i = 0; i < n; i++) clients.push(new Client(port));
    await Promise.all(clients.map((c) => new Promise<void>((r, j) => c.socket.once('connect', () => r()).once('error', j))));
    for (const c of clients) c.start();
    // Older than migrateAfterSeconds (1 s), and streaming.
    await new Promise((r) => setTimeout(r, 1500));
    await until(() => clients.every((c) => c.lines.length > 20), 30_000, 'every client streaming');

    /** Bytes the agent has sent to clients of the other vserver so far, and when. */
    const otherBytes = async (): Promise<{ bytes: number; at: number }> => {
      const st = (await agent.stats()) as unknown as { vservers: Record<string, { tx_bytes_total: number }> };
      return { bytes: st.vservers.other?.tx_bytes_total ?? 0, at: performance.now() };
    };
    const mbPerS = (x: { bytes: number; at: number }, y: { bytes: number; at: number }): number => (y.bytes - x.bytes) / 1e6 / ((y.at - x.at) / 1000);
    const reloadMs: number[] = [];
    const reload = async (st: States): Promise<number> => {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${agent.adminPort}/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc(a, b, src.port, st)),
      });
      if (!res.ok) throw new Error(`reload: ${res.status} ${await res.text()}`);
      reloadMs.push(performance.now() - t);
      return t;
    };
    /** Sets `from` to maintenance; resolves with each connection's time to its first line from `to` (ms). */
    const move = async (st: States, to: string): Promise<number[]> => {
      const t0 = await reload(st);
      await until(() => clients.every((c) => c.firstFrom(to, t0) !== null), 60_000, `every connection served by ${to}`).catch(() => undefined);
      return clients.flatMap((c) => {
        const at = c.firstFrom(to, t0);
        return at === null ? [] : [at - t0];
      });
    };
    // Round 1, quiet: A → B. Round 2, B → A while a bulk transfer runs through the other vserver.
    const quiet = await move({ a: 'maintenance', b: 'enabled' }, 'bench-b');
    await new Promise((r) => setTimeout(r, 1200));
    // The bulk transfer's rate through the agent over one second alone, then over the second move.
    const bulkClient = bulk(agent.ports.other!, bulkBytes);
    stops.push(() => bulkClient.stop());
    let s0 = await otherBytes();
    for (const deadline = Date.now() + 30_000; s0.bytes === 0 && Date.now() < deadline; s0 = await otherBytes()) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    const s1 = await otherBytes();
    const baselineMbPerS = mbPerS(s0, s1);
    const loaded = await move({ a: 'enabled', b: 'maintenance' }, 'bench-a');
    const duringMbPerS = mbPerS(s1, await otherBytes());
    const after = clients.map((c) => c.lines.length);
    await until(() => clients.every((c, i) => c.socket.destroyed || c.lines.length > after[i]! + 10), 30_000, 'streams going on after the moves').catch(
      () => undefined,
    );
    for (const c of clients) c.stop();

    const checks = clients.map((c) => c.check());
    const broken = checks.filter((c) => c.why !== null);
    const stats = (await agent.stats()) as unknown as { services: Record<string, Record<string, number>> };
    const row = (round: string, times: number[], held: number[], rate: number | null): Row => {
      const t = summarize(times);
      const h = summarize(held);
      return {
        round,
        connections: n,
        moved: times.length,
        'p50 ms': Math.round(t.p50),
        'p99 ms': Math.round(t.p99),
        'max ms': Math.round(t.max),
        'held bytes p50': Math.round(h.p50),
        'held bytes max': h.max,
        'bulk MB/s meanwhile': rate === null ? null : Math.round(rate),
      };
    };
    const rows: Row[] = [
      row(
        'A → B, no other traffic',
        quiet,
        checks.map((c) => c.heldBytes[0] ?? 0),
        null,
      ),
      row(
        'B → A, during a bulk transfer',
        loaded,
        checks.map((c) => c.heldBytes[1] ?? 0),
        duringMbPerS,
      ),
    ];
    return {
      name: 'migration',
      conditions: [
        `${n} long-lived TCP connections through one agent (1 worker) to backend A (demo/migratable-backend.ts, @spillway/migration), each sending a number and receiving a line every ${TICK_MS} ms; A set to maintenance by POST /reload (its maintenance target B, migrateAfterSeconds 1), then B (target A) while the bulk transfer runs`,
        'time = from the maintenance request (POST /reload sent) to the first line from the target at the client (the target serving); held bytes = client bytes sent before that line and answered by the target (what the agent buffered)',
        `bulk = a TCP transfer (client and source in processes of their own) through another vserver of the same agent, its rate from the agent's byte counters: ${Math.round(baselineMbPerS)} MB/s over the second before round 2, the figure in the table over round 2 (from the request to the last connection moved)`,
        `POST /reload answered (the new config applied by the agent) after ${reloadMs.map((x) => Math.round(x)).join(' and ')} ms: part of each round's times`,
        `streams broken (a seq gap or repeat, a sum missing or doubling a number): ${broken.length} of ${n}${broken.length > 0 ? ` (first: ${broken[0]!.why})` : ''}`,
        `agent counters: cx_migrated_total A ${stats.services['bench-a']?.cx_migrated_total ?? '?'} B ${stats.services['bench-b']?.cx_migrated_total ?? '?'}, cx_migrate_failed_total A ${stats.services['bench-a']?.cx_migrate_failed_total ?? '?'} B ${stats.services['bench-b']?.cx_migrate_failed_total ?? '?'}`,
        `${machine().cpu}, ${machine().cores} cores; other processes share the machine`,
      ],
      tables: [{ title: 'Live migration of long-lived connections', rows }],
      skipped: [],
      data: { quiet, loaded, held: checks.map((c) => c.heldBytes), baselineMbPerS, duringMbPerS, broken: broken.map((b) => b.why) },
    };
  } finally {
    for (const c of clients) {
      c.stop();
      c.socket.destroy();
    }
    for (const s of stops.reverse()) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, migrationBench);
