// Spillover methods other than connection counts: bandwidth (agent-wide rate over a short
// window) and health (weight of UP services), each sending new clients to the backup vserver.
import type net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';

let heavy: Backend;
let h1: Backend;
let h2: Backend;
let spare: Backend;
let agent: RunningAgent;

beforeAll(async () => {
  [heavy, h1, h2, spare] = await Promise.all([tcpBackend('heavy'), tcpBackend('h1'), tcpBackend('h2'), tcpBackend('spare')]);
  agent = await spawnAgent({
    monitors: [{ name: 'tcp-fast', type: 'tcp', intervalMs: 100, timeoutMs: 200, fall: 1, rise: 1, weight: 1 }],
    services: [
      tcpService('heavy', heavy.port, 100),
      tcpService('spare', spare.port, 100),
      tcpService('h1', h1.port, 100, { weight: 3, monitors: [{ monitor: 'tcp-fast' }] }),
      tcpService('h2', h2.port, 100, { weight: 1, monitors: [{ monitor: 'tcp-fast' }] }),
    ],
    vservers: [
      {
        name: 'bw',
        protocol: 'tcp',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'heavy' }],
        spillover: { methods: [{ type: 'bandwidth', thresholdKbps: 800, direction: 'in' }], backup: 'bw-backup', action: 'drop' },
      },
      { name: 'bw-backup', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
      {
        name: 'health',
        protocol: 'tcp',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'h1' }, { service: 'h2' }],
        spillover: { methods: [{ type: 'health', thresholdPercent: 50 }], backup: 'bw-backup', action: 'drop' },
      },
    ],
    agent: { workers: 2 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await Promise.all([heavy, h1, h2, spare].map((b) => b?.close()));
});

/** Opens short connections to the bandwidth vserver until one is served by `want` (fails after 15 s naming the last server seen). */
function firstServedBy(want: string): Promise<string> {
  const served = async (): Promise<string> => {
    const c = await openHeld(agent.ports.bw!);
    c.socket.destroy();
    return c.first;
  };
  return until(served, (first) => first === want, 15_000, 100);
}

it('spills new connections while the inbound bandwidth is above the threshold, and stops when it falls', async () => {
  const quiet = await openHeld(agent.ports.bw!);
  expect(quiet.first).toBe('heavy');
  const pump = await openHeld(agent.ports.bw!);
  const chunk = Buffer.alloc(64 * 1024, 1);
  const timer = setInterval(() => {
    pump.socket.write(chunk);
  }, 50); // ~10 Mbit/s in
  try {
    await until(
      () => agent.stats(),
      (s) => (s.vservers.bw!.rx_bytes_rate * 8) / 1000 > 800,
      10_000,
      100,
    );
    // The workers learn the rate from the primary's next sample: a new client spills once they have it.
    expect(await firstServedBy('spare')).toBe('spare');
  } finally {
    clearInterval(timer);
  }
  await until(
    () => agent.stats(),
    (s) => (s.vservers.bw!.rx_bytes_rate * 8) / 1000 < 800,
    15_000,
    100,
  );
  expect(await firstServedBy('heavy')).toBe('heavy'); // the window has emptied: no more spilling
  for (const s of [quiet.socket, pump.socket] as net.Socket[]) s.destroy();
  const bw = (await agent.stats()).vservers.bw!;
  expect(bw.spillovers_total).toBeGreaterThanOrEqual(1);
  // Every spill is counted by the method that tripped (what the control plane's spillover events name).
  expect(bw.spillovers_bandwidth_total).toBe(bw.spillovers_total);
  expect(bw.spillovers_connection_total + bw.spillovers_health_total + bw.spillovers_down_total).toBe(0);
});

it('spills when the health of the vserver falls below its threshold', async () => {
  const ok = await openHeld(agent.ports.health!);
  expect(['h1', 'h2']).toContain(ok.first);
  ok.socket.destroy();
  await h1.close(); // weight 3 of 4 gone: health 25 %
  const s = await until(
    () => agent.stats(),
    (x) => x.services.h1!.state === 'DOWN',
  );
  expect(s.vservers.health!.health_percent).toBe(25);
  const spilled = await openHeld(agent.ports.health!);
  expect(spilled.first).toBe('spare');
  spilled.socket.destroy();
  const health = (await agent.stats()).vservers.health!;
  expect(health.spillovers_health_total).toBeGreaterThanOrEqual(1);
  expect(health.spillovers_health_total).toBe(health.spillovers_total);
});
