// 004's exclusive/shared quota pool (lines 1215-1328) with engines weighted by their worker
// count: the exclusive pool is the largest multiple of the total weight not above p·L, each
// engine's exclusive share is proportional to its weight, the rest is the shared pool lent in
// batches of max(1, ⌊b·shared⌋).
// Invariant: Σ exclusive + Σ borrowed ≤ limit after every call (fit() takes borrowed uses back,
// largest borrower first, when a limit drops or an engine joins).
// LOCAL until @spillway/core exports a weighted QuotaPool; swap the import in global-quota.ts then.
export interface PoolAllocation {
  exclusive: number;
  borrowed: number;
}

export class WeightedPool {
  private readonly weights = new Map<string, number>();
  private readonly borrowed = new Map<string, number>();
  private unit = 0;
  batch = 1;

  constructor(
    public limit: number,
    private readonly exclusivePercent = 0.8,
    private readonly batchPercent = 0.1,
  ) {}

  get engines(): string[] {
    return [...this.weights.keys()];
  }
  get sharedTotal(): number {
    return this.limit - this.unit * this.totalWeight();
  }
  get sharedFree(): number {
    return this.sharedTotal - this.lent();
  }

  allocation(engine: string): PoolAllocation {
    return { exclusive: this.unit * (this.weights.get(engine) ?? 0), borrowed: this.borrowed.get(engine) ?? 0 };
  }

  /** Adds an engine (or changes its weight); returns the engines whose borrowed uses were taken back. */
  setEngine(engine: string, weight: number): string[] {
    this.weights.set(engine, Math.max(1, Math.floor(weight)));
    if (!this.borrowed.has(engine)) this.borrowed.set(engine, 0);
    return this.recompute();
  }

  removeEngine(engine: string): string[] {
    this.weights.delete(engine);
    this.borrowed.delete(engine);
    return this.recompute();
  }

  setLimit(limit: number): string[] {
    this.limit = Math.max(0, Math.floor(limit));
    return this.recompute();
  }

  /** Lends up to a batch; 0 when the shared pool is empty. */
  borrow(engine: string, want = this.batch): number {
    if (!this.weights.has(engine)) return 0;
    const n = Math.max(0, Math.min(want, this.sharedFree));
    if (n > 0) this.borrowed.set(engine, (this.borrowed.get(engine) ?? 0) + n);
    return n;
  }

  /**
   * Lends `n` uses even past the shared pool: the caller lends uses other engines gave back
   * below their shares (the next recompute takes them back first if the shares need them).
   */
  lend(engine: string, n: number): void {
    if (!this.weights.has(engine) || n <= 0) return;
    this.borrowed.set(engine, (this.borrowed.get(engine) ?? 0) + n);
  }

  giveBack(engine: string, n: number): void {
    const b = this.borrowed.get(engine);
    if (b !== undefined) this.borrowed.set(engine, Math.max(0, b - Math.max(0, Math.floor(n))));
  }

  private totalWeight(): number {
    let w = 0;
    for (const x of this.weights.values()) w += x;
    return w;
  }
  private lent(): number {
    let n = 0;
    for (const b of this.borrowed.values()) n += b;
    return n;
  }

  private recompute(): string[] {
    const w = this.totalWeight();
    this.unit = w === 0 ? 0 : Math.floor(Math.floor(this.exclusivePercent * this.limit) / w);
    this.batch = Math.max(1, Math.floor(this.batchPercent * this.sharedTotal));
    const revoked: string[] = [];
    while (this.sharedFree < 0) {
      let top: string | null = null;
      for (const [e, b] of this.borrowed) if (b > 0 && (top === null || b > (this.borrowed.get(top) ?? 0))) top = e;
      if (top === null) break;
      const b = this.borrowed.get(top) ?? 0;
      this.borrowed.set(top, Math.max(0, b + this.sharedFree));
      if (!revoked.includes(top)) revoked.push(top);
    }
    return revoked;
  }
}
