// The heads read without llhttp (simple-head.ts) are read exactly as llhttp's strict mode reads
// them: for generated heads near the simple form (odd characters, framing fields, other versions,
// obs-fold, bare LF, cut short), whenever the shortcut takes a head, llhttp accepts the same bytes
// as one complete head with the same method, target, version, fields, keep-alive and (responses)
// Content-Length; and the common heads of real clients and servers are taken.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Parser, READ_BODY_RAW, type ParserEvents } from '../src/http/parser.js';
import { serializedHead, simpleResponseDrop } from '../src/http/forward.js';
import { readSimpleRequest, readSimpleResponse, SimpleHead, type Head } from '../src/http/simple-head.js';

const MAX = 16 * 1024;

interface Read {
  ok: boolean;
  consumed: number;
  heads: Omit<Head, 'methodName'>[];
  complete: number;
}

/** What llhttp reads of `bytes` (one feed). A response's head asks for its body raw, as the forward does, so the head's end is `consumed`. */
function llhttp(kind: 'request' | 'response', bytes: Buffer): Read {
  const out: Read = { ok: false, consumed: 0, heads: [], complete: 0 };
  const events: ParserEvents = {
    onBegin: () => {},
    onHead: (p: Head) => {
      out.heads.push({
        method: p.method,
        target: p.target,
        headers: [...p.headers],
        major: p.major,
        minor: p.minor,
        status: p.status,
        statusText: p.statusText,
        keepAlive: p.keepAlive,
        upgrade: p.upgrade,
      });
      return kind === 'response' ? READ_BODY_RAW : 0;
    },
    onBody: () => {},
    onTrailers: () => {},
    onComplete: () => {
      out.complete++;
    },
  };
  const p = Parser.take(kind, MAX, events);
  const r = p.feed(bytes);
  p.release();
  out.ok = r.ok;
  out.consumed = r.consumed;
  return out;
}

/** llhttp reads bytes[0..end) as one complete head, the one the shortcut read (what follows is another message's, read from its start by either). */
function same(kind: 'request' | 'response', bytes: Buffer, end: number, h: SimpleHead): void {
  const r = llhttp(kind, bytes.subarray(0, end));
  expect(r.ok, bytes.toString('latin1')).toBe(true);
  expect(r.heads.length).toBe(1);
  expect(r.complete).toBe(1);
  expect(r.consumed).toBe(end);
  const l = r.heads[0]!;
  // llhttp reports no status on a request and no method on a response (undefined): not compared there.
  if (kind === 'request') {
    l.status = h.status;
    l.statusText = h.statusText;
  } else {
    l.method = h.method;
    l.target = h.target;
  }
  expect(l).toEqual({
    method: h.method,
    target: h.target,
    headers: h.headers,
    major: h.major,
    minor: h.minor,
    status: h.status,
    statusText: h.statusText,
    keepAlive: h.keepAlive,
    upgrade: h.upgrade,
  });
  if (kind === 'response') {
    const cl = l.headers.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === 'content-length');
    expect(Number(l.headers[cl + 1])).toBe(h.length);
  }
}

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** Mostly one of `usual`, now and then one of `odd`: most heads are near the simple form, each differing in a part or two. */
const mostly = <T>(usual: readonly T[], odd: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 12, arbitrary: pick(usual) }, { weight: 1, arbitrary: pick(odd) });
/** Characters of every class the tables tell apart, the odd ones included. */
const chars = pick([...Array.from('aZ09-._~!$&\'()*+,;=:@/%?#"<>\\^`{|}[] \t'), '\r', '\n', '\0', '\x7f', '\x80', '\xff', '\x0b']);
const word = (common: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: pick(common) }, { weight: 1, arbitrary: fc.string({ unit: chars, minLength: 0, maxLength: 6 }) });
const names = [
  'Host',
  'host',
  'User-Agent',
  'Accept',
  'Cookie',
  'Connection',
  'connection',
  'Content-Length',
  'content-length',
  'Transfer-Encoding',
  'Upgrade',
  'Proxy-Connection',
  'Keep-Alive',
  'Expect',
  'X-Forwarded-For',
  'Date',
  'Server',
  'ETag',
  'X-A_b',
  'Content-Lengthx',
  'TE',
  'Trailer',
  'Proxy-Authenticate',
  'proxy-authorization',
  'Close',
  'close',
  'Keep-Alivex',
];
const values = ['127.0.0.1:8080', 'close', 'Close', 'keep-alive', 'Keep-Alive', 'upgrade', 'chunked', '0', '12', '1024', '007', '1,2', '', ' a ', 'a\tb', 'x'];
const field = fc.tuple(
  word(names),
  mostly([':', ': ', ':\t', ':  '], [' :']),
  word(values),
  mostly(['', ' ', '\t'], ['\r']),
  mostly(['\r\n'], ['\n', '\r\n ', '\r\n\t', '\r']),
);
const fieldsOf = fc.array(field, { maxLength: 5 }).map((fs) => fs.map(([n, sep, v, trail, eol]) => `${n}${sep}${v}${trail}${eol}`).join(''));
const ending = mostly(['\r\n'], ['\n', '', '\r', '\r\r\n']);

