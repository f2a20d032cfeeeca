// The agent: a primary (pool manager for its engines, monitors, admin) and its engines (one per
// worker process under node:cluster, or one in this process with workers: 0).
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import {
  AgentDocument,
  checkAgentConfig,
  parseAgentChange,
  reachSize,
  servedSite,
  wholeChange,
  type AgentConfig,
  type ConfigChange,
  type Reach,
} from './config.js';
import { parsePoolKey, serviceKey, type ConfigDocument, type ResourceKind } from '@spillway/protocol';
import { AgentError } from './errors.js';
import { Requests } from './ipc.js';
import { createLogger, type Logger } from './log.js';
import type { AgentBandwidth } from './admission.js';
import type { FromEngine } from './messages.js';
import { EnforcedHealth } from './enforced-health.js';
import { servedConfig } from './feedback.js';
import { Monitors } from './monitors.js';
import { healthPercent, isAvailable, LiveServices, type AgentFeedback } from '@spillway/core';
import { processFaults } from './process-guard.js';
import { QuotaPrimary, type QuotaUpstream } from './quota-primary.js';
import { isServiceToPrimary } from './service-state.js';
import { ServiceStatePrimary, type SelectionUpstream } from './service-state-primary.js';
import { StatsView, type AgentStats } from './stats-view.js';
import { WorkerSet, type EngineLink } from './worker-set.js';
import { NO_SITES, type SiteTable } from './sites.js';
import { emptyHandleErrors, EngineCounters, type ActiveCounts, type CounterSnapshot } from './stats.js';

