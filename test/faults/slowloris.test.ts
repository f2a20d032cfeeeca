// Fault suite, slow and silent clients (issue 10, item 4), against a real agent process with two
// workers: HTTP connections that trickle their headers take no use of a vserver's limit (a
// connection counts once its first request head is complete) and are answered 408 and closed at
// headersTimeoutMs; a later request of a keep-alive connection is cut the same way; an idle
// keep-alive connection closes at keepAliveTimeoutMs; idle TCP connections close at
// clientTimeoutMs. Timeouts are short here (700 ms) so the file stays fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, tcpBackend, type Backend, type RunningAgent } from '../../apps/agent/test/helpers.js';
import { RawConnection } from '../../apps/agent/test/raw-http.js';
import { until } from '../kit/until.js';

const HEADERS_TIMEOUT_MS = 700;
const KEEP_ALIVE_TIMEOUT_MS = 700;
const CLIENT_TIMEOUT_MS = 700;
const LIMIT = 20;
/** Slack on a deadline: the agent's timer, its 1 s lingering close and a shared 2-core machine. */
const SLACK_MS = 2_500;

let web: Awaited<ReturnType<typeof httpBackend>>;
let echo: Backend;
let agent: RunningAgent;

beforeAll(async () => {
  [web, echo] = await Promise.all([httpBackend('web'), tcpBackend('echo')]);
  const limited = { methods: [{ type: 'connection', threshold: LIMIT }], action: 'drop' };
  agent = await spawnAgent({
    services: [
      { name: 'web', address: '127.0.0.1', port: web.port, protocol: 'http', capacity: 1000, weight: 1, state: 'enabled', monitors: [] },
      { name: 'echo', address: '127.0.0.1', port: echo.port, protocol: 'tcp', capacity: 1000, weight: 1, state: 'enabled', monitors: [] },
    ],
    vservers: [
      {
        name: 'front',
        protocol: 'http',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'web' }],
        spillover: limited,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
      },
      // Default headersTimeoutMs (10 s): tricklers stay for the whole test of the counting rule.
      { name: 'patient', protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'web' }], spillover: limited },
      {
        name: 'pipe',
        protocol: 'tcp',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'echo' }],
        spillover: limited,
        clientTimeoutMs: CLIENT_TIMEOUT_MS,
      },
    ],
    agent: { workers: 2, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await Promise.all([web?.close(), echo?.close()]);
});

/** A client that sends a request head one header line at a time, never finishing it. */
async function trickler(port: number): Promise<{ conn: RawConnection; openedAt: number; stop: () => void }> {
  const openedAt = Date.now(); // before connect: the agent's clock for this client starts later
  const conn = await RawConnection.open(port);
  conn.write('GET / HTTP/1.1\r\nHost: t\r\n');
  let n = 0;
  const timer = setInterval(() => {
    if (!conn.closed) conn.write(`X-Slow-${n++}: y\r\n`);
  }, 100);
  return { conn, openedAt, stop: () => clearInterval(timer) };
}

