// What the agent refuses or rewrites in a request before any service sees it, on top of llhttp's
// strict mode: the HTTP version, the form of the request target (RFC 9112 §3.2), the Host header
// (RFC 9110 §7.2; the syntax rules shared with the API in @spillway/protocol), Transfer-Encoding in
// HTTP/1.0 (RFC 9112 §6.1: faulty framing), then the head sent upstream: hop-by-hop fields removed,
// X-Forwarded-* and Forwarded (RFC 7239) extended with the client.
import { hostHeaderProblem } from '@spillway/protocol';
import { METHODS } from './parser.js';
import { bytesAre } from './simple-head.js';

export type RequestVerdict =
  /** Send upstream with `path` (origin-form) and `host` as Host (null: the client sent none). */
  | { kind: 'forward'; path: string; host: string | null; absolute: boolean }
  /** `OPTIONS *`: a question about the server itself, answered by the agent. */
  | { kind: 'asterisk' }
  | { kind: 'refuse'; message: string };

const refuse = (message: string): RequestVerdict => ({ kind: 'refuse', message });
/** The Host value found valid last: the next request (most often of the same client) with it is not checked again. */
let lastGoodHost = '';
/** Methods llhttp parses for RTSP (with an RTSP/1.0 version it reports as 1.0) and HTTP/2's preface: never HTTP/1.x requests. */
const NOT_HTTP = new Set([...METHODS.slice(METHODS.indexOf('DESCRIBE'), METHODS.indexOf('FLUSH') + 1), 'PRI']);
const ABSOLUTE = /^https?:\/\//i;

/** `host` without the default port of `scheme`, lower-case (two spellings of one authority compare equal). */
function authorityKey(host: string, https: boolean): string {
  const h = host.toLowerCase();
  const dflt = https ? ':443' : ':80';
  return h.endsWith(dflt) ? h.slice(0, -dflt.length) : h;
}

/**
 * The verdict on one request: HTTP/1.x only (an HTTP/0.9 line, another major version or an RTSP
 * method is refused), one Host at most and a valid host[:port], required from HTTP/1.1 (RFC 9112 §3.2); no
 * Transfer-Encoding in HTTP/1.0; the target in origin-form without a fragment, absolute-form
 * http(s) without userinfo or fragment whose authority agrees with the Host (HAProxy refuses a
 * conflict; RFC 9112 §3.2.2 makes the authority the Host, sent upstream in origin-form), or `*`
 * with OPTIONS.
 */
export function checkRequest(method: string, target: string, versionMajor: number, versionMinor: number, rawHeaders: readonly string[]): RequestVerdict {
  if (versionMajor !== 1 || NOT_HTTP.has(method)) return refuse('only HTTP/1.0 and HTTP/1.1 requests are served');
  let host: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host !== null) return refuse('a request must carry at most one Host header');
      host = rawHeaders[i + 1]!;
    } else if (versionMinor === 0 && name.length === 17 && name.toLowerCase() === 'transfer-encoding')
      return refuse('an HTTP/1.0 request must not carry Transfer-Encoding (RFC 9112 §6.1)');
  }
  if (host === null && versionMinor >= 1) return refuse('an HTTP/1.1 request must carry a Host header');
  if (target === '*') return method === 'OPTIONS' ? { kind: 'asterisk' } : refuse('the asterisk-form target is for OPTIONS only');
  if (target.includes('#')) return refuse('a request target must not carry a fragment');
  if (target.startsWith('/')) {
    if (host !== null && host !== '' && host !== lastGoodHost) {
      if (hostHeaderProblem(host) !== null) return refuse('the Host header must be a host name or IP literal with an optional :port');
      lastGoodHost = host;
    }
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
  const https = target[4] === 's' || target[4] === 'S';
  if (host !== null && authorityKey(host, https) !== authorityKey(authority, https))
    return refuse('the Host header must name the authority of an absolute-form target');
  const path = rest.slice(end);
  return { kind: 'forward', path: path.startsWith('/') ? path : `/${path}`, host: authority, absolute: true };
}

