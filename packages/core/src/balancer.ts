// Load-balancing methods over the services of one vserver.
import { SmoothWeighted } from './weighted.js';

/**
 * `weighted` is smooth weighted round robin; `sourceip` hashes the client key; `availablecapacity`
 * weighs each service by its room: capacity minus its load across all agents (002 lines 234-240).
 */
export type LbMethod = 'roundrobin' | 'leastconn' | 'weighted' | 'sourceip' | 'availablecapacity';

/** A service offered to the balancer. `capacity` 0 means no per-service limit. */
export interface Candidate {
  name: string;
  weight: number;
  active: number;
  capacity: number;
  available: boolean;
  /** availablecapacity: the service's capacity across all agents (default `capacity`; 0: no room). */
  serviceCapacity?: number;
  /** availablecapacity: its active connections on the other agents (default 0; `active` counts this one's). */
  remoteActive?: number;
}

/** Picks a service; `clientKey` is used by `sourceip` (others ignore it). */
export interface Balancer {
  readonly method: LbMethod;
  pick(candidates: readonly Candidate[], clientKey?: string): string | null;
}

/** A candidate can take one more connection: available (UP, enabled) and below its capacity. */
export const hasRoom = (c: Candidate): boolean => c.available && (c.capacity <= 0 || c.active < c.capacity);

/**
 * availablecapacity's weight of a candidate: its capacity minus its load across all agents (the
 * other agents' connections and this one's), below 0 when it is over.
 */
export const availableRoom = (c: Candidate): number => (c.serviceCapacity ?? c.capacity) - (c.remoteActive ?? 0) - c.active;

/** 32-bit FNV-1a. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A balancer for `method`. Every method skips candidates that are DOWN, disabled, at capacity or
 * of weight 0 and returns null when none is left — it never sends a service above its capacity.
 * - roundrobin: each candidate with room in turn;
 * - leastconn: fewest active connections per unit of weight, ties in turn;
 * - weighted: smooth weighted round robin (nginx);
 * - sourceip: weighted rendezvous hashing of the client key, so a client keeps its service while
 *   it has room, and only the clients of a service that leaves move;
 * - availablecapacity: smooth weighted round robin with availableRoom as the weight, so the
 *   service with the most room across all agents gets the most new connections; when none has
 *   room left by that count (loads from other agents lag), the one least over it, ties in turn.
 */
export function createBalancer(method: LbMethod): Balancer {
  let cursor = 0;
  const swrr = new SmoothWeighted<string>();
  return {
    method,
    pick(candidates, clientKey) {
      // Weight 0 is never picked (the contract's "0: never picked"; agent-check `0%`), by any method.
      const open = candidates.filter((c) => hasRoom(c) && c.weight > 0);
      if (open.length === 0) return null;
      switch (method) {
        case 'leastconn': {
          let best: Candidate | undefined;
          let bestScore = Infinity;
          const start = cursor++ % open.length;
          for (let i = 0; i < open.length; i++) {
            const c = open[(start + i) % open.length]!;
            const score = c.active / Math.max(c.weight, 1e-9);
            if (score < bestScore) {
              best = c;
              bestScore = score;
            }
          }
          return best!.name;
        }
        case 'weighted':
          return (
            swrr.pick(
              open,
              (c) => c.name,
              (c) => c.weight,
            )?.name ?? null
          );
        case 'sourceip': {
          const key = clientKey ?? '';
          let best: Candidate | null = null;
          let bestScore = -Infinity;
          for (const c of open) {
            if (!(c.weight > 0)) continue;
            // Weighted rendezvous: score = -w / ln(u), u uniform in (0, 1) from the hash.
            const u = (fnv1a(`${key}\u0000${c.name}`) + 0.5) / 4294967296;
            const score = -c.weight / Math.log(u);
            if (score > bestScore) {
              best = c;
              bestScore = score;
            }
          }
          return best?.name ?? null;
        }
        case 'availablecapacity': {
          const p = swrr.pick(
            open,
            (c) => c.name,
            (c) => Math.max(0, availableRoom(c)),
          );
          if (p) return p.name;
          const start = cursor++ % open.length;
          let best = open[start]!;
          for (let i = 1; i < open.length; i++) {
            const c = open[(start + i) % open.length]!;
            if (availableRoom(c) > availableRoom(best)) best = c;
          }
          return best.name;
        }
        case 'roundrobin':
          return open[cursor++ % open.length]!.name;
      }
    },
  };
}
