// The data plane of one engine (a cluster worker, or the whole agent with workers: 0): its
// listeners, the admission of every client connection (quota, spillover chain, final action),
// balancing, surge queue and counting. Everything shared across engines (monitor states,
// bandwidth, quota, spillover persistence) arrives as messages from the primary.
import net from 'node:net';
import { reachSize, type AgentDocument, type Reach, type VServerDoc } from './config.js';
import { PersistenceTable, type AdmissionPipeline } from '@spillway/core';
import { TcpProxy } from './tcp-proxy.js';
import { forwardToSite, readPeerHeader, SiteRouter, type SiteHop, type SiteTable } from './sites.js';
import { Migrations } from './migration/maintenance.js';
import { HttpEngine } from './http/engine.js';
import { acceptHandles, asNetSocket, handleErrors, HandleSocket } from './http/handle-socket.js';
import { switchRouter, type SwitchRoute } from './content-switch.js';
import { EngineAdmission, type AdmissionDecision, type AgentBandwidth } from './admission.js';
import { inheritNoDelay, noDelayListener } from './nodelay.js';
import type { QuotaWorker } from './quota-worker.js';
import { Counters, HANDLE_ERROR_KINDS, type ActiveCounts, type CounterChanges, type HandleErrorCounts, type VServerCounters } from './stats.js';
import { cookieName, ServiceState, type ServicePick, type ServiceToPrimary } from './service-state.js';
import type { Logger } from './log.js';
import { LiveTable } from './live-table.js';

export type ToPrimary = (msg: PlaneMessageOut, handle?: net.Socket) => void;

export type PlaneMessageOut =
  /** `head`: the bytes of the first request head already read from the socket (base64), HTTP only. */
  | { t: 'handoff'; to: number; root: string; at: string; tried: number[]; head?: string }
  | { t: 'persist'; key: string; vs: string; timeoutMs: number }
  | ServiceToPrimary;

interface VServerRt {
  doc: VServerDoc;
  counters: VServerCounters;
  cookieName: string;
  /** A content switch's routing of its requests (content-switch.ts). */
  route?: SwitchRoute | undefined;
}
interface ListenerRt {
  vs: string;
  port: number;
  host: string;
  server: net.Server;
  http: boolean;
  /** TCP_NODELAY is set on the listening socket: its accepted sockets have it already (nodelay.ts). */
  noDelay: boolean;
}

/**
 * What a client connection was given at accept time (kept for its whole life). A served one also
 * holds what its close gives back (`decision` to its `pipeline`: the quota use, persistence), so an
 * HTTP connection's own close listener can end it (closed()) without a closure of its own.
 */
type Admission =
  | { kind: 'serve'; vs: VServerRt; quota: boolean; pipeline: AdmissionPipeline; decision: AdmissionDecision }
  | { kind: 'redirect'; url: string; vs: VServerRt }
  | { kind: 'drop'; vs: VServerRt };

/** What accept returns once it has decided without waiting (no Promise made per connection). */
const DONE: Promise<void> = Promise.resolve();

/** A client socket's 'error' listener (one function for all: a connection holds no closure for it). */
function destroyOnError(this: net.Socket): void {
  this.destroy();
}

export class DataPlane {
  private readonly vservers = new Map<string, VServerRt>();
  private readonly listeners = new Map<string, ListenerRt>();
  private readonly sockets = new LiveTable<net.Socket>();
  /** HTTP connections whose first request head is being read (not admitted), with the cancel of that read. */
  private readonly reading = new LiveTable<net.Socket, () => void>();
  private readonly spilled = new PersistenceTable();
  private readonly counters = new Counters();
  /** The TCP connections being proxied (tcp-proxy.ts); their bytes are counted when the stats are sampled. */
  private readonly tcp: TcpProxy;
  /** The connection table, maintenance (drain, migrate) of the TCP connections (migration/maintenance.ts). */
  readonly migrations: Migrations;
  /** Balancing, capacity, persistence and surge queues of the services, agent-wide (service-state.ts). */
  readonly state = new ServiceState(this.counters, (m) => this.toPrimary(m));
  /** The HTTP/1.1 engine of the HTTP listeners (http/engine.ts). */
  private readonly http = new HttpEngine(
    this.state,
    (err, vserver, stage) => {
      this.failed(err, vserver, stage);
    },
    // What the HTTP engine serves is what admit() gave it: the plane's Admission.
    (socket, a) => {
      this.closed(socket, a as Admission);
    },
    () => this.migrations.nextId(),
    (client, to, upstream, close) => this.migrations.track(client, to, upstream, close),
  );
  private draining = false;

