// The agent's one call of the migration wire protocol (/work/notes/migration-protocol.md, step 1;
// packages/migration/PROTOCOL.md): POST /spillway/migration/v1/export to the source backend's
// control endpoint, authenticated with the service's shared secret. Never throws: the answer or
// the failure is a value.
import http from 'node:http';
import type { MigrationFailure } from './table.js';

export const EXPORT_PATH = '/spillway/migration/v1/export';

export interface ExportRequest {
  migrationId: string;
  connectionId: string;
  /** Client bytes forwarded to the source on this connection (after the PROXY header). */
  inputOffset: number;
  /** `token`: the import token of the migration for the target (PROTOCOL.md 2: HMAC-SHA256 of the migration id keyed by the target's secret). */
  target: { address: string; port: number; controlPort: number; token?: string };
}

export type ExportAnswer = { ok: true; outputOffset: number } | { ok: false; failure: MigrationFailure; reason: string };

/** The largest answer body read (a JSON object of a few fields). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Asks the source at `host:port` to export the connection; `timeoutMs` bounds the whole exchange; `signal` aborts it (the client left). */
export function requestExport(host: string, port: number, secret: string, body: ExportRequest, timeoutMs: number, signal?: AbortSignal): Promise<ExportAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: ExportAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(a);
    };
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request({
      host,
      port,
      method: 'POST',
      path: EXPORT_PATH,
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${secret}` },
    });
    const timer = setTimeout(() => done({ ok: false, failure: 'export_timeout', reason: `no answer to the export in ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', () => done({ ok: false, failure: 'client_closed', reason: 'the client closed during the export' }), { once: true });
    req.on('error', (err) => done({ ok: false, failure: 'export_failed', reason: `export call failed: ${err.message}` }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          done({ ok: false, failure: 'export_failed', reason: `export answer longer than ${MAX_ANSWER_BYTES} bytes` });
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => done({ ok: false, failure: 'export_failed', reason: `export answer failed: ${err.message}` }));
      res.on('end', () => {
        let j: unknown;
        try {
          j = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          j = null;
        }
        const o = typeof j === 'object' && j !== null ? (j as Record<string, unknown>) : {};
        const status = res.statusCode ?? 0;
        if (status === 200 && o.ok === true && Number.isSafeInteger(o.outputOffset) && (o.outputOffset as number) >= 0) {
          done({ ok: true, outputOffset: o.outputOffset as number });
          return;
        }
        const why = typeof o.reason === 'string' ? o.reason.slice(0, 300) : `HTTP ${status}`;
        // An answer of the source (a refusal it states) or something that is not the protocol.
        if (status >= 400 && o.ok === false) done({ ok: false, failure: 'export_refused', reason: `source refused: ${why}` });
        else done({ ok: false, failure: 'export_failed', reason: `unexpected export answer (HTTP ${status}): ${why}` });
      });
    });
    req.end(payload);
  });
}
