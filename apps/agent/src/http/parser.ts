// Parser glue: llhttp, the parser Node's own http module runs, reached through its native binding
// (`HTTPParser` of node:_http_common), strict (no lenient flag), in REQUEST mode for clients and
// RESPONSE mode for services.
//
// Why the native binding and not undici's wasm build of the same llhttp: measured here on the
// 2-core machine (load ~3.8), parsing a 7-header request head: native 2.9-3.4 µs per request with
// the header list as JS strings handed over in one call; wasm 3.0 µs with empty callbacks but 10 µs
// once every header field becomes a string (one wasm→JS call per field and a copy out of the wasm
// memory). The binding also needs no glue of ours around llhttp's memory, and its strict mode is
// the one node:http is tested with. Both are llhttp 9: strict mode refuses bare CR or LF, obs-fold,
// NUL and other invalid characters, Content-Length with Transfer-Encoding, repeated Content-Length,
// a Transfer-Encoding whose last coding is not chunked, and chunk-size overflow (the rules on top
// of it, which llhttp does not check, are in request.ts). The commonest heads, in a form llhttp
// certainly reads the same way, are read before it reaches them by simple-head.ts.
import { createRequire } from 'node:module';
import type { Head } from './simple-head.js';

interface ParseError extends Error {
  code: string;
  reason: string;
  bytesParsed: number;
}

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(buf: Buffer): number | ParseError;
  finish(): number | ParseError | undefined;
  free(): void;
  close(): void;
  [index: number]: unknown;
}

interface NativeParserClass {
  new (): NativeParser;
  REQUEST: number;
  RESPONSE: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

const require = createRequire(import.meta.url);
const { HTTPParser } = require('node:_http_common') as { HTTPParser: NativeParserClass };
/**
 * llhttp's method numbers (its llhttp_method enum, in order), the names of what the head callback
 * reports. node:_http_common's `methods` is not this table: it leaves out the methods node:http does
 * not serve (RTSP ones, PRI, QUERY), so its indexes shift past them.
 */
export const METHODS: readonly string[] = [
  'DELETE',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'COPY',
  'LOCK',
  'MKCOL',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'SEARCH',
  'UNLOCK',
  'BIND',
  'REBIND',
  'UNBIND',
  'ACL',
  'REPORT',
  'MKACTIVITY',
  'CHECKOUT',
  'MERGE',
  'M-SEARCH',
  'NOTIFY',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'PATCH',
  'PURGE',
  'MKCALENDAR',
  'LINK',
  'UNLINK',
  'SOURCE',
  'PRI',
  'DESCRIBE',
  'ANNOUNCE',
  'SETUP',
  'PLAY',
  'PAUSE',
  'TEARDOWN',
  'GET_PARAMETER',
  'SET_PARAMETER',
  'REDIRECT',
  'RECORD',
  'FLUSH',
  'QUERY',
];
/** llhttp's method numbers of HEAD and CONNECT. */
export const HEAD = 2;
export const CONNECT = 5;

/**
 * What a response's onHead returns to read the body itself (llhttp's "upgrade" answer): llhttp
 * stops right after the head, reports the message complete, and feed's `consumed` ends at the
 * head; what is fed next is read as the next message (the body is the caller's to read).
 */
export const READ_BODY_RAW = 2;

export interface ParserEvents {
  /** A head is complete; its return value is llhttp's: 0, 1 for a message without body (a response to HEAD), or READ_BODY_RAW. */
  onHead(p: Head): number;
  onBody(chunk: Buffer): void;
  /** Trailer fields of a chunked message (flat name, value list), just before onComplete. */
  onTrailers(fields: string[]): void;
  onComplete(): void;
  /** A new message begins (its first byte was read by llhttp). */
  onBegin(): void;
}

/** The result of feeding bytes: how many were consumed, or why llhttp refused them. */
export type Fed = { ok: true; consumed: number } | { ok: false; code: string; reason: string; consumed: number };

/**
 * Parsers kept for reuse, with their native half (initialize resets it): taking one costs no
 * allocation. Few are kept: a connection holds a parser only while a message is being read, so the
 * pool needs about as many as there are messages in flight, not as many as idle connections.
 */
const FREE: Parser[] = [];
const FREE_MAX = 128;

/** The fields of a head without any (shared: never written to). */
const NO_FIELDS = Object.freeze([]) as unknown as string[];

const NO_EVENTS: ParserEvents = {
  onHead: () => 0,
  onBody: () => {},
  onTrailers: () => {},
  onComplete: () => {},
  onBegin: () => {},
};

/**
 * One llhttp parser and the head it completed last. Headers are a flat [name, value, …] list as
 * llhttp delivers them (names as sent, values without surrounding whitespace).
 */
export class Parser implements Head {
  private native: NativeParser | null;
  /** Head fields delivered in parts (a head of more than 32 fields), or null. */
  private fields: string[] | null = null;
  private url = '';
  /** After a head, before the message's end: fields llhttp delivers now are trailers. */
  private inBody = false;
  /** In the free list (a parser given back twice is listed once). */
  private free = false;
  /**
   * Between a message's first byte and its end (a parser given back mid-message would lose its
   * state; a head read without llhttp, simple-head.ts, may start only where this is false).
   */
  inMessage = false;
  // The head completed last.
  method = 0;
  target = '';
  headers: string[] = NO_FIELDS;
  major = 1;
  minor = 1;
  status = 0;
  statusText = '';
  upgrade = false;
  keepAlive = true;

