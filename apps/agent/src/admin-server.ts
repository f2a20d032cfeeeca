// The agent's local admin endpoint (in the primary), bound to 127.0.0.1 unless configured:
// GET /healthz and GET /stats (JSON, every worker summed) are open and read-only; anything else
// needs `Authorization: Bearer <adminToken>` (SPILLWAY_AGENT_ADMIN_TOKEN; without one, writes are
// off). POST /reload reads the config file again (empty body) or applies the JSON document in the
// body (Content-Type application/json, else 415: a browser cannot send that cross-site without a
// CORS preflight, which this server never grants). A managed agent (connected to a control plane)
// takes its configuration from the control plane only: its /reload is a 409.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Agent } from './agent.js';
import { AgentError } from './errors.js';

export interface AdminServerOptions {
  port: number;
  host: string;
  /** Bearer token of the routes that change something; null: those routes answer 403. */
  token: string | null;
  /** The agent is configured by a control plane: POST /reload is refused (409). */
  managed?: boolean;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  details: unknown[] = [],
  headers: Record<string, string> = {},
): void {
  send(res, status, { statusCode: status, code, error: http.STATUS_CODES[status] ?? 'Error', message, details }, headers);
}

async function readBody(req: http.IncomingMessage, max = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) throw new AgentError('SPILLWAY_AGENT_BODY_TOO_LARGE', 'request body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the request carries the admin token (compared in constant time). */
function authorized(req: http.IncomingMessage, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1] as string), digest(token));
}

/** A body is announced (Content-Length above 0, or chunked). */
const hasBody = (req: http.IncomingMessage): boolean =>
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
const isJson = (req: http.IncomingMessage): boolean => /^application\/json[ \t]*(;|$)/i.test(req.headers['content-type'] ?? '');

export function startAdminServer(agent: Agent, opts: AdminServerOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    (async () => {
      try {
        // Inside the try: a request target that is no URL (`GET http://[`) throws here.
        let url: URL;
        try {
          url = new URL(req.url ?? '/', 'http://admin');
        } catch {
          return sendError(res, 400, 'SPILLWAY_AGENT_BAD_REQUEST', 'the request target is not a URL');
        }
        // Read-only and open.
        if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { status: 'ok', agent: agent.name });
        if (req.method === 'GET' && url.pathname === '/stats') return send(res, 200, await agent.stats());
        if (req.method === 'POST' && url.pathname === '/reload') {
          // Nothing of the body is read before these checks pass.
          if (opts.token === null)
            return sendError(
              res,
              403,
              'SPILLWAY_AGENT_ADMIN_DISABLED',
              'admin writes are off: start the agent with SPILLWAY_AGENT_ADMIN_TOKEN to use POST /reload (SIGHUP reloads the file)',
            );
          if (!authorized(req, opts.token))
            return sendError(res, 401, 'SPILLWAY_AGENT_UNAUTHENTICATED', 'Authorization: Bearer <admin token> is required', [], {
              'www-authenticate': 'Bearer realm="spillway-agent"',
            });
          if (opts.managed)
            return sendError(
              res,
              409,
              'SPILLWAY_AGENT_MANAGED',
              'this agent is configured by its control plane; change the configuration through the control plane API',
            );
          if (hasBody(req) && !isJson(req))
            return sendError(
              res,
              415,
              'SPILLWAY_AGENT_UNSUPPORTED_MEDIA_TYPE',
              'the body of POST /reload must be application/json (or empty: read the config file again)',
            );
          const body = await readBody(req);
          if (body.trim() === '') return send(res, 200, await agent.reload());
          let doc: unknown;
          try {
            doc = JSON.parse(body);
          } catch {
            return sendError(res, 400, 'SPILLWAY_AGENT_BAD_JSON', 'the body is not JSON');
          }
          return send(res, 200, await agent.applyConfig(doc));
        }
        return sendError(res, 404, 'SPILLWAY_AGENT_NOT_FOUND', `no route ${req.method ?? ''} ${url.pathname}`);
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof AgentError)
          return sendError(
            res,
            err.code === 'SPILLWAY_AGENT_CONFIG_INVALID' ? 422 : err.code === 'SPILLWAY_AGENT_BODY_TOO_LARGE' ? 413 : 400,
            err.code,
            err.message,
            err.details,
          );
        return sendError(res, 500, 'SPILLWAY_AGENT_INTERNAL', 'Internal Server Error');
      }
    })().catch(() => {
      res.destroy();
    }); // answering the error failed too: nothing left to tell this client
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
