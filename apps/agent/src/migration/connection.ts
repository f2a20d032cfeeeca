// A TCP client connection whose upstream leg can move (issue 15 item 3): the client's socket ends
// at the agent, the upstream leg is replaced. Both directions are forwarded chunk by chunk with
// backpressure, counting bytes exactly, so that at any moment the agent knows how many client
// bytes the current upstream was given (inputOffset) and how many of its bytes the client got.
//
// migrate() runs the per-connection state machine of the wire protocol
// (/work/notes/migration-protocol.md):
//   1. hold: client bytes stop going upstream and are buffered (up to bufferLimit, then the client
//      socket is paused: backpressure to the client);
//   2. export: POST export to the source with inputOffset; wait for its answer (exportTimeoutMs);
//   3. drain the source: forward its output up to exactly outputOffset (outputTimeoutMs), then
//      close the source leg;
//   4. connect to the target with PROXY v2 (TLV 0xE0 connection id, 0xE1 migration id) within
//      connectTimeoutMs, flush the buffer to it, splice.
// A failure before the source leg is closed (refused, no answer, a network error) resumes on the
// source: the buffer is flushed there. After it (or when the source's leg is gone) the client is
// closed. Either way the failure is returned for counting and logging.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { encodeProxyV2, importToken } from '@spillway/protocol';
import type { ServiceCounters, VServerCounters } from '../stats.js';
import { requestExport, type ExportRequest, type ExportAnswer } from './export-call.js';
import type { ConnState, MigrationFailure, TableEntry } from './table.js';

export interface Upstream {
  service: string;
  address: string;
  port: number;
  counters: ServiceCounters;
  /** Whether to open with a PROXY v2 header. */
  proxyV2: boolean;
}

/** Where a migration goes: the target service and the control endpoint of the source. */
export interface MigrationPlan {
  target: Upstream & { controlPort: number; secret: string };
  source: { controlPort: number; secret: string };
}

export interface MigrationTimeouts {
  exportTimeoutMs: number;
  outputTimeoutMs: number;
  connectTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: MigrationTimeouts = { exportTimeoutMs: 5_000, outputTimeoutMs: 5_000, connectTimeoutMs: 5_000 };

/** Client bytes held per connection while it migrates before the client is paused. */
export const DEFAULT_BUFFER_LIMIT = 256 * 1024;

export type MigrationOutcome =
  | { ok: true; ms: number; buffered: number }
  /** `closed`: the client connection was closed (the failure came after the source let go, or the source is gone). */
  | { ok: false; failure: MigrationFailure; reason: string; closed: boolean };

/** The export call, replaceable by tests of the state machine's timing. */
export type ExportFn = (host: string, port: number, secret: string, body: ExportRequest, timeoutMs: number, signal?: AbortSignal) => Promise<ExportAnswer>;

export interface MigratableOptions {
  id: string;
  vserver: string;
  client: net.Socket;
  upstream: Upstream;
  vs: VServerCounters;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  onIdle: () => void;
  bufferLimit?: number;
  exportCall?: ExportFn;
}

interface Leg {
  socket: net.Socket;
  up: Upstream;
  /** Client bytes written to this leg (after its header). */
  sent: number;
  /** Bytes this leg sent that were forwarded to the client. */
  received: number;
  /** Whether it ended or closed. */
  gone: boolean;
  /** Its write buffer is full: the client is paused until it drains. */
  full: boolean;
}

export class MigratableConnection implements TableEntry {
  readonly id: string;
  readonly vserver: string;
  readonly client: string;
  readonly since = Date.now();
  state: ConnState = 'active';
  private readonly sock: net.Socket;
  private readonly vs: VServerCounters;
  private leg: Leg | null = null;
  private rx = 0;
  private tx = 0;
  /** Client bytes held while migrating (null: forwarding). */
  private held: Buffer[] | null = null;
  private heldBytes = 0;
  /** Bytes of the source's output still to forward during a migration (null: no limit). */
  private outputLimit: number | null = null;
  private onOutputReached: (() => void) | null = null;
  private clientEnded = false;
  private finished = false;
  private waitingClientDrain = false;
  private readonly bufferLimit: number;
  private readonly exportCall: ExportFn;
  private readonly abort = new AbortController();
  private resolveDone: (v: { connected: boolean }) => void = () => {};
  private everConnected = false;

  constructor(private readonly o: MigratableOptions) {
    this.id = o.id;
    this.vserver = o.vserver;
    this.sock = o.client;
    this.vs = o.vs;
    this.client = `${o.client.remoteAddress ?? ''}:${o.client.remotePort ?? 0}`;
    this.bufferLimit = o.bufferLimit ?? DEFAULT_BUFFER_LIMIT;
    this.exportCall = o.exportCall ?? requestExport;
    this.current = o.upstream;
  }

