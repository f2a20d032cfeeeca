// The HTTP side of the control endpoint (PROTOCOL.md): bearer authentication with the service's
// shared secret (or, for an import, a token derived from it for one migration), JSON bodies with
// a size limit, and the one outgoing call (source → target) with a deadline. Nothing here throws
// past its caller: a bad request is an answer, a failed call is a value.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { MIGRATION_PATHS, importToken, postControl, type ControlCall } from '@spillway/protocol';

/** The paths of the control endpoint (the contract's, shared with the agent). */
export const PATHS = MIGRATION_PATHS;
export { importToken, postControl, type ControlCall };

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time equality of two strings (of any lengths). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The bearer token of a request, or null. */
export function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(h.trim());
  return m ? m[1]! : null;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; reason: string };

/** Reads a JSON body of at most `limit` bytes (the request is drained or destroyed either way). */
export function readJson(req: http.IncomingMessage, limit: number): Promise<JsonBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: JsonBody): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        settle({ ok: false, status: 413, reason: `body larger than ${limit} bytes` });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        settle({ ok: false, status: 400, reason: 'body is not JSON' });
      }
    });
    req.on('error', () => settle({ ok: false, status: 400, reason: 'request failed' }));
    req.on('close', () => settle({ ok: false, status: 400, reason: 'request closed before its end' }));
  });
}

/** Answers with a JSON body (a no-op when the response can no longer be written). */
export function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}
