// One request forwarded to one service: the head sent as soon as it is complete, the body
// streamed after it (re-chunked when the client sent chunked, with its trailers), the answer
// streamed back with backpressure both ways, hop-by-hop fields removed, Set-Cookie of cookie
// persistence added; 502 when the service fails before answering, 504 when it stays silent for
// the vserver's timeoutMs (the upstream socket's own timer), a tunnel after 101 Switching Protocols.
// Each direction sends what one read produced in one write (batch.ts): a request head with the
// body that came with it, an answer's head with its body.
import type net from 'node:net';
import type { Batch } from './batch.js';
import type { ServicePick } from '../service-state.js';
import type { ServiceCounters, VServerCounters } from '../stats.js';
import { CODES, reason } from './errors.js';
import { READ_BODY_RAW } from './parser.js';
import { SimpleHead, bytesAre, type Head } from './simple-head.js';
import { connectionTokens, isHopByHop, isHopByHopAt, upstreamHead } from './request.js';
import type { UpstreamConn, UpstreamPool, UpstreamSink } from './upstream-pool.js';
import type { HttpRequest } from './connection.js';

/** What the forward needs of the client connection it answers. */
export interface ClientSide {
  readonly socket: net.Socket;
  readonly ip: string;
  readonly vs: VServerCounters;
  /** What is sent to the client next, written in one go by flushClient. */
  readonly out: Batch;
  /** Writes what `out` gathered (false: the client's buffer is full). */
  flushClient(): boolean;
  /** Sends 100 Continue if the request waits for it. */
  sendContinue(req: HttpRequest): void;
  /** The agent's own error answer to `req` (nothing of the service's answer was sent). */
  answerError(req: HttpRequest, status: number, code: (typeof CODES)[keyof typeof CODES], message: string): void;
  /** The answer to `req` is complete; `keepAlive`: the connection may carry another request. */
  responded(req: HttpRequest, keepAlive: boolean): void;
  /** The answer cannot be completed (the service failed mid-answer): the connection is cut. */
  cut(): void;
  /** The request asked for a tunnel and the service agreed: the client socket is the tunnel's now. */
  tunnel(req: HttpRequest, upstream: net.Socket, fromService: Buffer): void;
  /** Pauses or resumes reading the client (backpressure from the service). */
  setUpstreamBlocked(blocked: boolean): void;
  /** The agent is draining: the answer being started is the connection's last. */
  draining(): boolean;
}

type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

/**
 * A response body of Content-Length up to this many bytes is relayed as read (READ_BODY_RAW): what
 * a read holds of it goes out in the client's one write, copied there once (batch.ts view()).
 */
const RAW_BODY_MAX = 8 * 1024;

/** Fields of a response for the client: hop-by-hop and Connection-named ones removed; its framing and Content-Length value. */
export function responseFields(fields: readonly string[]): { out: string; framing: ResponseFraming; length: string | undefined } {
  const tokens = connectionTokens(fields);
  let out = '';
  let framing: ResponseFraming = 'close';
  let length: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (isHopByHop(name)) {
      if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') framing = 'chunked';
      continue;
    }
    if (tokens?.names(name)) continue;
    if (framing === 'close' && name.length === 14 && name.toLowerCase() === 'content-length') {
      framing = 'length';
      length = fields[i + 1];
    }
    out += `${name}: ${fields[i + 1]!}\r\n`;
  }
  return { out, framing, length };
}

/**
 * A response head for the client serialized from its fields (without the lines the forward adds
 * and the empty line), its framing and its Content-Length (-1: none, or too long to be relayed raw).
 */
export function serializedHead(p: Pick<Head, 'status' | 'statusText' | 'headers'>): { head: string; framing: ResponseFraming; length: number } {
  const f = responseFields(p.headers);
  // llhttp checked the value: digits, one value.
  const length = f.length !== undefined && f.length.length <= 5 ? Number(f.length) : -1;
  return { head: `HTTP/1.1 ${p.status} ${p.statusText || reason(p.status)}\r\n${f.out}`, framing: f.framing, length };
}

