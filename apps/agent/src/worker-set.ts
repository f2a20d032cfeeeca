// The agent's engines: worker processes under node:cluster (or one engine in this process with
// workers: 0). How they share a listener (the scheduling policy), forking, readiness (hello),
// restart on exit, drain on close, and the messages routed from engine to engine (connection
// hand-off, spillover persistence). Every other message goes to the primary's handler.
import cluster, { type Worker } from 'node:cluster';
import type net from 'node:net';
import { Engine } from './engine.js';
import { AgentError } from './errors.js';
import { siblingEntry } from './entry.js';
import type { Logger } from './log.js';
import type { FromEngine, ToEngine } from './messages.js';

export type SchedulingPolicy = 'rr' | 'none';

/** One engine as the primary sees it. `serving`: configured and listening (only those hold a share of the quota). */
export interface EngineLink {
  id: number;
  send(msg: ToEngine, handle?: net.Socket): void;
  worker: Worker | null;
  ready: Promise<void>;
  serving: boolean;
}

export interface WorkerSetOptions {
  log: Logger;
  /** The agent's name, given to each worker (its logs). */
  name: string;
  policy: SchedulingPolicy;
  /** Messages of an engine that the set does not route itself. */
  onMessage(from: number, msg: FromEngine, handle?: net.Socket): void;
  /** An engine has gone (its process exited): nothing should wait for it any more. */
  onGone(id: number): void;
  /** A replacement worker said hello (after an exit): configure it and let it serve. */
  onReplacement(link: EngineLink): Promise<void>;
}

/** The policy node:cluster froze in this process (it reads it once, at the first setupPrimary/fork). */
let frozenPolicy: SchedulingPolicy | null = null;

/**
 * Sets cluster.schedulingPolicy before the first fork of this process and returns the policy in
 * effect: node:cluster reads it once, so a later agent of the same process asking for another
 * one gets the first (logged), never a silent mix.
 */
export function applySchedulingPolicy(policy: SchedulingPolicy, log: Logger): SchedulingPolicy {
  if (frozenPolicy === null) {
    cluster.schedulingPolicy = policy === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
    frozenPolicy = policy;
  } else if (frozenPolicy !== policy) {
    log.warn(
      { event: 'scheduling_policy_fixed', wanted: policy, effective: frozenPolicy },
      `cluster scheduling policy is ${frozenPolicy} in this process (fixed at its first fork); ${policy} ignored`,
    );
  }
  return frozenPolicy;
}

/** Closes a raw handle (TCP wrap) received over IPC, or destroys a socket. */
function closeRaw(handle: unknown): void {
  if (!handle) return;
  const h = handle as { destroy?: () => void; close?: () => void };
  if (typeof h.destroy === 'function') h.destroy();
  else if (typeof h.close === 'function') h.close();
}

/** worker.js next to this file in the build (same node flags), worker.ts under tsx from the sources. */
const WORKER_ENTRY = siblingEntry(import.meta.url, 'worker');

/**
 * V8's young generation of a worker (MiB per semi-space) unless node's flags already set one. A
 * proxy's garbage is almost all short-lived (heads, header lists, a request's objects): with
 * Node's default (16 MiB) it scavenged every ~1.3 s under keep-alive load and the scavenges' helper
 * threads spent ~30% on top of the main thread's CPU. 32 MiB halves the scavenges; measured with
 * bench/cpu-per-request.ts, 116 vs 136 µs per keep-alive request (same build, same run, load ~10).
 * The cost: up to ~64 MiB more of young generation under load (idle connections hold none of it).
 */