export interface AgentOptions {
  /** The declarative document (services, monitors, vservers, optional agent section). */
  config: unknown;
  /** File the document came from; `reload()` (SIGHUP, POST /reload) reads it again. */
  configPath?: string;
  /** Overrides of the agent section (tests, main's environment variables). */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export type { AgentStats, ServiceStats, VServerStats } from './stats-view.js';

export type { ActiveCounts } from './stats.js';

/** A service turned UP or DOWN by its monitors (`at`: epoch ms). */
export interface ServiceTransition {
  service: string;
  state: 'UP' | 'DOWN';
  at: number;
}
export interface AgentEvents {
  transition: [ServiceTransition];
  active: [ActiveCounts];
  /** The agent's own agent-check feedback changed (the control client reports it at once). */
  feedback: [];
}

export interface Agent {
  readonly name: string;
  /** The port each addressable vserver listens on (port 0 in the document resolved). */
  ports(): Record<string, number>;
  /** Validates and applies a whole document (as its diff from the one running); established connections keep flowing. */
  applyConfig(doc: unknown): Promise<{ version: number }>;
  /**
   * Validates and applies a delta (resources upserted whole, names removed) onto the document
   * running, in time proportional to it: only what it reaches is rebuilt, here and in every engine.
   */
  applyDelta(delta: { upserted: ConfigDocument; removed: Record<ResourceKind, string[]> }): Promise<{ version: number }>;
  /** Reads the config file again and applies it. */
  reload(): Promise<{ version: number }>;
  /**
   * Sets the agent's allowance of a vserver's connection limit (pushed by the control plane when
   * the agent is one engine of the global pool); null returns to the locally derived threshold.
   * A service's capacity pool is named by its serviceKey (pool-key.ts): its allowance caps what the
   * agent's pool of the service shares among the workers (null: the whole capacity).
   */
  setAllowance(vserver: string, limit: number | null): void;
  /**
   * Who to ask for more uses the moment a vserver's allowance is all in use (the control
   * client); the connections waiting are held until it answers. null: spill at once (standalone).
   */
  setQuotaUpstream(upstream: QuotaUpstream | null): void;
  /**
   * The end of the agent's lease on its pushed allowances (monotonicMs of quota-worker.ts; null:
   * none): past it no engine admits on them, until the control client renews it.
   */
  setQuotaLease(until: number | null): void;
  /**
   * The control plane's quorum state of each service (`service-states`): enforced instead of the
   * agent's own monitors for the services it names (limits, the health method, which services get
   * new connections); null (control plane unreachable): the own monitors decide again.
   */
  setQuorumStates(states: Record<string, 'UP' | 'DOWN'> | null): void;
  /** The agent's share (0..1) of the bandwidth thresholds of each vserver named (the control plane's split of the budget). */
  setBandwidthShares(shares: Record<string, number>): void;
  /**
   * Sites (site-weights): each siteBalancing vserver's site availability and each site's agents;
   * `self`: the address this agent is reached at (forwarded connections leave from it). Kept while
   * the control plane is unreachable.
   */
  setSiteWeights(weights: Pick<SiteTable, 'vservers' | 'agents'>, self: string | null): void;
  /**
   * Feedback the services' backends pushed to the control plane (service-feedback; null: cleared),
   * served on top of the agent's own agent-check feedback; `replace`: the whole set. Kept while the control plane is unreachable.
   */
  setPushedFeedback(feedback: Record<string, AgentFeedback | null>, replace: boolean): void;
  /** availablecapacity: per service, its active connections on the other agents (service-loads; a service not named: none). */
  setRemoteLoads(loads: Record<string, number>): void;
  /** The control plane's service manager, for selection: manager vservers (the control client); null: every client is placed here. */
  setSelectionUpstream(upstream: SelectionUpstream | null): void;
  /**
   * Uses of `vserver` the workers may have in flight right now (allowances plus uses still owed
   * after a cut; null without a limit): read synchronously, so a revoke is acknowledged with
   * what is committed after the cut, never from an older report.
   */
  quotaCommitted(vserver: string): number | null;
  /** True once every worker answered the last cut of `vserver` with its uses in flight: quotaCommitted is what they hold. */
  quotaSettled(vserver: string): boolean;
  stats(): Promise<AgentStats>;
  /** The agent's active connections per vserver and service, as its engines last pushed them (read synchronously). */
  active(): ActiveCounts;
  /**
   * Pushed as they happen, nothing to poll: `transition`, a service's monitors turned it UP or
   * DOWN; `active`, the agent's active connections changed (engines push theirs in the next
   * turn of timers after a quiet spell, at most once per ACTIVE_PUSH_MS under churn).
   */
  readonly events: EventEmitter<AgentEvents>;
  readonly config: AgentConfig;
  /** Stops accepting, drains connections up to the drain deadline, stops every worker. */
  close(): Promise<void>;
}

/** A change of nothing (feedback served again), and what it reaches. */
const NO_CHANGE: ConfigChange = wholeChange({ services: [], monitors: [], vservers: [] });
const NO_REACH: Reach = { services: new Set(), monitors: new Set(), vservers: new Set() };

export async function createAgent(opts: AgentOptions): Promise<Agent> {
  const given = checkAgentConfig(opts.config, opts.env ?? {});
  /** Process-level settings (workers, admin port) stay as started; the rest applies live. */
  const section = given.agent;
  /** The document as given (every site's part); `served` is what this agent and its engines run: its site's part, agent-check and pushed feedback applied (feedback.ts). */
  const configured = new AgentDocument(section);
  const served = new AgentDocument(section);
  /** The served document as lists (made once per version). */
  const cfg = (): AgentConfig => served.config();
  /** The served document is the configured one itself (no site part taken, no feedback): a change is served as it is. */
  let plain = false;
  /** Feedback the backends pushed to the control plane, by service (service-feedback). */
  let pushedFeedback: Record<string, AgentFeedback> = {};
  const log = opts.log ?? createLogger({ agent: section.name, role: 'primary' });
  const started = Date.now();
  const allowances = new Map<string, number>();
  const applies = new Requests<{ ports: Record<string, number>; rebuilt: number; error?: string }>();
  /** The objects (services, monitors, vservers) the last apply rebuilt (the most of the primary and any engine), and in all. */
  const rebuilt = { last: 0, total: 0 };
  /** How long the last document or delta took to apply (checked, served here and by every engine), ms. */
  let applyMs = 0;
  /** The engines' counters as they report their changes, and the agent's sum (stats.ts). */
  const counters = new EngineCounters();
  const snapshots = new Requests<true>();
  let ports: Record<string, number> = {};
  let version = 0;
  let rejected = 0;
  const events = new EventEmitter<AgentEvents>();

  const workers = new WorkerSet({
    log,
    name: section.name,
    policy: section.schedulingPolicy,
    onMessage: onEngineMessage,
    onGone: (id) => {
      applies.gone(id);
      snapshots.gone(id);
      counters.gone(id);
      view.engineGone(id);
      syncQuota();
    },
    onReplacement: async (link) => {
      const r = await bringUp([link]);
      if (r.errors.length > 0)
        log.error({ event: 'worker_config_failed', worker: link.id, errors: r.errors }, 'replacement worker could not apply the configuration');
      Object.assign(ports, r.ports);
    },
  });
  const quota = new QuotaPrimary((engine, msg) => workers.send(engine, msg));
  /** Agent-wide service capacity, surge queues, least-connection counts and source-IP table. */
  const services = new ServiceStatePrimary((engine, msg) => workers.send(engine, msg));
  services.budgetMs = section.selectionBudgetMs;
  const selectionView = (): ReturnType<ServiceStatePrimary['selectionView']> => services.selectionView();
  /** This agent's share of each vserver's bandwidth thresholds (the control plane's split; absent: 1, the whole). */
  const bandwidthShares = new Map<string, number>();
  /** The sites as the engines route by them (sites.ts), and when the control plane last sent them. */
  let siteTable: SiteTable = NO_SITES;
  let sitesAt: number | null = null;
  let lastKbps: Record<string, { in: number; out: number }> = {};
  const broadcastBandwidth = (): void => {
    const kbps: Record<string, AgentBandwidth> = {};
    for (const [vs, k] of Object.entries(lastKbps)) kbps[vs] = { in: k.in, out: k.out, share: bandwidthShares.get(vs) ?? 1 };
    workers.broadcast({ t: 'bw', kbps });
  };
  const view = new StatsView({
    snapshot: gather,
    vservers: () => cfg().vservers,
    onBandwidth: (kbps) => {
      lastKbps = kbps;
      broadcastBandwidth();
    },
    onActive: (active) => events.emit('active', active),
  });
  const syncQuota = (): void => {
    quota.setEngines(workers.servingIds(), workers.startingIds());
    services.setEngines(workers.servingIds(), workers.startingIds());
  };
  /** The state each service is enforced with: the control plane's quorum state, else the own monitors'. */
  const health = new EnforcedHealth(() => monitors.states());
  const monitors = new Monitors(
    log,
    (changed) => {
      // The own verdicts go to the control plane as they are (its votes); only those the quorum does not override are enforced.
      const at = Date.now();
      for (const [service, up] of Object.entries(changed)) events.emit('transition', { service, state: up ? 'UP' : 'DOWN', at });
      enforce(health.ownChanged(changed));
    },
    () => {
      serveFeedback();
      events.emit('feedback');
    },
  );
  /** Agent-check feedback changed: the document is served again with it (same version; open connections stay). */
  function serveFeedback(): void {
    serve(NO_CHANGE, [...workers.engines.values()]).then(
      (r) => {
        if (r.errors.length > 0) log.error({ event: 'feedback_apply_failed', errors: r.errors }, 'workers could not apply agent-check feedback');
      },
      (err: unknown) => log.error({ event: 'feedback_apply_failed', err: (err as Error).message }, 'workers could not apply agent-check feedback'),
    );
  }
  /** Enforced states that changed: to the engines (health, service selection) and the limits. */
  function enforce(changed: Record<string, boolean>): void {
    if (Object.keys(changed).length === 0) return;
    workers.broadcast({ t: 'states', up: changed });
    pushStates(changed);
  }

  /**
   * Each vserver's bound services with their live health (core's LiveServices, the one limit
   * derivation), updated with each change for the vservers it reached: a monitor transition
   * re-derives only the vservers bound to that service.
   */
  const live = new LiveServices<AgentConfig['vservers'][number]>([], [], () => true);

  /** The limit the quota enforces for `vsName`: core's, capped by the allowance the control plane pushed. */
  function limitOf(vsName: string): number | null {
    const local = live.limit(vsName);
    if (local === null) return null;
    const pushed = allowances.get(vsName);
    return pushed === undefined ? local : Math.min(local, pushed);
  }

  /** The limits of the vservers `names` to the quota (null: every vserver, engines starting). */
  function pushLimits(names: Iterable<string> | null): void {
    for (const name of names ?? served.vservers.keys()) quota.setLimit(name, served.vservers.has(name) ? limitOf(name) : null);
  }

  /** Monitor transitions: the limits of the vservers bound to a changed service, and only those. */
  function pushStates(changed: Record<string, boolean>): void {
    for (const [service, up] of Object.entries(changed)) for (const vs of live.setUp(service, up)) quota.setLimit(vs, limitOf(vs));
    services.apply(served, NO_REACH, changed);
  }

  /** What the served document must change for `change` of the configured one (applied already). */
  function servedChange(change: ConfigChange): ConfigChange {
    const feedback = monitors.feedback();
    const asIs = section.site === null && Object.keys(feedback).length === 0 && Object.keys(pushedFeedback).length === 0;
    const wasPlain = plain;
    plain = asIs;
    if (asIs && wasPlain) return change;
    // This agent's site of it, with feedback (or back to the document as given): its diff from the one served.
    return served.diff(servedConfig(servedSite(configured.config()), feedback, pushedFeedback));
  }

  /**
   * The one apply, of a delta or a whole document (as its diff from the configured one): the
   * change is made on the served document, then on the primary's monitors, selection state and
   * limits and on `targets`' engines, each rebuilding only what it reached (resources.ts `reach`):
   * its work is proportional to the change, whatever the size of the document.
   */
  async function serve(change: ConfigChange, targets: EngineLink[]): Promise<{ ports: Record<string, number>; errors: string[] }> {
    configured.apply(change);
    const delta = servedChange(change);
    const reach = served.apply(delta);
    monitors.apply(served, reach);
    const stateOf = (name: string): boolean | undefined => health.stateOf(name, (n) => monitors.stateOf(n));
    const states: Record<string, boolean> = {};
    for (const name of reach.services) {
      const up = stateOf(name);
      if (up !== undefined) states[name] = up;
    }
    live.update(
      reach.vservers,
      (n) => served.vservers.get(n),
      (n) => served.services.get(n),
      (n) => stateOf(n) ?? true,
    );
    pushLimits(reach.vservers);
    services.apply(served, reach, states);
    rebuilt.last = reachSize(reach);
    const r = await sendConfig(targets, delta, states);
    rebuilt.total += rebuilt.last;
    return r;
  }

  /** Messages of the engines the worker set does not route between engines itself. */
  function onEngineMessage(from: number, msg: FromEngine, _handle?: net.Socket): void {
    if (isServiceToPrimary(msg)) {
      services.onMessage(from, msg);
      return;
    }
    switch (msg.t) {
      case 'q.borrow':
      case 'q.return':
      case 'q.room':
      case 'q.synced':
        quota.onMessage(from, msg);
        return;
      case 'applied':
        applies.reply(from, msg.id, { ports: msg.ports, rebuilt: msg.rebuilt, ...(msg.error !== undefined ? { error: msg.error } : {}) });
        return;
      case 'stats':
        // Every report in the order sent, also one answered too late: the next carries only what changed since.
        counters.apply(from, msg.counters);
        snapshots.reply(from, msg.id, true);
        return;
      case 'active':
        view.engineActive(from, msg.counts);
        return;
      default:
        return;
    }
  }

  /** Sends a change (and the states of the services it reached) to `targets` and collects the ports they bound and their errors. */
  async function sendConfig(
    targets: EngineLink[],
    change: ConfigChange,
    states: Record<string, boolean>,
  ): Promise<{ ports: Record<string, number>; errors: string[] }> {
    const { replies, missing } = await applies.ask(
      targets.map((e) => e.id),
      (engine, id) => workers.send(engine, { t: 'config', id, change, agent: section, states }),
      15_000,
    );
    if (missing.length > 0) log.warn({ event: 'config_apply_unanswered', workers: missing }, 'workers did not answer the configuration in 15 s');
    const out = { ports: {} as Record<string, number>, errors: [] as string[] };
    for (const r of replies.values()) {
      Object.assign(out.ports, r.ports);
      rebuilt.last = Math.max(rebuilt.last, r.rebuilt);
      if (r.error !== undefined) out.errors.push(r.error);
    }
    return out;
  }

  /**
   * Configures engines that said hello and only then gives them a share of the quota: until it
   * listens, a starting engine holds no uses (the serving ones keep the whole allowance) and
   * hands any connection it gets to an engine with room.
   */
  async function bringUp(links: EngineLink[]): Promise<{ ports: Record<string, number>; errors: string[] }> {
    workers.add(links);
    syncQuota();
    pushLimits(null);
    // A new engine runs nothing yet: the whole served document is its change.
    const r = await sendConfig(links, wholeChange(cfg()), health.states());
    workers.markServing(links);
    if (siteTable !== NO_SITES) for (const l of links) workers.send(l.id, { t: 'sites', table: siteTable });
    syncQuota();
    return r;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  await serve(wholeChange(given), []);
  const first = await bringUp(await workers.start(section.workers));
  if (first.errors.length > 0) {
    await shutdown(0);
    throw new AgentError('SPILLWAY_AGENT_LISTEN_FAILED', first.errors.join('; '));
  }
  ports = first.ports;
  version = 1;
  log.info({ event: 'agent_started', workers: section.workers, ports }, 'agent started');

  async function gather(): Promise<CounterSnapshot> {
    await snapshots.ask([...workers.engines.keys()], (engine, id) => workers.send(engine, { t: 'stats?', id, full: counters.wantsFull(engine) }), 2_000);
    return counters.snapshot();
  }

  view.start();

  /** A document or delta refused: counted and logged; the version running keeps running. */
  function refused(err: unknown): never {
    rejected++;
    log.warn(
      { event: 'config_rejected', details: err instanceof AgentError ? err.details.slice(0, 20) : [] },
      `configuration refused; version ${version} keeps running: ${(err as Error).message.slice(0, 500)}`,
    );
    throw err;
  }

  /** Serves a checked change to every engine as the next version (`t0`: when its check began). */
  async function applyChange(change: ConfigChange, t0: number): Promise<{ version: number }> {
    const r = await serve(change, [...workers.engines.values()]);
    applyMs = performance.now() - t0;
    ports = r.ports;
    if (r.errors.length > 0) throw new AgentError('SPILLWAY_AGENT_LISTEN_FAILED', r.errors.join('; '));
    version++;
    log.info(
      { event: 'config_applied', version, vservers: served.vservers.size, services: served.services.size, rebuilt: rebuilt.last },
      'configuration applied',
    );
    return { version };
  }

  async function applyConfig(doc: unknown): Promise<{ version: number }> {
    const t0 = performance.now();
    let next: AgentConfig;
    try {
      next = checkAgentConfig(doc, opts.env ?? {});
    } catch (err) {
      refused(err);
    }
    return applyChange(configured.diff(next), t0);
  }

  async function applyDelta(delta: Parameters<Agent['applyDelta']>[0]): Promise<{ version: number }> {
    const t0 = performance.now();
    let change: ConfigChange;
    try {
      change = parseAgentChange(delta, configured);
    } catch (err) {
      refused(err);
    }
    return applyChange(change, t0);
  }

  async function shutdown(deadlineMs: number): Promise<void> {
    view.stop();
    monitors.stop();
    await workers.close(deadlineMs);
  }

  const agent: Agent = {
    get name() {
      return section.name;
    },
    get config() {
      return cfg();
    },
    ports: () => ({ ...ports }),
    applyConfig,
    applyDelta,
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
      services.capacityUpstream = upstream ? (service, want) => upstream(serviceKey(service), want) : null;
    },
    setQuotaLease: (until) => quota.setLease(until),
    quotaCommitted: (key) => {
      const p = parsePoolKey(key);
      return p.pool === 'service' ? services.pools.committed(p.name) : quota.committed(key);
    },
    quotaSettled: (key) => {
      const p = parsePoolKey(key);
      return p.pool === 'service' ? services.pools.settled(p.name) : quota.settled(key);
    },
    setQuorumStates: (states) => enforce(health.setQuorum(states)),
    setSelectionUpstream(upstream) {
      services.upstream = upstream;
    },
    setBandwidthShares(shares) {
      for (const [vs, share] of Object.entries(shares)) bandwidthShares.set(vs, Math.min(1, Math.max(0, share)));
      broadcastBandwidth();
    },
    setSiteWeights(weights, self) {
      siteTable = { site: section.site, self, vservers: weights.vservers, agents: weights.agents };
      sitesAt = Date.now();
      workers.broadcast({ t: 'sites', table: siteTable });
    },
    setPushedFeedback(feedback, replace) {
      const next = new Map(replace ? [] : Object.entries(pushedFeedback));
      for (const [name, f] of Object.entries(feedback)) {
        if (f === null) next.delete(name);
        else next.set(name, f);
      }
      pushedFeedback = Object.fromEntries(next);
      log.info({ event: 'pushed_feedback', services: Object.keys(feedback).length, replace }, 'feedback pushed by backends applied');
      serveFeedback();
    },
    setRemoteLoads(loads) {
      services.setRemoteLoads(loads);
    },
    setAllowance(vs, limit) {
      const p = parsePoolKey(vs);
      if (p.pool === 'service') {
        services.setAllowance(p.name, limit);
        return;
      }
      if (limit === null) allowances.delete(vs);
      else allowances.set(vs, limit);
      if (served.vservers.has(vs)) quota.setLimit(vs, limitOf(vs));
    },
    events,
    active: () => view.active(),
    async stats() {
      const snap = await gather();
      const selections = selectionView();
      const { vservers, services: servicesStats } = view.compose(snap, {
        vservers: cfg().vservers,
        services: cfg().services,
        health: monitors.view(),
        quota: quota.view(),
        vserverHealth: (name) => {
          const b = live.statuses(name);
          return {
            state: b.some(isAvailable) ? 'UP' : 'DOWN',
            threshold: limitOf(name),
            health_percent: Math.round(healthPercent(b) * 100) / 100,
            bandwidth_share: bandwidthShares.get(name) ?? 1,
          };
        },
      });
      for (const [name, c] of Object.entries(selections)) {
        const v = vservers[name];
        if (v) v.selection = c;
      }
      for (const [name, n] of services.allowanceEntries()) {
        const s = servicesStats[name];
        if (s) s.capacity_allowance = n;
      }
      return {
        agent: {
          name: section.name,
          pid: process.pid,
          workers: section.workers,
          schedulingPolicy: workers.policy,
          engines: workers.servingIds(),
          workerPids: workers.pids(),
          configVersion: version,
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
          workers_restarted_total: workers.restarted,
          worker_send_failed_total: workers.sendFailed,
          monitor_errors_total: monitors.errors,
          handle_errors_total: snap.handle_errors ?? emptyHandleErrors(),
          unhandled_rejections_total: processFaults.unhandledRejections,
          config_rejected_total: rejected,
          config_objects_rebuilt_last: rebuilt.last,
          config_objects_rebuilt_total: rebuilt.total,
          config_apply_ms_last: Math.round(applyMs * 1000) / 1000,
        },
        listeners: { ...ports },
        ...(siteTable === NO_SITES
          ? {}
          : { sites: { site: siteTable.site, self: siteTable.self, weights: siteTable.vservers, agents: siteTable.agents, receivedAt: sitesAt } }),
        vservers,
        services: servicesStats,
        ...(snap.migration ? { migration: snap.migration } : {}),
      };
    },
    close: () => shutdown(section.drainTimeoutMs),
  };
  return agent;
}