/**
 * responseFields's rule for the names of a simple head (simple-head.ts), whose one Connection, if
 * any, is `keep-alive` (hop-by-hop itself) or `close`, which names a field `close`: what the
 * client gets of it is its own bytes but those fields (SimpleHead.forwardPieces).
 */
const DROP_ON_KEEP_ALIVE = (b: Buffer, s: number, e: number): boolean => isHopByHopAt(b, s, e);
const DROP_ON_CLOSE = (b: Buffer, s: number, e: number): boolean => isHopByHopAt(b, s, e) || bytesAre(b, s, e, 'close');
export function simpleResponseDrop(keepAlive: boolean): (b: Buffer, s: number, e: number) => boolean {
  return keepAlive ? DROP_ON_KEEP_ALIVE : DROP_ON_CLOSE;
}

/** The last chunk of a chunked body with `trailers` (hop-by-hop ones left out), and the empty line. */
function lastChunk(trailers: readonly string[] | null): string {
  let t = '0\r\n';
  if (trailers) for (let i = 0; i < trailers.length; i += 2) if (!isHopByHop(trailers[i]!)) t += `${trailers[i]!}: ${trailers[i + 1]!}\r\n`;
  return `${t}\r\n`;
}

export class Forward implements UpstreamSink {
  private up: UpstreamConn | null = null;
  private responseStarted = false;
  /** Framing of the answer towards the client. */
  private toClient: ResponseFraming = 'length';
  private upstreamKeepAlive = false;
  private informational = false;
  /** The status of the last head the service sent. */
  private status = 0;
  private bodySent = false;
  private finished = false;
  private blockedOnClient = false;
  /** Since when (Date.now()) the answer waits for the client to take what it was written (0: it does not): the connection's sweep closes it past clientTimeoutMs. */
  blockedOnClientSince = 0;
  private bodyWritten = 0;
  readonly svc: ServiceCounters;

  constructor(
    private readonly side: ClientSide,
    private readonly req: HttpRequest,
    readonly pick: ServicePick,
    private readonly pool: UpstreamPool,
    private readonly timeoutMs: number,
    private readonly services: { release(pick: ServicePick): void },
  ) {
    this.svc = pick.counters;
  }

  /** Sends the head (and what body arrived) to an upstream connection. */
  start(): void {
    this.svc.rq_total++;
    this.connect();
  }

  private connect(): void {
    const req = this.req;
    const up =
      this.pick.proxyV2 === true
        ? this.pool.acquirePrivate(this.pick.address, this.pick.port, this.side.socket)
        : this.pool.acquire(this.pick.address, this.pick.port);
    this.up = up;
    up.sink = this;
    up.armTimeouts(this.timeoutMs);
    up.out.text(upstreamHead(req.method, req.path, req.fields, this.side.ip, req.hostOverride, req.framing, req.upgrade, this.pick));
    const body = req.body;
    req.body = null;
    if (body) for (const c of body) this.addBody(up, c);
    if (req.complete) this.addEnd(up, req.trailers);
    this.flushUpstream(up);
    this.side.sendContinue(req);
  }

  /** Writes what the upstream batch gathered; pauses the client while the service's socket is full. */
  private flushUpstream(up: UpstreamConn): boolean {
    const ok = up.out.flush(up.socket);
    up.wrote();
    if (!ok && !this.blockedOnUpstream) {
      this.blockedOnUpstream = true;
      this.side.setUpstreamBlocked(true);
      up.socket.once('drain', this.onUpstreamDrain);
    }
    return ok;
  }

  private addBody(up: UpstreamConn, chunk: Buffer): void {
    this.side.vs.rx_bytes_total += chunk.length;
    this.svc.tx_bytes_total += chunk.length;
    this.bodyWritten += chunk.length;
    if (this.req.framing === 'chunked') {
      up.out.text(`${chunk.length.toString(16)}\r\n`);
      up.out.data(chunk);
      up.out.text('\r\n');
    } else up.out.data(chunk);
  }

  private addEnd(up: UpstreamConn, trailers: string[] | null): void {
    if (this.bodySent) return;
    this.bodySent = true;
    if (this.req.framing === 'chunked') up.out.text(lastChunk(trailers));
  }

