// HTTP/1.1 proxying of one request to one service through its keep-alive undici Pool.
// Upstream errors answer 502, upstream timeouts 504; request and response bodies are streamed.
//
// Hot path: undici's `dispatch` with a bare handler object (no promise, no stream pipeline, no
// AbortSignal per request), request headers as a flat array built from `rawHeaders` in one pass,
// response headers written from undici's raw header buffers, backpressure by pausing undici.
import http from 'node:http';
import type net from 'node:net';
import { Transform } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import type { ServiceCounters, VServerCounters } from './stats.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Request headers the proxy sets itself (the forwarded ones are extended, the others replaced). */
const REWRITTEN = new Set(['x-forwarded-for', 'forwarded', 'x-forwarded-proto', 'x-forwarded-host']);

export function createServicePool(host: string, port: number, timeoutMs: number): Pool {
  return new Pool(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, {
    connections: 256,
    keepAliveTimeout: 4_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 5_000),
    pipelining: 1,
  });
}

function forwardedFor(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

/** An RFC 7230 quoted-string (RFC 7239 §4): `"` and `\` escaped with a backslash. */
export function quotedString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Request headers for the service as a flat [name, value, …] list: hop-by-hop headers (and those
 * the Connection header names) removed, X-Forwarded-For and Forwarded extended with the client,
 * X-Forwarded-Proto and X-Forwarded-Host set. `host` replaces the client's Host (the authority of
 * an absolute-form target).
 */
export function upstreamHeaders(req: http.IncomingMessage, hostOverride?: string): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let connectionTokens: Set<string> | null = null;
  let xff: string | null = null;
  let fwd: string | null = null;
  let host: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.length <= 19 ? name.toLowerCase() : name; // longer names are never special
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'connection') {
        for (const t of value.split(',')) {
          const k = t.trim().toLowerCase();
          if (k) (connectionTokens ??= new Set()).add(k);
        }
      }
      continue;
    }
    // The agent answers the expectation itself (100 Continue once it forwards the body); undici refuses the header.
    if (lower === 'expect') continue;
    if (REWRITTEN.has(lower)) {
      if (lower === 'x-forwarded-for') xff = xff === null ? value : `${xff}, ${value}`;
      else if (lower === 'forwarded') fwd = fwd === null ? value : `${fwd}, ${value}`;
      continue;
    }
    if (lower === 'host') {
      host = hostOverride ?? value;
      out.push(name, host);
      continue;
    }
    out.push(name, value);
  }
  if (hostOverride !== undefined && host === null) {
    host = hostOverride;
    out.push('host', host);
  }
  if (connectionTokens) {
    for (let i = out.length - 2; i >= 0; i -= 2) if (connectionTokens.has(out[i]!.toLowerCase())) out.splice(i, 2);
  }
  const ip = req.socket.remoteAddress ?? 'unknown';
  out.push('x-forwarded-for', xff === null ? ip : `${xff}, ${ip}`, 'x-forwarded-proto', 'http');
  if (host !== null) out.push('x-forwarded-host', host);
  const mine = `for=${forwardedFor(ip)};proto=http${host !== null ? `;host=${quotedString(host)}` : ''}`;
  out.push('forwarded', fwd === null ? mine : `${fwd}, ${mine}`);
  return out;
}

const EXPECTS = Symbol('spillway.expects-continue');
type Expecting = http.IncomingMessage & { [EXPECTS]?: boolean };

/** `req` came with Expect: 100-continue (node:http's checkContinue): its client waits for a 100 before it sends the body. */
export function markExpectsContinue(req: http.IncomingMessage): void {
  (req as Expecting)[EXPECTS] = true;
}

/** Sends the 100 Continue a client waits for, once: right before its body is forwarded. */
export function sendContinue(req: http.IncomingMessage, res: http.ServerResponse): void {
  const r = req as Expecting;
  if (!r[EXPECTS]) return;
  r[EXPECTS] = false;
  res.writeContinue();
}

/**
 * An error answer from the agent. A client still waiting for 100 Continue may send its body or
 * not, so the connection cannot carry another request: it closes after the answer.
 */
