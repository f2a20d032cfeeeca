// The data plane of one engine (a cluster worker, or the whole agent with workers: 0): its
// listeners, the admission of every client connection (quota, spillover chain, final action),
// balancing, surge queue and counting. Everything shared across engines (monitor states,
// bandwidth, quota, spillover persistence) arrives as messages from the primary.
import http from 'node:http';
import net from 'node:net';
import type { Pool } from 'undici';
import type { AgentConfig, ServiceDoc, VServerDoc } from './config.js';
import { PersistenceTable } from '@spillway/core';
import { TcpProxy } from './tcp-proxy.js';
import { answerAndClose, answered, createServicePool, markExpectsContinue, proxyHttp, sendContinue, sendError, upstreamHeaders } from './listener-http.js';
import { EngineAdmission, type AdmissionDecision } from './admission.js';
import { readFirstHead } from './http-head.js';
import { checkRequest, type RequestVerdict } from './http-request.js';
import type { QuotaWorker } from './quota-worker.js';
import { Counters, type CounterSnapshot, type VServerCounters } from './stats.js';
import { cookieName, ServiceState, type ServicePick, type ServiceToPrimary } from './service-state.js';
import type { Logger } from './log.js';

export type ToPrimary = (msg: PlaneMessageOut, handle?: net.Socket) => void;

export type PlaneMessageOut =
  /** `head`: the bytes of the first request head already read from the socket (base64), HTTP only. */
  | { t: 'handoff'; to: number; root: string; at: string; tried: number[]; head?: string }
  | { t: 'persist'; key: string; vs: string; timeoutMs: number }
  | ServiceToPrimary;

/**
 * `pools`: one undici pool per upstream timeout (the vservers' `timeoutMs`) of the vservers the
 * service serves, made on first use: a changed timeout takes effect with the next request.
 */
interface ServiceRt {
  doc: ServiceDoc;
  pools: Map<number, Pool>;
}

/** Closes pools once their requests are done (close() lets them finish). */
function closePools(pools: Iterable<Pool>): void {
  for (const p of pools) p.close().catch(() => undefined);
}
interface VServerRt {
  doc: VServerDoc;
  counters: VServerCounters;
  cookieName: string;
}
interface ListenerRt {
  vs: string;
  port: number;
  host: string;
  server: net.Server;
  http: http.Server | null;
}

/** Most bytes of a first request head read before admission: node:http's default header limit (431 past it). */
const MAX_HEAD_BYTES = 16 * 1024;

/** What a client connection was given at accept time (kept for its whole life). */
type Admission = { kind: 'serve'; vs: VServerRt; quota: boolean } | { kind: 'redirect'; url: string; vs: VServerRt } | { kind: 'drop'; vs: VServerRt };

type ForwardTarget = Extract<RequestVerdict, { kind: 'forward' }>;

/** What accept returns once it has decided without waiting (no Promise made per connection). */
const DONE: Promise<void> = Promise.resolve();

export class DataPlane {
  private config: AgentConfig | null = null;
  private readonly services = new Map<string, ServiceRt>();
  private readonly vservers = new Map<string, VServerRt>();
  private readonly listeners = new Map<string, ListenerRt>();
  private readonly httpServers = new Set<http.Server>();
  private readonly admissions = new WeakMap<net.Socket, Admission>();
  private readonly sockets = new Set<net.Socket>();
  /** HTTP connections whose first request head is being read (not admitted), with the cancel of that read. */
  private readonly reading = new Map<net.Socket, () => void>();
  private readonly spilled = new PersistenceTable();
  private readonly counters = new Counters();
  /** The TCP connections being proxied (tcp-proxy.ts); their bytes are counted when the stats are sampled. */
  private readonly tcp = new TcpProxy();
  /** Balancing, capacity, persistence and surge queues of the services, agent-wide (service-state.ts). */
  readonly state = new ServiceState(this.counters, (m) => this.toPrimary(m));
  private draining = false;

