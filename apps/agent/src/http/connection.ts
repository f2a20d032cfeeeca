// One client connection of an HTTP vserver: its first request head read and checked before the
// connection is admitted (a client that trickles or sends nothing takes no use of the limit), then
// its requests in order (pipelined ones wait their turn), each answered by the agent or forwarded
// (forward.ts); client keep-alive, the client-side timeouts (headersTimeoutMs: 408;
// keepAliveTimeoutMs: an idle connection closes), and tunnels after an agreed Upgrade.
import type net from 'node:net';
import type { VServerDoc } from '../config.js';
import type { ServicePick, ServiceState } from '../service-state.js';
import type { VServerCounters } from '../stats.js';
import { Batch, releaseNow } from './batch.js';
import { answerAndClose, CODES, endLingering, errorResponse, resetClient, type AgentHttpCode } from './errors.js';
import { Forward, type ClientSide } from './forward.js';
import { asNetSocket } from './handle-socket.js';
import { CONNECT, HEAD, Parser, type Fed, type ParserEvents } from './parser.js';
import { readThroughShared, readViews } from './read-buffer.js';
import { readSimpleRequest, SimpleHead, type Head } from './simple-head.js';
import { checkRequest, field, readCookie, requestFraming, type BodyFraming } from './request.js';
import type { UpstreamPool } from './upstream-pool.js';
import type { Routed, SwitchRoute } from '../content-switch.js';

/** Most bytes of a request head (431 past it): node:http's default header limit. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Request body bytes held for a request not forwarded yet before the client is paused. */
const MAX_BUFFERED_BODY = 64 * 1024;

/** A vserver as the engine sees it: its document (read live: a changed timeout applies at once) and counters. */
export interface HttpVServer {
  readonly doc: VServerDoc;
  readonly counters: VServerCounters;
  readonly cookieName: string;
  /** A content switch: how each of its requests is routed to the vserver that serves it (content-switch.ts); undefined for any other vserver. */
  readonly route?: SwitchRoute | undefined;
}

/** What a client connection was given when admitted (kept for its whole life). */
export type HttpAdmission = { kind: 'serve'; vs: HttpVServer } | { kind: 'redirect'; url: string; vs: HttpVServer } | { kind: 'drop'; vs: HttpVServer };

/** Puts an upgraded connection (a tunnel) in the engine's connection table, so maintenance drains it (migration/maintenance.ts). */
export type TunnelTracker = (client: net.Socket, to: { vserver: string; pick: ServicePick }, upstream: net.Socket, close: () => void) => { untrack(): void };

export interface HttpDeps {
  readonly services: Pick<ServiceState, 'pick' | 'wait' | 'release'>;
  readonly track?: TunnelTracker | undefined;
  readonly pools: UpstreamPool;
  draining(): boolean;
  failed(err: unknown, vserver: string | undefined, stage: string): void;
  /** An admitted connection closed, after its own close handling: what its admission holds is given back. */
  closed(socket: net.Socket, a: HttpAdmission): void;
  forget(conn: HttpConnection): void;
}

/** One request of a connection, from its head to its answer. */
export interface HttpRequest {
  method: string;
  /** A HEAD request: the answer has no body. */
  head: boolean;
  path: string;
  hostOverride: string | undefined;
  fields: string[];
  minor: number;
  keepAlive: boolean;
  upgrade: boolean;
  upgradeValue: string | undefined;
  framing: BodyFraming;
  expectContinue: boolean;
  /** The agent's own answer, decided from the head alone (null: forward). */
  answer: { status: number; code: AgentHttpCode; message: string } | 'asterisk' | null;
  complete: boolean;
  body: Buffer[] | null;
  bodyBytes: number;
  trailers: string[] | null;
  fwd: Forward | null;
  started: boolean;
  responded: boolean;
  /** The connection may carry another request after this answer. */
  keepAliveAfter: boolean;
  /** A request of a content switch: gives back the use of the vserver it was routed to (null: none held). */
  release: (() => void) | null;
}

/** Gives back the use a content switch's request held of its target (once). */
function releaseTarget(req: HttpRequest): void {
  const release = req.release;
  if (release !== null) {
    req.release = null;
    release();
  }
}

