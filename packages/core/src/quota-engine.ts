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

/** What an engine across a channel knows of its allowance of one pool, for borrowAheadOrGiveBack. */
export interface EngineQuotaState {
  exclusive: number;
  borrowed: number;
  batch: number;
  /** Connections in flight on the pool (the engine's last count). */
  active: number;
  /**
   * Uses the engine's own pool of its workers may have in flight now (their allowances plus uses
   * still owed; null: it has no such pool): only uses it has not lent on can go back.
   */
  committedInside: number | null;
  /** A borrow of it is not answered yet. */
  borrowing: boolean;
  /** A revoke of it is not acknowledged down to its allowance yet. */
  draining: boolean;
}

/**
 * The control client's background rule for an engine that enforces its allowance across a channel
 * (an agent of the control plane's pool): borrow a batch ahead while at most half a batch is left
 * (at least 1), so connections seldom wait for a round trip; give a batch back once more than
 * three batches lie unused and its own workers hold none of it (giving it back and borrowing it
 * again costs two messages: the margin keeps an engine near its allowance from doing both). One
 * question at a time: nothing while a borrow is unanswered, and nothing goes back while a revoke
 * drains (its acknowledgement counts the allowance as it stands). Returns what to send, if any.
 */
export function borrowAheadOrGiveBack(s: EngineQuotaState): { kind: 'borrow' } | { kind: 'give-back'; n: number } | null {
  if (s.borrowing) return null;
  const allowance = s.exclusive + s.borrowed;
  if (allowance - s.active <= Math.max(1, Math.floor(s.batch / 2))) return { kind: 'borrow' };
  const idleInside = allowance - (s.committedInside ?? allowance);
  if (!s.draining && s.borrowed >= s.batch && allowance - s.active > 3 * s.batch && idleInside >= s.batch) return { kind: 'give-back', n: s.batch };
  return null;
}