export function sendError(res: http.ServerResponse, status: number, code: string, extra: Record<string, string> = {}, message = code): void {
  // A response already begun cannot become an error: it is cut (a complete one is left alone).
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  if ((res.req as Expecting | undefined)?.[EXPECTS]) res.shouldKeepAlive = false;
  const body = JSON.stringify({ statusCode: status, code, message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** How long a connection answered with an error keeps reading (and dropping) what the client still sends before it closes. */
const LINGER_MS = 1_000;
const ANSWERED = Symbol('spillway.answered');

/**
 * Answers an error on a raw client socket (no response object: the request never parsed, or it
 * did not complete in time) and closes it. The socket lingers: what the client still sends is read
 * and dropped for a moment, since closing a socket with unread bytes resets the connection and the
 * client could lose the answer. Only the first answer on a socket is written.
 */
export function answerAndClose(socket: net.Socket, status: number, code: string, message = code): void {
  const tagged = socket as net.Socket & { [ANSWERED]?: true };
  if (tagged[ANSWERED] || socket.destroyed) return;
  tagged[ANSWERED] = true;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ statusCode: status, code, message });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** True once answerAndClose wrote on this socket (later parser errors of the same bytes are not answered again). */
export const answered = (socket: net.Socket): boolean => (socket as net.Socket & { [ANSWERED]?: true })[ANSWERED] === true;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The response headers for the client: undici's raw buffers, hop-by-hop removed, `setCookie` added. */
function responseHeaders(raw: Buffer[], setCookie: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (name.length <= 19 && HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}

/**
 * One exchange, as undici's handler (the legacy interface, which undici's request object calls
 * directly: onConnect, onHeaders, onData, onComplete, onError).
 */
class Exchange<T> {
  private abortUpstream: ((err?: Error) => void) | null = null;
  resumeUpstream: (() => void) | null = null;
  finished = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly vs: VServerCounters,
    private readonly svc: ServiceCounters,
    private readonly setCookie: string | undefined,
    private readonly done: (token: T) => void,
    private readonly token: T,
  ) {
    (res as Tagged)[EXCHANGE] = this;
    res.on('close', onClientClose);
  }

  /** The client went away mid-exchange: stop the upstream request. */
  clientClosed(): void {
    if (!this.finished) this.abortUpstream?.(new Error('client closed'));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.res.destroyed) abort(new Error('client closed'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.resumeUpstream = resume;
    // Gone, or already answered by the agent (a malformed request body): the service's answer is not wanted.
    if (this.res.destroyed || this.res.headersSent) {
      this.abortUpstream?.(new Error('client closed'));
      return false;
    }
    this.res.writeHead(statusCode, responseHeaders(rawHeaders, this.setCookie));
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.vs.tx_bytes_total += chunk.length;
    this.svc.rx_bytes_total += chunk.length;
    const res = this.res;
    if (res.destroyed) {
      this.abortUpstream?.(new Error('client closed'));
      return false;
    }
    if (res.write(chunk)) return true;
    // Backpressure: undici stays paused until the client drained what it was given.
    res.on('drain', onClientDrain);
    return false;
  }

  onComplete(): void {
    if (this.finish()) this.res.end();
  }

  onError(err: Error): void {
    if (!this.finish()) return;
    const code = (err as { code?: string }).code ?? '';
    if (TIMEOUT_CODES.has(code)) {
      this.svc.rq_timeout_total++;
      sendError(this.res, 504, 'SPILLWAY_UPSTREAM_TIMEOUT');
    } else {
      this.svc.rq_error_total++;
      sendError(this.res, 502, 'SPILLWAY_UPSTREAM_ERROR');
    }
  }

  private finish(): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.res.removeListener('close', onClientClose);
    this.done(this.token);
    return true;
  }
}

// Listeners shared by every exchange (no closure per request): `this` is the response.
const EXCHANGE = Symbol('spillway.exchange');
type Tagged = http.ServerResponse & { [EXCHANGE]?: { finished: boolean; resumeUpstream: (() => void) | null; clientClosed(): void } };
function onClientClose(this: Tagged): void {
  this[EXCHANGE]?.clientClosed();
}
function onClientDrain(this: Tagged): void {
  this.removeListener('drain', onClientDrain);
  const ex = this[EXCHANGE];
  if (ex && !ex.finished) ex.resumeUpstream?.();
}

/**
 * Streams `req` (to `path`, in origin-form, with `headers` from upstreamHeaders) to the service and its answer back to
 * `res`, then calls `done(token)` once, whatever the outcome (undici reports a request it refuses
 * to onError, so nothing here throws). `setCookie` is added to the response (cookie persistence).
 */
export function proxyHttp<T>(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pool: Pool,
  path: string,
  headers: string[],
  vs: VServerCounters,
  svc: ServiceCounters,
  setCookie: string | undefined,
  done: (token: T) => void,
  token: T,
): void {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // Counted in a transform (not a 'data' listener) so the body is not consumed before undici reads it.
  const body = hasBody
    ? req.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            vs.rx_bytes_total += chunk.length;
            svc.tx_bytes_total += chunk.length;
            cb(null, chunk);
          },
        }),
      )
    : null;
  const exchange = new Exchange(res, vs, svc, setCookie, done, token);
  pool.dispatch({ method: req.method as Dispatcher.HttpMethod, path, headers, body }, exchange);
}