/** Hop-by-hop fields (RFC 9110 §7.6.1), never forwarded either way. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** The longest name of HOP_BY_HOP and the fields the proxy rewrites: longer names are never special. */
const LONGEST_SPECIAL = 19;

/** The names of HOP_BY_HOP by length: a name of another length is not lower-cased to be looked up. */
const HOP_BY_LENGTH: (string[] | undefined)[] = new Array<string[] | undefined>(LONGEST_SPECIAL + 1).fill(undefined);
for (const n of HOP_BY_HOP) (HOP_BY_LENGTH[n.length] ??= []).push(n);

/** True for a hop-by-hop field name (any case). */
export function isHopByHop(name: string): boolean {
  return name.length <= LONGEST_SPECIAL && HOP_BY_LENGTH[name.length] !== undefined && HOP_BY_HOP.has(name.toLowerCase());
}

/** isHopByHop for a name of token characters at b[s..e) (a head read as bytes, simple-head.ts). */
export function isHopByHopAt(b: Buffer, s: number, e: number): boolean {
  if (e - s > LONGEST_SPECIAL) return false;
  const list = HOP_BY_LENGTH[e - s];
  if (list === undefined) return false;
  for (const n of list) if (bytesAre(b, s, e, n)) return true;
  return false;
}

/**
 * The tokens of a message's Connection fields (lower-case): the fields they name are not
 * forwarded. A field name is lower-cased to be looked up only when a token has its length
 * (responses carry `Connection: keep-alive`, and each of their fields would be lower-cased and
 * hashed otherwise).
 */
export class ConnectionTokens {
  /** Bit n set: a token of length n (0-31); `long`: one longer. */
  private lengths = 0;
  private long = false;
  private readonly set = new Set<string>();

  constructor(tokens: Iterable<string>) {
    for (const t of tokens) this.add(t);
  }

  add(token: string): void {
    this.set.add(token);
    if (token.length > 31) this.long = true;
    else this.lengths |= 1 << token.length;
  }

  /** A field name (any case) that one of the tokens names. */
  names(name: string): boolean {
    const n = name.length;
    return (n > 31 ? this.long : (this.lengths & (1 << n)) !== 0) && this.set.has(name.toLowerCase());
  }

  /** `names` for a name already lower-cased. */
  namesLower(lower: string): boolean {
    const n = lower.length;
    return (n > 31 ? this.long : (this.lengths & (1 << n)) !== 0) && this.set.has(lower);
  }

  has(token: string): boolean {
    return this.set.has(token);
  }
}

/** The tokens of the common Connection values, shared (read only): most messages carry one of them. */
const ONE_TOKEN: ReadonlyMap<string, ConnectionTokens> = new Map(['keep-alive', 'close', 'upgrade'].map((t) => [t, new ConnectionTokens([t])]));

/** The tokens of every Connection field in `fields`, or null when there is none. */
export function connectionTokens(fields: readonly string[]): ConnectionTokens | null {
  let out: ConnectionTokens | null = null;
  let one: string | undefined;
  let shared: ConnectionTokens | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    // 'c' or 'C' first: Keep-Alive and User-Agent, of the same length, are not lower-cased.
    if (name.length !== 10 || (name.charCodeAt(0) | 0x20) !== 0x63 || name.toLowerCase() !== 'connection') continue;
    const value = fields[i + 1]!;
    // One Connection field with one common token (values arrive without surrounding whitespace): no split, no new set.
    if (out === null && shared === undefined && value.length <= 10) {
      const lower = value.toLowerCase();
      shared = ONE_TOKEN.get(lower);
      if (shared !== undefined) {
        one = lower;
        continue;
      }
    }
    if (one !== undefined) {
      out = new ConnectionTokens([one]);
      one = undefined;
      shared = undefined;
    }
    for (const t of value.split(',')) {
      const k = t.trim().toLowerCase();
      if (k) (out ??= new ConnectionTokens([])).add(k);
    }
  }
  return out ?? shared ?? null;
}

