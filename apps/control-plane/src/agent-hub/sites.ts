// Sites (issue 17 item 2, docs/SITES.md; 002 lines 186-262): every exchange interval the hub
// computes what each site has available for each vserver with siteBalancing (core's
// availableBySite over the services UP by quorum: the hub's aggregate states, as the limits read
// them) and pushes the result, with each site's agent addresses, to every agent in one
// `site-weights` message (only when it changed, and to an agent when it connects). Sites with a
// control plane of their own (`peer`) are polled over HTTP (GET /v1/sites/self/availability with
// a bearer token) at their own interval; a peer that does not answer within three intervals
// counts as having nothing available, so nothing is forwarded to it.
import { availableBySite, type SitedService } from '@spillway/core';
import type { ConfigDocument, NSite, SiteWeights } from '@spillway/protocol';
import { boundServices, type StateOf } from './limits.js';

type Doc = Record<string, unknown>;

/** What one site has: per vserver with siteBalancing its available weight, and where its agents are. */
export interface SiteAvailability {
  vservers: Record<string, number>;
  agents: string[];
}
/** The answer of GET /v1/sites/self/availability: the sites whose agents are connected to this control plane. */
export interface SelfAvailability {
  sites: Record<string, SiteAvailability>;
}

export interface SiteExchangeOptions {
  log: { warn(obj: object, msg: string): void };
  /** Sends a message to every connected agent (one encoding for all). */
  broadcast: (msg: SiteWeights) => void;
  /** The served config (vservers, services) and the quorum state of a service. */
  config: () => ConfigDocument | null;
  stateOf: StateOf;
  /** The connected agents with a site and an address. */
  agents: () => Iterable<{ site: string; address: string }>;
  /** Bearer tokens of the peer control planes, by site (SPILLWAY_SITE_PEER_TOKENS). */
  peerTokens?: Record<string, string>;
  /** Fetch (tests may pass their own); default the global one. */
  fetch?: typeof fetch;
}

interface Peer {
  site: NSite;
  last: SiteAvailability | null;
  at: number;
  polling: boolean;
  nextAt: number;
}

export class SiteExchange {
  private sites: NSite[] = [];
  private peers = new Map<string, Peer>();
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = 0;
  private lastSent: string | null = null;
  private lastMessage: SiteWeights | null = null;
  /** Exchanges run and messages sent (tests, diagnostics). */
  readonly stats = { exchanges: 0, sent: 0, peerPolls: 0, peerFailures: 0 };

  constructor(private readonly opts: SiteExchangeOptions) {}

  /** The sites section of the served version: the exchange runs at the shortest interval of them. */
  setSites(sites: readonly NSite[]): void {
    this.sites = [...sites];
    const peers = new Map<string, Peer>();
    for (const s of sites)
      if (s.peer) {
        const old = this.peers.get(s.name);
        peers.set(s.name, old && old.site.peer?.url === s.peer.url ? { ...old, site: s } : { site: s, last: null, at: 0, polling: false, nextAt: 0 });
      }
    this.peers = peers;
    const interval = sites.length === 0 ? 0 : Math.min(...sites.map((s) => s.exchangeIntervalMs));
    if (interval === this.intervalMs) return;
    this.intervalMs = interval;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (interval > 0) {
      this.timer = setInterval(() => this.exchange(), interval);
      this.timer.unref();
      this.exchange();
    }
  }

  /** The site-weights message as last computed (null: no sites), for an agent that just connected. */
  current(): SiteWeights | null {
    return this.lastMessage;
  }

  /** What the sites of this control plane have (sites without a peer): the site-peering endpoint's answer. */
  self(): SelfAvailability {
    const sites: Record<string, SiteAvailability> = {};
    const local = this.sites.filter((s) => !s.peer).map((s) => s.name);
    const agents = this.agentsBySite();
    const vservers = this.localAvailability(local, agents);
    for (const site of local) {
      const v: Record<string, number> = {};
      for (const [vs, by] of Object.entries(vservers)) v[vs] = by[site] ?? 0;
      sites[site] = { vservers: v, agents: agents.get(site) ?? [] };
    }
    return { sites };
  }

