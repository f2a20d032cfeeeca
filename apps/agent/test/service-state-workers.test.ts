// Service state is agent-wide, not per worker: with 2 workers, under both cluster scheduling
// policies (and with workers: 0), a service's capacity holds across workers, the surge queue admits in arrival order
// across workers, least connection counts every worker's connections, and source-IP persistence
// is one table.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingTcpBackend, holdingHttpBackend, spawnAgent, tcpService, until, type RunningAgent } from './helpers.js';

type Counting = Awaited<ReturnType<typeof countingTcpBackend>>;
type Holding = Awaited<ReturnType<typeof holdingHttpBackend>>;

/** A client connection that sends `id` at once and records the backend's greeting. */
interface Client {
  id: string;
  socket: net.Socket;
  greeted: () => string | null;
  /** The proxy closed it. */
  closed: () => boolean;
  greeting: Promise<string>;
}

function connect(port: number, id: string): Client {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let first: string | null = null;
  let closed = false;
  let buf = '';
  const greeting = new Promise<string>((resolve) => {
    socket.on('data', (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i >= 0 && first === null) {
        first = buf.slice(0, i);
        resolve(first);
      }
    });
    socket.once('close', () => {
      closed = true;
      resolve('closed');
    });
  });
  socket.on('error', () => {});
  socket.write(`${id}\n`);
  return { id, socket, greeted: () => first, closed: () => closed, greeting };
}

const tcpVs = (name: string, services: string[], extra: Record<string, unknown> = {}) => ({
  name,
  protocol: 'tcp',
  listen: { port: 0, host: '127.0.0.1' },
  services: services.map((service) => ({ service })),
  spillover: { methods: [], action: 'accept' },
  ...extra,
});