  /** The service proxied to now (the target once migrated). */
  get service(): string {
    return this.current.service;
  }
  private current: Upstream;
  rxBytes(): number {
    return this.rx;
  }
  txBytes(): number {
    return this.tx;
  }
  /** Client bytes held now (a migration's buffer). */
  get buffered(): number {
    return this.heldBytes;
  }

  /** Connects to the first upstream and proxies; resolves when both sides are closed (`connected`: the first upstream answered). */
  run(): Promise<{ connected: boolean }> {
    return new Promise((resolve) => {
      this.resolveDone = resolve;
      const c = this.sock;
      c.setNoDelay(true);
      c.setTimeout(this.o.idleTimeoutMs, () => {
        if (this.state === 'migrating') return; // a migration has its own timeouts
        this.o.onIdle();
        this.close();
      });
      c.on('data', (chunk: Buffer) => this.fromClient(chunk));
      c.on('end', () => {
        this.clientEnded = true;
        if (this.held === null && this.leg && !this.leg.gone) this.leg.socket.end();
      });
      c.on('drain', () => {
        if (!this.waitingClientDrain) return;
        this.waitingClientDrain = false;
        this.leg?.socket.resume();
      });
      c.once('close', () => {
        this.abort.abort();
        this.close();
      });
      c.on('error', () => this.close());
      this.connect(this.o.upstream, undefined, this.o.connectTimeoutMs).then(
        (leg) => {
          if (this.finished) {
            leg?.socket.destroy();
            return;
          }
          if (!leg) {
            this.close();
            return;
          }
          this.everConnected = true;
          this.use(leg);
          c.resume();
        },
        () => this.close(),
      );
    });
  }

  /** Closes both legs now. */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.abort.abort();
    this.sock.destroy();
    this.leg?.socket.destroy();
    this.onOutputReached = null;
    this.resolveDone({ connected: this.everConnected });
  }

  get closed(): boolean {
    return this.finished;
  }

  // ---- the two directions ----

