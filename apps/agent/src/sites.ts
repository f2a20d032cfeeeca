// Sites on the data plane (issue 17 item 2, docs/SITES.md): where a new connection of a vserver
// with siteBalancing goes, by the site weights the control plane pushes (core's SitePicker, in
// weighted round robin over what each site has available), and the hop itself: the connection is
// proxied whole to an agent of the other site, on the vserver's listen port, from this agent's
// advertised address, after a PROXY v2 header carrying the client's address and TLV 0xE2 (the
// site that forwarded it). The receiving agent reads a PROXY header only from the addresses of
// other sites' agents (the trust rule: nobody else can mark a connection or claim a client
// address), and a connection it marked as forwarded is served there, never forwarded again.
import net from 'node:net';
import { SitePicker, siteToForward, type SiteAvailability } from '@spillway/core';
import { PP2_TYPE, encodeProxyV2, parseProxyV2 } from '@spillway/protocol';
import type { VServerCounters } from './stats.js';

/** A peer that connected must send its PROXY header within this time. */
const HEADER_TIMEOUT_MS = 5_000;
const HEADER_MAX_BYTES = 4096;

/** What the engines know of the sites: their own site and address, each vserver's site availability, each site's agents. */
export interface SiteTable {
  site: string | null;
  self: string | null;
  vservers: Record<string, Record<string, number>>;
  agents: Record<string, string[]>;
}

export const NO_SITES: SiteTable = Object.freeze({ site: null, self: null, vservers: {}, agents: {} });

/** An IPv4-mapped IPv6 address as its IPv4 form. */
const plain = (a: string | undefined): string => (a?.startsWith('::ffff:') ? a.slice(7) : (a ?? ''));

export interface SiteHop {
  site: string;
  host: string;
}

export class SiteRouter {
  private table: SiteTable = NO_SITES;
  /** Addresses of other sites' agents: the only ones whose PROXY header is read. */
  private peers = new Set<string>();
  private readonly pickers = new Map<string, SitePicker>();
  private readonly turn = new Map<string, number>();

  set(table: SiteTable): void {
    this.table = table;
    const peers = new Set<string>();
    for (const [site, list] of Object.entries(table.agents)) if (site !== table.site) for (const a of list) if (a !== table.self) peers.add(plain(a));
    this.peers = peers;
    for (const vs of this.pickers.keys()) if (!(vs in table.vservers)) this.pickers.delete(vs);
  }

  view(): SiteTable {
    return this.table;
  }

  /** A connection from another site's agent: its PROXY header is read before anything else. */
  fromPeer(remote: string | undefined): boolean {
    return this.peers.size > 0 && this.peers.has(plain(remote));
  }

  /** Where a new connection of `vs` goes: another site's agent, or null (served here). Never a site at 0, never a forwarded connection. */
  hop(vs: string, forwarded: boolean): SiteHop | null {
    const own = this.table.site;
    const weights = this.table.vservers[vs];
    if (own === null || !weights || forwarded) return null;
    let picker = this.pickers.get(vs);
    if (!picker) {
      picker = new SitePicker();
      this.pickers.set(vs, picker);
    }
    const sites: SiteAvailability[] = Object.entries(weights).map(([site, available]) => ({ site, available }));
    const to = siteToForward(picker, sites, own, false);
    if (to === null) return null;
    const agents = this.table.agents[to] ?? [];
    if (agents.length === 0) return null;
    const i = this.turn.get(to) ?? 0;
    this.turn.set(to, (i + 1) % agents.length);
    return { site: to, host: agents[i % agents.length]! };
  }

  /** The address forwarded connections leave from (so the other site recognises this agent). */
  get self(): string | null {
    return this.table.self;
  }
  get site(): string | null {
    return this.table.site;
  }
}

/**
 * Reads the PROXY v2 header of a connection from a peer agent (paused, nothing read yet): `done`
 * gets the client's address and whether another site forwarded it (TLV 0xE2), with what followed
 * the header put back on the socket (paused again); null when the header is malformed or late (the
 * socket is then destroyed). A peer connection without a header is an ordinary client's.
 */
export function readPeerHeader(socket: net.Socket, done: (h: { client: string | null; forwarded: boolean } | null) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  let settled = false;
  const finish = (h: { client: string | null; forwarded: boolean } | null, rest?: Buffer): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onClose);
    socket.pause();
    if (h === null) socket.destroy();
    else if (rest && rest.length > 0) socket.unshift(rest);
    done(h);
  };
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const r = parseProxyV2(buf, HEADER_MAX_BYTES);
    if (r.kind === 'more') return;
    if (r.kind === 'error') finish(null);
    else if (r.kind === 'absent') finish({ client: null, forwarded: false }, r.rest);
    else finish({ client: r.header.source?.address ?? null, forwarded: r.header.tlvs.some((t) => t.type === PP2_TYPE.SPILLWAY_SITE_FORWARDED) }, r.rest);
  };
  const onClose = (): void => finish(null);
  const timer = setTimeout(() => finish(null), HEADER_TIMEOUT_MS);
  socket.on('data', onData);
  socket.once('close', onClose);
  socket.resume();
}

export interface HopOptions {
  /** The listen port of the vserver: the other agent's listener of it. */
  port: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** The site forwarding it (written as TLV 0xE2). */
  site: string;
  /** Leave from this address (this agent's advertised one), so the other site trusts the header. */
  localAddress: string | null;
}

/**
 * Proxies `client` (paused) whole to `hop.host`:`port` after a PROXY v2 header (the client's
 * address, TLV 0xE2). Counts forwarded connections and their bytes on the vserver; resolves
 * when both sides are closed (`connected` false: the other agent never answered).
 */
export function forwardToSite(client: net.Socket, hop: SiteHop, o: HopOptions, c: VServerCounters): Promise<{ connected: boolean }> {
  return new Promise((resolve) => {
    let connected = false;
    let finished = false;
    const header = encodeProxyV2({
      source: { address: plain(client.remoteAddress), port: client.remotePort ?? 0 },
      destination: { address: plain(client.localAddress), port: client.localPort ?? 0 },
      tlvs: [{ type: PP2_TYPE.SPILLWAY_SITE_FORWARDED, value: Buffer.from(o.site) }],
    });
    const upstream = net.connect({ host: hop.host, port: o.port, noDelay: true, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      c.rx_bytes_total += client.bytesRead;
      c.tx_bytes_total += upstream.bytesRead;
      if (!connected) c.site_forward_failed_total++;
      resolve({ connected });
    };
    const timer = setTimeout(() => {
      if (!connected) finish();
    }, o.connectTimeoutMs);
    client.setTimeout(o.idleTimeoutMs, finish);
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      upstream.write(header);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('close', finish);
    client.once('close', finish);
    upstream.on('error', finish);
    client.on('error', finish);
  });
}
