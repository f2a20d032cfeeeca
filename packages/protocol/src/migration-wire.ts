// What the agent and the migratable backends (@spillway/migration) share of the live-migration
// wire protocol (packages/migration/PROTOCOL.md): the control endpoint's paths and the import token.
import { createHmac } from 'node:crypto';
import http from 'node:http';

/** The paths of a migratable backend's control endpoint (JSON over HTTP/1.1, bearer token). */
export const MIGRATION_PATHS = {
  export: '/spillway/migration/v1/export',
  import: '/spillway/migration/v1/import',
  cancel: '/spillway/migration/v1/cancel',
} as const;

/**
 * The token a source presents to a target for one migration: lowercase hex HMAC-SHA256 keyed
 * with the target's secret over the migration id. The agent (which knows every service's secret)
 * puts it in the export request, so a source never learns a target's secret.
 */
export function importToken(targetSecret: string, migrationId: string): string {
  return createHmac('sha256', targetSecret).update(migrationId).digest('hex');
}

/** The outcome of a call to a control endpoint: its answer (status and JSON body, null when not JSON), or why there is none. */
export type ControlCall =
  { kind: 'answer'; status: number; body: unknown } | { kind: 'unreachable'; message: string } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * POSTs `body` as JSON to http://host:port`path` with a bearer token (agent → source export,
 * source → target import and cancel). Settles by `timeoutMs` at the latest, at once when `signal`
 * aborts; never rejects. Answers longer than `maxAnswerBytes` count as unreachable.
 */
export function postControl(
  host: string,
  port: number,
  path: string,
  token: string,
  body: unknown,
  opts: { timeoutMs: number; signal?: AbortSignal; maxAnswerBytes?: number },
): Promise<ControlCall> {
  const maxAnswerBytes = opts.maxAnswerBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: ControlCall): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(r);
    };
    const onAbort = (): void => settle({ kind: 'aborted' });
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: host.startsWith('[') ? host.slice(1, -1) : host,
      port,
      path,
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${token}` },
    });
    const timer = setTimeout(() => settle({ kind: 'timeout' }), opts.timeoutMs);
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => settle({ kind: 'unreachable', message: err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxAnswerBytes) settle({ kind: 'unreachable', message: `answer larger than ${maxAnswerBytes} bytes` });
        else chunks.push(c);
      });
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        } catch {
          parsed = null;
        }
        settle({ kind: 'answer', status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', (err) => settle({ kind: 'unreachable', message: err.message }));
    });
    req.end(payload);
  });
}
