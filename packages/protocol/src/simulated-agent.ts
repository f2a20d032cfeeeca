// An agent that speaks the protocol and nothing else: it ACKs (or NACKs) snapshots and deltas
// (applied onto the document it holds, as a real agent does: a delta on another base asks for a
// resync, one that leaves a reference dangling is NACKed with nothing applied), heartbeats
// at the pace the control plane asks, tracks its allowances and borrows on demand. Tests and
// benchmarks use it to stand for many agents without proxies.
import { ChannelClient } from './channel-client.js';
import {
  PROTOCOL_VERSION,
  type Allowance,
  type ConfigDelta,
  type ConfigDocument,
  type ControlMessage,
  type Grant,
  type Outstanding,
  type Report,
  type Revoke,
  type Snapshot,
  type Welcome,
} from './messages.js';
import { poolKeyOf, poolRef } from './pool-key.js';
import { ResourceSet } from './resources.js';

export interface SimulatedAgentOptions {
  url: string;
  token: string;
  name: string;
  workers?: number;
  appliedVersion?: string | null;
  /** The document of `appliedVersion` (an agent that kept its state across a reconnect). */
  document?: ConfigDocument;
  outstanding?: Record<string, Outstanding>;
  /** Returns an error message to NACK a snapshot or a delta; null ACKs it. */
  judge?: (s: Snapshot | ConfigDelta) => string | null;
  heartbeats?: boolean;
  /** Answer revokes at once (default); false leaves them to `ackRevoke` (tests of the two phases). */
  ackRevokes?: boolean;
  /** Sites: the site it says it belongs to and the address it says it is reached at (hello). */
  site?: string;
  address?: string;
}

export interface AllowanceState {
  limit: number | null;
  exclusive: number;
  borrowed: number;
  batch: number;
}

export class SimulatedAgent {
  readonly allowances = new Map<string, AllowanceState>();
  /** Connections this agent pretends to hold per vserver (what a revoke-ack reports beyond the allowance). */
  readonly inUse = new Map<string, number>();
  /** Revokes received and not acknowledged yet (with ackRevokes: false). */
  readonly pendingRevokes = new Map<string, Revoke>();
  appliedVersion: string | null;
  /** The document of the applied version. */
  readonly resources = new ResourceSet();
  private seq = 0;
  private nextBorrow = 1;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly pendingReturns = new Map<number, { vs: string; n: number }>();

  private constructor(
    readonly client: ChannelClient,
    readonly name: string,
    readonly welcome: Welcome,
    private readonly opts: SimulatedAgentOptions,
  ) {
    this.appliedVersion = opts.appliedVersion ?? null;
    if (opts.document) this.resources.reset(opts.document);
    client.on('message', (m: ControlMessage) => {
      if (m.type === 'snapshot') this.onSnapshot(m);
      else if (m.type === 'delta') this.onDelta(m);
      else if (m.type === 'allowance') this.onAllowance(m);
      else if (m.type === 'revoke') this.onRevoke(m);
      else if (m.type === 'grant') {
        this.pendingReturns.delete(m.id);
        const a = this.allowances.get(poolKeyOf(m));
        if (a) a.borrowed = this.net(poolKeyOf(m), m.borrowed);
      }
    });
    if (opts.heartbeats !== false) this.startHeartbeats();
  }

