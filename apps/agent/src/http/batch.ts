// What one message sends to a socket in one go: its head (a string of latin1 characters, the way
// llhttp's binding hands fields over, so bytes 0x80-0xFF of obs-text leave as they came), its body
// pieces and their framing, gathered while a read is parsed and written in one write: one buffer
// when small, else a corked burst (one writev). Views of a shared read buffer (view()) are copied
// by the flush, so nothing handed to a socket points into that buffer. A head and a body written apart cost a syscall
// and a stream round each.
//
// A flushed socket stays corked until the end of the event loop's turn (setImmediate: after every
// read of the poll phase was handled), so the turn's writes to all sockets leave in one burst
// instead of one between the handling of each read. Measured (issue 11): the peers on the other
// core (wrk, nginx) were woken from sleep by ~0.2 writes per keep-alive request, each wake-up of a
// halted vCPU an IPI paid in the agent's system time (perf: 30% of the worker's samples in the
// wake-up inside the loopback send); in a burst the first write wakes the peer and the rest find
// it running (0.01 per request, as HAProxy, which also sends after its whole poll round). Only
// batches up to COPY_MAX are held (what a socket holds counts against its high-water mark: write()
// answers false past it, as for bytes the kernel did not take); a larger one leaves at once, after
// what was held. end() uncorks itself; a socket destroyed in the turn drops what it held
// (releaseNow first).

/** A socket a flush holds corked until the end of the turn. */
interface Corkable {
  cork(): void;
  uncork(): void;
  [kHeld]?: boolean;
}
const kHeld = Symbol('spillway.heldUntilTurnEnd');
const held: Corkable[] = [];
let releaseScheduled = false;

/** The end of the turn: every socket held in it writes what it gathered. */
function releaseAll(): void {
  releaseScheduled = false;
  // Indexed: a socket held while this runs (none is expected: uncork completes writes later) is appended and released too.
  for (let i = 0; i < held.length; i++) {
    const s = held[i]!;
    held[i] = undefined as unknown as Corkable;
    if (s[kHeld] === true) {
      s[kHeld] = false;
      s.uncork();
    }
  }
  held.length = 0;
}

function holdUntilTurnEnd(socket: Corkable): void {
  if (socket[kHeld] === true) return;
  socket[kHeld] = true;
  socket.cork();
  held.push(socket);
  if (!releaseScheduled) {
    releaseScheduled = true;
    setImmediate(releaseAll);
  }
}

/** Writes now what the flushes of this turn held on `socket` (before it is destroyed). */
export function releaseNow(socket: Corkable): void {
  if (socket[kHeld] !== true) return;
  socket[kHeld] = false;
  socket.uncork();
}

/** A batch's first room: a head and a body, or a chunk's size line, data and end, with one to spare. */
const PARTS = 4;

/** A batch up to this size is copied into one buffer (a larger body is written as it is, without a copy). */
const COPY_MAX = 16 * 1024;

export class Batch {
  /**
   * parts[0..n) are the batch; the array is kept (no array per message), its entries cleared after
   * each flush. Made with room for PARTS parts: grown from empty, its first part would give it 17
   * entries, held by every idle connection.
   */
  private readonly parts: (string | Buffer | undefined)[] = new Array<string | Buffer | undefined>(PARTS);
  private n = 0;
  private bytes = 0;

  /** Adds latin1 text (a head, a chunk-size line, trailers). */
  text(s: string): void {
    this.parts[this.n++] = s;
    this.bytes += s.length;
  }

  /** Adds bytes (a body piece); the buffer is not copied until the flush. */
  data(b: Buffer): void {
    this.parts[this.n++] = b;
    this.bytes += b.length;
  }

  /**
   * Adds bytes that stay valid only until the caller returns (a view of a shared read buffer): they
   * are copied by the flush, which must come before then.
   */
  view(b: Buffer): void {
    this.parts[this.n++] = b;
    this.bytes += b.length;
    this.views = true;
  }

  /** A part added by view(): every Buffer part is copied before it is handed to the socket. */
  private views = false;

  get empty(): boolean {
    return this.n === 0;
  }

  /** Empties the batch (its entries let go of what they held). */
  private clear(n: number): void {
    const parts = this.parts;
    for (let i = 0; i < n; i++) parts[i] = undefined;
    this.n = 0;
    this.bytes = 0;
    this.views = false;
  }

  /** Writes what was gathered in one write; the socket's answer (false: its buffer is full), true when there was nothing. */
  flush(socket: Corkable & { write(chunk: Buffer | string, encoding?: BufferEncoding): boolean; destroyed: boolean }): boolean {
    const n = this.n;
    if (n === 0) return true;
    const parts = this.parts;
    const bytes = this.bytes;
    const views = this.views;
    // Emptied before writing: nothing is added to the batch while it is written.
    if (socket.destroyed) {
      this.clear(n);
      return true;
    }
    // A large batch (a bulk body) leaves at once, after what the turn held: held, it would count
    // against the high-water mark and pause its source after every read.
    if (bytes > COPY_MAX) releaseNow(socket);
    else holdUntilTurnEnd(socket);
    if (n === 1) {
      const p = parts[0]!;
      this.clear(1);
      return typeof p === 'string' ? socket.write(p, 'latin1') : socket.write(views ? Buffer.from(p) : p);
    }
    if (bytes <= COPY_MAX) {
      const out = Buffer.allocUnsafe(bytes);
      let at = 0;
      for (let i = 0; i < n; i++) {
        const p = parts[i]!;
        at += typeof p === 'string' ? out.write(p, at, 'latin1') : p.copy(out, at);
      }
      this.clear(n);
      return socket.write(out);
    }
    const copy = parts.slice(0, n) as (string | Buffer)[];
    this.clear(n);
    socket.cork();
    let ok = true;
    for (const p of copy) ok = typeof p === 'string' ? socket.write(p, 'latin1') : socket.write(views ? Buffer.from(p) : p);
    socket.uncork();
    return ok;
  }
}
