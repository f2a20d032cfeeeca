// The state of each service across agents: every agent that monitors a service votes UP or DOWN;
// the service is UP when the quorum of voters says so (majority by default; any; all).
export type Health = 'UP' | 'DOWN';
export type UpQuorum = 'majority' | 'any' | 'all';

export interface ServiceVotes { state: Health; up: number; voters: number; byAgent: Record<string, Health> }

export class ServiceAggregator {
  private readonly votes = new Map<string, Map<string, Health>>();
  private readonly decided = new Map<string, Health>();

  constructor(private readonly quorum: UpQuorum = 'majority') {}

  /** Records an agent's view; returns the service's new aggregate state when it changed. */
  vote(agent: string, service: string, state: Health): Health | null {
    let m = this.votes.get(service);
    if (!m) { m = new Map(); this.votes.set(service, m); }
    m.set(agent, state);
    return this.decide(service);
  }

  /** Forgets an agent (its lease expired); returns the services whose state changed. */
  removeAgent(agent: string): Array<{ service: string; state: Health }> {
    const changed: Array<{ service: string; state: Health }> = [];
    for (const [service, m] of this.votes) {
      if (!m.delete(agent)) continue;
      const s = this.decide(service);
      if (s) changed.push({ service, state: s });
    }
    return changed;
  }

  /** The aggregate state; null when no agent monitors the service. */
  state(service: string): Health | null { return this.decided.get(service) ?? null; }

  view(service: string): ServiceVotes | null {
    const m = this.votes.get(service);
    const state = this.decided.get(service);
    if (!m || m.size === 0 || !state) return null;
    const byAgent = Object.fromEntries(m);
    return { state, up: [...m.values()].filter((s) => s === 'UP').length, voters: m.size, byAgent };
  }

  /** Aggregate states of every service some agent monitors. */
  states(): Record<string, Health> { return Object.fromEntries(this.decided); }

  private decide(service: string): Health | null {
    const m = this.votes.get(service);
    const before = this.decided.get(service) ?? null;
    if (!m || m.size === 0) { this.decided.delete(service); return null; }
    const up = [...m.values()].filter((s) => s === 'UP').length;
    const ok = this.quorum === 'any' ? up > 0 : this.quorum === 'all' ? up === m.size : up * 2 > m.size;
    const next: Health = ok ? 'UP' : 'DOWN';
    this.decided.set(service, next);
    return next === before ? null : next;
  }
}
