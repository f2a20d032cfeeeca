// One agent's WebSocket: the handshake (hello first, within a deadline), decoding and validation
// of every frame, and answers to bad frames. A bad frame is answered with an `error` and logged;
// it never closes the channel or throws.
import type { WebSocket } from 'ws';
import { decodeAgentMessage, isValidControlMessage, type AgentMessage, type ControlMessage, type Hello } from '@spillway/protocol';

export interface HubLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface SessionHandlers {
  onHello(session: AgentSession, hello: Hello): void;
  onMessage(session: AgentSession, msg: AgentMessage): void;
  onClose(session: AgentSession): void;
}

/** A control message checked and encoded once (null text: invalid), to send the same frame to many agents. */
export interface PreparedMessage {
  readonly type: ControlMessage['type'];
  readonly text: string | null;
}

export function prepareMessage(msg: ControlMessage): PreparedMessage {
  return { type: msg.type, text: isValidControlMessage(msg) ? JSON.stringify(msg) : null };
}

export const CLOSE_PROTOCOL = 4000;
/** The session's agent token no longer authenticates it (revoked, rebound, its agent deleted). */
export const CLOSE_REVOKED = 4001;
export const CLOSE_FORBIDDEN = 4003;
export const CLOSE_REPLACED = 4009;
export const CLOSE_SILENT = 4008;

/** The TCP socket under a WebSocket: corked while one turn of the event loop sends, so its frames leave in one write. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export class AgentSession {
  /** The agent name the token was issued for. */
  readonly agent: string;
  ready = false;
  lastSeenAt = Date.now();
  readonly connectedAt = Date.now();
  invalidFrames = 0;
  /** Re-checks the token the session was opened with: false once it no longer authenticates this agent. */
  credential: (() => Promise<boolean>) | null = null;
  private readonly helloTimer: NodeJS.Timeout;
  private corked = false;

  constructor(
    private readonly socket: WebSocket,
    agent: string,
    private readonly handlers: SessionHandlers,
    private readonly log: HubLogger,
    helloTimeoutMs: number,
    private readonly raw: Corkable | null = null,
  ) {
    this.agent = agent;
    this.helloTimer = setTimeout(() => {
      if (!this.ready) this.fail(CLOSE_PROTOCOL, 'SPILLWAY_HUB_HELLO_TIMEOUT', `no hello within ${helloTimeoutMs} ms`);
    }, helloTimeoutMs);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onFrame(data));
    socket.on('close', () => {
      clearTimeout(this.helloTimer);
      handlers.onClose(this);
    });
    socket.on('error', (err) => log.warn({ agent, err: err.message }, 'agent socket error'));
  }

  /** False when the message was not sent (invalid, or the socket is no longer open). */
  send(msg: ControlMessage): boolean {
    return this.sendPrepared(prepareMessage(msg));
  }

  sendPrepared(msg: PreparedMessage): boolean {
    if (msg.text === null) {
      this.log.error({ agent: this.agent, type: msg.type }, 'refusing to send an invalid control message');
      return false;
    }
    if (this.socket.readyState !== this.socket.OPEN) return false;
    // A quota pass tells every agent about each of its vservers at once (50,000 frames with 50
    // agents and 1,000 vservers): a write per frame was a system call each, most of the pass.
    if (this.raw && !this.corked) {
      this.corked = true;
      this.raw.cork();
      process.nextTick(() => {
        this.corked = false;
        this.raw?.uncork();
      });
    }
    this.socket.send(msg.text);
    return true;
  }

  /** Sends an error and closes the channel (protocol violations that make the session useless). */
  fail(closeCode: number, code: string, message: string): void {
    this.log.warn({ agent: this.agent, code }, message);
    this.send({ type: 'error', code, message });
    this.socket.close(closeCode, code);
  }

  /** Drops the connection at once (a silent agent). */
  terminate(): void {
    this.socket.terminate();
  }

  private onFrame(data: Buffer | ArrayBuffer | Buffer[]): void {
    this.lastSeenAt = Date.now();
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const r = decodeAgentMessage(buf);
    if (!r.ok) {
      this.invalidFrames++;
      this.log.warn({ agent: this.agent, code: r.code, ref: r.ref, details: r.details }, r.message);
      this.send({ type: 'error', code: r.code, message: r.message.slice(0, 500), ...(r.ref ? { ref: r.ref } : {}) });
      return;
    }
    const msg = r.message;
    if (!this.ready) {
      if (msg.type !== 'hello') {
        this.send({ type: 'error', code: 'SPILLWAY_HUB_HELLO_FIRST', message: 'the first message must be hello', ref: msg.type });
        return;
      }
      clearTimeout(this.helloTimer);
      this.handlers.onHello(this, msg);
      return;
    }
    if (msg.type === 'hello') {
      this.send({ type: 'error', code: 'SPILLWAY_HUB_HELLO_REPEATED', message: 'hello was already received', ref: 'hello' });
      return;
    }
    try {
      this.handlers.onMessage(this, msg);
    } catch (err) {
      this.log.error({ agent: this.agent, type: msg.type, err: (err as Error).message }, 'agent message handler failed');
      this.send({ type: 'error', code: 'SPILLWAY_HUB_INTERNAL', message: 'the control plane failed to handle this message', ref: msg.type });
    }
  }
}
