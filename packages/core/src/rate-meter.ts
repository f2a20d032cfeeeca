// Bandwidth of a vserver over a sliding window (004 lines 939-1094: the bandwidth detector counts
// bytes transferred per unit of time, received, sent or both).
import type { Direction } from './types.js';

export interface RateMeterOptions {
  /** Length of the sliding window (default 10 s). */
  windowMs?: number;
  /** The window slides in steps of windowMs / buckets (default 20). */
  buckets?: number;
  /** Clock in milliseconds (default Date.now); inject one in tests. */
  now?: () => number;
}

interface Bucket {
  index: number;
  in: number;
  out: number;
}

/** Bytes per second → kilobits per second (the unit of `thresholdKbps` and `bandwidthKbps`). */
export const toKbps = (bytesPerSecond: number): number => (bytesPerSecond * 8) / 1000;

/**
 * Bytes per second in each direction over the last `windowMs`.
 * Invariant: rate(d) = (bytes recorded in direction d inside (now − window, now]) / window seconds,
 * where the oldest bucket counts in proportion to the part of it still inside the window; bytes
 * older than the window never count. O(buckets) per read, O(1) per record.
 */
export class RateMeter {
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly ring: Bucket[];
  private readonly now: () => number;
  private lastTotals: { in: number; out: number } | null = null;

  constructor(opts: RateMeterOptions = {}) {
    this.windowMs = opts.windowMs ?? 10_000;
    const buckets = opts.buckets ?? 20;
    if (!(this.windowMs > 0)) throw new RangeError('windowMs must be > 0');
    if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError('buckets must be an integer ≥ 1');
    this.bucketMs = this.windowMs / buckets;
    // One more bucket than the window holds: the oldest one is partly inside the window.
    this.ring = Array.from({ length: buckets + 1 }, () => ({ index: -1, in: 0, out: 0 }));
    this.now = opts.now ?? Date.now;
  }

  /** Counts `bytes` transferred in one direction (`both` is not a transfer direction). */
  record(direction: 'in' | 'out', bytes: number, at: number = this.now()): void {
    if (!(bytes > 0)) return;
    const index = Math.floor(at / this.bucketMs);
    const b = this.ring[index % this.ring.length]!;
    if (b.index !== index) {
      if (b.index > index) return; // older than anything the ring still holds
      b.index = index;
      b.in = 0;
      b.out = 0;
    }
    b[direction] += bytes;
  }

  /**
   * Feeds monotonically growing byte totals (e.g. sampled counters); the growth since the last
   * call is recorded. A total that went down (counter reset) counts from zero.
   */
  observeTotals(totals: { in: number; out: number }, at: number = this.now()): void {
    const last = this.lastTotals;
    this.lastTotals = { in: totals.in, out: totals.out };
    if (!last) return;
    this.record('in', totals.in >= last.in ? totals.in - last.in : totals.in, at);
    this.record('out', totals.out >= last.out ? totals.out - last.out : totals.out, at);
  }

  /** Bytes per second over the window in `direction` (`both` = in + out). */
  rate(direction: Direction, at: number = this.now()): number {
    const from = at - this.windowMs;
    let sum = 0;
    for (const b of this.ring) {
      if (b.index < 0) continue;
      const start = b.index * this.bucketMs;
      const end = start + this.bucketMs;
      if (end <= from || start > at) continue;
      const bytes = direction === 'in' ? b.in : direction === 'out' ? b.out : b.in + b.out;
      const fraction = start >= from ? 1 : (end - from) / this.bucketMs;
      sum += bytes * fraction;
    }
    return sum / (this.windowMs / 1000);
  }

  /** Kilobits per second over the window in `direction`. */
  kbps(direction: Direction, at: number = this.now()): number {
    return toKbps(this.rate(direction, at));
  }
}

/**
 * Bandwidth spillover: trips when the measured rate reaches the threshold (004: "reaching or
 * exceeding the bandwidth threshold"). Invariant: monotone in the measured rate.
 */
export const bandwidthTrips = (kbps: number, thresholdKbps: number): boolean => kbps >= thresholdKbps;

/** The rate of `direction` from separate in/out rates (`both` is their sum). */
export const directional = (rates: { in: number; out: number }, direction: Direction): number =>
  direction === 'in' ? rates.in : direction === 'out' ? rates.out : rates.in + rates.out;

export interface RateShareOptions {
  /** Each member's least share, as a fraction of an even split (default 0.2: a fifth of budget / n). */
  floor?: number;
  /** A member wants its demand × (1 + headroom) (default 0.25): one held at its share can still grow. */
  headroom?: number;
}

/**
 * Splits a rate budget (a vserver's bandwidth threshold) between its members (agents) from their
 * recent demand (what each measured, in the budget's unit). Each member wants its demand plus
 * headroom, and at least the floor. When the wants fit, the budget goes in proportion to them
 * (each gets at least its want); when they do not, it is water-filled (max-min fair): members
 * wanting less than the level get their want, every other one the level. A member at its share
 * thus wants more than it has and gains from members with room, round after round.
 * Invariant (n ≥ 1, finite budget ≥ 0): Σ shares = budget (to rounding), every share ≥
 * floor × budget / n, and a share is never below min(want, budget / n). Demands that are negative
 * or not finite count as 0.
 */
export function rateShares(budget: number, demands: readonly number[], opts: RateShareOptions = {}): number[] {
  const n = demands.length;
  if (n === 0) return [];
  if (!(budget > 0) || !Number.isFinite(budget)) return demands.map(() => 0);
  const floor = (Math.min(1, Math.max(0, opts.floor ?? 0.2)) * budget) / n;
  const headroom = Math.max(0, opts.headroom ?? 0.25);
  const wants = demands.map((d) => Math.max(floor, (Number.isFinite(d) && d > 0 ? d : 0) * (1 + headroom)));
  const sum = wants.reduce((a, b) => a + b, 0);
  // Nobody wants anything (no floor, no demand): an even split.
  if (!(sum > 0)) return demands.map(() => budget / n);
  // w / sum first: budget * w can underflow for a tiny (subnormal) want, and the shares would not add up.
  if (sum <= budget) return wants.map((w) => budget * (w / sum));
  // Water-filling: the smallest wants are met while they are under an even split of what is left.
  const order = wants.map((_, i) => i).sort((a, b) => wants[a]! - wants[b]!);
  const out = new Array<number>(n);
  let left = budget;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const level = left / (n - k);
    if (wants[i]! <= level) {
      out[i] = wants[i]!;
      left -= wants[i]!;
      continue;
    }
    for (let j = k; j < n; j++) out[order[j]!] = level;
    break;
  }
  return out;
}
