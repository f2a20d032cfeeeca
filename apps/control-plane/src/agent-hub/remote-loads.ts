// The loads of lb method availablecapacity (issue 16 item 3, 002 lines 234-240): each agent
// weighs a service by its capacity minus its load across all agents, so it must know the
// connections the other agents hold. The hub sends each agent, per service bound to an
// availablecapacity vserver, the active connections of the other connected agents (their last
// reports, service-load.ts's byAgent), at the report cadence and only when what it would send changed.
import type { ConfigDocument, RemoteLoads } from '@spillway/protocol';

export class RemoteLoadsPush {
  private services: string[] = [];
  /** What each agent was sent last (its encoding), so an unchanged view is not sent again. */
  private readonly sent = new Map<string, string>();

  constructor(
    /** Per connected agent, the service's active connections (ServiceLoads.byAgent). */
    private readonly byAgent: (service: string) => Record<string, number>,
    private readonly send: (agent: string, msg: RemoteLoads) => boolean,
  ) {}

  /** The services bound to some availablecapacity vserver of the served config. */
  setConfig(config: ConfigDocument): void {
    const out = new Set<string>();
    for (const v of config.vservers) {
      if (v.lbMethod !== 'availablecapacity') continue;
      for (const b of v.services) out.add(b.service);
    }
    this.services = [...out];
    if (this.services.length === 0) this.sent.clear();
  }

  /** Sends each agent of `agents` the other agents' loads when they changed (an agent that joins gets them at once). */
  tick(agents: readonly string[]): void {
    if (this.services.length === 0) return;
    const per = this.services.map((s) => [s, this.byAgent(s)] as const);
    for (const agent of agents) {
      const loads: Record<string, number> = {};
      for (const [s, by] of per) {
        let n = 0;
        for (const [a, c] of Object.entries(by)) if (a !== agent) n += c;
        if (n > 0) loads[s] = n;
      }
      const key = JSON.stringify(loads);
      if (this.sent.get(agent) === key) continue;
      if (this.send(agent, { type: 'service-loads', loads })) this.sent.set(agent, key);
    }
  }

  /** An agent left: the next session of it gets the loads again. */
  forget(agent: string): void {
    this.sent.delete(agent);
  }
}