  constructor(
    readonly engineId: number,
    private readonly quota: QuotaWorker,
    private readonly toPrimary: ToPrimary,
    private readonly log: Logger,
  ) {
    this.admitting = new EngineAdmission(
      quota,
      this.spilled,
      (key, vs, timeoutMs) => {
        toPrimary({ t: 'persist', key, vs, timeoutMs });
      },
      (vs) => this.counters.vserver(vs),
    );
  }

  /**
   * Applies a configuration: new listeners open, removed ones stop accepting and drain. Linear in
   * the size of the document (names looked up in sets, never a scan per object).
   */
  async apply(config: AgentConfig): Promise<void> {
    this.config = config;
    const serviceNames = new Set(config.services.map((s) => s.name));
    const vserverNames = new Set(config.vservers.map((v) => v.name));
    for (const s of config.services) {
      const rt = this.services.get(s.name);
      if (rt) {
        const moved = rt.doc.address !== s.address || rt.doc.port !== s.port;
        if (moved) {
          closePools(rt.pools.values());
          rt.pools.clear();
        }
        rt.doc = s;
      } else {
        this.services.set(s.name, { doc: s, pools: new Map() });
      }
    }
    for (const name of [...this.services.keys()]) {
      if (!serviceNames.has(name)) {
        const rt = this.services.get(name)!;
        this.services.delete(name);
        closePools(rt.pools.values());
      }
    }
    for (const v of config.vservers) {
      const rt = this.vservers.get(v.name);
      if (rt) {
        rt.doc = v;
      } else {
        this.vservers.set(v.name, {
          doc: v,
          counters: this.counters.vserver(v.name),
          cookieName: cookieName(v.name),
        });
      }
    }
    for (const name of [...this.vservers.keys()]) if (!vserverNames.has(name)) this.vservers.delete(name);
    this.state.apply(config);
    this.admitting.apply(config, this.state.isUp);
    // Pools of timeouts no vserver of the service has any more.
    const timeouts = new Map<string, Set<number>>();
    for (const v of config.vservers) {
      for (const b of v.services) {
        let set = timeouts.get(b.service);
        if (!set) {
          set = new Set();
          timeouts.set(b.service, set);
        }
        set.add(v.timeoutMs);
      }
    }
    for (const [name, rt] of this.services) {
      for (const [t, p] of [...rt.pools])
        if (!timeouts.get(name)?.has(t)) {
          rt.pools.delete(t);
          closePools([p]);
        }
    }
    await this.reconcileListeners(config);
  }

  private async reconcileListeners(config: AgentConfig): Promise<void> {
    const wanted = new Map(config.vservers.filter((v) => v.listen !== null && !this.draining).map((v) => [v.name, v]));
    for (const [name, l] of [...this.listeners]) {
      const v = wanted.get(name);
      if (v && v.listen && v.listen.port === l.port && (v.listen.host ?? '0.0.0.0') === l.host && v.protocol === (l.http ? 'http' : 'tcp')) {
        if (l.http) setHttpTimeouts(l.http, v);
        continue;
      }
      this.listeners.delete(name);
      // close() stops accepting at once; its callback waits for established connections (they
      // drain), then the HTTP server goes too (its timeout checker with it).
      const h = l.http;
      l.server.close(() => {
        if (h) {
          h.close();
          this.httpServers.delete(h);
        }
      });
    }
    const opening: Promise<void>[] = [];
    for (const v of wanted.values()) {
      if (this.listeners.has(v.name) || !v.listen) continue;
      opening.push(this.listen(v));
    }
    await Promise.all(opening);
  }

