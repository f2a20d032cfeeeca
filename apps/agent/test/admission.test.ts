// Admission is core's pipeline, on a real agent with 2 workers under both cluster scheduling
// policies: a chain of 4 vservers fills each in turn exactly at its limit; `any` and `all` over
// connection, bandwidth and health send each new client where core says; a chain longer than
// the old hop cap is walked to its end; `accept` on a vserver with no UP service drops.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  openHeld,
  openInTurn,
  SCHEDULING_POLICIES,
  spawnAgent,
  tcpBackend,
  tcpService,
  tcpVServer,
  until,
  type Backend,
  type RunningAgent,
} from './helpers.js';

const HOPS = 70;
const health = (thresholdPercent: number) => ({ type: 'health', thresholdPercent });
const conn = (threshold: number) => ({ type: 'connection', threshold });
const bandwidth = (thresholdKbps: number) => ({ type: 'bandwidth', thresholdKbps, direction: 'in' });

describe.each(SCHEDULING_POLICIES)('admission with 2 workers, cluster scheduling %s', (policy) => {
  let backends: Backend[] = [];
  let agent: RunningAgent;

  beforeAll(async () => {
    backends = await Promise.all(['c1', 'c2', 'c3', 'c4', 'ok', 'spare', 'far'].map((n) => tcpBackend(n)));
    const port = (n: string): number => backends.find((b) => b.name === n)!.port;
    const spill = (methods: unknown[], combine: 'any' | 'all') => ({ methods, combine, backup: 'spare-vs' });
    agent = await spawnAgent({
      monitors: [{ name: 'tcp-fast', type: 'tcp', intervalMs: 100, timeoutMs: 200, fall: 1, rise: 1, weight: 1 }],
      services: [
        tcpService('c1', port('c1'), 100),
        tcpService('c2', port('c2'), 100),
        tcpService('c3', port('c3'), 2),
        tcpService('c4', port('c4'), 100),
        tcpService('ok', port('ok'), 1000),
        tcpService('spare', port('spare'), 1000),
        tcpService('far', port('far'), 100),
        // Weight 3 of 4: while it is DOWN the health of a vserver bound to ok and dead is 25 %.
        tcpService('dead', await closedPort(), 100, { weight: 3, monitors: [{ monitor: 'tcp-fast' }] }),
      ],
      vservers: [
        // The chain: static 3, static 2, dynamic (c3's capacity 2), static 1, then drop.
        tcpVServer('chain-1', ['c1'], { methods: [conn(3)], backup: 'chain-2' }),
        tcpVServer('chain-2', ['c2'], { methods: [conn(2)], backup: 'chain-3' }, false),
        tcpVServer('chain-3', ['c3'], { methods: [{ type: 'dynamicconnection' }], backup: 'chain-4' }, false),
        tcpVServer('chain-4', ['c4'], { methods: [conn(1)] }, false),
        tcpVServer('any-health-ok', ['ok'], spill([conn(2), health(50)], 'any')),
        tcpVServer('any-health-bad', ['ok', 'dead'], spill([conn(2), health(50)], 'any')),
        tcpVServer('all-health-ok', ['ok'], spill([conn(2), health(50)], 'all')),
        tcpVServer('all-health-bad', ['ok', 'dead'], spill([conn(2), health(50)], 'all')),
        tcpVServer('any-bw', ['ok'], spill([conn(3), bandwidth(800)], 'any')),
        tcpVServer('all-bw', ['ok'], spill([conn(2), bandwidth(800)], 'all')),
        tcpVServer('all-three', ['ok', 'dead'], spill([conn(1), bandwidth(800), health(50)], 'all')),
        tcpVServer('spare-vs', ['spare'], {}, false),
        // 70 vservers whose health trips (ok UP, dead DOWN), each the backup of the one before: the last serves.
        ...Array.from({ length: HOPS }, (_, i) =>
          i < HOPS - 1
            ? tcpVServer(`hop-${i}`, ['ok', 'dead'], { methods: [health(50)], backup: `hop-${i + 1}` }, i === 0)
            : tcpVServer(`hop-${i}`, ['far'], {}, false),
        ),
        tcpVServer('accept-unusable', ['dead'], { methods: [conn(1)], action: 'accept' }),
        tcpVServer('accept-full', ['ok'], { methods: [conn(1)], action: 'accept' }),
      ],
      agent: { workers: 2, schedulingPolicy: policy, drainTimeoutMs: 1000 },
    });
    await until(
      () => agent.stats(),
      (s) => s.services.dead?.state === 'DOWN' && s.agent.engines.length === 2,
    );
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    await Promise.all(backends.map((b) => b.close()));
  });

  const noneActive = (names: string[]) =>
    until(
      () => agent.stats(),
      (s) => names.every((n) => s.vservers[n]!.cx_active === 0),
    );

  it('fills a chain of 4 vservers each in turn, exactly at each limit, then drops', async () => {
    const chain = ['chain-1', 'chain-2', 'chain-3', 'chain-4'];
    const one = await openInTurn(agent.ports['chain-1']!, 9);
    expect(one.firsts).toEqual(['c1', 'c1', 'c1', 'c2', 'c2', 'c3', 'c3', 'c4', 'closed']);
    one.close();
    await noneActive(chain);
    // The same in one parallel burst: whatever worker each connection lands on, each vserver gets exactly its limit.
    const burst = await Promise.all(Array.from({ length: 10 }, () => openHeld(agent.ports['chain-1']!)));
    const count = (n: string): number => burst.filter((c) => c.first === n).length;
    expect({ c1: count('c1'), c2: count('c2'), c3: count('c3'), c4: count('c4'), closed: count('closed') }).toEqual({ c1: 3, c2: 2, c3: 2, c4: 1, closed: 2 });
    for (const c of burst) c.socket.destroy();
    await noneActive(chain);
    const s = await agent.stats();
    expect(s.vservers['chain-4']!.dropped_total).toBe(3);
  });

  it('any over connection and health: spills at the count while health holds, and at once when health trips', async () => {
    const ok = await openInTurn(agent.ports['any-health-ok']!, 3);
    expect(ok.firsts).toEqual(['ok', 'ok', 'spare']);
    const bad = await openInTurn(agent.ports['any-health-bad']!, 1);
    expect(bad.firsts).toEqual(['spare']);
    ok.close();
    bad.close();
  });

  it('all over connection and health: serves above the count while health holds, and spills at the count when health trips too', async () => {
    const ok = await openInTurn(agent.ports['all-health-ok']!, 3);
    expect(ok.firsts).toEqual(['ok', 'ok', 'ok']);
    const bad = await openInTurn(agent.ports['all-health-bad']!, 3);
    expect(bad.firsts).toEqual(['ok', 'ok', 'spare']);
    ok.close();
    bad.close();
  });

  it('a chain longer than 64 vservers is walked to its end (no hop cap): the 70th serves', async () => {
    const c = await openInTurn(agent.ports['hop-0']!, 1);
    expect(c.firsts).toEqual(['far']);
    c.close();
    const s = await agent.stats();
    expect(s.vservers['hop-68']!.spillovers_total).toBeGreaterThanOrEqual(1);
  });

  it('accept serves above the limit where a service is UP, and drops where none is', async () => {
    const full = await openInTurn(agent.ports['accept-full']!, 2);
    expect(full.firsts).toEqual(['ok', 'ok']);
    const none = await openInTurn(agent.ports['accept-unusable']!, 1);
    expect(none.firsts).toEqual(['closed']);
    const s = await until(
      () => agent.stats(),
      (x) => x.vservers['accept-unusable']!.dropped_total === 1,
    );
    expect(s.vservers['accept-unusable']!.cx_total).toBe(0);
    expect(s.vservers['accept-full']!.spillovers_total).toBe(1);
    full.close();
  });

  it('any and all over connection, bandwidth and health: bandwidth below the threshold holds an all, above it trips an any and completes an all', async () => {
    // Quiet: all serves above its count while the bandwidth holds.
    const quiet = await openInTurn(agent.ports['all-bw']!, 3);
    expect(quiet.firsts).toEqual(['ok', 'ok', 'ok']);
    const quiet3 = await openInTurn(agent.ports['all-three']!, 2);
    expect(quiet3.firsts).toEqual(['ok', 'ok']);
    quiet.close();
    quiet3.close();
    await noneActive(['all-bw', 'all-three']);

    // One connection per vserver pumping ~10 Mbit/s in.
    const pumps: net.Socket[] = [];
    for (const vs of ['any-bw', 'all-bw', 'all-three']) {
      const p = await openHeld(agent.ports[vs]!);
      expect(p.first).toBe('ok');
      p.socket.resume();
      pumps.push(p.socket);
    }
    const chunk = Buffer.alloc(64 * 1024, 1);
    const timer = setInterval(() => {
      for (const p of pumps) p.write(chunk);
    }, 50);
    try {
      await until(
        () => agent.stats(),
        (s) => ['any-bw', 'all-bw', 'all-three'].every((n) => (s.vservers[n]!.rx_bytes_rate * 8) / 1000 > 800),
        20_000,
        100,
      );
      /** Opens short connections until one is served by `want` (the workers learn the rate from the primary's next sample). */
      const firstServedBy = (vs: string, want: string): Promise<string> =>
        until(
          async () => {
            const c = await openHeld(agent.ports[vs]!);
            c.socket.destroy();
            return c.first;
          },
          (first) => first === want,
          15_000,
          100,
        );
      // any: the bandwidth alone spills, with 1 connection of 3.
      expect(await firstServedBy('any-bw', 'spare')).toBe('spare');
      // all over connection + bandwidth + health: every method tripped (1 of 1 connections, the rate, 25 % health).
      expect(await firstServedBy('all-three', 'spare')).toBe('spare');
      // all over connection + bandwidth: the count decides now — a second connection is served, a third spills.
      const second = await openHeld(agent.ports['all-bw']!);
      expect(second.first).toBe('ok');
      expect(await firstServedBy('all-bw', 'spare')).toBe('spare');
      second.socket.destroy();
    } finally {
      clearInterval(timer);
      for (const p of pumps) p.destroy();
    }
  });
});
