// The common heads read without llhttp: a request of a common method, an origin-form target,
// HTTP/1.1 and plain fields, with no body framing; a response of HTTP/1.1, a status of 200-599
// (not 204 or 304) and a Content-Length. Each is recognized in one pass over bytes already read,
// only when the whole head is there, and only in a form that llhttp's strict mode reads the same
// way (test/http-simple-head.test.ts compares the two on generated heads). Anything else, down to
// one character outside the tables below, is left to llhttp (parser.ts), which then refuses or
// reads it as before: this is a shortcut past llhttp for heads that are certainly valid, not a
// second parser's verdict on invalid ones.
//
// Why: in Node's binding, llhttp costs ~0.6 µs for a two-field request and ~1 µs for an eight-field
// response (three and two callbacks into JS, each field made a string in C++); this reads the same
// heads in ~0.1 and ~0.5 µs (a keep-alive request is ~15 µs of CPU end to end).
//
// A head's fields become strings only when asked for. A response head whose fields are in the form
// a serializer writes them can go to the client as its own bytes (forwardPieces, forward.ts), which
// the test compares with serializing llhttp's reading of it: ~1.1 µs for nginx's head and its
// client write instead of ~2.2 µs.
import { METHODS } from './parser.js';

/** What a complete head tells: the fields of llhttp's head callback (parser.ts's Parser has the same). */
export interface Head {
  method: number;
  target: string;
  /** Flat [name, value, …]: names as sent, values without surrounding whitespace. */
  headers: string[];
  major: number;
  minor: number;
  status: number;
  statusText: string;
  upgrade: boolean;
  keepAlive: boolean;
  /** The method by name (undefined: a number METHODS does not know). */
  readonly methodName: string | undefined;
}

/** A head read here, with the Content-Length of a response (-1: none). */
export class SimpleHead implements Head {
  method = 0;
  target = '';
  major = 1;
  minor = 1;
  status = 0;
  upgrade = false;
  keepAlive = true;
  length = -1;
  /**
   * Every field is in the form a serializer gives it, `Name: value` CRLF (one space after the
   * colon, nothing after the value): the bytes of each field line are `${name}: ${value}\r\n`.
   */
  canonical = false;
  /** What the head was read from (until its fields are made strings); its fields' offsets are in AT until the next read. */
  private src: Buffer | null = null;
  private from = 0;
  /** Entries of AT (4 a field), the end of the reason phrase (a response), and the read these belong to. */
  private count = 0;
  private reasonEnd = 0;
  private read = 0;
  private list: string[] | null = null;
  private reason: string | null = null;

  /** Sets what the next read found (fields(), a start line's reader). */
  found(src: Buffer, from: number, count: number, reasonEnd: number, canonical: boolean): void {
    this.src = src;
    this.canonical = canonical;
    this.from = from;
    this.count = count;
    this.reasonEnd = reasonEnd;
    this.read = reads;
    this.list = null;
    this.reason = null;
  }

  /**
   * The fields as strings, made when first asked for: a forward that relays the head's own bytes
   * (forwardPieces) never makes them. Asked for after another head was read, it throws (the
   * offsets are that head's).
   */
  get headers(): string[] {
    if (this.list !== null) return this.list;
    const b = this.live();
    const text = b.toString('latin1', this.from, AT[this.count - 1] ?? this.from);
    const out = new Array<string>(this.count >> 1);
    for (let j = 0; j < this.count; j += 2) out[j >> 1] = text.slice(AT[j]! - this.from, AT[j + 1]! - this.from);
    this.list = out;
    return out;
  }

  get statusText(): string {
    if (this.reason === null) this.reason = this.status === 0 ? '' : this.live().toString('latin1', 13, this.reasonEnd);
    return this.reason;
  }

  get methodName(): string | undefined {
    return METHODS[this.method];
  }

  /**
   * Hands `out` the bytes of this response head as the client gets them: the status line and the
   * fields but those `drop` names (the offsets of a name in the bytes), as pieces of the bytes
   * read, without the empty line. False, with nothing handed over, unless those bytes are exactly
   * what serializing status, reason phrase and the fields kept gives: every field canonical and a
   * reason phrase (an empty one is replaced by the status's own).
   */
  forwardPieces(drop: (b: Buffer, nameStart: number, nameEnd: number) => boolean, out: { view(b: Buffer): void }): boolean {
    if (!this.canonical || this.reasonEnd === 13 || this.status === 0 || this.read !== reads || this.src === null) return false;
    const b = this.src;
    let start = 0;
    for (let j = 0; j < this.count; j += 4) {
      const ns = AT[j]!;
      if (!drop(b, ns, AT[j + 1]!)) continue;
      if (ns > start) out.view(b.subarray(start, ns));
      // The line ends where the next begins (the value's end plus CRLF: canonical).
      start = AT[j + 3]! + 2;
    }
    const end = this.count === 0 ? this.reasonEnd + 2 : AT[this.count - 1]! + 2;
    if (end > start) out.view(b.subarray(start, end));
    return true;
  }

