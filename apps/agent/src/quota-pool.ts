// MINIMAL LOCAL VERSION of the core's QuotaPool (004 lines 1215-1328), kept until
// @spillway/core exports one; replace the import in quota-primary.ts then.
// Invariant: exclusive allocations + borrowed batches never exceed the limit, except right after
// a limit decrease, when the shared pool goes negative and no batch is lent until it recovers.

const EXCLUSIVE_PERCENT = 0.8;
const BATCH_PERCENT = 0.1;

export class QuotaPool {
  limit: number;
  batch = 1;
  private perEngine = 0;
  private readonly borrowed = new Map<number, number>();

  constructor(limit: number, engines: number[]) {
    this.limit = limit;
    for (const e of engines) this.borrowed.set(e, 0);
    this.recompute();
  }

  get sharedFree(): number {
    let lent = 0;
    for (const b of this.borrowed.values()) lent += b;
    return this.limit - this.perEngine * this.borrowed.size - lent;
  }

  allocation(engine: number): { exclusive: number; borrowed: number } {
    return { exclusive: this.perEngine, borrowed: this.borrowed.get(engine) ?? 0 };
  }

  addEngine(engine: number): void { if (!this.borrowed.has(engine)) { this.borrowed.set(engine, 0); this.recompute(); } }
  removeEngine(engine: number): void { if (this.borrowed.delete(engine)) this.recompute(); }
  setLimit(limit: number): void { this.limit = limit; this.recompute(); }

  borrow(engine: number): number {
    const free = this.sharedFree;
    if (free <= 0 || !this.borrowed.has(engine)) return 0;
    const n = Math.min(this.batch, free);
    this.borrowed.set(engine, (this.borrowed.get(engine) ?? 0) + n);
    return n;
  }

  giveBack(engine: number, n: number): void {
    const b = this.borrowed.get(engine);
    if (b !== undefined) this.borrowed.set(engine, Math.max(0, b - n));
  }

  pickSpilloverEngine(candidates: number[]): number | null { return candidates[0] ?? null; }

  private recompute(): void {
    const n = this.borrowed.size;
    const exclusive = n === 0 ? 0 : Math.floor(Math.floor(EXCLUSIVE_PERCENT * this.limit) / n) * n;
    let lent = 0;
    for (const b of this.borrowed.values()) lent += b;
    // Engines keep the batches they borrowed when their exclusive shares change, so the shares
    // only grow into what is not lent: a stream of small limit increases (grants from the control
    // plane) must not let exclusive + borrowed pass the limit.
    this.perEngine = n === 0 ? 0 : Math.max(0, Math.min(exclusive / n, Math.floor((this.limit - lent) / n)));
    this.batch = Math.max(1, Math.floor(BATCH_PERCENT * (this.limit - exclusive)));
  }
}
