// A migratable backend: the application's listener (each accepted socket's PROXY v2 header read
// first: the client's address, the agent's connection id, and on a resumed connection the
// migration id), and the control endpoint the agent and other backends call (PROTOCOL.md):
//   export (agent → source): wait until the application has read exactly inputOffset bytes,
//     freeze its output, take its state, send it to the target's import, answer with outputOffset;
//   import (source → target): keep the state until the agent connects with TLV 0xE1 (the ack);
//   cancel (source → target): drop a kept state (the agent gave up on the export).
// Every step has a deadline; no input (header, body, socket) throws out of this module.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { ProxyV2Parser, isProxyV2Id, type ProxyV2Header } from '@spillway/protocol';
import { MigratableConnection } from './connection.js';
import { PATHS, bearer, importToken, postControl, readJson, sameSecret, send } from './control-http.js';

/** Why an export failed (the `reason` of its answer, counted in stats.failures). */
export type ExportFailure =
  | 'unknown_connection'
  | 'busy'
  | 'input_ahead'
  | 'input_timeout'
  | 'no_state'
  | 'export_failed'
  | 'target_refused'
  | 'target_unreachable'
  | 'target_timeout'
  | 'aborted';

export interface MigrationTimeouts {
  /** A new socket must send its whole PROXY header within this (default 5000). */
  headerMs: number;
  /** The application must have read inputOffset bytes within this after the export request (default 2000). */
  inputMs: number;
  /** exportState() must settle within this (default 1000). */
  exportMs: number;
  /** The target must answer the import within this (default 2000). */
  importMs: number;
  /** An imported state waits this long for the agent's resumed connection (default 30000). */
  resumeMs: number;
  /** A moved connection's socket stays open this long for the agent to take its last output (default 10000). */
  lingerMs: number;
}

export const DEFAULT_TIMEOUTS: MigrationTimeouts = { headerMs: 5000, inputMs: 2000, exportMs: 1000, importMs: 2000, resumeMs: 30_000, lingerMs: 10_000 };

/** What a logger needs (pino's shape); the secret never reaches it. */
export interface MigrationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MigratableServerOptions {
  /** The service's shared secret (16+ visible ASCII characters): bearer token of the control endpoint. */
  secret: string;
  /**
   * `required` (default): a socket without a PROXY v2 header is closed. `optional`: it is served
   * as a plain, non-migratable connection (for clients that connect directly).
   */
  proxyHeader?: 'required' | 'optional';
  /** Called for every import: false (or a throw) refuses it (the source answers target_refused). Default: accept. */
  acceptImport?: (info: { migrationId: string; connectionId: string }) => boolean;
  /** Imported states kept at once awaiting their connection (default 10000): past it, imports are refused. */
  maxPendingImports?: number;
  /** Largest control request body, the exported state included (default 1 MiB). */
  maxBodyBytes?: number;
  timeouts?: Partial<MigrationTimeouts>;
  log?: MigrationLogger;
}

/** Counters of what the server did (read-only view). */
export interface MigrationStats {
  accepted: number;
  resumed: number;
  exported: number;
  imported: number;
  cancelled: number;
  badHeaders: number;
  unknownMigrations: number;
  unauthorized: number;
  badRequests: number;
  failures: Partial<Record<ExportFailure, number>>;
}

interface Pending {
  connectionId: string;
  state: unknown;
  inputOffset: number;
  outputOffset: number;
  timer: NodeJS.Timeout;
}

