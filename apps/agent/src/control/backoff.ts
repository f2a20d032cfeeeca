// Reconnect delays: exponential with full jitter (AWS architecture blog), so a fleet of agents
// that lost the control plane together does not come back in lockstep.
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 200;
    this.maxMs = opts.maxMs ?? 10_000;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay: uniform in [initial/2, min(max, initial·2^attempt)]. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const floor = Math.min(ceiling, this.initialMs / 2);
    return Math.round(floor + this.random() * (ceiling - floor));
  }

  reset(): void {
    this.attempt = 0;
  }
}
