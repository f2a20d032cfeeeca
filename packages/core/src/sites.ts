// Decentralized load balancing among sites (002 lines 234-262): each site reports how many
// services it has available (or the sum of their weights); new requests are shared in proportion.
import { SmoothWeighted } from './weighted.js';
import { isAvailable, type ServiceStatus } from './types.js';

/** A site and what it has available: a count of services, or a sum of their weights. */
export interface SiteAvailability {
  site: string;
  available: number;
}

/** Number of services available (enabled and UP). */
export const availableCount = (services: readonly ServiceStatus[]): number => services.filter(isAvailable).length;

/** Sum of the weights of the services available (enabled and UP). */
export const availableWeight = (services: readonly ServiceStatus[]): number => services.reduce((sum, s) => sum + (isAvailable(s) ? s.weight : 0), 0);

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The weight of each site, in the smallest whole numbers with the ratios of what they have
 * available: 10 and 5 → 2:1; 250 and 500 → 1:2; 10/5/15 → 2:1:3; 300/500/100 → 3:5:1.
 * Invariant: weight(a) / weight(b) = available(a) / available(b) for every pair (values are
 * read to 6 decimal places); sites with nothing available (or negative) weigh 0.
 */
export function siteWeights(sites: readonly SiteAvailability[]): { site: string; weight: number }[] {
  const scaled = sites.map((s) => (s.available > 0 && Number.isFinite(s.available) ? Math.round(s.available * 1e6) : 0));
  const g = scaled.reduce((acc, v) => (v > 0 ? gcd(acc, v) : acc), 0);
  return sites.map((s, i) => ({ site: s.site, weight: g === 0 ? 0 : scaled[i]! / g }));
}

/**
 * The share of new requests each site gets: available / Σ available. Invariant: shares sum to 1
 * (or are all 0 when nothing is available anywhere).
 */
export function siteShares(sites: readonly SiteAvailability[]): { site: string; share: number }[] {
  const total = sites.reduce((sum, s) => sum + (s.available > 0 ? s.available : 0), 0);
  return sites.map((s) => ({ site: s.site, share: total > 0 && s.available > 0 ? s.available / total : 0 }));
}

/**
 * Forwards requests to sites in proportion to what they have available (weighted round robin,
 * as 002 line 262 suggests), spread out smoothly. Invariant: over Σ weights consecutive picks
 * with unchanged availability each site gets exactly its weight; null when no site has anything.
 */
export class SitePicker {
  private readonly swrr = new SmoothWeighted<string>();

  pick(sites: readonly SiteAvailability[]): string | null {
    const weights = siteWeights(sites);
    return (
      this.swrr.pick(
        weights,
        (w) => w.site,
        (w) => w.weight,
      )?.site ?? null
    );
  }
}

/** A bound service as sites count it: its status and the site it belongs to (undefined: none). */
export type SitedService = ServiceStatus & { site?: string | undefined };

/**
 * What each site has for one vserver (002 line 240): per site named, the weight sum of its bound
 * services that are available (enabled and UP; with weights of 1, their count). Invariant: one
 * entry per site named, in that order; a service of no site, or of a site not named, counts for none.
 */
export function availableBySite(sites: readonly string[], bound: readonly SitedService[]): SiteAvailability[] {
  const sum = new Map<string, number>(sites.map((s) => [s, 0]));
  for (const s of bound) {
    const at = s.site === undefined ? undefined : sum.get(s.site);
    if (at !== undefined && isAvailable(s)) sum.set(s.site!, at + s.weight);
  }
  return sites.map((site) => ({ site, available: sum.get(site) ?? 0 }));
}

/**
 * Where a new connection of a site-balanced vserver goes: the site to forward it to, or null to
 * serve it here (its own site's turn, nothing available anywhere, or it was forwarded to this
 * site already). Invariants: never a site with nothing available; a forwarded connection is never
 * forwarded again, so no connection takes more than one hop and loops are impossible.
 */
export function siteToForward(picker: SitePicker, sites: readonly SiteAvailability[], own: string, forwarded: boolean): string | null {
  if (forwarded) return null;
  const to = picker.pick(sites);
  return to === own ? null : to;
}