interface ExportBody {
  migrationId: string;
  connectionId: string;
  inputOffset: number;
  target: { address: string; controlPort: number; token?: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
const isId = (v: unknown): v is string => typeof v === 'string' && isProxyV2Id(v);

function exportBody(v: unknown): ExportBody | null {
  if (!isObject(v) || !isId(v.migrationId) || !isId(v.connectionId) || !isOffset(v.inputOffset) || !isObject(v.target)) return null;
  const t = v.target;
  if (typeof t.address !== 'string' || t.address.length === 0 || t.address.length > 253 || !isPort(t.controlPort)) return null;
  if (t.token !== undefined && (typeof t.token !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(t.token))) return null;
  return {
    migrationId: v.migrationId,
    connectionId: v.connectionId,
    inputOffset: v.inputOffset,
    target: { address: t.address, controlPort: t.controlPort, ...(t.token !== undefined ? { token: t.token } : {}) },
  };
}

const noLog: MigrationLogger = { info: () => {}, warn: () => {} };

/** Outcome of an export: the answer to the agent. */
type ExportAnswer = { ok: true; status: 200; outputOffset: number } | { ok: false; status: number; reason: ExportFailure; message: string };

export class MigratableServer extends EventEmitter<{ connection: [MigratableConnection] }> {
  readonly stats: MigrationStats = {
    accepted: 0,
    resumed: 0,
    exported: 0,
    imported: 0,
    cancelled: 0,
    badHeaders: 0,
    unknownMigrations: 0,
    unauthorized: 0,
    badRequests: 0,
    failures: {},
  };
  private readonly secret: string;
  private readonly timeouts: MigrationTimeouts;
  private readonly log: MigrationLogger;
  private readonly byId = new Map<string, MigratableConnection>();
  private readonly exporting = new Set<MigratableConnection>();
  private readonly pending = new Map<string, Pending>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private readonly control: http.Server;

  constructor(private readonly opts: MigratableServerOptions) {
    super();
    if (typeof opts.secret !== 'string' || !/^[\x21-\x7e]{16,512}$/.test(opts.secret)) {
      throw new RangeError('the migration secret must be 16-512 visible ASCII characters');
    }
    this.secret = opts.secret;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.log = opts.log ?? noLog;
    this.server = net.createServer({ allowHalfOpen: true }, (s) => this.handle(s));
    this.server.on('error', (err) => this.log.warn({ err: err.message }, 'migration: listener error'));
    this.control = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'migration: control request failed');
        send(res, 500, { ok: false, reason: 'internal', message: 'internal error' });
      });
    });
    this.control.requestTimeout = 15_000;
    this.control.headersTimeout = 5_000;
    this.control.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Starts the application listener and the control endpoint; resolves with their ports. */
  async listen(o: { port: number; host?: string; controlPort: number; controlHost?: string }): Promise<{ port: number; controlPort: number }> {
    const start = (srv: net.Server, port: number, host: string | undefined): Promise<number> =>
      new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          resolve((srv.address() as net.AddressInfo).port);
        });
      });
    const port = await start(this.server, o.port, o.host);
    const controlPort = await start(this.control, o.controlPort, o.controlHost ?? o.host);
    return { port, controlPort };
  }

  /** Stops both listeners and closes every connection. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const s of this.sockets) s.destroy();
    this.control.closeAllConnections();
    await Promise.all([
      new Promise<void>((r) => (this.server.listening ? this.server.close(() => r()) : r())),
      new Promise<void>((r) => (this.control.listening ? this.control.close(() => r()) : r())),
    ]);
  }

  /** The migratable connections open now, by connection id. */
  get connections(): ReadonlyMap<string, MigratableConnection> {
    return this.byId;
  }

  /** Imported states awaiting their resumed connection. */
  get pendingImports(): number {
    return this.pending.size;
  }

  private fail(reason: ExportFailure): void {
    this.stats.failures[reason] = (this.stats.failures[reason] ?? 0) + 1;
  }

  // ---- accepted sockets ----

  /** Serves one accepted socket (also for an application that accepts sockets itself). */
  handle(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const parser = new ProxyV2Parser(4096);
    const timer = setTimeout(() => {
      this.stats.badHeaders++;
      this.log.warn({ peer: socket.remoteAddress }, 'migration: no PROXY header in time');
      socket.destroy();
    }, this.timeouts.headerMs);
    const onData = (chunk: Buffer): void => {
      const r = parser.push(chunk);
      if (r.kind === 'more') return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      if (r.kind === 'error') {
        this.stats.badHeaders++;
        this.log.warn({ peer: socket.remoteAddress, code: r.error.code }, 'migration: bad PROXY header');
        socket.destroy();
      } else if (r.kind === 'absent') {
        if (this.opts.proxyHeader === 'optional') this.open(socket, null, r.rest);
        else {
          this.stats.badHeaders++;
          socket.destroy();
        }
      } else this.open(socket, r.header, r.rest);
    };
    socket.on('data', onData);
    socket.once('close', () => clearTimeout(timer));
  }

  private open(socket: net.Socket, header: ProxyV2Header | null, first: Buffer): void {
    const client = header?.command === 'proxy' && header.source ? header.source : { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const connectionId = header?.command === 'proxy' ? header.connectionId : undefined;
    let conn: MigratableConnection;
    if (header?.migrationId !== undefined) {
      const p = this.pending.get(header.migrationId);
      if (!p || (connectionId !== undefined && connectionId !== p.connectionId)) {
        this.stats.unknownMigrations++;
        this.log.warn({ migrationId: header.migrationId }, 'migration: resumed connection for an unknown migration');
        socket.destroy();
        return;
      }
      clearTimeout(p.timer);
      this.pending.delete(header.migrationId);
      conn = new MigratableConnection({
        socket,
        id: p.connectionId,
        client,
        migrationId: header.migrationId,
        imported: p.state,
        baseIn: p.inputOffset,
        baseOut: p.outputOffset,
        first,
      });
      this.stats.resumed++;
    } else {
      conn = new MigratableConnection({ socket, ...(connectionId !== undefined ? { id: connectionId } : {}), client, first });
      this.stats.accepted++;
    }
    if (conn.id !== undefined) {
      const id = conn.id;
      // A second connection with a live id (an agent restart reusing none, a buggy sender): the newest one is the id's.
      this.byId.set(id, conn);
      conn.once('close', () => {
        if (this.byId.get(id) === conn) this.byId.delete(id);
      });
    }
    socket.resume();
    try {
      this.emit('connection', conn);
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'migration: the connection handler threw; connection closed');
      conn.destroy();
    }
  }

  // ---- the control endpoint ----

  private authorized(req: http.IncomingMessage, migrationId?: string): boolean {
    const token = bearer(req);
    if (token === null) return false;
    if (sameSecret(token, this.secret)) return true;
    return migrationId !== undefined && sameSecret(token, importToken(this.secret, migrationId));
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const known = Object.values(PATHS) as string[];
    if (!known.includes(path ?? '')) return send(res, 404, { ok: false, reason: 'not_found', message: 'no such control path' });
    if (req.method !== 'POST') return send(res, 405, { ok: false, reason: 'method', message: 'POST only' });
    // Export requests come from the agent, with the secret; import and cancel may carry a per-migration token.
    if (path === PATHS.export && !this.authorized(req)) {
      this.stats.unauthorized++;
      req.resume();
      return send(res, 401, { ok: false, reason: 'unauthorized', message: 'wrong or missing bearer token' });
    }
    const body = await readJson(req, this.opts.maxBodyBytes ?? 1024 * 1024);
    if (!body.ok) {
      this.stats.badRequests++;
      return send(res, body.status, { ok: false, reason: 'bad_request', message: body.reason });
    }
    if (path === PATHS.export) return this.onExport(req, res, body.value);
    const v = body.value;
    const migrationId = isObject(v) && isId(v.migrationId) ? v.migrationId : undefined;
    if (!this.authorized(req, migrationId)) {
      this.stats.unauthorized++;
      return send(res, 401, { ok: false, reason: 'unauthorized', message: 'wrong or missing bearer token' });
    }
    if (path === PATHS.import) return this.onImport(res, v);
    return this.onCancel(res, migrationId);
  }

  private onImport(res: http.ServerResponse, v: unknown): void {
    if (!isObject(v) || !isId(v.migrationId) || !isId(v.connectionId) || !('state' in v)) {
      this.stats.badRequests++;
      return send(res, 400, { ok: false, reason: 'bad_request', message: 'an import needs migrationId, connectionId and state' });
    }
    const { migrationId, connectionId } = v;
    if (this.pending.has(migrationId)) return send(res, 409, { ok: false, reason: 'duplicate', message: 'this migration was imported already' });
    if (this.pending.size >= (this.opts.maxPendingImports ?? 10_000))
      return send(res, 503, { ok: false, reason: 'full', message: 'too many imports awaiting their connection' });
    let accept: boolean;
    try {
      accept = this.opts.acceptImport?.({ migrationId, connectionId }) ?? true;
    } catch {
      accept = false;
    }
    if (!accept) return send(res, 409, { ok: false, reason: 'refused', message: 'the application refused the import' });
    const timer = setTimeout(() => {
      this.pending.delete(migrationId);
      this.log.warn({ migrationId, connectionId }, 'migration: imported state expired before its connection came');
    }, this.timeouts.resumeMs);
    this.pending.set(migrationId, {
      connectionId,
      state: v.state,
      inputOffset: isOffset(v.inputOffset) ? v.inputOffset : 0,
      outputOffset: isOffset(v.outputOffset) ? v.outputOffset : 0,
      timer,
    });
    this.stats.imported++;
    this.log.info({ migrationId, connectionId }, 'migration: state imported');
    send(res, 200, { ok: true });
  }

  private onCancel(res: http.ServerResponse, migrationId: string | undefined): void {
    if (migrationId === undefined) {
      this.stats.badRequests++;
      return send(res, 400, { ok: false, reason: 'bad_request', message: 'a cancel needs migrationId' });
    }
    const p = this.pending.get(migrationId);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(migrationId);
      this.stats.cancelled++;
    }
    send(res, 200, { ok: true, cancelled: p !== undefined });
  }

  private async onExport(req: http.IncomingMessage, res: http.ServerResponse, v: unknown): Promise<void> {
    const body = exportBody(v);
    if (!body) {
      this.stats.badRequests++;
      return send(res, 400, {
        ok: false,
        reason: 'bad_request',
        message: 'an export needs migrationId, connectionId, inputOffset and target { address, controlPort }',
      });
    }
    // The agent gave up (its deadline) before the answer: the connection must stay here.
    let aborted = false;
    res.once('close', () => {
      if (!res.writableFinished) aborted = true;
    });
    const answer = await this.exportOne(body, () => aborted);
    if (answer.ok) {
      send(res, 200, { ok: true, outputOffset: answer.outputOffset });
      return;
    }
    this.fail(answer.reason);
    this.log.warn({ migrationId: body.migrationId, connectionId: body.connectionId, reason: answer.reason }, `migration: export failed: ${answer.message}`);
    send(res, answer.status, { ok: false, reason: answer.reason, message: answer.message });
  }

  private async exportOne(body: ExportBody, aborted: () => boolean): Promise<ExportAnswer> {
    const conn = this.byId.get(body.connectionId);
    if (!conn || conn.destroyed || conn.migrated)
      return { ok: false, status: 404, reason: 'unknown_connection', message: `no open connection ${body.connectionId}` };
    if (this.exporting.has(conn)) return { ok: false, status: 409, reason: 'busy', message: 'this connection is being exported already' };
    this.exporting.add(conn);
    try {
      if (conn.legIn > body.inputOffset)
        return { ok: false, status: 409, reason: 'input_ahead', message: `received ${conn.legIn} bytes, more than inputOffset ${body.inputOffset}` };
      const consumed = await conn.waitFor(() => conn.consumed(body.inputOffset) || conn.legIn > body.inputOffset, this.timeouts.inputMs);
      if (conn.legIn > body.inputOffset)
        return { ok: false, status: 409, reason: 'input_ahead', message: `received ${conn.legIn} bytes, more than inputOffset ${body.inputOffset}` };
      if (!consumed)
        return {
          ok: false,
          status: 504,
          reason: 'input_timeout',
          message: `the application did not read ${body.inputOffset} bytes in ${this.timeouts.inputMs} ms`,
        };
      const outputOffset = conn.freeze();
      const moved = await this.sendState(conn, body, outputOffset, aborted);
      if (!moved.ok) {
        conn.thaw();
        return moved;
      }
      conn.handOff(this.timeouts.lingerMs);
      this.stats.exported++;
      this.log.info({ migrationId: body.migrationId, connectionId: body.connectionId, outputOffset }, 'migration: connection exported');
      return moved;
    } finally {
      this.exporting.delete(conn);
    }
  }

  private async sendState(conn: MigratableConnection, body: ExportBody, outputOffset: number, aborted: () => boolean): Promise<ExportAnswer> {
    if (!conn.exportState) return { ok: false, status: 409, reason: 'no_state', message: 'the application gave this connection no exportState' };
    let state: unknown;
    try {
      const got = await withDeadline(Promise.resolve(conn.exportState()), this.timeouts.exportMs);
      if (got === null) return { ok: false, status: 504, reason: 'export_failed', message: `exportState did not settle in ${this.timeouts.exportMs} ms` };
      state = got.value;
    } catch (err) {
      return { ok: false, status: 500, reason: 'export_failed', message: `exportState threw: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (state === undefined) return { ok: false, status: 409, reason: 'no_state', message: 'exportState gave no state' };
    const token = body.target.token ?? this.secret;
    const call = await postControl(
      body.target.address,
      body.target.controlPort,
      PATHS.import,
      token,
      { migrationId: body.migrationId, connectionId: body.connectionId, state, inputOffset: conn.bytesIn, outputOffset: conn.bytesOut },
      { timeoutMs: this.timeouts.importMs },
    );
    if (aborted()) {
      void this.cancel(body, token);
      return { ok: false, status: 504, reason: 'aborted', message: 'the agent stopped waiting for the answer' };
    }
    if (call.kind === 'timeout') {
      void this.cancel(body, token);
      return { ok: false, status: 504, reason: 'target_timeout', message: `the target did not answer the import in ${this.timeouts.importMs} ms` };
    }
    if (call.kind !== 'answer')
      return {
        ok: false,
        status: 502,
        reason: 'target_unreachable',
        message: `the target's control endpoint: ${call.kind === 'unreachable' ? call.message : call.kind}`,
      };
    if (call.status !== 200 || !isObject(call.body) || call.body.ok !== true) {
      const why = isObject(call.body) && typeof call.body.reason === 'string' ? call.body.reason.slice(0, 100) : `status ${call.status}`;
      return { ok: false, status: 409, reason: 'target_refused', message: `the target refused the import: ${why}` };
    }
    return { ok: true, status: 200, outputOffset };
  }

  private async cancel(body: ExportBody, token: string): Promise<void> {
    await postControl(
      body.target.address,
      body.target.controlPort,
      PATHS.cancel,
      token,
      { migrationId: body.migrationId },
      { timeoutMs: this.timeouts.importMs },
    );
  }
}

/** `p`'s value, or null past `ms` (its rejection passes through). */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<{ value: T } | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
