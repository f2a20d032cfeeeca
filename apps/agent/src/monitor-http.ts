// One HTTP(S) probe: a request with its own connection, judged on status and body.
import http from 'node:http';
import https from 'node:https';
import { timedProbe, type ProbeResult } from './monitor-tcp.js';

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
  const lib = spec.tls ? https : http;
  return timedProbe(spec.timeoutMs, `no answer within ${spec.timeoutMs} ms`, (finish) => {
    let req: http.ClientRequest;
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
      finish(false, `request not sent: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { error: true });
      return undefined;
    }
    function onResponse(res: http.IncomingMessage): void {
      const status = res.statusCode ?? 0;
      const expected = spec.expectStatus && spec.expectStatus.length > 0 ? spec.expectStatus.includes(status) : status >= 200 && status < 400;
      if (!expected) {
        finish(false, `status ${status}`);
        return;
      }
      if (spec.expectBody === undefined || spec.expectBody === '') {
        finish(true);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk;
        if (body.includes(spec.expectBody!)) finish(true);
      });
      res.on('end', () => finish(body.includes(spec.expectBody!), 'body does not contain the expected text'));
      res.on('error', (err) => finish(false, err.message));
    }
    req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
    req.end();
    return () => req.destroy();
  });
}
