// Spillover precision from the hold backends' event log (see hold-backends-main.ts).
import type { HoldEvent } from './hold-backends-main.js';

export interface BurstOutcome {
  status: number | 'error';
  backend: string | null;
  ms: number;
}

export interface Precision {
  /** Most requests the primaries ever held at once. */
  maxPrimary: number;
  /** maxPrimary − limit, never below 0 (goal 0). */
  overshoot: number;
  toPrimary: number;
  toBackup: number;
  /** Backup arrivals while the primaries still had room `graceMs` later (goal < 1% of the burst). */
  earlySpills: number;
  /** Answered later than hold + 500 ms: waited in a queue instead of spilling. */
  queued: number;
  failed: number;
}

/** The primaries' held count right after `t` (events are in arrival order). */
function primaryAt(events: readonly HoldEvent[], t: number): number {
  let n = 0;
  for (const e of events) {
    if (e.t > t) break;
    n = e.primaryActive;
  }
  return n;
}

/**
 * A backup arrival is an early spill when the primaries held fewer than `limit` requests both at
 * that arrival and `graceMs` later. Requests are held far longer than the grace, so the primaries'
 * count only grows during a burst; the grace absorbs the few ms by which a request admitted to a
 * primary can reach its backend after a later request reached the backup (both share the cores).
 */
export function precision(events: readonly HoldEvent[], outcomes: readonly BurstOutcome[], limit: number, holdMs: number, graceMs = 100): Precision {
  let maxPrimary = 0;
  let toPrimary = 0;
  let toBackup = 0;
  let earlySpills = 0;
  for (const e of events) {
    if (e.kind === 'primary') {
      toPrimary++;
      maxPrimary = Math.max(maxPrimary, e.primaryActive);
    }
    if (e.kind === 'backup') {
      toBackup++;
      if (e.primaryActive < limit && primaryAt(events, e.t + graceMs) < limit) earlySpills++;
    }
  }
  return {
    maxPrimary,
    overshoot: Math.max(0, maxPrimary - limit),
    toPrimary,
    toBackup,
    earlySpills,
    queued: outcomes.filter((o) => o.status !== 'error' && o.ms > holdMs + 500).length,
    failed: outcomes.filter((o) => o.status === 'error' || o.status >= 500).length,
  };
}
