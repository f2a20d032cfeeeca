// A vserver's bandwidth threshold held across its agents (issue 12 item 3): each agent enforces a
// share of the budget (a fraction of every bandwidth method's thresholdKbps, `bandwidth-shares`),
// split by core's rateShares from the rates the agents report, so the sum of the agents' traffic
// stays within the threshold. An agent keeps its share while it holds a lease (connected, or cut
// off within its lease: it still enforces its last share), and its share goes to the others when
// its lease ends. With replicas the budget split is this replica's part of the whole (setBudget:
// its agents' fair share among every replica's, replica-quota.ts), so N replicas do not let N×
// the threshold through.
import { directional, rateShares, type Direction } from '@spillway/core';
import { DEFAULTS, type BandwidthShares as BandwidthSharesMessage, type ConfigDocument, type Report } from '@spillway/protocol';

interface BandwidthMethod {
  thresholdKbps: number;
  direction: Direction;
}

export interface BandwidthSharesOptions {
  /** How soon after a report the shares are rebalanced (default 250 ms; reports are coalesced). */
  rebalanceMs?: number;
  /** A share that moved less than this (a fraction of the budget) is not sent again (default 0.01), unless the sum needs it. */
  tolerance?: number;
}

/** Per vserver with a bandwidth method: every member agent's share of its budget, rebalanced from their reports. */
export class BandwidthShares {
  /** Vservers with a bandwidth method: their bandwidth methods. */
  private methods = new Map<string, BandwidthMethod[]>();
  /** Agents holding a share (connected, or within their lease), in join order. */
  private readonly members = new Set<string>();
  /** Per agent, per vserver: its demand as a fraction of the budget (the most of any bandwidth method). */
  private readonly demand = new Map<string, Map<string, number>>();
  /** Per agent, per vserver: the share it was last sent (what it enforces). */
  private readonly told = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | null = null;
  /** The fraction of every threshold this replica's agents split (1: the only replica). */
  private budget = 1;
  private readonly rebalanceMs: number;
  private readonly tolerance: number;

  constructor(
    private readonly send: (agent: string, msg: BandwidthSharesMessage) => boolean,
    /** Whether `agent` has a session now; one without keeps enforcing what it was last told. */
    private readonly reachable: (agent: string) => boolean,
    opts: BandwidthSharesOptions = {},
  ) {
    this.rebalanceMs = opts.rebalanceMs ?? 250;
    this.tolerance = opts.tolerance ?? 0.01;
  }

  /** The vservers of a new config version: those with a bandwidth method are shared. */
  setConfig(config: ConfigDocument): void {
    const next = new Map<string, BandwidthMethod[]>();
    for (const v of config.vservers) {
      const methods = v.spillover.methods.flatMap((m): BandwidthMethod[] =>
        m.type === 'bandwidth' && m.thresholdKbps !== undefined
          ? [{ thresholdKbps: m.thresholdKbps, direction: m.direction ?? DEFAULTS.bandwidthDirection }]
          : [],
      );
      if (methods.length > 0 && !next.has(v.name)) next.set(v.name, methods);
    }
    // A vserver that lost its bandwidth methods: what agents were told of it is forgotten (sent anew if it gets one again).
    for (const t of this.told.values()) for (const vs of [...t.keys()]) if (!next.has(vs)) t.delete(vs);
    this.methods = next;
    this.rebalance();
  }

  /**
   * This replica's part (0..1) of every bandwidth budget. A smaller part reaches the agents at
   * once (every share that went down is sent: the sum stays within the part).
   */
  setBudget(part: number): void {
    const next = Math.min(1, Math.max(0, part));
    if (next === this.budget) return;
    this.budget = next;
    this.rebalance();
  }

  /** An agent (re)connected: it is sent every share it holds at once. */
  join(agent: string): void {
    this.members.add(agent);
    this.told.set(agent, new Map());
    this.rebalance();
  }

  /** An agent's lease ended: its share goes to the others. */
  leave(agent: string): void {
    if (!this.members.delete(agent)) return;
    this.demand.delete(agent);
    this.told.delete(agent);
    this.rebalance();
  }

  /** An agent's counters: its rates are its demand; the shares are rebalanced soon (coalesced). */
  report(agent: string, report: Report): void {
    if (!this.members.has(agent) || this.methods.size === 0) return;
    let d = this.demand.get(agent);
    if (!d) {
      d = new Map();
      this.demand.set(agent, d);
    }
    for (const [vs, methods] of this.methods) {
      const c = report.vservers[vs];
      if (!c) continue;
      let most = 0;
      for (const m of methods) if (m.thresholdKbps > 0) most = Math.max(most, directional({ in: c.rxKbps, out: c.txKbps }, m.direction) / m.thresholdKbps);
      d.set(vs, most);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.rebalance();
      }, this.rebalanceMs);
      this.timer.unref();
    }
  }

  /** Each member's share of `vserver` as last sent (fractions of the budget). */
  view(vserver: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.members) {
      const s = this.told.get(a)?.get(vserver);
      if (s !== undefined) out[a] = s;
    }
    return out;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Splits every shared vserver's budget among the members and sends each agent the shares that
   * moved by the tolerance or more (all of them to one that just joined). A member without a
   * session keeps what it was told (it cannot hear otherwise), and the others split the rest. A
   * share that moved less is kept as told, unless the shares as told would then add up to more
   * than the budget: then every share that went down is sent too, so what the agents enforce
   * never sums above it.
   */
  rebalance(): void {
    const all = [...this.members];
    if (all.length === 0) return;
    const members = all.filter((a) => this.reachable(a));
    const cut = all.filter((a) => !this.reachable(a));
    if (members.length === 0) return;
    const out = new Map<string, Record<string, number>>();
    for (const vs of this.methods.keys()) {
      const frozen = cut.reduce((acc, a) => acc + (this.told.get(a)?.get(vs) ?? 0), 0);
      const shares = rateShares(
        Math.max(0, this.budget - frozen),
        members.map((a) => this.demand.get(a)?.get(vs) ?? 0),
      );
      const send = members.map((a, i) => {
        const told = this.told.get(a)?.get(vs);
        return told === undefined || Math.abs(told - shares[i]!) >= this.tolerance;
      });
      const sum = members.reduce((acc, a, i) => acc + (send[i] ? shares[i]! : (this.told.get(a)?.get(vs) ?? 0)), 0);
      if (sum + frozen > this.budget + 1e-9) members.forEach((a, i) => (send[i] ||= (this.told.get(a)?.get(vs) ?? 0) > shares[i]!));
      members.forEach((a, i) => {
        if (!send[i]) return;
        let m = out.get(a);
        if (!m) out.set(a, (m = {}));
        // Rounded down to 1e-6: the sum stays within the budget.
        m[vs] = Math.floor(shares[i]! * 1e6) / 1e6;
      });
    }
    for (const [agent, shares] of out) {
      if (!this.send(agent, { type: 'bandwidth-shares', shares })) continue;
      let t = this.told.get(agent);
      if (!t) this.told.set(agent, (t = new Map<string, number>()));
      for (const [vs, s] of Object.entries(shares)) t.set(vs, s);
    }
  }
}
