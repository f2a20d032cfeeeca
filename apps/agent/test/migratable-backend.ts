// A minimal backend speaking the live-migration wire protocol (/work/notes/migration-protocol.md)
// for the agent's migration tests, written straight from the protocol note (no library): a TCP
// app that streams numbered lines `<seq> <sum>\n` (sum: the running sum of the numbers the client
// sent, one per line) and a control endpoint that exports, imports and acknowledges a session.
// Switches let a test make the import refuse or the export hang.
import http from 'node:http';
import net from 'node:net';
import { ProxyV2Parser } from '@spillway/protocol';

interface State {
  seq: number;
  sum: number;
  partial: string;
}
interface Session {
  id: string;
  socket: net.Socket;
  state: State;
  /** App bytes received (after the PROXY header) and written. */
  received: number;
  written: number;
  timer: NodeJS.Timeout | null;
  exported: boolean;
  onReceived: (() => void) | null;
}

export interface MigratableBackend {
  name: string;
  port: number;
  controlPort: number;
  /** Open app sessions (not exported). */
  sessions(): number;
  /** Sessions started from an imported state. */
  resumed: number;
  /** Import requests refused with this reason (null: accepted). */
  refuseImports: string | null;
  /** Export requests are never answered while set. */
  hangExports: boolean;
  /** Export requests received. */
  exports: number;
  close(): Promise<void>;
}

const readBody = (req: http.IncomingMessage): Promise<Record<string, unknown>> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });

const send = (res: http.ServerResponse, status: number, body: unknown): void => {
  const b = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
  res.end(b);
};

function post(port: number, path: string, secret: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let j: Record<string, unknown> = {};
          try {
            j = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: j });
        });
      },
    );
    req.on('error', (err) => resolve({ status: 0, body: { ok: false, reason: err.message } }));
    req.end(payload);
  });
}

