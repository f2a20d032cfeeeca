// Rates over a sliding window from periodic samples of monotonically growing totals
// (MINIMAL LOCAL VERSION of the core's RateMeter, kept until @spillway/core exports one).

export class SlidingRates {
  private readonly samples: { at: number; totals: Map<string, number> }[] = [];
  constructor(private readonly windowMs: number) {}

  add(at: number, totals: Map<string, number>): void {
    this.samples.push({ at, totals });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  /** Per-second rate of `key` over the window (or over the last `spanMs` when given). */
  rate(key: string, spanMs = this.windowMs): number {
    const last = this.samples[this.samples.length - 1];
    if (!last) return 0;
    let first = this.samples[0]!;
    for (const s of this.samples) { if (last.at - s.at <= spanMs) { first = s; break; } }
    if (first === last) return 0;
    const d = (last.totals.get(key) ?? 0) - (first.totals.get(key) ?? 0);
    return Math.max(0, (d * 1000) / (last.at - first.at));
  }
}
