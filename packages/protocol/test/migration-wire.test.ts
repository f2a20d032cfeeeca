// The live-migration wire constants shared by the agent and @spillway/migration: the import token
// and the control endpoint's client (answers, timeouts, aborts, unreachable, non-JSON, oversized).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_PATHS, importToken, postControl } from '../src/index.js';

let server: http.Server;
let port = 0;
const seen: Array<{ path: string; auth: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      if (req.url === '/hang') return;
      if (req.url === '/text') return void res.end('not json');
      if (req.url === '/big') return void res.end('x'.repeat(100));
      res.writeHead(409, { 'content-type': 'application/json' }).end('{"ok":false,"reason":"refused"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('the live-migration wire', () => {
  it('derives the import token as hex HMAC-SHA256 of the migration id keyed by the target secret', () => {
    expect(importToken('target-secret-0123456789', 'm-1')).toBe('48fb0bf871466d5310e8ddea739888ae5e9c29f44e061a8065a292101f4994bb');
    expect(MIGRATION_PATHS.export).toBe('/spillway/migration/v1/export');
  });

  it('posts JSON with the bearer token and returns the status and body', async () => {
    const r = await postControl('127.0.0.1', port, MIGRATION_PATHS.import, 'tok', { migrationId: 'm' }, { timeoutMs: 2000 });
    expect(r).toEqual({ kind: 'answer', status: 409, body: { ok: false, reason: 'refused' } });
    expect(seen.at(-1)).toEqual({ path: MIGRATION_PATHS.import, auth: 'Bearer tok', body: '{"migrationId":"m"}' });
    expect(await postControl('127.0.0.1', port, '/text', 't', {}, { timeoutMs: 2000 })).toEqual({ kind: 'answer', status: 200, body: null });
    expect(await postControl('127.0.0.1', port, '/big', 't', {}, { timeoutMs: 2000, maxAnswerBytes: 10 })).toMatchObject({ kind: 'unreachable' });
  });

  it('settles by its deadline, at once on abort, and when nothing listens; never rejects', async () => {
    expect(await postControl('127.0.0.1', port, '/hang', 't', {}, { timeoutMs: 100 })).toEqual({ kind: 'timeout' });
    const ac = new AbortController();
    const call = postControl('127.0.0.1', port, '/hang', 't', {}, { timeoutMs: 10_000, signal: ac.signal });
    ac.abort();
    expect(await call).toEqual({ kind: 'aborted' });
    expect(await postControl('127.0.0.1', port, '/x', 't', {}, { timeoutMs: 1000, signal: AbortSignal.abort() })).toEqual({ kind: 'aborted' });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const dead = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await postControl('127.0.0.1', dead, '/x', 't', {}, { timeoutMs: 1000 })).toMatchObject({ kind: 'unreachable' });
  });
});
