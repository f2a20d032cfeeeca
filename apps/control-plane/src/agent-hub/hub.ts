// The agent hub: registry of agents and their sessions, config snapshots pushed on change,
// ACK/NACK bookkeeping, heartbeats and leases, aggregation of service state across agents,
// global limits and quota. Transport-agnostic: the Fastify plugin hands it authenticated sockets.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { changeCount, PROTOCOL_VERSION, wholeReport, type AgentMessage, type Hello, type Report } from '@spillway/protocol';
import {
  AgentSession,
  CLOSE_FORBIDDEN,
  CLOSE_PROTOCOL,
  CLOSE_REPLACED,
  CLOSE_REVOKED,
  CLOSE_SILENT,
  prepareMessage,
  type Corkable,
  type HubLogger,
  type PreparedMessage,
} from './agent-session.js';
import { GlobalQuota, type GlobalQuotaOptions, type QuotaView } from './global-quota.js';
import { BandwidthShares } from './bandwidth-shares.js';
import { replicaPart, ServiceCapacity, type ReplicaSplit } from './service-capacity.js';
import { LimitIndex, type VServerLimit } from './limits.js';
import { ServiceVoteAggregator, type AgentFeedback, type Health, type UpQuorum } from '@spillway/core';
import { SnapshotCache, type Changes, type ConfigSnapshot } from './snapshot-cache.js';
import { SiteExchange } from './sites.js';
import { SpilloverEvents, type SpilloverEvent } from './spillover-events.js';
import { HubMaintenance, type MaintenanceEvent } from './maintenance.js';
import { ServiceLoads } from './service-load.js';
import { HubFeedback, type FeedbackEvent, type HubEffective } from './feedback.js';
import { RemoteLoadsPush } from './remote-loads.js';
import { ServiceManager, type SelectionStore } from './service-manager.js';

export interface AgentHubOptions {
  log: HubLogger;
  heartbeatMs?: number;
  /** Heartbeats an agent may miss before its session is dropped and its quota lease ends. */
  leaseMissedHeartbeats?: number;
  helloTimeoutMs?: number;
  upQuorum?: UpQuorum;
  quota?: GlobalQuotaOptions;
  /**
   * Replicas: each vserver's pool waits for a budget (setBudget: this replica's part of the limit,
   * claimed in Postgres) instead of serving the whole limit to this process's agents.
   */
  budgeted?: boolean;
  /**
   * Hold each service's capacity across agents: the hub pools it like a vserver's limit
   * (service-capacity.ts, issue 12 item 3). Default off (SPILLWAY_SERVICE_CAPACITY_POOLS): see why there.
   */
  serviceCapacity?: boolean;
  /** A vserver is spilling until its agents' reports showed no spill for this long (spillover events; default 10 s). */
  spillHoldMs?: number;
  /** Bearer tokens of the site peers' control planes, by site name (SPILLWAY_SITE_PEER_TOKENS; docs/SITES.md). */
  sitePeerTokens?: Record<string, string>;
  /** Where the service manager's global persistence table is kept beyond memory (the control plane's Postgres). */
  selectionStore?: SelectionStore;
}

export interface NackRecord {
  version: string;
  code: string;
  message: string;
  details: Array<{ path: string; message: string }>;
  at: string;
}

export interface AgentRecord {
  name: string;
  workers: number;
  connected: boolean;
  connectedAt: number | null;
  lastSeenAt: number;
  appliedVersion: string | null;
  /** The last version pushed to it (a delta or a snapshot). */
  sentVersion: string | null;
  /** A version pushed and not answered yet: the next one waits for its ACK/NACK and goes as one delta. */
  inFlight: string | null;
  lastNack: NackRecord | null;
  /** While disconnected: when its quota returns to the pool (null once it did). */
  leaseExpiresAt: number | null;
  report: Report | null;
  session: AgentSession | null;
  /** The site it said it belongs to in its hello, and the address its listeners are reached at (null: none). */
  site?: string | null;
  address?: string | null;
}

export type HubEvent =
  | { kind: 'agent.connected'; agent: string; workers: number }
  | { kind: 'agent.disconnected'; agent: string; reason: string }
  | { kind: 'agent.lease_expired'; agent: string }
  | { kind: 'config.applied'; agent: string; version: string }
  | { kind: 'config.rejected'; agent: string; version: string; code: string; message: string }
  | { kind: 'service.state_changed'; service: string; state: Health; up: number; voters: number; agent: string }
  | { kind: 'threshold.changed'; vserver: string; from: number | null; to: number | null; method: string | null }
  | { kind: 'quota.rebalanced'; vserver: string | null; reason: string }
  | SpilloverEvent
  | FeedbackEvent
  | MaintenanceEvent;

