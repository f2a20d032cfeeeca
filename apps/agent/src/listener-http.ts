// HTTP/1.1 proxying of one request to one service through its keep-alive undici Pool.
// Upstream errors answer 502, upstream timeouts 504; request and response bodies are streamed.
import type http from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import type { ServiceCounters, VServerCounters } from './stats.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function createServicePool(host: string, port: number, timeoutMs: number): Pool {
  return new Pool(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, {
    connections: 256, keepAliveTimeout: 4_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 5_000),
  });
}

function forwardedFor(ip: string): string { return ip.includes(':') ? `"[${ip}]"` : ip; }

/** Request headers for the service: hop-by-hop removed, X-Forwarded-* and Forwarded appended. */
export function upstreamHeaders(req: http.IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connectionTokens = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || connectionTokens.has(k)) continue;
    out[k] = v;
  }
  const ip = req.socket.remoteAddress ?? 'unknown';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${ip}` : ip;
  out['x-forwarded-proto'] = 'http';
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
  const fwd = `for=${forwardedFor(ip)};proto=http${req.headers.host ? `;host="${req.headers.host}"` : ''}`;
  const priorFwd = req.headers.forwarded;
  out.forwarded = priorFwd ? `${priorFwd}, ${fwd}` : fwd;
  return out;
}

export function sendError(res: http.ServerResponse, status: number, code: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) { res.destroy(); return; }
  const body = JSON.stringify({ statusCode: status, code, message: code });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Streams `req` to the service and its answer back to `res`. `setCookie` is added to the
 * response (cookie persistence). Resolves once the exchange is over, whatever its outcome.
 */
export async function proxyHttp(
  req: http.IncomingMessage, res: http.ServerResponse, pool: Pool, vs: VServerCounters, svc: ServiceCounters, setCookie?: string,
): Promise<void> {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // Counted in a transform (not a 'data' listener) so the body is not consumed before undici reads it.
  const body = hasBody ? req.pipe(new Transform({
    transform(chunk: Buffer, _enc, cb) { vs.rx_bytes_total += chunk.length; svc.tx_bytes_total += chunk.length; cb(null, chunk); },
  })) : null;
  try {
    const up = await pool.request({
      method: req.method as 'GET', path: req.url ?? '/', headers: upstreamHeaders(req),
      body,
    });
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    if (setCookie) {
      const prior = headers['set-cookie'];
      headers['set-cookie'] = prior === undefined ? [setCookie] : [...(Array.isArray(prior) ? prior : [prior]), setCookie];
    }
    res.writeHead(up.statusCode, headers);
    up.body.on('data', (c: Buffer) => { vs.tx_bytes_total += c.length; svc.rx_bytes_total += c.length; });
    await pipeline(up.body, res);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (TIMEOUT_CODES.has(code)) {
      svc.rq_timeout_total++;
      sendError(res, 504, 'SPILLWAY_UPSTREAM_TIMEOUT');
    } else {
      svc.rq_error_total++;
      sendError(res, 502, 'SPILLWAY_UPSTREAM_ERROR');
    }
  }
}