  /** A parser of `kind` reporting to `events`: one from the pool, or a new one. */
  static take(kind: 'request' | 'response', maxHeaderBytes: number, events: ParserEvents): Parser {
    const p = FREE.pop();
    if (!p) return new Parser(kind, maxHeaderBytes, events);
    p.free = false;
    if (p.dirty || p.kind !== kind || p.maxHeaderBytes !== maxHeaderBytes) p.reset(kind, maxHeaderBytes, events);
    else p.events = events;
    return p;
  }

  /**
   * Given back in a state other than "before a message that may follow" (mid-message, after an
   * error, after a message that ends its connection, a response parser): initialized again when
   * taken. A request parser given back between keep-alive messages is ready as it is (llhttp resets
   * itself after each message), so a keep-alive request costs no native call to re-arm one.
   */
  private dirty = false;

  private constructor(
    private kind: 'request' | 'response',
    private maxHeaderBytes: number,
    private events: ParserEvents,
  ) {
    const native = new HTTPParser();
    native.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, maxHeaderBytes, HTTPParser.kLenientNone);
    this.native = native;
    // Each message's first byte: the parser is in a message (inMessage) until its end.
    native[HTTPParser.kOnMessageBegin] = () => {
      this.inMessage = true;
      this.events.onBegin();
    };
    // Heads with many fields, and trailers, arrive in parts before the completion callback.
    native[HTTPParser.kOnHeaders] = (fields: string[], url: string) => {
      if (!this.inBody) {
        const into = (this.fields ??= []);
        for (const f of fields) into.push(f);
        this.url += url;
      } else this.events.onTrailers(fields);
    };
    native[HTTPParser.kOnHeadersComplete] = (
      major: number,
      minor: number,
      fields: string[] | undefined,
      method: number,
      url: string | undefined,
      status: number,
      statusText: string,
      upgrade: boolean,
      keepAlive: boolean,
    ): number => {
      this.inBody = true;
      const parts = this.fields;
      if (parts !== null) {
        if (fields) for (const f of fields) parts.push(f);
        this.headers = parts;
        this.fields = null;
      } else this.headers = fields ?? NO_FIELDS;
      if (this.url === '') this.target = url ?? '';
      else {
        this.target = this.url + (url ?? '');
        this.url = '';
      }
      this.major = major;
      this.minor = minor;
      this.method = method;
      this.status = status;
      this.statusText = statusText;
      this.upgrade = upgrade;
      this.keepAlive = keepAlive;
      return this.events.onHead(this);
    };
    native[HTTPParser.kOnBody] = (chunk: Buffer) => {
      this.events.onBody(chunk);
    };
    native[HTTPParser.kOnMessageComplete] = () => {
      this.inMessage = false;
      this.inBody = false;
      const t = this.fields;
      if (t !== null) {
        this.fields = null;
        if (t.length > 0) this.events.onTrailers(t);
      }
      this.events.onComplete();
    };
  }

  /** The method of the head completed last, by name (undefined: a number this table does not know, from a newer llhttp). */
  get methodName(): string | undefined {
    return METHODS[this.method];
  }

  /** Parses `buf`; callbacks run before it returns. After an upgrade, `consumed` ends at the head (the rest is the tunnel's). */
  feed(buf: Buffer): Fed {
    const native = this.native;
    if (!native) return { ok: false, code: 'HPE_CLOSED', reason: 'parser closed', consumed: 0 };
    const r = native.execute(buf);
    if (typeof r === 'number') return { ok: true, consumed: r };
    this.dirty = true;
    return { ok: false, code: r.code, reason: r.reason, consumed: r.bytesParsed };
  }

  /** The end of input: completes a message delimited by the close (a response without length). */
  finish(): Fed {
    const native = this.native;
    if (!native) return { ok: true, consumed: 0 };
    this.dirty = true;
    const r = native.finish();
    if (r === undefined || typeof r === 'number') return { ok: true, consumed: 0 };
    return { ok: false, code: r.code, reason: r.reason, consumed: 0 };
  }

  private reset(kind: 'request' | 'response', maxHeaderBytes: number, events: ParserEvents): void {
    this.events = events;
    this.kind = kind;
    this.maxHeaderBytes = maxHeaderBytes;
    this.dirty = false;
    this.native!.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, maxHeaderBytes, HTTPParser.kLenientNone);
  }

  /** Gives the parser back (it must not be in the middle of execute, and is not used after). */
  release(): void {
    const native = this.native;
    if (!native) return;
    if (this.inMessage || this.inBody || this.fields !== null || this.url !== '' || !this.keepAlive || this.upgrade || this.kind === 'response')
      this.dirty = true;
    this.events = NO_EVENTS;
    this.fields = null;
    this.url = '';
    this.inBody = false;
    this.inMessage = false;
    this.headers = NO_FIELDS;
    this.target = '';
    this.statusText = '';
    if (this.free) return;
    if (FREE.length < FREE_MAX) {
      if (this.dirty) native.free();
      this.free = true;
      FREE.push(this);
      return;
    }
    this.native = null;
    for (const k of [HTTPParser.kOnMessageBegin, HTTPParser.kOnHeaders, HTTPParser.kOnHeadersComplete, HTTPParser.kOnBody, HTTPParser.kOnMessageComplete])
      native[k] = null;
    native.close();
  }
}
