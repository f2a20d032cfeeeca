// One WebSocket connection to the control plane, speaking the channel's messages: outgoing
// messages are checked against their schema, incoming ones decoded and validated; a bad
// incoming frame is answered with an `error` message and reported, never thrown.
// Used by the agent's control client and by tests and benchmarks that simulate agents.
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { decodeControlMessage, isValidAgentMessage } from './codec.js';
import type { AgentMessage, ControlMessage } from './messages.js';

export interface ChannelClientOptions {
  /** ws:// URL of `/v1/agents/connect`. */
  url: string;
  token: string;
  /** Gives up the opening handshake after this long. */
  connectTimeoutMs?: number;
}

export class ChannelError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ChannelError';
    this.code = code;
  }
}

const MAX_KEPT = 1_000;

type Waiter = { match: (m: ControlMessage) => boolean; resolve: (m: ControlMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * Events: `message` (ControlMessage), `invalid` ({code, message}), `close` ({code, reason}).
 * `received` keeps the last 1,000 valid messages in arrival order (tests read it).
 */
export class ChannelClient extends EventEmitter {
  readonly received: ControlMessage[] = [];
  private readonly ws: WebSocket;
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  private constructor(ws: WebSocket) {
    super();
    this.ws = ws;
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    ws.on('close', (code, reason) => {
      this.closed = true;
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(new ChannelError('SPILLWAY_CHANNEL_CLOSED', `channel closed (${code})`));
      }
      this.waiters.clear();
      this.emit('close', { code, reason: reason.toString() });
    });
    ws.on('error', () => {
      /* 'close' follows */
    });
  }

  /** Opens the channel; rejects with the HTTP status when the upgrade is refused (401 for a bad token). */
  static async connect(opts: ChannelClientOptions): Promise<ChannelClient> {
    // ws is loaded at the first connect, not with the package: most processes that import
    // @spillway/protocol never open a channel (an agent's workers, the CLI), and it took some
    // 0.12 s of CPU per process to load.
    const { default: WebSocket } = await import('ws');
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(opts.url, { headers: { authorization: `Bearer ${opts.token}` }, handshakeTimeout: opts.connectTimeoutMs ?? 5_000 });
      const fail = (err: Error): void => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(err);
      };
      ws.once('unexpected-response', (_req, res) => fail(new ChannelError('SPILLWAY_CHANNEL_REFUSED', `upgrade refused with HTTP ${res.statusCode}`)));
      ws.once('error', (err) => fail(new ChannelError('SPILLWAY_CHANNEL_UNREACHABLE', err.message)));
      ws.once('open', () => {
        ws.removeAllListeners('error');
        ws.removeAllListeners('unexpected-response');
        resolve(new ChannelClient(ws));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  send(msg: AgentMessage): boolean {
    if (!isValidAgentMessage(msg)) throw new ChannelError('SPILLWAY_PROTOCOL_INVALID', `refusing to send an invalid ${msg.type} message`);
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends a raw frame as is (tests of the control plane's handling of junk). */
  sendRaw(frame: string): void {
    if (this.isOpen) this.ws.send(frame);
  }

  /** The next message (from now, or already received when `fromStart`) matching the predicate. */
  waitFor<T extends ControlMessage['type']>(
    type: T,
    pred: (m: Extract<ControlMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5_000,
    fromStart = false,
  ): Promise<Extract<ControlMessage, { type: T }>> {
    type M = Extract<ControlMessage, { type: T }>;
    const match = (m: ControlMessage): boolean => m.type === type && pred(m as M);
    if (fromStart) {
      const found = this.received.find(match);
      if (found) return Promise.resolve(found as M);
    }
    return new Promise<M>((resolve, reject) => {
      if (this.closed) {
        reject(new ChannelError('SPILLWAY_CHANNEL_CLOSED', 'channel closed'));
        return;
      }
      const w: Waiter = {
        match,
        resolve: resolve as (m: ControlMessage) => void,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new ChannelError('SPILLWAY_CHANNEL_TIMEOUT', `no ${type} message within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  close(code = 1000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.ws.close(code);
      setTimeout(() => this.ws.terminate(), 1_000).unref();
    });
  }

  /** Drops the TCP connection without a closing handshake (a crashed agent). */
  terminate(): void {
    this.ws.terminate();
  }

  private onFrame(data: WebSocket.RawData): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const r = decodeControlMessage(buf);
    if (!r.ok) {
      this.emit('invalid', { code: r.code, message: r.message, details: r.details });
      if (this.isOpen) this.ws.send(JSON.stringify({ type: 'error', code: r.code, message: r.message.slice(0, 500), ...(r.ref ? { ref: r.ref } : {}) }));
      return;
    }
    this.received.push(r.message);
    if (this.received.length > MAX_KEPT) this.received.splice(0, this.received.length - MAX_KEPT);
    for (const w of this.waiters) {
      if (w.match(r.message)) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(r.message);
      }
    }
    this.emit('message', r.message);
  }
}
