// @spillway/migration on real sockets, in-process: a source and a target backend running a small
// stateful app (numbered lines on a timer, a running sum of the numbers the client sends), and a
// fake of the agent's steps (PROXY header, export request, reading the source up to outputOffset,
// reconnecting to the target with TLV 0xE1). The real agent's e2e is test/e2e/live-migration.test.ts.
import http from 'node:http';
import net from 'node:net';
import { encodeProxyV2 } from '@spillway/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/kit/until.js';
import { MigratableServer, importToken, type MigratableConnection, type MigratableServerOptions } from '../src/index.js';

const SECRET = 'test-secret-0123456789';
const servers: MigratableServer[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface AppState {
  next: number;
  sum: number;
  /** A number whose end has not arrived: part of the state, since a migration may fall inside it. */
  partial: string;
}

/** A backend running the app: `seq N` every `tickMs`, and `sum S` after each number line it reads. */
async function backend(opts: Partial<MigratableServerOptions> = {}, tickMs = 5) {
  const server = new MigratableServer({ secret: SECRET, ...opts });
  servers.push(server);
  const conns: MigratableConnection[] = [];
  server.on('connection', (conn) => {
    conns.push(conn);
    const st: AppState = conn.imported ? { ...(conn.imported as AppState) } : { next: 0, sum: 0, partial: '' };
    conn.exportState = () => ({ ...st });
    conn.on('data', (c: Buffer) => {
      st.partial += c.toString('latin1');
      let nl: number;
      while ((nl = st.partial.indexOf('\n')) >= 0) {
        st.sum += Number(st.partial.slice(0, nl));
        st.partial = st.partial.slice(nl + 1);
        conn.write(`sum ${st.sum}\n`);
      }
    });
    const timer = setInterval(() => {
      if (!conn.writableEnded) conn.write(`seq ${st.next++}\n`);
    }, tickMs);
    conn.on('close', () => clearInterval(timer));
  });
  const ports = await server.listen({ port: 0, host: '127.0.0.1', controlPort: 0 });
  return { server, conns, ...ports };
}

/** The agent's upstream leg: connects, writes the PROXY header, collects what the backend sends. */
async function leg(port: number, connectionId: string | undefined, migrationId?: string, header = true) {
  const s = net.connect({ port, host: '127.0.0.1' });
  sockets.push(s);
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  const out: Buffer[] = [];
  let size = 0;
  s.on('data', (c: Buffer) => {
    out.push(c);
    size += c.length;
  });
  s.on('error', () => {});
  let sent = 0;
  if (header)
    s.write(encodeProxyV2({ source: { address: '192.0.2.7', port: 40000 }, destination: { address: '127.0.0.1', port: 8080 }, connectionId, migrationId }));
  return {
    socket: s,
    send: (text: string) => {
      sent += Buffer.byteLength(text);
      s.write(text);
    },
    get sent() {
      return sent;
    },
    get size() {
      return size;
    },
    bytes: () => Buffer.concat(out),
    closed: () => s.destroyed || s.readableEnded,
  };
}

async function control(port: number, path: string, body: unknown, token = SECRET) {
  const res = await fetch(`http://127.0.0.1:${port}/spillway/migration/v1/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Checks a client's view: seq lines 0,1,2… with no gap or repeat; each sum line the running sum of the numbers sent. */
function checkStream(text: string, numbers: number[]): { seqs: number; sums: number } {
  let seq = 0;
  let sums = 0;
  let sum = 0;
  for (const line of text.split('\n').slice(0, -1)) {
    const [kind, value] = line.split(' ');
    if (kind === 'seq') expect(Number(value), `after seq ${seq - 1}`).toBe(seq++);
    else {
      sum += numbers[sums++]!;
      expect(Number(value), `sum line ${sums}`).toBe(sum);
    }
  }
  return { seqs: seq, sums };
}

describe('a connection on a migratable backend', () => {
  it('knows the client address and connection id from the PROXY header and counts bytes in and out exactly', async () => {
    const a = await backend({}, 1000);
    const up = await leg(a.port, 'agent.0.x:1');
    up.send('5\n7\n');
    await until(
      () => up.size,
      (n) => n >= 'sum 5\nsum 12\n'.length,
    );
    const conn = a.conns[0]!;
    expect(conn.id).toBe('agent.0.x:1');
    expect(conn.client).toEqual({ address: '192.0.2.7', port: 40000 });
    expect(a.server.connections.get('agent.0.x:1')).toBe(conn);
    expect(conn.bytesIn).toBe(4);
    expect(conn.bytesOut).toBe(up.size);
    expect(up.bytes().toString()).toBe('seq 0\nsum 5\nsum 12\n'.slice(up.bytes().toString().startsWith('seq') ? 0 : 6));
  });

  it('closes sockets without a header (required), with a malformed one or none in time, and keeps serving', async () => {
    const a = await backend({ timeouts: { headerMs: 200 } });
    const plain = await leg(a.port, undefined, undefined, false);
    plain.send('GET / HTTP/1.1\r\n\r\n');
    const bad = await leg(a.port, undefined, undefined, false);
    bad.socket.write(Buffer.concat([encodeProxyV2({ connectionId: 'x:1' }).subarray(0, 12), Buffer.from([0x31, 0x11, 0, 0])]));
    const silent = await leg(a.port, undefined, undefined, false);
    await until(
      () => [plain.closed(), bad.closed(), silent.closed()],
      (c) => c.every(Boolean),
      { what: 'the three sockets closed' },
    );
    expect(a.server.stats.badHeaders).toBe(3);
    const good = await leg(a.port, 'agent.0.x:2');
    good.send('1\n');
    await until(
      () => good.bytes().toString(),
      (t) => t.includes('sum 1\n'),
    );
  });

  it('serves a socket without a header as a plain connection when the header is optional', async () => {
    const a = await backend({ proxyHeader: 'optional' }, 1000);
    const plain = await leg(a.port, undefined, undefined, false);
    plain.send('3\n');
    await until(
      () => plain.bytes().toString(),
      (t) => t.includes('sum 3\n'),
    );
    expect(a.conns[0]!.id).toBeUndefined();
    expect(a.server.connections.size).toBe(0);
  });
});

describe('a migration between two backends', () => {
  it('moves a connection with its state: the client sees every line once, in order, and every byte it sent counted once', async () => {
    const a = await backend();
    const b = await backend();
    const id = 'agent.0.x:7';
    const up = await leg(a.port, id);
    const numbers: number[] = [];
    for (let i = 1; i <= 20; i++) {
      numbers.push(i);
      up.send(`${i}\n`);
    }
    await until(
      () => up.bytes().toString(),
      (t) => (t.match(/^sum /gm) ?? []).length === 20 && (t.match(/^seq /gm) ?? []).length > 5,
    );
    // The move falls inside a number: its first digit goes to A, the rest to B.
    up.send('4');
    numbers.push(42);
    let migrated = false;
    a.conns[0]!.once('migrated', () => (migrated = true));
    const ex = await control(a.controlPort, 'export', {
      migrationId: 'm-1',
      connectionId: id,
      inputOffset: up.sent,
      target: { address: '127.0.0.1', port: b.port, controlPort: b.controlPort },
    });
    expect(ex.status, JSON.stringify(ex.body)).toBe(200);
    const outputOffset = ex.body.outputOffset as number;
    expect(migrated).toBe(true);
    // The agent forwards the source's output up to exactly outputOffset, then lets go of the source.
    await until(
      () => up.size,
      (n) => n >= outputOffset,
      { what: 'source output up to outputOffset' },
    );
    const fromA = up.bytes().subarray(0, outputOffset);
    expect(up.size).toBe(outputOffset);
    up.socket.destroy();
    expect(b.server.pendingImports).toBe(1);

    const resumed = await leg(b.port, id, 'm-1');
    resumed.send('2\n');
    for (let i = 21; i <= 30; i++) {
      numbers.push(i);
      resumed.send(`${i}\n`);
    }
    await until(
      () => resumed.bytes().toString(),
      (t) => (t.match(/^sum /gm) ?? []).length === 11 && (t.match(/^seq /gm) ?? []).length > 5,
    );
    const seen = checkStream(fromA.toString() + resumed.bytes().toString(), numbers);
    expect(seen.sums).toBe(31);
    const onB = b.conns[0]!;
    expect(onB.id).toBe(id);
    expect(onB.migrationId).toBe('m-1');
    expect(onB.bytesIn).toBe(up.sent + resumed.sent);
    expect(b.server.connections.get(id)).toBe(onB);
    // The app ends its side: what B counted out is what reached the client.
    onB.end();
    await until(() => resumed.closed(), Boolean, { what: 'the resumed leg ended' });
    expect(onB.bytesOut).toBe(outputOffset + resumed.size);
    await until(
      () => a.server.connections.size,
      (n) => n === 0,
      { what: 'the source holds no connection' },
    );
    expect(a.server.stats.exported).toBe(1);
    expect(b.server.stats).toMatchObject({ imported: 1, resumed: 1 });
  });

  it('keeps the connection on the source, nothing lost, when the target refuses, is unreachable or the app was not read up to inputOffset', async () => {
    const a = await backend({ timeouts: { inputMs: 200 } });
    const b = await backend({ acceptImport: () => false });
    const id = 'agent.0.x:8';
    const up = await leg(a.port, id);
    const numbers = [4, 5];
    up.send('4\n5\n');
    await until(
      () => up.bytes().toString(),
      (t) => t.includes('sum 9\n'),
    );
    const target = { address: '127.0.0.1', controlPort: b.controlPort };
    const refused = await control(a.controlPort, 'export', { migrationId: 'm-2', connectionId: id, inputOffset: up.sent, target });
    expect(refused).toMatchObject({ status: 409, body: { ok: false, reason: 'target_refused' } });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await control(a.controlPort, 'export', {
      migrationId: 'm-3',
      connectionId: id,
      inputOffset: up.sent,
      target: { ...target, controlPort: deadPort },
    });
    expect(unreachable).toMatchObject({ status: 502, body: { reason: 'target_unreachable' } });
    const early = await control(a.controlPort, 'export', { migrationId: 'm-4', connectionId: id, inputOffset: up.sent + 10, target });
    expect(early).toMatchObject({ status: 504, body: { reason: 'input_timeout' } });
    const ahead = await control(a.controlPort, 'export', { migrationId: 'm-5', connectionId: id, inputOffset: 1, target });
    expect(ahead).toMatchObject({ status: 409, body: { reason: 'input_ahead' } });
    // The agent resumes forwarding to the source: the stream goes on there, whole.
    numbers.push(6);
    up.send('6\n');
    const before = up.size;
    await until(
      () => up.bytes().toString(),
      (t) => t.includes('sum 15\n') && up.size > before + 30,
    );
    checkStream(up.bytes().toString(), numbers);
    expect(a.server.stats.failures).toEqual({ target_refused: 1, target_unreachable: 1, input_timeout: 1, input_ahead: 1 });
    expect(a.conns[0]!.migrated).toBe(false);
  });

  it('keeps the connection and cancels the import when the agent stops waiting for the export answer', async () => {
    const a = await backend({ timeouts: { importMs: 300 } });
    // A target that takes imports and answers only after the agent has given up.
    const calls: string[] = [];
    const slow = http.createServer((req, res) => {
      calls.push(req.url ?? '');
      req.resume();
      if (req.url?.endsWith('/cancel')) res.end('{"ok":true,"cancelled":true}');
      else setTimeout(() => res.end('{"ok":true}'), 600);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const id = 'agent.0.x:12';
      const up = await leg(a.port, id);
      up.send('8\n');
      await until(
        () => up.bytes().toString(),
        (t) => t.includes('sum 8\n'),
      );
      const target = { address: '127.0.0.1', controlPort: (slow.address() as net.AddressInfo).port };
      const gaveUp = await fetch(`http://127.0.0.1:${a.controlPort}/spillway/migration/v1/export`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ migrationId: 'm-11', connectionId: id, inputOffset: up.sent, target }),
        signal: AbortSignal.timeout(150),
      }).catch((err: Error) => err.name);
      expect(gaveUp).toBe('TimeoutError');
      await until(
        () => calls,
        (c) => c.some((u) => u.endsWith('/cancel')),
        { what: 'the cancel sent to the target' },
      );
      expect(a.server.stats.failures).toEqual({ aborted: 1 });
      up.send('9\n');
      await until(
        () => up.bytes().toString(),
        (t) => t.includes('sum 17\n'),
      );
      checkStream(up.bytes().toString(), [8, 9]);
      expect(a.conns[0]!.migrated).toBe(false);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('gives the application input that arrived during a failed export (none should: the agent holds it), and drops none', async () => {
    const a = await backend();
    let importing = false;
    const refusing = http.createServer((req, res) => {
      importing = true;
      req.resume();
      setTimeout(() => res.writeHead(409).end('{"ok":false,"reason":"refused"}'), 300);
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const id = 'agent.0.x:13';
      const up = await leg(a.port, id);
      up.send('1\n');
      await until(
        () => up.bytes().toString(),
        (t) => t.includes('sum 1\n'),
      );
      const target = { address: '127.0.0.1', controlPort: (refusing.address() as net.AddressInfo).port };
      const answer = control(a.controlPort, 'export', { migrationId: 'm-12', connectionId: id, inputOffset: up.sent, target });
      await until(() => importing, Boolean, { what: 'the import under way (the connection frozen)' });
      up.send('2\n');
      expect(await answer).toMatchObject({ status: 409, body: { reason: 'target_refused' } });
      await until(
        () => up.bytes().toString(),
        (t) => t.includes('sum 3\n'),
      );
      checkStream(up.bytes().toString(), [1, 2]);
    } finally {
      refusing.closeAllConnections();
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });

  it('authenticates every call: the secret for an export, the secret or the per-migration token for an import', async () => {
    const a = await backend();
    const b = await backend({ secret: 'target-secret-abcdefgh' });
    const id = 'agent.0.x:9';
    const up = await leg(a.port, id);
    await until(
      () => up.size,
      (n) => n > 0,
    );
    const body = { migrationId: 'm-6', connectionId: id, inputOffset: 0, target: { address: '127.0.0.1', controlPort: b.controlPort } };
    expect((await control(a.controlPort, 'export', body, 'wrong-secret-0123456789')).status).toBe(401);
    // Another service's secret: the source's own secret does not open the target's import.
    expect(await control(a.controlPort, 'export', body)).toMatchObject({ status: 409, body: { reason: 'target_refused' } });
    expect(
      (await control(b.controlPort, 'import', { migrationId: 'm-7', connectionId: id, state: {} }, importToken('target-secret-abcdefgh', 'm-other'))).status,
    ).toBe(401);
    const ok = await control(a.controlPort, 'export', {
      ...body,
      migrationId: 'm-8',
      target: { ...body.target, token: importToken('target-secret-abcdefgh', 'm-8') },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(b.server.pendingImports).toBe(1);
    expect(a.server.stats.unauthorized).toBe(1);
    expect(b.server.stats.unauthorized).toBe(2);
  });

  it('answers bad control input with 4xx and closes a resumed connection of an unknown migration', async () => {
    const a = await backend();
    for (const [path, body, status] of [
      ['export', '{not json', 400],
      ['export', { migrationId: 'm', connectionId: 'c' }, 400],
      ['export', { migrationId: 'm', connectionId: 'nobody:1', inputOffset: 0, target: { address: '127.0.0.1', controlPort: 1 } }, 404],
      ['import', { migrationId: 'm a', connectionId: 'c', state: 1 }, 400],
      ['import', { connectionId: 'c' }, 400],
      ['cancel', { migrationId: 'm-x' }, 200],
    ] as const) {
      const res = await control(a.controlPort, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
    }
    const big = await control(a.controlPort, 'import', { migrationId: 'm-big', connectionId: 'c:1', state: 'x'.repeat(2 * 1024 * 1024) }).catch(() => ({
      status: 413,
    }));
    expect(big.status).toBe(413);
    const raw = net.connect({ port: a.controlPort, host: '127.0.0.1' });
    sockets.push(raw);
    raw.on('error', () => {});
    raw.write('\x00\x01garbage\r\n\r\n');
    const stray = await leg(a.port, 'agent.0.x:10', 'm-unknown');
    await until(() => stray.closed(), Boolean, { what: 'the stray resumed connection closed' });
    expect(a.server.stats.unknownMigrations).toBe(1);
    const still = await leg(a.port, 'agent.0.x:11');
    still.send('2\n');
    await until(
      () => still.bytes().toString(),
      (t) => t.includes('sum 2\n'),
    );
  });

  it('forgets an imported state past resumeMs and on a cancel', async () => {
    const b = await backend({ timeouts: { resumeMs: 150 } });
    expect((await control(b.controlPort, 'import', { migrationId: 'm-9', connectionId: 'c:1', state: { next: 1, sum: 0 } })).status).toBe(200);
    expect((await control(b.controlPort, 'import', { migrationId: 'm-9', connectionId: 'c:1', state: {} })).status).toBe(409);
    await until(
      () => b.server.pendingImports,
      (n) => n === 0,
      { what: 'the state expired' },
    );
    await control(b.controlPort, 'import', { migrationId: 'm-10', connectionId: 'c:1', state: {} });
    expect(await control(b.controlPort, 'cancel', { migrationId: 'm-10' })).toMatchObject({ status: 200, body: { cancelled: true } });
    expect(b.server.pendingImports).toBe(0);
  });
});
