// What the agent refuses in a request before any service sees it: the Host header (RFC 9110
// §7.2). Pure: the request line and raw headers in, a verdict out, so any HTTP engine applies the
// same rules.
import { hostHeaderProblem } from '@spillway/protocol';

export type RequestVerdict =
  /** Send upstream with `path` and `host` as Host (null: the client sent none). */
  | { kind: 'forward'; path: string; host: string | null; absolute: boolean }
  | { kind: 'refuse'; message: string };

const refuse = (message: string): RequestVerdict => ({ kind: 'refuse', message });

/** The verdict on one request: a Host header, when present, is a valid host[:port]. */
export function checkRequest(_method: string, target: string, _versionMajor: number, rawHeaders: readonly string[]): RequestVerdict {
  let host: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') { host = rawHeaders[i + 1]!; break; }
  }
  if (host !== null && host !== '' && hostHeaderProblem(host) !== null) return refuse('the Host header must be a host name or IP literal with an optional :port');
  return { kind: 'forward', path: target, host, absolute: false };
}
