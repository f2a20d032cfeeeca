// Our own corpus of request smuggling and desynchronisation cases (fixtures/smuggling.json),
// sent at the socket to a real agent process in front of a recording backend: every case is
// answered 400 and closed, and no request of it reaches the service (a valid request in front of
// a case on the same connection is served, and only it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, spawnAgent, type RunningAgent } from './helpers.js';
import { parseResponse, RawConnection, type RawResponse } from './raw-http.js';

interface SmugglingCase {
  name: string;
  raw: string;
  after?: string;
}
const corpus = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'smuggling.json'), 'utf8')) as { cases: SmugglingCase[] };

let web: Awaited<ReturnType<typeof httpBackend>>;
let agent: RunningAgent;

beforeAll(async () => {
  web = await httpBackend('web');
  agent = await spawnAgent({
    services: [{ name: 'web', address: '127.0.0.1', port: web.port, protocol: 'http', capacity: 1000, weight: 1, state: 'enabled', monitors: [] }],
    vservers: [{ name: 'front', protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'web' }], spillover: { methods: [] } }],
    agent: { workers: 1, drainTimeoutMs: 500 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await web?.close();
});

describe('request smuggling cases', () => {
  it('has cases', () => {
    expect(corpus.cases.length).toBeGreaterThan(30);
  });

  it.each(corpus.cases.map((c) => [c.name, c] as const))('answers 400 and closes, reaching no service: %s', async (_name, c) => {
    const before = web.requests.length;
    const conn = await RawConnection.open(agent.ports.front!);
    conn.write(Buffer.from((c.after ?? '') + c.raw, 'latin1'));
    const responses: RawResponse[] = [];
    const want = c.after ? 2 : 1;
    await conn.waitFor((x) => {
      for (let r = parseResponse(x.buf); r; r = parseResponse(x.buf)) {
        responses.push(r.response);
        x.buf = r.rest;
      }
      return responses.length >= want && x.closed;
    });
    const statuses = responses.map((r) => r.status);
    expect(statuses).toEqual(c.after ? [200, 400] : [400]);
    const body = JSON.parse(responses.at(-1)!.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 400, code: 'SPILLWAY_AGENT_BAD_REQUEST', error: 'Bad Request' });
    expect(typeof body.message).toBe('string');
    expect(conn.closed).toBe(true);
    expect(web.requests.length - before).toBe(c.after ? 1 : 0);
    if (c.after) expect(web.requests.at(-1)!.url).toBe('/first');
    conn.destroy();
  });
});
