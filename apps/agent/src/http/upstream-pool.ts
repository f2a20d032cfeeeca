// Upstream connections: one pool of keep-alive sockets per service address, each with its llhttp
// response parser. A connection carries one request at a time (no pipelining upstream, as
// HAProxy); idle ones are reused last-in first-out and closed after IDLE_MS.
import net from 'node:net';
import { connectionIdPrefix } from '../migration/table.js';
import { upstreamProxyHeader } from '../proxy-header.js';
import { Batch } from './batch.js';
import { HandleSocket } from './handle-socket.js';
import { readViews } from './read-buffer.js';
import { Parser, READ_BODY_RAW, type ParserEvents } from './parser.js';
import { readSimpleResponse, SimpleHead } from './simple-head.js';
import { LiveTable } from '../live-table.js';

/** An idle upstream connection is closed after this long (undici's keep-alive default). */
export const IDLE_MS = 4_000;
/** Most bytes of a response head read from a service. */
const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

/**
 * What every upstream connection of this process reads into (net's `onread`): a read is parsed
 * and relayed before the callback returns, and nothing keeps a view of it (llhttp's binding hands
 * body pieces over as copies; the bytes after a 101 are copied), so one buffer serves them all.
 * No Buffer is allocated per read, and no stream machinery runs (push, 'data', a tick per read).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** The head readSimpleResponse fills (one per process: the forward takes what it keeps of it). */
const SIMPLE = new SimpleHead();
const readBuffer = (): Buffer => READ_BUFFER;

/** What an upstream connection reports to the exchange it carries. */
export interface UpstreamSink extends ParserEvents {
  /** The service answered 101 and the connection is a tunnel from now on: `rest` is what followed the head. */
  onUpgrade(rest: Buffer): void;
  /**
   * The connection failed or closed before the response was complete; `timeout`: no byte within
   * timeoutMs. `connectFailed`: it never connected (refused, unreachable, no handshake within timeoutMs).
   */
  onUpstreamFailed(reason: 'error' | 'closed' | 'timeout' | 'parse', detail: string, connectFailed?: boolean): void;
  /** A read from the service was parsed: what it produced for the client leaves now, in one write. */
  flush(): void;
  /** Body bytes of a response whose head asked for READ_BODY_RAW, as read (a view of the shared read buffer, valid until the caller returns). */
  onRawBody(bytes: Buffer): void;
  /** The last byte of a body read raw arrived (the message is complete). */
  onRawComplete(): void;
}

export class UpstreamConn {
  readonly socket: net.Socket;
  readonly parser: Parser;
  /** What is sent to the service next (a request head with its body), written in one go. */
  readonly out = new Batch();
  sink: UpstreamSink | null = null;
  /** Requests this connection carried before the current one (a reused connection may have been closed by the service meanwhile). */
  uses = 0;
  idleSince = 0;
  private timeoutMs = 0;
  private dead = false;
  /**
   * The request's deadlines, checked by the engine's sweep (no timer per request, and no socket
   * timer refreshed on every read and write): its response head within timeoutMs of sending it (a
   * service trickling its head is cut too), and no more than timeoutMs without a byte either way.
   */
  private sentAt = 0;
  private lastIo = 0;
  private awaitingHead = false;
  private upgraded = false;
  /**
   * Body bytes of the current response still to come, read past llhttp (READ_BODY_RAW: a body
   * framed by Content-Length, relayed as read, without llhttp's copy and callback per piece).
   */
  private rawLeft = 0;
  /** The body counted by rawLeft goes to onBody as copies, then onComplete (a simple head's body the forward did not ask raw). */
  private rawAsBody = false;
  /** The parser's events (the sink's, with this connection's own bookkeeping of the head). */
  private readonly events: ParserEvents;

