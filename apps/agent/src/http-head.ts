// The first request head of an HTTP client connection, read before the connection is admitted:
// a connection takes a use of its vserver's limit only once a complete request head arrived, so
// clients that connect and trickle (or send nothing) hold no slot, and are cut at the deadline.
// The bytes read are handed on (to node:http, or with the socket to another engine) untouched.
import type net from 'node:net';

export type HeadOutcome =
  /** Everything read so far: a complete head (and whatever followed it in the same reads). */
  | { kind: 'head'; bytes: Buffer }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  /** The request line is not `method SP target SP HTTP/x.y` (an HTTP/0.9 line, or not HTTP). */
  | { kind: 'bad-line' }
  | { kind: 'closed' };

const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ ]+ HTTP\/[0-9]\.[0-9]\r?$/;
const CR = 0x0d;
const LF = 0x0a;

/** Offset of the first byte after leading empty lines (RFC 9112 §2.2 lets a server ignore them). */
function skipEmptyLines(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && (buf[i] === CR || buf[i] === LF)) i++;
  return i;
}

/** True when a line end followed by an empty line (CRLF or bare LF: the parser judges which it accepts) occurs at or after `from`. */
function headComplete(buf: Buffer, from: number): boolean {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) {
    if (buf[i + 1] === LF || (buf[i + 1] === CR && buf[i + 2] === LF)) return true;
  }
  return false;
}

/**
 * Stops the socket's reads at the handle: after it no byte is read in this process, so the
 * socket's handle can travel to another engine with `bytes` as all that was consumed. (A paused
 * net.Socket keeps reading into its buffer; net itself calls readStop this way at its high-water mark.)
 */
function stopReading(socket: net.Socket): void {
  socket.pause();
  const handle = (socket as net.Socket & { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
  if (handle?.reading && handle.readStop) {
    handle.reading = false;
    handle.readStop();
  }
}

/**
 * Reads `socket` (paused, never read) until a complete request head, at most `maxBytes` of head,
 * within `timeoutMs` from now; calls `done` once. On 'head' the socket is paused with nothing
 * buffered (every byte read is in `bytes`); otherwise it is left flowing with no reader (what the
 * client still sends is dropped) for the caller to answer and close. Returns a cancel function
 * (`done` is then not called).
 */
export function readFirstHead(socket: net.Socket, timeoutMs: number, maxBytes: number, done: (outcome: HeadOutcome) => void): () => void {
  let buf: Buffer | null = null;
  let lineOk = false;
  let finished = false;
  const finish = (outcome: HeadOutcome | null): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('end', onGone);
    socket.removeListener('close', onGone);
    if (outcome?.kind === 'head') stopReading(socket);
    if (outcome) done(outcome);
  };
  const onGone = (): void => finish({ kind: 'closed' });
  const onData = (chunk: Buffer): void => {
    const scanned = buf === null ? 0 : buf.length;
    buf = buf === null ? chunk : Buffer.concat([buf, chunk]);
    const start = skipEmptyLines(buf);
    if (!lineOk) {
      const nl = buf.indexOf(LF, start);
      if (nl >= 0) {
        if (!REQUEST_LINE.test(buf.toString('latin1', start, nl))) {
          finish({ kind: 'bad-line' });
          return;
        }
        lineOk = true;
      }
    }
    if (lineOk && headComplete(buf, Math.max(start, scanned - 3))) {
      finish({ kind: 'head', bytes: buf });
      return;
    }
    if (buf.length - start > maxBytes) finish({ kind: 'too-large' });
  };
  const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
  socket.on('data', onData);
  socket.once('end', onGone);
  socket.once('close', onGone);
  socket.resume();
  return () => finish(null);
}
