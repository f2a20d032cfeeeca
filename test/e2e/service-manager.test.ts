// Service-manager selection across agents (issue 16 item 1; 001 claim 1): the control plane as it
// ships (server.ts on a real Postgres, configured through the REST API), two agent processes (one
// loopback address each) and four real backends. A vserver with selection: manager and round
// robin: each agent alone would send a client's connections to different backends; the manager
// places each new client once and every agent (a restarted one too) sends it there. With the
// control plane stopped, new clients are still served, placed by the agents themselves (counted).
// Clients are told apart by source address (127.0.1.x, 127.0.2.x on loopback). A second vserver
// with selection: local, fed the same sequence, shows what the agents do alone (the control).
// The agents wait up to 2 s for the manager here (its budget, default 50 ms, is the bench's
// business; a busy test machine's first round trips pass 50 ms and would be placed locally).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { ADMIN_TOKEN, agentToken, freePort, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from './helpers.js';

const NAMES = ['s-1', 's-2', 's-3', 's-4'];

let db: TestDatabase;
let cp: ControlPlaneProc;
let agents: AgentProc[] = [];
let backends: Backend[] = [];
let webs: Backend[] = [];
let httpPort = 0;
let port = 0;
let localPort = 0;
/** The agents' environment: a selection budget no loaded test machine misses. */
const AGENT_ENV = { SPILLWAY_AGENT_SELECTION_BUDGET_MS: '2000' };
const tokens: string[] = [];