  /** One exchange: availability computed (local) or taken from the last poll (peers), pushed when it changed. */
  exchange(): void {
    this.stats.exchanges++;
    const now = Date.now();
    for (const p of this.peers.values()) if (!p.polling && now >= p.nextAt) this.poll(p, now);
    if (this.sites.length === 0) {
      this.lastMessage = null;
      this.lastSent = null;
      return;
    }
    const local = this.sites.filter((s) => !s.peer).map((s) => s.name);
    const agents = this.agentsBySite();
    const vservers = this.localAvailability(local, agents);
    const out: SiteWeights = { type: 'site-weights', vservers, agents: Object.fromEntries([...agents].filter(([site]) => local.includes(site))) };
    for (const [site, p] of this.peers) {
      // A peer silent for three of its intervals has nothing to forward to.
      const fresh = p.last !== null && now - p.at <= 3 * p.site.exchangeIntervalMs;
      for (const vs of Object.keys(vservers)) vservers[vs]![site] = fresh && (p.last?.agents.length ?? 0) > 0 ? (p.last?.vservers[vs] ?? 0) : 0;
      if (fresh && p.last) out.agents[site] = p.last.agents;
    }
    const text = JSON.stringify(out);
    this.lastMessage = out;
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.stats.sent++;
    this.opts.broadcast(out);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private agentsBySite(): Map<string, string[]> {
    const by = new Map<string, string[]>();
    for (const a of this.opts.agents()) {
      const list = by.get(a.site) ?? [];
      if (!list.includes(a.address)) list.push(a.address);
      by.set(a.site, list);
    }
    for (const list of by.values()) list.sort();
    return by;
  }

  /** Per vserver with siteBalancing, per local site: its available weight (0 for a site with no agent connected: nobody to forward to). */
  private localAvailability(local: readonly string[], agents: ReadonlyMap<string, string[]>): Record<string, Record<string, number>> {
    const config = this.opts.config();
    const out: Record<string, Record<string, number>> = {};
    if (!config) return out;
    const services = new Map<string, Doc>(config.services.map((s) => [s.name, s as Doc]));
    for (const vs of config.vservers as Doc[]) {
      if (vs.siteBalancing !== true) continue;
      const bound: SitedService[] = boundServices(services, vs, this.opts.stateOf).map((s) => {
        const site = services.get(s.name)?.site;
        return typeof site === 'string' ? { ...s, site } : s;
      });
      const by: Record<string, number> = {};
      for (const a of availableBySite(local, bound)) by[a.site] = (agents.get(a.site)?.length ?? 0) > 0 ? a.available : 0;
      out[String(vs.name)] = by;
    }
    return out;
  }

  private poll(p: Peer, now: number): void {
    const url = p.site.peer?.url;
    if (!url) return;
    p.polling = true;
    p.nextAt = now + p.site.exchangeIntervalMs;
    this.stats.peerPolls++;
    const token = this.opts.peerTokens?.[p.site.name];
    const signal = AbortSignal.timeout(Math.max(100, p.site.exchangeIntervalMs * 2));
    (this.opts.fetch ?? fetch)(`${url.replace(/\/+$/, '')}/v1/sites/self/availability`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal,
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as Partial<SelfAvailability>;
        const mine = body.sites?.[p.site.name];
        if (!mine || typeof mine !== 'object') throw new Error(`the peer does not serve site ${p.site.name}`);
        const vservers: Record<string, number> = {};
        for (const [vs, n] of Object.entries(mine.vservers ?? {})) if (typeof n === 'number' && Number.isFinite(n) && n >= 0) vservers[vs] = n;
        const agents = (Array.isArray(mine.agents) ? mine.agents : []).filter((a): a is string => typeof a === 'string' && a.length >= 2 && a.length <= 45);
        if (this.peers.get(p.site.name) === p) Object.assign(p, { last: { vservers, agents }, at: Date.now() });
      })
      .catch((err: unknown) => {
        this.stats.peerFailures++;
        this.opts.log.warn({ site: p.site.name, url, err: (err as Error).message }, 'site peer not polled');
      })
      .finally(() => {
        p.polling = false;
      });
  }
}