  /** A piece of the request body: false when the service's socket is full (the caller pauses the client). */
  writeBody(chunk: Buffer): boolean {
    const up = this.up;
    if (!up) return true;
    this.addBody(up, chunk);
    return this.flushUpstream(up);
  }

  private blockedOnUpstream = false;

  /** The drain listeners, made when first needed (most exchanges never wait for a drain). */
  private drainUp: (() => void) | null = null;
  private drainClient: (() => void) | null = null;

  private get onUpstreamDrain(): () => void {
    return (this.drainUp ??= (): void => {
      this.blockedOnUpstream = false;
      this.side.setUpstreamBlocked(false);
    });
  }

  /** The request is complete: the last chunk and the trailers (chunked). */
  endBody(trailers: string[] | null): void {
    const up = this.up;
    if (!up || this.bodySent) return;
    this.addEnd(up, trailers);
    this.flushUpstream(up);
  }

  // ---- the service's answer (UpstreamSink) ----

  onBegin(): void {
    /* a response begins */
  }

  onHead(p: Head): number {
    const status = p.status;
    this.status = status;
    if (status < 200 && status !== 101) {
      // 1xx other than 101: the agent answered any Expect itself; interim answers are not relayed.
      this.informational = true;
      return 0;
    }
    this.informational = false;
    if (status === 101 && !this.req.upgrade) {
      this.onUpstreamFailed('parse', 'the service switched protocols without being asked');
      this.up?.destroy();
      return 0;
    }
    this.responseStarted = true;
    this.upstreamKeepAlive = p.keepAlive;
    const client = this.side.out;
    // A simple head in canonical form goes to the client as its own bytes but the fields dropped
    // (no strings made of it); any other is serialized from its fields, to the same bytes.
    const relayed = p instanceof SimpleHead && p.forwardPieces(simpleResponseDrop(p.keepAlive), client) ? p : null;
    const serialized = relayed === null ? serializedHead(p) : null;
    let head = serialized === null ? '' : serialized.head;
    const framing: ResponseFraming = serialized === null ? 'length' : serialized.framing;
    const length = serialized === null ? relayed!.length : serialized.length;
    const bodiless = this.req.head || status === 204 || status === 304 || status === 101;
    const req = this.req;
    if (this.pick.setCookie !== undefined) head += `set-cookie: ${this.pick.setCookie}\r\n`;
    // Draining: the answer says the connection closes after it (responded() closes it).
    let keep = req.keepAlive && !this.side.draining();
    if (bodiless) this.toClient = 'none';
    else if (framing === 'length') this.toClient = 'length';
    else if (req.minor >= 1) {
      this.toClient = 'chunked';
      head += 'transfer-encoding: chunked\r\n';
    } else {
      this.toClient = 'close';
      keep = false;
    }
    this.req.keepAliveAfter = keep;
    if (status === 101) head += `connection: upgrade\r\nupgrade: ${this.upgradeValue(p.headers)}\r\n`;
    else if (!keep) head += 'connection: close\r\n';
    else if (req.minor === 0) head += 'connection: keep-alive\r\n';
    client.text(`${head}\r\n`);
    if (this.req.head) return 1;
    // A small body framed by Content-Length is relayed as read, past llhttp: no copy of each piece
    // and no callback from the parser for it.
    if (this.toClient === 'length' && framing === 'length' && length > 0 && length <= RAW_BODY_MAX && this.up) {
      this.raw = true;
      this.up.readBodyRaw(length);
      return READ_BODY_RAW;
    }
    return 0;
  }

  /** The body is read raw (READ_BODY_RAW): llhttp's completion at the head's end is not the message's. */
  private raw = false;

  onRawBody(bytes: Buffer): void {
    if (this.finished) return;
    this.side.vs.tx_bytes_total += bytes.length;
    this.svc.rx_bytes_total += bytes.length;
    this.side.out.view(bytes);
  }

  onRawComplete(): void {
    this.raw = false;
    this.onComplete();
  }

  private upgradeValue(fields: readonly string[]): string {
    for (let i = 0; i < fields.length; i += 2) if (fields[i]!.toLowerCase() === 'upgrade') return fields[i + 1]!;
    return this.req.upgradeValue ?? '';
  }