function get(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

// workers: 0 runs the same code in one process (the messages between the halves are calls).
describe.each([
  { workers: 2, policy: 'rr' },
  { workers: 2, policy: 'none' },
  { workers: 0, policy: 'rr' },
] as const)('$workers workers, cluster scheduling $policy', ({ workers, policy }) => {
  let capTcp: Counting;
  let order: Counting;
  let lcA: Counting;
  let lcB: Counting;
  let stA: Counting;
  let stB: Counting;
  let capHttp: Holding;
  let agent: RunningAgent;

  beforeAll(async () => {
    [capTcp, order, lcA, lcB, stA, stB] = await Promise.all([
      countingTcpBackend('cap'),
      countingTcpBackend('order'),
      countingTcpBackend('lc-a'),
      countingTcpBackend('lc-b'),
      countingTcpBackend('st-a'),
      countingTcpBackend('st-b'),
    ]);
    capHttp = await holdingHttpBackend('cap-http');
    agent = await spawnAgent({
      services: [
        tcpService('cap', capTcp.port, 5),
        { ...tcpService('cap-http', capHttp.port, 5), protocol: 'http' },
        tcpService('order', order.port, 1),
        tcpService('lc-a', lcA.port, 100),
        tcpService('lc-b', lcB.port, 100),
        tcpService('st-a', stA.port, 100),
        tcpService('st-b', stB.port, 100),
      ],
      vservers: [
        tcpVs('cap', ['cap'], { surgeQueue: { length: 20, timeoutMs: 20_000 } }),
        { ...tcpVs('cap-http', ['cap-http'], { surgeQueue: { length: 20, timeoutMs: 20_000 } }), protocol: 'http' },
        tcpVs('order', ['order'], { surgeQueue: { length: 10, timeoutMs: 20_000 } }),
        tcpVs('lc', ['lc-a', 'lc-b'], { lbMethod: 'leastconn' }),
        tcpVs('sticky', ['st-a', 'st-b'], { lbMethod: 'leastconn', persistence: { type: 'sourceip', timeoutSeconds: 60 } }),
      ],
      agent: { workers, drainTimeoutMs: 500, schedulingPolicy: policy },
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([capTcp, order, lcA, lcB, stA, stB, capHttp].map((b) => b?.close()));
  });

  it('never lets a TCP service of capacity 5 hold a sixth connection under a burst of 20, and serves all 20 through the queue', async () => {
    const clients = Array.from({ length: 20 }, (_, i) => connect(agent.ports.cap!, `b${i}`));
    const inNow = (): Client[] => clients.filter((c) => c.greeted() === 'cap' && !c.closed());
    let served = 0;
    while (served < 20) {
      // Five connections in (or fewer at the tail), the rest waiting in the agent's one queue.
      const want = Math.min(5, 20 - served);
      await until(
        async () => ({ held: capTcp.held.size, greeted: inNow().length, queued: (await agent.stats()).vservers.cap!.surge_queue_len }),
        (x) => x.held === want && x.greeted === want && x.queued === 20 - served - want,
      );
      expect(capTcp.max).toBeLessThanOrEqual(5);
      // The service ends them (it knows they are gone before the agent can admit the next ones).
      capTcp.dropAll();
      served += want;
    }
    expect(capTcp.max).toBe(5);
    expect(capTcp.order).toHaveLength(20);
  });

  it('never lets an HTTP service of capacity 5 hold a sixth request under a burst of 20, and answers all 20', async () => {
    const answers = Array.from({ length: 20 }, () => get(agent.ports['cap-http']!));
    while (capHttp.answered < 20) {
      const want = Math.min(5, 20 - capHttp.answered);
      await until(
        async () => ({ holding: capHttp.holding, queued: (await agent.stats()).vservers['cap-http']!.surge_queue_len }),
        (x) => x.holding === want && x.queued === 20 - capHttp.answered - want,
      );
      expect(capHttp.max).toBeLessThanOrEqual(5);
      capHttp.answerAll();
    }
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(capHttp.max).toBe(5);
  });

  it('admits the clients of the surge queue in the order they arrived, whichever worker holds them', async () => {
    const holder = connect(agent.ports.order!, 'holder');
    expect(await holder.greeting).toBe('order');
    const waiting: Client[] = [];
    for (let i = 1; i <= 6; i++) {
      waiting.push(connect(agent.ports.order!, `c${i}`));
      // Queued before the next one arrives: the arrival order is known.
      await until(
        () => agent.stats(),
        (s) => s.vservers.order!.surge_queue_len === i,
      );
    }
    order.dropAll();
    for (let k = 1; k <= 6; k++) {
      await until(
        () => Promise.resolve(order.order.length),
        (n) => n === k + 1,
      );
      expect(order.order[k]).toBe(`c${k}`);
      order.dropAll();
    }
    expect(order.order).toEqual(['holder', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(order.max).toBe(1);
  });

  it('balances least connection on the connections of every worker', async () => {
    const open: Client[] = [];
    for (let i = 1; i <= 6; i++) {
      const c = connect(agent.ports.lc!, `l${i}`);
      open.push(c);
      expect(await c.greeting).toMatch(/^lc-/);
      await until(
        () => agent.stats(),
        (s) => s.services['lc-a']!.cx_active + s.services['lc-b']!.cx_active === i,
      );
      // Each new connection went to the service with fewer, counted across both workers.
      expect(Math.abs(lcA.held.size - lcB.held.size)).toBeLessThanOrEqual(1);
    }
    expect([lcA.held.size, lcB.held.size]).toEqual([3, 3]);
    for (const c of open) c.socket.destroy();
  });

  it('keeps a client IP on one service across workers (source-IP persistence is one table)', async () => {
    const open: Client[] = [];
    const first = connect(agent.ports.sticky!, 's1');
    open.push(first);
    const service = await first.greeting;
    expect(service).toMatch(/^st-/);
    for (let i = 2; i <= 6; i++) {
      await until(
        () => agent.stats(),
        (s) => s.services['st-a']!.cx_active + s.services['st-b']!.cx_active === i - 1,
      );
      const c = connect(agent.ports.sticky!, `s${i}`);
      open.push(c);
      // Least connection alone would send every other one to the other service.
      expect(await c.greeting).toBe(service);
    }
    for (const c of open) c.socket.destroy();
  });

  // Last: it replaces a worker.
  it.skipIf(workers === 0)(
    'gives back the uses of a crashed worker: the capacity is whole again and never exceeded',
    async () => {
      const firstRound = Array.from({ length: 5 }, (_, i) => connect(agent.ports.cap!, `k${i}`));
      await until(
        () => Promise.resolve(firstRound.filter((c) => c.greeted() === 'cap').length),
        (n) => n === 5,
      );
      const before = await agent.stats();
      process.kill(before.agent.workerPids[0]!, 'SIGKILL');
      await until(
        () => agent.stats(),
        (s) => s.agent.workers_restarted_total === before.agent.workers_restarted_total + 1 && s.agent.engines.length === 2,
        60_000, // a replacement worker starts (tsx) in 5-10 s, longer on a loaded machine
      );
      capTcp.dropAll();
      await until(
        () => Promise.resolve(firstRound.every((c) => c.closed())),
        (done) => done,
      );
      const next = Array.from({ length: 7 }, (_, i) => connect(agent.ports.cap!, `n${i}`));
      await until(
        async () => ({ greeted: next.filter((c) => c.greeted() === 'cap').length, queued: (await agent.stats()).vservers.cap!.surge_queue_len }),
        (x) => x.greeted === 5 && x.queued === 2,
      );
      expect(capTcp.max).toBeLessThanOrEqual(5);
      capTcp.dropAll();
      await until(
        () => Promise.resolve(next.filter((c) => c.greeted() === 'cap' && !c.closed()).length),
        (n) => n === 2,
      );
      capTcp.dropAll();
      expect(capTcp.max).toBe(5);
    },
    90_000,
  );
});