  constructor(
    readonly engineId: number,
    private readonly quota: QuotaWorker,
    private readonly toPrimary: ToPrimary,
    private readonly log: Logger,
  ) {
    this.self = [engineId];
    this.migrations = new Migrations(engineId, this.state, this.counters, log);
    this.tcp = new TcpProxy(this.migrations);
    this.admitting = new EngineAdmission(
      quota,
      this.spilled,
      (key, vs, timeoutMs) => {
        toPrimary({ t: 'persist', key, vs, timeoutMs });
      },
      (vs) => this.counters.vserver(vs),
      (vs) => this.counters.ruleHits(vs),
    );
  }

  /**
   * Applies a change of the document (`doc` after it; `reach`: the names it reached, resources.ts):
   * only the vservers and services reached are rebuilt, so the work is proportional to the change
   * (a whole document arrives as its diff from the one running). New listeners open, removed ones
   * stop accepting and drain; a changed vserver keeps its listener, connections and counters.
   */
  async apply(doc: AgentDocument, reach: Reach): Promise<void> {
    for (const name of reach.vservers) {
      const v = doc.vservers.get(name);
      const rt = this.vservers.get(name);
      if (!v) this.vservers.delete(name);
      else if (rt) rt.doc = v;
      else this.vservers.set(name, { doc: v, counters: this.counters.vserver(name), cookieName: cookieName(name) });
    }
    this.state.apply(doc, reach);
    this.migrations.apply(doc, reach);
    this.admitting.apply(doc, reach, this.state.isUp);
    // A content switch routes each request to a target's pipeline (content-switch.ts).
    for (const name of reach.vservers) {
      const rt = this.vservers.get(name);
      if (rt) rt.route = rt.doc.type === 'contentswitch' ? switchRouter(name, this.admitting, (n) => this.vservers.get(n), this.engineId) : undefined;
    }
    this.rebuilt.last = reachSize(reach);
    this.rebuilt.total += this.rebuilt.last;
    await this.reconcileListeners(doc, reach.vservers);
  }

  /** Objects (services, monitors, vservers) the applies of this engine rebuilt: the last one's, and in all. */
  readonly rebuilt = { last: 0, total: 0 };

  /** The listeners of the vservers `names`: opened, moved (new address or protocol) or closed as their documents say. */
  private async reconcileListeners(doc: AgentDocument, names: Iterable<string>): Promise<void> {
    const open: VServerDoc[] = [];
    // Every listener to close first (a port may pass from one vserver to another in one change).
    for (const name of names) {
      const v = doc.vservers.get(name);
      const wanted = v?.listen && !this.draining ? v.listen : null;
      const l = this.listeners.get(name);
      if (l) {
        if (v && wanted && wanted.port === l.port && wanted.host === l.host && v.protocol === (l.http ? 'http' : 'tcp')) continue;
        this.listeners.delete(name);
        // close() stops accepting at once; established connections drain.
        l.server.close();
      }
      if (v && wanted) open.push(v);
    }
    await Promise.all(open.map((v) => this.listen(v, v.listen!)));
  }