/** One connection of client `from` through agent `a`: the name of the backend that answered (its first line). */
function served(a: AgentProc, from: string, to = port): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: a.host, port: to, localAddress: from });
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer through ${a.name} for ${from}`));
    }, 5_000);
    s.on('data', (d: Buffer) => {
      got += d.toString();
      const nl = got.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.destroy();
      resolve(got.slice(0, nl));
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.on('close', () => {
      clearTimeout(timer);
      if (!got.includes('\n')) reject(new Error(`closed without an answer through ${a.name} for ${from}`));
    });
  });
}

/** One HTTP request of client `from` through agent `a` (with `cookie`): the backend that answered and the cookie set. */
function get(a: AgentProc, from: string, cookie?: string): Promise<{ backend: string; setCookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: a.host, port: httpPort, path: '/', localAddress: from, agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ backend: String(res.headers['x-backend']), setCookie: res.headers['set-cookie']?.[0] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const selection = async (a: AgentProc) => (await a.stats()).vservers.sm?.selection;

beforeAll(async () => {
  backends = await Promise.all(NAMES.map((n) => tcpBackend(n)));
  [port, localPort, httpPort] = await Promise.all([freePort(), freePort(), freePort()]);
  webs = await Promise.all(['h-1', 'h-2'].map((n) => httpBackend(n)));
  db = await createTestDatabase();
  // A lease of 30 heartbeats (6 s): the control plane stopped for a few seconds keeps its sessions.
  cp = await startControlPlane(db.url, 0, { SPILLWAY_LEASE_MISSED_HEARTBEATS: '30' });
  tokens.push(await agentToken(cp, 'agent-a'), await agentToken(cp, 'agent-b'));
  agents = await Promise.all([
    startAgent('agent-a', tokens[0]!, cp.url, '127.0.0.2', 1, AGENT_ENV),
    startAgent('agent-b', tokens[1]!, cp.url, '127.0.0.3', 1, AGENT_ENV),
  ]);
  await cp.call('PUT', '/v1/config', {
    services: [
      ...backends.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port, protocol: 'tcp', capacity: 100 })),
      ...webs.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port, protocol: 'http', capacity: 100 })),
    ],
    monitors: [],
    vservers: [
      {
        name: 'sm',
        protocol: 'tcp',
        listen: { port },
        lbMethod: 'roundrobin',
        selection: 'manager',
        persistence: { type: 'sourceip', timeoutSeconds: 300 },
        services: NAMES.map((service) => ({ service })),
        spillover: { methods: [], action: 'drop' },
      },
      {
        name: 'smh',
        protocol: 'http',
        listen: { port: httpPort },
        lbMethod: 'roundrobin',
        selection: 'manager',
        persistence: { type: 'cookie', timeoutSeconds: 300 },
        services: webs.map((b) => ({ service: b.name })),
        spillover: { methods: [], action: 'drop' },
      },
      {
        name: 'lo',
        protocol: 'tcp',
        listen: { port: localPort },
        lbMethod: 'roundrobin',
        persistence: { type: 'sourceip', timeoutSeconds: 300 },
        services: NAMES.map((service) => ({ service })),
        spillover: { methods: [], action: 'drop' },
      },
    ],
  });
  await until(
    () => Promise.all(agents.map((a) => a.stats())),
    (st) => st.every((s) => s.listeners.sm === port && s.listeners.lo === localPort && s.listeners.smh === httpPort),
    30_000,
    'both agents serving sm',
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([...agents.map((a) => a.kill()), cp?.kill()]);
  await Promise.all([...backends, ...webs].map((b) => b.close()));
  await db?.drop();
});

describe('service-manager selection across two agents', () => {
  it("sends every connection of a client to one backend, whichever agent takes it, a restarted agent's too", async () => {
    const clients = ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4'];
    /** Six connections of each client, alternating agents (client i starts on agent i % 2): the backends each client reached. */
    const run = async (to: number): Promise<Map<string, Set<string>>> => {
      const reached = new Map(clients.map((c) => [c, new Set<string>()]));
      for (let round = 0; round < 6; round++) for (const [i, c] of clients.entries()) reached.get(c)!.add(await served(agents[(round + i) % 2]!, c, to));
      return reached;
    };
    const managed = await run(port);
    for (const [c, set] of managed) expect([...set], `the backends ${c} reached`).toHaveLength(1);
    const first = new Map([...managed].map(([c, set]) => [c, [...set][0]!]));
    // The manager's round robin spread the new clients over the backends.
    expect(new Set(first.values()).size).toBeGreaterThan(1);
    // The control: selected by each agent alone, some client reaches two backends.
    const alone = await run(localPort);
    expect([...alone.values()].some((set) => set.size > 1)).toBe(true);
    const placed = await Promise.all(agents.map(selection));
    expect(placed.reduce((n, s) => n + (s?.manager_total ?? 0), 0)).toBeGreaterThanOrEqual(clients.length);
    expect(placed.every((s) => s !== undefined && s.local_fallback_total === 0)).toBe(true);
    expect(placed.some((s) => s?.rtt_p50_ms != null)).toBe(true);
    // The control plane's status and /metrics say so, from the agents' reports.
    await until(
      () => cp.get<{ selection?: { managerTotal: number; localFallbackTotal: number } }>('/v1/vservers/sm/status'),
      // Each client was asked for once through each agent (the second an answer from the global table).
      (st) => st.selection?.managerTotal === 2 * clients.length && st.selection.localFallbackTotal === 0,
      10_000,
      'selection counters in the vserver status',
    );
    const metrics = await (await fetch(`${cp.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(metrics).toMatch(/^spillway_selection_manager_total\{vserver="sm",agent="agent-a"\} \d+$/m);
    expect(metrics).toMatch(/^spillway_selection_rtt_ms\{vserver="sm",agent="agent-b",quantile="0.99"\} [\d.]+$/m);

    // A restarted agent knows no client: the manager's table answers it the same.
    await agents[0]!.kill();
    agents[0] = await startAgent('agent-a', tokens[0]!, cp.url, '127.0.0.2', 1, AGENT_ENV);
    await until(
      () => agents[0]!.stats(),
      (s) => s.listeners.sm === port,
      30_000,
      'agent-a serving again',
    );
    for (const c of clients) expect(await served(agents[0], c), `${c} through the restarted agent`).toBe(first.get(c));
    expect((await selection(agents[0]))?.manager_total).toBe(clients.length);
  }, 90_000);

  it("sends an HTTP client without a cookie to the manager's service through either agent, and sets the cookie naming it", async () => {
    const reached = new Set<string>();
    for (const c of ['127.0.4.1', '127.0.4.2', '127.0.4.3']) {
      const first = await get(agents[0]!, c);
      expect(first.setCookie).toMatch(new RegExp(`^SPILLWAY_smh=${first.backend};`));
      // The same client through the other agent, still without the cookie: the manager's table (by source address).
      expect((await get(agents[1]!, c)).backend).toBe(first.backend);
      // With the cookie: the cookie decides, no question.
      expect((await get(agents[1]!, c, first.setCookie!.split(';')[0])).backend).toBe(first.backend);
      reached.add(first.backend);
    }
    expect(reached.size).toBe(2);
  }, 30_000);

  it('has an agent place a new client itself when the manager answers past the budget (counted), and the late answer place the next connections', async () => {
    const client = '127.0.3.1';
    const before = (await selection(agents[0]!))!;
    // SIGSTOP: the control plane holds the question unanswered for longer than the agents' budget (2 s here).
    process.kill(-cp.pid, 'SIGSTOP');
    let first: string;
    try {
      first = await served(agents[0]!, client);
    } finally {
      process.kill(-cp.pid, 'SIGCONT');
    }
    expect(NAMES).toContain(first);
    const after = (await selection(agents[0]!))!;
    expect(after.local_budget_total - before.local_budget_total).toBe(1);
    expect(after.local_fallback_total - before.local_fallback_total).toBe(1);
    // The manager's late answer is the client's service from now on, through either agent.
    const placed = await until(
      () => served(agents[1]!, client),
      (b) => NAMES.includes(b),
      10_000,
      'the client through the other agent',
    );
    await until(
      () => served(agents[0]!, client),
      (b) => b === placed,
      10_000,
      'the late answer placing the next connections on the first agent',
    );
  }, 60_000);

  it('serves new clients with the control plane stopped, placed by the agents themselves and counted', async () => {
    const known = await served(agents[1]!, '127.0.1.1');
    const before = await Promise.all(agents.map(selection));
    // Killed: its sockets close, so the agents know at once (a manager that hangs costs each new client the budget).
    await cp.kill();
    const clients = ['127.0.2.1', '127.0.2.2', '127.0.2.3'];
    for (const c of clients) for (const a of agents) expect(NAMES).toContain(await served(a, c));
    // A client placed before keeps its backend on the agents that know it (static stability).
    expect(await served(agents[1]!, '127.0.1.1')).toBe(known);
    const after = await Promise.all(agents.map(selection));
    const fallbacks = after.reduce((n, s, i) => n + (s?.local_fallback_total ?? 0) - (before[i]?.local_fallback_total ?? 0), 0);
    expect(fallbacks).toBeGreaterThanOrEqual(clients.length);
  }, 60_000);
});