  private fromClient(chunk: Buffer): void {
    this.rx += chunk.length;
    this.vs.rx_bytes_total += chunk.length;
    if (this.held !== null) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes >= this.bufferLimit) this.sock.pause();
      return;
    }
    const leg = this.leg;
    if (!leg || leg.gone) return;
    this.toLeg(leg, chunk);
  }

  private toLeg(leg: Leg, chunk: Buffer): void {
    leg.sent += chunk.length;
    leg.up.counters.tx_bytes_total += chunk.length;
    if (!leg.socket.write(chunk) && !leg.full) {
      leg.full = true;
      this.sock.pause();
      leg.socket.once('drain', () => {
        leg.full = false;
        if (leg === this.leg && this.held === null) this.sock.resume();
      });
    }
  }

  private fromLeg(leg: Leg, chunk: Buffer): void {
    if (leg !== this.leg || this.finished) return;
    let c = chunk;
    if (this.outputLimit !== null) {
      const room = this.outputLimit - leg.received;
      if (room <= 0) return;
      if (c.length > room) c = c.subarray(0, room);
    }
    leg.received += c.length;
    leg.up.counters.rx_bytes_total += c.length;
    this.tx += c.length;
    this.vs.tx_bytes_total += c.length;
    if (!this.sock.write(c)) {
      this.waitingClientDrain = true;
      leg.socket.pause();
    }
    if (this.outputLimit !== null && leg.received >= this.outputLimit) this.onOutputReached?.();
  }

  /** Opens a leg to `up` (with its PROXY header) and resolves once connected; null on failure or timeout. */
  private connect(up: Upstream, migrationId: string | undefined, timeoutMs: number): Promise<Leg | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: up.address, port: up.port, noDelay: true });
      const leg: Leg = { socket, up, sent: 0, received: 0, gone: false, full: false };
      let settled = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!ok) {
          socket.destroy();
          resolve(null);
          return;
        }
        resolve(leg);
      };
      const timer = setTimeout(() => settle(false), timeoutMs);
      socket.on('error', () => {
        leg.gone = true;
        settle(false);
        this.legGone(leg);
      });
      socket.once('connect', () => {
        if (up.proxyV2) {
          const c = this.sock;
          socket.write(
            encodeProxyV2({
              source: { address: c.remoteAddress, port: c.remotePort },
              destination: { address: c.localAddress, port: c.localPort },
              connectionId: this.id,
              ...(migrationId !== undefined ? { migrationId } : {}),
            }),
          );
        }
        settle(true);
      });
      socket.on('data', (chunk: Buffer) => this.fromLeg(leg, chunk));
      socket.once('end', () => {
        // The service ended its side: the client's side ends (unless a migration holds the leg).
        leg.gone = true;
        if (leg === this.leg && this.state !== 'migrating') this.sock.end();
      });
      socket.once('close', () => {
        leg.gone = true;
        this.legGone(leg);
      });
    });
  }

  private legGone(leg: Leg): void {
    if (leg !== this.leg || this.finished) return;
    // A migration decides what a lost leg means; otherwise the pair is torn down.
    if (this.state === 'migrating') {
      this.onLegLost?.();
      return;
    }
    this.close();
  }

  private onLegLost: (() => void) | null = null;

  private use(leg: Leg): void {
    this.leg = leg;
    if (this.clientEnded) leg.socket.end();
  }

  // ---- migration ----

  /** Moves the upstream leg to `plan.target`; resolves with the outcome (never rejects). */
  async migrate(plan: MigrationPlan, t: MigrationTimeouts = DEFAULT_TIMEOUTS): Promise<MigrationOutcome> {
    const started = Date.now();
    const source = this.leg;
    if (this.finished || !source || source.gone || this.state === 'migrating') {
      return { ok: false, failure: 'source_closed', reason: 'the connection has no open source leg', closed: false };
    }
    const prevState = this.state;
    this.state = 'migrating';
    this.held = [];
    this.heldBytes = 0;
    let lost = false;
    this.onLegLost = () => {
      lost = true;
    };
    const migrationId = randomUUID();
    const answer = await this.exportCall(
      source.up.address,
      plan.source.controlPort,
      plan.source.secret,
      {
        migrationId,
        connectionId: this.id,
        inputOffset: source.sent,
        target: {
          address: plan.target.address,
          port: plan.target.port,
          controlPort: plan.target.controlPort,
          token: importToken(plan.target.secret, migrationId),
        },
      },
      t.exportTimeoutMs,
      this.abort.signal,
    );
    if (this.finished) return this.fail('client_closed', 'the client closed during the migration', true);
    if (!answer.ok) {
      if (lost || source.gone) {
        this.close();
        return this.fail('source_closed', `${answer.reason}; the source's connection is gone`, true);
      }
      this.resume(source, prevState);
      return this.fail(answer.failure, answer.reason, false);
    }
    // The source let go of its state: from here on a failure closes the client.
    if (source.received > answer.outputOffset) {
      this.close();
      return this.fail('output_overrun', `the source sent ${source.received} bytes, beyond the output offset ${answer.outputOffset} it named`, true);
    }
    this.outputLimit = answer.outputOffset;
    if (source.received < answer.outputOffset) {
      const reached = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), t.outputTimeoutMs);
        this.onOutputReached = () => {
          clearTimeout(timer);
          resolve(true);
        };
        this.onLegLost = () => {
          clearTimeout(timer);
          resolve(source.received >= answer.outputOffset);
        };
        if (source.received >= answer.outputOffset) this.onOutputReached();
      });
      this.onOutputReached = null;
      if (this.finished) return this.fail('client_closed', 'the client closed during the migration', true);
      if (!reached) {
        this.close();
        return this.fail(
          source.gone ? 'source_closed' : 'output_timeout',
          `the source delivered ${source.received} of ${answer.outputOffset} output bytes${source.gone ? ' before closing' : ` in ${t.outputTimeoutMs} ms`}`,
          true,
        );
      }
    }
    this.outputLimit = null;
    this.onLegLost = null;
    // The source leg closes; the client leg waits on the target.
    this.leg = null;
    source.socket.removeAllListeners('data');
    source.socket.destroy();
    const target = await this.connect(plan.target, migrationId, t.connectTimeoutMs);
    if (this.finished) {
      target?.socket.destroy();
      return this.fail('client_closed', 'the client closed during the migration', true);
    }
    if (!target) {
      this.close();
      return this.fail(
        'target_connect_failed',
        `no connection to ${plan.target.service} (${plan.target.address}:${plan.target.port}) in ${t.connectTimeoutMs} ms`,
        true,
      );
    }
    const buffered = this.heldBytes;
    this.leg = target;
    this.current = plan.target;
    this.state = 'migrated';
    this.flush(target);
    if (this.clientEnded) target.socket.end();
    return { ok: true, ms: Date.now() - started, buffered };
  }

  private fail(failure: MigrationFailure, reason: string, closed: boolean): MigrationOutcome {
    return { ok: false, failure, reason, closed };
  }

  /** Back to forwarding on the source after a refused migration: the held bytes go to it first. */
  private resume(source: Leg, prev: ConnState): void {
    this.state = prev;
    this.onLegLost = null;
    this.outputLimit = null;
    this.flush(source);
    if (source.gone) this.close();
    else if (this.clientEnded) source.socket.end();
  }

  /** Writes the held client bytes to `leg` and forwards from now on. */
  private flush(leg: Leg): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const c of held) this.toLeg(leg, c);
    if (!leg.full) this.sock.resume();
  }
}