  private live(): Buffer {
    if (this.src === null || this.read !== reads) throw new Error('a simple head was asked for its fields after another head was read');
    return this.src;
  }
}

/** Reads so far: a head's offsets in AT are valid while this is the read it was found by. */
let reads = 0;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

function table(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}
const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A field name's characters: RFC 9110's tchar. */
const TOKEN = table(`${ALNUM}!#$%&'*+-.^_\`|~`);
/** A target's characters: RFC 3986's pchar and query characters (no '#': a fragment is the verdict's to refuse). */
const TARGET = table(`${ALNUM}-._~!$&'()*+,;=:@/%?`);
/** A field value's or reason phrase's characters: visible ASCII, space and tab (no obs-text). */
const TEXT = new Uint8Array(256);
TEXT[HTAB] = 1;
for (let c = 0x20; c < 0x7f; c++) TEXT[c] = 1;

/** Offsets of each field's name and value (start, end, start, end), as read last; more fields than it holds are left to llhttp. */
const AT = new Int32Array(4 * 64);

/** True when b[s..s+lit.length) is `lit` (lower-case letters and '-') in any case. */
function named(b: Buffer, s: number, lit: string): boolean {
  for (let k = 0; k < lit.length; k++) if ((b[s + k]! | 0x20) !== lit.charCodeAt(k)) return false;
  return true;
}

/** True when b[s..e) is `lit` (lower-case letters and '-') in any case. */
export function bytesAre(b: Buffer, s: number, e: number, lit: string): boolean {
  return e - s === lit.length && named(b, s, lit);
}

/** A field that makes the head one for llhttp: a framing or upgrade field (and Proxy-Connection, which llhttp reads as Connection). */
const BAIL = -2;
/** A Connection field: its value decides keep-alive. */
const CONNECTION = 1;
const CONTENT_LENGTH = 2;

function special(b: Buffer, s: number, len: number): number {
  switch (len) {
    case 7:
      return named(b, s, 'upgrade') ? BAIL : 0;
    case 10:
      return named(b, s, 'connection') ? CONNECTION : 0;
    case 14:
      return named(b, s, 'content-length') ? CONTENT_LENGTH : 0;
    case 16:
      return named(b, s, 'proxy-connection') ? BAIL : 0;
    case 17:
      return named(b, s, 'transfer-encoding') ? BAIL : 0;
    default:
      return 0;
  }
}

/**
 * Reads the fields of a head from `i` (just past its start line) to its empty line into `h` (the
 * head from `from`; `reasonEnd`: a response's reason phrase ends there): the offset past the head,
 * or -1 (not simple, or not all read).
 * `response`: a Content-Length is read (one, digits only); a request's is llhttp's to read.
 */
function fields(b: Buffer, from: number, i: number, max: number, h: SimpleHead, response: boolean, reasonEnd: number): number {
  // Any read, taken or not, writes AT over the offsets of the head read before.
  reads++;
  let k = 0;
  let connection = false;
  let canonical = true;
  h.keepAlive = true;
  h.length = -1;
  for (;;) {
    if (b[i] === CR) {
      if (b[i + 1] !== LF) return -1;
      i += 2;
      break;
    }
    const ns = i;
    while (TOKEN[b[i]!] === 1) i++;
    if (i === ns || b[i] !== 0x3a || k === AT.length) return -1;
    const kind = special(b, ns, i - ns);
    AT[k] = ns;
    AT[k + 1] = i;
    i++;
    while (b[i] === SP || b[i] === HTAB) i++;
    const vs = i;
    while (TEXT[b[i]!] === 1) i++;
    if (b[i] !== CR || b[i + 1] !== LF) return -1;
    let ve = i;
    while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
    if (ve !== i || vs !== AT[k + 1]! + 2 || b[vs - 1] !== SP) canonical = false;
    AT[k + 2] = vs;
    AT[k + 3] = ve;
    k += 4;
    i += 2;
    if (kind === 0) continue;
    if (kind === BAIL) return -1;
    if (kind === CONNECTION) {
      if (connection) return -1;
      connection = true;
      // The token alone, with nothing after it (llhttp reads "close" followed by a tab as another token).
      if (bytesAre(b, vs, i - 2, 'close')) h.keepAlive = false;
      else if (!bytesAre(b, vs, i - 2, 'keep-alive')) return -1;
    } else {
      // Content-Length: one, 1-9 digits and nothing after them (llhttp refuses a tab there), in a response only.
      const de = i - 2;
      if (!response || h.length >= 0 || de - vs < 1 || de - vs > 9) return -1;
      let n = 0;
      for (let j = vs; j < de; j++) {
        const d = b[j]! - 0x30;
        if (d < 0 || d > 9) return -1;
        n = n * 10 + d;
      }
      h.length = n;
    }
  }
  if (i - from > max) return -1;
  h.found(b, from, k, reasonEnd, canonical);
  h.major = 1;
  h.minor = 1;
  h.upgrade = false;
  return i;
}