/** Starts the backend on 127.0.0.1 (app and control ports chosen by the system); lines every `everyMs`. */
export async function migratableBackend(name: string, secret: string, everyMs = 20): Promise<MigratableBackend> {
  const sessions = new Map<string, Session>();
  const imported = new Map<string, State>();
  const sockets = new Set<net.Socket>();

  const tick = (s: Session): void => {
    const line = `${s.state.seq} ${s.state.sum}\n`;
    s.state.seq++;
    s.written += line.length;
    s.socket.write(line);
  };
  const start = (s: Session): void => {
    s.timer = setInterval(() => tick(s), everyMs);
  };
  const input = (s: Session, chunk: Buffer): void => {
    if (s.exported) return;
    s.received += chunk.length;
    const text = s.state.partial + chunk.toString('latin1');
    const lines = text.split('\n');
    s.state.partial = lines.pop() ?? '';
    for (const l of lines) if (l !== '') s.state.sum += Number(l);
    s.onReceived?.();
  };

  const app = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    const parser = new ProxyV2Parser();
    let session: Session | null = null;
    socket.on('data', (chunk: Buffer) => {
      if (session) {
        input(session, chunk);
        return;
      }
      const r = parser.push(chunk);
      if (r.kind === 'more') return;
      if (r.kind !== 'header' || r.header.connectionId === undefined) {
        socket.destroy();
        return;
      }
      const id = r.header.connectionId;
      const from = r.header.migrationId !== undefined ? imported.get(r.header.migrationId) : undefined;
      if (r.header.migrationId !== undefined) {
        if (!from) {
          socket.destroy();
          return;
        }
        imported.delete(r.header.migrationId);
        backend.resumed++;
      }
      session = { id, socket, state: from ?? { seq: 0, sum: 0, partial: '' }, received: 0, written: 0, timer: null, exported: false, onReceived: null };
      sessions.set(id, session);
      start(session);
      if (r.rest.length > 0) input(session, r.rest);
    });
    socket.once('close', () => {
      sockets.delete(socket);
      if (session) {
        if (session.timer) clearInterval(session.timer);
        if (sessions.get(session.id) === session) sessions.delete(session.id);
      }
    });
  });

  const control = http.createServer((req, res) => {
    void (async () => {
      if (req.headers.authorization !== `Bearer ${secret}`) {
        send(res, 401, { ok: false, reason: 'bad secret' });
        return;
      }
      const body = await readBody(req);
      if (req.url === '/spillway/migration/v1/import') {
        if (backend.refuseImports !== null) {
          send(res, 503, { ok: false, reason: backend.refuseImports });
          return;
        }
        imported.set(String(body.migrationId), body.state as State);
        send(res, 200, { ok: true });
        return;
      }
      if (req.url !== '/spillway/migration/v1/export') {
        send(res, 404, { ok: false, reason: 'unknown path' });
        return;
      }
      backend.exports++;
      if (backend.hangExports) return;
      const s = sessions.get(String(body.connectionId));
      if (!s) {
        send(res, 409, { ok: false, reason: 'unknown connection' });
        return;
      }
      const inputOffset = Number(body.inputOffset);
      if (s.received < inputOffset)
        await new Promise<void>((resolve) => {
          s.onReceived = () => {
            if (s.received >= inputOffset) resolve();
          };
        });
      s.onReceived = null;
      if (s.timer) clearInterval(s.timer);
      s.timer = null;
      const target = body.target as { controlPort: number };
      const ack = await post(target.controlPort, '/spillway/migration/v1/import', secret, {
        migrationId: body.migrationId,
        connectionId: s.id,
        state: s.state,
      });
      if (ack.status !== 200) {
        start(s);
        send(res, 409, { ok: false, reason: `target refused: ${String(ack.body.reason)}` });
        return;
      }
      s.exported = true;
      sessions.delete(s.id);
      send(res, 200, { ok: true, outputOffset: s.written });
    })();
  });

  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  const backend: MigratableBackend = {
    name,
    port: (app.address() as net.AddressInfo).port,
    controlPort: (control.address() as net.AddressInfo).port,
    sessions: () => sessions.size,
    resumed: 0,
    refuseImports: null,
    hangExports: false,
    exports: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      control.closeAllConnections();
      await Promise.all([new Promise((r) => app.close(r)), new Promise((r) => control.close(r))]);
    },
  };
  return backend;
}

/** A client of the backend's app through the agent: sends a number every `everyMs`, checks every line. */
export interface StreamClient {
  socket: net.Socket;
  /** Sum of the numbers sent. */
  sent: number;
  /** Lines received, and the first problem seen (a gap, a repeat, a line that is not `<seq> <sum>`). */
  lines: number;
  lastSeq: number;
  lastSum: number;
  problem: string | null;
  closed: boolean;
  stopSending(): void;
}

export function streamClient(port: number, everyMs = 10, host = '127.0.0.1'): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let n = 0;
    let pending = '';
    const c: StreamClient = {
      socket,
      sent: 0,
      lines: 0,
      lastSeq: -1,
      lastSum: 0,
      problem: null,
      closed: false,
      stopSending: () => clearInterval(timer),
    };
    // Numbers are sent in pieces that split lines, so an export can fall inside one.
    const timer = setInterval(() => {
      n++;
      c.sent += n;
      const text = `${n}\n`;
      socket.write(text.slice(0, 1));
      if (text.length > 1) socket.write(text.slice(1));
    }, everyMs);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^(\d+) (\d+)$/.exec(l);
        if (!m) {
          c.problem ??= `bad line ${JSON.stringify(l)}`;
          continue;
        }
        const seq = Number(m[1]);
        if (seq !== c.lastSeq + 1) c.problem ??= `seq ${seq} after ${c.lastSeq}`;
        c.lastSeq = seq;
        c.lastSum = Number(m[2]);
        c.lines++;
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      c.closed = true;
      clearInterval(timer);
    });
    socket.once('connect', () => resolve(c));
    socket.once('error', reject);
  });
}