function forwardedFor(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

/** An RFC 7230 quoted-string (RFC 7239 §4): `"` and `\` escaped with a backslash. */
export function quotedString(value: string): string {
  return value.includes('"') || value.includes('\\') ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
}

/** How the request body travels upstream. */
export type BodyFraming = 'none' | 'length' | 'chunked';

/**
 * The request head for the service, serialized: `method path HTTP/1.1`, the client's fields in
 * order without hop-by-hop ones (and those its Connection field names) and without Expect (the
 * agent answers 100 Continue itself), Host replaced by `hostOverride` (an absolute-form target),
 * X-Forwarded-For and Forwarded extended with the client, X-Forwarded-Proto and X-Forwarded-Host
 * set, then the framing of the body (`transfer-encoding: chunked` when the client sent chunked).
 * A request without Host (HTTP/1.0) gets the service's address:port (`service`): HTTP/1.1
 * requires one, and the agent speaks HTTP/1.1 to services.
 * `upgrade`: the Upgrade field and `connection: upgrade` are kept (a tunnel is asked for).
 */
export function upstreamHead(
  method: string,
  path: string,
  fields: readonly string[],
  ip: string,
  hostOverride: string | undefined,
  framing: BodyFraming,
  upgrade: boolean,
  service: { readonly address: string; readonly port: number },
): string {
  const tokens = connectionTokens(fields);
  let out = `${method} ${path} HTTP/1.1\r\n`;
  let xff: string | null = null;
  let fwd: string | null = null;
  let host: string | null = null;
  let upgradeValue: string | null = null;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (name.length <= LONGEST_SPECIAL) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) {
        if (lower === 'upgrade') upgradeValue = value;
        continue;
      }
      if (lower === 'expect' || lower === 'x-forwarded-proto' || lower === 'x-forwarded-host') continue;
      if (lower === 'x-forwarded-for') {
        xff = xff === null ? value : `${xff}, ${value}`;
        continue;
      }
      if (lower === 'forwarded') {
        fwd = fwd === null ? value : `${fwd}, ${value}`;
        continue;
      }
      if (lower === 'host') {
        host = hostOverride ?? value;
        out += `${name}: ${host}\r\n`;
        continue;
      }
      if (tokens?.namesLower(lower)) continue;
    } else if (tokens?.names(name)) continue;
    out += `${name}: ${value}\r\n`;
  }
  if (hostOverride !== undefined && host === null) {
    host = hostOverride;
    out += `host: ${host}\r\n`;
  }
  if (host === null) out += `host: ${service.address.includes(':') ? `[${service.address}]` : service.address}:${service.port}\r\n`;
  out += `x-forwarded-for: ${xff === null ? ip : `${xff}, ${ip}`}\r\nx-forwarded-proto: http\r\n`;
  if (host !== null) out += `x-forwarded-host: ${host}\r\n`;
  const mine = `for=${forwardedFor(ip)};proto=http${host !== null ? `;host=${quotedString(host)}` : ''}`;
  out += `forwarded: ${fwd === null ? mine : `${fwd}, ${mine}`}\r\n`;
  if (upgrade && upgradeValue !== null) out += `connection: upgrade\r\nupgrade: ${upgradeValue}\r\n`;
  if (framing === 'chunked') out += 'transfer-encoding: chunked\r\n';
  return `${out}\r\n`;
}

/** The body framing of a parsed request: llhttp refused every other combination already. */
export function requestFraming(fields: readonly string[]): BodyFraming {
  let framing: BodyFraming = 'none';
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      if (framing === 'none' && fields[i + 1] !== '0') framing = 'length';
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') framing = 'chunked';
  }
  return framing;
}

/** The value of cookie `name` in a request's Cookie fields, percent-decoded; undefined when absent or not valid percent-encoding. */
export function readCookie(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) {
    const n = fields[i]!;
    if (n.length !== 6 || n.toLowerCase() !== 'cookie') continue;
    for (const part of fields[i + 1]!.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) {
        try {
          return decodeURIComponent(part.slice(eq + 1).trim());
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** The value of the first field `lower` (a lower-case name), or undefined. */
export function field(fields: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) {
    const n = fields[i]!;
    if (n.length === lower.length && n.toLowerCase() === lower) return fields[i + 1];
  }
  return undefined;
}
