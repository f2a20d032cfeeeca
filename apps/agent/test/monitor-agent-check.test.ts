// Agent-check monitors (issue 16 item 2, HAProxy compatible) against real TCP agent-check
// responders beside real backends: `drain` stops new connections while an open one continues,
// `maxconn:2` lowers the vserver's dynamic threshold by the difference at the first check after
// the change, `50%` halves the share of new connections, `down`/`up` turn the service DOWN/UP,
// and /stats shows the effective weight, capacity and drain.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentCheck, echoes, openHeld, openInTurn, spawnAgent, tcpBackend, tcpService, tcpVServer, until, type Backend, type RunningAgent } from './helpers.js';

const INTERVAL = 400;
let a: Backend;
let b: Backend;
let checkA: Awaited<ReturnType<typeof agentCheck>>;
let checkB: Awaited<ReturnType<typeof agentCheck>>;
let agent: RunningAgent;

beforeAll(async () => {
  [a, b, checkA, checkB] = await Promise.all([tcpBackend('a'), tcpBackend('b'), agentCheck('up 100%'), agentCheck('up')]);
  // fall 2 and a generous timeout: one probe slowed by a loaded machine does not flap the service.
  const timing = { intervalMs: INTERVAL, timeoutMs: 350, fall: 2, rise: 1 };
  agent = await spawnAgent({
    monitors: [
      { name: 'fb-a', type: 'agent', ...timing, agent: { port: checkA.port } },
      { name: 'fb-b', type: 'agent', ...timing, agent: { port: checkB.port, send: 'status\n' } },
    ],
    services: [
      tcpService('a', a.port, 100, { weight: 2, monitors: [{ monitor: 'fb-a' }] }),
      tcpService('b', b.port, 50, { weight: 2, monitors: [{ monitor: 'fb-b' }] }),
    ],
    vservers: [{ ...tcpVServer('v', ['a', 'b'], { methods: [{ type: 'dynamicconnection' }] }), lbMethod: 'weighted' }],
    agent: { workers: 1 },
  });
  await until(
    () => agent.stats(),
    (s) => s.services.a!.effective?.line === 'up 100%' && s.services.b!.effective?.line === 'up' && s.vservers.v!.threshold === 150,
  );
}, 40_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all([a?.close(), b?.close(), checkA?.close(), checkB?.close()]);
});

/** Where `n` new connections land, one after the other. */
async function landings(n: number): Promise<string[]> {
  const batch = await openInTurn(agent.ports.v!, n);
  batch.close();
  return batch.firsts;
}

it('shows the effective weight, capacity and drain in /stats, and the threshold is the configured capacity without feedback', async () => {
  const s = await agent.stats();
  expect(s.services.a!.effective).toMatchObject({ weight: 2, capacity: 100, state: 'enabled', drain: false, weightPercent: 100, maxconn: null });
  expect(s.vservers.v!.threshold).toBe(150);
});

it('drain: no new connection goes to the service while its open connection keeps flowing', async () => {
  // An open connection on a.
  let held: net.Socket | null = null;
  while (!held) {
    const c = await openHeld(agent.ports.v!);
    if (c.first === 'a') held = c.socket;
    else c.socket.destroy();
  }
  checkA.say('drain');
  await until(
    () => agent.stats(),
    (s) => s.services.a!.effective?.drain === true,
    10_000,
  );
  // Once the workers serve the drained document (observed: a run of new connections all on b), none goes to a.
  await until(
    () => landings(4),
    (l) => l.every((x) => x === 'b'),
  );
  expect(new Set(await landings(20))).toEqual(new Set(['b']));
  const s = await agent.stats();
  expect(s.services.a!.effective).toMatchObject({ drain: true, state: 'disabled', line: 'drain' });
  expect(s.services.a!.state).toBe('UP');
  // The open connection still echoes through a.
  expect(await echoes(held, 'still here')).toContain('still here');
  held.destroy();

  checkA.say('ready');
  await until(
    () => landings(6),
    (l) => l.includes('a'),
  );
});

it('maxconn:2 lowers the dynamic threshold by the difference at the first check after the change', async () => {
  expect((await agent.stats()).vservers.v!.threshold).toBe(150);
  checkA.say('maxconn:2');
  const s = await until(
    () => agent.stats(),
    (x) => x.vservers.v!.threshold !== 150,
    15_000,
    10,
  );
  // One answer of the new line (a second one may be in flight while stats are read): one interval.
  expect(checkA.answered).toBeLessThanOrEqual(2);
  expect(s.vservers.v!.threshold).toBe(52);
  expect(s.services.a!.effective).toMatchObject({ capacity: 2, maxconn: 2 });
  checkA.say('maxconn:100');
  await until(
    () => agent.stats(),
    (x) => x.vservers.v!.threshold === 150,
  );
});

it('50% halves the service weight, and so its share of new connections', async () => {
  checkA.say('50%');
  await until(
    () => agent.stats(),
    (s) => s.services.a!.effective?.weight === 1,
  );
  // Weighted round robin over a (1) and b (2): a gets a third once the workers serve the new weight.
  await until(
    async () => (await landings(30)).filter((x) => x === 'a').length,
    (n) => n === 10,
  );
  const l = await landings(60);
  expect(l.filter((x) => x === 'a').length).toBe(20);
  checkA.say('100%');
});

it('down marks the service DOWN with the agent’s reason (its capacity leaves the threshold), up brings it back', async () => {
  checkB.say('stopped # upgrade');
  let s = await until(
    () => agent.stats(),
    (x) => x.services.b!.state === 'DOWN',
  );
  expect(s.services.b!.monitors[0]!.reason).toBe('agent says stopped: upgrade');
  expect(s.vservers.v!.threshold).toBe(100);
  // A line that says nothing of the operating state keeps it DOWN (only the agent reverts its own words).
  checkB.say('75%');
  await until(
    () => agent.stats(),
    (x) => x.services.b!.effective?.line === '75%',
  );
  expect((await agent.stats()).services.b!.state).toBe('DOWN');
  checkB.say('up');
  s = await until(
    () => agent.stats(),
    (x) => x.services.b!.state === 'UP',
  );
  expect(s.vservers.v!.threshold).toBe(150);
});
