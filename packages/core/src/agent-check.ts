// Application feedback in HAProxy's agent-check vocabulary (issue 16 item 2): a backend answers
// one line of words on a small TCP port, and the load balancer applies them. The grammar is
// HAProxy's (configuration manual, `agent-check`): words separated by spaces, tabs or commas, in
// any order; `N%` (weight relative to the configured one), `maxconn:N`, `ready` / `drain` /
// `maint` (administrative state), `up` / `down` / `fail` / `stopped` (operating state), and after
// `#` a free description. What a line does not say stays as the last line left it.
import type { AdminState } from './types.js';

/** What one line says; fields the line does not mention are absent. */
export interface AgentReport {
  /** `N%`: the weight as a percentage of the configured weight. */
  weightPercent?: number;
  /** `maxconn:N`: the service's effective capacity. */
  maxconn?: number;
  /** `ready` cancels `drain` and `maint`. */
  admin?: 'ready' | 'drain' | 'maint';
  /** `up`, or DOWN for `down`, `fail`, `stopped`. */
  health?: 'up' | 'down';
  /** The word that set `health` (so an operator sees whether a DOWN was expected). */
  healthWord?: string;
  /** Text after `#`. */
  description?: string;
  /** Words of no meaning here (ignored, reported). */
  unknown: string[];
}

const MAX_PERCENT = 100_000;
const MAX_CONN = 10_000_000;

/**
 * Parses one agent-check line (the end of line, CR LF or LF, already removed or not).
 * Invariant: never throws; a word it does not know lands in `unknown` and changes nothing; when
 * a category repeats, its last word wins (HAProxy reads the words in order).
 */
export function parseAgentLine(line: string): AgentReport {
  const out: AgentReport = { unknown: [] };
  const hash = line.indexOf('#');
  const words = (hash < 0 ? line : line.slice(0, hash)).split(/[\s,]+/).filter((w) => w !== '');
  if (hash >= 0) {
    const d = line.slice(hash + 1).trim();
    if (d !== '') out.description = d;
  }
  for (const raw of words) {
    const w = raw.toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^(\d{1,9})%$/.exec(w))) out.weightPercent = Math.min(Number(m[1]), MAX_PERCENT);
    else if ((m = /^maxconn:(\d{1,9})$/.exec(w))) out.maxconn = Math.min(Number(m[1]), MAX_CONN);
    else if (w === 'ready' || w === 'drain' || w === 'maint') out.admin = w;
    else if (w === 'up') {
      out.health = 'up';
      out.healthWord = w;
    } else if (w === 'down' || w === 'fail' || w === 'stopped') {
      out.health = 'down';
      out.healthWord = w;
    } else out.unknown.push(raw);
  }
  return out;
}

/** The feedback in force for a service: what the agent's lines said so far. */
export interface AgentFeedback {
  weightPercent: number | null;
  maxconn: number | null;
  admin: 'ready' | 'drain' | 'maint';
  health: 'up' | 'down';
  /** Why DOWN (`stopped # upgrade`), null while UP. */
  reason: string | null;
}

export const NO_FEEDBACK: Readonly<AgentFeedback> = Object.freeze({ weightPercent: null, maxconn: null, admin: 'ready', health: 'up', reason: null });

/** The feedback after one more line: each category it mentions replaced, the others kept. */
export function mergeFeedback(prev: Readonly<AgentFeedback>, r: AgentReport): AgentFeedback {
  const health = r.health ?? prev.health;
  const reason =
    health === 'up' ? null : r.health === 'down' ? `agent says ${r.healthWord ?? 'down'}${r.description ? `: ${r.description}` : ''}` : prev.reason;
  return {
    weightPercent: r.weightPercent ?? prev.weightPercent,
    maxconn: r.maxconn ?? prev.maxconn,
    admin: r.admin ?? prev.admin,
    health,
    reason,
  };
}

export const sameFeedback = (a: Readonly<AgentFeedback>, b: Readonly<AgentFeedback>): boolean =>
  a.weightPercent === b.weightPercent && a.maxconn === b.maxconn && a.admin === b.admin && a.health === b.health && a.reason === b.reason;

/** A weight as the feedback scales it: round(w × N / 100), within the contract's 0..1000. */
export function feedbackWeight(weight: number, f: Readonly<AgentFeedback>): number {
  return f.weightPercent === null ? weight : Math.min(1000, Math.round((weight * f.weightPercent) / 100));
}

/** A service as it is served under feedback. */
export interface EffectiveService {
  weight: number;
  capacity: number;
  state: AdminState;
  drain: boolean;
}

/**
 * The weight, capacity and administrative state a service is served with. `maint` is the
 * maintenance state; `drain` takes the service out of selection as `disabled` does (no new
 * connection, persistent clients included; open connections continue), so its capacity leaves
 * the dynamic threshold like any service that takes no new connection. An operator's own
 * disabled or maintenance state always wins. Invariant: without feedback the service is as configured.
 */
export function effectiveService(s: { weight: number; capacity: number; state: AdminState }, f: Readonly<AgentFeedback>): EffectiveService {
  const state: AdminState = s.state !== 'enabled' ? s.state : f.admin === 'maint' ? 'maintenance' : f.admin === 'drain' ? 'disabled' : 'enabled';
  return { weight: feedbackWeight(s.weight, f), capacity: f.maxconn ?? s.capacity, state, drain: f.admin === 'drain' };
}

/**
 * A service under several layers of feedback, applied in order (the agent's own agent-check
 * probe first, then what the backend pushed to the control plane): the one derivation of the
 * weight, capacity and state a service is served with, used by the agent (what it serves) and by
 * the control plane (the thresholds it shares). Each layer scales the weight the one before left
 * (50% on 50%: 25%), a later `maxconn` replaces an earlier one, and a state taken by any layer
 * (drain, maint) or by the operator stays. Invariant: no layer (or only absent ones) gives the
 * service as configured, with drain false.
 */
export function servedService(
  s: { weight: number; capacity: number; state: AdminState; drain?: boolean },
  layers: ReadonlyArray<Readonly<AgentFeedback> | undefined>,
): EffectiveService {
  // `s` may be served already (a drain said): the fold goes on from there.
  let e: EffectiveService = { weight: s.weight, capacity: s.capacity, state: s.state, drain: s.drain ?? false };
  for (const f of layers) {
    if (!f) continue;
    const next = effectiveService(e, f);
    e = { ...next, drain: e.drain || next.drain };
  }
  return e;
}