export const WORKER_SEMI_SPACE_MIB = 32;
function workerExecArgv(argv: readonly string[]): string[] {
  const set = [...argv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space-size'));
  return set ? [...argv] : [...argv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`];
}

export class WorkerSet {
  readonly engines = new Map<number, EngineLink>();
  /** Workers started again after an exit. */
  restarted = 0;
  /** Messages to a worker its channel did not take (EPIPE: the worker died before its exit was seen); the exit replaces it. */
  sendFailed = 0;
  private closing = false;
  private effectivePolicy: SchedulingPolicy;
  /** Every worker forked and not yet exited (in the set or still starting). */
  private readonly alive = new Set<Worker>();
  private readonly drainWaiters = new Map<number, () => void>();

  constructor(private readonly opts: WorkerSetOptions) {
    this.effectivePolicy = opts.policy;
  }

  /** The scheduling policy in effect (the one asked for, unless this process forked under another first). */
  get policy(): SchedulingPolicy {
    return this.effectivePolicy;
  }

  /**
   * Starts `workers` worker processes (0: one engine in this process) and resolves once each said
   * hello. A worker that exits before its hello fails the start (SPILLWAY_AGENT_WORKER_FAILED,
   * every worker stopped) instead of leaving the agent waiting for ever.
   */
  async start(workers: number): Promise<EngineLink[]> {
    if (workers === 0) return [this.addInProcessEngine()];
    // One worker: there is nothing to distribute, so it accepts on the listening socket itself
    // ('none'). Under 'rr' the primary accepts and sends each handle over IPC: measured with
    // bench/cpu-per-request.ts, ~2.6x the CPU per new connection (the primary ~380 µs, the worker's
    // IPC receive ~600 µs more) for the same distribution.
    this.effectivePolicy = applySchedulingPolicy(workers === 1 ? 'none' : this.opts.policy, this.opts.log);
    try {
      return await Promise.all(
        Array.from({ length: workers }, () => {
          const l = this.fork();
          return l.ready.then(() => l);
        }),
      );
    } catch (err) {
      this.closing = true;
      for (const w of this.alive) w.process.kill('SIGKILL');
      throw err;
    }
  }

  /** Adds engines that said hello to the set (they do not serve yet). */
  add(links: EngineLink[]): void {
    for (const l of links) this.engines.set(l.id, l);
  }

  /** Marks as serving those of `links` still in the set. */
  markServing(links: EngineLink[]): void {
    for (const l of links) if (this.engines.get(l.id) === l) l.serving = true;
  }

  servingIds(): number[] {
    return [...this.engines.values()].filter((e) => e.serving).map((e) => e.id);
  }

  startingIds(): number[] {
    return [...this.engines.values()].filter((e) => !e.serving).map((e) => e.id);
  }

  pids(): number[] {
    return [...this.engines.values()].map((e) => e.worker?.process.pid ?? process.pid);
  }

  send(id: number, msg: ToEngine): void {
    this.engines.get(id)?.send(msg);
  }

  broadcast(msg: ToEngine): void {
    for (const e of this.engines.values()) e.send(msg);
  }

  /** Stops every engine: each drains its connections up to `deadlineMs`; a worker still alive 2 s past it is killed. */
  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    const links = [...this.engines.values()];
    await Promise.all(
      links.map(
        (l) =>
          new Promise<void>((resolve) => {
            if (!l.worker) {
              this.drainWaiters.set(l.id, resolve);
              l.send({ t: 'drain', deadlineMs });
              return;
            }
            const w = l.worker;
            const kill = setTimeout(() => w.process.kill('SIGKILL'), deadlineMs + 2_000);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            l.send({ t: 'drain', deadlineMs });
          }),
      ),
    );
    this.engines.clear();
  }

  /** A worker's channel refused a message: counted and logged; the worker's exit (which follows) replaces it. */
  private failedSend(id: number, err: Error): void {
    this.sendFailed++;
    this.opts.log.warn({ event: 'worker_send_failed', worker: id, err: err.message }, 'a message to a worker was not sent');
  }

  private route(from: number, msg: FromEngine, handle?: net.Socket): void {
    switch (msg.t) {
      case 'handoff': {
        const target = this.engines.get(msg.to) ?? this.engines.get(from);
        if (!handle) return;
        if (!target) {
          closeRaw(handle);
          return;
        }
        target.send({ t: 'handoff', root: msg.root, at: msg.at, tried: msg.tried, ...(msg.head !== undefined ? { head: msg.head } : {}) }, handle);
        return;
      }
      case 'persist':
        for (const e of this.engines.values()) if (e.id !== from) e.send({ t: 'persist', key: msg.key, vs: msg.vs, timeoutMs: msg.timeoutMs });
        return;
      case 'drained':
        this.drainWaiters.get(from)?.();
        this.drainWaiters.delete(from);
        return;
      default:
        this.opts.onMessage(from, msg, handle);
    }
  }

  private addInProcessEngine(): EngineLink {
    const id = 0;
    const engine = new Engine(id, (msg, handle) => setImmediate(() => this.route(id, msg, handle)), this.opts.log.child({ worker: id }));
    return {
      id,
      worker: null,
      ready: Promise.resolve(),
      serving: false,
      send: (msg, handle) => setImmediate(() => engine.onMessage(msg, handle)),
    };
  }

  private fork(): EngineLink {
    cluster.setupPrimary({ exec: WORKER_ENTRY.file, execArgv: workerExecArgv(WORKER_ENTRY.execArgv), args: [] });
    const worker = cluster.fork({ SPILLWAY_AGENT_NAME: this.opts.name });
    this.alive.add(worker);
    let hello: () => void = () => {};
    let early: (err: Error) => void = () => {};
    let said = false;
    const link: EngineLink = {
      id: worker.id,
      worker,
      ready: new Promise<void>((resolve, reject) => {
        hello = () => {
          said = true;
          resolve();
        };
        early = reject;
      }),
      serving: false,
      send: (msg, handle) => {
        if (!worker.isConnected()) {
          closeRaw(handle);
          return;
        }
        if (handle)
          worker.send(msg, handle as never, {}, (err) => {
            closeRaw(handle); // our copy of the raw handle
            if (err) this.failedSend(worker.id, err);
          });
        else worker.send(msg, (err) => err && this.failedSend(worker.id, err));
      },
    };
    // A channel error with no send callback to take it (the process's own): logged, never thrown.
    worker.on('error', (err: Error) => this.failedSend(worker.id, err));
    worker.on('message', (msg: FromEngine, handle?: net.Socket) => {
      if (msg.t === 'hello') {
        hello();
        return;
      }
      this.route(worker.id, msg, handle);
    });
    worker.on('exit', (code, signal) => {
      this.alive.delete(worker);
      if (!said) early(new AgentError('SPILLWAY_AGENT_WORKER_FAILED', `worker ${worker.id} exited (${signal ?? code}) before it was ready`));
      this.engines.delete(worker.id);
      this.opts.onGone(worker.id);
      if (this.closing) return;
      this.restarted++;
      this.opts.log.warn({ event: 'worker_exit', worker: worker.id, code, signal }, 'worker exited; starting a replacement');
      const next = this.fork();
      next.ready
        .then(() => this.opts.onReplacement(next))
        .catch((err: unknown) => this.opts.log.error({ event: 'worker_replacement_failed', worker: next.id, err }, 'replacement worker not brought up'));
    });
    return link;
  }
}
