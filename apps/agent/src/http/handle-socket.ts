// An HTTP connection driven on libuv's TCP handle itself, without net.Socket: a client connection
// of an HTTP listener (acceptHandles), or an upstream connection to a service at an IP address
// (HandleSocket.connect). No Duplex stream state per connection, no Writable write path, no
// end/destroy chains. It keeps the part of net.Socket's surface the data plane and the HTTP engine
// use (write, cork, end, destroy, pause/resume, the 'data' 'end' 'finish' 'drain' 'close' events,
// the addresses), so the code after accept or connect is the same for both. Reads go through the
// shared read buffer (read-buffer.ts); writes to the handle's writeBuffer/writeLatin1String/
// writeUtf8String/writev, whose WriteWrap completes in JS only when the kernel did not take the
// bytes at once. Measured (bench/README.md, bench/cpu-per-request.ts --baseline): the agent with its
// client connections on these handles spends 0.60x the CPU per request of the agent on net.Socket
// with a new connection per request, 0.90x on keep-alive.
//
// An error on the handle (a failed connect, a negative read, a failed write or shutdown) is counted
// (handleErrors) and destroys the connection; an 'error' is emitted only to a socket that listens
// for it (an upstream connection, whose exchange reports it), never to one without a listener. A
// connection that must become a real net.Socket (a hand-off to another worker, a tunnel after an
// Upgrade) is given one on the same handle (toNetSocket). When Node's internals are not what this
// expects, `handles` is null: listeners accept net.Sockets and upstreams use net.connect as before.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import util from 'node:util';
import { deliverRead, readThroughShared, sharedReadBuffer } from './read-buffer.js';
import { emptyHandleErrors, type HandleErrorCounts } from '../stats.js';

interface Req {
  oncomplete: (this: Req, status: number) => void;
  owner: HandleSocket | null;
  bytes: number;
  buffer: unknown;
}
/** libuv's TCP handle as tcp_wrap exposes it (the methods used here). */
export interface TcpHandle {
  /** Must stay a function (the binding asserts it). */
  onread: (this: TcpHandle, ab: ArrayBuffer | undefined) => unknown;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buf: Uint8Array): void;
  writeBuffer(req: Req, data: Buffer): number;
  writeLatin1String(req: Req, data: string): number;
  writeUtf8String(req: Req, data: string): number;
  writev(req: Req, chunks: (Buffer | string)[], allBuffers: boolean): number;
  shutdown(req: Req): number;
  close(cb?: (this: TcpHandle) => void): void;
  /** Closes with a reset (SO_LINGER 0: RST, what the kernel holds unsent is dropped); non-zero: it could not, nothing was done. */
  reset(cb?: (this: TcpHandle) => void): number;
  setNoDelay(on: boolean): number;
  getsockname(out: { address?: string; port?: number }): number;
  getpeername(out: { address?: string; port?: number }): number;
  connect(req: Req, address: string, port: number): number;
  connect6(req: Req, address: string, port: number): number;
}
interface Internals {
  TCP: new (kind: number) => TcpHandle;
  TCPConnectWrap: new () => Req;
  SOCKET: number;
  WriteWrap: new () => Req;
  ShutdownWrap: new () => Req;
  state: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  kLastWriteWasAsync: number;
  UV_EOF: number;
}

