// HTTP/1.1 at the socket: a client that sends exact bytes and reads what comes back, so tests
// assert the agent's behaviour on the wire (status line, headers, close) whatever HTTP engine it runs.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Parses one response at the start of `buf` (content-length or chunked bodies, no trailers; 1xx
 * answers skipped): null until complete. `bodiless`: the answer to a HEAD request.
 */
export function parseResponse(buf: Buffer, bodiless = false): { response: RawResponse; rest: Buffer } | null {
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) return null;
    const lines = buf.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).toLowerCase();
      const value = line.slice(i + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    if (status >= 100 && status < 200) {
      at = end + 4;
      continue;
    }
    if (bodiless || status === 204 || status === 304) return { response: { status, headers, body: Buffer.alloc(0) }, rest: buf.subarray(end + 4) };
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      let p = end + 4;
      for (;;) {
        const eol = buf.indexOf('\r\n', p);
        if (eol < 0) return null;
        const size = parseInt(buf.subarray(p, eol).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size at ${p}`);
        if (buf.length < eol + 2 + size + 2) return null;
        if (size === 0) return { response: { status, headers, body: Buffer.concat(parts) }, rest: buf.subarray(eol + 4) };
        parts.push(buf.subarray(eol + 2, eol + 2 + size));
        p = eol + 2 + size + 2;
      }
    }
    const len = Number(headers['content-length'] ?? 0);
    if (buf.length < end + 4 + len) return null;
    return { response: { status, headers, body: buf.subarray(end + 4, end + 4 + len) }, rest: buf.subarray(end + 4 + len) };
  }
}

/** A raw client connection: write bytes, wait for responses or the close, with a deadline. */
export class RawConnection {
  readonly socket: net.Socket;
  buf = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(port: number, host = '127.0.0.1') {
    this.socket = net.connect({ port, host });
    this.socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on('error', () => {});
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    const c = new RawConnection(port, host);
    await new Promise<void>((resolve, reject) => {
      c.socket.once('connect', resolve);
      c.socket.once('error', reject);
    });
    return c;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves when `ok` holds on what was received (or the connection closed); rejects past the deadline. */
  async waitFor(ok: (c: RawConnection) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok(this) && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no expected answer in ${timeoutMs} ms; received ${JSON.stringify(this.buf.toString('latin1').slice(0, 300))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** The next complete response (consumed from the buffer); null if the connection closed first. */
  async response(timeoutMs = 5_000): Promise<RawResponse | null> {
    await this.waitFor((c) => parseResponse(c.buf) !== null, timeoutMs);
    const r = parseResponse(this.buf);
    if (!r) return null;
    this.buf = r.rest;
    return r.response;
  }

  /** Resolves when the agent closed the connection; rejects past the deadline. */
  async closedByPeer(timeoutMs = 5_000): Promise<void> {
    await this.waitFor((c) => c.closed, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Sends `bytes` on a fresh connection and returns the first response (null: closed without one). */
export async function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<{ response: RawResponse | null; conn: RawConnection }> {
  const conn = await RawConnection.open(port);
  conn.write(bytes);
  const response = await conn.response(timeoutMs);
  return { response, conn };
}
