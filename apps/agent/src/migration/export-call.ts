// The agent's one call of the migration wire protocol (/work/notes/migration-protocol.md, step 1;
// packages/migration/PROTOCOL.md): POST /spillway/migration/v1/export to the source backend's
// control endpoint, authenticated with the service's shared secret, through the protocol's one
// control client (postControl). Never throws: the answer or the failure is a value.
import { MIGRATION_PATHS, postControl, type ControlCall } from '@spillway/protocol';
import type { MigrationFailure } from './table.js';

export interface ExportRequest {
  migrationId: string;
  connectionId: string;
  /** Client bytes forwarded to the source on this connection (after the PROXY header). */
  inputOffset: number;
  /** `token`: the import token of the migration for the target (PROTOCOL.md 2: HMAC-SHA256 of the migration id keyed by the target's secret). */
  target: { address: string; port: number; controlPort: number; token?: string };
}

export type ExportAnswer = { ok: true; outputOffset: number } | { ok: false; failure: MigrationFailure; reason: string };

/** Asks the source at `host:port` to export the connection; `timeoutMs` bounds the whole exchange; `signal` aborts it (the client left). */
export async function requestExport(
  host: string,
  port: number,
  secret: string,
  body: ExportRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ExportAnswer> {
  return exportAnswer(await postControl(host, port, MIGRATION_PATHS.export, secret, body, { timeoutMs, signal }), timeoutMs);
}

/** The source's answer, or why there is none, in the migration's failure words. */
function exportAnswer(call: ControlCall, timeoutMs: number): ExportAnswer {
  switch (call.kind) {
    case 'timeout':
      return { ok: false, failure: 'export_timeout', reason: `no answer to the export in ${timeoutMs} ms` };
    case 'aborted':
      return { ok: false, failure: 'client_closed', reason: 'the client closed during the export' };
    case 'unreachable':
      return { ok: false, failure: 'export_failed', reason: `export call failed: ${call.message}` };
    case 'answer': {
      const o = typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, unknown>) : {};
      if (call.status === 200 && o.ok === true && Number.isSafeInteger(o.outputOffset) && (o.outputOffset as number) >= 0)
        return { ok: true, outputOffset: o.outputOffset as number };
      const why = typeof o.reason === 'string' ? o.reason.slice(0, 300) : `HTTP ${call.status}`;
      // An answer of the source (a refusal it states) or something that is not the protocol.
      if (call.status >= 400 && o.ok === false) return { ok: false, failure: 'export_refused', reason: `source refused: ${why}` };
      return { ok: false, failure: 'export_failed', reason: `unexpected export answer (HTTP ${call.status}): ${why}` };
    }
  }
}
