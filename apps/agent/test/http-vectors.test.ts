// Conformance: llhttp's request corpus replayed through a real agent process, at the socket, to a
// recording backend. Every request case of every file runs (the lenient ones too: the agent parses
// strictly, so what strict llhttp refuses is refused whatever mode the case was written for). The
// oracle is strict llhttp itself (llhttpParse, Node's binding called directly, not the agent's glue):
// - each message llhttp completes reaches the backend intact (method, target, header fields in
//   order, body, trailers), unless one of the agent's own stricter rules refuses it (checkRequest of
//   src/http/request.ts, or CONNECT): then it and what follows get one 4xx, reach nothing, and the
//   connection closes;
// - bytes llhttp refuses get a 4xx after the answers to the messages before them (or, when a
//   message before them ends its connection, that close) and reach nothing.
// A case that ends in the middle of its head gets 408 at headersTimeoutMs (400 ms here).
// The corpus runs from the in-repo copy (fixtures/llhttp) and, when it exists, from the issue's
// ../shared/http-vectors/llhttp as well.
import { existsSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest, HOP_BY_HOP } from '../src/http/request.js';
import { spawnAgent, until, type RunningAgent } from './helpers.js';
import { llhttpParse, loadVectors, VECTORS_DIR, type LlhttpMessage, type VectorCase } from './llhttp-vectors.js';
import { parseResponse, RawConnection, type RawResponse } from './raw-http.js';

const SHARED_DIR = path.resolve(import.meta.dirname, '../../../../shared/http-vectors/llhttp');

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  rawTrailers: string[];
}
const seen: Seen[] = [];
/** Requests the backend is receiving (head arrived, not ended). */
let inflight = 0;
let backend: http.Server;
let agent: RunningAgent;

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    inflight++;
    req.once('close', () => inflight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks), rawTrailers: req.rawTrailers });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    });
  });
  backend.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    seen.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.alloc(0), rawTrailers: [] });
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n', () => socket.destroy());
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as net.AddressInfo).port;
  agent = await spawnAgent({
    services: [{ name: 'web', address: '127.0.0.1', port, protocol: 'http', capacity: 1000, weight: 1, state: 'enabled', monitors: [] }],
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
  backend?.closeAllConnections();
  await new Promise((r) => backend?.close(r));
});

/** Fields the agent removes or sets itself (hop-by-hop, the forwarding ones, Host, Expect). */
const OWN = new Set([...HOP_BY_HOP, 'expect', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']);

/** The end-to-end fields of a list as [name, value] pairs: OWN and the names a Connection field lists left out. */
function endToEnd(fields: readonly string[], connection: readonly string[] = fields): [string, string][] {
  const named = new Set<string>();
  for (let i = 0; i < connection.length; i += 2)
    if (connection[i]!.toLowerCase() === 'connection') for (const t of connection[i + 1]!.split(',')) named.add(t.trim().toLowerCase());
  const out: [string, string][] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (!OWN.has(name.toLowerCase()) && !named.has(name.toLowerCase())) out.push([name, fields[i + 1]!]);
  }
  return out;
}

/** What the agent must do with a case, from the oracle and the agent's own rules. */
function expectation(c: VectorCase): { reach: LlhttpMessage[]; refusal: boolean; reason: string } {
  const { messages, error } = llhttpParse(c.raw);
  const reach: LlhttpMessage[] = [];
  for (const m of messages) {
    if (!m.complete) break;
    const verdict = checkRequest(m.method, m.url, m.major, m.minor, m.headers);
    if (m.method === 'CONNECT') return { reach, refusal: true, reason: 'CONNECT is not served' };
    if (verdict.kind === 'refuse') return { reach, refusal: true, reason: verdict.message };
    reach.push(m);
    if (m.upgrade || !m.keepAlive) return { reach, refusal: false, reason: m.upgrade ? 'upgrade' : 'the message ends its connection' };
  }
  if (error !== null) return { reach, refusal: true, reason: `llhttp: ${error}` };
  return { reach, refusal: false, reason: 'accepted' };
}

/** Sends a case and reads `want` answers (and the close, when `closes`). */
async function replay(c: VectorCase, want: number, closes: boolean): Promise<{ responses: RawResponse[]; closed: boolean; reached: Seen[] }> {
  // What an earlier case sent has arrived whole before this one starts.
  await until(
    async () => inflight,
    (n) => n === 0,
  );
  const before = seen.length;
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
  await conn
    .waitFor((x) => {
      take();
      return x.closed || (responses.length >= want && !closes);
    }, 4_000)
    .catch(() => undefined);
  take();
  const closed = conn.closed;
  conn.destroy();
  return { responses, closed, reached: seen.slice(before) };
}

function corpus(dir: string): void {
  const cases = loadVectors(dir).filter((c) => c.type.startsWith('request'));

  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(120);
  });

  it.each(cases.map((c) => [`${c.file}: ${c.title} (${c.type})`, c] as const))('%s', async (_name, c) => {
    const x = expectation(c);
    const r = await replay(c, x.reach.length + (x.refusal ? 1 : 0), x.refusal);
    const why = `${x.reason}; statuses ${JSON.stringify(r.responses.map((y) => y.status))}; reached ${JSON.stringify(r.reached.map((y) => `${y.method} ${y.url}`))}`;
    // Every message that may reach the backend reaches it intact, in order; nothing else reaches it.
    expect(r.reached.length, why).toBe(x.reach.length);
    x.reach.forEach((m, i) => {
      const got = r.reached[i]!;
      expect(got.method, why).toBe(m.method);
      const target = checkRequest(m.method, m.url, m.major, m.minor, m.headers);
      expect(got.url, why).toBe(target.kind === 'forward' ? target.path : m.url);
      expect(endToEnd(got.rawHeaders), why).toEqual(endToEnd(m.headers));
      // An upgrade's body is read by the service from the tunnel, after its head (node:http's 'upgrade' has no body).
      if (!m.upgrade) expect(got.body.equals(m.body), why).toBe(true);
      expect(endToEnd(got.rawTrailers, m.headers), why).toEqual(endToEnd(m.trailers, m.headers));
    });
    const answered = r.responses.filter((y) => y.status >= 200);
    if (x.refusal) {
      // Answers for the messages served first, then one 4xx, then the close.
      expect(answered.length, why).toBe(x.reach.length + 1);
      for (const y of answered.slice(0, -1)) expect(y.status, why).toBe(200);
      expect(answered.at(-1)!.status, why).toBeGreaterThanOrEqual(400);
      expect(answered.at(-1)!.status, why).toBeLessThan(500);
      expect(r.closed, why).toBe(true);
    } else {
      const upgraded = x.reach.at(-1)?.upgrade === true;
      expect(answered.length, why).toBe(upgraded ? x.reach.length - 1 : x.reach.length);
      for (const y of answered) expect(y.status, why).toBe(200);
    }
  });
}

describe('llhttp request corpus through the agent (in-repo copy, fixtures/llhttp)', () => {
  corpus(VECTORS_DIR);
});

describe.skipIf(!existsSync(SHARED_DIR))(
  `llhttp request corpus through the agent (../shared/http-vectors/llhttp${existsSync(SHARED_DIR) ? '' : ': skipped, the folder does not exist here'})`,
  () => {
    // A skipped describe still runs its body to collect its tests: read the folder only when it exists.
    if (existsSync(SHARED_DIR)) corpus(SHARED_DIR);
    else it.skip('the folder does not exist here', () => undefined);
  },
);