const requestHead = fc
  .tuple(
    word(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'get', 'GETS', 'PRI', 'DESCRIBE']),
    mostly([' '], ['  ', '\t']),
    fc.oneof(
      pick(['/', '/a?b=c', '/x/y.html', '*', 'http://h/', '/#f', '/%zz', '/a b']),
      fc.string({ unit: chars, maxLength: 8 }).map((s) => `/${s}`),
    ),
    mostly([' HTTP/1.1'], [' HTTP/1.0', ' HTTP/2.0', ' http/1.1', ' HTTP/1.1 ', '']),
    mostly(['\r\n'], ['\n']),
    fieldsOf,
    ending,
  )
  .map(([m, sp, t, v, eol, fs, end]) => `${m}${sp}${t}${v}${eol}${fs}${end}`);

const responseHead = fc
  .tuple(
    mostly(['HTTP/1.1 '], ['HTTP/1.0 ', 'HTTP/1.1  ', 'http/1.1 ']),
    fc.oneof(
      { weight: 6, arbitrary: pick(['200', '201', '404', '503']) },
      { weight: 1, arbitrary: pick(['204', '304', '100', '101', '199', '600', '20']) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }).map(String) },
    ),
    mostly([' OK', ' Not Found', ' ', ' a\tb'], ['', ' \x80', ' x\0']),
    mostly(['\r\n'], ['\n']),
    fieldsOf,
    fc.option(
      mostly(['Content-Length: 5\r\n', 'content-length: 0\r\n', 'Content-Length:  12 \r\n'], ['Content-Length: 1234567890\r\n', 'Content-Length: +1\r\n']),
      {
        freq: 8,
      },
    ),
    ending,
  )
  .map(([v, s, reason, eol, fs, cl, end]) => `${v}${s}${reason}${eol}${cl ?? ''}${fs}${end}`);

