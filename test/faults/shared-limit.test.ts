// Faults of agents sharing one limit (issue 10, item 7): a real control plane (server.ts on a test
// database, heartbeat 200 ms, lease 3 heartbeats), two real agent processes (two workers each, one
// loopback address each) sharing a limit of 20, and real backends. The limited backend counts the
// connections it holds at once: whatever happens to an agent (kill -9, SIGSTOP of its whole process
// group, SIGSTOP of its primary alone while its workers run), no more than 20 are ever held
// concurrently once the other agent was lent the faulty one's uses, and the status never shows a
// negative shared pool. agent-b's workers accept connections themselves (NODE_CLUSTER_SCHED_POLICY
// none), so with its primary stopped they keep admitting on whatever allowance they hold; agent-a's
// primary accepts for its workers (NODE_CLUSTER_SCHED_POLICY rr), so its clients queue while it is stopped.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import {
  agentToken,
  freePort,
  openHeld,
  overflowDocument,
  startAgent,
  startControlPlane,
  until,
  type AgentProc,
  type ControlPlaneProc,
} from '../e2e/helpers.js';

const LIMIT = 20;

/** A TCP backend that greets with its name and records the most connections it held at once. */
interface CountingBackend {
  port: number;
  live: number;
  peak: number;
  close(): Promise<void>;
}
async function countingBackend(name: string): Promise<CountingBackend> {
  const sockets = new Set<net.Socket>();
  const b: CountingBackend = {
    port: 0,
    live: 0,
    peak: 0,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const server = net.createServer((s) => {
    sockets.add(s);
    b.live++;
    b.peak = Math.max(b.peak, b.live);
    s.once('close', () => {
      sockets.delete(s);
      b.live--;
    });
    s.on('error', () => s.destroy());
    s.write(`${name}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  b.port = (server.address() as net.AddressInfo).port;
  return b;
}

interface Status {
  quota: { limit: number; shared: number; byAgent: Record<string, { exclusive: number; borrowed: number }> } | null;
}

let db: TestDatabase;
let cp: ControlPlaneProc;
let web: CountingBackend;
let spare: Backend;
let listenPort = 0;
const tokens: Record<string, string> = {};
const agents: Record<string, AgentProc> = {};
const held: Array<{ socket: net.Socket; first: string; via: string }> = [];

const document = () =>
  overflowDocument({
    listenPort,
    primary: { name: 'web', port: web.port, capacity: 1000 },
    sparePort: spare.port,
    method: { type: 'connection', threshold: LIMIT },
  });

const status = (): Promise<Status> => cp.get<Status>('/v1/vservers/web/status');
const inQuota = (s: Status | undefined, agent: string): boolean => s?.quota?.byAgent[agent] !== undefined;

async function start(name: string, host: string, env: Record<string, string> = {}): Promise<AgentProc> {
  // startAgent passes this process's environment on: set just for the spawn, which is synchronous.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const starting = startAgent(name, tokens[name]!, cp.url, host);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = v;
  }
  const a = await starting;
  agents[name] = a;
  await until(
    () => a.stats(),
    (x) => x?.listeners?.web === listenPort,
    20_000,
    `${name} listening`,
  );
  return a;
}

/** Opens `n` connections through `agent` at once and keeps them; resolves when each got its first line. */
async function open(agent: AgentProc, n: number): Promise<string[]> {
  const got = await Promise.all(Array.from({ length: n }, () => openHeld(agent.host, listenPort)));
  for (const g of got) held.push({ ...g, via: agent.name });
  return got.map((g) => g.first);
}

/**
 * Opens `n` connections through `agent` and keeps them; `connected` resolves once the kernel has
 * completed every handshake (a stopped agent's listen queue holds them), `firsts` with the first
 * line each got (the backend's name; `closed` when none).
 */
function openQueued(agent: AgentProc, n: number): { connected: Promise<void>; firsts: Promise<string[]> } {
  const each = Array.from({ length: n }, () => {
    const socket = net.connect({ port: listenPort, host: agent.host });
    socket.on('error', () => {});
    const connected = new Promise<void>((r) => {
      socket.once('connect', () => r());
      socket.once('close', () => r());
    });
    const first = new Promise<string>((resolve) => {
      let buf = '';
      const done = (f: string): void => {
        socket.removeAllListeners('data');
        held.push({ socket, first: f, via: agent.name });
        resolve(f);
      };
      socket.on('data', (c: Buffer) => {
        buf += c.toString();
        const i = buf.indexOf('\n');
        if (i >= 0) done(buf.slice(0, i));
      });
      socket.once('close', () => done('closed'));
    });
    return { connected, first };
  });
  return { connected: Promise.all(each.map((e) => e.connected)).then(() => undefined), firsts: Promise.all(each.map((e) => e.first)) };
}

/** Opens connections through `agent` until the limited backend holds `target` (a borrow may take a moment to arrive). */
async function fill(agent: AgentProc, target: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (web.live < target) {
    if (Date.now() > deadline) throw new Error(`${agent.name}: the backend holds ${web.live}, not ${target}`);
    await open(agent, target - web.live);
  }
}

async function releaseAll(): Promise<void> {
  for (const h of held.splice(0)) h.socket.destroy();
  await until(
    async () => web.live,
    (n) => n === 0,
    10_000,
    'backend connections released',
  );
}

/** Samples the status every 50 ms until stopped; the lowest shared pool seen. */
function watchShared(): { stop(): Promise<number> } {
  let lowest = Number.POSITIVE_INFINITY;
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await status().catch(() => undefined);
      if (s?.quota) lowest = Math.min(lowest, s.quota.shared);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lowest;
    },
  };
}

beforeAll(async () => {
  [web, spare] = await Promise.all([countingBackend('web'), tcpBackend('spare')]);
  [db, listenPort] = await Promise.all([createTestDatabase(), freePort()]);
  cp = await startControlPlane(db.url);
  for (const name of ['agent-a', 'agent-b']) tokens[name] = await agentToken(cp, name);
  await cp.call('PUT', '/v1/config', document());
  await Promise.all([start('agent-a', '127.0.0.2', { NODE_CLUSTER_SCHED_POLICY: 'rr' }), start('agent-b', '127.0.0.3', { NODE_CLUSTER_SCHED_POLICY: 'none' })]);
  await until(status, (s) => inQuota(s, 'agent-a') && inQuota(s, 'agent-b'), 20_000, 'both agents in the quota');
}, 120_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) for (const a of Object.values(agents)) console.info(a.name, a.output().slice(-4000));
  for (const h of held) h.socket.destroy();
  for (const a of Object.values(agents)) {
    try {
      process.kill(-a.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  await Promise.all([...Object.values(agents).map((a) => a.kill()), cp?.kill()]);
  await Promise.all([web?.close(), spare?.close()]);
  await db?.drop();
});

describe('agents sharing a limit of 20 under faults', () => {
  it('never holds more than the limit when an agent is killed with -9 while connections are held and bursts arrive, and its quota comes back', async () => {
    const [a, b] = [agents['agent-a']!, agents['agent-b']!];
    web.peak = web.live;
    await open(a, 6);
    await open(b, 4);
    // Bursts through both agents before, while and after agent-a dies with its connections, until
    // its lease has ended and its uses were re-shared.
    let firstRound: () => void = () => {};
    const roundDone = new Promise<void>((r) => {
      firstRound = r;
    });
    let gone = false;
    const bursts = (async () => {
      const deadline = Date.now() + 20_000;
      for (let round = 0; !gone || round < 3; round++) {
        if (Date.now() > deadline) throw new Error('agent-a still in the quota 20 s after kill -9');
        await Promise.all([open(a, 4), open(b, 4)]);
        firstRound();
        gone = !inQuota(await status(), 'agent-a');
      }
    })();
    await roundDone;
    await a.kill('SIGKILL');
    await bursts;
    // The quota comes back: agent-b alone may hold the whole limit.
    await fill(b, LIMIT);
    expect(web.live).toBe(LIMIT);
    expect(web.peak).toBeLessThanOrEqual(LIMIT);
    expect((await open(b, 3)).every((f) => f === 'spare')).toBe(true);
    console.info(`kill -9: most connections held at once ${web.peak} (limit ${LIMIT})`);
    await releaseAll();
    await start('agent-a', '127.0.0.2');
    await until(status, (s) => inQuota(s, 'agent-a') && inQuota(s, 'agent-b'), 20_000, 'agent-a back in the quota');
  }, 60_000);

  /**
   * `victim` holds nothing and stops (`pids`: every process of it, or its primary alone) past its
   * lease; `other` is lent the whole limit and fills it; clients come to the victim meanwhile (they
   * queue, or its running workers take them) and after it resumes. Returns the most connections
   * held at once, the lowest shared pool seen in the status and where the victim's clients went.
   */
  async function stopPastLease(
    victim: string,
    other: string,
    pids: () => Promise<number[]>,
    what: string,
  ): Promise<{ peak: number; lowest: number; afterResume: string[] }> {
    const [a, b] = [agents[victim]!, agents[other]!];
    const targets = await pids();
    const watch = watchShared();
    web.peak = web.live;
    for (const p of targets) process.kill(p, 'SIGSTOP');
    let resumed = false;
    try {
      await until(status, (s) => s?.quota !== null && !inQuota(s, victim), 15_000, `${victim} out of the quota`);
      await fill(b, LIMIT);
      // Clients of the stopped agent: in its listen queue, or taken by its workers if they run.
      const queued = openQueued(a, 8);
      await queued.connected;
      for (const p of targets) process.kill(p, 'SIGCONT');
      resumed = true;
      const afterResume = [...(await queued.firsts)];
      // More clients while it notices its lease ended, redials and rejoins, and a little after.
      const deadline = Date.now() + 20_000;
      for (let after = 0; after < 3;) {
        if (Date.now() > deadline) throw new Error(`${victim} not back in the quota 20 s after SIGCONT`);
        afterResume.push(...(await open(a, 3)));
        if (inQuota(await status(), victim)) after++;
      }
      const peak = web.peak;
      const lowest = await watch.stop();
      console.info(
        `${what} (${victim}): most connections held at once ${peak} (limit ${LIMIT}), lowest shared pool in status ${lowest}; its clients from the stop on: ${JSON.stringify(afterResume.reduce<Record<string, number>>((m, f) => ({ ...m, [f]: (m[f] ?? 0) + 1 }), {}))}`,
      );
      await releaseAll();
      await until(status, (s) => inQuota(s, victim), 15_000, `${victim} back in the quota`);
      await until(
        async () => (await open(a, 1))[0],
        (f) => f === 'web',
        15_000,
        `${victim} admitting on its share again`,
      );
      await releaseAll();
      return { peak, lowest, afterResume };
    } finally {
      if (!resumed)
        for (const p of targets) {
          try {
            process.kill(p, 'SIGCONT');
          } catch {
            /* gone */
          }
        }
      await watch.stop();
    }
  }

  it('never holds more than the limit, nor shows a negative shared pool, when a whole agent is stopped past its lease and resumed while the other took the limit', async () => {
    const r = await stopPastLease('agent-a', 'agent-b', async () => [-agents['agent-a']!.pid], 'SIGSTOP of the agent process group');
    expect(r.peak).toBeLessThanOrEqual(LIMIT);
    expect(r.lowest).toBeGreaterThanOrEqual(0);
    expect(r.afterResume.filter((f) => f === 'web')).toEqual([]);
  }, 60_000);

  it("never holds more than the limit, nor shows a negative shared pool, when only an agent's primary is stopped past its lease while its workers run", async () => {
    for (const [victim, other] of [
      ['agent-a', 'agent-b'],
      ['agent-b', 'agent-a'],
    ] as const) {
      const r = await stopPastLease(victim, other, async () => [(await agents[victim]!.stats()).agent.pid], 'SIGSTOP of the agent primary alone');
      expect(r.peak).toBeLessThanOrEqual(LIMIT);
      expect(r.lowest).toBeGreaterThanOrEqual(0);
      expect(r.afterResume.filter((f) => f === 'web')).toEqual([]);
    }
  }, 90_000);
});
