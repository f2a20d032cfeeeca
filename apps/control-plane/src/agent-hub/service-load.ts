// The hub's view of each service across agents (issue 16; 001 claim 1's "global view" of the
// service manager, 002 lines 234-240's load across appliances): the active connections of a
// service summed over the last reports of the connected agents, next to the service's UP state
// by quorum as the hub's ServiceVoteAggregator decided it (read, never recomputed here).
//
// Reports come every second; between two reports of an agent, connections the service manager
// sent it to a service are counted on top (`assigned`), so a burst of new clients does not all
// go to the service that looked emptiest in the last report. An agent's assignments are dropped
// once a report of it newer than them arrived (the report counts those connections itself).
import type { Health, ServiceVotes } from '@spillway/core';
import type { Report } from '@spillway/protocol';

/** What the view reads of the hub (AgentHub implements it). */
export interface LoadSource {
  agents(): ReadonlyArray<{ name: string; connected: boolean; report: Report | null }>;
  agent(name: string): { report: Report | null } | undefined;
  serviceState(service: string): ServiceVotes | null;
}

export interface ServiceLoad {
  service: string;
  /** Active connections across the connected agents (last reports, plus assignments since). */
  active: number;
  /** Connected agents whose last report lists the service. */
  reporting: number;
  /** The aggregate state by quorum; null when no agent monitors it (counts as UP, as for limits). */
  state: Health | null;
  /** Agents voting UP, and voting at all (0/0 when nobody monitors it). */
  up: number;
  voters: number;
}

interface Assigned {
  /** The `at` of the agent's report when the first of these was counted. */
  reportAt: number;
  counts: Map<string, number>;
}

export class ServiceLoads {
  private readonly assigned = new Map<string, Assigned>();

  constructor(private readonly source: LoadSource) {}

  /** One service's load and state. */
  loadOf(service: string): ServiceLoad {
    let active = 0;
    let reporting = 0;
    for (const a of this.source.agents()) {
      if (!a.connected) continue;
      const c = a.report?.services[service];
      if (c) {
        active += c.cxActive;
        reporting++;
      }
      active += this.pending(a.name, a.report)?.counts.get(service) ?? 0;
    }
    return { service, active, reporting, ...this.stateOf(service) };
  }

  /** Active connections of one service across agents (loadOf(service).active). */
  activeOf(service: string): number {
    return this.loadOf(service).active;
  }

  /** Per agent (connected), the active connections of `service` it last reported plus those assigned since. */
  byAgent(service: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.source.agents()) {
      if (!a.connected) continue;
      const n = (a.report?.services[service]?.cxActive ?? 0) + (this.pending(a.name, a.report)?.counts.get(service) ?? 0);
      if (n > 0 || a.report?.services[service]) out[a.name] = n;
    }
    return out;
  }

  /** Every service some connected agent reported (or was assigned), in one pass over the agents. */
  snapshot(): Record<string, ServiceLoad> {
    const acc = new Map<string, { active: number; reporting: number }>();
    const bump = (service: string, n: number, reported: boolean): void => {
      let e = acc.get(service);
      if (!e) acc.set(service, (e = { active: 0, reporting: 0 }));
      e.active += n;
      if (reported) e.reporting++;
    };
    for (const a of this.source.agents()) {
      if (!a.connected) continue;
      for (const [service, c] of Object.entries(a.report?.services ?? {})) bump(service, c.cxActive, true);
      for (const [service, n] of this.pending(a.name, a.report)?.counts ?? []) bump(service, n, false);
    }
    const out: Record<string, ServiceLoad> = {};
    for (const [service, e] of acc) out[service] = { service, ...e, ...this.stateOf(service) };
    return out;
  }

  /**
   * The service manager sent a new connection of `agent` to `service`: counted in the service's
   * load until the agent's next report (which counts it itself while it is open).
   */
  assign(agent: string, service: string): void {
    const report = this.source.agent(agent)?.report ?? null;
    let p = this.pending(agent, report);
    if (!p) this.assigned.set(agent, (p = { reportAt: report?.at ?? -1, counts: new Map() }));
    p.counts.set(service, (p.counts.get(service) ?? 0) + 1);
  }

  /** Forgets an agent's assignments (its record went). */
  forget(agent: string): void {
    this.assigned.delete(agent);
  }

  /** The agent's assignments since its current report; stale ones (a newer report arrived) are dropped. */
  private pending(agent: string, report: Report | null): Assigned | undefined {
    const p = this.assigned.get(agent);
    if (!p) return undefined;
    if ((report?.at ?? -1) !== p.reportAt) {
      this.assigned.delete(agent);
      return undefined;
    }
    return p;
  }

  private stateOf(service: string): Pick<ServiceLoad, 'state' | 'up' | 'voters'> {
    const v = this.source.serviceState(service);
    return v ? { state: v.state, up: v.up, voters: v.voters } : { state: null, up: 0, voters: 0 };
  }
}