/** The internals, checked once; null: accept net.Sockets. */
export const handles: Internals | null = ((): Internals | null => {
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    if (typeof binding !== 'function') return null;
    const tcp = binding.call(process, 'tcp_wrap') as { TCP?: unknown; TCPConnectWrap?: unknown; constants?: { SOCKET?: unknown } };
    const s = binding.call(process, 'stream_wrap') as Record<string, unknown>;
    const uv = binding.call(process, 'uv') as { UV_EOF?: unknown };
    const ints = [s.kReadBytesOrError, s.kArrayBufferOffset, s.kLastWriteWasAsync];
    const proto = typeof tcp.TCP === 'function' ? (tcp.TCP as { prototype: Record<string, unknown> }).prototype : null;
    const methods = [
      'readStart',
      'readStop',
      'useUserBuffer',
      'writeBuffer',
      'writeLatin1String',
      'writeUtf8String',
      'writev',
      'shutdown',
      'close',
      'setNoDelay',
      'getpeername',
    ];
    if (
      !proto ||
      !methods.every((m) => typeof proto[m] === 'function') ||
      typeof s.WriteWrap !== 'function' ||
      typeof tcp.TCPConnectWrap !== 'function' ||
      typeof tcp.constants?.SOCKET !== 'number' ||
      typeof s.ShutdownWrap !== 'function' ||
      !(s.streamBaseState instanceof Int32Array) ||
      !ints.every((x) => typeof x === 'number') ||
      typeof uv.UV_EOF !== 'number'
    )
      return null;
    return {
      TCP: tcp.TCP as Internals['TCP'],
      TCPConnectWrap: tcp.TCPConnectWrap as Internals['TCPConnectWrap'],
      SOCKET: tcp.constants.SOCKET,
      WriteWrap: s.WriteWrap as Internals['WriteWrap'],
      ShutdownWrap: s.ShutdownWrap as Internals['ShutdownWrap'],
      state: s.streamBaseState,
      kReadBytesOrError: ints[0] as number,
      kArrayBufferOffset: ints[1] as number,
      kLastWriteWasAsync: ints[2] as number,
      UV_EOF: uv.UV_EOF,
    };
  } catch {
    return null;
  }
})();

/** Errors met on client handles, by kind: each closed its connection. */
export const handleErrors: HandleErrorCounts = emptyHandleErrors();

/** What write() holds before it answers false (net.Socket's default high-water mark). */
const HIGH_WATER = 16 * 1024;

const kOwner = Symbol('spillway.handleSocket');
type Owned = TcpHandle & { [kOwner]?: HandleSocket };

/** A WriteWrap whose last write completed synchronously: no native request was made on it, it is used again. */
let spare: Req | null = null;

function takeReq(owner: HandleSocket): Req {
  const r = spare ?? new handles!.WriteWrap();
  spare = null;
  r.oncomplete = afterWrite;
  r.owner = owner;
  return r;
}

function afterWrite(this: Req, status: number): void {
  const s = this.owner;
  this.owner = null;
  this.buffer = null;
  s?.written(this.bytes, status);
}

function afterShutdown(this: Req, status: number): void {
  const s = this.owner;
  this.owner = null;
  s?.shutdownDone(status);
}

function onHandleRead(this: Owned, ab: ArrayBuffer | undefined): undefined {
  this[kOwner]?.onRead(ab);
  return undefined;
}

function afterConnect(this: Req, status: number): void {
  const s = this.owner;
  this.owner = null;
  s?.connected(status);
}

/** In the tick after a failure: the 'error' for a socket that listens by then (one given to its exchange right after connect returned). */
function emitFailure(s: HandleSocket, kind: string, code: number): void {
  if (s.listenerCount('error') === 0) return;
  s.emit('error', Object.assign(new Error(`${kind} ${errorName(code)}`), { code: errorName(code), errno: code, syscall: kind }));
}

/** A shutdown that finds the peer already gone (it reset or closed): the connection ends, no error of ours to count. */
const PEER_GONE = new Set([-os.constants.errno.ENOTCONN, -os.constants.errno.EPIPE, -os.constants.errno.ECONNRESET]);

function errorName(code: number): string {
  try {
    return util.getSystemErrorName(code);
  } catch {
    return `E${-code}`;
  }
}

function emitDrain(s: HandleSocket): void {
  s.drainTick();
}

function ignoreRead(): undefined {
  return undefined;
}

function onHandleClose(this: Owned): void {
  const s = this[kOwner];
  this[kOwner] = undefined;
  s?.emit('close', false);
}

/**
 * What getpeername fills in, made once with the fields it sets: the binding sets them from C++, which
 * costs 3.4 µs on a new `{}` and 1.8 µs on this one (measured here, 20,000 accepted connections).
 */
const PEER: { address: string; family: string; port: number } = { address: '', family: '', port: 0 };

type Part = Buffer | string;
type Enc = 'buffer' | 'latin1' | 'utf8';

