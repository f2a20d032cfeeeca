// A service the HTTP data plane cannot reach, through a real agent of two workers: errors on the
// TCP handles of HTTP connections are counted in the workers (http/handle-socket.ts) and shown in
// the primary's GET /stats as agent.handle_errors_total, summed over the workers; a connect that
// fails (refused at once, or no handshake within timeoutMs) counts the service's
// cx_connect_fail_total, as the TCP proxy counts it, beside the 502 or 504 the client gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blackhole, httpService, httpVServer, spawnAgent, until, type RunningAgent } from './helpers.js';

let agent: RunningAgent;
let hole: Awaited<ReturnType<typeof blackhole>>;

beforeAll(async () => {
  hole = await blackhole();
  agent = await spawnAgent({
    services: [
      // 224.0.0.1 (multicast) cannot be connected to over TCP: the kernel refuses the connect at once.
      httpService('unreachable', 80, 100, { address: '224.0.0.1' }),
      httpService('hole', hole.port, 100),
    ],
    vservers: [httpVServer('web', 'unreachable'), httpVServer('slow', 'hole', { timeoutMs: 300 })],
    // Round robin: the primary hands the connections to the two workers in turn, so each counts some.
    agent: { workers: 2, schedulingPolicy: 'rr' },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  for (const f of hole?.fillers ?? []) f.destroy();
  hole?.child.kill('SIGKILL');
});

async function statusOf(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
  await res.arrayBuffer();
  return res.status;
}

describe('a service the agent cannot reach', () => {
  it('answers 502 to a connect the kernel refuses, counted in agent.handle_errors_total summed over the workers and in cx_connect_fail_total', async () => {
    const before = (await agent.stats()).agent.handle_errors_total;
    expect(before).toEqual({ accept: 0, connect: 0, read: 0, write: 0, shutdown: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await statusOf(agent.ports.web!));
    expect(statuses).toEqual([502, 502, 502, 502]);
    const s = await until(
      () => agent.stats(),
      (x) => x.agent.handle_errors_total.connect >= 4,
    );
    expect(s.agent.handle_errors_total).toEqual({ accept: 0, connect: 4, read: 0, write: 0, shutdown: 0 });
    expect(s.services.unreachable).toMatchObject({ cx_connect_fail_total: 4, rq_error_total: 4, cx_active: 0 });
  });

  it('answers 504 when the handshake does not complete within timeoutMs, a connect failure but no handle error', async () => {
    const before = await agent.stats();
    expect(await statusOf(agent.ports.slow!)).toBe(504);
    const s = await until(
      () => agent.stats(),
      (x) => x.services.hole!.cx_connect_fail_total > 0,
    );
    expect(s.services.hole).toMatchObject({ cx_connect_fail_total: 1, rq_timeout_total: 1, cx_active: 0 });
    expect(s.agent.handle_errors_total).toEqual(before.agent.handle_errors_total);
  });
});