async function get(port: number): Promise<number> {
  const conn = await RawConnection.open(port);
  conn.write('GET /normal HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  const res = await conn.response();
  conn.destroy();
  return res?.status ?? 0;
}

describe('HTTP clients that trickle their request head', () => {
  it('take no use of the limit: 30 tricklers on a vserver limited to 20 leave normal clients served', async () => {
    const port = agent.ports.patient!;
    const slow = await Promise.all(Array.from({ length: 30 }, () => trickler(port)));
    try {
      // Every trickler accepted, whatever the agent made of it (head being read, admitted, or dropped).
      await until(
        () => agent.stats(),
        (s) => {
          const v = s.vservers.patient!;
          return (v.cx_reading_head ?? 0) + v.cx_active + v.dropped_total >= 30;
        },
        { what: '30 tricklers accepted' },
      );
      const statuses = await Promise.all(Array.from({ length: 10 }, () => get(port)));
      expect(statuses).toEqual(Array(10).fill(200));
      const s = await agent.stats();
      expect(s.vservers.patient!.dropped_total).toBe(0);
      expect(s.vservers.patient!.cx_reading_head).toBe(30);
    } finally {
      for (const s of slow) s.stop();
      for (const s of slow) s.conn.destroy();
    }
  });

  it('are answered 408 and closed at headersTimeoutMs', async () => {
    const before = (await agent.stats()).vservers.front!.rq_header_timeout_total;
    const slow = await Promise.all(Array.from({ length: 20 }, () => trickler(agent.ports.front!)));
    try {
      const answers = await Promise.all(
        slow.map(async (s) => {
          const res = await s.conn.response(HEADERS_TIMEOUT_MS + SLACK_MS);
          const answeredAfter = Date.now() - s.openedAt;
          s.stop();
          await s.conn.closedByPeer(SLACK_MS);
          return { status: res?.status, answeredAfter };
        }),
      );
      for (const a of answers) {
        expect(a.status).toBe(408);
        expect(a.answeredAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
        expect(a.answeredAfter).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      }
      const s = await until(
        () => agent.stats(),
        (x) => x.vservers.front!.rq_header_timeout_total >= before + 20,
      );
      expect(s.vservers.front!.cx_active).toBe(0);
    } finally {
      for (const s of slow) {
        s.stop();
        s.conn.destroy();
      }
    }
  });

  it('cuts a keep-alive connection whose second request head trickles with 408', async () => {
    const conn = await RawConnection.open(agent.ports.front!);
    conn.write('GET /first HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await conn.response())?.status).toBe(200);
    const started = Date.now();
    conn.write('GET /second HTTP/1.1\r\nHost: t\r\n');
    const timer = setInterval(() => {
      if (!conn.closed) conn.write('X-Slow: y\r\n');
    }, 100);
    try {
      const res = await conn.response(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(res?.status).toBe(408);
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
    } finally {
      clearInterval(timer);
      conn.destroy();
    }
  });

  it('closes an idle keep-alive connection at keepAliveTimeoutMs, freeing its use of the limit', async () => {
    const conn = await RawConnection.open(agent.ports.front!);
    conn.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await conn.response())?.status).toBe(200);
    const idleFrom = Date.now();
    await conn.closedByPeer(KEEP_ALIVE_TIMEOUT_MS + SLACK_MS);
    expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 50);
    await until(
      () => agent.stats(),
      (s) => s.vservers.front!.cx_active === 0,
    );
  });
});

describe('idle TCP clients', () => {
  it('are closed at clientTimeoutMs while a client that keeps talking stays, and new clients get in once the idle ones are gone', async () => {
    const port = agent.ports.pipe!;
    const before = (await agent.stats()).vservers.pipe!.cx_idle_timeout_total;
    const opened = Date.now(); // before connect: the agent's clock for these clients starts later
    // The limit full: LIMIT - 1 silent clients and one that keeps talking.
    const idle = await Promise.all(Array.from({ length: LIMIT - 1 }, () => RawConnection.open(port)));
    const talker = await RawConnection.open(port);
    const timer = setInterval(() => talker.write('ping\n'), 100);
    try {
      await Promise.all(idle.map((c) => c.closedByPeer(CLIENT_TIMEOUT_MS + SLACK_MS)));
      expect(Date.now() - opened).toBeGreaterThanOrEqual(CLIENT_TIMEOUT_MS);
      expect(talker.closed).toBe(false);
      const s = await until(
        () => agent.stats(),
        (x) => x.vservers.pipe!.cx_idle_timeout_total >= before + LIMIT - 1,
      );
      expect(s.vservers.pipe!.cx_active).toBe(1);
      const fresh = await RawConnection.open(port);
      await fresh.waitFor((c) => c.buf.includes('\n'));
      expect(fresh.buf.toString()).toBe('echo\n');
      fresh.destroy();
    } finally {
      clearInterval(timer);
      talker.destroy();
      for (const c of idle) c.destroy();
    }
  });
});
