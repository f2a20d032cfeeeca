// What an engine that enforces its own allowance decides alone, with no pool manager in the
// call (a worker inside its agent: apps/agent/src/quota-worker.ts), by the same rule as the pool
// applies to its engines with exact tracking (QuotaPool.release). The words: docs/GLOSSARY.md.

/**
 * Borrowed uses that go back now (004 FIG. 12C): every whole batch lying unused, and a partial
 * batch when less than one is borrowed, unless `whole` (an engine across a channel keeps a partial
 * batch it may need again: giving it back and borrowing it again costs two messages). `inUse`
 * counts the engine's uses in flight.
 */
export function idleBorrowed(exclusive: number, borrowed: number, inUse: number, batch: number, whole = false): number {
  let left = borrowed;
  let back = 0;
  for (;;) {
    const k = whole && left < batch ? 0 : Math.min(left, batch);
    if (k <= 0 || exclusive + left - inUse < k) return back;
    left -= k;
    back += k;
  }
}
