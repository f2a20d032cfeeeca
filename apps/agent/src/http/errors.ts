// The agent's own HTTP answers: one JSON body in the control plane's error shape
// ({ statusCode, code, error, message }, API-SHAPE.md) with codes prefixed SPILLWAY_AGENT_, and the
// way a connection closes after an error (it lingers, so the client reads the answer).
import { STATUS_CODES } from 'node:http';
import type net from 'node:net';
import { DEFAULTS } from '@spillway/protocol';

export const CODES = {
  badRequest: 'SPILLWAY_AGENT_BAD_REQUEST',
  requestTimeout: 'SPILLWAY_AGENT_REQUEST_TIMEOUT',
  headersTooLarge: 'SPILLWAY_AGENT_HEADERS_TOO_LARGE',
  methodNotAllowed: 'SPILLWAY_AGENT_METHOD_NOT_ALLOWED',
  notImplemented: 'SPILLWAY_AGENT_NOT_IMPLEMENTED',
  internal: 'SPILLWAY_AGENT_INTERNAL',
  spilloverDrop: 'SPILLWAY_AGENT_SPILLOVER_DROP',
  noServiceAvailable: 'SPILLWAY_AGENT_NO_SERVICE_AVAILABLE',
  surgeQueueTimeout: 'SPILLWAY_AGENT_SURGE_QUEUE_TIMEOUT',
  /** A content switch's request no rule matched, the switch having no default (404). */
  noContentMatch: 'SPILLWAY_AGENT_NO_CONTENT_MATCH',
  upstreamError: 'SPILLWAY_AGENT_UPSTREAM_ERROR',
  upstreamTimeout: 'SPILLWAY_AGENT_UPSTREAM_TIMEOUT',
} as const;
export type AgentHttpCode = (typeof CODES)[keyof typeof CODES];

/** The reason phrase of a status (RFC 9110), as node:http's table has it. */
export const reason = (status: number): string => STATUS_CODES[status] ?? 'Unknown';

/** The JSON error body of the agent (API-SHAPE.md's error shape). */
export function errorBody(status: number, code: AgentHttpCode, message: string): string {
  return JSON.stringify({ statusCode: status, code, error: reason(status), message });
}

/**
 * A complete error response: status line, JSON body, `extra` headers (lower-case names), and
 * `connection: close` when the connection ends after it.
 */
export function errorResponse(status: number, code: AgentHttpCode, message: string, close: boolean, extra = ''): string {
  const body = errorBody(status, code, message);
  return (
    `HTTP/1.1 ${status} ${reason(status)}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}` +
    `${close ? 'connection: close\r\n' : ''}\r\n${body}`
  );
}

/** How long a connection that ends keeps reading (and dropping) what the client still sends before it is destroyed. */
export const LINGER_MS = 1_000;

/**
 * Ends `socket` after what was written: what the client still sends is read and dropped for a
 * moment (closing a socket with unread bytes resets the connection, and the client could lose the
 * answer), then it is destroyed. `linger` false: the client said it sends nothing more (its last
 * request asked to close) and nothing of it is unread, so the socket is closed as soon as the answer
 * is written, as HAProxy and nginx do (no read of the client's FIN: ~10 µs of a new connection's
 * ~95 µs, bench/cpu-per-request.ts), or after `sendTimeoutMs` (the vserver's clientTimeoutMs) when
 * the client takes none of it.
 */
export function endLingering(socket: net.Socket, linger = true, sendTimeoutMs: number = DEFAULTS.vserver.clientTimeoutMs): void {
  if (socket.destroyed) return;
  socket.end();
  if (!linger) {
    socket.once('finish', destroyWritten);
    // A client that takes none of the rest of its answer is not waited for past the deadline.
    const deadline = setTimeout(() => socket.destroy(), sendTimeoutMs);
    deadline.unref();
    socket.once('close', () => clearTimeout(deadline));
    return;
  }
  socket.removeAllListeners('data');
  socket.on('data', drop);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
function destroyWritten(this: net.Socket): void {
  this.destroy();
}
function drop(): void {
  /* bytes after the answer are not read */
}

/** Answers an error on a raw client socket and closes it (lingering). */
export function answerAndClose(socket: net.Socket, status: number, code: AgentHttpCode, message: string): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.write(errorResponse(status, code, message, true));
  endLingering(socket);
}
