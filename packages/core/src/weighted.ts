// Smooth weighted round robin (nginx's algorithm), shared by the balancer and the site picker.

/**
 * nginx's smooth weighted round robin: on every pick each candidate's credit grows by its weight,
 * the one with the most credit wins and pays the total weight back.
 * Invariant: over any run of Σw picks with a fixed set and fixed weights, each candidate is
 * picked exactly w times, spread out (never more than needed in a row). Candidates with weight
 * ≤ 0 are never picked; null when nothing has weight.
 */
export class SmoothWeighted<K> {
  private readonly credit = new Map<K, number>();

  pick<T>(candidates: readonly T[], key: (c: T) => K, weight: (c: T) => number): T | null {
    let total = 0;
    let best: T | null = null;
    let bestCredit = -Infinity;
    for (const c of candidates) {
      const w = weight(c);
      if (!(w > 0)) continue;
      const k = key(c);
      const cur = (this.credit.get(k) ?? 0) + w;
      this.credit.set(k, cur);
      total += w;
      if (cur > bestCredit) {
        best = c;
        bestCredit = cur;
      }
    }
    if (best === null) return null;
    const k = key(best);
    this.credit.set(k, bestCredit - total);
    if (this.credit.size > 4 * candidates.length + 16) this.forgetOthers(candidates.map(key));
    return best;
  }

  /** Forgets candidates no longer offered (bounded memory when names churn). */
  private forgetOthers(keep: K[]): void {
    const set = new Set(keep);
    for (const k of [...this.credit.keys()]) if (!set.has(k)) this.credit.delete(k);
  }
}
