// The head handling of the lean reference proxies (lean-proxy-main.ts on node:net,
// lean-raw-proxy-main.ts on libuv's handles): the empty line found by indexOf, Content-Length by a
// search, no validation (NOT safe against smuggling: measuring sticks only).

const CRLF2 = Buffer.from('\r\n\r\n');
const CLOSE = Buffer.from('connection: close\r\n');

/** Content-Length of a head (latin1 text), 0 when absent. */
export function contentLength(head: string): number {
  const i = head.search(/\r\ncontent-length:/i);
  if (i < 0) return 0;
  return parseInt(head.slice(i + 17, head.indexOf('\r\n', i + 17)), 10) || 0;
}

/** Body bytes of a message still to read after `buf` (its head ends at `end`, the offset of CRLF CRLF). */
export function bodyLeft(buf: Buffer, end: number, head = buf.toString('latin1', 0, end + 2)): number {
  return contentLength(head) - (buf.length - end - 4);
}

/** Gathers reads until a head's empty line. */
export class HeadScan {
  private buf: Buffer | null = null;

  /** `chunk` added: the bytes read so far and the offset of their CRLF CRLF, or null while the head is incomplete. */
  take(chunk: Buffer): { buf: Buffer; end: number } | null {
    const buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = buf.indexOf(CRLF2);
    this.buf = end < 0 ? buf : null;
    return end < 0 ? null : { buf, end };
  }
}

/**
 * A request head (up to its last field's CRLF) as sent upstream, with X-Forwarded-For; `close`:
 * the client asked to close. The client's close is its own: its Connection field is not forwarded
 * then, so the upstream connection stays in the pool (as HAProxy's and the agent's do).
 */
export function forwardedHead(head: string, remote: string): { out: string; close: boolean } {
  const close = /\r\nconnection:\s*close/i.test(head);
  const kept = close ? head.replace(/\r\nconnection:[^\r]*/gi, '') : head;
  return { out: `${kept}x-forwarded-for: ${remote}\r\n\r\n`, close };
}

/** A response relayed as read, framed by its Content-Length; told when the client asked to close, its head says it will. */
export class ResponseRelay {
  private readonly scan = new HeadScan();
  /** Body bytes of the current response still to relay (-1: reading its head). */
  private left = -1;

  /** What of `chunk` goes to the client now (null: the head is incomplete); `close`: the client asked to close (its answer says so). */
  take(chunk: Buffer, close: boolean): Buffer | null {
    if (this.left >= 0) {
      this.left -= chunk.length;
      return chunk;
    }
    const h = this.scan.take(chunk);
    if (!h) return null;
    this.left = bodyLeft(h.buf, h.end);
    return close ? Buffer.concat([h.buf.subarray(0, h.end + 2), CLOSE, h.buf.subarray(h.end + 2)]) : h.buf;
  }

  /** After take: the response is complete (the next take reads another head). */
  ended(): boolean {
    if (this.left > 0) return false;
    this.left = -1;
    return true;
  }
}