  constructor(
    readonly pool: UpstreamPool,
    readonly key: string,
    host: string,
    port: number,
    proxyHeader?: Buffer,
  ) {
    // On a handle of its own (handle-socket.ts), read as views of the shared read buffer; on net when the host is a name.
    const raw = HandleSocket.connect(host, port);
    if (raw) readViews(raw as unknown as net.Socket, this.onView);
    this.socket = raw ? (raw as unknown as net.Socket) : net.connect({ host, port, noDelay: true, onread: { buffer: readBuffer, callback: this.onRead } });
    this.events = {
      onBegin: () => this.sink?.onBegin(),
      onHead: (p) => {
        if (p.status >= 200 || p.status === 101) this.awaitingHead = false;
        if (p.status === 101 && p.upgrade) this.upgraded = true;
        return this.sink ? this.sink.onHead(p) : 0;
      },
      onBody: (chunk) => this.sink?.onBody(chunk),
      onTrailers: (fields) => this.sink?.onTrailers(fields),
      onComplete: () => this.sink?.onComplete(),
    };
    this.parser = Parser.take('response', MAX_RESPONSE_HEAD_BYTES, this.events);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    // Written (queued until connect) before any request: the PROXY v2 header of a private connection.
    if (proxyHeader) this.socket.write(proxyHeader);
  }

  /**
   * Arms the timeouts of a request sent now: the response head must be complete within `ms`, and
   * no more than `ms` may pass without a byte either way after it.
   */
  armTimeouts(ms: number): void {
    this.awaitingHead = true;
    this.timeoutMs = ms;
    this.sentAt = this.lastIo = Date.now();
    this.pool.busy.add(this);
    this.pool.holding();
  }

  /** The response whose head is being handled has `length` body bytes, to be read raw (its onHead returns READ_BODY_RAW). */
  readBodyRaw(length: number): void {
    this.rawLeft = length;
  }

  /** Bytes went to the service (the idle deadline starts again). */
  wrote(): void {
    this.lastIo = Date.now();
  }

  /** The sweep: the exchange fails with `timeout` past one of its deadlines (never before it; up to one sweep after). */
  check(now: number): void {
    if (!this.sink) return;
    if (this.awaitingHead && now - this.sentAt >= this.timeoutMs) {
      const connecting = this.socket.connecting;
      this.fail('timeout', connecting ? `no connection within ${this.timeoutMs} ms` : `no response head within ${this.timeoutMs} ms`, connecting);
    } else if (now - this.lastIo >= this.timeoutMs) this.fail('timeout', `no answer within ${this.timeoutMs} ms`);
  }

  get usable(): boolean {
    return !this.dead && !this.socket.destroyed && this.socket.writable;
  }

  /** A read into READ_BUFFER; after the connection became a tunnel's, its bytes go on as a stream's (copied). */
  private readonly onRead = (n: number, buf: Buffer): boolean => {
    if (this.upgradedOnce) return this.socket.push(Buffer.from(buf.subarray(0, n)));
    const chunk = buf.subarray(0, n);
    try {
      this.handleData(chunk);
    } catch (err) {
      // An exception while relaying the answer: logged and counted, the exchange fails; never thrown further.
      this.pool.failed(err);
      this.fail('error', 'the agent failed to relay the answer');
    }
    return true;
  };

  /** A read of a connection on its handle (the view is valid until this returns). */
  private readonly onView = (view: Buffer): void => {
    this.onRead(view.length, view);
  };

  private handleData(chunk: Buffer): void {
    this.lastIo = Date.now();
    const sink = this.sink;
    if (!sink) {
      // Bytes from a service with no request outstanding: the connection cannot be trusted any more.
      this.destroy();
      return;
    }
    if (this.rawLeft > 0) {
      this.relayRaw(sink, chunk, 0);
      return;
    }
    if (!this.parser.inMessage) {
      const end = readSimpleResponse(chunk, MAX_RESPONSE_HEAD_BYTES, SIMPLE);
      if (end >= 0) {
        this.simpleHead(sink, chunk, end);
        return;
      }
    }
    const r = this.parser.feed(chunk);
    if (r.ok && this.rawLeft > 0) {
      // The head asked for its body raw: llhttp stopped at the head's end.
      this.relayRaw(sink, chunk, r.consumed);
      return;
    }
    sink.flush();
    if (!r.ok) {
      this.dead = true;
      this.sink?.onUpstreamFailed('parse', `${r.code}: ${r.reason}`);
      this.destroy();
      return;
    }
    if (this.upgraded) {
      this.upgraded = false;
      this.dead = true;
      this.detach();
      sink.onUpgrade(Buffer.from(chunk.subarray(r.consumed)));
    }
  }

