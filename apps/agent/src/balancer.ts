// MINIMAL LOCAL VERSION of the core's createBalancer, kept until @spillway/core exports one.
// Picks a service among candidates that are UP, enabled and below their capacity.
import type { LbMethod } from './config.js';

export interface Candidate { name: string; weight: number; active: number; capacity: number; available: boolean }

export interface Balancer { pick(candidates: readonly Candidate[]): string | null }

/** A candidate can take one more connection (capacity 0 means no per-service limit). */
export const hasRoom = (c: Candidate): boolean => c.available && (c.capacity === 0 || c.active < c.capacity);

export function createBalancer(method: LbMethod): Balancer {
  let cursor = 0;
  const credit = new Map<string, number>();
  return {
    pick(candidates) {
      const open = candidates.filter(hasRoom);
      if (open.length === 0) return null;
      if (method === 'leastconn') {
        // Fewest active per unit of weight; ties broken round-robin so equal services share.
        let best: Candidate | undefined;
        let bestScore = Infinity;
        const start = cursor++ % open.length;
        for (let i = 0; i < open.length; i++) {
          const c = open[(start + i) % open.length]!;
          const score = c.active / Math.max(c.weight, 1e-9);
          if (score < bestScore) { best = c; bestScore = score; }
        }
        return best?.name ?? null;
      }
      if (method === 'weighted') {
        // Smooth weighted round-robin (nginx): every pick adds weights, the leader pays the total.
        let total = 0;
        let best: Candidate | undefined;
        for (const c of open) {
          const w = Math.max(c.weight, 0);
          total += w;
          const cur = (credit.get(c.name) ?? 0) + w;
          credit.set(c.name, cur);
          if (!best || cur > (credit.get(best.name) ?? 0)) best = c;
        }
        if (!best) return null;
        credit.set(best.name, (credit.get(best.name) ?? 0) - total);
        return best.name;
      }
      return open[cursor++ % open.length]!.name;
    },
  };
}