  onBody(chunk: Buffer): void {
    if (this.informational || this.finished) return;
    this.side.vs.tx_bytes_total += chunk.length;
    this.svc.rx_bytes_total += chunk.length;
    const out = this.side.out;
    if (this.toClient === 'chunked') {
      out.text(`${chunk.length.toString(16)}\r\n`);
      out.data(chunk);
      out.text('\r\n');
    } else out.data(chunk);
  }

  /** The end of a read from the service: what it produced goes to the client in one write (backpressure: the service is not read until the client drained it). */
  flush(): void {
    if (this.side.flushClient() || this.blockedOnClient || !this.up || this.finished) return;
    this.blockedOnClient = true;
    this.blockedOnClientSince = Date.now();
    this.up.socket.pause();
    this.side.socket.once('drain', this.onClientDrain);
  }

  private get onClientDrain(): () => void {
    return (this.drainClient ??= (): void => {
      this.blockedOnClient = false;
      this.blockedOnClientSince = 0;
      this.up?.socket.resume();
    });
  }

  private trailers: string[] | null = null;

  onTrailers(fields: string[]): void {
    this.trailers = fields;
  }

  onComplete(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    if (this.finished || !this.responseStarted || this.raw) return;
    if (this.req.upgrade && this.up && this.status === 101) return; // the tunnel takes over (onUpgrade)
    if (this.toClient === 'chunked') this.side.out.text(lastChunk(this.trailers));
    // The answer leaves before anything the connection writes next (a pipelined request's answer).
    this.side.flushClient();
    const up = this.up;
    this.up = null;
    // The upstream connection is reused only when both messages ended cleanly on it.
    const reusable = up !== null && this.upstreamKeepAlive && this.bodySent && !this.blockedOnClient;
    const keep = this.req.keepAliveAfter && this.req.complete && this.toClient !== 'close';
    this.finish();
    if (up) {
      if (this.drainUp) up.socket.removeListener('drain', this.drainUp);
      if (reusable) {
        this.pool.giveBack(up);
      } else up.destroy();
    }
    this.side.responded(this.req, keep);
  }

  onUpgrade(rest: Buffer): void {
    const up = this.up;
    this.up = null;
    this.side.flushClient();
    this.finish();
    if (!up) return;
    this.side.tunnel(this.req, up.socket, rest);
  }

  onUpstreamFailed(why: 'error' | 'closed' | 'timeout' | 'parse', detail: string, connectFailed = false): void {
    if (this.finished) return;
    // Counted as the TCP proxy counts it, also when the exchange then answers 502 or 504.
    if (connectFailed) this.svc.cx_connect_fail_total++;
    const up = this.up;
    // A reused keep-alive connection the service had closed meanwhile: a request without a body
    // is sent again on a fresh connection (nothing of it was processed).
    if (why !== 'timeout' && up && up.uses > 0 && !this.responseStarted && this.req.framing === 'none' && !this.retried) {
      this.retried = true;
      up.destroy();
      this.connect();
      return;
    }
    this.up = null;
    up?.destroy();
    this.finish();
    if (this.responseStarted) {
      this.side.cut();
      return;
    }
    if (why === 'timeout') {
      this.svc.rq_timeout_total++;
      this.side.answerError(this.req, 504, CODES.upstreamTimeout, `the service sent nothing within ${this.timeoutMs} ms`);
    } else {
      this.svc.rq_error_total++;
      this.side.answerError(this.req, 502, CODES.upstreamError, `the service failed: ${detail}`);
    }
  }

  private retried = false;

  /**
   * The request turned out malformed: the upstream request stops and the use goes back; false
   * when the service's answer already began (the caller cuts the connection).
   */
  abortUnanswered(): boolean {
    const began = this.responseStarted;
    this.abort();
    return !began;
  }

  /** The client went away: the upstream request stops, the use goes back. */
  abort(): void {
    if (this.finished) return;
    const up = this.up;
    this.up = null;
    up?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.blockedOnClient && this.drainClient) this.side.socket.removeListener('drain', this.drainClient);
    if (this.blockedOnUpstream) {
      this.blockedOnUpstream = false;
      this.side.setUpstreamBlocked(false);
    }
    this.services.release(this.pick);
  }
}
