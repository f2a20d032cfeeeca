// The agent's local admin endpoint (in the primary): GET /stats (JSON, every worker summed),
// GET /healthz, POST /reload (the config file again, or the JSON document in the body).
import http from 'node:http';
import type { Agent } from './agent.js';
import { AgentError } from './errors.js';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, details: unknown[] = []): void {
  send(res, status, { statusCode: status, code, error: http.STATUS_CODES[status] ?? 'Error', message, details });
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

export function startAdminServer(agent: Agent, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://admin');
      try {
        if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { status: 'ok', agent: agent.name });
        if (req.method === 'GET' && url.pathname === '/stats') return send(res, 200, await agent.stats());
        if (req.method === 'POST' && url.pathname === '/reload') {
          const body = await readBody(req);
          if (body.trim() === '') return send(res, 200, await agent.reload());
          let doc: unknown;
          try { doc = JSON.parse(body); } catch { return sendError(res, 400, 'SPILLWAY_AGENT_BAD_JSON', 'the body is not JSON'); }
          return send(res, 200, await agent.applyConfig(doc));
        }
        return sendError(res, 404, 'SPILLWAY_AGENT_NOT_FOUND', `no route ${req.method} ${url.pathname}`);
      } catch (err) {
        if (err instanceof AgentError) return sendError(res, err.code === 'SPILLWAY_AGENT_CONFIG_INVALID' ? 422 : 400, err.code, err.message, err.details);
        return sendError(res, 500, 'SPILLWAY_AGENT_INTERNAL', 'Internal Server Error');
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
