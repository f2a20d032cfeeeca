// One HTTP(S) probe: a request with its own connection, judged on status and body.
import http from 'node:http';
import https from 'node:https';
import type { ProbeResult } from './monitor-tcp.js';

export interface HttpProbeSpec {
  tls: boolean;
  host: string;
  port: number;
  timeoutMs: number;
  method?: string | undefined;
  path?: string | undefined;
  hostHeader?: string | undefined;
  expectStatus?: number[] | undefined;
  expectBody?: string | undefined;
}

const MAX_BODY = 64 * 1024;

export function probeHttp(spec: HttpProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const lib = spec.tls ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let req: http.ClientRequest | undefined;
    const done = (ok: boolean, reason?: string, error = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve({ ok, responseMs: performance.now() - started, ...(reason ? { reason } : {}), ...(error ? { error } : {}) });
    };
    // http.request throws synchronously on a path or header it cannot send (ERR_UNESCAPED_CHARACTERS,
    // ERR_INVALID_CHAR): that try fails, it never escapes as a rejection.
    try {
      req = lib.request(
        {
          host: spec.host,
          port: spec.port,
          method: spec.method ?? 'GET',
          path: spec.path ?? '/',
          headers: { host: spec.hostHeader ?? `${spec.host}:${spec.port}`, 'user-agent': 'spillway-monitor', connection: 'close' },
          agent: false,
          rejectUnauthorized: false,
        },
        onResponse,
      );
    } catch (err) {
      done(false, `request not sent: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, true);
      return;
    }
    function onResponse(res: http.IncomingMessage): void {
      const status = res.statusCode ?? 0;
      const expected = spec.expectStatus && spec.expectStatus.length > 0 ? spec.expectStatus.includes(status) : status >= 200 && status < 400;
      if (!expected) {
        done(false, `status ${status}`);
        return;
      }
      if (spec.expectBody === undefined || spec.expectBody === '') {
        done(true);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk;
        if (body.includes(spec.expectBody!)) done(true);
      });
      res.on('end', () => done(body.includes(spec.expectBody!), 'body does not contain the expected text'));
      res.on('error', (err) => done(false, err.message));
    }
    timer = setTimeout(() => done(false, `no answer within ${spec.timeoutMs} ms`), spec.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
    req.end();
  });
}