  static async start(opts: SimulatedAgentOptions): Promise<SimulatedAgent> {
    const client = await ChannelClient.connect({ url: opts.url, token: opts.token });
    const welcomed = client.waitFor('welcome');
    client.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      agent: opts.name,
      workers: opts.workers ?? 1,
      appliedVersion: opts.appliedVersion ?? null,
      outstanding: opts.outstanding ?? {},
      ...(opts.site === undefined ? {} : { site: opts.site }),
      ...(opts.address === undefined ? {} : { address: opts.address }),
    });
    const welcome = await welcomed;
    const agent = new SimulatedAgent(client, opts.name, welcome, opts);
    // What arrived with the welcome, in order (a rejoin may be answered with a revoke at once).
    for (const m of client.received) {
      if (m.type === 'snapshot') agent.onSnapshot(m);
      if (m.type === 'delta') agent.onDelta(m);
      if (m.type === 'allowance') agent.onAllowance(m);
      if (m.type === 'revoke') agent.onRevoke(m);
    }
    return agent;
  }

  /** What this agent may admit on a vserver (exclusive + borrowed), or on a service's capacity by its serviceKey; null without a global cap. */
  allowance(vs: string): number | null {
    const a = this.allowances.get(vs);
    return !a || a.limit === null ? null : a.exclusive + a.borrowed;
  }

  async borrow(vs: string, n?: number): Promise<Grant> {
    const id = this.nextBorrow++;
    const granted = this.client.waitFor('grant', (g) => g.id === id && poolKeyOf(g) === vs);
    this.client.send({ type: 'borrow', ...poolRef(vs), id, ...(n === undefined ? {} : { n }) });
    return granted;
  }

  /** Acknowledges the pending revoke of `vs`, holding max(allowance, inUse) (or `committed`). */
  ackRevoke(vs: string, committed?: number): void {
    const r = this.pendingRevokes.get(vs);
    if (!r) return;
    const h = committed ?? Math.max(this.allowance(vs) ?? 0, this.inUse.get(vs) ?? 0);
    if (h <= (this.allowance(vs) ?? 0)) this.pendingRevokes.delete(vs);
    this.client.send({ type: 'revoke-ack', ...poolRef(vs), id: r.id, committed: h });
  }

  giveBack(vs: string, n: number): void {
    const a = this.allowances.get(vs);
    if (a) a.borrowed = Math.max(0, a.borrowed - n);
    const id = this.nextBorrow++;
    this.pendingReturns.set(id, { vs, n });
    this.client.send({ type: 'return', ...poolRef(vs), id, n });
  }

  transition(service: string, state: 'UP' | 'DOWN'): void {
    this.client.send({ type: 'transition', service, state, at: Date.now() });
  }

  report(vservers: Report['vservers'] = {}, services: Report['services'] = {}): void {
    this.client.send({ type: 'report', at: Date.now(), vservers, services });
  }

  startHeartbeats(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.client.send({ type: 'heartbeat', seq: this.seq++ }), this.welcome.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Goes silent while keeping the TCP connection open (a hung agent). */
  stopHeartbeats(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  async close(): Promise<void> {
    this.stopHeartbeats();
    await this.client.close();
  }
  /** Vanishes without a closing handshake (a killed agent). */
  crash(): void {
    this.stopHeartbeats();
    this.client.terminate();
  }

  /** The document this agent runs (the applied version's). */
  document(): ConfigDocument {
    return this.resources.document();
  }

  private onSnapshot(s: Snapshot): void {
    const error = this.opts.judge?.(s) ?? null;
    if (error === null) {
      this.resources.reset(s.config);
      this.appliedVersion = s.version;
      this.client.send({ type: 'ack', version: s.version });
    } else {
      this.client.send({ type: 'nack', version: s.version, error: { code: 'SPILLWAY_AGENT_CONFIG_INVALID', message: error, details: [] } });
    }
  }

  private onDelta(d: ConfigDelta): void {
    if (d.base !== this.appliedVersion) {
      this.client.send({
        type: 'resync',
        appliedVersion: this.appliedVersion,
        reason: `delta on ${d.base}, this agent runs ${this.appliedVersion ?? 'nothing'}`,
      });
      return;
    }
    const problems = this.resources.problems(d);
    const error = problems.length > 0 ? problems[0]!.message : (this.opts.judge?.(d) ?? null);
    if (error !== null) {
      const code = problems.length > 0 ? 'SPILLWAY_AGENT_DELTA_INCONSISTENT' : 'SPILLWAY_AGENT_CONFIG_INVALID';
      this.client.send({ type: 'nack', version: d.version, error: { code, message: error, details: problems.slice(0, 50) } });
      return;
    }
    this.resources.apply(d);
    this.appliedVersion = d.version;
    this.client.send({ type: 'ack', version: d.version });
  }

  // The pools of services' capacities (pool: 'service') are kept by serviceKey beside the vservers'.
  private onRevoke(m: Revoke): void {
    const key = poolKeyOf(m);
    const a = this.allowances.get(key);
    if (a) Object.assign(a, { exclusive: m.exclusive, borrowed: this.net(key, m.borrowed) });
    this.pendingRevokes.set(key, m);
    if (this.opts.ackRevokes !== false) this.ackRevoke(key);
  }

  private onAllowance(m: Allowance): void {
    const key = poolKeyOf(m);
    if (m.limit === null) {
      this.allowances.delete(key);
      return;
    }
    this.allowances.set(key, { limit: m.limit, exclusive: m.exclusive, borrowed: this.net(key, m.borrowed), batch: m.batch });
  }

  /** The control plane's absolute count minus the returns it has not answered yet. */
  private net(vs: string, borrowed: number): number {
    let pending = 0;
    for (const r of this.pendingReturns.values()) if (r.vs === vs) pending += r.n;
    return Math.max(0, borrowed - pending);
  }
}
