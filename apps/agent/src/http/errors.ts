// The agent's own HTTP answers: one JSON body in the control plane's error shape
// ({ statusCode, code, error, message }, API-SHAPE.md) with codes prefixed SPILLWAY_AGENT_, and the
// way a connection closes after an error (it lingers, so the client reads the answer).
import { STATUS_CODES } from 'node:http';
import type net from 'node:net';
import { DEFAULTS } from '@spillway/protocol';
import { HandleSocket } from './handle-socket.js';

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
 * Ends `socket` after what was written, one rule for every way a connection ends: the answer is
 * written out first (the socket's 'finish'), for at most `sendTimeoutMs` (the vserver's
 * clientTimeoutMs: a client that takes none of it is not waited for past the deadline). Then, with
 * `linger`, what the client still sends is read and dropped for LINGER_MS before the socket is
 * destroyed (closing a socket with unread bytes resets the connection, and the client could lose
 * the answer); without it (the client said it sends nothing more and nothing of it is unread) it is
 * destroyed at once, as HAProxy and nginx do (no read of the client's FIN: ~10 µs of a new
 * connection's ~95 µs, bench/cpu-per-request.ts); on a handle whose kernel took the whole answer,
 * closed without a shutdown first (HandleSocket.closeWhenWritten). While the answer is written,
 * what the client sends is dropped too.
 */
export function endLingering(socket: net.Socket, linger = true, sendTimeoutMs: number = DEFAULTS.vserver.clientTimeoutMs): void {
  if (socket.destroyed) return;
  // Nothing to wait for when the kernel took the whole answer and the client sends no more.
  if (!linger && socket instanceof HandleSocket && socket.closeWhenWritten()) return;
  if (linger) {
    socket.removeAllListeners('data');
    socket.on('data', drop);
    socket.resume();
  }
  socket.end();
  let timer = setTimeout(resetSocket, sendTimeoutMs, socket);
  timer.unref();
  socket.once('finish', () => {
    clearTimeout(timer);
    if (!linger) {
      socket.destroy();
      return;
    }
    timer = setTimeout(destroySocket, LINGER_MS, socket);
    timer.unref();
  });
  socket.once('close', () => clearTimeout(timer));
}
function destroySocket(socket: net.Socket): void {
  socket.destroy();
}
/** The send deadline passed: the client took none of the rest, which the kernel would keep for it behind a FIN. */
function resetSocket(socket: net.Socket): void {
  resetClient(socket);
}

/**
 * Ends a client connection that took none of its answer for clientTimeoutMs with a reset (RST), as
 * HAProxy aborts an expired `timeout client`: a plain close would leave the unsent bytes in the
 * kernel behind a FIN, held for a peer that reads nothing.
 */
export function resetClient(socket: net.Socket): void {
  if (socket.destroyed) return;
  // net.Socket resets only on its own TCP handle: without one it would emit an error, on a TLS or
  // pipe handle it throws. Those are closed as before.
  if ((socket as { _handle?: unknown })._handle === null) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
function drop(): void {
  /* bytes after the answer are not read */
}

/** Answers an error on a raw client socket and closes it (lingering; `sendTimeoutMs`: see endLingering). */
export function answerAndClose(socket: net.Socket, status: number, code: AgentHttpCode, message: string, sendTimeoutMs?: number): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.write(errorResponse(status, code, message, true));
  endLingering(socket, true, sendTimeoutMs);
}
