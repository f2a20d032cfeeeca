// The agent's end of the control channel: dials the control plane, applies snapshots and deltas
// through the agent's applyConfig (ACK, or NACK keeping the last good config; a delta is applied
// onto the document of the version it names as its base, checked first: one that leaves a
// reference dangling is NACKed with nothing applied, one on another base asks for a resync),
// enforces the allowances
// it is pushed, borrows batches as its active connections near its allowance and at once when
// connections are waiting on an allowance all in use (the agent holds them until the grant),
// returns them when idle, acknowledges revokes with the uses it still holds, reports monitor
// transitions at once and counters every second. Transitions and active connections are the
// agent's events (pushed by its monitors and engines as they happen): no stats are polled for
// them; the counters of the report are read once a second. When the control
// plane is unreachable the agent keeps serving with its last config and allowances (static
// stability) and redials with backoff and jitter; on reconnect it reports what it holds.
// The quorum state of each service (`service-states`) is enforced over the agent's own monitors
// while the channel is open (own monitors again once it closes); its share of each vserver's
// bandwidth thresholds (`bandwidth-shares`) is kept until the control plane sends another.
// A service's capacity is a pool of the control plane too (issue 12 item 3): its allowance,
// borrows, returns, revokes and acknowledgements are the vserver quota's messages with
// `pool: 'service'`, kept here under the service's pool key (pool-key.ts) beside the vservers';
// the agent's service state enforces the allowance across its workers. Past the lease a
// service's allowance falls back to its exclusive share rather than 0 (its vservers keep serving
// without a backup to spill to): the exclusive shares of all agents never sum above the exclusive
// pool, p·capacity, so while the control plane is down for all agents the capacity still holds.
// selection: manager vservers: the agent's questions to the service manager (`select`, answered
// with an `instruction`; none while the channel is closed: the agent selects locally) and the
// clients it keeps sending to their service (`select-touch`, batched every TOUCH_MS).
//
// The quota is leased: the control plane lends this agent's uses to others once it has not heard
// from it for its lease (heartbeatMs × leaseMissedHeartbeats, from the welcome). The agent keeps
// its own end of the lease on its monotonic clock, conservatively: a heartbeat the control plane
// acknowledged was received no earlier than it was sent, so the lease lasts at least until
// send time + lease; a tenth of the lease is kept as a margin. The agent's pools and every worker
// admit nothing on the allowances past that deadline (they spill), so an agent stopped, stalled
// or cut off past its lease never admits on uses lent since; when it redials after the lease
// ended its allowances are void (dropped to 0) and it claims only the connections it still has.
import { borrowAheadOrGiveBack } from '@spillway/core';
import {
  ChannelClient,
  parsePoolKey,
  poolKeyOf,
  poolRef,
  PROTOCOL_VERSION,
  ResourceSet,
  type ConfigDelta,
  type ConfigDocument,
  type ControlMessage,
  type MaintenanceCounters,
  type Outstanding,
  type Report,
  reportChanges,
} from '@spillway/protocol';
import type { ActiveCounts, Agent, AgentStats, ServiceStats, ServiceTransition } from '../agent.js';
import type { LastFailure } from '../migration/table.js';
import { AgentError } from '../errors.js';
import type { Logger } from '../log.js';
import { monotonicMs } from '../quota-worker.js';
import { Backoff, type BackoffOptions } from './backoff.js';

export interface ControlClientOptions {
  /** ws:// URL of the control plane's `/v1/agents/connect`. */
  url: string;
  token: string;
  agent: Agent;
  log: Logger;
  backoff?: BackoffOptions;
  /**
   * Borrow a batch before the allowance runs out and return idle batches, as the active
   * connections change (default true); false: borrow only for connections waiting on an
   * allowance all in use (tests of that path).
   */
  borrowAhead?: boolean;
  /** How often the counters are reported (default 1 s); changes of the active connections are reported at once. */
  reportMs?: number;
  /** How long a connection waiting on an exhausted allowance waits for the control plane's grant (default 400 ms). */
  borrowHoldMs?: number;
  /**
   * Address every pushed listener binds (SPILLWAY_AGENT_LISTEN_HOST): several agents on one host
   * then serve the same vserver port, each on its own address.
   */
  listenHost?: string;
  /**
   * The address other sites' agents reach this agent's listeners at, and forwarded connections
   * leave from (SPILLWAY_AGENT_ADVERTISE_HOST; default the listen host unless it is a wildcard).
   * Sent in the hello with the agent's site (docs/SITES.md).
   */
  advertiseHost?: string;
}