/**
 * Where a HandleSocket's listeners live (EventEmitter's `_events`), one field per event it emits or
 * is listened to for, made before EventEmitter's init runs, which then keeps it in "shape mode" as
 * it does for Node's own streams (a removed listener leaves its field undefined). EventEmitter's own
 * `{ __proto__: null }` is a dictionary-mode object: a 248-byte hash table per connection, held
 * as long as the connection (heap snapshot of a worker with 2,000 idle keep-alive connections).
 * No prototype: an event name never finds an inherited property.
 */
class Listeners {
  data = undefined;
  end = undefined;
  close = undefined;
  error = undefined;
  finish = undefined;
  drain = undefined;
}
Object.setPrototypeOf(Listeners.prototype, null);
Reflect.deleteProperty(Listeners.prototype, 'constructor');

const initEmitter = EventEmitter as unknown as (this: unknown) => void;

// A HandleSocket is an EventEmitter (its prototype's), initialized by EventEmitter's constructor
// called as a function after `_events` is set: a class that extends EventEmitter cannot set
// anything before super() makes the dictionary.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface HandleSocket extends EventEmitter {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class HandleSocket {
  /** EventEmitter's listeners (Listeners); the first field, set before EventEmitter's init sees it. */
  private _events = new Listeners();
  destroyed = false;
  writable = true;
  allowHalfOpen = false;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  private handle: Owned | null;
  /** Reading into the shared buffer (else each read comes as an ArrayBuffer of its own). */
  private readonly shared: boolean;
  private reading = false;
  private readEnded = false;
  private ending = false;
  private finished = false;
  private noDelay: boolean;
  private corked = 0;
  /** What a corked socket holds, and each part's encoding (null: nothing held; made at the first write held). */
  private held: Part[] | null = null;
  private heldEnc: Enc[] | null = null;
  private heldBytes = 0;
  /** Bytes of writes the kernel did not take at once (in libuv's queue). */
  private queued = 0;
  private needDrain = false;
  /** The net.Socket the handle was given to (toNetSocket): this object stands for it from then on. */
  private net: net.Socket | null = null;
  private local: { address?: string; port?: number } | null = null;

  /** `noDelay`: the handle has TCP_NODELAY already (from its listener, nodelay.ts). */
  constructor(handle: TcpHandle, noDelay: boolean) {
    initEmitter.call(this);
    const h = handle as Owned;
    this.handle = h;
    h[kOwner] = this;
    this.noDelay = noDelay;
    this.readPeer();
    const buf = sharedReadBuffer();
    this.shared = buf !== null;
    if (buf !== null) h.useUserBuffer(buf);
    h.onread = onHandleRead;
  }

  /** The peer's address and port, from the kernel (getpeername), into the one object made for it. */
  private readPeer(): void {
    const peer = PEER;
    if (this.handle?.getpeername(peer) !== 0) return;
    this.remoteAddress = peer.address;
    this.remotePort = peer.port;
  }

  get localAddress(): string | undefined {
    return this.sockname().address;
  }

  get localPort(): number | undefined {
    return this.sockname().port;
  }

  private sockname(): { address?: string; port?: number } {
    if (this.local === null) {
      const out: { address?: string; port?: number } = {};
      if (this.handle?.getsockname(out) === 0) this.local = out;
      else return out;
    }
    return this.local;
  }

  /** Connecting (connect() called, not yet completed), as net.Socket's `connecting`. */
  get connecting(): boolean {
    return this.pendingConnect;
  }

  get writableLength(): number {
    return this.queued + this.heldBytes;
  }

  setNoDelay(on = true): this {
    if (this.handle && on !== this.noDelay) {
      this.noDelay = on;
      this.handle.setNoDelay(on);
    }
    return this;
  }

  // ---- reads ----

  pause(): this {
    if (this.net) {
      this.net.pause();
      return this;
    }
    if (this.reading && this.handle) {
      this.reading = false;
      this.handle.readStop();
    }
    return this;
  }

  resume(): this {
    if (this.net) {
      this.net.resume();
      return this;
    }
    if (!this.reading && !this.readEnded && !this.destroyed && this.handle) {
      const err = this.pendingConnect ? 0 : this.handle.readStart();
      if (err !== 0) {
        this.failed('read', err);
        return this;
      }
      this.reading = true;
    }
    return this;
  }

  /** handle.onread: the byte count (or UV_EOF, or an error) is in streamBaseState. */
  onRead(ab: ArrayBuffer | undefined): void {
    if (this.destroyed) return;
    const h = handles!;
    const n = h.state[h.kReadBytesOrError]!;
    if (n > 0) {
      const view = this.shared ? sharedReadBuffer()!.subarray(0, n) : Buffer.from(ab!, h.state[h.kArrayBufferOffset], n);
      deliverRead(this as unknown as net.Socket, view, !this.shared);
      return;
    }
    if (n === 0) return;
    this.reading = false;
    if (n !== h.UV_EOF) {
      this.failed('read', n);
      return;
    }
    this.readEnded = true;
    this.emit('end');
    if (this.destroyed) return;
    // Both ways done: closed (end() would do nothing more once this side's end has finished).
    if (this.finished) this.destroy();
    else if (!this.allowHalfOpen) this.end();
  }

  // ---- writes ----

  cork(): void {
    if (this.net) this.net.cork();
    else this.corked++;
  }

  uncork(): void {
    if (this.net) this.net.uncork();
    if (this.corked === 0) return;
    if (--this.corked === 0) this.flushHeld();
  }

  /** Writes `chunk` (a string in `encoding`, utf8 by default); false: more than the high-water mark waits (then 'drain'). */
  write(chunk: Buffer | string, encoding?: BufferEncoding): boolean {
    if (this.net) return this.net.write(chunk, encoding);
    if (!this.writable || this.handle === null) return false;
    let part: Part = chunk;
    let enc: Enc = 'buffer';
    if (typeof chunk === 'string') {
      if (encoding === 'latin1' || encoding === 'binary') enc = 'latin1';
      else if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') enc = 'utf8';
      else part = Buffer.from(chunk, encoding);
    }
    if (this.corked > 0) {
      (this.held ??= []).push(part);
      (this.heldEnc ??= []).push(enc);
      this.heldBytes += enc === 'buffer' ? (part as Buffer).length : enc === 'latin1' ? part.length : Buffer.byteLength(part, 'utf8');
    } else this.send1(part, enc);
    if (this.writableLength < HIGH_WATER) return true;
    this.needDrain = true;
    return false;
  }

  private flushHeld(): void {
    const parts = this.held;
    const encs = this.heldEnc;
    if (parts === null || encs === null) return;
    const n = parts.length;
    /** write() counted each part's bytes as it was held. */
    const bytes = this.heldBytes;
    this.held = null;
    this.heldEnc = null;
    this.heldBytes = 0;
    if (this.handle === null || this.destroyed) return;
    if (n === 1) {
      this.send1(parts[0]!, encs[0]!);
      return;
    }
    const all = encs.every((e) => e === 'buffer');
    let chunks: Part[] = parts;
    if (!all) {
      chunks = new Array<Part>(n * 2);
      for (let i = 0; i < n; i++) {
        chunks[i * 2] = parts[i]!;
        chunks[i * 2 + 1] = encs[i]!;
      }
    }
    const r = takeReq(this);
    this.dispatched(r, this.handle.writev(r, chunks, all), chunks, bytes);
  }

  private send1(part: Part, enc: Enc): void {
    const h = this.handle!;
    const r = takeReq(this);
    if (enc === 'buffer') this.dispatched(r, h.writeBuffer(r, part as Buffer), part, (part as Buffer).length);
    else if (enc === 'latin1') this.dispatched(r, h.writeLatin1String(r, part as string), null, part.length);
    else this.dispatched(r, h.writeUtf8String(r, part as string), null, Buffer.byteLength(part, 'utf8'));
  }

  /** After a write was handed to the handle: an async one holds its bytes until it completes. */
  private dispatched(r: Req, err: number, keep: unknown, bytes: number): void {
    const h = handles!;
    if (err === 0 && h.state[h.kLastWriteWasAsync] !== 0) {
      r.buffer = keep;
      r.bytes = bytes;
      this.queued += bytes;
      return;
    }
    r.owner = null;
    spare = r;
    if (err !== 0) {
      this.failed('write', err);
      return;
    }
    this.maybeDrain();
  }

  /** 'drain' after a write() that answered false, once what waits is below the mark: in a tick of its own, as net emits it (never inside the write that caused it). */
  private maybeDrain(): void {
    if (this.needDrain && !this.drainScheduled && this.writableLength < HIGH_WATER) {
      this.drainScheduled = true;
      process.nextTick(emitDrain, this);
    }
  }

  private drainScheduled = false;

  /** The tick of a scheduled 'drain'. */
  drainTick(): void {
    this.drainScheduled = false;
    if (this.destroyed || !this.needDrain || this.writableLength >= HIGH_WATER) return;
    this.needDrain = false;
    this.emit('drain');
  }

  /** An async write completed. */
  written(bytes: number, status: number): void {
    this.queued -= bytes;
    if (this.destroyed) return;
    if (status < 0) {
      this.failed('write', status);
      return;
    }
    this.maybeDrain();
  }

  /** Ends the write side after what was written (FIN); 'finish' once it is sent. */
  end(): this {
    if (this.net) {
      this.net.end();
      return this;
    }
    if (this.ending || this.destroyed || this.handle === null) return this;
    this.ending = true;
    if (this.corked > 0) {
      this.corked = 0;
      this.flushHeld();
    }
    this.writable = false;
    if (this.destroyed) return this;
    const r = new handles!.ShutdownWrap();
    r.oncomplete = afterShutdown;
    r.owner = this;
    const err = this.handle.shutdown(r);
    // 1: done synchronously (as net reads it); ENOTCONN: the peer is gone, nothing to shut.
    if (err === 1) this.shutdownDone(0);
    else if (err !== 0) {
      r.owner = null;
      this.shutdownDone(err);
    }
    return this;
  }

  /**
   * Writes what is held and, when the kernel took all of it, closes the handle at once: close(2)
   * sends those bytes and then the FIN, as end() and a destroy at its 'finish' would, without the
   * shutdown's round through libuv (a request, a callback, 'finish'). False, nothing closed, when
   * part of it waits in libuv's queue (the caller ends the socket and waits for 'finish'), or the
   * handle belongs to a net.Socket now. Only for a connection whose peer sends nothing more: a
   * close with unread bytes resets it.
   */
  closeWhenWritten(): boolean {
    if (this.net || this.ending || this.destroyed || this.handle === null) return false;
    if (this.corked > 0) {
      this.corked = 0;
      this.flushHeld();
    }
    if (this.destroyed || this.queued > 0) return false;
    this.finished = true;
    this.destroy();
    return true;
  }

  shutdownDone(status: number): void {
    if (this.destroyed) return;
    if (status < 0) {
      if (PEER_GONE.has(status)) this.destroy();
      else this.failed('shutdown', status);
      return;
    }
    this.finished = true;
    this.emit('finish');
    if (this.readEnded && !this.destroyed) this.destroy();
  }

  /**
   * An error on the handle: counted, the connection destroyed. An 'error' listener (an upstream
   * connection's) hears of it in a tick of its own, before 'close', as from net, also when it was
   * added after the failure in the same turn (a connect refused inside connect(), whose caller
   * listens once it returns); without one nothing is emitted.
   */
  private failed(kind: 'connect' | 'read' | 'write' | 'shutdown', code: number): void {
    handleErrors[kind]++;
    this.destroy();
    process.nextTick(emitFailure, this, kind, code);
  }

  /** Connecting (connect): reads start, and writes leave libuv's queue, once it is connected. */
  private pendingConnect = false;

  /**
   * A connection to `host` (an IP address) : `port` on a handle of its own, TCP_NODELAY set,
   * reading once connected; null when `host` is not an IP address or the internals are missing
   * (the caller uses net.connect). Writes made before the connect completes wait in libuv's queue.
   */
  static connect(host: string, port: number): HandleSocket | null {
    const h = handles;
    const family = net.isIP(host);
    if (h === null || family === 0) return null;
    const handle = new h.TCP(h.SOCKET);
    const s = new HandleSocket(handle, false);
    s.setNoDelay(true);
    s.pendingConnect = true;
    s.reading = true;
    const req = new h.TCPConnectWrap();
    req.owner = s;
    req.oncomplete = afterConnect;
    const err = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
    if (err !== 0) s.connected(err);
    return s;
  }

  /** The connect completed (status < 0: it failed). */
  connected(status: number): void {
    this.pendingConnect = false;
    if (this.destroyed) return;
    if (status < 0) {
      this.failed('connect', status);
      return;
    }
    this.readPeer();
    if (this.reading && this.handle) {
      const err = this.handle.readStart();
      if (err !== 0) this.failed('read', err);
    }
  }

  /** Closes the handle now (what is held is dropped); 'close' follows once it is closed. */
  destroy(): this {
    return this.close(false);
  }

  /**
   * Closes the connection with a reset (RST): what the kernel still holds for the peer is dropped
   * and the socket's memory freed at once, not kept behind a FIN for a peer that reads nothing
   * (HAProxy aborts such a client the same way). 'close' follows, as for destroy().
   */
  resetAndDestroy(): this {
    return this.close(true);
  }

  private close(reset: boolean): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.writable = false;
    this.reading = false;
    this.held = null;
    this.heldEnc = null;
    this.heldBytes = 0;
    if (this.net) {
      if (reset) this.net.resetAndDestroy();
      else this.net.destroy();
      return this;
    }
    const h = this.handle;
    if (h === null) return this;
    h.onread = ignoreRead;
    if (!reset || h.reset(onHandleClose) !== 0) h.close(onHandleClose);
    return this;
  }

  /**
   * The handle given to a net.Socket (paused, reading through the shared buffer as the engine's
   * sockets do), for what needs a real one: a hand-off over IPC, a tunnel's pipes. What this
   * object holds is written first; from then on this object's methods act on the net.Socket and
   * the net.Socket's 'close' is this object's.
   */
  toNetSocket(): net.Socket {
    if (this.net) return this.net;
    // Destroyed, its handle is closing (its 'close' is this object's): a net.Socket on it would never close.
    if (this.destroyed) return new net.Socket().destroy();
    if (this.corked > 0) {
      this.corked = 0;
      this.flushHeld();
    }
    const h = this.handle!;
    h[kOwner] = undefined;
    this.reading = false;
    h.readStop();
    const s = new net.Socket({
      handle: h,
      readable: true,
      writable: true,
      pauseOnCreate: true,
      allowHalfOpen: this.allowHalfOpen,
    } as net.SocketConstructorOpts);
    this.net = s;
    if (this.shared) readThroughShared(s);
    if (this.noDelay) s.setNoDelay(true);
    // Its errors reach this object's 'error' listeners (the plane's, the connection's), if any: a
    // net.Socket's 'error' with no listener is thrown (a client's reset in a tunnel crashed the worker).
    s.on('error', (err: Error) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    s.once('close', () => {
      this.destroyed = true;
      this.writable = false;
      this.emit('close', false);
    });
    return s;
  }
}

