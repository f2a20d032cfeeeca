// Spellings of one request path that a URL normalizer, a router or a proxy may treat as the same
// path (or not): percent-encoding of any character (upper/lower hex, double-encoded), doubled
// slashes, case, trailing slash, `;` matrix parameters, `?` and `#` tricks, dot segments (plain
// and encoded), encoded slashes, absolute-form targets. The authentication tests send every one
// of them to every protected route: none may reach a handler without a valid token.
import type { RawResponse } from './raw-http.js';

export interface Spelling {
  name: string;
  target: string;
}

const pct = (c: string, lower = false): string => {
  const h = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${lower ? h.toLowerCase() : h.toUpperCase()}`;
};
/** Every character but `/` percent-encoded. */
const encodeAll = (s: string, lower = false): string =>
  Array.from(s)
    .map((c) => (c === '/' ? c : pct(c, lower)))
    .join('');

/** `path` (absolute, no query) and its spellings; the first one is `path` itself ("canonical"). */
export function spellingsOf(path: string): Spelling[] {
  const [, seg = '', ...restParts] = path.split('/');
  const rest = restParts.length > 0 ? `/${restParts.join('/')}` : '';
  const tail = path.slice(1);
  const first = seg.charAt(0);
  const last = seg.charAt(seg.length - 1);
  const out: Spelling[] = [
    { name: 'canonical', target: path },
    { name: 'first character encoded', target: `/${pct(first)}${seg.slice(1)}${rest}` },
    { name: 'first character encoded, lower-case hex', target: `/${pct(first, true)}${seg.slice(1)}${rest}` },
    { name: 'last character of the first segment encoded', target: `/${seg.slice(0, -1)}${pct(last)}${rest}` },
    { name: 'first segment encoded', target: `/${encodeAll(seg)}${rest}` },
    { name: 'whole path encoded', target: encodeAll(path, true) },
    { name: 'first character double-encoded', target: `/%25${pct(first).slice(1)}${seg.slice(1)}${rest}` },
    { name: 'encoded percent sign before an encoding', target: `/%25${pct(first)}${seg.slice(1)}${rest}` },
    { name: 'leading double slash', target: `//${tail}` },
    { name: 'upper case', target: path.toUpperCase() },
    { name: 'first segment upper case', target: `/${seg.toUpperCase()}${rest}` },
    { name: 'trailing slash', target: `${path}/` },
    { name: 'trailing encoded slash', target: `${path}%2F` },
    { name: 'matrix parameter on the first segment', target: `/${seg};a=b${rest}` },
    { name: 'matrix parameter at the end', target: `${path};a=b` },
    { name: 'encoded first character with a matrix parameter', target: `/${pct(first)}${seg.slice(1)};x${rest}` },
    { name: 'empty query', target: `${path}?` },
    { name: 'query naming an open path', target: `${path}?/healthz` },
    { name: 'query with the agents channel', target: `${path}?x=/v1/agents/connect` },
    { name: 'encoded question mark', target: `${path}%3F/healthz` },
    { name: 'fragment', target: `${path}#/healthz` },
    { name: 'dot segment in front', target: `/./${tail}` },
    { name: 'dot-dot from /healthz', target: `/healthz/../${tail}` },
    { name: 'dot-dot from the agents channel', target: `/v1/agents/connect/../../${tail}` },
    { name: 'encoded dot-dot from the agents channel', target: `/v1/agents/connect/%2e%2e/%2E%2E/${tail}` },
    { name: 'encoded slashes from the agents channel', target: `/v1/agents/connect%2F..%2F..%2F${tail}` },
    { name: 'dot-dot from /docs', target: `/docs/../${tail}` },
    { name: 'backslash', target: `/${seg}\\${rest.slice(1)}` },
    { name: 'NUL byte', target: `${path}%00` },
    { name: 'absolute form', target: `http://127.0.0.1${path}` },
    { name: 'absolute form, first character encoded', target: `http://127.0.0.1/${pct(first)}${seg.slice(1)}${rest}` },
  ];
  if (rest !== '') {
    out.push(
      { name: 'double slash after the first segment', target: `/${seg}/${rest}` },
      { name: 'dot segment after the first segment', target: `/${seg}/.${rest}` },
      { name: 'encoded dot segment after the first segment', target: `/${seg}/%2e${rest}` },
      { name: 'encoded slash after the first segment', target: `/${seg}%2F${rest.slice(1)}` },
      { name: 'rest encoded', target: `/${seg}${encodeAll(rest)}` },
      { name: 'dot-dot back into the first segment', target: `/${seg}/x/..${rest}` },
    );
  }
  // Unique targets only (short paths make some spellings coincide).
  const seen = new Set<string>();
  return out.filter((s) => (seen.has(s.target) ? false : (seen.add(s.target), true)));
}

/**
 * Whether an answer came from past authentication: an object's own 404 (a not-found route is
 * SPILLWAY_API_ROUTE_NOT_FOUND), a JSON error of the body, or any status but the allowed (a
 * schema violation is a 422, never allowed).
 */
export function reachedHandler(r: RawResponse, allowed: number[]): boolean {
  const code = /"code":"([A-Z0-9_]+)"/.exec(r.body)?.[1];
  if (!allowed.includes(r.status)) return true;
  if (r.status === 404) return code !== undefined && code !== 'SPILLWAY_API_ROUTE_NOT_FOUND';
  if (r.status === 400) return code === 'SPILLWAY_API_INVALID_JSON';
  return false;
}