/**
 * A request with what its head tells, the rest not known yet. Every field written out in one
 * literal (one object shape; a spread of a new object followed by more properties takes V8's slow
 * path, which was once per request).
 */
function newRequest(
  method: string,
  head: boolean,
  path: string,
  hostOverride: string | undefined,
  fields: string[],
  minor: number,
  keepAlive: boolean,
  upgrade: boolean,
  upgradeValue: string | undefined,
  framing: BodyFraming,
): HttpRequest {
  return {
    method,
    head,
    path,
    hostOverride,
    fields,
    minor,
    keepAlive,
    upgrade,
    upgradeValue,
    framing,
    expectContinue: false,
    answer: null,
    complete: false,
    body: null,
    bodyBytes: 0,
    trailers: null,
    fwd: null,
    started: false,
    responded: false,
    keepAliveAfter: false,
    release: null,
  };
}

/** A request with nothing known yet (the fields a head sets are filled in from it). */
function blankRequest(): HttpRequest {
  return newRequest('GET', false, '/', undefined, [], 1, true, false, undefined, 'none');
}

type Phase = 'first' | 'admitted' | 'tunnel' | 'closed';

const CR = 0x0d;
const LF = 0x0a;

/** Offset of the first byte after leading empty lines (RFC 9112 §2.2 lets a server ignore them). */
function skipEmptyLines(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && (buf[i] === CR || buf[i] === LF)) i++;
  return i;
}