  /**
   * A response head read without llhttp (chunk[0..end), simple-head.ts: a status of 200-599, a
   * Content-Length), with the events llhttp would have given: the head, then the body of its
   * Content-Length, raw when the head asks for it (READ_BODY_RAW), else as copies to onBody, then
   * the message's end. llhttp, which saw none of it, stands where it stands after any message.
   */
  private simpleHead(sink: UpstreamSink, chunk: Buffer, end: number): void {
    const length = SIMPLE.length;
    const r = this.events.onHead(SIMPLE);
    if (r === READ_BODY_RAW) {
      // As llhttp does after the "upgrade" answer: the message is reported complete at the head's end.
      this.events.onComplete();
      if (this.rawLeft > 0) this.relayRaw(sink, chunk, end);
      else sink.flush();
      return;
    }
    if (r === 0 && length > 0) {
      this.rawLeft = length;
      this.rawAsBody = true;
      this.relayRaw(sink, chunk, end);
      return;
    }
    // No body (a response to HEAD, or Content-Length: 0).
    if (end < chunk.length) this.dead = true;
    this.events.onComplete();
    sink.flush();
  }

  /** Relays body bytes of a response read raw from `chunk[from..]`; completes it at its last byte. */
  private relayRaw(sink: UpstreamSink, chunk: Buffer, from: number): void {
    const n = Math.min(chunk.length - from, this.rawLeft);
    const asBody = this.rawAsBody;
    // A copy for onBody, as llhttp's binding hands body pieces over (the forward keeps them past this read).
    if (n > 0) {
      if (asBody) sink.onBody(Buffer.from(chunk.subarray(from, from + n)));
      else sink.onRawBody(chunk.subarray(from, from + n));
    }
    this.rawLeft -= n;
    if (this.rawLeft > 0) {
      sink.flush();
      return;
    }
    // Bytes past the response with no request outstanding: the connection cannot be trusted any more.
    if (from + n < chunk.length) this.dead = true;
    // No re-initialization of the parser: Node's binding resumes llhttp after the "upgrade" pause,
    // where llhttp stands after any complete message, so the next response parses from its start.
    this.rawAsBody = false;
    if (asBody) sink.onComplete();
    else sink.onRawComplete();
  }

  private readonly onEnd = (): void => {
    // A response delimited by the close completes here.
    if (this.sink && this.rawLeft === 0) this.parser.finish();
    this.fail('closed', 'the service closed the connection');
  };

  private readonly onError = (err: Error): void => {
    this.fail('error', err.message, (err as NodeJS.ErrnoException).syscall === 'connect');
  };

  private readonly onClose = (): void => {
    this.fail('closed', 'the connection to the service closed');
    this.pool.forget(this);
    if (!this.upgradedOnce) this.parser.release();
  };

  private upgradedOnce = false;

  private fail(reason: 'error' | 'closed' | 'timeout', detail: string, connectFailed = false): void {
    this.dead = true;
    const sink = this.sink;
    this.sink = null;
    sink?.onUpstreamFailed(reason, detail, connectFailed);
    this.socket.destroy();
  }

  /** The socket becomes a tunnel's: this object lets go of it. */
  private detach(): void {
    this.upgradedOnce = true;
    this.sink = null;
    this.socket.removeListener('end', this.onEnd);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    this.pool.forget(this);
    this.parser.release();
  }

  destroy(): void {
    this.dead = true;
    this.sink = null;
    this.socket.destroy();
  }
}

/** A client connection's private upstream connections (services with proxyProtocol v2). */
interface Owner {
  id: string;
  conns: Set<UpstreamConn>;
}

/**
 * The idle connections of every service address this engine talks to. A service with
 * `proxyProtocol: "v2"` is told who the client is once per upstream connection (the PROXY header),
 * so its connections are private to one client connection, as HAProxy's `send-proxy-v2` makes
 * them: reused by that client's next requests only (keep-alive), closed with it.
 */
