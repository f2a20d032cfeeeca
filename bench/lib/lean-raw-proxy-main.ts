// The lean HTTP/1.1 reverse proxy of lean-proxy-main.ts, doing the same job (the same head scan of
// lean-head.ts, X-Forwarded-For, pooled keep-alive upstreams, Content-Length framing, no validation: a measuring
// stick only) on libuv's TCP handles themselves (`process.binding('tcp_wrap')`), with no
// net.Socket, no streams and no events: what JavaScript costs per request when Node's net layer is
// taken out. Reads arrive in `handle.onread`; writes go to `writeBuffer`/`writeLatin1String`, whose
// WriteWrap completes in JS only when the kernel did not take the bytes at once. An error on a
// handle (a negative read, a failed write, connect or shutdown) closes its connection and is
// counted. `node lean-raw-proxy-main.ts <backendPort>` prints {"ready":true,"port":N}.
import { bodyLeft, forwardedHead, HeadScan, ResponseRelay } from './lean-head.js';

interface Req {
  oncomplete: (status: number) => void;
  handle?: Handle;
  buffer?: Buffer | null;
}
interface Handle {
  /** Must stay a function (the binding asserts it). */
  onread: (this: Handle, ab: ArrayBuffer | undefined) => void;
  onconnection?: (err: number, client: Handle | undefined) => void;
  readStart(): number;
  readStop(): number;
  writeBuffer(req: Req, data: Buffer): number;
  writeLatin1String(req: Req, data: string): number;
  shutdown(req: Req): number;
  close(cb?: () => void): void;
  setNoDelay(on: boolean): number;
  bind(address: string, port: number): number;
  listen(backlog: number): number;
  connect(req: Req, address: string, port: number): number;
  getsockname(out: { port?: number }): number;
  getpeername(out: { address?: string }): number;
}
interface Bindings {
  tcp: { TCP: new (kind: number) => Handle; TCPConnectWrap: new () => Req; constants: { SOCKET: number; SERVER: number } };
  stream: {
    WriteWrap: new () => Req;
    ShutdownWrap: new () => Req;
    streamBaseState: Int32Array;
    kReadBytesOrError: number;
    kArrayBufferOffset: number;
    kLastWriteWasAsync: number;
  };
}

