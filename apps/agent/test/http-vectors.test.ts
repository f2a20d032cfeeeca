// llhttp's request corpus replayed through a real agent process at the socket (the cases of
// ../shared/http-vectors/llhttp in llhttp's strict mode; pausing.md and the lenient and
// finish types left out, they test parser options and callbacks). A case llhttp refuses gets a
// status from the agent (4xx) or, when what it refuses comes after a complete request on a
// connection that ends with it, that request answered and the close; a service never receives
// more requests than llhttp completed before its error. A case llhttp accepts is answered with a
// status for every request it holds (never a bare close). A few refused cases end in the middle
// of their head (the corpus checks the parser's incremental errors): the agent reads a first
// head whole before parsing it, so those get 408 at headersTimeoutMs (400 ms here), not 400.
// These stay valid for any HTTP engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, type RunningAgent } from './helpers.js';
import { loadVectors, type VectorCase } from './llhttp-vectors.js';
import { parseResponse, RawConnection, type RawResponse } from './raw-http.js';

let web: Awaited<ReturnType<typeof httpBackend>>;
let agent: RunningAgent;

beforeAll(async () => {
  web = await httpBackend('web');
  agent = await spawnAgent({
    services: [{ name: 'web', address: '127.0.0.1', port: web.port, protocol: 'http', capacity: 1000, weight: 1, state: 'enabled', monitors: [] }],
    vservers: [
      {
        name: 'front',
        protocol: 'http',
        listen: { port: 0, host: '127.0.0.1' },
        services: [{ service: 'web' }],
        spillover: { methods: [] },
        headersTimeoutMs: 400,
        timeoutMs: 1_000,
      },
    ],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await web?.close();
});

const cases = loadVectors().filter((c) => c.type === 'request' && c.file !== 'pausing.md');

async function replay(c: VectorCase): Promise<{ responses: RawResponse[]; closed: boolean; reached: number }> {
  const before = web.requests.length;
  const conn = await RawConnection.open(agent.ports.front!);
  conn.write(c.raw);
  const responses: RawResponse[] = [];
  const head = c.raw.toString('latin1').trimStart().startsWith('HEAD ');
  const take = (): void => {
    for (let r = parseResponse(conn.buf, head); r; r = parseResponse(conn.buf, head)) {
      responses.push(r.response);
      conn.buf = r.rest;
    }
  };
  const want = c.refused ? Infinity : Math.max(1, c.completed);
  await conn
    .waitFor((x) => {
      take();
      return x.closed || responses.length >= want;
    }, 4_000)
    .catch(() => {});
  take();
  const closed = conn.closed;
  conn.destroy();
  return { responses, closed, reached: web.requests.length - before };
}

const named = cases.map((c) => [`${c.file}: ${c.title}`, c] as const);

describe('llhttp request corpus through the agent', () => {
  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(named.filter(([, c]) => c.refused))('refuses with a status: %s', async (_name, c) => {
    const r = await replay(c);
    expect(r.reached).toBeLessThanOrEqual(c.completed);
    expect(r.closed).toBe(true);
    // Answers for the requests llhttp completed first (any status), then a 4xx for the rest,
    // unless the refused bytes came after a request that ends its connection.
    const after = r.responses.slice(c.completed);
    if (c.completed === 0) expect(after.length).toBeGreaterThanOrEqual(1);
    expect(r.responses.length).toBeGreaterThanOrEqual(Math.min(1, c.completed));
    for (const x of after) expect(x.status, JSON.stringify(r.responses.map((y) => y.status))).toBeGreaterThanOrEqual(400);
    for (const x of after) expect(x.status).toBeLessThan(500);
  });

  it.each(named.filter(([, c]) => !c.refused))('answers with a status, never a bare close: %s', async (_name, c) => {
    const r = await replay(c);
    expect(r.reached).toBeLessThanOrEqual(Math.max(1, c.completed));
    expect(r.responses.length).toBeGreaterThanOrEqual(1);
    for (const x of r.responses) expect(x.status).toBeGreaterThanOrEqual(200);
  });
});
