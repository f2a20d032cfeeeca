// The request cases of llhttp's test corpus (copied from ../shared/http-vectors/llhttp into
// fixtures/llhttp with its MIT licence, so a clean clone runs them alone), decoded the way llhttp's own runner decodes them (test/md-test.ts): the block's
// final line end dropped, backslash-newline joined, line ends made CRLF, then \r \n \t \f \xHH
// and octal \NNN escapes turned into bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { METHODS } from '../src/http/parser.js';
import path from 'node:path';

export const VECTORS_DIR = path.resolve(import.meta.dirname, 'fixtures', 'llhttp');

export interface VectorCase {
  file: string;
  title: string;
  type: string;
  raw: Buffer;
  /** llhttp (strict) refuses it: an error other than a pause. */
  refused: boolean;
  /** Messages llhttp completed before its error (or in all, when accepted). */
  completed: number;
  log: string;
}

function decode(block: string): Buffer {
  let s = block.endsWith('\n') ? block.slice(0, -1) : block;
  s = s.replace(/\\\n/g, '').replace(/\n/g, '\r\n');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      const simple: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, f: 0x0c };
      if (simple[n] !== undefined) {
        bytes.push(simple[n]);
        i++;
        continue;
      }
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
        bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
      if (oct) {
        bytes.push(parseInt(oct[0], 8));
        i += oct[0].length;
        continue;
      }
    }
    const code = c.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Pause codes of llhttp (HPE_PAUSED, HPE_PAUSED_UPGRADE, HPE_PAUSED_H2_UPGRADE): the parser stopped, it did not refuse. */
const PAUSES = new Set([21, 22, 23]);

/** The request cases of the corpus in `dir` (the in-repo copy by default). */
export function loadVectors(dir = VECTORS_DIR): VectorCase[] {
  const out: VectorCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const metaRe = /<!-- meta=(\{.*?\}) -->/g;
    for (let m = metaRe.exec(text); m; m = metaRe.exec(text)) {
      const meta = JSON.parse(m[1]!) as { type: string };
      // The ```http block after the meta line, to the first line that is only ```; then the next ```log block.
      const open = text.indexOf('```http\n', m.index);
      const close = text.indexOf('\n```\n', open);
      const logOpen = text.indexOf('```log\n', close);
      const logClose = text.indexOf('\n```', logOpen + 7);
      if (open < 0 || close < 0 || logOpen < 0 || logClose < 0) continue;
      const block = text.slice(open + 8, close + 1);
      const log = text.slice(logOpen + 7, logClose);
      const headings = [...text.slice(0, m.index).matchAll(/^#{2,4} (.+)$/gm)];
      const title = headings.at(-1)?.[1] ?? '?';
      const err = /error code=(\d+)/.exec(log);
      const upto = err ? log.slice(0, err.index) : log;
      out.push({
        file,
        title,
        type: meta.type,
        raw: decode(block),
        log,
        refused: err !== null && !PAUSES.has(Number(err[1])),
        completed: (upto.match(/message complete/g) ?? []).length,
      });
    }
  }
  return out;
}

/** One message as strict llhttp (Node's own binding, no lenient flag) parses it. */
export interface LlhttpMessage {
  method: string;
  url: string;
  major: number;
  minor: number;
  headers: string[];
  body: Buffer;
  trailers: string[];
  upgrade: boolean;
  keepAlive: boolean;
  complete: boolean;
}

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(buf: Buffer): number | Error;
  [slot: number]: unknown;
}
const common = createRequire(import.meta.url)('node:_http_common') as {
  HTTPParser: { new (): NativeParser; REQUEST: number; kOnHeaders: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };
};

/**
 * The oracle of the conformance test: `raw` parsed by llhttp in strict mode, independently of the
 * agent's parser glue. `error`: llhttp refused the bytes (after `messages` that it parsed first).
 */
export function llhttpParse(raw: Buffer): { messages: LlhttpMessage[]; error: string | null } {
  const { HTTPParser } = common;
  const p = new HTTPParser();
  p.initialize(HTTPParser.REQUEST, {}, 16 * 1024, 0);
  const messages: LlhttpMessage[] = [];
  let pending: string[] = [];
  let url = '';
  let cur: LlhttpMessage | null = null;
  const bodies: Buffer[] = [];
  p[HTTPParser.kOnHeaders] = (fields: string[], u: string) => {
    if (cur) cur.trailers.push(...fields);
    else {
      pending.push(...fields);
      url += u;
    }
  };
  p[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    fields: string[] | undefined,
    method: number,
    u: string | undefined,
    _status: number,
    _text: string,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    cur = {
      method: METHODS[method] ?? '?',
      url: url + (u ?? ''),
      major,
      minor,
      headers: [...pending, ...(fields ?? [])],
      body: Buffer.alloc(0),
      trailers: [],
      upgrade,
      keepAlive,
      complete: false,
    };
    pending = [];
    url = '';
    bodies.length = 0;
    messages.push(cur);
    return 0;
  };
  p[HTTPParser.kOnBody] = (b: Buffer) => {
    bodies.push(Buffer.from(b));
  };
  p[HTTPParser.kOnMessageComplete] = () => {
    if (!cur) return;
    cur.body = Buffer.concat(bodies);
    cur.complete = true;
    cur = null;
  };
  const r = p.execute(raw);
  return { messages, error: typeof r === 'number' ? null : ((r as Error & { code?: string }).code ?? 'error') };
}
