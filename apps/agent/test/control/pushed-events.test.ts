// Monitor transitions and active connections reach the control channel as they happen, pushed by
// the agent (monitors in the primary, counts from its 2 worker processes over IPC), not found by
// polling its stats: a channel server on a real socket sees them within a bound while the client
// reads the stats only once (for its hello; the periodic report is set to a minute).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAgentMessage, PROTOCOL_VERSION, type AgentMessage } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAgent, type Agent } from '../../src/agent.js';
import { ControlClient } from '../../src/control/control-client.js';
import { createLogger } from '../../src/log.js';
import { openHeld, tcpBackend, tcpService, until, type Backend } from '../helpers.js';

const log = createLogger({}, 'silent');
let wss: WebSocketServer;
const received: { at: number; msg: AgentMessage }[] = [];
let backend: Backend;
let health: http.Server;
let healthStatus = 200;
let agent: Agent;
let client: ControlClient;
let statsCalls = 0;

beforeAll(async () => {
  backend = await tcpBackend('b');
  health = http.createServer((_req, res) => {
    res.writeHead(healthStatus);
    res.end(healthStatus === 200 ? 'ok' : 'failing');
  });
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  const healthPort = (health.address() as AddressInfo).port;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: Buffer) => {
      const d = decodeAgentMessage(data);
      if (!d.ok) throw new Error(`the agent sent an invalid message: ${data.toString()}`);
      received.push({ at: Date.now(), msg: d.message });
      if (d.message.type === 'hello')
        ws.send(JSON.stringify({ type: 'welcome', protocol: PROTOCOL_VERSION, agentId: d.message.agent, heartbeatMs: 60_000, leaseMissedHeartbeats: 3 }));
    });
  });
  const real = await createAgent({
    config: {
      monitors: [{ name: 'hc', type: 'http', intervalMs: 50, timeoutMs: 500, fall: 1, rise: 1, weight: 1, http: { path: '/', expectStatus: [200] } }],
      services: [
        tcpService('b', backend.port, 100),
        // Probed on its own health server; carries no traffic.
        {
          name: 'watched',
          address: '127.0.0.1',
          port: healthPort,
          protocol: 'http',
          capacity: 100,
          weight: 1,
          state: 'enabled',
          monitors: [{ monitor: 'hc' }],
        },
      ],
      vservers: [{ name: 'v', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'b' }] }],
      agent: { name: 'agent-p', workers: 2, drainTimeoutMs: 500 },
    },
    log,
  });
  agent = real;
  // The agent as the client sees it, counting the stats it asks for.
  const counted: Agent = Object.create(real) as Agent;
  Object.defineProperty(counted, 'stats', {
    value: () => {
      statsCalls++;
      return real.stats();
    },
  });
  client = new ControlClient({
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    token: 't',
    agent: counted,
    log,
    reportMs: 60_000,
    backoff: { initialMs: 50, maxMs: 200 },
  });
  client.start();
  await until(
    async () => received.some((r) => r.msg.type === 'report'),
    (ok) => ok,
  ); // welcomed: the first report went out
});

afterAll(async () => {
  await client?.stop();
  await agent?.close();
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  await new Promise<void>((r) => health?.close(() => r()));
  await backend?.close();
});

const after = (t: number) => received.filter((r) => r.at >= t).map((r) => r.msg);
/** The first message received since `t` that `pred` accepts, waited for up to 2 s. */
const nextSince = (t: number, pred: (m: AgentMessage) => boolean) =>
  until(
    async () => after(t).find(pred),
    (m) => m !== undefined,
    2_000,
    10,
  );

describe('events pushed to the control channel', () => {
  it('sends a monitor transition within a second of the probe failing, and back, with no stats read', async () => {
    const calls = statsCalls;
    const t0 = Date.now();
    healthStatus = 503;
    await nextSince(t0, (m) => m.type === 'transition');
    expect(after(t0).find((m) => m.type === 'transition')).toMatchObject({ type: 'transition', service: 'watched', state: 'DOWN' });
    const down = received.find((r) => r.at >= t0 && r.msg.type === 'transition')!;
    expect(down.at - t0).toBeLessThan(1_000);
    const t1 = Date.now();
    healthStatus = 200;
    await until(
      async () => after(t1).find((m) => m.type === 'transition'),
      (m) => m !== undefined && m.type === 'transition' && m.state === 'UP',
      2_000,
      10,
    );
    expect(statsCalls).toBe(calls);
  });

  it('reports the state of its last monitor transition, not the older one of the counters read before it', async () => {
    // The counters were read once (the hello, with 'watched' UP); a report sent for a connection
    // opened after 'watched' went DOWN must vote DOWN, or the control plane's quorum takes it UP.
    const t0 = Date.now();
    healthStatus = 503;
    await nextSince(t0, (m) => m.type === 'transition' && m.state === 'DOWN');
    const t1 = Date.now();
    const o = await openHeld(agent.ports().v!);
    try {
      const report = await nextSince(t1, (m) => m.type === 'report');
      expect(report).toMatchObject({ type: 'report', services: { watched: { state: 'DOWN' } } });
    } finally {
      o.socket.destroy();
    }
    const t2 = Date.now();
    healthStatus = 200;
    await nextSince(t2, (m) => m.type === 'transition' && m.state === 'UP');
  });

  it("reports the workers' active connections as they open and close, with no stats read", async () => {
    const calls = statsCalls;
    const active = (t: number) =>
      after(t)
        .filter((m) => m.type === 'report')
        .map((m) => (m.type === 'report' ? m.vservers.v?.cxActive : undefined));
    const t0 = Date.now();
    const open = await Promise.all(Array.from({ length: 4 }, () => openHeld(agent.ports().v!)));
    expect(open.map((o) => o.first)).toEqual(['b', 'b', 'b', 'b']);
    await until(
      async () => active(t0),
      (seen) => seen.includes(4),
      2_000,
      10,
    );
    const t1 = Date.now();
    for (const o of open) o.socket.destroy();
    await until(
      async () => active(t1),
      (seen) => seen.at(-1) === 0,
      2_000,
      10,
    );
    expect(agent.active().vservers.v).toBe(0);
    expect(statsCalls).toBe(calls);
  });

  it('sends at most one report per 25 ms while connections churn, the last one with the final count', async () => {
    const t0 = Date.now();
    for (let round = 0; round < 5; round++) {
      const open = await Promise.all(Array.from({ length: 10 }, () => openHeld(agent.ports().v!)));
      for (const o of open) o.socket.destroy();
    }
    const reports = () => after(t0).filter((m) => m.type === 'report');
    await until(
      async () => reports().at(-1),
      (m) => m?.type === 'report' && m.vservers.v?.cxActive === 0,
      2_000,
      10,
    );
    const window = Date.now() - t0;
    expect(reports().length).toBeLessThanOrEqual(Math.ceil(window / 25) + 1);
  });
});
