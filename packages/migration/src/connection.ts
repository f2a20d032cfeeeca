// One client connection as the application sees it: a Duplex over the accepted socket (after its
// PROXY header) that counts the bytes it hands the application and the bytes the application
// writes, exactly, so that an export can say "state after input byte N, output up to byte M".
//
// During an export the connection is frozen: what the application wrote before the freeze still
// goes out (it is in the exported state's past); what it writes after is held. If the migration
// succeeds the held bytes are dropped (the target continues from the state) and the connection
// closes once the agent has taken its output; if it fails, they are written and the connection
// goes on as if nothing happened.
import { Duplex } from 'node:stream';
import type net from 'node:net';

/** A client's address from the PROXY header (or the socket's peer when there was none). */
export interface ClientAddress {
  address: string;
  port: number;
}

export interface ConnectionInit {
  socket: net.Socket;
  /** TLV 0xE0: the agent's connection id (absent: not migratable). */
  id?: string;
  client?: ClientAddress;
  /** Resumed from a migration: the id, the state and the totals of the source. */
  migrationId?: string;
  imported?: unknown;
  baseIn?: number;
  baseOut?: number;
  /** Bytes that arrived with the header (the application's first input). */
  first?: Buffer;
}

/** What the application exports for a connection: any JSON value (sync or async). */
export type ExportState = () => unknown;

export class MigratableConnection extends Duplex {
  /** TLV 0xE0 of the PROXY header: the agent's connection id; undefined: the connection cannot migrate. */
  readonly id: string | undefined;
  /** The client's address (PROXY header source), when known. */
  readonly client: ClientAddress | undefined;
  /** On a connection resumed on this (target) backend: the migration id and the state the source exported. */
  readonly migrationId: string | undefined;
  readonly imported: unknown;
  /** The application's state of this connection, for an export; set it once the connection has state. */
  exportState: ExportState | undefined;

  private readonly socket: net.Socket;
  private readonly baseIn: number;
  private readonly baseOut: number;
  /** Bytes handed to the application (this upstream connection only). */
  private received = 0;
  /** Bytes handed to the socket (this upstream connection only), the one in flight included. */
  private written = 0;
  private inflight = 0;
  /** While frozen: the bytes that may still go out (written + buffered at the freeze). */
  private limit: number | null = null;
  private held: { chunk: Buffer; done: (err?: Error | null) => void } | null = null;
  private heldInput: Buffer[] = [];
  private moved = false;
  private readonly waiters = new Set<() => void>();

  constructor(init: ConnectionInit) {
    super({ allowHalfOpen: true });
    this.socket = init.socket;
    this.id = init.id;
    this.client = init.client;
    this.migrationId = init.migrationId;
    this.imported = init.imported;
    this.baseIn = init.baseIn ?? 0;
    this.baseOut = init.baseOut ?? 0;
    // An application that forgets an error listener must not bring the process down.
    this.on('error', () => {});
    const s = init.socket;
    if (init.first && init.first.length > 0) this.deliver(init.first);
    s.on('data', (c: Buffer) => this.deliver(c));
    s.on('end', () => {
      if (!this.moved) this.push(null);
    });
    s.on('error', () => this.destroy());
    s.on('close', () => this.destroy());
    s.on('drain', () => this.wake());
  }

  /** Bytes of input the application has been given over the whole session (a resumed one counts the source's). */
  get bytesIn(): number {
    return this.baseIn + this.received;
  }

  /** Bytes of output the application has written that went (or go) to the client, over the whole session. */
  get bytesOut(): number {
    return this.baseOut + Math.min(this.written, this.limit ?? Infinity);
  }

  /** Input bytes given on this upstream connection (what an export's inputOffset counts). */
  get legIn(): number {
    return this.received;
  }

  /** Whether the connection moved to another backend (its output ended at the exported offset). */
  get migrated(): boolean {
    return this.moved;
  }

  private deliver(chunk: Buffer): void {
    if (this.moved) return;
    if (this.limit !== null) {
      // The agent stopped forwarding before it asked for the export: nothing should arrive now.
      // What does is kept for the application should the export fail (dropped if it succeeds).
      this.heldInput.push(chunk);
      return;
    }
    this.received += chunk.length;
    if (!this.push(chunk)) this.socket.pause();
    this.wake();
  }

  override _read(): void {
    this.socket.resume();
    // The application took what was buffered: an export waiting on that may go on.
    queueMicrotask(() => this.wake());
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.inflight = chunk.length;
    this.forward(chunk, (err) => {
      this.inflight = 0;
      cb(err);
      this.wake();
    });
  }

  private forward(chunk: Buffer, done: (err?: Error | null) => void): void {
    if (this.limit !== null) {
      const room = this.limit - this.written;
      if (chunk.length > room) {
        if (room > 0) {
          this.socket.write(chunk.subarray(0, room));
          this.written += room;
        }
        // Moved: the target writes from here on. Frozen: held until the export's outcome.
        if (this.moved) done();
        else this.held = { chunk: chunk.subarray(Math.max(room, 0)), done };
        return;
      }
    }
    this.written += chunk.length;
    if (this.socket.write(chunk) || this.socket.destroyed) done();
    else this.socket.once('drain', () => done());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.moved) this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // A moved connection's socket closes on its own schedule (handOff): its output must reach the agent.
    if (!this.moved) this.socket.destroy();
    this.wake();
    cb(err);
  }

  // ---- the export (server.ts) ----

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves true once `pred` holds (checked at every byte event), false at the deadline or when the connection closes. */
  waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (pred()) finish(true);
        else if (this.destroyed && !this.moved) finish(false);
      };
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Whether the application has read exactly `n` bytes of this upstream connection (none waiting in the stream's buffer). */
  consumed(n: number): boolean {
    return this.received === n && this.readableLength === 0;
  }

  /** Stops the output at what the application wrote so far; returns that offset (this upstream connection's bytes). */
  freeze(): number {
    if (this.limit === null) this.limit = this.written + (this.writableLength - this.inflight);
    return this.limit;
  }

  /** The export failed: held output goes out, the connection goes on. */
  thaw(): void {
    this.limit = null;
    const h = this.held;
    this.held = null;
    if (h) this.forward(h.chunk, h.done);
    const input = this.heldInput;
    this.heldInput = [];
    for (const c of input) this.deliver(c);
  }

  /**
   * The export succeeded: held output is dropped, input ends for the application ('migrated',
   * then 'close'), and the socket closes once its output up to the offset is flushed and the
   * agent let go of it (or at `lingerMs`).
   */
  handOff(lingerMs: number): void {
    const h = this.held;
    this.held = null;
    this.heldInput = [];
    const limit = (this.limit ??= this.written);
    this.moved = true;
    h?.done();
    this.emit('migrated');
    const s = this.socket;
    void this.waitFor(() => this.written >= limit && s.writableLength === 0, lingerMs).then(() => {
      // The agent closes the leg once it has read up to the offset: no FIN from here before that.
      const t = setTimeout(() => s.destroy(), lingerMs);
      s.once('close', () => clearTimeout(t));
      s.once('end', () => s.end());
      s.resume();
      this.destroy();
    });
  }
}
