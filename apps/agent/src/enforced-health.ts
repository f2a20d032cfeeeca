// The health each service is enforced with on this agent (its vservers' limits, the health
// method, which services get new connections): the control plane's quorum state of the service
// (`service-states`, every agent's monitors voting) while the control plane is reachable and has
// said something about that service, else this agent's own monitors. The agent's own verdicts
// still go to the control plane as they are: they are its votes.

/** Own states (UP true) overridden by the quorum's, with the changes each update makes. */
export class EnforcedHealth {
  /** The last quorum states (UP true); null: none in force (standalone, or the control plane unreachable). */
  private quorum: Map<string, boolean> | null = null;

  /** `own`: the agent's monitors' state of every service of the configuration in force. */
  constructor(private readonly own: () => Record<string, boolean>) {}

  /** The enforced state of every service of the configuration. */
  states(): Record<string, boolean> {
    const out = this.own();
    const q = this.quorum;
    if (q) for (const name of Object.keys(out)) if (q.has(name)) out[name] = q.get(name)!;
    return out;
  }

  /** The enforced state of one service (`own`: the agent's monitors' state of it). */
  stateOf(service: string, own: (service: string) => boolean | undefined): boolean | undefined {
    return this.quorum?.get(service) ?? own(service);
  }

  /** Where the quorum decides `service` (false: the agent's own monitors do). */
  fromQuorum(service: string): boolean {
    return this.quorum?.has(service) ?? false;
  }

  /** The agent's monitors turned `changed`: the enforced changes (those the quorum does not override). */
  ownChanged(changed: Record<string, boolean>): Record<string, boolean> {
    const q = this.quorum;
    if (!q) return changed;
    const out: Record<string, boolean> = {};
    for (const [name, up] of Object.entries(changed)) if (!q.has(name)) out[name] = up;
    return out;
  }

  /** The control plane's quorum states (null: it is unreachable, own monitors decide): the enforced states that changed. */
  setQuorum(states: Record<string, 'UP' | 'DOWN'> | null): Record<string, boolean> {
    const before = this.states();
    this.quorum = states === null ? null : new Map(Object.entries(states).map(([name, s]) => [name, s === 'UP']));
    const after = this.states();
    const changed: Record<string, boolean> = {};
    for (const [name, up] of Object.entries(after)) if (before[name] !== up) changed[name] = up;
    return changed;
  }
}