/** Response heads in the form servers send, now and then with a field that is not canonical (OWS), a field the client must not get, or no reason phrase. */
const canonicalField = fc.tuple(word(names), mostly([': '], [':', ':  ', ':\t']), word(values), mostly([''], [' ', '\t']));
const serverResponse = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: pick(['200', '201', '404', '503']) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }).map(String) }),
    mostly([' OK', ' Not Found', ' a\tb', ' x '], ['', ' ']),
    fc.array(canonicalField, { maxLength: 6 }),
    fc.nat({ max: 6 }),
    mostly(['Content-Length: 5', 'content-length: 0', 'Content-Length: 1024'], ['Content-Length:  12 ', 'Content-Length:7']),
  )
  .map(([s, reason, fs, at, cl]) => {
    const lines = fs.map(([n, sep, v, trail]) => `${n}${sep}${v}${trail}`);
    lines.splice(Math.min(at, lines.length), 0, cl);
    return `HTTP/1.1 ${s}${reason}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
  });

describe('heads read without llhttp', () => {
  it.each([
    ['request', requestHead, (b: Buffer, h: SimpleHead) => readSimpleRequest(b, 0, MAX, h)],
    ['response', responseHead, (b: Buffer, h: SimpleHead) => readSimpleResponse(b, MAX, h)],
  ] as const)('reads a %s head only when llhttp reads it the same way', (kind, heads, read) => {
    let taken = 0;
    fc.assert(
      fc.property(heads, (text) => {
        const bytes = Buffer.from(text, 'latin1');
        const h = new SimpleHead();
        const end = read(bytes, h);
        if (end < 0) return;
        taken++;
        same(kind, bytes, end, h);
      }),
      { numRuns: 20_000 },
    );
    // The generator is near enough the simple form for the comparison to be about something.
    expect(taken).toBeGreaterThan(500);
  });

  it("hands the client a simple response's own bytes only when they are what serializing its fields gives", () => {
    let relayed = 0;
    let serializedOnly = 0;
    fc.assert(
      fc.property(serverResponse, (text) => {
        const bytes = Buffer.from(text, 'latin1');
        const h = new SimpleHead();
        const end = readSimpleResponse(bytes, MAX, h);
        if (end < 0) return;
        const pieces: Buffer[] = [];
        const kept = h.forwardPieces(simpleResponseDrop(h.keepAlive), { view: (b) => pieces.push(Buffer.from(b)) });
        const r = llhttp('response', bytes.subarray(0, end));
        expect(r.ok).toBe(true);
        if (!kept) {
          expect(pieces).toEqual([]);
          serializedOnly++;
          return;
        }
        relayed++;
        expect(Buffer.concat(pieces).toString('latin1'), text).toBe(serializedHead(r.heads[0]!).head);
      }),
      { numRuns: 20_000 },
    );
    expect(relayed).toBeGreaterThan(2_000);
    expect(serializedOnly).toBeGreaterThan(500);
  });

  it('reads the common heads of clients and servers', () => {
    const requests = [
      'GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n',
      'GET /index.html?q=1&r=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
      'HEAD /a HTTP/1.1\r\nhost: a\r\nConnection: keep-alive\r\nCookie: SWSRV=web-1; x=y\r\n\r\n',
      'DELETE /items/7 HTTP/1.1\r\nHost: a\r\n\r\n',
    ];
    for (const t of requests) {
      const bytes = Buffer.from(t, 'latin1');
      const h = new SimpleHead();
      const end = readSimpleRequest(bytes, 0, MAX, h);
      expect(end, t).toBe(bytes.length);
      same('request', bytes, end, h);
    }
    const responses = [
      'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 04 Dec 2026 23:00:00 GMT\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\nConnection: keep-alive\r\nETag: "6751a2c0-400"\r\nAccept-Ranges: bytes\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n',
      'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    ];
    for (const t of responses) {
      const bytes = Buffer.from(t, 'latin1');
      const h = new SimpleHead();
      const end = readSimpleResponse(bytes, MAX, h);
      expect(end, t).toBe(bytes.length);
      same('response', bytes, end, h);
    }
  });

  it('leaves to llhttp what it does not read the same way or at all', () => {
    const requests = [
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n', // framing: llhttp's
      'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nProxy-Connection: close\r\n\r\n',
      'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\n X: folded\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\n',
      'GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n',
      'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
      '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n',
      'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
    ];
    for (const t of requests) expect(readSimpleRequest(Buffer.from(t, 'latin1'), 0, MAX, new SimpleHead()), JSON.stringify(t)).toBe(-1);
    const responses = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\n\r\n', // delimited by the close
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n',
      'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n',
    ];
    for (const t of responses) expect(readSimpleResponse(Buffer.from(t, 'latin1'), MAX, new SimpleHead()), JSON.stringify(t)).toBe(-1);
  });

  it('reads a head that ends past the limit as llhttp: not at all', () => {
    const t = `GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(200)}\r\n\r\n`;
    expect(readSimpleRequest(Buffer.from(t, 'latin1'), 0, 100, new SimpleHead())).toBe(-1);
    expect(readSimpleRequest(Buffer.from(t, 'latin1'), 0, MAX, new SimpleHead())).toBe(t.length);
  });
});