const proc = process as unknown as { binding(name: string): unknown };
const b: Bindings = { tcp: proc.binding('tcp_wrap') as Bindings['tcp'], stream: proc.binding('stream_wrap') as Bindings['stream'] };
const { UV_EOF } = proc.binding('uv') as { UV_EOF: number };
const { TCP, TCPConnectWrap, constants } = b.tcp;
const { WriteWrap, ShutdownWrap, streamBaseState: state, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = b.stream;

const backendPort = Number(process.argv[2]);
const idle: Upstream[] = [];
/** Errors met on handles (negative reads, failed writes, connects, shutdowns); none ends the process. */
const errors = { read: 0, write: 0, connect: 0, shutdown: 0, accept: 0 };

/** One TCP handle: reads to `onData`, writes kept alive until the kernel has them, one close. */
abstract class Conn {
  closed = false;
  /** The WriteWrap the next write uses: one that completed synchronously is used again. */
  private req: Req | null = null;

  constructor(readonly handle: Handle) {
    (handle as Handle & { owner?: Conn }).owner = this;
    handle.onread = onRead;
  }

  abstract onData(chunk: Buffer): void;
  abstract onEnd(): void;

  private nextReq(): Req {
    const r = this.req ?? new WriteWrap();
    this.req = null;
    r.handle = this.handle;
    r.oncomplete = this.afterWrite;
    return r;
  }

  /** Writes bytes; false when the write failed (the connection is closed then). */
  write(data: Buffer): boolean {
    if (this.closed) return false;
    const r = this.nextReq();
    const err = this.handle.writeBuffer(r, data);
    return this.afterDispatch(r, err, data);
  }

  writeLatin1(data: string): boolean {
    if (this.closed) return false;
    const r = this.nextReq();
    const err = this.handle.writeLatin1String(r, data);
    return this.afterDispatch(r, err, null);
  }

  private afterDispatch(r: Req, err: number, data: Buffer | null): boolean {
    if (err !== 0) {
      errors.write++;
      this.req = r;
      this.close();
      return false;
    }
    // Async: libuv holds the request until oncomplete, and the bytes must stay alive until then.
    if (state[kLastWriteWasAsync]) r.buffer = data;
    else this.req = r;
    return true;
  }

  private readonly afterWrite = (status: number): void => {
    if (status < 0 && !this.closed) {
      errors.write++;
      this.close();
    }
  };

  /** Sends FIN after what was written (the handle closes once the peer's EOF is read). */
  end(): void {
    if (this.closed) return;
    const r = new ShutdownWrap();
    r.handle = this.handle;
    r.oncomplete = (status) => {
      if (status < 0 && !this.closed) {
        errors.shutdown++;
        this.close();
      }
    };
    const err = this.handle.shutdown(r);
    if (err !== 0 && err !== 1) {
      errors.shutdown++;
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.onread = ignoreRead;
    this.handle.close();
    this.onEnd();
  }
}

function ignoreRead(): void {
  /* a closed connection's late reads */
}

/** handle.onread: `this` is the handle; the byte count (or a negative error, UV_EOF) is in streamBaseState. */
function onRead(this: Handle, ab: ArrayBuffer | undefined): void {
  const c = (this as Handle & { owner?: Conn }).owner;
  if (!c || c.closed) return;
  const n = state[kReadBytesOrError]!;
  if (n > 0 && ab) {
    c.onData(Buffer.from(ab, state[kArrayBufferOffset], n));
    return;
  }
  if (n === 0) return;
  if (n !== UV_EOF) errors.read++;
  c.close();
}

class Upstream extends Conn {
  client: Client | null = null;
  private readonly relay = new ResponseRelay();

  constructor() {
    super(new TCP(constants.SOCKET));
    this.handle.setNoDelay(true);
    const req = new TCPConnectWrap();
    req.oncomplete = (status) => {
      if (this.closed) return;
      if (status < 0 || this.handle.readStart() !== 0) {
        errors.connect++;
        this.close();
      }
    };
    // Writes made before the connect completes wait in libuv's queue.
    if (this.handle.connect(req, '127.0.0.1', backendPort) !== 0) {
      errors.connect++;
      this.close();
    }
  }

  onData(chunk: Buffer): void {
    const c = this.client;
    if (!c) return;
    const out = this.relay.take(chunk, c.closing);
    if (!out) return;
    c.write(out);
    if (this.relay.ended()) {
      this.client = null;
      idle.push(this);
      c.done();
    }
  }

  onEnd(): void {
    const i = idle.indexOf(this);
    if (i >= 0) idle.splice(i, 1);
    this.client?.close();
  }
}

class Client extends Conn {
  private readonly scan = new HeadScan();
  private up: Upstream | null = null;
  private bodyLeft = 0;
  /** The client asked to close: its answer says so, then the connection ends. */
  closing = false;
  private readonly remote: string;

  constructor(handle: Handle) {
    super(handle);
    handle.setNoDelay(true);
    const peer: { address?: string } = {};
    this.remote = handle.getpeername(peer) === 0 ? (peer.address ?? '') : '';
    if (handle.readStart() !== 0) {
      errors.read++;
      this.close();
    }
  }

  onData(chunk: Buffer): void {
    if (this.bodyLeft > 0 && this.up) {
      this.bodyLeft -= chunk.length;
      this.up.write(chunk);
      return;
    }
    const h = this.scan.take(chunk);
    if (!h) return;
    const { buf, end } = h;
    const head = buf.toString('latin1', 0, end + 2);
    const fwd = forwardedHead(head, this.remote);
    this.closing = fwd.close;
    this.bodyLeft = bodyLeft(buf, end, head);
    let up = idle.pop();
    while (up?.closed) up = idle.pop();
    up ??= new Upstream();
    this.up = up;
    up.client = this;
    up.writeLatin1(fwd.out);
    if (buf.length > end + 4) up.write(buf.subarray(end + 4));
  }

  done(): void {
    this.up = null;
    if (this.closing) this.end();
  }

  onEnd(): void {
    this.up?.close();
  }
}

const server = new TCP(constants.SERVER);
server.onconnection = (err, handle) => {
  if (err !== 0 || !handle) {
    errors.accept++;
    return;
  }
  new Client(handle);
};
const port: { port?: number } = {};
if (server.bind('127.0.0.1', 0) !== 0 || server.listen(511) !== 0 || server.getsockname(port) !== 0) {
  process.stderr.write('lean raw proxy: cannot listen\n');
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ ready: true, port: port.port })}\n`);
process.on('SIGTERM', () => {
  process.stderr.write(`${JSON.stringify({ errors })}\n`);
  process.exit(0);
});