/** llhttp's number of the method at b[at..] followed by a space, of those read here; -1 otherwise. */
function methodAt(b: Buffer, at: number): number {
  switch (b[at]) {
    case 0x47: // GET
      return b[at + 1] === 0x45 && b[at + 2] === 0x54 && b[at + 3] === SP ? 1 : -1;
    case 0x48: // HEAD
      return b[at + 1] === 0x45 && b[at + 2] === 0x41 && b[at + 3] === 0x44 && b[at + 4] === SP ? 2 : -1;
    case 0x50: // POST, PUT, PATCH
      if (b[at + 1] === 0x4f) return b[at + 2] === 0x53 && b[at + 3] === 0x54 && b[at + 4] === SP ? 3 : -1;
      if (b[at + 1] === 0x55) return b[at + 2] === 0x54 && b[at + 3] === SP ? 4 : -1;
      return b[at + 1] === 0x41 && b[at + 2] === 0x54 && b[at + 3] === 0x43 && b[at + 4] === 0x48 && b[at + 5] === SP ? 28 : -1;
    case 0x44: // DELETE
      return b[at + 1] === 0x45 && b[at + 2] === 0x4c && b[at + 3] === 0x45 && b[at + 4] === 0x54 && b[at + 5] === 0x45 && b[at + 6] === SP ? 0 : -1;
    case 0x4f: // OPTIONS
      return b[at + 1] === 0x50 &&
        b[at + 2] === 0x54 &&
        b[at + 3] === 0x49 &&
        b[at + 4] === 0x4f &&
        b[at + 5] === 0x4e &&
        b[at + 6] === 0x53 &&
        b[at + 7] === SP
        ? 6
        : -1;
    default:
      return -1;
  }
}

/** True when b[i..i+10) is "HTTP/1.1" and CRLF (i: just past the space before it). */
function http11Line(b: Buffer, i: number): boolean {
  return (
    b[i] === 0x48 &&
    b[i + 1] === 0x54 &&
    b[i + 2] === 0x54 &&
    b[i + 3] === 0x50 &&
    b[i + 4] === 0x2f &&
    b[i + 5] === 0x31 &&
    b[i + 6] === 0x2e &&
    b[i + 7] === 0x31 &&
    b[i + 8] === CR &&
    b[i + 9] === LF
  );
}

/**
 * A request head at b[from..] read into `h` when it is simple and complete: the offset past it, or
 * -1 (llhttp reads it). Simple: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS; a target of '/' and
 * TARGET characters; HTTP/1.1; at most 64 fields, none of Content-Length, Transfer-Encoding,
 * Upgrade or Proxy-Connection, at most one Connection of `close` or `keep-alive`; at most `max`
 * bytes. Such a request has no body.
 */
export function readSimpleRequest(b: Buffer, from: number, max: number, h: SimpleHead): number {
  const method = methodAt(b, from);
  if (method < 0) return -1;
  const ts = from + METHODS[method]!.length + 1;
  if (b[ts] !== 0x2f) return -1;
  let i = ts + 1;
  while (TARGET[b[i]!] === 1) i++;
  if (b[i] !== SP || !http11Line(b, i + 1)) return -1;
  const te = i;
  const end = fields(b, from, i + 11, max, h, false, 0);
  if (end < 0) return -1;
  h.method = method;
  h.target = b.toString('latin1', ts, te);
  h.status = 0;
  return end;
}

/**
 * A response head at b[0..] read into `h` when it is simple and complete: the offset past it, or -1
 * (llhttp reads it). Simple: HTTP/1.1, a status of 200-599 other than 204 and 304, a reason phrase
 * of TEXT characters after one space, at most 64 fields with one Content-Length (h.length) and
 * none of Transfer-Encoding, Upgrade or Proxy-Connection, at most one Connection of `close` or
 * `keep-alive`; at most `max` bytes.
 */
export function readSimpleResponse(b: Buffer, max: number, h: SimpleHead): number {
  if (
    b[0] !== 0x48 ||
    b[1] !== 0x54 ||
    b[2] !== 0x54 ||
    b[3] !== 0x50 ||
    b[4] !== 0x2f ||
    b[5] !== 0x31 ||
    b[6] !== 0x2e ||
    b[7] !== 0x31 ||
    b[8] !== SP ||
    b[12] !== SP
  )
    return -1;
  const d0 = b[9]! - 0x30;
  const d1 = b[10]! - 0x30;
  const d2 = b[11]! - 0x30;
  if (d0 < 2 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
  const status = d0 * 100 + d1 * 10 + d2;
  if (status === 204 || status === 304) return -1;
  let i = 13;
  while (TEXT[b[i]!] === 1) i++;
  if (b[i] !== CR || b[i + 1] !== LF) return -1;
  const re = i;
  const end = fields(b, 0, i + 2, max, h, true, re);
  if (end < 0 || h.length < 0) return -1;
  h.method = 0;
  h.target = '';
  h.status = status;
  return end;
}