  /** Opens `v`'s listener on `at` (its normalized listen: the contract's defaults fill the host). */
  private listen(v: VServerDoc, at: NonNullable<VServerDoc['listen']>): Promise<void> {
    const { host, port } = at;
    const server = net.createServer({ pauseOnConnect: true });
    const l: ListenerRt = { vs: v.name, port, host, server, http: v.protocol === 'http', noDelay: false };
    server.on('connection', (socket: net.Socket) => {
      if (l.noDelay) inheritNoDelay(socket);
      this.onConnection(socket, v.name);
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.log.error({ err, vserver: v.name, port }, 'listener failed');
        reject(err);
      });
      server.listen({ port, host }, () => {
        l.noDelay = noDelayListener(server);
        // An HTTP listener's connections run on their TCP handles, without net.Socket (handle-socket.ts).
        if (l.http) acceptHandles(server, (handle) => this.onConnection(new HandleSocket(handle, l.noDelay) as unknown as net.Socket, v.name));
        this.listeners.set(v.name, l);
        resolve();
      });
    });
  }

  /** Addresses the listeners actually bound (port 0 resolved). */
  boundPorts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, l] of this.listeners) {
      const a = l.server.address();
      if (a && typeof a === 'object') out[name] = a.port;
    }
    return out;
  }

  setServiceStates(up: Record<string, boolean>): void {
    this.state.setStates(up);
    this.admitting.setStates(up);
  }

  setBandwidth(kbps: Record<string, AgentBandwidth>): void {
    this.admitting.setBandwidth(kbps);
  }

  rememberSpill(key: string, vs: string, timeoutMs: number): void {
    this.spilled.set(key, vs, timeoutMs);
  }

  /** The active connections now (what the engine pushes as they change). */
  active(): ActiveCounts {
    return this.counters.active();
  }

  /** The counters changed since the last report (stats.ts `changes`; `full`: every one), with the surge queues and long-lived connections. */
  changes(full: boolean): CounterChanges {
    this.tcp.count();
    const c = this.counters.changes(full, this.state.queueSizes());
    const migration = this.migrations.report();
    if (migration) c.migration = migration;
    const sent = this.handleErrorsSent;
    if (c.full || HANDLE_ERROR_KINDS.some((k) => handleErrors[k] !== sent[k])) c.handle_errors = this.handleErrorsSent = { ...handleErrors };
    return c;
  }

  /** The handle errors as last reported (the process's counters: one engine per process). */
  private handleErrorsSent: HandleErrorCounts = { ...handleErrors };

  /** Stops accepting; resolves when every connection has closed or the deadline has passed. */
  async drain(deadlineMs: number): Promise<void> {
    this.draining = true;
    for (const l of this.listeners.values()) l.server.close();
    // Connections still sending their first request head hold nothing yet: closed at once.
    for (const [socket, cancel] of this.reading.entries()) {
      cancel();
      socket.destroy();
    }
    this.reading.clear();
    this.listeners.clear();
    this.state.closeQueues();
    const until = Date.now() + deadlineMs;
    while (this.sockets.size > 0 && Date.now() < until) {
      this.http.closeIdle();
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const s of this.sockets) s.destroy();
    // Idle upstream connections close; a moved or removed service's ones expire unused (IDLE_MS).
    this.http.close();
  }

  // ---- admission --------------------------------------------------------------------------

  /** Where a new connection goes: core's admission pipeline over this engine's quota and live state (admission.ts). */
  private readonly admitting: EngineAdmission;

  /**
   * A connection accepted by a listener. HTTP: admitted only once its first request head is
   * complete and valid (read and parsed by the HTTP engine, at most 16 KiB within the vserver's
   * headersTimeoutMs; it answers 400, 405, 408 and 431 itself), so a client that trickles or sends
   * nothing takes no use of the limit. TCP: admitted at once.
   */
  private onConnection(socket: net.Socket, root: string): void {
    socket.on('error', destroyOnError);
    const v = this.vservers.get(root);
    if (this.draining || !v) {
      socket.destroy();
      return;
    }
    // Sites (sites.ts): another site's agent first says, in a PROXY header, whether it forwarded
    // the connection (then it is served here, never forwarded again).
    if (this.sites.fromPeer(socket.remoteAddress)) {
      socket = asNetSocket(socket);
      readPeerHeader(socket, (h) => {
        if (!h) return;
        if (h.forwarded) v.counters.site_received_total++;
        // The client's address from the header stands for the forwarding agent's (source-IP
        // persistence, X-Forwarded-For, logs), as a PROXY protocol receiver takes it.
        if (h.forwarded && h.client !== null) Object.defineProperty(socket, 'remoteAddress', { value: h.client, configurable: true });
        this.admitConnection(socket, root, v, h.forwarded);
      });
      return;
    }
    this.admitConnection(socket, root, v, false);
  }

  /** The sites of the agent (sites.ts): who may mark a connection forwarded, and each siteBalancing vserver's weights. */
  private readonly sites = new SiteRouter();

  setSites(table: SiteTable): void {
    this.sites.set(table);
  }

  /** A connection of `root` past the sites' check: forwarded to another site's share, or admitted here. */
  private admitConnection(socket: net.Socket, root: string, v: VServerRt, forwarded: boolean): void {
    const hop = v.doc.siteBalancing === true && v.doc.listen !== null ? this.sites.hop(root, forwarded) : null;
    if (hop) {
      this.forward(asNetSocket(socket), v, hop);
      return;
    }
    if (v.doc.protocol !== 'http') {
      void this.decide(asNetSocket(socket), root, null, this.self, null);
      return;
    }
    const c = v.counters;
    c.cx_reading_head++;
    const cancel = this.http.readFirstHead(socket, v, (head) => {
      this.reading.delete(socket);
      c.cx_reading_head--;
      if (head) void this.decide(socket, root, null, this.self, head);
    });
    this.reading.set(socket, () => {
      cancel();
      c.cx_reading_head--;
    });
  }

  /** Proxies a connection whole to another site's agent (its share of the vserver's new connections). */
  private forward(socket: net.Socket, v: VServerRt, hop: SiteHop): void {
    const c = v.counters;
    c.site_forwarded_total++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const o = {
      port: v.doc.listen?.port ?? 0,
      connectTimeoutMs: v.doc.timeoutMs,
      idleTimeoutMs: v.doc.protocol === 'http' ? v.doc.keepAliveTimeoutMs + v.doc.timeoutMs : v.doc.clientTimeoutMs,
      site: this.sites.site ?? '',
      localAddress: this.sites.self,
    };
    forwardToSite(socket, hop, o, c).catch((err: unknown) => {
      this.failed(err, v.doc.name, 'site-forward');
      socket.destroy();
    });
  }

  /**
   * Decides where a client connection goes (see admission); `head` holds the bytes of its first
   * request already read (HTTP), handed on with the socket. Never rejects.
   */
  accept(socket: net.Socket, root: string, at: string | null, tried: readonly number[], head: Buffer | null = null): Promise<void> {
    socket.on('error', destroyOnError);
    return this.decide(socket, root, at, tried, head);
  }

  /** The tried list of a connection accepted here (this engine only). */
  private readonly self: readonly number[];

  /** accept's decision, for a socket that has its 'error' listener already. */
  private decide(socket: net.Socket, root: string, at: string | null, tried: readonly number[], head: Buffer | null): Promise<void> {
    try {
      const p = this.draining ? undefined : this.admitting.pipeline(root);
      if (!p) {
        socket.destroy();
        return DONE;
      }
      const d = this.admitting.decide(p, socket.remoteAddress ?? '', at, tried);
      // Only a borrow from the pool manager waits; everything else is decided here and now.
      if (d instanceof Promise)
        return d
          .then((r) => {
            this.admission(socket, root, r, p, tried, head);
          })
          .catch((err: unknown) => {
            this.failed(err, root, 'admission');
            socket.destroy();
          });
      this.admission(socket, root, d, p, tried, head);
    } catch (err) {
      this.failed(err, root, 'admission');
      socket.destroy();
    }
    return DONE;
  }

  /** An exception in the handling of a connection: logged and counted, never thrown further. */
  private failed(err: unknown, vserver: string | undefined, stage: string): void {
    if (vserver !== undefined) this.counters.vserver(vserver).internal_errors_total++;
    this.log.error({ err, vserver, stage }, 'connection handling failed');
  }

  /** Acts on an admission decision of `p`; its finish gives back what a serving decision holds (quota use, persistence). */
  private admission(socket: net.Socket, root: string, d: AdmissionDecision, p: AdmissionPipeline, tried: readonly number[], head: Buffer | null): void {
    const vs = this.vservers.get(d.vserver);
    if (socket.destroyed || !vs) {
      p.finish(d);
      socket.destroy();
      return;
    }
    switch (d.kind) {
      case 'handoff':
        this.toPrimary(
          { t: 'handoff', to: d.engine, root, at: d.vserver, tried: [...tried, d.engine], ...(head ? { head: head.toString('base64') } : {}) },
          asNetSocket(socket),
        );
        return;
      case 'vserver':
      case 'accept':
        this.admit(socket, root, { kind: 'serve', vs, quota: d.quota, pipeline: p, decision: d }, head);
        return;
      case 'redirect':
        if (vs.doc.protocol === 'http') this.admit(socket, root, { kind: 'redirect', url: d.url, vs }, head);
        else socket.destroy();
        return;
      case 'drop':
        if (vs.doc.protocol === 'http') this.admit(socket, root, { kind: 'drop', vs }, head);
        else socket.destroy();
        return;
    }
  }

  /** Serves an admitted connection; when it closes, closed() gives back what the admission holds. */
  private admit(socket: net.Socket, root: string, a: Admission, head: Buffer | null): void {
    this.sockets.add(socket);
    const v = a.vs;
    const rootDoc = this.vservers.get(root)?.doc;
    if (a.kind === 'serve') {
      v.counters.cx_active++;
      v.counters.cx_total++;
    }
    if (v.doc.protocol === 'http') {
      // The HTTP connection's own listeners end it: its 'close' calls closed(), its 'error'
      // destroys the socket as destroyOnError does (one listener each: no array of two per idle connection).
      this.http.serve(socket, a, this.vservers.get(root) ?? v, head);
      socket.removeListener('error', destroyOnError);
      return;
    }
    // 'close' is emitted once: a plain listener, no once wrapper.
    socket.on('close', () => {
      this.closed(socket, a);
    });
    if (a.kind !== 'serve') {
      socket.destroy();
      return;
    }
    this.serveTcp(socket, v, rootDoc?.clientTimeoutMs ?? v.doc.clientTimeoutMs).catch((err: unknown) => {
      this.failed(err, v.doc.name, 'tcp');
      socket.destroy();
    });
  }

  /** An admitted connection closed: out of the socket set; a served one's use of the vserver given back. */
  private closed(socket: net.Socket, a: Admission): void {
    this.sockets.delete(socket);
    if (a.kind !== 'serve') return;
    a.vs.counters.cx_active--;
    a.pipeline.finish(a.decision);
  }

  // ---- services ---------------------------------------------------------------------------

  /** Chooses a service (persistence first), waiting in the surge queue when all are at capacity. */
  private async chooseService(v: VServerRt, ip: string, cookie: string | undefined): Promise<ServicePick | 'timeout' | 'unavailable'> {
    const now = this.state.pick(v.doc.name, ip, cookie);
    return now === 'wait' ? this.state.wait(v.doc.name, ip) : now;
  }

  private async serveTcp(socket: net.Socket, v: VServerRt, idleTimeoutMs: number): Promise<void> {
    const ip = socket.remoteAddress ?? '';
    const chosen = await this.chooseService(v, ip, undefined);
    if (typeof chosen === 'string') {
      socket.destroy();
      return;
    }
    if (socket.destroyed) {
      this.state.release(chosen);
      return;
    }
    try {
      const target = { host: chosen.address, port: chosen.port, connectTimeoutMs: v.doc.timeoutMs, idleTimeoutMs, vserver: v.doc.name, pick: chosen };
      // The idle timeout is counted in the same 'close' emission that counts the connection
      // gone (admit's listener, registered first, runs just before): no stats read sees one
      // without the other.
      const { connected } = await this.tcp.proxy(socket, target, v.counters, chosen.counters, () => {
        socket.once('close', () => v.counters.cx_idle_timeout_total++);
      });
      if (!connected) chosen.counters.cx_connect_fail_total++;
    } finally {
      this.state.release(chosen);
    }
  }
}