/**
 * The control channel's URL from SPILLWAY_CONTROL_PLANE_URL: an http(s):// base URL of the control
 * plane becomes ws(s)://host:port/v1/agents/connect; a ws(s):// URL is used as it is. null when
 * the value is not a URL.
 */
export function channelUrl(controlPlaneUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(controlPlaneUrl);
  } catch {
    return null;
  }
  if (u.protocol === 'ws:' || u.protocol === 'wss:') return u.href;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/agents/connect`;
  return u.href;
}

export interface AllowanceState {
  limit: number;
  exclusive: number;
  borrowed: number;
  batch: number;
}
export interface ControlClientStatus {
  connected: boolean;
  appliedVersion: string | null;
  connects: number;
  allowances: Record<string, AllowanceState>;
  /** Time left on the quota lease (≤ 0: ended, nothing is admitted on the allowances); null before the first welcome. */
  leaseRemainingMs: number | null;
}

/** The least time between two reports sent for changes of the active connections. */
const REPORT_GAP_MS = 25;
/** The longest a revoke's first acknowledgement waits for the workers' answers to the cut. */
const SETTLE_WAIT_MS = 100;
/** How often the clients an agent keeps using are told to the service manager (select-touch). */
const TOUCH_MS = 200;
/** A select the manager never answered is dropped after this long (the agent selected locally at its budget). */
const SELECT_FORGET_MS = 10_000;

export class ControlClient {
  private channel: ChannelClient | null = null;
  private readonly backoff: Backoff;
  private readonly allowances = new Map<string, AllowanceState>();
  /** Borrows sent and not answered; `done` resolves an on-demand borrow (true: uses were added). */
  /** `allowance`: what the agent enforced when it asked (a borrow for waiting connections). */
  private readonly pendingBorrows = new Map<number, { vs: string; allowance?: number; done?: (added: boolean) => void }>();
  /** Revokes acknowledged with more uses committed than the allowance: re-acknowledged as they close. */
  private readonly draining = new Map<string, { id: number; committed: number; since: number }>();
  /** Returns sent and not yet answered: the control plane's absolute values still include them. */
  private readonly pendingReturns = new Map<number, { vs: string; n: number }>();
  private appliedVersion: string | null = null;
  /** The document of the applied version as the control plane pushed it (deltas apply onto it). */
  private readonly document = new ResourceSet();
  private applying: Promise<void> = Promise.resolve();
  private stopped = false;
  private connects = 0;
  private seq = 0;
  private nextBorrowId = 1;
  /** Questions to the service manager not answered yet: id → their resolve. */
  private readonly pendingSelects = new Map<number, { resolve: (a: { service: string | null; ttlMs: number } | null) => void; timer: NodeJS.Timeout }>();
  private nextSelectId = 1;
  /** Clients to tell the manager about (select-touch), per vserver: key → service. */
  private touches = new Map<string, Map<string, string>>();
  private touchTimer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private reporter: NodeJS.Timeout | null = null;
  private refreshing = false;
  /** The agent's active connections as last pushed (agent.events 'active'). */
  private active: ActiveCounts = { vservers: {}, services: {} };
  /** Agent-check feedback changed: reported now (the control plane's thresholds follow it), not at the next tick. */
  private readonly onFeedback = (): void => {
    void this.refresh();
  };
  private readonly onTransition = (t: ServiceTransition): void => {
    this.monitorStates.set(t.service, { state: t.state, seq: ++this.transitions });
    this.send({ type: 'transition', service: t.service, state: t.state, at: t.at });
  };
  /**
   * Each service's state by this agent's monitors as their last transition said, for the
   * transitions the counters in `last` may predate. A report votes every service's state in the
   * control plane's quorum, and reports go out as connections change, between two reads of the
   * counters: one carrying a state read before a transition voted it back (a dead service UP
   * again, its capacity back in the global limit, and agents admitting past the real one until
   * the next read).
   */
  private readonly monitorStates = new Map<string, { state: 'UP' | 'DOWN'; seq: number }>();
  private transitions = 0;
  private readonly onActive = (a: ActiveCounts): void => {
    this.active = a;
    this.onActiveChange();
  };
  private reacking: NodeJS.Timeout | null = null;
  /** A report of changed active connections held back to keep REPORT_GAP_MS between reports. */
  private reportSoon: NodeJS.Timeout | null = null;
  private reportedAt = 0;
  /** Fires when the lease would end unrenewed (to say so in the log). */
  private leaseTimer: NodeJS.Timeout | null = null;
  private leaseLapsed = false;
  private last: AgentStats | null = null;
  /** Heartbeats sent and not yet acknowledged: seq → monotonicMs when sent. */
  private readonly beats = new Map<number, number>();
  /** The control plane's lease on this agent's quota (ms; 0 before the first welcome). */
  private leaseMs = 0;
  /** Until when the lease surely lasts (monotonicMs). */
  private leaseUntil = Number.NEGATIVE_INFINITY;
  /** When the hello of the current session was sent: the welcome acknowledges it. */
  private helloAt = 0;
  /** Active connections per vserver in the last report sent. */
  private readonly reported = new Map<string, number>();
  /** The last report, whole, and the connection it went on: a later one on it carries only what changed. */
  private lastReport: { channel: ChannelClient; report: Report } | null = null;

  constructor(private readonly opts: ControlClientOptions) {
    this.backoff = new Backoff(opts.backoff);
  }

  start(): void {
    this.opts.agent.setQuotaUpstream((vs, want) => this.borrowNow(vs, want));
    this.opts.agent.setSelectionUpstream({ select: (vs, key) => this.select(vs, key), touch: (vs, key, service) => this.touch(vs, key, service) });
    this.active = this.opts.agent.active();
    this.opts.agent.events.on('transition', this.onTransition);
    this.opts.agent.events.on('active', this.onActive);
    this.opts.agent.events.on('feedback', this.onFeedback);
    this.reporter = setInterval(() => void this.refresh(), this.opts.reportMs ?? 1_000);
    void this.dial();
  }

  status(): ControlClientStatus {
    return {
      connected: this.channel?.isOpen ?? false,
      appliedVersion: this.appliedVersion,
      connects: this.connects,
      allowances: Object.fromEntries(this.allowances),
      leaseRemainingMs: this.leaseMs === 0 ? null : Math.round(this.leaseUntil - monotonicMs()),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.agent.setQuotaUpstream(null);
    this.opts.agent.setSelectionUpstream(null);
    this.dropSelects();
    if (this.touchTimer) clearTimeout(this.touchTimer);
    this.opts.agent.events.off('transition', this.onTransition);
    this.opts.agent.events.off('active', this.onActive);
    this.opts.agent.events.off('feedback', this.onFeedback);
    for (const t of [this.retry, this.heartbeat, this.reacking, this.leaseTimer, this.reportSoon]) if (t) clearTimeout(t);
    if (this.reporter) clearInterval(this.reporter);
    await this.channel?.close();
    await this.applying;
  }

  private async dial(): Promise<void> {
    if (this.stopped) return;
    let channel: ChannelClient;
    try {
      channel = await ChannelClient.connect({ url: this.opts.url, token: this.opts.token });
    } catch (err) {
      this.scheduleRedial((err as Error).message);
      return;
    }
    if (this.stopped) {
      void channel.close();
      return;
    }
    this.channel = channel;
    this.connects++;
    channel.on('message', (m: ControlMessage) => this.onMessage(m));
    channel.on('invalid', (e: { code: string; message: string }) => this.opts.log.warn({ event: 'control_invalid_message', code: e.code }, e.message));
    channel.on('close', ({ code }: { code: number }) => {
      if (this.channel === channel) this.channel = null;
      // Unreachable: the agent's own monitors decide until the control plane speaks again (its
      // bandwidth shares stay: the other agents keep theirs).
      this.opts.agent.setQuorumStates(null);
      for (const b of this.pendingBorrows.values()) b.done?.(false);
      this.dropSelects();
      this.pendingBorrows.clear();
      this.pendingReturns.clear();
      this.draining.clear();
      this.beats.clear();
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.scheduleRedial(`closed (${code})`);
    });
    // Allowances whose lease ended are void (the control plane may have lent them since): drop
    // them before counting, so the claim below is only the connections still open.
    const voided = this.voidIfExpired();
    const seen = this.transitions;
    const stats = await this.opts.agent.stats().catch(() => this.last);
    this.setLast(stats, seen);
    const expired = this.voidIfExpired() || voided;
    const outstanding: Record<string, Outstanding> = {};
    for (const [vs, s] of Object.entries(stats?.vservers ?? {})) {
      const a = this.allowances.get(vs);
      const inUse = expired ? s.cx_active : Math.max(s.cx_active, this.opts.agent.quotaCommitted(vs) ?? 0);
      outstanding[vs] = { inUse, allowance: a ? a.exclusive + a.borrowed : null };
    }
    // The services' capacity pools: what each enforces (its exclusive share past the lease) and may have in flight.
    const services: Record<string, Outstanding> = {};
    for (const [key, a] of this.allowances) {
      const p = parsePoolKey(key);
      if (p.pool !== 'service') continue;
      const active = stats?.services[p.name]?.cx_active ?? 0;
      services[p.name] = { inUse: Math.max(active, this.opts.agent.quotaCommitted(key) ?? 0), allowance: a.exclusive + a.borrowed };
    }
    const workers = Math.max(1, this.opts.agent.config.agent.workers);
    this.helloAt = monotonicMs();
    const site = this.opts.agent.config.agent.site;
    const address = this.advertised();
    channel.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      agent: this.opts.agent.name,
      workers,
      appliedVersion: this.appliedVersion,
      outstanding,
      ...(Object.keys(services).length > 0 ? { services } : {}),
      ...(site ? { site } : {}),
      ...(address ? { address } : {}),
    });
  }

  private scheduleRedial(reason: string): void {
    if (this.stopped || this.retry) return;
    const delay = this.backoff.next();
    this.opts.log.warn({ event: 'control_disconnected', reason, retryInMs: delay }, 'control plane unreachable; serving with the last config and quota');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.dial();
    }, delay);
  }

  private send(msg: Parameters<ChannelClient['send']>[0]): void {
    this.channel?.send(msg);
  }

  private onMessage(m: ControlMessage): void {
    switch (m.type) {
      case 'welcome':
        this.backoff.reset();
        this.opts.log.info({ event: 'control_connected', heartbeatMs: m.heartbeatMs }, 'connected to the control plane');
        this.leaseMs = m.heartbeatMs * m.leaseMissedHeartbeats;
        this.renewLease(this.helloAt);
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.beat(), m.heartbeatMs);
        // Counters and monitor states at once, so the control plane aggregates without waiting.
        this.report();
        return;
      case 'snapshot': {
        const { version, config } = m;
        this.applying = this.applying.then(() =>
          this.serve(
            version,
            () => this.opts.agent.applyConfig(this.localize(config)),
            () => this.document.reset(config),
          ).catch((err: unknown) => this.failedApply(version, err, 'snapshot')),
        );
        return;
      }
      case 'delta':
        this.applying = this.applying.then(() => this.applyDelta(m).catch((err: unknown) => this.failedApply(m.version, err, 'delta')));
        return;
      case 'allowance':
        if (m.limit === null) {
          this.allowances.delete(poolKeyOf(m));
          this.opts.agent.setAllowance(poolKeyOf(m), null);
          return;
        }
        this.setAllowance(poolKeyOf(m), { limit: m.limit, exclusive: m.exclusive, borrowed: this.net(poolKeyOf(m), m.borrowed), batch: m.batch });
        return;
      case 'revoke': {
        const key = poolKeyOf(m);
        const a = this.allowances.get(key);
        if (a) this.setAllowance(key, { ...a, exclusive: m.exclusive, borrowed: this.net(key, m.borrowed) });
        // Second phase: once the lower allowance is enforced, say how many uses are still committed.
        this.draining.set(key, { id: m.id, committed: Number.MAX_SAFE_INTEGER, since: monotonicMs() });
        this.ackRevokes();
        return;
      }
      case 'grant': {
        this.pendingReturns.delete(m.id);
        const b = this.pendingBorrows.get(m.id);
        this.pendingBorrows.delete(m.id);
        const a = this.allowances.get(poolKeyOf(m));
        if (a) this.setAllowance(poolKeyOf(m), { ...a, borrowed: this.net(poolKeyOf(m), m.borrowed) });
        // Uses told before the grant (on their way when it asked) count as added: the control plane lent only the rest.
        b?.done?.(m.n > 0 || (b.allowance !== undefined && this.allowance(poolKeyOf(m)) > b.allowance));
        return;
      }
      case 'error':
        this.opts.log.warn({ event: 'control_error', code: m.code, ref: m.ref }, m.message);
        return;
      case 'heartbeat-ack': {
        const sentAt = this.beats.get(m.seq);
        for (const seq of this.beats.keys()) if (seq <= m.seq) this.beats.delete(seq);
        if (sentAt !== undefined) this.renewLease(sentAt);
        return;
      }
      case 'service-states':
        // The quorum of every agent's monitors decides each service it names (own monitors: the rest).
        this.opts.agent.setQuorumStates(m.states);
        return;
      case 'bandwidth-shares':
        this.opts.agent.setBandwidthShares(m.shares);
        return;
      case 'site-weights':
        this.opts.agent.setSiteWeights(m, this.advertised());
        return;
      case 'service-feedback':
        this.opts.agent.setPushedFeedback(m.feedback, m.replace);
        return;
      case 'service-loads':
        this.opts.agent.setRemoteLoads(m.loads);
        return;
      case 'instruction': {
        const p = this.pendingSelects.get(m.id);
        if (!p) return;
        this.pendingSelects.delete(m.id);
        clearTimeout(p.timer);
        p.resolve({ service: m.service, ttlMs: m.ttlMs });
        return;
      }
    }
  }

  /**
   * A delta on the applied version: checked against the document it applies to (nothing is
   * applied when a reference would dangle), then served; rolled back when the agent refuses it.
   */
  private async applyDelta(d: ConfigDelta): Promise<void> {
    if (d.base !== this.appliedVersion) {
      this.opts.log.warn({ event: 'control_delta_base', base: d.base, appliedVersion: this.appliedVersion }, 'delta on another version; asking for a snapshot');
      this.send({ type: 'resync', appliedVersion: this.appliedVersion, reason: `delta on ${d.base}, this agent runs ${this.appliedVersion ?? 'nothing'}` });
      return;
    }
    const problems = this.document.problems(d);
    if (problems.length > 0) {
      throw new AgentError(
        'SPILLWAY_AGENT_DELTA_INCONSISTENT',
        `delta ${d.version} leaves ${problems.length} reference(s) dangling: ${problems[0]!.message}`,
        problems,
      );
    }
    const undo = this.document.inverse(d);
    this.document.apply(d);
    // Only the change goes to the agent (applied in time proportional to it).
    const change = (c: typeof d): Parameters<Agent['applyDelta']>[0] => ({ upserted: this.localize(c.upserted), removed: c.removed });
    try {
      await this.serve(
        d.version,
        () => this.opts.agent.applyDelta(change(d)),
        () => undefined,
      );
    } catch (err) {
      this.document.apply(undo);
      // Served in part (a listener failed): the agent goes back to the version it ran.
      if (err instanceof AgentError && err.code === 'SPILLWAY_AGENT_LISTEN_FAILED')
        await this.opts.agent.applyDelta(change({ ...d, ...undo })).catch((e: unknown) => {
          this.opts.log.error({ event: 'control_delta_rollback_failed', err: (e as Error).message }, 'could not roll the refused delta back');
        });
      throw err;
    }
  }

  /** Serves `version` (`apply`), then ACKs it (`commit` runs once it is served). */
  private async serve(version: string, apply: () => Promise<unknown>, commit: () => void): Promise<void> {
    await apply();
    commit();
    this.appliedVersion = version;
    this.send({ type: 'ack', version });
    this.opts.log.info({ event: 'control_config_applied', version }, 'config applied');
    // Counters of the new vservers at once, not at the next sample: the control plane reclaims
    // uses other agents do not use by their reports, and an agent that never reported a vserver
    // gives nothing up (a burst in the first second after a change spilled with its uses unused).
    void this.refresh();
  }

  private failedApply(version: string, err: unknown, what: 'snapshot' | 'delta'): void {
    const e = err instanceof AgentError ? err : new AgentError('SPILLWAY_AGENT_APPLY_FAILED', (err as Error).message);
    this.send({ type: 'nack', version, error: { code: e.code, message: e.message.slice(0, 2_000), details: e.details.slice(0, 50) } });
    this.opts.log.error({ event: `control_${what}_rejected`, version, code: e.code }, `${what} rejected; keeping version ${this.appliedVersion ?? 'none'}`);
  }

  private beat(): void {
    const seq = this.seq++;
    const now = monotonicMs();
    // A heartbeat older than the lease can no longer renew it.
    for (const [k, at] of this.beats) {
      if (now - at < this.leaseMs) break;
      this.beats.delete(k);
    }
    this.beats.set(seq, now);
    this.send({ type: 'heartbeat', seq });
  }

  /** The control plane heard from this agent no earlier than `sentAt`: its lease lasts at least until then + the lease. */
  private renewLease(sentAt: number): void {
    const until = sentAt + this.leaseMs - Math.max(1, Math.floor(this.leaseMs / 10));
    if (until <= this.leaseUntil) return;
    this.leaseUntil = until;
    this.opts.agent.setQuotaLease(until);
    if (this.leaseLapsed && until > monotonicMs()) {
      this.leaseLapsed = false;
      this.opts.log.info({ event: 'control_lease_renewed' }, 'quota lease renewed; admitting on the allowances again');
    }
    this.armLeaseTimer();
  }

  /**
   * The timer for the lease's end. It may fire up to a millisecond before `leaseUntil` by the
   * monotonic clock (libuv's timers count whole milliseconds of a loop time read at the start of
   * the iteration), so a timer that fires early is armed again for the rest.
   */
  private armLeaseTimer(): void {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = setTimeout(() => this.onLeaseTimer(), Math.max(1, Math.ceil(this.leaseUntil - monotonicMs())));
    this.leaseTimer.unref();
  }

  private onLeaseTimer(): void {
    this.leaseTimer = null;
    if (this.stopped || this.leaseLapsed) return;
    if (monotonicMs() < this.leaseUntil) {
      this.armLeaseTimer();
      return;
    }
    this.leaseLapsed = true;
    this.opts.log.warn(
      { event: 'control_lease_expired', leaseMs: this.leaseMs },
      'quota lease ended without word from the control plane; connections on the global quota spill until it answers',
    );
    // Cut off, the allowances are void now (the stats show 0); with a session still open (a
    // stalled control plane) they stay: the control plane still counts them as this agent's.
    if (!this.channel?.isOpen) this.voidIfExpired();
  }

  /** Drops every allowance to 0 once the lease has ended (they are the control plane's again); true when it had. */
  private voidIfExpired(): boolean {
    if (this.leaseMs === 0 || monotonicMs() < this.leaseUntil) return false;
    for (const [vs, a] of this.allowances) {
      // A service's capacity falls back to its exclusive share (see the top), a vserver's allowance to 0.
      const safe = parsePoolKey(vs).pool === 'service' ? { ...a, borrowed: 0 } : { ...a, exclusive: 0, borrowed: 0 };
      if (safe.exclusive + safe.borrowed < a.exclusive + a.borrowed) this.setAllowance(vs, safe);
    }
    return true;
  }

  /**
   * Asks for `want` uses of `vs` now (connections are waiting on an allowance all in use), saying
   * the allowance they wait on (uses the control plane told it since count toward `want`);
   * resolves after the grant was applied (true when the allowance grew since the question), or
   * false at once without a channel, or at the deadline.
   */
  private borrowNow(vs: string, want: number): Promise<boolean> {
    if (!this.channel?.isOpen || !this.allowances.has(vs)) return Promise.resolve(false);
    const allowance = this.allowance(vs);
    return new Promise((resolve) => {
      const id = this.nextBorrowId++;
      let settled = false;
      const timer = setTimeout(() => finish(false), this.opts.borrowHoldMs ?? 400);
      const finish = (added: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A late grant is still applied; only the waiting connections stop waiting for it.
        const b = this.pendingBorrows.get(id);
        if (b) delete b.done;
        resolve(added);
      };
      this.pendingBorrows.set(id, { vs, allowance, done: finish });
      this.send({ type: 'borrow', ...poolRef(vs), id, n: Math.max(1, want), allowance });
    });
  }

  /** Asks the service manager where a new client goes; null at once without a channel (the agent selects locally). */
  private select(vs: string, key: string): Promise<{ service: string | null; ttlMs: number } | null> {
    if (!this.channel?.isOpen) return Promise.resolve(null);
    return new Promise((resolve) => {
      const id = this.nextSelectId++;
      const timer = setTimeout(() => {
        this.pendingSelects.delete(id);
        resolve(null);
      }, SELECT_FORGET_MS);
      timer.unref();
      this.pendingSelects.set(id, { resolve, timer });
      this.send({ type: 'select', id, vserver: vs, key });
    });
  }

  private dropSelects(): void {
    for (const p of this.pendingSelects.values()) {
      clearTimeout(p.timer);
      p.resolve(null);
    }
    this.pendingSelects.clear();
  }

  /** A client the agent keeps sending to `service`: told to the manager with the others of the next TOUCH_MS. */
  private touch(vs: string, key: string, service: string): void {
    if (!this.channel?.isOpen) return;
    let m = this.touches.get(vs);
    if (!m) this.touches.set(vs, (m = new Map<string, string>()));
    m.set(key, service);
    if (this.touchTimer) return;
    this.touchTimer = setTimeout(() => {
      this.touchTimer = null;
      const all = this.touches;
      this.touches = new Map();
      for (const [vserver, entries] of all) {
        const list = [...entries].map(([k, s]) => ({ key: k, service: s }));
        for (let i = 0; i < list.length; i += 10_000) this.send({ type: 'select-touch', vserver, entries: list.slice(i, i + 10_000) });
      }
    }, TOUCH_MS);
    this.touchTimer.unref();
  }

  private borrowing(vs: string): boolean {
    for (const b of this.pendingBorrows.values()) if (b.vs === vs) return true;
    return false;
  }

  /**
   * Acknowledges revokes with the uses the agent still holds, read synchronously from its own
   * pool after the cut: what its workers may have in flight (their allowances plus uses still
   * owed), never less than the new allowance. Not the last report's active connections: workers
   * may have admitted more since, up to allowances that the cut has not reached yet. The first
   * acknowledgement waits (at most SETTLE_WAIT_MS) until the workers have answered the cut with
   * their uses in flight: the control plane takes what it claims beyond the allowance as in use
   * and answers the borrow it revoked for at once, so it must not be the whole cut as owed.
   */
  private ackRevokes(): void {
    let unsettled = false;
    for (const [vs, d] of this.draining) {
      if (d.committed === Number.MAX_SAFE_INTEGER && !this.opts.agent.quotaSettled(vs) && monotonicMs() - d.since < SETTLE_WAIT_MS) {
        unsettled = true;
        continue;
      }
      const committed = this.committed(vs);
      if (committed >= d.committed) continue;
      d.committed = committed;
      if (committed <= this.allowance(vs)) this.draining.delete(vs);
      this.send({ type: 'revoke-ack', ...poolRef(vs), id: d.id, committed });
    }
    // Uses given back inside the agent free uses for other agents: say so soon, not at the next sample.
    if (this.draining.size > 0 && !this.reacking && !this.stopped) {
      this.reacking = setTimeout(
        () => {
          this.reacking = null;
          this.ackRevokes();
        },
        unsettled ? 2 : 20,
      );
    }
  }

  private allowance(vs: string): number {
    const a = this.allowances.get(vs);
    return a ? a.exclusive + a.borrowed : 0;
  }

  /** Uses of `vs` this agent may have in flight now (without a local limit: the last active count). */
  private committed(vs: string): number {
    const workers = this.opts.agent.quotaCommitted(vs);
    return Math.max(this.allowance(vs), workers ?? activeOf(this.active, vs) ?? 0);
  }

  /** The address this agent says it is reached at (sites): the advertised host, else a listen host that is not a wildcard. */
  private advertised(): string | null {
    const host = this.opts.advertiseHost ?? this.opts.listenHost;
    return host && host !== '0.0.0.0' && host !== '::' ? host : null;
  }

  /** The snapshot as this agent serves it: its own listen address when it has one. */
  private localize(config: ConfigDocument): ConfigDocument {
    const host = this.opts.listenHost;
    if (!host) return config;
    return {
      ...config,
      vservers: config.vservers.map((v) => (v.listen !== null && typeof v.listen === 'object' ? { ...v, listen: { ...v.listen, host } } : v)),
    };
  }

  /** The control plane's count of borrowed uses minus the returns it has not answered yet. */
  private net(vs: string, borrowed: number): number {
    let pending = 0;
    for (const r of this.pendingReturns.values()) if (r.vs === vs) pending += r.n;
    return Math.max(0, borrowed - pending);
  }

  private setAllowance(vs: string, a: AllowanceState): void {
    this.allowances.set(vs, a);
    this.opts.agent.setAllowance(vs, a.exclusive + a.borrowed);
  }

  /** The agent's active connections changed: revokes re-acknowledged, the change reported at once, batches borrowed or returned. */
  private onActiveChange(): void {
    if (!this.channel?.isOpen) return;
    this.ackRevokes();
    // Active connections that changed are reported at once: the control plane reclaims uses
    // other agents do not use by these counts, and a second-old count asks too little of them.
    // Under churn, at most one report per REPORT_GAP_MS (the last one carries the latest counts).
    if (!this.reportSoon && Object.entries(this.active.vservers).some(([vs, n]) => n !== this.reported.get(vs))) {
      const wait = this.reportedAt + REPORT_GAP_MS - Date.now();
      if (wait <= 0) this.report();
      else
        this.reportSoon = setTimeout(() => {
          this.reportSoon = null;
          this.report();
        }, wait);
    }
    this.borrowOrReturn();
  }

  /** The counters of the report, once a second (then the borrow/return check again: a borrow answered with nothing is retried). */
  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const seen = this.transitions;
      this.setLast(await this.opts.agent.stats(), seen);
      this.report();
      if (this.channel?.isOpen) this.borrowOrReturn();
    } catch (err) {
      this.opts.log.debug({ event: 'control_stats_failed', err: (err as Error).message }, 'reading the counters failed');
    } finally {
      this.refreshing = false;
    }
  }

  /** A batch borrowed before the allowance is used up, returned when idle (core's rule: borrowAheadOrGiveBack). */
  private borrowOrReturn(): void {
    if (this.opts.borrowAhead === false) return;
    for (const [vs, a] of this.allowances) {
      const next = borrowAheadOrGiveBack({
        exclusive: a.exclusive,
        borrowed: a.borrowed,
        batch: a.batch,
        active: activeOf(this.active, vs) ?? 0,
        // Read now, not from the last push: a worker may have borrowed since.
        committedInside: this.opts.agent.quotaCommitted(vs),
        borrowing: this.borrowing(vs),
        draining: this.draining.has(vs),
      });
      if (next?.kind === 'borrow') {
        const id = this.nextBorrowId++;
        this.pendingBorrows.set(id, { vs });
        this.send({ type: 'borrow', ...poolRef(vs), id });
      } else if (next?.kind === 'give-back') {
        // Shrink first, then give back: the uses are never counted by both sides at once.
        const id = this.nextBorrowId++;
        this.pendingReturns.set(id, { vs, n: next.n });
        this.setAllowance(vs, { ...a, borrowed: a.borrowed - next.n });
        this.send({ type: 'return', ...poolRef(vs), id, n: next.n });
      }
    }
  }

  /** Counters read after the first `seen` transitions: those are in them; only later ones override their states. */
  private setLast(stats: AgentStats | null, seen: number): void {
    if (stats !== this.last) for (const [service, t] of this.monitorStates) if (t.seq <= seen) this.monitorStates.delete(service);
    this.last = stats;
  }

  private report(): void {
    const s = this.last;
    if (!s || !this.channel?.isOpen) return;
    this.reportedAt = Date.now();
    const vservers: Report['vservers'] = {};
    for (const [name, v] of Object.entries(s.vservers)) {
      // The active connections as last pushed (fresher than the last counters read).
      const cxActive = this.active.vservers[name] ?? v.cx_active;
      this.reported.set(name, cxActive);
      vservers[name] = {
        cxActive,
        cxTotal: v.cx_total,
        spilloversTotal: v.spillovers_total,
        rxBytesTotal: v.rx_bytes_total,
        txBytesTotal: v.tx_bytes_total,
        rxKbps: (v.rx_bytes_rate * 8) / 1000,
        txKbps: (v.tx_bytes_rate * 8) / 1000,
        surgeQueue: v.surge_queue_len,
        ...(v.rule_hits ? { ruleHits: { ...v.rule_hits } } : {}),
        ...(v.selection
          ? {
              selection: {
                managerTotal: v.selection.manager_total,
                localFallbackTotal: v.selection.local_fallback_total,
                rttP50Ms: v.selection.rtt_p50_ms,
                rttP99Ms: v.selection.rtt_p99_ms,
              },
            }
          : {}),
        spilloversByCause: {
          connection: v.spillovers_connection_total,
          bandwidth: v.spillovers_bandwidth_total,
          health: v.spillovers_health_total,
          down: v.spillovers_down_total,
        },
      };
    }
    const services: Report['services'] = {};
    for (const [name, v] of Object.entries(s.services)) {
      // Optional parts set after (a spread of one into the literal is V8's slow path, per service).
      const c: Report['services'][string] = {
        cxActive: this.active.services[name] ?? v.cx_active,
        cxTotal: v.cx_total,
        state: this.monitorStates.get(name)?.state ?? v.state,
        monitors: v.monitors.map((m) => ({ monitor: m.monitor, state: m.state, responseMs: m.responseMs })),
      };
      if (v.effective) c.effective = { weight: v.effective.weight, capacity: v.effective.capacity, state: v.effective.state, drain: v.effective.drain };
      const maintenance = maintenanceOf(v, s.migration?.lastFailures[name]);
      if (maintenance) c.maintenance = maintenance;
      services[name] = c;
    }
    const connections = s.migration?.connections;
    const report: Report = { type: 'report', at: Date.now(), vservers, services, ...(connections && connections.length > 0 ? { connections } : {}) };
    // The first report of a connection whole, each later one what changed since (protocol report.ts).
    const last = this.channel !== null && this.lastReport?.channel === this.channel ? this.lastReport.report : null;
    if (this.channel) this.lastReport = { channel: this.channel, report };
    this.send(reportChanges(last, report));
  }
}

/** The agent's active connections on the pool of `key` (a vserver's, or a service's by its pool key). */
function activeOf(a: ActiveCounts, key: string): number | undefined {
  const p = parsePoolKey(key);
  return p.pool === 'service' ? a.services[p.name] : a.vservers[p.name];
}

/** A service's maintenance counters for the report (issue 15): only once it has had any. */
function maintenanceOf(v: ServiceStats, lastFailure: LastFailure | undefined): MaintenanceCounters | undefined {
  if (v.cx_draining + v.cx_migrating + v.cx_migrated_total + v.cx_migrate_failed_total + v.cx_drain_closed_total === 0 && !lastFailure) return undefined;
  const m: MaintenanceCounters = {
    draining: v.cx_draining,
    migrating: v.cx_migrating,
    migratedTotal: v.cx_migrated_total,
    failedTotal: v.cx_migrate_failed_total,
    drainClosedTotal: v.cx_drain_closed_total,
    ...(lastFailure ? { lastFailure: { code: lastFailure.code, message: lastFailure.message.slice(0, 500), at: lastFailure.at } } : {}),
  };
  return m;
}
