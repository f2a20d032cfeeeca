// The agent: a primary (pool manager for its engines, monitors, admin) and its engines (one per
// worker process under node:cluster, or one in this process with workers: 0).
import cluster, { type Worker } from 'node:cluster';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgentConfig, type AgentConfig } from './config.js';
import { Engine } from './engine.js';
import { AgentError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import type { FromEngine, ToEngine } from './messages.js';
import { Monitors, type ServiceHealthView } from './monitors.js';
import { healthPercent, RateMeter, type ServiceStatus } from '@spillway/core';
import { quotaLimit, statusesOf, usable } from './decisions.js';
import { processFaults } from './process-guard.js';
import { QuotaPrimary, type QuotaUpstream, type QuotaView } from './quota-primary.js';
import { applySchedulingPolicy } from './worker-set.js';
import { emptyServiceCounters, emptyVServerCounters, mergeSnapshots, type CounterSnapshot, type ServiceCounters, type VServerCounters } from './stats.js';

export interface AgentOptions {
  /** The declarative document (services, monitors, vservers, optional agent section). */
  config: unknown;
  /** File the document came from; `reload()` (SIGHUP, POST /reload) reads it again. */
  configPath?: string;
  /** Overrides of the agent section (tests, main's environment variables). */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface VServerStats extends VServerCounters {
  state: 'UP' | 'DOWN';
  threshold: number | null;
  health_percent: number;
  cx_rate: number;
  rx_bytes_rate: number;
  tx_bytes_rate: number;
  spillovers_rate: number;
  quota: QuotaView | null;
}
export interface ServiceStats extends ServiceCounters {
  state: 'UP' | 'DOWN';
  health_transitions_total: number;
  monitors: ServiceHealthView['monitors'];
}
export interface AgentStats {
  agent: {
    name: string;
    pid: number;
    workers: number;
    /** How the workers share a listener (the policy in effect in this process; see worker-set.ts). */
    schedulingPolicy: 'rr' | 'none';
    engines: number[];
    workerPids: number[];
    configVersion: number;
    uptimeSeconds: number;
    workers_restarted_total: number;
    /** Probe tries that threw instead of answering (a config value the request cannot carry, a bug): failed tries, never a crash. */
    monitor_errors_total: number;
    /** Promises of the primary rejected with no handler (logged; the process keeps running). */
    unhandled_rejections_total: number;
    /** Documents refused (file reload, POST /reload, control-plane snapshot): the last good one keeps running. */
    config_rejected_total: number;
  };
  listeners: Record<string, number>;
  vservers: Record<string, VServerStats>;
  services: Record<string, ServiceStats>;
}

export interface Agent {
  readonly name: string;
  /** The port each addressable vserver listens on (port 0 in the document resolved). */
  ports(): Record<string, number>;
  /** Validates and applies a whole document; established connections keep flowing. */
  applyConfig(doc: unknown): Promise<{ version: number }>;
  /** Reads the config file again and applies it. */
  reload(): Promise<{ version: number }>;
  /**
   * Sets the agent's allocation of a vserver's connection limit (pushed by the control plane when
   * the agent is one engine of the global pool); null returns to the locally derived threshold.
   */
  setAllocation(vserver: string, limit: number | null): void;
  /**
   * Who to ask for more uses the moment a vserver's allocation is all in use (the control
   * client); the connections waiting are held until it answers. null: spill at once (standalone).
   */
  setQuotaUpstream(upstream: QuotaUpstream | null): void;
  /**
   * The end of the agent's lease on its pushed allocations (monotonicMs of quota-worker.ts; null:
   * none): past it no engine admits on them, until the control client renews it.
   */
  setQuotaLease(until: number | null): void;
  /**
   * Uses of `vserver` the workers may have in flight right now (allowances plus uses still owed
   * after a cut; null without a limit): read synchronously, so a revoke is acknowledged with
   * what is held after the cut, never from an older report.
   */
  quotaCommitted(vserver: string): number | null;
  stats(): Promise<AgentStats>;
  readonly config: AgentConfig;
  /** Stops accepting, drains connections up to the drain deadline, stops every worker. */
  close(): Promise<void>;
}

/** `serving`: configured and listening; only serving engines hold a share of the quota. */
interface EngineLink {
  id: number;
  send(msg: ToEngine, handle?: net.Socket): void;
  worker: Worker | null;
  ready: Promise<void>;
  serving: boolean;
}

/** Closes a raw handle (TCP wrap) received over IPC, or destroys a socket. */
function closeRaw(handle: unknown): void {
  if (!handle) return;
  const h = handle as { destroy?: () => void; close?: () => void };
  if (typeof h.destroy === 'function') h.destroy();
  else if (typeof h.close === 'function') h.close();
}

const WORKER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');
const SAMPLE_MS = 1000;
const RATE_WINDOW_MS = 10_000;

export async function createAgent(opts: AgentOptions): Promise<Agent> {
  let config = parseAgentConfig(opts.config, opts.env ?? {});
  const log = opts.log ?? createLogger({ agent: config.agent.name, role: 'primary' });
  const started = Date.now();
  const engines = new Map<number, EngineLink>();
  const allocations = new Map<string, number>();
  const pendingApplies = new Map<number, { waiting: Set<number>; ports: Record<string, number>; errors: string[]; resolve: () => void }>();
  const pendingStats = new Map<number, { waiting: Set<number>; snaps: CounterSnapshot[]; resolve: () => void }>();
  // Per vserver: bytes (in = rx, out = tx) and events (in = connections, out = spillovers) over
  // the stats window; bandwidth for the bandwidth method over a short window.
  const meters = new Map<string, { bytes: RateMeter; events: RateMeter; bw: RateMeter }>();
  const drainWaiters = new Map<number, () => void>();
  let ports: Record<string, number> = {};
  let version = 0;
  let nextId = 1;
  let closing = false;
  let restarted = 0;
  let rejected = 0;
  let kbps: Record<string, { in: number; out: number }> = {};
  let schedulingPolicy = config.agent.schedulingPolicy;

  const quota = new QuotaPrimary((engine, msg) => engines.get(engine)?.send(msg));
  const broadcast = (msg: ToEngine): void => {
    for (const e of engines.values()) e.send(msg);
  };
  const servingIds = (): number[] => [...engines.values()].filter((e) => e.serving).map((e) => e.id);
  const syncQuota = (): void =>
    quota.setEngines(
      servingIds(),
      [...engines.values()].filter((e) => !e.serving).map((e) => e.id),
    );
  const monitors = new Monitors(log, (changed) => {
    broadcast({ t: 'states', up: changed });
    pushLimits();
  });

  function bound(states: Record<string, boolean>, vsName: string): ServiceStatus[] {
    const vs = config.vservers.find((v) => v.name === vsName);
    if (!vs) return [];
    return statusesOf(
      vs,
      (name) => config.services.find((x) => x.name === name),
      (name) => states[name] ?? true,
    );
  }

  function limitOf(vsName: string, states: Record<string, boolean>): number | null {
    const vs = config.vservers.find((v) => v.name === vsName);
    if (!vs) return null;
    const local = quotaLimit(vs, bound(states, vsName));
    if (local === null) return null;
    const pushed = allocations.get(vsName);
    return pushed === undefined ? local : Math.min(local, pushed);
  }

  function pushLimits(): void {
    const states = monitors.states();
    const names = new Set(config.vservers.map((v) => v.name));
    for (const name of Object.keys(quota.view())) if (!names.has(name)) quota.setLimit(name, null);
    for (const v of config.vservers) quota.setLimit(v.name, limitOf(v.name, states));
  }

  function onEngineMessage(from: number, msg: FromEngine, handle?: net.Socket): void {
    switch (msg.t) {
      case 'q.borrow':
      case 'q.return':
      case 'q.room':
        quota.onMessage(from, msg);
        return;
      case 'handoff': {
        const target = engines.get(msg.to) ?? engines.get(from);
        if (!handle) return;
        if (!target) {
          closeRaw(handle);
          return;
        }
        target.send({ t: 'handoff', root: msg.root, at: msg.at, tried: msg.tried, ...(msg.head !== undefined ? { head: msg.head } : {}) }, handle);
        return;
      }
      case 'persist':
        for (const e of engines.values()) if (e.id !== from) e.send({ t: 'persist', key: msg.key, vs: msg.vs, timeoutMs: msg.timeoutMs });
        return;
      case 'applied': {
        const p = pendingApplies.get(msg.id);
        if (!p) return;
        Object.assign(p.ports, msg.ports);
        if (msg.error) p.errors.push(msg.error);
        p.waiting.delete(from);
        if (p.waiting.size === 0) p.resolve();
        return;
      }
      case 'stats': {
        const p = pendingStats.get(msg.id);
        if (!p) return;
        p.snaps.push(msg.snapshot);
        p.waiting.delete(from);
        if (p.waiting.size === 0) p.resolve();
        return;
      }
      case 'drained':
        drainWaiters.get(from)?.();
        drainWaiters.delete(from);
        return;
      default:
        return;
    }
  }

  async function sendConfig(targets: EngineLink[]): Promise<{ ports: Record<string, number>; errors: string[] }> {
    const id = nextId++;
    const entry = { waiting: new Set(targets.map((e) => e.id)), ports: {} as Record<string, number>, errors: [] as string[], resolve: () => {} };
    const done = new Promise<void>((resolve) => {
      entry.resolve = resolve;
    });
    pendingApplies.set(id, entry);
    const states = monitors.states();
    for (const e of targets) e.send({ t: 'config', id, config, states });
    if (targets.length > 0) await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
    pendingApplies.delete(id);
    return { ports: entry.ports, errors: entry.errors };
  }

  // ---- engines ----------------------------------------------------------------------------

  function addInProcessEngine(): EngineLink {
    const id = 0;
    const engine = new Engine(id, (msg, handle) => setImmediate(() => onEngineMessage(id, msg, handle)), log.child({ worker: id }));
    const link: EngineLink = {
      id,
      worker: null,
      ready: Promise.resolve(),
      serving: false,
      send: (msg, handle) => setImmediate(() => engine.onMessage(msg, handle)),
    };
    engines.set(id, link);
    return link;
  }

  function forkWorker(): EngineLink {
    const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    schedulingPolicy = applySchedulingPolicy(config.agent.schedulingPolicy, log);
    cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv, args: [] });
    const worker = cluster.fork({ SPILLWAY_AGENT_NAME: config.agent.name });
    let hello: () => void = () => {};
    const link: EngineLink = {
      id: worker.id,
      worker,
      ready: new Promise<void>((r) => {
        hello = r;
      }),
      serving: false,
      send: (msg, handle) => {
        if (!worker.isConnected()) {
          closeRaw(handle);
          return;
        }
        if (handle)
          worker.send(msg, handle as never, {}, () => closeRaw(handle)); // our copy of the raw handle
        else worker.send(msg);
      },
    };
    worker.on('message', (msg: FromEngine, handle?: net.Socket) => {
      if (msg.t === 'hello') {
        hello();
        return;
      }
      onEngineMessage(worker.id, msg, handle);
    });
    worker.on('exit', (code, signal) => {
      engines.delete(worker.id);
      for (const p of pendingApplies.values()) {
        p.waiting.delete(worker.id);
        if (p.waiting.size === 0) p.resolve();
      }
      for (const p of pendingStats.values()) {
        p.waiting.delete(worker.id);
        if (p.waiting.size === 0) p.resolve();
      }
      syncQuota();
      if (closing) return;
      restarted++;
      log.warn({ event: 'worker_exit', worker: worker.id, code, signal }, 'worker exited; starting a replacement');
      void startWorker();
    });
    return link;
  }

  /**
   * Configures engines that said hello and only then gives them a share of the quota: until it
   * listens, a starting engine holds no uses (the serving ones keep the whole allocation) and
   * hands any connection it gets to an engine with room.
   */
  async function bringUp(links: EngineLink[]): Promise<{ ports: Record<string, number>; errors: string[] }> {
    for (const l of links) engines.set(l.id, l);
    syncQuota();
    pushLimits();
    const r = await sendConfig(links);
    for (const l of links) if (engines.get(l.id) === l) l.serving = true;
    syncQuota();
    return r;
  }

  async function startWorker(): Promise<EngineLink> {
    const link = forkWorker();
    await link.ready;
    const r = await bringUp([link]);
    if (r.errors.length > 0)
      log.error({ event: 'worker_config_failed', worker: link.id, errors: r.errors }, 'replacement worker could not apply the configuration');
    Object.assign(ports, r.ports);
    return link;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  monitors.apply(config);
  if (config.agent.workers === 0) {
    const r = await bringUp([addInProcessEngine()]);
    if (r.errors.length > 0) {
      await shutdown(0);
      throw new AgentError('SPILLWAY_AGENT_LISTEN_FAILED', r.errors.join('; '));
    }
    ports = r.ports;
  } else {
    const links = await Promise.all(
      Array.from({ length: config.agent.workers }, () => {
        const l = forkWorker();
        return l.ready.then(() => l);
      }),
    );
    const r = await bringUp(links);
    if (r.errors.length > 0) {
      await shutdown(0);
      throw new AgentError('SPILLWAY_AGENT_LISTEN_FAILED', r.errors.join('; '));
    }
    ports = r.ports;
  }
  version = 1;
  log.info({ event: 'agent_started', workers: config.agent.workers, ports }, 'agent started');

  async function gather(): Promise<CounterSnapshot> {
    const id = nextId++;
    const entry = { waiting: new Set(engines.keys()), snaps: [] as CounterSnapshot[], resolve: () => {} };
    const done = new Promise<void>((resolve) => {
      entry.resolve = resolve;
    });
    pendingStats.set(id, entry);
    broadcast({ t: 'stats?', id });
    if (entry.waiting.size > 0) await Promise.race([done, new Promise((r) => setTimeout(r, 2_000))]);
    pendingStats.delete(id);
    return mergeSnapshots(entry.snaps);
  }

  const sampler = setInterval(() => {
    void gather().then((snap) => {
      const now = Date.now();
      for (const name of meters.keys()) if (!config.vservers.some((v) => v.name === name)) meters.delete(name);
      for (const [name, c] of Object.entries(snap.vservers)) {
        let m = meters.get(name);
        if (!m) {
          m = {
            bytes: new RateMeter({ windowMs: RATE_WINDOW_MS }),
            events: new RateMeter({ windowMs: RATE_WINDOW_MS }),
            bw: new RateMeter({ windowMs: 2 * SAMPLE_MS }),
          };
          meters.set(name, m);
        }
        m.bytes.observeTotals({ in: c.rx_bytes_total, out: c.tx_bytes_total }, now);
        m.bw.observeTotals({ in: c.rx_bytes_total, out: c.tx_bytes_total }, now);
        m.events.observeTotals({ in: c.cx_total, out: c.spillovers_total }, now);
      }
      kbps = Object.fromEntries(
        config.vservers.map((v) => {
          const m = meters.get(v.name);
          return [v.name, { in: m ? m.bw.kbps('in', now) : 0, out: m ? m.bw.kbps('out', now) : 0 }];
        }),
      );
      if (config.vservers.some((v) => v.spillover.methods.some((m) => m.type === 'bandwidth'))) broadcast({ t: 'bw', kbps });
    });
  }, SAMPLE_MS);
  sampler.unref();

  async function applyConfig(doc: unknown): Promise<{ version: number }> {
    let next: AgentConfig;
    try {
      next = parseAgentConfig(doc, opts.env ?? {});
    } catch (err) {
      rejected++;
      log.warn(
        { event: 'config_rejected', details: err instanceof AgentError ? err.details.slice(0, 20) : [] },
        `configuration refused; version ${version} keeps running: ${(err as Error).message.slice(0, 500)}`,
      );
      throw err;
    }
    // Process-level settings (workers, admin port) stay as started; the rest applies live.
    config = { ...next, agent: config.agent };
    monitors.apply(config);
    pushLimits();
    const r = await sendConfig([...engines.values()]);
    ports = r.ports;
    if (r.errors.length > 0) throw new AgentError('SPILLWAY_AGENT_LISTEN_FAILED', r.errors.join('; '));
    version++;
    log.info({ event: 'config_applied', version, vservers: config.vservers.length, services: config.services.length }, 'configuration applied');
    return { version };
  }

  async function shutdown(deadlineMs: number): Promise<void> {
    closing = true;
    clearInterval(sampler);
    monitors.stop();
    const links = [...engines.values()];
    await Promise.all(
      links.map(
        (l) =>
          new Promise<void>((resolve) => {
            if (!l.worker) {
              drainWaiters.set(l.id, resolve);
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
    engines.clear();
  }

  const agent: Agent = {
    get name() {
      return config.agent.name;
    },
    get config() {
      return config;
    },
    ports: () => ({ ...ports }),
    applyConfig,
    async reload() {
      if (!opts.configPath) throw new AgentError('SPILLWAY_AGENT_NO_CONFIG_FILE', 'this agent was not started from a file');
      const { readFile } = await import('node:fs/promises');
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(opts.configPath, 'utf8'));
      } catch (err) {
        throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', `cannot read ${opts.configPath}: ${(err as Error).message}`);
      }
      return applyConfig(doc);
    },
    setQuotaUpstream(upstream) {
      quota.upstream = upstream;
    },
    setQuotaLease: (until) => quota.setLease(until),
    quotaCommitted: (vs) => quota.committed(vs),
    setAllocation(vs, limit) {
      if (limit === null) allocations.delete(vs);
      else allocations.set(vs, limit);
      pushLimits();
    },
    async stats() {
      const snap = await gather();
      const states = monitors.states();
      const health = monitors.view();
      const q = quota.view();
      const vservers: Record<string, VServerStats> = {};
      for (const v of config.vservers) {
        const c = snap.vservers[v.name] ?? emptyVServerCounters();
        const b = bound(states, v.name);
        const m = meters.get(v.name);
        vservers[v.name] = {
          ...c,
          state: usable(b) ? 'UP' : 'DOWN',
          threshold: limitOf(v.name, states),
          health_percent: Math.round(healthPercent(b) * 100) / 100,
          cx_rate: m?.events.rate('in') ?? 0,
          rx_bytes_rate: m?.bytes.rate('in') ?? 0,
          tx_bytes_rate: m?.bytes.rate('out') ?? 0,
          spillovers_rate: m?.events.rate('out') ?? 0,
          quota: q[v.name] ?? null,
        };
      }
      const services: Record<string, ServiceStats> = {};
      for (const s of config.services) {
        const c = snap.services[s.name];
        const h = health[s.name];
        services[s.name] = {
          ...(c ?? emptyServiceCounters()),
          state: states[s.name] === false ? 'DOWN' : 'UP',
          health_transitions_total: h?.transitions ?? 0,
          monitors: h?.monitors ?? [],
        };
      }
      return {
        agent: {
          name: config.agent.name,
          pid: process.pid,
          workers: config.agent.workers,
          schedulingPolicy,
          engines: servingIds(),
          workerPids: [...engines.values()].map((e) => e.worker?.process.pid ?? process.pid),
          configVersion: version,
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
          workers_restarted_total: restarted,
          monitor_errors_total: monitors.errors,
          unhandled_rejections_total: processFaults.unhandledRejections,
          config_rejected_total: rejected,
        },
        listeners: { ...ports },
        vservers,
        services,
      };
    },
    close: () => shutdown(config.agent.drainTimeoutMs),
  };
  return agent;
}
