// The agent's limit is exact across its workers: quota batches, hand-off of sockets between
// workers, and a crashed worker replaced with its quota reclaimed.
import http from 'node:http';
import process from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';
import { QuotaPrimary } from '../src/quota-primary.js';
import { QuotaWorker, type QuotaMessageToEngine, type QuotaMessageToManager } from '../src/quota-worker.js';

// rr: the primary deals connections to workers in turn; none: the kernel picks the worker that
// accepts, which leaves them uneven and makes workers hand connections to one another.
describe.each(['rr', 'none'])('cluster scheduling %s', (policy) => {
  const LIMIT = 10;
  let primaryA: Backend;
  let primaryB: Backend;
  let spare: Backend;
  let webMain: Backend;
  let webSpare: Backend;
  let agent: RunningAgent;

  beforeAll(async () => {
    [primaryA, primaryB, spare] = await Promise.all([tcpBackend('primary-a'), tcpBackend('primary-b'), tcpBackend('spare')]);
    [webMain, webSpare] = await Promise.all([httpBackend('web-main'), httpBackend('web-spare')]);
    agent = await spawnAgent(
      {
        services: [
          { ...tcpService('web-main', webMain.port, 100), protocol: 'http' },
          { ...tcpService('web-spare', webSpare.port, 100), protocol: 'http' },
          tcpService('primary-a', primaryA.port, 100),
          tcpService('primary-b', primaryB.port, 100),
          tcpService('spare', spare.port, 1000),
        ],
        vservers: [
          {
            name: 'front',
            protocol: 'tcp',
            listen: { port: 0, host: '127.0.0.1' },
            lbMethod: 'roundrobin',
            services: [{ service: 'primary-a' }, { service: 'primary-b' }],
            spillover: { methods: [{ type: 'connection', threshold: LIMIT }], backup: 'overflow', action: 'drop' },
          },
          { name: 'overflow', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
          {
            name: 'web',
            protocol: 'http',
            listen: { port: 0, host: '127.0.0.1' },
            services: [{ service: 'web-main' }],
            spillover: { methods: [{ type: 'connection', threshold: 4 }], backup: 'web-overflow', action: 'drop' },
          },
          { name: 'web-overflow', protocol: 'http', listen: null, services: [{ service: 'web-spare' }], spillover: { methods: [], action: 'drop' } },
        ],
        agent: { workers: 2, drainTimeoutMs: 1000 },
      },
      { NODE_CLUSTER_SCHED_POLICY: policy },
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([primaryA, primaryB, spare, webMain, webSpare].map((b) => b?.close()));
  });

  async function burst(n: number): Promise<{ firsts: string[]; close: () => Promise<void> }> {
    const opened = await Promise.all(Array.from({ length: n }, () => openHeld(agent.ports.front!)));
    return {
      firsts: opened.map((o) => o.first),
      close: async () => {
        for (const o of opened) o.socket.destroy();
        await until(
          () => agent.stats(),
          (s) => s.vservers.front!.cx_active === 0 && s.vservers.overflow!.cx_active === 0,
        );
      },
    };
  }

  describe('two workers sharing a limit of 10', () => {
    it('admits exactly 10 connections on the primary vserver and spills the rest, in every parallel burst', async () => {
      for (let round = 0; round < 4; round++) {
        const b = await burst(LIMIT + 6);
        const onPrimary = b.firsts.filter((f) => f.startsWith('primary-')).length;
        const onSpare = b.firsts.filter((f) => f === 'spare').length;
        expect({ round, onPrimary, onSpare }).toEqual({ round, onPrimary: LIMIT, onSpare: 6 });
        const s = await agent.stats();
        expect(s.vservers.front!.cx_active).toBe(LIMIT);
        expect(s.vservers.overflow!.cx_active).toBe(6);
        await b.close();
      }
      const s = await agent.stats();
      expect(s.vservers.front!.spillovers_total).toBe(4 * 6);
      expect(s.vservers.front!.cx_total).toBe(4 * LIMIT);
    });

    it('uses the allowances of both workers when the limit is reached, whatever the kernel sent to each', async () => {
      const b = await burst(LIMIT);
      expect(b.firsts.every((f) => f.startsWith('primary-'))).toBe(true);
      const s = await agent.stats();
      const engines = Object.values(s.vservers.front!.quota!.engines);
      expect(engines).toHaveLength(2);
      expect(engines.every((e) => !e.room)).toBe(true);
      expect(engines.reduce((sum, e) => sum + e.exclusive + e.borrowed, 0)).toBe(LIMIT);
      await b.close();
    });

    it('replaces a crashed worker, reclaims its quota and still admits exactly the limit', async () => {
      const before = await agent.stats();
      const victim = before.agent.workerPids[0]!;
      process.kill(victim, 'SIGKILL');
      const after = await until(
        () => agent.stats(),
        (s) => s.agent.workers_restarted_total === 1 && s.agent.engines.length === 2 && !s.agent.workerPids.includes(victim),
      );
      const quota = after.vservers.front!.quota!;
      expect(Object.keys(quota.engines)).toEqual(after.agent.engines.map(String));
      const b = await burst(LIMIT + 3);
      expect(b.firsts.filter((f) => f.startsWith('primary-')).length).toBe(LIMIT);
      expect(b.firsts.filter((f) => f === 'spare').length).toBe(3);
      await b.close();
    });

    it('counts HTTP keep-alive connections against the limit across workers (a socket handed off to the worker with room carries the bytes of its first request head)', async () => {
      for (let round = 0; round < 3; round++) {
        const agents = Array.from({ length: 7 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
        const backends = await Promise.all(
          agents.map(
            (a) =>
              new Promise<string>((resolve, reject) => {
                http
                  .get({ host: '127.0.0.1', port: agent.ports.web!, path: '/', agent: a }, (res) => {
                    let body = '';
                    res.on('data', (c: Buffer) => {
                      body += c.toString();
                    });
                    res.on('end', () => resolve((JSON.parse(body) as { backend: string }).backend));
                  })
                  .on('error', reject);
              }),
          ),
        );
        expect({ round, main: backends.filter((b) => b === 'web-main').length, spare: backends.filter((b) => b === 'web-spare').length }).toEqual({
          round,
          main: 4,
          spare: 3,
        });
        for (const a of agents) a.destroy();
        await until(
          () => agent.stats(),
          (s) => s.vservers.web!.cx_active === 0 && s.vservers['web-overflow']!.cx_active === 0,
        );
      }
    });
  });
});

// The primary's pool and two engines' QuotaWorkers over queued channels (one queue each way per
// engine, delivered in order, as IPC is), so that the interleavings of a loaded machine are chosen.
describe('the quota of two engines across channels that deliver late', () => {
  function agentOf(limit: number) {
    const toEngine = new Map<number, QuotaMessageToEngine[]>([
      [1, []],
      [2, []],
    ]);
    const toPrimary = new Map<number, QuotaMessageToManager[]>([
      [1, []],
      [2, []],
    ]);
    const primary = new QuotaPrimary((e, m) => toEngine.get(e)!.push(m));
    const engines = new Map([1, 2].map((id) => [id, new QuotaWorker((m) => toPrimary.get(id)!.push(m))]));
    primary.setEngines([], [1, 2]);
    primary.setLimit('front', limit);
    const deliver = {
      toEngine: (e: number): void => {
        for (const m of toEngine.get(e)!.splice(0)) engines.get(e)!.onMessage(m);
      },
      toPrimary: (e: number): void => {
        for (const m of toPrimary.get(e)!.splice(0)) primary.onMessage(e, m);
      },
    };
    /** Delivers every message to and from `only`'s engines, until none is left. */
    const settle = async (only: number[] = [1, 2]): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        for (const e of only) {
          deliver.toEngine(e);
          deliver.toPrimary(e);
        }
        await Promise.resolve();
      }
    };
    /** One connection on engine `e`: its answer once the channels of `via` (`e`'s only by default) have delivered everything. */
    const connect = async (e: number, via: number[] = [e]): Promise<string> => {
      const r = engines.get(e)!.acquire('front');
      await settle(via);
      const d = await r;
      return d.kind === 'handoff' ? `handoff:${d.engine}` : d.kind;
    };
    return { primary, engines, deliver, settle, connect };
  }

  it('does not spill while an engine whose share just grew still reports the fuller share it had', async () => {
    const a = agentOf(10);
    await a.settle();
    // Both engines start serving: the pool adds them one after the other, so engine 1's share is
    // cut (8 -> 4) and counted owed until it answers, and engine 2 holds 2 of its 4 meanwhile.
    a.primary.setEngines([1, 2], []);
    a.deliver.toEngine(1);
    a.deliver.toEngine(2);
    // Engine 2 fills the 2 it has: its answer (room) and then "full" are on their way.
    expect([a.engines.get(2)!.tryAcquire('front'), a.engines.get(2)!.tryAcquire('front')]).toEqual([true, true]);
    // Engine 1 answers first: engine 2's share grows to 4 (sent, not delivered yet)...
    a.deliver.toPrimary(1);
    // ...and then the primary reads engine 2's reports, made under its share of 2.
    a.deliver.toPrimary(2);
    // Engine 1 takes its 4 and the 2 shared uses (engine 2's channels still late); the next
    // connection must go to engine 2's 2 unused uses, not spill with 8 of 10 in use.
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push(await a.connect(1));
    expect(got).toEqual(['granted', 'granted', 'granted', 'granted', 'granted', 'granted']);
    expect(await a.connect(1)).toBe('handoff:2');
    // Engine 2's borrows find nothing in the pool: each is answered once engine 1, which holds uses,
    // answered the sync round (a use it gave back could be on its channel), so that channel delivers too.
    const both = [1, 2];
    expect([await a.connect(2, both), await a.connect(2, both), await a.connect(2, both)]).toEqual(['granted', 'granted', 'exhausted']);
    const v = a.primary.view().front!;
    expect(Object.values(v.engines).reduce((n, e) => n + e.exclusive + e.borrowed, 0)).toBe(10);
  });
});
