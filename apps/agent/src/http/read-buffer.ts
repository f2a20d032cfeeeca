// Client sockets read into one buffer shared by every connection of this process, the way net's
// `onread` option reads a socket it connects (upstream-pool.ts uses that option). A socket net
// accepted cannot be given the option, so the same three fields of net.Socket are set on it
// (found by name on a socket made with the option) and its handle told to read into the buffer.
// Each read is then handed to the socket's 'data' listeners as a small copy (from Buffer's pool)
// instead of net allocating 64 KiB per read, shrinking it, and running Readable's push, 'data'
// emit and a tick per read. A socket given a view reader (readViews) hands each read to it as a
// view of the shared buffer instead, with no copy and no emit: the reader must be done with the
// bytes when it returns (copy what it keeps), as the next read of any socket overwrites them.
// pause() and resume() stop and start the handle's reads, as they do for any `onread` socket; the
// end of the stream is net's own. When the fields are not found (a
// Node whose net differs), sockets read as before.
import net from 'node:net';

const SHARED = Buffer.allocUnsafe(64 * 1024);
const shared = (): Buffer => SHARED;

type Sym = symbol | undefined;
const [kBuffer, kBufferCb, kBufferGen] = ((): [Sym, Sym, Sym] => {
  // net.Socket takes `onread` as net.connect does (its types list it for connect only).
  const probe = new net.Socket({ onread: { buffer: shared, callback: () => true } } as net.SocketConstructorOpts);
  const syms = Object.getOwnPropertySymbols(probe);
  const find = (d: string): Sym => syms.find((s) => s.description === d);
  const found: [Sym, Sym, Sym] = [find('kBuffer'), find('kBufferCb'), find('kBufferGen')];
  probe.destroy();
  // The probe's fields must be what net's onread sets: the buffer generator and the callback.
  const p = probe as unknown as Record<symbol, unknown>;
  return found.every((s) => s !== undefined) && p[found[2]!] === shared ? found : [undefined, undefined, undefined];
})();

/** Called with each read as a view of the shared buffer, valid until it returns. */
export type ViewReader = (this: net.Socket, view: Buffer) => void;
const kViewReader = Symbol('spillway.viewReader');
type Viewed = net.Socket & { [kViewReader]?: ViewReader | null };

function onRead(this: Viewed, n: number, buf: Buffer): boolean {
  deliverRead(this, buf.subarray(0, n), false);
  return true;
}

/**
 * Hands a read to `socket`'s view reader, or to its 'data' listeners (as a copy unless `owned`:
 * the bytes are the socket's own, not the shared buffer's). Sockets on raw handles
 * (handle-socket.ts) read the same way.
 */
export function deliverRead(socket: net.Socket, view: Buffer, owned: boolean): void {
  const reader = (socket as Viewed)[kViewReader];
  if (reader) reader.call(socket, view);
  else socket.emit('data', owned ? view : Buffer.from(view));
}

/** The shared read buffer, or null when net's fields were not found (then a net.Socket made on a handle could not read through it). */
export function sharedReadBuffer(): Buffer | null {
  return kBuffer === undefined ? null : SHARED;
}

/**
 * Hands the reads of `socket` (made to read through the shared buffer) to `reader` as views, or
 * (null) to its 'data' listeners as copies again. A socket reading as before is not changed.
 */
export function readViews(socket: net.Socket, reader: ViewReader | null): void {
  (socket as Viewed)[kViewReader] = reader;
}

interface UserBufferHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
}

/** Makes `socket` (accepted by net, not yet reading) read through the shared buffer; false: it reads as before. */
export function readThroughShared(socket: net.Socket): boolean {
  const handle = (socket as net.Socket & { _handle?: UserBufferHandle | null })._handle;
  if (kBuffer === undefined || kBufferCb === undefined || kBufferGen === undefined || typeof handle?.useUserBuffer !== 'function') return false;
  const s = socket as unknown as Record<symbol, unknown>;
  s[kBuffer] = SHARED;
  s[kBufferCb] = onRead;
  s[kBufferGen] = shared;
  handle.useUserBuffer(SHARED);
  return true;
}