/** The offset just past the empty line ending a head (CRLF CRLF, or with bare LFs, which llhttp then refuses), or -1. */
function headEnd(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) {
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

/**
 * Stops the socket's reads at the handle: after it no byte is read in this process, so the handle
 * can travel to another engine with the bytes read so far as all that was consumed. (A paused
 * net.Socket keeps reading into its buffer; net itself calls readStop this way at its high-water mark.)
 */
function stopReading(socket: net.Socket): void {
  socket.pause();
  const handle = (socket as net.Socket & { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
  if (handle?.reading && handle.readStop) {
    handle.reading = false;
    handle.readStop();
  }
}

const ALLOW = 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS';

/** The head readSimpleRequest fills (one per process: onHead takes what it keeps of it, its fields list included). */
const SIMPLE = new SimpleHead();

/** The queue of a connection without requests (a push onto it throws: enqueue() replaces it). */
const NO_REQUESTS = Object.freeze([]) as unknown as HttpRequest[];

/**
 * The connection a client socket belongs to: the socket's listeners are shared functions that find
 * it here (no closures per connection: an idle keep-alive connection holds little memory).
 */
const CONN = Symbol('spillway.httpConnection');
type Owned = net.Socket & { [CONN]?: HttpConnection };
function onSocketFirstData(this: Owned, chunk: Buffer): void {
  this[CONN]?.onFirstData(chunk);
}
function onSocketData(this: Owned, chunk: Buffer): void {
  this[CONN]?.onData(chunk);
}
function onSocketError(this: Owned): void {
  this.destroy();
}
function onSocketEnd(this: Owned): void {
  this[CONN]?.onEnd();
}
function onSocketClose(this: Owned): void {
  const c = this[CONN];
  this[CONN] = undefined;
  c?.onClose();
}

export class HttpConnection implements ClientSide, ParserEvents {
  readonly ip: string;
  readonly out = new Batch();
  private phase: Phase = 'first';
  /** The request parser, held while a message is read (taken from the pool at its first byte, given back between messages). */
  private parser: Parser | null = null;
  /** Inside parser.feed: the parser cannot be given back. */
  private feeding = false;
  private admission: HttpAdmission | null = null;
  /** A content switch's connection: the vserver its request being served was routed to (its bytes are counted there). */
  private target: HttpVServer | null = null;
  /**
   * The requests read and not answered yet, in order. Between requests it is NO_REQUESTS (shared,
   * frozen: replaced, never written to), so an idle keep-alive connection holds no array for it.
   */
  private queue: HttpRequest[] = NO_REQUESTS;
  /** The request whose body the parser is reading (the last one of the queue), or null between messages. */
  private current: HttpRequest | null = null;
  /** First phase: every byte read, for a hand-off; what was fed to the parser. */
  private buf: Buffer | null = null;
  private fed = 0;
  private pending: Buffer | null = null;
  private firstDone: ((head: Buffer | null) => void) | null;
  /** Since when a request head is being read (0: none), and since when the connection is idle (0: not idle). */
  private headSince: number;
  private idleSince = 0;
  /** Stop parsing: what follows was refused (or the connection ends after the queue). */
  private broken = false;
  private clientEnded = false;
  private blockedUpstream = false;
  private flowing = false;
  /** A request that asked for a tunnel: what the client sends after its head waits for the service's 101. */
  private upgrading: HttpRequest | null = null;
  /** What the client sent after an upgrade's head, held until the service agrees (null: nothing; made when first needed). */
  private tunnelBytes: Buffer[] | null = null;
  /** The client's last request head said it is its last (Connection: close, or HTTP/1.0 without keep-alive). */
  private clientClosing = false;

  constructor(
    readonly socket: net.Socket,
    private readonly root: HttpVServer,
    private readonly deps: HttpDeps,
    firstDone: ((head: Buffer | null) => void) | null,
  ) {
    this.ip = socket.remoteAddress ?? '';
    this.firstDone = firstDone;
    this.headSince = Date.now();
    socket.setNoDelay(true);
    readThroughShared(socket);
    // The end of the client's side is handled here (onEnd), not by net closing ours on its own.
    socket.allowHalfOpen = true;
    (socket as Owned)[CONN] = this;
    socket.on('error', onSocketError);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
  }

  get vs(): VServerCounters {
    return (this.target ?? this.admission?.vs ?? this.root).counters;
  }

  // ---- first request head, before admission ----

  /** Starts reading the first request head from the (paused) socket. */
  readFirst(): void {
    this.socket.on('data', onSocketFirstData);
    this.socket.resume();
  }

  /** A handed-off connection: its first head (and what followed) was read by another engine. */
  adopt(bytes: Buffer): boolean {
    this.firstDone = null;
    this.buf = bytes;
    this.scanFirst();
    return this.phase === 'first' && this.queue.length === 1;
  }

  onFirstData(chunk: Buffer): void {
    try {
      this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
      this.scanFirst();
    } catch (err) {
      this.crashed(err);
    }
  }

  /** An exception while handling what the client sent: logged and counted, the connection closed; never thrown further. */
  private crashed(err: unknown): void {
    this.deps.failed(err, (this.admission?.vs ?? this.root).doc.name, 'http');
    if (this.firstDone) this.endFirst(null);
    this.phase = 'closed';
    this.socket.destroy();
  }

  /** Finds the end of the first head in what was read, parses the head, and refuses or reports it. */
  private scanFirst(): void {
    const buf = this.buf!;
    const start = skipEmptyLines(buf);
    const end = headEnd(buf, Math.max(start, this.fed - 3));
    const upto = end < 0 ? buf.length : end;
    if (upto > this.fed) {
      const r = this.feed(buf.subarray(this.fed, upto));
      this.fed = upto;
      if (!r.ok) {
        this.refuseFirst(r);
        return;
      }
    }
    if (end < 0) {
      if (buf.length - start > MAX_HEAD_BYTES) this.refuseFirst({ ok: false, code: 'HPE_HEADER_OVERFLOW', reason: 'header overflow', consumed: 0 });
      return;
    }
    const req = this.queue[0];
    if (!req) {
      this.refuseFirst({ ok: false, code: 'HPE_INCOMPLETE', reason: 'the request head did not complete where its empty line is', consumed: 0 });
      return;
    }
    if (req.answer !== null && req.answer !== 'asterisk') {
      this.root.counters.rq_client_error_total++;
      this.endFirst(null);
      answerAndClose(this.socket, req.answer.status, req.answer.code, req.answer.message, this.root.doc.clientTimeoutMs);
      return;
    }
    this.pending = end < buf.length ? buf.subarray(end) : null;
    this.headSince = 0;
    if (this.firstDone) {
      this.endFirst(buf);
      // Admitted at once (the common case) it reads on; else (a borrow to wait for, a hand-off)
      // the socket reads no more here. Nothing is read in between: this all runs in one turn.
      if (this.phase === 'first') stopReading(this.socket);
    }
  }

  private refuseFirst(r: Extract<Fed, { ok: false }>): void {
    this.root.counters.rq_client_error_total++;
    this.endFirst(null);
    if (r.code === 'HPE_HEADER_OVERFLOW')
      answerAndClose(this.socket, 431, CODES.headersTooLarge, 'the request head is larger than the header limit', this.root.doc.clientTimeoutMs);
    else answerAndClose(this.socket, 400, CODES.badRequest, `malformed request (${r.code}: ${r.reason})`, this.root.doc.clientTimeoutMs);
  }

  private endFirst(head: Buffer | null): void {
    this.socket.removeListener('data', onSocketFirstData);
    this.buf = null;
    const done = this.firstDone;
    this.firstDone = null;
    if (head === null) {
      this.phase = 'closed';
      this.deps.forget(this);
    }
    done?.(head);
  }

  /** Cancels the first read (shutdown): the connection is closed, nothing is reported. */
  cancelFirst(): void {
    this.firstDone = null;
    this.endFirst(null);
    this.socket.destroy();
  }

  // ---- the parser, held while a message is read ----

  /**
   * Reads `buf`: the simple heads at its start without llhttp (simple-head.ts) while llhttp stands
   * between messages, the rest with llhttp. Such a head has no body, so llhttp, reset after every
   * message, reads what follows it from a message's start either way.
   */
  private feed(buf: Buffer): Fed {
    let at = 0;
    while (at < buf.length && (this.parser === null || !this.parser.inMessage)) {
      const end = readSimpleRequest(buf, at, MAX_HEAD_BYTES, SIMPLE);
      if (end < 0) break;
      this.onBegin();
      this.onHead(SIMPLE);
      this.onComplete();
      at = end;
    }
    if (at === buf.length) return { ok: true, consumed: at };
    const parser = (this.parser ??= Parser.take('request', MAX_HEAD_BYTES, this));
    this.feeding = true;
    try {
      const r = parser.feed(at === 0 ? buf : buf.subarray(at));
      r.consumed += at;
      return r;
    } finally {
      this.feeding = false;
    }
  }

  /** Gives the parser back when it is between messages (the next byte takes one again). */
  private idleParser(): void {
    const p = this.parser;
    if (p && !this.feeding && !p.inMessage && this.current === null && !this.broken) {
      this.parser = null;
      p.release();
    }
  }

  private dropParser(): void {
    const p = this.parser;
    this.parser = null;
    if (p && !this.feeding) p.release();
  }

  // ---- admitted: requests in order ----

  /** Admitted, but what another engine read of it cannot be served (the caller destroys it): its close gives `a` back. */
  refusedAfterAdmission(a: HttpAdmission): void {
    this.admission = a;
  }

  /** The connection was admitted: its first request is served, then what follows. */
  admitted(a: HttpAdmission): void {
    this.admission = a;
    this.phase = 'admitted';
    this.socket.on('data', onSocketData);
    // Reads through the shared buffer come as views (handleData copies what it keeps: tunnel bytes).
    readViews(this.socket, onSocketData);
    const pending = this.pending;
    this.pending = null;
    // What followed the head is parsed before the request is forwarded: a body llhttp refuses in
    // the same read keeps the request from any service.
    if (pending) this.onData(pending);
    else this.pump();
    this.updateFlow();
  }

  onData(chunk: Buffer): void {
    try {
      this.handleData(chunk);
    } catch (err) {
      this.crashed(err);
    }
  }

  private handleData(chunk: Buffer): void {
    if (this.phase !== 'admitted') return;
    if (this.broken) {
      if (this.upgrading) (this.tunnelBytes ??= []).push(Buffer.from(chunk));
      return;
    }
    this.idleSince = 0;
    const r = this.feed(chunk);
    if (!r.ok) {
      this.refuseLater(r);
      return;
    }
    if (this.upgrading) {
      // llhttp stops after an upgrade's head: the rest is the tunnel's (held until the service agrees).
      if (r.consumed < chunk.length) (this.tunnelBytes ??= []).push(Buffer.from(chunk.subarray(r.consumed)));
      this.broken = true;
    }
    this.pump();
    this.updateFlow();
    this.idleParser();
  }

  /** llhttp refused bytes after the first head: requests complete before them are answered, then 400 (or 431) and the close. */
  private refuseLater(r: Extract<Fed, { ok: false }>): void {
    this.broken = true;
    this.vs.rq_client_error_total++;
    const status = r.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const answer = {
      status,
      code: status === 431 ? CODES.headersTooLarge : CODES.badRequest,
      message: status === 431 ? 'the request head is larger than the header limit' : `malformed request (${r.code}: ${r.reason})`,
    };
    const cur = this.current;
    this.current = null;
    if (cur && !cur.complete && !cur.responded) {
      // The refused bytes are this request's own (its body): the request goes no further and is
      // answered 400 instead, unless the service's answer already began (then the connection is cut).
      cur.complete = true;
      cur.keepAlive = false;
      cur.answer = answer;
      if (cur.fwd) {
        if (!cur.fwd.abortUnanswered()) {
          this.cut();
          return;
        }
        cur.fwd = null;
        cur.started = false;
      }
    } else if (cur) {
      // Answered already, and its body is what was refused: nothing more can be read.
      this.end();
      return;
    } else this.enqueue(this.refusal(answer));
    this.pump();
  }

  private refusal(answer: { status: number; code: AgentHttpCode; message: string }): HttpRequest {
    return { ...blankRequest(), keepAlive: false, answer, complete: true };
  }

  onBegin(): void {
    if (this.headSince === 0) this.headSince = Date.now();
  }

  onHead(p: Head): number {
    this.headSince = 0;
    const named = p.methodName;
    const method = named ?? 'GET';
    const fields = p.headers;
    const verdict = checkRequest(method, p.target, p.major, p.minor, fields);
    const framing = requestFraming(fields);
    const req = newRequest(
      method,
      p.method === HEAD,
      verdict.kind === 'forward' ? verdict.path : p.target,
      verdict.kind === 'forward' && verdict.absolute && verdict.host !== null ? verdict.host : undefined,
      fields,
      p.minor,
      p.keepAlive,
      p.upgrade && p.method !== CONNECT,
      p.upgrade ? field(fields, 'upgrade') : undefined,
      framing,
    );
    if (named === undefined) req.answer = { status: 501, code: CODES.notImplemented, message: 'the request method is not known to the agent' };
    else if (p.method === CONNECT)
      req.answer = { status: 405, code: CODES.methodNotAllowed, message: 'CONNECT is not served: this is a reverse proxy, not a tunnel' };
    else if (verdict.kind === 'refuse') req.answer = { status: 400, code: CODES.badRequest, message: verdict.message };
    else if (verdict.kind === 'asterisk') req.answer = 'asterisk';
    if (req.answer !== null && req.answer !== 'asterisk') {
      req.keepAlive = false;
      this.broken = true;
    } else if (req.upgrade) {
      // After an upgrade refused by the service the connection ends (its bytes may not be HTTP).
      req.keepAlive = false;
      this.upgrading = req;
    }
    const expect = field(fields, 'expect');
    if (expect !== undefined && expect.toLowerCase() === '100-continue' && p.minor >= 1) req.expectContinue = true;
    this.clientClosing = !p.keepAlive;
    this.enqueue(req);
    this.current = req;
    return 0;
  }

  onBody(chunk: Buffer): void {
    const req = this.current;
    if (!req || req.answer !== null || req.responded) return; // answered by the agent: the body is read and dropped
    if (req.fwd && req.started) {
      req.fwd.writeBody(chunk);
      return;
    }
    (req.body ??= []).push(chunk);
    req.bodyBytes += chunk.length;
  }

  onTrailers(fields: string[]): void {
    if (this.current) this.current.trailers = fields;
  }

  onComplete(): void {
    const req = this.current;
    this.current = null;
    if (!req) return;
    req.complete = true;
    if (req.fwd && req.started) req.fwd.endBody(req.trailers);
    if (req.responded) this.advance();
  }

  /** Starts the request at the head of the queue when it has not started yet. */
  private pump(): void {
    const req = this.queue[0];
    if (!req || req.started || this.phase !== 'admitted') return;
    req.started = true;
    try {
      this.serve(req);
    } catch (err) {
      this.deps.failed(err, this.admission?.vs.doc.name, 'request');
      this.vs.internal_errors_total++;
      if (req.fwd) req.fwd.abort();
      req.keepAlive = false;
      this.answerError(req, 500, CODES.internal, 'the agent failed to handle the request');
    }
  }

  private serve(req: HttpRequest): void {
    const a = this.admission!;
    if (req.answer === 'asterisk') {
      this.write(`HTTP/1.1 200 OK\r\nallow: ${ALLOW}\r\ncontent-length: 0\r\n${req.keepAlive ? '' : 'connection: close\r\n'}\r\n`);
      this.responded(req, req.keepAlive);
      return;
    }
    if (req.answer !== null) {
      this.answerError(req, req.answer.status, req.answer.code, req.answer.message);
      return;
    }
    if (a.kind === 'redirect') {
      this.write(`HTTP/1.1 302 Found\r\nlocation: ${a.url}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      this.responded(req, false);
      return;
    }
    if (a.kind === 'drop' || this.deps.draining()) {
      req.keepAlive = false;
      this.answerError(req, 503, CODES.spilloverDrop, 'the vserver is past its spillover limit', 'retry-after: 1\r\n');
      return;
    }
    if (a.vs.route !== undefined) {
      this.switchRequest(req, a.vs, a.vs.route);
      return;
    }
    this.serveOn(req, a.vs);
  }

  /** `req` served by `v`'s services: the vserver admitted, or the one a content switch routed the request to. */
  private serveOn(req: HttpRequest, v: HttpVServer): void {
    v.counters.rq_total++;
    const cookie = v.doc.persistence.type === 'cookie' ? readCookie(req.fields, v.cookieName) : undefined;
    const pick = this.deps.services.pick(v.doc.name, this.ip, cookie);
    if (pick === 'wait') {
      this.waitForService(req, v).catch((err: unknown) => {
        this.deps.failed(err, v.doc.name, 'request');
        this.cut();
      });
      return;
    }
    if (pick === 'unavailable') {
      this.answerError(req, 503, CODES.noServiceAvailable, 'no service of the vserver is available', 'retry-after: 1\r\n');
      return;
    }
    this.forward(req, v, pick);
  }

  /** A request of a content switch: its rules pick the vserver, whose own pipeline admits it (content-switch.ts). */
  private switchRequest(req: HttpRequest, sw: HttpVServer, route: SwitchRoute): void {
    sw.counters.rq_total++;
    const r = route(req, this.ip);
    if (!(r instanceof Promise)) {
      this.routed(req, sw, r);
      return;
    }
    r.then(
      (x) => {
        this.routed(req, sw, x);
        this.updateFlow();
      },
      (err: unknown) => {
        this.deps.failed(err, sw.doc.name, 'request');
        this.cut();
      },
    );
  }

  private routed(req: HttpRequest, sw: HttpVServer, r: Routed): void {
    if (r.kind === 'serve') {
      if (this.phase !== 'admitted') {
        r.done();
        return;
      }
      req.release = r.done;
      this.target = r.vs;
      this.serveOn(req, r.vs);
      return;
    }
    if (this.phase !== 'admitted') return;
    if (r.kind === 'redirect') {
      this.write(`HTTP/1.1 302 Found\r\nlocation: ${r.url}\r\ncontent-length: 0\r\n${req.keepAlive ? '' : 'connection: close\r\n'}\r\n`);
      this.responded(req, req.keepAlive);
    } else if (r.kind === 'drop') this.answerError(req, 503, CODES.spilloverDrop, 'the vserver is past its spillover limit', 'retry-after: 1\r\n');
    else this.answerError(req, 404, CODES.noContentMatch, `no rule of content switch ${sw.doc.name} matches the request, and it has no default`);
  }

  private async waitForService(req: HttpRequest, v: HttpVServer): Promise<void> {
    const pick = await this.deps.services.wait(v.doc.name, this.ip);
    if (typeof pick !== 'string' && this.phase !== 'admitted') {
      this.deps.services.release(pick);
      return;
    }
    if (pick === 'timeout') {
      req.keepAlive = false;
      this.answerError(req, 503, CODES.surgeQueueTimeout, 'no service had room within the surge queue timeout', 'retry-after: 1\r\n');
    } else if (pick === 'unavailable') this.answerError(req, 503, CODES.noServiceAvailable, 'no service of the vserver is available', 'retry-after: 1\r\n');
    else this.forward(req, v, pick);
    this.updateFlow();
  }

  private forward(req: HttpRequest, v: HttpVServer, pick: ServicePick): void {
    const fwd = new Forward(this, req, pick, this.deps.pools, v.doc.timeoutMs, this.deps.services);
    req.fwd = fwd;
    fwd.start();
  }

  // ---- ClientSide ----

  draining(): boolean {
    return this.deps.draining();
  }

  sendContinue(req: HttpRequest): void {
    if (!req.expectContinue || req.complete || req.bodyBytes > 0) return;
    req.expectContinue = false;
    this.write('HTTP/1.1 100 Continue\r\n\r\n');
  }

  answerError(req: HttpRequest, status: number, code: AgentHttpCode, message: string, extra = ''): void {
    // A client still waiting for 100 Continue may send its body or not: the connection cannot carry another request.
    const keep = req.keepAlive && !(req.expectContinue && !req.complete) && !this.deps.draining();
    this.write(errorResponse(status, code, message, !keep, extra));
    this.responded(req, keep);
  }

  responded(req: HttpRequest, keepAlive: boolean): void {
    releaseTarget(req);
    req.responded = true;
    req.fwd = null;
    if (!keepAlive || this.deps.draining()) req.keepAlive = false;
    req.keepAliveAfter = req.keepAlive && keepAlive;
    if (!req.keepAliveAfter) {
      this.end();
      return;
    }
    if (req.complete) this.advance();
    else this.updateFlow(); // the rest of its body is read and dropped
  }

  /** Adds a request read to the queue (an array of one entry for the common case of one at a time). */
  private enqueue(req: HttpRequest): void {
    if (this.queue.length === 0) this.queue = [req];
    else this.queue.push(req);
  }

  /** The request at the head of the queue is done both ways: the next one starts. */
  private advance(): void {
    if (this.queue.length === 0) return;
    const req = this.queue.shift()!;
    if (this.queue.length === 0) this.queue = NO_REQUESTS;
    if (!req.keepAliveAfter) {
      this.end();
      return;
    }
    if (this.queue.length === 0) {
      if (this.clientEnded) {
        this.end();
        return;
      }
      if (this.current === null && this.headSince === 0) this.idleSince = Date.now();
    }
    this.pump();
    this.updateFlow();
    this.idleParser();
  }

  cut(): void {
    this.phase = 'closed';
    releaseNow(this.socket);
    this.socket.destroy();
  }

  tunnel(req: HttpRequest, service: net.Socket, fromService: Buffer): void {
    this.phase = 'tunnel';
    // Pipes need net.Sockets: a connection on its raw handle gets one (handle-socket.ts).
    const client = asNetSocket(this.socket);
    const upstream = asNetSocket(service);
    client.removeListener('data', onSocketData);
    readViews(client, null);
    this.dropParser();
    const held = this.tunnelBytes ?? [];
    this.tunnelBytes = null;
    this.upgrading = null;
    if (fromService.length > 0) client.write(fromService);
    for (const c of held) upstream.write(c);
    const vs = this.vs;
    const sent0 = upstream.bytesWritten;
    const recv0 = upstream.bytesRead;
    // In the connection table: a maintenance of its service drains it, then closes it at the deadline.
    const pick = req.fwd?.pick;
    const tracked = pick ? this.deps.track?.(client, { vserver: this.root.doc.name, pick }, upstream, () => client.destroy()) : undefined;
    upstream.on('error', () => upstream.destroy());
    upstream.once('close', () => {
      tracked?.untrack();
      vs.rx_bytes_total += upstream.bytesWritten - sent0;
      vs.tx_bytes_total += upstream.bytesRead - recv0;
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    client.allowHalfOpen = false;
    upstream.setTimeout(0);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    upstream.resume();
  }

  setUpstreamBlocked(blocked: boolean): void {
    this.blockedUpstream = blocked;
    this.updateFlow();
  }

  // ---- flow, timeouts, the end ----

  private write(s: string): void {
    this.flushClient();
    if (!this.socket.destroyed) this.socket.write(s);
  }

  flushClient(): boolean {
    return this.out.flush(this.socket);
  }

  /** Reads the client while there is room: not past a request waiting its turn, nor past a blocked service. */
  private updateFlow(): void {
    if (this.phase !== 'admitted') return;
    const head = this.queue[0];
    const waiting = head !== undefined && head.started && head.fwd === null && !head.responded; // in the surge queue
    const buffered = this.current !== null && this.current.bodyBytes > MAX_BUFFERED_BODY && !(this.current.fwd && this.current.started);
    const read = !this.broken && !this.blockedUpstream && this.queue.length <= 1 && !waiting && !buffered;
    if (read === this.flowing) return;
    this.flowing = read;
    if (read) this.socket.resume();
    else this.socket.pause();
  }

  /** Ends the connection after what was written (lingering: what the client still sends is dropped). */
  private end(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    for (const r of this.queue) r.fwd?.abort();
    // No linger when the client said it sends no more and nothing it sent is unread or unanswered.
    const unread = this.broken || this.current !== null || this.pending !== null || this.queue.length > 1;
    endLingering(this.socket, !this.clientClosing || unread, this.root.doc.clientTimeoutMs);
  }

  /** The engine's periodic check of the client-side timeouts. */
  sweep(now: number): void {
    const doc = this.root.doc;
    if (this.phase === 'first') {
      if (this.firstDone && now - this.headSince >= doc.headersTimeoutMs) {
        this.root.counters.rq_header_timeout_total++;
        this.endFirst(null);
        answerAndClose(this.socket, 408, CODES.requestTimeout, `no complete request head within ${doc.headersTimeoutMs} ms`, doc.clientTimeoutMs);
      }
      return;
    }
    if (this.phase !== 'admitted') return;
    if (this.headSince !== 0 && this.queue.length === 0 && now - this.headSince >= doc.headersTimeoutMs) {
      this.vs.rq_header_timeout_total++;
      this.phase = 'closed';
      answerAndClose(this.socket, 408, CODES.requestTimeout, `no complete request head within ${doc.headersTimeoutMs} ms`, doc.clientTimeoutMs);
      return;
    }
    if (this.idleSince !== 0 && this.queue.length === 0 && now - this.idleSince >= doc.keepAliveTimeoutMs) {
      this.phase = 'closed';
      this.socket.destroy();
      return;
    }
    // A client that takes none of its answer for clientTimeoutMs (HAProxy `timeout client`): the
    // service is paused for it, and the connection would hold its uses for as long as it likes.
    const since = this.queue[0]?.fwd?.blockedOnClientSince ?? 0;
    if (since !== 0 && now - since >= doc.clientTimeoutMs) {
      this.vs.cx_idle_timeout_total++;
      this.phase = 'closed';
      resetClient(this.socket);
    }
  }

  /** Closes the connection if it is between requests (shutdown). */
  closeIfIdle(): void {
    if (this.phase === 'admitted' && this.queue.length === 0 && this.headSince === 0) {
      this.phase = 'closed';
      this.socket.destroy();
    }
  }

  onEnd(): void {
    this.clientEnded = true;
    if (this.phase === 'first') {
      if (this.firstDone) {
        this.endFirst(null);
        this.socket.destroy();
      }
      return;
    }
    // As node:http (httpAllowHalfOpen off): a client that ends its side ends the exchanges in flight too.
    if (this.phase === 'admitted') this.end();
  }

  onClose(): void {
    const wasFirst = this.phase === 'first' && this.firstDone !== null;
    this.phase = 'closed';
    for (const r of this.queue) {
      r.fwd?.abort();
      releaseTarget(r);
    }
    this.queue = NO_REQUESTS;
    this.current = null;
    this.dropParser();
    this.deps.forget(this);
    if (wasFirst) this.endFirst(null);
    const a = this.admission;
    if (a !== null) this.deps.closed(this.socket, a);
  }
}