export class AgentHub extends EventEmitter {
  readonly snapshots = new SnapshotCache();
  /** Each service's active connections across the connected agents, with its state by quorum (service-load.ts). */
  readonly loads: ServiceLoads = new ServiceLoads(this);
  /** Picks the service of new clients of selection: manager vservers for the agents (service-manager.ts). */
  readonly manager: ServiceManager;
  readonly heartbeatMs: number;
  readonly leaseMissedHeartbeats: number;
  private readonly records = new Map<string, AgentRecord>();
  /** Every open session, before and after its hello (revalidate() checks them all). */
  private readonly sessions = new Set<AgentSession>();
  private readonly aggregator: ServiceVoteAggregator;
  private readonly quota: GlobalQuota;
  /** Each agent's share of the bandwidth budget of the vservers with a bandwidth method. */
  private readonly bandwidth: BandwidthShares;
  /** Each service's capacity held across agents: the pools of the services with a capacity (service-capacity.ts). */
  private readonly capacities: ServiceCapacity;
  private readonly spills: SpilloverEvents;
  /** Services in maintenance: their draining/migrating/migrated counts across agents, long-lived connections, events (maintenance.ts). */
  readonly maintenance: HubMaintenance;
  /** Application feedback: the agents' agent-check and what backends pushed (feedback.ts). */
  private readonly feedback: HubFeedback;
  /** availablecapacity: each agent told the other agents' loads (remote-loads.ts). */
  private readonly remoteLoads: RemoteLoadsPush;
  private readonly limits = new Map<string, VServerLimit>();
  /** The served config indexed once per version (services → the vservers they feed). */
  private index: LimitIndex | null = null;
  /** The snapshot message of the served version, checked and encoded once for every agent. */
  private snapshotMessage: { version: string; message: PreparedMessage } | null = null;
  /** The delta messages to the served version by base version, each checked and encoded once for every agent at that base. */
  private deltaMessages = new Map<string, PreparedMessage | null>();
  /**
   * Counters for tests and diagnostics: `limitsComputed` = vserver limits derived so far;
   * snapshots and deltas pushed, and the bytes of those frames.
   */
  readonly stats = { limitsComputed: 0, snapshotsSent: 0, deltasSent: 0, configBytesSent: 0 };
  private readonly budgets = new Map<string, number>();
  private readonly budgeted: boolean;
  private readonly log: HubLogger;
  private readonly helloTimeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;
  /** Sessions past their lease whose messages are read before they are judged silent (dropIfSilent). */
  private readonly silentChecks = new Set<AgentSession>();

  /** Sites: the availability exchange (sites.ts). */
  readonly sites: SiteExchange;