  private listen(v: VServerDoc): Promise<void> {
    const host = v.listen?.host ?? '0.0.0.0';
    const port = v.listen?.port ?? 0;
    const server = net.createServer({ pauseOnConnect: true });
    const httpServer = v.protocol === 'http' ? this.createHttpServer(v) : null;
    if (httpServer) this.httpServers.add(httpServer);
    const l: ListenerRt = { vs: v.name, port, host, server, http: httpServer };
    server.on('connection', (socket) => {
      this.onConnection(socket, v.name);
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.log.error({ err, vserver: v.name, port }, 'listener failed');
        reject(err);
      });
      server.listen({ port, host }, () => {
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

  setBandwidth(kbps: Record<string, { in: number; out: number }>): void {
    this.admitting.setBandwidth(kbps);
  }

  rememberSpill(key: string, vs: string, timeoutMs: number): void {
    this.spilled.set(key, vs, timeoutMs);
  }

  snapshot(): CounterSnapshot {
    this.tcp.count();
    const snap = this.counters.snapshot();
    for (const [name, n] of Object.entries(this.state.queueSizes())) {
      const c = snap.vservers[name];
      if (c) c.surge_queue_len = n;
    }
    return snap;
  }

  /** Stops accepting; resolves when every connection has closed or the deadline has passed. */
  async drain(deadlineMs: number): Promise<void> {
    this.draining = true;
    for (const l of this.listeners.values()) l.server.close();
    // Connections still sending their first request head hold nothing yet: closed at once.
    for (const [socket, cancel] of this.reading) {
      cancel();
      socket.destroy();
    }
    this.reading.clear();
    this.listeners.clear();
    this.state.closeQueues();
    const until = Date.now() + deadlineMs;
    while (this.sockets.size > 0 && Date.now() < until) {
      for (const h of this.httpServers) h.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const s of this.sockets) s.destroy();
    for (const svc of this.services.values()) for (const p of svc.pools.values()) await p.close().catch(() => undefined);
  }

  // ---- admission --------------------------------------------------------------------------

  /** Where a new connection goes: core's admission pipeline over this engine's quota and live state (admission.ts). */
  private readonly admitting: EngineAdmission;

  /**
   * A connection accepted by a listener. HTTP: admitted only once its first request head is
   * complete (read here, at most MAX_HEAD_BYTES within the vserver's headersTimeoutMs: 431 and
   * 408 past those, 400 for a line that is not HTTP/1.x), so a client that trickles or sends
   * nothing takes no use of the limit. TCP: admitted at once.
   */
  private onConnection(socket: net.Socket, root: string): void {
    socket.on('error', () => socket.destroy());
    const v = this.vservers.get(root);
    if (this.draining || !v) {
      socket.destroy();
      return;
    }
    if (v.doc.protocol !== 'http') {
      void this.accept(socket, root, null, [this.engineId], null);
      return;
    }
    const c = v.counters;
    c.cx_reading_head++;
    const cancel = readFirstHead(socket, v.doc.headersTimeoutMs, MAX_HEAD_BYTES, (outcome) => {
      this.reading.delete(socket);
      c.cx_reading_head--;
      switch (outcome.kind) {
        case 'head':
          void this.accept(socket, root, null, [this.engineId], outcome.bytes);
          return;
        case 'timeout':
          c.rq_header_timeout_total++;
          answerAndClose(socket, 408, 'SPILLWAY_REQUEST_TIMEOUT', `no complete request head within ${v.doc.headersTimeoutMs} ms`);
          return;
        case 'too-large':
          c.rq_client_error_total++;
          answerAndClose(socket, 431, 'SPILLWAY_HEADERS_TOO_LARGE', 'the request head is larger than the header limit');
          return;
        case 'bad-line':
          c.rq_client_error_total++;
          answerAndClose(socket, 400, 'SPILLWAY_BAD_REQUEST', 'the request line must be: method, target, HTTP/1.x');
          return;
        case 'closed':
          socket.destroy();
          return;
      }
    });
    this.reading.set(socket, () => {
      cancel();
      c.cx_reading_head--;
    });
  }

  /**
   * Decides where a client connection goes (see admission); `head` holds the bytes of its first
   * request already read (HTTP), handed on with the socket. Never rejects.
   */
  accept(socket: net.Socket, root: string, at: string | null, tried: number[], head: Buffer | null = null): Promise<void> {
    try {
      socket.on('error', () => socket.destroy());
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
            this.admission(socket, root, r, () => p.finish(r), tried, head);
          })
          .catch((err: unknown) => {
            this.failed(err, root, 'admission');
            socket.destroy();
          });
      this.admission(socket, root, d, () => p.finish(d), tried, head);
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

  /** Acts on an admission decision; `finish` gives back what a serving decision holds (quota use, persistence). */
  private admission(socket: net.Socket, root: string, d: AdmissionDecision, finish: () => void, tried: number[], head: Buffer | null): void {
    const vs = this.vservers.get(d.vserver);
    if (socket.destroyed || !vs) {
      finish();
      socket.destroy();
      return;
    }
    switch (d.kind) {
      case 'handoff':
        this.toPrimary(
          { t: 'handoff', to: d.engine, root, at: d.vserver, tried: [...tried, d.engine], ...(head ? { head: head.toString('base64') } : {}) },
          socket,
        );
        return;
      case 'vserver':
      case 'accept':
        this.admit(socket, root, { kind: 'serve', vs, quota: d.quota }, finish, head);
        return;
      case 'redirect':
        if (vs.doc.protocol === 'http') this.admit(socket, root, { kind: 'redirect', url: d.url, vs }, null, head);
        else socket.destroy();
        return;
      case 'drop':
        if (vs.doc.protocol === 'http') this.admit(socket, root, { kind: 'drop', vs }, null, head);
        else socket.destroy();
        return;
    }
  }

  private admit(socket: net.Socket, root: string, a: Admission, finish: (() => void) | null, head: Buffer | null): void {
    this.admissions.set(socket, a);
    this.sockets.add(socket);
    const v = a.vs;
    const rootDoc = this.vservers.get(root)?.doc;
    if (a.kind === 'serve') {
      v.counters.cx_active++;
      v.counters.cx_total++;
    }
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (a.kind !== 'serve') return;
      v.counters.cx_active--;
      finish?.();
    });
    if (v.doc.protocol === 'http') {
      const l = this.listeners.get(root) ?? this.anyHttpListener();
      if (!l?.http) {
        socket.destroy();
        return;
      }
      // node:http parses the bytes already read first: they go back in front of the socket's stream.
      if (head && head.length > 0) socket.unshift(head);
      l.http.emit('connection', socket);
      socket.resume();
      return;
    }
    if (a.kind !== 'serve') {
      socket.destroy();
      return;
    }
    this.serveTcp(socket, v, rootDoc?.clientTimeoutMs ?? v.doc.clientTimeoutMs).catch((err: unknown) => {
      this.failed(err, v.doc.name, 'tcp');
      socket.destroy();
    });
  }

  private anyHttpListener(): ListenerRt | undefined {
    for (const l of this.listeners.values()) if (l.http) return l;
    return undefined;
  }

  // ---- services ---------------------------------------------------------------------------

  /** Chooses a service (persistence first), waiting in the surge queue when all are at capacity. */
  private async chooseService(v: VServerRt, ip: string, cookie: string | undefined): Promise<ServicePick | 'timeout' | 'unavailable'> {
    const now = this.state.pick(v.doc.name, ip, cookie);
    return now === 'wait' ? this.state.wait(v.doc.name, ip) : now;
  }

  private readonly release = (pick: ServicePick): void => {
    this.state.release(pick);
  };

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
      const target = { host: chosen.address, port: chosen.port, connectTimeoutMs: v.doc.timeoutMs, idleTimeoutMs };
      const { connected } = await this.tcp.proxy(socket, target, v.counters, chosen.counters, () => {
        v.counters.cx_idle_timeout_total++;
      });
      if (!connected) chosen.counters.cx_connect_fail_total++;
    } finally {
      this.state.release(chosen);
    }
  }

  private createHttpServer(v: VServerDoc): http.Server {
    const root = v.name;
    // The server never listen()s (sockets come from our listeners), so node:http's check of
    // headersTimeout, which starts on 'listening', is started by emitting it: it cuts a later
    // request of a keep-alive connection whose head trickles (the first one is read by
    // readFirstHead). Checked every quarter of the timeout (50 ms to 1 s).
    // requireHostHeader off: checkRequest refuses a missing Host itself (one answer shape, counted).
    const server = http.createServer({
      keepAlive: true,
      requireHostHeader: false,
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(v.headersTimeoutMs / 4))),
    });
    setHttpTimeouts(server, v);
    server.emit('listening');
    server.on('request', this.onRequest);
    // Expect: 100-continue: the 100 is sent when the body is about to be forwarded, not before admission.
    server.on('checkContinue', this.onCheckContinue);
    server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
      this.clientError(err, socket, root);
    });
    // CONNECT asks for a tunnel, which a reverse proxy does not make (node:http closes silently without a listener).
    server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
      const c = (this.admissions.get(socket)?.vs ?? this.vservers.get(root))?.counters;
      if (c) c.rq_client_error_total++;
      answerAndClose(socket, 405, 'SPILLWAY_METHOD_NOT_ALLOWED', 'CONNECT is not served: this is a reverse proxy, not a tunnel');
    });
    return server;
  }

  /**
   * The parser refused what a client sent, or a later request's head did not complete within
   * headersTimeoutMs: 431 for a head over the header limit, 408 for the timeout, 400 for anything
   * else malformed, then close. A client that reset the connection, or a socket already answering
   * a request, gets no status, only the close.
   */
  private clientError(err: NodeJS.ErrnoException, socket: net.Socket, root: string): void {
    const code = err.code ?? '';
    if (answered(socket)) return;
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      socket.destroy();
      return;
    }
    const c = (this.admissions.get(socket)?.vs ?? this.vservers.get(root))?.counters;
    const busy = (socket as net.Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (busy) {
      // A response is in progress on this connection. If its own request's body is what the
      // parser refused and nothing was answered yet, that request gets the 400; otherwise the
      // refused bytes came after a complete request: it is answered, then the connection closes.
      if (c) c.rq_client_error_total++;
      if (busy.req && !busy.req.complete && !busy.headersSent) {
        busy.shouldKeepAlive = false;
        sendError(busy, 400, 'SPILLWAY_BAD_REQUEST', { connection: 'close' }, `malformed request body (${code || err.message})`);
        return;
      }
      if (!busy.headersSent) busy.shouldKeepAlive = false;
      busy.once('finish', () => socket.end());
      return;
    }
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      if (c) c.rq_header_timeout_total++;
      answerAndClose(socket, 408, 'SPILLWAY_REQUEST_TIMEOUT', 'no complete request head in time');
      return;
    }
    if (c) c.rq_client_error_total++;
    if (code === 'HPE_HEADER_OVERFLOW') answerAndClose(socket, 431, 'SPILLWAY_HEADERS_TOO_LARGE', 'the request head is larger than the header limit');
    else answerAndClose(socket, 400, 'SPILLWAY_BAD_REQUEST', `malformed request (${code || err.message})`);
  }

  private readonly onCheckContinue = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    markExpectsContinue(req);
    this.onRequest(req, res);
  };

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      this.serveHttp(req, res);
    } catch (err) {
      this.requestFailed(req, res, err);
    }
  };

  /** An exception while handling a request: logged, counted, answered 500 (or the connection closed). */
  private requestFailed(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    this.failed(err, this.admissions.get(req.socket)?.vs.doc.name, 'request');
    try {
      res.shouldKeepAlive = false;
      sendError(res, 500, 'SPILLWAY_INTERNAL');
    } catch {
      res.destroy();
    }
  }

  private serveHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const a = this.admissions.get(req.socket);
    if (!a) {
      sendError(res, 503, 'SPILLWAY_NOT_ADMITTED');
      return;
    }
    const target = checkRequest(req.method ?? '', req.url ?? '', req.httpVersionMajor, req.httpVersionMinor, req.rawHeaders);
    if (target.kind === 'refuse') {
      a.vs.counters.rq_client_error_total++;
      res.shouldKeepAlive = false;
      sendError(res, 400, 'SPILLWAY_BAD_REQUEST', { connection: 'close' }, target.message);
      return;
    }
    if (target.kind === 'asterisk') {
      res.writeHead(200, { allow: 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS', 'content-length': 0 });
      res.end();
      return;
    }
    if (a.kind === 'redirect') {
      res.writeHead(302, { location: a.url, 'content-length': 0, connection: 'close' });
      res.end();
      return;
    }
    if (a.kind === 'drop' || this.draining) {
      res.shouldKeepAlive = false;
      sendError(res, 503, 'SPILLWAY_SPILLOVER_DROP', { 'retry-after': '1', connection: 'close' });
      return;
    }
    const v = a.vs;
    v.counters.rq_total++;
    const cookie = v.doc.persistence.type === 'cookie' ? readCookie(req.headers.cookie, v.cookieName) : undefined;
    const ip = req.socket.remoteAddress ?? '';
    const chosen = this.state.pick(v.doc.name, ip, cookie);
    if (chosen === 'wait') {
      this.serveHttpQueued(req, res, v, ip, cookie, target).catch((err: unknown) => this.requestFailed(req, res, err));
      return;
    }
    if (chosen === 'unavailable') {
      sendError(res, 503, 'SPILLWAY_NO_SERVICE_AVAILABLE', { 'retry-after': '1' });
      return;
    }
    this.forwardHttp(req, res, v, chosen, target);
  }

  private async serveHttpQueued(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    v: VServerRt,
    ip: string,
    cookie: string | undefined,
    target: ForwardTarget,
  ): Promise<void> {
    const chosen = await this.state.wait(v.doc.name, ip);
    if (chosen === 'timeout') {
      res.shouldKeepAlive = false;
      sendError(res, 503, 'SPILLWAY_SURGE_QUEUE_TIMEOUT', { 'retry-after': '1' });
      return;
    }
    if (chosen === 'unavailable') {
      sendError(res, 503, 'SPILLWAY_NO_SERVICE_AVAILABLE', { 'retry-after': '1' });
      return;
    }
    this.forwardHttp(req, res, v, chosen, target);
  }

  /** Proxies one request to `chosen` (its slot already taken); the slot is freed when the exchange ends. */
  private forwardHttp(req: http.IncomingMessage, res: http.ServerResponse, v: VServerRt, chosen: ServicePick, target: ForwardTarget): void {
    let pool: Pool;
    let headers: string[];
    try {
      const svc = this.services.get(chosen.service);
      if (!svc) throw new Error(`service ${chosen.service} is not configured`);
      let made = svc.pools.get(v.doc.timeoutMs);
      if (!made) {
        made = createServicePool(chosen.address, chosen.port, v.doc.timeoutMs);
        svc.pools.set(v.doc.timeoutMs, made);
      }
      pool = made;
      headers = upstreamHeaders(req, target.absolute && target.host !== null ? target.host : undefined);
    } catch (err) {
      // Nothing was sent: the slot taken for this request goes back before the error is answered.
      this.state.release(chosen);
      throw err;
    }
    chosen.counters.rq_total++;
    sendContinue(req, res);
    proxyHttp(req, res, pool, target.path, headers, v.counters, chosen.counters, chosen.setCookie, this.release, chosen);
  }
}

/** The client-side timeouts of a vserver's document on its HTTP server (requestTimeout off: a body may take its time). */
function setHttpTimeouts(server: http.Server, v: VServerDoc): void {
  server.headersTimeout = v.headersTimeoutMs;
  server.requestTimeout = 0;
  server.keepAliveTimeout = v.keepAliveTimeoutMs;
}

/** The value of cookie `name`, percent-decoded; undefined when absent or not valid percent-encoding (a client's bytes never throw). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
