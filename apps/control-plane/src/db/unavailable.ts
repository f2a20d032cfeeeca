// The one rule for "the database is unavailable" (down, restarting, unreachable, connection lost),
// as opposed to a query that failed on a database that answers. The error handler answers these
// with 503 SPILLWAY_API_DATABASE_UNAVAILABLE and Retry-After; background writers log them and retry.
//
// What an outage looks like through Prisma 7 over @prisma/adapter-pg (seen against a Postgres
// killed with SIGKILL and one terminating backends):
//   - PrismaClientKnownRequestError P1001 (can't reach), P1017 (server closed the connection),
//     or P2010 (raw query failed) whose meta.driverAdapterError.cause has kind DatabaseNotReachable,
//     ConnectionClosed, SocketTimeout, TooManyConnections, or kind `postgres` with a SQLSTATE of
//     class 08 (connection exception) or 57P01-57P03 (admin/crash shutdown, cannot connect now);
//   - the driver's own Error, passed through unchanged: "Connection terminated unexpectedly"
//     (the server died mid-query), socket errors (ECONNREFUSED, ECONNRESET, ...), pool timeouts.

/** Prisma error codes of an unreachable database or lost connection (P2024: no pool connection in time). */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Kinds of @prisma/driver-adapter-utils errors that mean the connection, not the query, failed. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** SQLSTATEs: 53300 too_many_connections, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now. */
const SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);
const DRIVER_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable)$/;

function sqlstateUnavailable(code: unknown): boolean {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || SQLSTATES.has(code));
}

/** True when `err` (or what it wraps) says the database cannot be reached or the connection was lost. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e !== null && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const o = e as {
      name?: unknown;
      code?: unknown;
      errorCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (typeof o.code === 'string' && (PRISMA_CODES.has(o.code) || SOCKET_CODES.has(o.code) || sqlstateUnavailable(o.code))) return true;
    // PrismaClientInitializationError carries the code in errorCode.
    if (typeof o.errorCode === 'string' && PRISMA_CODES.has(o.errorCode)) return true;
    if (typeof o.kind === 'string' && (ADAPTER_KINDS.has(o.kind) || (o.kind === 'postgres' && sqlstateUnavailable(o.code)))) return true;
    if (
      typeof o.message === 'string' &&
      DRIVER_MESSAGES.test(
        o.message
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .at(-1) ?? '',
      )
    )
      return true;
    // Prisma keeps the adapter's error in meta.driverAdapterError, whose cause is the mapped one.
    e = o.meta?.driverAdapterError ?? o.cause;
  }
  return false;
}

/** Seconds a client should wait before retrying while the database is unavailable (Retry-After). */
export const DATABASE_RETRY_AFTER_S = 2;