  constructor(opts: AgentHubOptions) {
    super();
    this.log = opts.log;
    this.heartbeatMs = opts.heartbeatMs ?? 1_000;
    this.leaseMissedHeartbeats = opts.leaseMissedHeartbeats ?? 3;
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 10_000;
    this.budgeted = opts.budgeted ?? false;
    this.manager = new ServiceManager(
      () => this.snapshots.get()?.config ?? null,
      this.loads,
      opts.selectionStore ?? null,
      (service) => this.effective(service),
    );
    this.aggregator = new ServiceVoteAggregator(opts.upQuorum ?? 'majority');
    this.quota = new GlobalQuota(
      (agent, msg) => this.records.get(agent)?.session?.send(msg) ?? false,
      opts.quota,
      (agent, vs) => this.records.get(agent)?.report?.vservers[vs]?.cxActive ?? null,
    );
    this.capacities = new ServiceCapacity(
      (agent, msg) => this.records.get(agent)?.session?.send(msg) ?? false,
      (service) => {
        const configured = this.index?.configured(service);
        if (!configured) return null;
        return this.feedback.effective(service, configured)?.capacity ?? configured.capacity;
      },
      {
        enabled: opts.serviceCapacity ?? false,
        ...(opts.quota ? { quota: opts.quota } : {}),
        budgeted: this.budgeted,
        activeOf: (agent, service) => this.records.get(agent)?.report?.services[service]?.cxActive ?? null,
      },
    );
    this.spills = new SpilloverEvents({
      ...(opts.spillHoldMs === undefined ? {} : { holdMs: opts.spillHoldMs }),
      emit: (e) => this.emit('event', e satisfies HubEvent),
      vserver: (name) => this.snapshots.get()?.config.vservers.find((v) => v.name === name) ?? null,
      limit: (name) => this.limits.get(name) ?? null,
    });
    this.bandwidth = new BandwidthShares(
      (agent, msg) => this.records.get(agent)?.session?.send(msg) ?? false,
      (agent) => this.records.get(agent)?.session != null,
    );
    this.feedback = new HubFeedback({ emit: (e) => this.emit('event', e satisfies HubEvent) });
    this.maintenance = new HubMaintenance({ emit: (e) => this.emit('event', e satisfies HubEvent), live: () => this.liveRecords() });
    this.remoteLoads = new RemoteLoadsPush(
      (service) => this.loads.byAgent(service),
      (agent, msg) => this.records.get(agent)?.session?.send(msg) ?? false,
    );
    this.sites = new SiteExchange({
      log: this.log,
      broadcast: (msg) => {
        const m = prepareMessage(msg);
        for (const r of this.records.values()) r.session?.sendPrepared(m);
      },
      config: () => this.snapshots.get()?.config ?? null,
      // The state the limits read: the quorum's, a pushed `down` feedback first.
      stateOf: (service) => (this.feedback.pushedDown(service) ? 'DOWN' : this.aggregator.state(service)),
      agents: () =>
        [...this.records.values()].flatMap((r) =>
          r.session && typeof r.site === 'string' && typeof r.address === 'string' ? [{ site: r.site, address: r.address }] : [],
        ),
      ...(opts.sitePeerTokens ? { peerTokens: opts.sitePeerTokens } : {}),
    });
    this.snapshots.watch((s, changes) => this.onSnapshot(s, changes));
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.floor(this.heartbeatMs / 2)));
    this.sweeper.unref();
  }

  /** Serves a new config version (throws SPILLWAY_HUB_SNAPSHOT_INCONSISTENT and keeps the last good one). */
  /** Serves `snapshot`; `changes`: what it upserted and removed since the version served now, when the writer knows (else the cache diffs). */
  setConfig(snapshot: ConfigSnapshot, changes?: Changes | null): void {
    this.snapshots.set(snapshot, changes);
  }

  /**
   * Takes over an authenticated WebSocket of agent `agent`; `credential` re-checks the token it
   * was opened with (revalidate()); `raw`: the TCP socket under it (frames sent in one turn of
   * the event loop leave in one write).
   */
  attach(socket: WebSocket, agent: string, credential?: () => Promise<boolean>, raw?: Corkable): AgentSession {
    const s = new AgentSession(
      socket,
      agent,
      {
        onHello: (x, hello) => this.onHello(x, hello),
        onMessage: (x, msg) => this.onMessage(x, msg),
        onClose: (x) => {
          this.sessions.delete(x);
          this.onClose(x);
        },
      },
      this.log,
      this.helloTimeoutMs,
      raw ?? null,
    );
    s.credential = credential ?? null;
    this.sessions.add(s);
    return s;
  }

  /**
   * Re-checks the token of every open session (of `agents` only, when given): a session whose
   * token no longer authenticates its agent (revoked, deleted, rebound to another agent) is
   * closed with 4001 SPILLWAY_HUB_TOKEN_REVOKED and its agent's quota returns to the pool at
   * once. A check that fails (the database is down) keeps the session. Resolves with the agents cut.
   */
  async revalidate(agents?: Iterable<string>): Promise<string[]> {
    const only = agents === undefined ? null : new Set(agents);
    const cut: string[] = [];
    await Promise.all(
      [...this.sessions]
        .filter((s) => s.credential !== null && (only === null || only.has(s.agent)))
        .map(async (s) => {
          let valid: boolean;
          try {
            valid = await s.credential!();
          } catch (err) {
            this.log.warn({ agent: s.agent, err: (err as Error).message }, 'agent token not re-checked; the session stays');
            return;
          }
          if (!valid && this.cut(s, 'SPILLWAY_HUB_TOKEN_REVOKED', 'the agent token of this session was revoked')) cut.push(s.agent);
        }),
    );
    return cut;
  }

  /** A deleted agent: its sessions are closed (4001), its quota returns at once, its record goes. */
  forget(agent: string): void {
    for (const s of [...this.sessions]) if (s.agent === agent) this.cut(s, 'SPILLWAY_HUB_AGENT_DELETED', `agent ${agent} was deleted`);
    const rec = this.records.get(agent);
    if (!rec || rec.session) return;
    if (rec.leaseExpiresAt !== null) {
      rec.leaseExpiresAt = Date.now();
      this.sweep();
    }
    this.records.delete(agent);
    this.loads.forget(agent);
  }

  agents(): AgentRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  agent(name: string): AgentRecord | undefined {
    return this.records.get(name);
  }
  /** The votes on a service; a service its backends pushed down is DOWN whatever the votes. */
  serviceState(service: string): ReturnType<ServiceVoteAggregator['view']> {
    const v = this.aggregator.view(service);
    if (!this.feedback.pushedDown(service)) return v;
    return v ? { ...v, state: 'DOWN' } : { state: 'DOWN', up: 0, voters: 0, byVoter: {} };
  }
  /** The aggregate states, with the services whose pushed feedback says down as DOWN: what agents enforce. */
  serviceStates(): Record<string, Health> {
    const st = this.aggregator.states();
    for (const s of this.feedback.downs()) st[s] = 'DOWN';
    return st;
  }
  /** A service under application feedback as the hub serves it (agent-check, then pushed: feedback.ts); undefined without any. */
  effective(service: string): HubEffective | undefined {
    return this.feedback.effective(service, this.index?.configured(service));
  }
  /** The feedback a service's backends pushed (null: cleared): to every agent, into the thresholds and states. */
  setPushedFeedback(service: string, f: AgentFeedback | null): void {
    if (this.feedback.setPushed(service, f)) this.feedbackMoved([service], true);
  }
  /** Every service's pushed feedback at once (loaded at start, or re-read after another replica's change). */
  replacePushedFeedback(all: ReadonlyMap<string, AgentFeedback>): void {
    const changed = this.feedback.replacePushed(all);
    if (changed.length > 0) this.feedbackMoved(changed, true);
  }
  limit(vserver: string): VServerLimit | null {
    return this.limits.get(vserver) ?? null;
  }
  quotaView(vserver: string): QuotaView | null {
    return this.quota.view(vserver);
  }
  /** What an agent was told on each vserver (exclusive + borrowed), in one pass over the pools. */
  quotaOf(agent: string): Record<string, { exclusive: number; borrowed: number }> {
    return this.quota.toldTo(agent);
  }
  /** Agents sharing the quota (connected, or disconnected within their lease) and their worker counts. */
  quotaMembers(): Array<[string, number]> {
    return this.quota.members();
  }
  quotaCommittedBy(vserver: string, agent: string): number {
    return this.quota.committedBy(vserver, agent);
  }
  /** A spillover episode of the vserver is open: its vserver.spillover_started was emitted, its stopped not yet. */
  spilling(vserver: string): boolean {
    return this.spills.spilling(vserver);
  }
  /** Each agent's share (0..1) of a vserver's bandwidth thresholds, as last sent to it (empty: no bandwidth method). */
  bandwidthShares(vserver: string): Record<string, number> {
    return this.bandwidth.view(vserver);
  }

  /** A service's capacity pool across agents (null: the service has no capacity, or no pool yet). */
  capacityView(service: string): QuotaView | null {
    return this.capacities.view(service);
  }

  /**
   * Replicas (replica-quota.ts): this replica's agents among the live agents of all replicas. Its
   * part of every bandwidth budget and of every service's capacity is its agents' fair share, so N
   * replicas never let N× a threshold or a capacity through.
   */
  setReplicaSplit(split: ReplicaSplit): void {
    if (!this.budgeted) return;
    this.bandwidth.setBudget(replicaPart(1_000_000, split) / 1_000_000);
    this.capacities.setSplit(split);
  }

  /** This replica's part of a vserver's limit (with `budgeted`); its pool shares min(limit, budget). */
  setBudget(vserver: string, budget: number): void {
    this.setBudgets([[vserver, budget]]);
  }

  /** Several budgets at once (a quota pass): only the vservers whose budget changed are recomputed. */
  setBudgets(budgets: Iterable<[string, number]>): void {
    const changed: string[] = [];
    for (const [vserver, budget] of budgets) {
      // A budget for a vserver the served config no longer has is dropped, as a snapshot drops them.
      if (this.index && !this.index.has(vserver)) {
        this.budgets.delete(vserver);
        continue;
      }
      if (this.budgets.get(vserver) === budget) continue;
      this.budgets.set(vserver, budget);
      changed.push(vserver);
    }
    if (changed.length > 0) this.recomputeLimits(changed);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sites.close();
    this.bandwidth.close();
    this.spills.close();
    this.maintenance.close();
    this.feedback.close();
    for (const r of this.records.values()) r.session?.terminate();
  }

  // ---- sessions ------------------------------------------------------------------------------

  private onHello(s: AgentSession, hello: Hello): void {
    if (hello.protocol !== PROTOCOL_VERSION) {
      s.fail(CLOSE_PROTOCOL, 'SPILLWAY_HUB_PROTOCOL_VERSION', `protocol ${hello.protocol} is not supported (want ${PROTOCOL_VERSION})`);
      return;
    }
    if (hello.agent !== s.agent) {
      s.fail(CLOSE_FORBIDDEN, 'SPILLWAY_HUB_AGENT_MISMATCH', `the token was issued for agent ${s.agent}, not ${hello.agent}`);
      return;
    }
    const prev = this.records.get(s.agent);
    if (prev?.session && prev.session !== s) {
      const old = prev.session;
      prev.session = null;
      old.fail(CLOSE_REPLACED, 'SPILLWAY_HUB_SESSION_REPLACED', 'a newer session of this agent connected');
    }
    s.ready = true;
    const rec: AgentRecord = prev ?? {
      name: s.agent,
      workers: hello.workers,
      connected: true,
      connectedAt: null,
      lastSeenAt: Date.now(),
      appliedVersion: null,
      sentVersion: null,
      inFlight: null,
      lastNack: null,
      leaseExpiresAt: null,
      report: null,
      session: null,
    };
    Object.assign(rec, {
      session: s,
      connected: true,
      connectedAt: Date.now(),
      lastSeenAt: Date.now(),
      workers: hello.workers,
      appliedVersion: hello.appliedVersion,
      sentVersion: null,
      inFlight: null,
      leaseExpiresAt: null,
      site: hello.site ?? null,
      address: hello.address ?? null,
    });
    this.records.set(s.agent, rec);
    // Quota before the welcome: what a rejoining agent claims is settled (revoked to what is free)
    // before the welcome renews its lease, so it never admits on a stale claim under a new lease.
    const rejoin = this.quota.has(s.agent);
    this.quota.join(s.agent, hello.workers, hello.outstanding);
    this.capacities.join(s.agent, hello.workers, hello.services ?? {});
    s.send({ type: 'welcome', protocol: PROTOCOL_VERSION, agentId: s.agent, heartbeatMs: this.heartbeatMs, leaseMissedHeartbeats: this.leaseMissedHeartbeats });
    this.log.info({ agent: s.agent, workers: hello.workers, appliedVersion: hello.appliedVersion }, 'agent connected');
    this.emit('event', { kind: 'agent.connected', agent: s.agent, workers: hello.workers } satisfies HubEvent);
    // Its bandwidth shares before the config (never a bandwidth method on the whole threshold).
    this.bandwidth.join(s.agent);
    // The pushed feedback before the config, so the first document is served with it; the other
    // agents' loads again at the next sweep (a new session may be a new process).
    s.send(this.feedback.message());
    this.remoteLoads.forget(s.agent);
    this.pushConfig(rec);
    s.send({ type: 'service-states', states: this.serviceStates() });
    // The last site weights (a new agent of a site counts from the next exchange on).
    const sites = this.sites.current();
    if (sites) s.send(sites);
    this.emit('members');
    if (!rejoin && this.quota.vservers().length > 0)
      this.emit('event', { kind: 'quota.rebalanced', vserver: null, reason: `agent ${s.agent} joined` } satisfies HubEvent);
  }

  private onMessage(s: AgentSession, msg: AgentMessage): void {
    const rec = this.records.get(s.agent);
    if (!rec || rec.session !== s) return;
    rec.lastSeenAt = s.lastSeenAt;
    switch (msg.type) {
      case 'heartbeat':
        s.send({ type: 'heartbeat-ack', seq: msg.seq });
        return;
      case 'ack':
        rec.appliedVersion = msg.version;
        if (rec.inFlight === msg.version) rec.inFlight = null;
        if (rec.lastNack?.version === msg.version) rec.lastNack = null;
        this.emit('event', { kind: 'config.applied', agent: rec.name, version: msg.version } satisfies HubEvent);
        this.pushConfig(rec);
        return;
      case 'resync':
        this.log.info({ agent: rec.name, appliedVersion: msg.appliedVersion, reason: msg.reason }, 'agent asked for the whole config');
        rec.appliedVersion = msg.appliedVersion;
        rec.inFlight = null;
        this.pushConfig(rec, true);
        return;
      case 'nack':
        // The version is not pushed again (it would be refused again); the next one goes as a
        // delta from the version the agent still runs.
        if (rec.inFlight === msg.version) rec.inFlight = null;
        rec.lastNack = { version: msg.version, ...msg.error, at: new Date().toISOString() };
        this.log.warn({ agent: rec.name, version: msg.version, code: msg.error.code }, `agent rejected config: ${msg.error.message}`);
        this.emit('event', {
          kind: 'config.rejected',
          agent: rec.name,
          version: msg.version,
          code: msg.error.code,
          message: msg.error.message,
        } satisfies HubEvent);
        return;
      case 'transition':
        if (this.vote(rec.name, msg.service, msg.state)) this.broadcastStates();
        return;
      case 'report': {
        const prev = rec.report;
        // A report of what changed since the one before (protocol report.ts): the readers below get the whole.
        const report = wholeReport(prev, msg);
        rec.report = report;
        this.bandwidth.report(rec.name, report);
        this.spills.report(rec.name, report);
        const moved = this.feedback.report(prev, report, () => this.liveRecords());
        if (moved.length > 0) this.feedbackMoved(moved, false);
        // One service-states message for the whole report (the first report may change thousands).
        let changed = false;
        for (const [service, c] of Object.entries(report.services)) changed = this.vote(rec.name, service, c.state) || changed;
        if (changed) this.broadcastStates();
        return;
      }
      case 'borrow':
        if (msg.pool === 'service') this.capacities.borrow(rec.name, msg.vserver, msg.id, msg.n, msg.allowance);
        else this.quota.borrow(rec.name, msg.vserver, msg.id, msg.n, msg.allowance);
        return;
      case 'revoke-ack':
        if (msg.pool === 'service') this.capacities.revokeAcked(rec.name, msg.vserver, msg.id, msg.committed);
        else this.quota.revokeAcked(rec.name, msg.vserver, msg.id, msg.committed);
        return;
      case 'return':
        if (msg.pool === 'service') this.capacities.giveBack(rec.name, msg.vserver, msg.n, msg.id);
        else this.quota.giveBack(rec.name, msg.vserver, msg.n, msg.id);
        return;
      case 'select': {
        const { id, vserver, key } = msg;
        this.manager.select(rec.name, vserver, key).then(
          (a) => s.send({ type: 'instruction', id, vserver, key, service: a.service, ttlMs: a.ttlMs }),
          (err: unknown) => {
            this.log.warn({ agent: rec.name, vserver, err: (err as Error).message }, 'service selection failed');
            s.send({ type: 'instruction', id, vserver, key, service: null, ttlMs: 0 });
          },
        );
        return;
      }
      case 'select-touch':
        this.manager.touch(msg.vserver, msg.entries);
        return;
      case 'error':
        this.log.warn({ agent: rec.name, code: msg.code, ref: msg.ref }, `agent reported: ${msg.message}`);
        return;
      case 'hello':
        return;
    }
  }

  /** Closes a session for good (4001): its agent is disconnected and its lease ends now. */
  private cut(s: AgentSession, code: string, message: string): boolean {
    if (!this.sessions.delete(s)) return false;
    const rec = this.records.get(s.agent);
    const live = rec?.session === s;
    if (live) this.onClose(s);
    s.fail(CLOSE_REVOKED, code, message);
    if (live && rec) {
      rec.leaseExpiresAt = Date.now();
      this.sweep();
    }
    return true;
  }

  private onClose(s: AgentSession): void {
    const rec = this.records.get(s.agent);
    if (!rec || rec.session !== s) return;
    rec.session = null;
    rec.connected = false;
    rec.leaseExpiresAt = rec.lastSeenAt + this.heartbeatMs * this.leaseMissedHeartbeats;
    this.spills.disconnected(rec.name);
    this.log.info({ agent: rec.name, leaseExpiresAt: new Date(rec.leaseExpiresAt).toISOString() }, 'agent disconnected');
    this.emit('event', { kind: 'agent.disconnected', agent: rec.name, reason: 'closed' } satisfies HubEvent);
  }

  /** Agents connected or within their lease (their last reports count, as in the status). */
  private liveRecords(): AgentRecord[] {
    return [...this.records.values()].filter((a) => a.connected || a.leaseExpiresAt !== null);
  }

  /**
   * The feedback of `services` moved: pushed feedback goes to every agent (and the states, for a
   * pushed down or up); the limits of their vservers are derived again; a service.feedback event each (debounced).
   */
  private feedbackMoved(services: readonly string[], pushed: boolean): void {
    if (pushed) {
      const msg = prepareMessage(this.feedback.message(services));
      for (const r of this.records.values()) r.session?.sendPrepared(msg);
      this.broadcastStates();
    }
    const touched = new Set<string>();
    for (const s of services) {
      for (const vs of this.index?.boundTo(s) ?? []) touched.add(vs);
      this.feedback.note(s, this.effective(s));
    }
    this.recomputeLimits(touched);
    this.capacities.recompute(services);
  }

  /**
   * Drops a session past its lease once what it sent meanwhile has been read. After this process
   * was itself busy past the lease (the first PUT /v1/config compiles the document's validator, a
   * large document, a loaded machine), the sweeper's timer runs before the poll phase reads the
   * messages that came during the stall, and the agent's heartbeat waiting in its socket was taken
   * for silence (apply-agents.test.ts: the agent dropped and not back by the CLI's first poll). The
   * check looks again after that phase (setImmediate), against the session's last message then.
   */
  private dropIfSilent(s: AgentSession, leaseMs: number): void {
    if (this.silentChecks.has(s)) return;
    this.silentChecks.add(s);
    setImmediate(() => {
      this.silentChecks.delete(s);
      const silentMs = Date.now() - s.lastSeenAt;
      if (this.records.get(s.agent)?.session !== s || silentMs <= leaseMs) return;
      this.log.warn({ agent: s.agent, silentMs }, 'agent silent past its lease; dropping the session');
      this.onClose(s);
      s.fail(CLOSE_SILENT, 'SPILLWAY_HUB_AGENT_SILENT', 'no message within the lease');
      s.terminate();
      // Its lease ended with its last message: its quota returns now, as a revoked session's does.
      this.sweep();
    });
  }

  private sweep(): void {
    const now = Date.now();
    const leaseMs = this.heartbeatMs * this.leaseMissedHeartbeats;
    // availablecapacity: the other agents' loads, at the report cadence (sent when changed).
    this.remoteLoads.tick([...this.records.values()].filter((r) => r.session !== null).map((r) => r.name));
    for (const rec of this.records.values()) {
      if (rec.session && now - rec.session.lastSeenAt > leaseMs) this.dropIfSilent(rec.session, leaseMs);
      if (!rec.connected && rec.leaseExpiresAt !== null && now >= rec.leaseExpiresAt) {
        rec.leaseExpiresAt = null;
        this.quota.leave(rec.name);
        this.capacities.leave(rec.name);
        this.bandwidth.leave(rec.name);
        this.remoteLoads.forget(rec.name);
        const movedFeedback = this.feedback.recount(this.liveRecords());
        if (movedFeedback.length > 0) this.feedbackMoved(movedFeedback, false);
        this.emit('members');
        // A service nobody monitors any more keeps its last limits until the next recompute.
        const changes = this.aggregator.removeVoter(rec.name).filter((c): c is { service: string; state: Health } => c.state !== null);
        for (const c of changes) this.onServiceChanged(c.service, c.state, rec.name);
        if (changes.length > 0) this.broadcastStates();
        this.log.info({ agent: rec.name }, 'agent lease expired; its quota returned to the pool');
        this.emit('event', { kind: 'agent.lease_expired', agent: rec.name } satisfies HubEvent);
        if (this.quota.vservers().length > 0)
          this.emit('event', { kind: 'quota.rebalanced', vserver: null, reason: `lease of ${rec.name} expired` } satisfies HubEvent);
      }
    }
  }

  // ---- config, state, limits -----------------------------------------------------------------

  /**
   * Pushes the served version to an agent that does not run it: the delta from the version it
   * ACKed when the log has one (encoded once per base for every agent), else the whole snapshot
   * (first connect, too far behind, `whole`: it asked). One push at a time per agent: versions
   * committed while one is in flight go together as one delta once it is answered.
   */
  private pushConfig(rec: AgentRecord, whole = false): void {
    const snap = this.snapshots.get();
    if (!snap || !rec.session) return;
    if (!whole && (rec.inFlight !== null || rec.appliedVersion === snap.version || rec.sentVersion === snap.version)) return;
    const delta = whole || rec.appliedVersion === null ? null : this.deltaMessage(rec.appliedVersion);
    let msg: PreparedMessage;
    if (delta) {
      msg = delta;
      this.stats.deltasSent++;
    } else {
      if (this.snapshotMessage?.version !== snap.version) {
        this.snapshotMessage = { version: snap.version, message: prepareMessage({ type: 'snapshot', version: snap.version, config: snap.config }) };
      }
      msg = this.snapshotMessage.message;
      this.stats.snapshotsSent++;
    }
    if (!rec.session.sendPrepared(msg)) return;
    this.stats.configBytesSent += msg.text?.length ?? 0;
    rec.sentVersion = snap.version;
    rec.inFlight = snap.version;
  }

  private deltaMessage(base: string): PreparedMessage | null {
    let m = this.deltaMessages.get(base);
    if (m === undefined) {
      const d = this.snapshots.deltaSince(base);
      m = d ? prepareMessage(d) : null;
      if (m?.text === null) m = null;
      this.deltaMessages.set(base, m);
    }
    return m;
  }

  private onSnapshot(s: ConfigSnapshot, changes: Changes): void {
    this.deltaMessages = new Map();
    // Each of these reads one kind of the document (vservers' methods and bindings, services'
    // states): a version that changed none of that kind changes nothing there, so a write of one
    // service costs no pass over 1,000 vservers. Shares before the config: an agent never serves a
    // new bandwidth method on the whole threshold.
    if (changes.upserted.vservers.length > 0 || changes.removed.vservers.length > 0) {
      this.bandwidth.setConfig(s.config);
      this.remoteLoads.setConfig(s.config);
    }
    if (changes.upserted.services.length > 0 || changes.removed.services.length > 0) this.maintenance.setConfig(s.config);
    for (const rec of this.records.values()) this.pushConfig(rec);
    const old = this.index;
    // A change of a few resources updates the index; a large one (or the first config) builds it.
    let index = old;
    if (index && changeCount(changes) <= 64) index.update(changes);
    else index = new LimitIndex(s.config);
    this.index = index;
    this.spills.removed(changes.removed.vservers.filter((vs) => !index.has(vs)));
    for (const vs of changes.removed.vservers) {
      if (!index.has(vs)) this.quota.setLimit(vs, null);
      this.limits.delete(vs);
      this.budgets.delete(vs);
    }
    // Service capacity pools: every service of a new index, else those the change upserted or removed.
    if (index !== old) this.capacities.setServices(s.config.services.map((x) => x.name));
    else this.capacities.recompute([...changes.upserted.services.map((x) => x.name), ...changes.removed.services]);
    if (!old) {
      this.recomputeLimits(index.names());
      return;
    }
    // Only the vservers the change can move: those upserted and those bound to a service that
    // changed (a removed service was unbound by an upserted vserver, or the version is inconsistent).
    const touched = new Set<string>();
    for (const v of changes.upserted.vservers) touched.add(v.name);
    for (const svc of changes.upserted.services) for (const vs of index.boundTo(svc.name)) touched.add(vs);
    this.recomputeLimits(touched);
  }

  /** True when the service's aggregate state changed (the caller then broadcasts the states). */
  private vote(agent: string, service: string, state: Health): boolean {
    const changed = this.aggregator.vote(agent, service, state);
    if (changed) this.onServiceChanged(service, changed, agent);
    return changed !== null;
  }

  private onServiceChanged(service: string, state: Health, agent: string): void {
    const v = this.aggregator.view(service);
    this.log.info({ service, state, up: v?.up ?? 0, voters: v?.voters ?? 0 }, 'service state changed');
    this.emit('event', { kind: 'service.state_changed', service, state, up: v?.up ?? 0, voters: v?.voters ?? 0, agent } satisfies HubEvent);
    if (this.index) this.recomputeLimits(this.index.boundTo(service));
  }

  /** Every agent gets the aggregate states (one encoding for all). */
  private broadcastStates(): void {
    const states = prepareMessage({ type: 'service-states', states: this.serviceStates() });
    for (const r of this.records.values()) r.session?.sendPrepared(states);
  }

  /** Derives the limits of `vservers` (of the served config) and passes them to the quota. */
  private recomputeLimits(vservers: Iterable<string>): void {
    const index = this.index;
    if (!index) return;
    // A service its backends pushed down is DOWN; the effective capacity, weight and state (feedback.ts) are derived as configured ones.
    const stateOf = (service: string): Health | null => (this.feedback.pushedDown(service) ? 'DOWN' : this.aggregator.state(service));
    const effectiveOf = (service: string): HubEffective | undefined => this.feedback.effective(service, index.configured(service));
    for (const name of vservers) {
      const l = index.limit(name, stateOf, effectiveOf);
      if (!l) continue;
      this.stats.limitsComputed++;
      const before = this.limits.get(name)?.value ?? null;
      this.limits.set(name, l);
      if (before !== l.value) {
        this.emit('event', { kind: 'threshold.changed', vserver: name, from: before, to: l.value, method: l.method } satisfies HubEvent);
      }
      if (!this.budgeted || l.value === null) {
        this.quota.setLimit(name, l.value);
        continue;
      }
      // Until this replica holds a budget the agents keep what they have (static stability).
      const budget = this.budgets.get(name);
      if (budget !== undefined) this.quota.setLimit(name, Math.min(l.value, budget));
    }
  }
}