export class UpstreamPool {
  private readonly idle = new Map<string, UpstreamConn[]>();
  /** Connections carrying a request (their deadlines are checked by sweep). */
  readonly busy = new LiveTable<UpstreamConn>();
  private closed = false;
  private readonly owners = new WeakMap<net.Socket, Owner>();

  constructor(
    readonly failed: (err: unknown) => void,
    /** The connection id (TLV 0xE0) of a client connection: the engine's connection table hands them out. */
    private readonly nextId: () => string = localIds(),
    /** The pool holds a connection whose deadlines its sweep checks (busy or idle): the engine's sweep timer must run. */
    readonly holding: () => void = () => {},
  ) {}

  /** An idle private connection of `client` to host:port, or a new one that starts with the PROXY v2 header. */
  acquirePrivate(host: string, port: number, client: net.Socket): UpstreamConn {
    let owner = this.owners.get(client);
    if (!owner) {
      const o: Owner = { id: this.nextId(), conns: new Set() };
      owner = o;
      this.owners.set(client, o);
      client.once('close', () => {
        for (const c of o.conns) c.destroy();
        o.conns.clear();
      });
    }
    const key = `${host}|${port}|${owner.id}`;
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const c = list.pop()!;
      if (list.length === 0) this.idle.delete(key);
      if (c.usable) {
        c.uses++;
        return c;
      }
    }
    const c = new UpstreamConn(this, key, host, port, upstreamProxyHeader(client, owner.id));
    const own = owner;
    own.conns.add(c);
    c.socket.once('close', () => own.conns.delete(c));
    return c;
  }

  /** An idle connection to host:port, or a new one (connecting; writes wait in its buffer). */
  /** The key of the address asked for last (most requests go to the address of the one before). */
  private lastHost = '';
  private lastPort = 0;
  private lastKey = '';

  acquire(host: string, port: number): UpstreamConn {
    if (host !== this.lastHost || port !== this.lastPort) {
      this.lastHost = host;
      this.lastPort = port;
      this.lastKey = `${host}|${port}`;
    }
    const key = this.lastKey;
    const list = this.idle.get(key);
    if (list) {
      while (list.length > 0) {
        const c = list.pop()!;
        if (c.usable) {
          c.uses++;
          return c;
        }
      }
    }
    return new UpstreamConn(this, key, host, port);
  }

  /** A connection whose exchange ended cleanly goes back for reuse. */
  giveBack(c: UpstreamConn): void {
    c.sink = null;
    this.busy.delete(c);
    if (this.closed || !c.usable) {
      c.destroy();
      return;
    }
    c.idleSince = Date.now();
    let list = this.idle.get(c.key);
    if (!list) {
      list = [];
      this.idle.set(c.key, list);
    }
    list.push(c);
    this.holding();
  }

  forget(c: UpstreamConn): void {
    this.busy.delete(c);
    const list = this.idle.get(c.key);
    if (!list) return;
    const i = list.indexOf(c);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.idle.delete(c.key);
  }

  /** Fails exchanges past their deadlines; closes connections idle longer than IDLE_MS. */
  sweep(now: number): void {
    for (const c of this.busy) c.check(now);
    for (const list of this.idle.values()) {
      for (const c of [...list]) if (now - c.idleSince > IDLE_MS) c.destroy();
    }
  }

  /** No connection carries a request or waits idle: the sweep has nothing to check here. */
  get empty(): boolean {
    return this.busy.size === 0 && this.size === 0;
  }

  get size(): number {
    let n = 0;
    for (const list of this.idle.values()) n += list.length;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const list of [...this.idle.values()]) for (const c of [...list]) c.destroy();
    this.idle.clear();
  }
}

/** Connection ids of a pool built without the engine's table (tests): unique per process run. */
function localIds(): () => string {
  const prefix = connectionIdPrefix('agent', process.pid);
  let n = 0;
  return () => `${prefix}:${++n}`;
}