Object.setPrototypeOf(HandleSocket.prototype, EventEmitter.prototype);

/** A socket an HTTP listener accepted: a HandleSocket, or a net.Socket (net accepted it). */
export function isHandleSocket(s: unknown): s is HandleSocket {
  return s instanceof HandleSocket;
}

/** `s` as a net.Socket: a HandleSocket gives its handle to one (HandleSocket.toNetSocket). */
export function asNetSocket(s: net.Socket): net.Socket {
  return isHandleSocket(s) ? s.toNetSocket() : s;
}

interface ListenHandle {
  onconnection?: unknown;
}

/**
 * Takes the accepted handles of `server` (listening) before net wraps them: each goes to `accept`.
 * The listening handle's onconnection is the one place both cluster scheduling policies deliver a
 * connection to (a worker that accepts itself; under 'rr' the cluster child calls it with the
 * handle the primary sent). False: the internals are missing, net.Sockets come as before. A
 * failed accept (EMFILE...) is counted and dropped (net would emit it as the server's 'error').
 */
export function acceptHandles(server: net.Server, accept: (handle: TcpHandle) => void): boolean {
  const h = handles;
  const listen = (server as unknown as { _handle?: ListenHandle | null })._handle;
  if (h === null || !listen || typeof listen.onconnection !== 'function') return false;
  const netAccept = listen.onconnection as (this: unknown, err: number, client: unknown) => void;
  listen.onconnection = function onconnection(this: unknown, err: number, client: unknown): void {
    if (err !== 0 || client === undefined) {
      handleErrors.accept++;
      if (client instanceof h.TCP) client.close();
      return;
    }
    if (client instanceof h.TCP) accept(client);
    else netAccept.call(this, err, client);
  };
  return true;
}
