// What one message sends to a socket in one go: its head (a string of latin1 characters, the way
// llhttp's binding hands fields over, so bytes 0x80-0xFF of obs-text leave as they came), its body
// pieces and their framing, gathered while a read is parsed and written in one write: one buffer
// when small, else a corked burst (one writev). A head and a body written apart cost a syscall
// and a stream round each.

/** A batch up to this size is copied into one buffer (a larger body is written as it is, without a copy). */
const COPY_MAX = 16 * 1024;

export class Batch {
  private readonly parts: (string | Buffer)[] = [];
  private bytes = 0;

  /** Adds latin1 text (a head, a chunk-size line, trailers). */
  text(s: string): void {
    this.parts.push(s);
    this.bytes += s.length;
  }

  /** Adds bytes (a body piece); the buffer is not copied until the flush. */
  data(b: Buffer): void {
    this.parts.push(b);
    this.bytes += b.length;
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  /** Writes what was gathered in one write; the socket's answer (false: its buffer is full), true when there was nothing. */
  flush(socket: { write(chunk: Buffer | string, encoding?: BufferEncoding): boolean; cork(): void; uncork(): void; destroyed: boolean }): boolean {
    const parts = this.parts;
    const n = parts.length;
    if (n === 0) return true;
    const bytes = this.bytes;
    this.bytes = 0;
    // The list is emptied and kept (no array per message); nothing is added to it while it is written.
    if (socket.destroyed) {
      parts.length = 0;
      return true;
    }
    if (n === 1) {
      const p = parts[0]!;
      parts.length = 0;
      return typeof p === 'string' ? socket.write(p, 'latin1') : socket.write(p);
    }
    if (bytes <= COPY_MAX) {
      const out = Buffer.allocUnsafe(bytes);
      let at = 0;
      for (let i = 0; i < n; i++) {
        const p = parts[i]!;
        at += typeof p === 'string' ? out.write(p, at, 'latin1') : p.copy(out, at);
      }
      parts.length = 0;
      return socket.write(out);
    }
    const copy = parts.slice();
    parts.length = 0;
    socket.cork();
    let ok = true;
    for (const p of copy) ok = typeof p === 'string' ? socket.write(p, 'latin1') : socket.write(p);
    socket.uncork();
    return ok;
  }
}
