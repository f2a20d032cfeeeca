// What the agent refuses or rewrites in a request before any service sees it: the HTTP version,
// the form of the request target (RFC 9112 §3.2) and the Host header (RFC 9110 §7.2). Pure: the
// request line and raw headers in, a verdict out, so any HTTP engine applies the same rules.
import { hostHeaderProblem } from '@spillway/protocol';

export type RequestVerdict =
  /** Send upstream with `path` (origin-form) and `host` as Host (null: the client sent none). */
  | { kind: 'forward'; path: string; host: string | null; absolute: boolean }
  /** `OPTIONS *`: a question about the server itself, answered by the agent. */
  | { kind: 'asterisk' }
  | { kind: 'refuse'; message: string };

const refuse = (message: string): RequestVerdict => ({ kind: 'refuse', message });
const ABSOLUTE = /^https?:\/\//i;

/**
 * The verdict on one request: HTTP/1.x only (an HTTP/0.9 line or another major version is
 * refused), one Host at most and a valid host[:port], required from HTTP/1.1 (RFC 9112 §3.2); the target in origin-form without a
 * fragment, absolute-form http(s) without userinfo or fragment (its authority becomes the Host,
 * RFC 9112 §3.2.2, and the path is sent in origin-form), or `*` with OPTIONS.
 */
export function checkRequest(method: string, target: string, versionMajor: number, versionMinor: number, rawHeaders: readonly string[]): RequestVerdict {
  if (versionMajor !== 1) return refuse('only HTTP/1.0 and HTTP/1.1 requests are served');
  let host: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host !== null) return refuse('a request must carry at most one Host header');
      host = rawHeaders[i + 1]!;
    }
  }
  if (host === null && versionMinor >= 1) return refuse('an HTTP/1.1 request must carry a Host header');
  if (target === '*') return method === 'OPTIONS' ? { kind: 'asterisk' } : refuse('the asterisk-form target is for OPTIONS only');
  if (target.includes('#')) return refuse('a request target must not carry a fragment');
  if (target.startsWith('/')) {
    if (host !== null && host !== '' && hostHeaderProblem(host) !== null)
      return refuse('the Host header must be a host name or IP literal with an optional :port');
    return { kind: 'forward', path: target, host, absolute: false };
  }
  if (!ABSOLUTE.test(target)) return refuse('a request target must be a path, an absolute http(s) URI or *');
  const rest = target.slice(target.indexOf('//') + 2);
  let end = rest.length;
  for (const c of ['/', '?']) {
    const i = rest.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  const authority = rest.slice(0, end);
  if (authority.includes('@')) return refuse('an absolute-form target must not carry userinfo');
  if (authority === '' || hostHeaderProblem(authority) !== null)
    return refuse('the authority of an absolute-form target must be a host name or IP literal with an optional :port');
  const path = rest.slice(end);
  return { kind: 'forward', path: path.startsWith('/') ? path : `/${path}`, host: authority, absolute: true };
}
