// The HTTP/1.1 engine of one data plane: client connections on node:net (connection.ts), llhttp
// through Node's native binding (parser.ts), pooled upstream connections (upstream-pool.ts). The
// plane calls readFirstHead for a new connection, serve once the connection is admitted, and
// closeIdle / close at shutdown. One timer checks every connection's client-side timeouts and the
// pool's deadlines while there is any to check: it starts with the first client connection or
// pooled upstream connection and stops at the first sweep that finds neither (an idle worker is
// not woken 10 times a second; stopping there, not at each close, keeps a stream of short
// connections from restarting it per connection).
import type net from 'node:net';
import type { ServiceState } from '../service-state.js';
import { HttpConnection, type HttpAdmission, type HttpDeps, type HttpVServer, type TunnelTracker } from './connection.js';
import { UpstreamPool } from './upstream-pool.js';
import { LiveTable } from '../live-table.js';

export type { HttpAdmission, HttpVServer } from './connection.js';

/** How often the client-side timeouts (headersTimeoutMs, keepAliveTimeoutMs) are checked. */
const SWEEP_MS = 100;

export class HttpEngine {
  private readonly conns = new LiveTable<HttpConnection>();
  /** Connections whose first head was read here and that wait for their admission. */
  private readonly awaiting = new LiveTable<net.Socket, HttpConnection>();
  private readonly pools: UpstreamPool;
  private timer: NodeJS.Timeout | null = null;
  private draining = false;

  private readonly deps: HttpDeps;

  constructor(
    services: Pick<ServiceState, 'pick' | 'wait' | 'release'>,
    failed: (err: unknown, vserver: string | undefined, stage: string) => void,
    /** An admitted connection closed (after its own close handling): what its admission holds is given back. */
    closed: (socket: net.Socket, a: HttpAdmission) => void,
    /** Connection ids for PROXY v2 headers (the engine's connection table). */
    nextId?: () => string,
    /** Upgraded connections into the engine's connection table (maintenance drains them). */
    track?: TunnelTracker,
  ) {
    this.pools = new UpstreamPool(
      (err) => {
        failed(err, undefined, 'upstream');
      },
      nextId,
      this.startSweep,
    );
    this.deps = {
      services,
      track,
      pools: this.pools,
      draining: (): boolean => this.draining,
      failed,
      closed,
      forget: (c: HttpConnection): void => {
        this.conns.delete(c);
        this.awaiting.delete(c.socket);
      },
    };
  }

  /** Whether the sweep timer runs (a client connection or a pooled upstream connection is held, or was at the last sweep). */
  get sweeping(): boolean {
    return this.timer !== null;
  }

  private track(c: HttpConnection): void {
    this.conns.add(c);
    this.startSweep();
  }

  private readonly startSweep = (): void => {
    this.timer ??= setInterval(this.sweep, SWEEP_MS).unref();
  };

  private readonly sweep = (): void => {
    const now = Date.now();
    for (const c of this.conns) c.sweep(now);
    this.pools.sweep(now);
    if (this.conns.size === 0 && this.pools.empty) this.stopSweep();
  };

  private stopSweep(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Reads the first request head of a new connection of `root` (llhttp-checked, at most
   * MAX_HEAD_BYTES, within headersTimeoutMs): `done(bytes)` with every byte read once it is complete
   * (the socket then reads no more until serve), or `done(null)` when the connection was answered
   * (400, 405, 408, 431) and closed, or went away. Returns a cancel function (`done` is then not called).
   */
  readFirstHead(socket: net.Socket, root: HttpVServer, done: (head: Buffer | null) => void): () => void {
    const c = new HttpConnection(socket, root, this.deps, (head) => {
      if (head !== null) this.awaiting.set(socket, c);
      done(head);
    });
    this.track(c);
    c.readFirst();
    return () => c.cancelFirst();
  }

  /**
   * An admitted connection: served from its first request on. `root`: the vserver it connected to
   * (its client-side timeouts apply); `head`: the bytes read before admission, when the connection
   * was read by another engine (a hand-off).
   */
  serve(socket: net.Socket, a: HttpAdmission, root: HttpVServer, head: Buffer | null): void {
    let c = this.awaiting.get(socket);
    this.awaiting.delete(socket);
    if (!c) {
      c = new HttpConnection(socket, root, this.deps, null);
      this.track(c);
      if (!head || !c.adopt(head)) {
        // Its close still gives the admission back.
        c.refusedAfterAdmission(a);
        socket.destroy();
        return;
      }
    }
    c.admitted(a);
  }

  /** Shutdown: no new requests on kept-alive connections; those between requests close now. */
  closeIdle(): void {
    this.draining = true;
    for (const c of this.conns) c.closeIfIdle();
  }

  /** Closes the idle upstream connections and stops the timer. */
  close(): void {
    this.pools.close();
    this.stopSweep();
  }
}
