// The service state as one engine sees it: per vserver its balancer and its replica of the
// agent's source-IP table; per service its UP/enabled state, this engine's share of the service's
// capacity and the connections in flight (its own, and the other engines' as the primary pushes
// them). The listeners (HTTP engine, TCP proxy) call only pick / wait / release.
//
// Everything here is agent-wide; service-state-primary.ts holds the authoritative half:
// - capacity: each service with a capacity is a pool of @spillway/core's QuotaPool at the primary
//   (the algorithm of the vserver limits); this engine holds a share in a QuotaWorker and takes a
//   use synchronously while its share lasts;
// - least connection: the balancer counts this engine's uses plus the other engines' counts,
//   pushed by the primary when they change;
// - surge queue: one per vserver at the primary. When this engine's shares are used up (or the
//   primary has waiters, who come first) wait() asks the primary, which lends a batch, has another
//   engine lend one of its uses, or queues the client; a use freed anywhere while clients wait
//   goes to the oldest waiter across engines;
// - source-IP persistence: the primary's table, replicated here (a lookup is local);
// - selection: manager (issue 16): a new client with no entry in that table is placed by the
//   control plane's service manager (asked through the primary, which caches the instruction in
//   the table, so every engine has it); a client with an entry costs no question.
// With workers: 0 the same code runs in one process (the messages are calls).
import { createBalancer, hasRoom, PersistenceTable, type Balancer, type Candidate } from '@spillway/core';
import type { AgentDocument, Reach, ServiceDoc, VServerDoc } from './config.js';
import { QuotaWorker, type QuotaMessageToEngine, type QuotaMessageToManager } from './quota-worker.js';
import type { Counters, ServiceCounters, VServerCounters } from './stats.js';

/**
 * A use of a service taken for one connection (TCP) or one request (HTTP): where to connect, the
 * service's counters, and for cookie persistence the Set-Cookie to send (when the client's cookie
 * does not name this service yet). Give it back with ServiceState.release, exactly once (a second
 * call does nothing).
 */
export interface ServicePick {
  service: string;
  address: string;
  port: number;
  counters: ServiceCounters;
  setCookie?: string;
  /** The service's proxyProtocol is v2: every upstream connection starts with a PROXY v2 header (proxy-header.ts). */
  proxyV2?: boolean;
}

/** Engine → primary. */
export type ServiceToPrimary =
  /** The service pools' quota conversation (QuotaWorker ↔ QuotaPrimary). */
  | { t: 's.q'; m: QuotaMessageToManager }
  /** No use here for a client of `vs`: find one elsewhere or queue it (answered by id). */
  | { t: 's.need'; vs: string; id: number; ip: string }
  /** A use of `service` this engine holds ended while clients wait: hand it to the oldest (it stays counted here). */
  | { t: 's.free'; service: string }
  /** A use of `service` lent by engine `lender` ended. */
  | { t: 's.unlend'; lender: number; service: string }
  /** The answer to s.lend `ticket`: true when a use was taken for the primary. */
  | { t: 's.lent'; ticket: number; ok: boolean }
  /** This engine's uses in flight of these services (only services some leastconn vserver balances). */
  | { t: 's.count'; counts: Record<string, number> }
  /** Source-IP persistence: `ip` was sent to `service` of `vs` (new, changed, or refreshed). */
  | { t: 's.stick'; vs: string; ip: string; service: string }
  /** selection: manager: a new client of `vs` with no entry; which service? (answered by id with s.selected). */
  | { t: 's.select'; vs: string; id: number; ip: string };

/** Primary → engine. */
export type ServiceToEngine =
  | { t: 's.q'; m: QuotaMessageToEngine }
  /** Request `id` waits in the vserver's surge queue. */
  | { t: 's.queued'; id: number }
  /**
   * Request `id` gets a use of `service`. `take`: this engine takes it now on its own share (after
   * adding `granted` lent uses); otherwise engine `lender` holds it already (null: this engine).
   */
  | { t: 's.admit'; id: number; service: string; lender: number | null; take: boolean; granted: number }
  | { t: 's.none'; id: number; reason: 'timeout' | 'full' | 'unavailable' }
  /** Take a use of `service` on this engine's share for another engine's client; answer with s.lent. */
  | { t: 's.lend'; service: string; ticket: number }
  /** A use of `service` this engine lent ended (or a lend answered too late): release it. */
  | { t: 's.unlend'; service: string }
  /** A use this engine freed with s.free found no waiter: release it here. */
  | { t: 's.back'; service: string }
  /** The other engines' uses in flight, per service. */
  | { t: 's.others'; counts: Record<string, number> }
  /** Whether clients wait in the surge queue of `vs` (new clients of it then queue behind them). */
  | { t: 's.waiting'; vs: string; on: boolean }
  /** availablecapacity: per service, its active connections on the other agents (the control plane's service-loads; absent: 0). */
  | { t: 's.remote'; loads: Record<string, number> }
  | { t: 's.stick'; vs: string; ip: string; service: string; timeoutMs: number }
  /** The answer to s.select `id`: the service the manager placed the client on (its s.stick came first); null: select locally. */
  | { t: 's.selected'; id: number; service: string | null };

export const isServiceToPrimary = (m: { t: string }): m is ServiceToPrimary => m.t.startsWith('s.');
export const isServiceToEngine = (m: { t: string }): m is ServiceToEngine => m.t.startsWith('s.');

/** The name of the cookie that carries a vserver's cookie persistence. */
export const cookieName = (vserver: string): string => `SPILLWAY_${vserver}`;

interface ServiceRt {
  doc: ServiceDoc;
  up: boolean;
  /** Uses this engine holds (its own clients' and those it lent). */
  own: number;
  /** The other engines' uses, as last pushed by the primary. */
  others: number;
  counters: ServiceCounters;
  /** Vservers bound to this service whose agent-wide surge queue has waiters. */
  waitedBy: number;
  /** Bound to a leastconn vserver: the primary needs this engine's count. */
  counted: boolean;
}

/** A pick as handed out: the service it holds a use of (null once released) and the engine whose share it is on (null: this one). */
interface HandedPick extends ServicePick {
  rt: ServiceRt | null;
  lender: number | null;
}

interface Sticky {
  service: string;
  /** When this engine last told the primary (Date.now()). */
  sentAt: number;
}

interface VServerRt {
  doc: VServerDoc;
  counters: VServerCounters;
  balancer: Balancer;
  stickiness: PersistenceTable<Sticky>;
  /** The bound services and their balancer candidates, index for index (refreshed in place per pick). */
  svcs: ServiceRt[];
  cands: Candidate[];
  cookieName: string;
  /** The primary's surge queue of this vserver has waiters. */
  waiting: boolean;
}

interface Pending {
  vs: string;
  ip: string;
  queued: boolean;
  /** Asked of the service manager (s.select), not the surge queue. */
  select?: boolean;
  resolve: (r: ServicePick | 'timeout' | 'unavailable') => void;
}

export class ServiceState {
  private readonly services = new Map<string, ServiceRt>();
  private readonly vservers = new Map<string, VServerRt>();
  private serviceUp: Record<string, boolean> = {};
  /** This engine's shares of the services' capacities. */
  private readonly shares: QuotaWorker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly dirty = new Set<ServiceRt>();
  /**
   * What the primary says about vservers and services, kept by name: a starting engine hears it
   * before its first configuration names them.
   */
  private readonly waitingVs = new Set<string>();
  private readonly othersOf = new Map<string, number>();
  /** availablecapacity: each service's active connections on the other agents. */
  private remoteOf = new Map<string, number>();
  private readonly tables = new Map<string, PersistenceTable<Sticky>>();
  private flushing = false;

  constructor(
    private readonly counters: Counters,
    private readonly send: (msg: ServiceToPrimary) => void,
  ) {
    this.shares = new QuotaWorker((m) => send({ t: 's.q', m }));
  }

  /**
   * Takes a change of the configuration (`doc` after it, `reach` what it reached): only the services
   * and vservers reached are rebuilt; uses in flight stay counted.
   */
  apply(doc: AgentDocument, reach: Reach): void {
    for (const name of reach.services) {
      const s = doc.services.get(name);
      const rt = this.services.get(name);
      if (!s) this.services.delete(name);
      else if (rt) rt.doc = s;
      else
        this.services.set(name, {
          doc: s,
          up: this.serviceUp[name] ?? s.monitors.length === 0,
          own: 0,
          others: this.othersOf.get(name) ?? 0,
          counters: this.counters.service(name),
          waitedBy: 0,
          counted: false,
        });
    }
    for (const name of reach.vservers) {
      const v = doc.vservers.get(name);
      const rt = this.vservers.get(name);
      if (rt) for (const s of rt.svcs) if (rt.waiting) s.waitedBy--;
      if (!v) {
        this.vservers.delete(name);
        this.tables.delete(name);
        continue;
      }
      if (rt) {
        if (rt.doc.lbMethod !== v.lbMethod) rt.balancer = createBalancer(v.lbMethod);
        rt.doc = v;
      } else {
        this.vservers.set(name, {
          doc: v,
          counters: this.counters.vserver(name),
          balancer: createBalancer(v.lbMethod),
          stickiness: this.table(name),
          svcs: [],
          cands: [],
          cookieName: cookieName(name),
          waiting: this.waitingVs.has(name),
        });
      }
      const x = this.vservers.get(name)!;
      x.svcs = [];
      x.cands = [];
      for (const b of x.doc.services) {
        const s = this.services.get(b.service);
        if (!s) continue;
        x.svcs.push(s);
        if (x.waiting) s.waitedBy++;
        x.cands.push({ name: s.doc.name, weight: b.weight ?? s.doc.weight, active: 0, capacity: 0, available: false });
        // leastconn and availablecapacity weigh the agent-wide count: the primary needs this engine's.
        if ((x.doc.lbMethod === 'leastconn' || x.doc.lbMethod === 'availablecapacity') && !s.counted) {
          s.counted = true;
          this.changed(s);
        }
      }
    }
  }

  /** Monitor states (UP true). The primary hands the room of a service coming UP to its queues. */
  setStates(up: Record<string, boolean>): void {
    Object.assign(this.serviceUp, up);
    for (const [name, isUp] of Object.entries(up)) {
      const s = this.services.get(name);
      if (s) s.up = isUp;
    }
  }

  /** The document of a configured service. */
  readonly serviceDoc = (name: string): ServiceDoc | undefined => this.services.get(name)?.doc;
  /** True when the service's monitors say UP (false for an unknown service). */
  readonly isUp = (name: string): boolean => this.services.get(name)?.up ?? false;

  /** Clients of this engine waiting in the surge queue of each vserver that has any (summed over engines: the agent's queue). */
  queueSizes(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.pending.values()) if (p.queued) out.set(p.vs, (out.get(p.vs) ?? 0) + 1);
    return out;
  }

  /** Ends every wait of this engine (shutdown): the waiters get 'timeout'. */
  closeQueues(): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.resolve('timeout');
  }

  /**
   * Chooses a service of `vserver` now (persistence first, then the balancer) and takes a use of
   * it on this engine's share; 'wait' when no share here has room or clients already wait (call
   * wait: the primary finds a use elsewhere or queues the client), 'unavailable' when no service is
   * UP and enabled.
   */
  pick(vserver: string, ip: string, cookie: string | undefined): ServicePick | 'wait' | 'unavailable' {
    const v = this.vservers.get(vserver);
    if (!v) return 'unavailable';
    if (v.waiting) return this.anyUp(v) ? 'wait' : 'unavailable';
    if (this.asksManager(v, ip, cookie)) return 'wait';
    return this.pickHere(v, ip, cookie);
  }

  /** Persistence first (the cookie, the agent-wide table), then this engine's balancer. */
  private pickHere(v: VServerRt, ip: string, cookie: string | undefined): ServicePick | 'wait' | 'unavailable' {
    const type = v.doc.persistence.type;
    // selection: manager keeps every client's service in the agent-wide table (the manager's instructions, and its own picks).
    const keyed = type === 'sourceip' || v.doc.selection === 'manager';
    let name: string | null = null;
    let sticky: Sticky | undefined;
    if (type === 'cookie' && cookie !== undefined && this.available(v, cookie)) name = cookie;
    else if (keyed) {
      sticky = v.stickiness.get(ip);
      if (sticky && this.available(v, sticky.service)) name = sticky.service;
    }
    if (name === null) name = v.balancer.pick(this.candidates(v), ip);
    const s = name === null ? undefined : this.services.get(name);
    if (!s) return this.anyUp(v) ? 'wait' : 'unavailable';
    if (!this.tryTake(s)) return 'wait';
    if (keyed) this.stick(v, ip, s.doc.name, sticky);
    return this.handOut(v, s, cookie, null);
  }

  /**
   * selection: manager, and this client has no service to go to here: no cookie naming one (HTTP
   * cookie persistence) and no entry in the agent-wide table whose service is UP (a hit costs no
   * question). Nothing is asked when no service is UP.
   */
  private asksManager(v: VServerRt, ip: string, cookie: string | undefined): boolean {
    if (v.doc.selection !== 'manager') return false;
    if (v.doc.persistence.type === 'cookie' && cookie !== undefined && this.available(v, cookie)) return false;
    const sticky = v.stickiness.get(ip);
    if (sticky && this.isUp(sticky.service) && this.services.get(sticky.service)?.doc.state === 'enabled') return false;
    return this.anyUp(v);
  }

  /** A use of the named `service` of `vserver` (UP, enabled, with room on this engine's share), or null: a migration's named target. */
  take(vserver: string, service: string): ServicePick | null {
    const v = this.vservers.get(vserver);
    const s = this.services.get(service);
    if (!v || !s || !this.available(v, service) || !this.tryTake(s)) return null;
    return this.handOut(v, s, undefined, null);
  }

  /** Asks the primary for a use of `vserver` (lent from elsewhere, or through its surge queue). */
  wait(vserver: string, ip: string): Promise<ServicePick | 'timeout' | 'unavailable'> {
    const v = this.vservers.get(vserver);
    if (!v) return Promise.resolve('unavailable');
    // Clients already waiting in the surge queue come first (a new one queues behind them, placed by the primary).
    if (!v.waiting && this.asksManager(v, ip, undefined))
      return new Promise((resolve) => {
        const id = this.nextId++;
        this.pending.set(id, { vs: vserver, ip, queued: false, select: true, resolve });
        this.send({ t: 's.select', vs: vserver, id, ip });
      });
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { vs: vserver, ip, queued: false, resolve });
      this.send({ t: 's.need', vs: vserver, id, ip });
    });
  }

  /** Gives a use back (the connection or request ended, or was never forwarded); a second call does nothing. */
  release(pick: ServicePick): void {
    const handed = pick as HandedPick;
    const s = handed.rt;
    if (!s) return;
    handed.rt = null;
    s.counters.cx_active--;
    if (handed.lender !== null) this.send({ t: 's.unlend', lender: handed.lender, service: s.doc.name });
    else this.endUse(s, false);
  }

  onMessage(msg: ServiceToEngine): void {
    switch (msg.t) {
      case 's.q':
        this.shares.onMessage(msg.m);
        return;
      case 's.queued': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        p.queued = true;
        this.counters.vserver(p.vs).surge_queue_total++;
        return;
      }
      case 's.admit':
        this.admitted(msg);
        return;
      case 's.selected':
        this.selected(msg.id, msg.service);
        return;
      case 's.none': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        const c = this.counters.vserver(p.vs);
        if (msg.reason === 'timeout') c.surge_queue_timeouts_total++;
        if (msg.reason === 'full') c.surge_queue_overflow_total++;
        p.resolve(msg.reason === 'unavailable' ? 'unavailable' : 'timeout');
        return;
      }
      case 's.lend': {
        const s = this.services.get(msg.service);
        const ok = s !== undefined && this.tryTake(s);
        this.send({ t: 's.lent', ticket: msg.ticket, ok });
        return;
      }
      case 's.unlend':
      case 's.back': {
        const s = this.services.get(msg.service);
        if (s) this.endUse(s, msg.t === 's.back');
        return;
      }
      case 's.remote':
        this.remoteOf = new Map(Object.entries(msg.loads));
        return;
      case 's.others':
        for (const [name, n] of Object.entries(msg.counts)) {
          this.othersOf.set(name, n);
          const s = this.services.get(name);
          if (s) s.others = n;
        }
        return;
      case 's.waiting': {
        if (msg.on) this.waitingVs.add(msg.vs);
        else this.waitingVs.delete(msg.vs);
        const v = this.vservers.get(msg.vs);
        if (v) v.waiting = msg.on;
        this.countWaiters();
        return;
      }
      case 's.stick': {
        const t = this.table(msg.vs);
        const e = t.get(msg.ip);
        if (e && e.service === msg.service) t.set(msg.ip, e, msg.timeoutMs);
        else t.set(msg.ip, { service: msg.service, sentAt: 0 }, msg.timeoutMs);
        return;
      }
    }
  }

  /**
   * The manager's service for a waiting client (its entry reached this engine's table first), or
   * null: placed here as without the manager (the entry it then gets is told to the primary).
   */
  private selected(id: number, service: string | null): void {
    const p = this.pending.get(id);
    if (!p?.select) return;
    this.pending.delete(id);
    const v = this.vservers.get(p.vs);
    if (!v) {
      p.resolve('unavailable');
      return;
    }
    const s = service === null ? undefined : this.services.get(service);
    if (s && this.available(v, s.doc.name) && this.tryTake(s)) {
      p.resolve(this.handOut(v, s, undefined, null));
      return;
    }
    // The manager's service has no room on this engine's share: the primary finds one elsewhere (its table has the entry).
    const here = s && s.up && s.doc.state === 'enabled' ? 'wait' : this.pickHere(v, p.ip, undefined);
    if (here !== 'wait') {
      p.resolve(here);
      return;
    }
    const next = this.nextId++;
    this.pending.set(next, { vs: p.vs, ip: p.ip, queued: false, resolve: p.resolve });
    this.send({ t: 's.need', vs: p.vs, id: next, ip: p.ip });
  }

  private admitted(msg: Extract<ServiceToEngine, { t: 's.admit' }>): void {
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    const s = this.services.get(msg.service);
    const v = p ? this.vservers.get(p.vs) : undefined;
    if (msg.take) {
      this.shares.grant(msg.service, msg.granted);
      if (!p || !v || !s) return; // the lent uses stay in this engine's share (they go back as its uses end)
      if (!this.tryTake(s)) {
        p.resolve('unavailable');
        return;
      }
    } else if (!p || !v || !s) {
      // Nobody waits for this use any more (the engine is draining): it goes back where it is held.
      if (msg.lender !== null) this.send({ t: 's.unlend', lender: msg.lender, service: msg.service });
      else if (s) this.endUse(s, false);
      return;
    }
    if (v.doc.persistence.type === 'sourceip' || v.doc.selection === 'manager') this.stick(v, p.ip, s.doc.name, v.stickiness.get(p.ip));
    p.resolve(this.handOut(v, s, undefined, msg.lender));
  }

  /** A use of `s` held on this engine's share ends: handed to the primary's waiters when there are some, else released. */
  private endUse(s: ServiceRt, back: boolean): void {
    if (!back && s.waitedBy > 0) {
      this.send({ t: 's.free', service: s.doc.name });
      return;
    }
    if (s.own > 0) s.own--;
    if (s.doc.capacity > 0) this.shares.release(s.doc.name);
    this.changed(s);
  }

  /**
   * Takes a use of `s` on this engine's share: always for a service without a capacity; never
   * before the primary sent this engine its share of the pool.
   */
  private tryTake(s: ServiceRt): boolean {
    if (s.doc.capacity > 0 && !(this.shares.limited(s.doc.name) && this.shares.tryAcquire(s.doc.name))) return false;
    s.own++;
    this.changed(s);
    return true;
  }

  /** Room on this engine's share of `s`. */
  private hasShare(s: ServiceRt): boolean {
    return s.doc.capacity <= 0 || (this.shares.limited(s.doc.name) && this.shares.free(s.doc.name) > 0);
  }

  /** Counts of the services balanced by least connection go to the primary, once per turn of the event loop. */
  private changed(s: ServiceRt): void {
    if (!s.counted) return;
    this.dirty.add(s);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const counts: Record<string, number> = {};
      for (const d of this.dirty) counts[d.doc.name] = d.own;
      this.dirty.clear();
      this.send({ t: 's.count', counts });
    });
  }

  /** Records where `ip` went; the primary hears of a new or changed entry, and of a refresh once per quarter of the timeout. */
  private stick(v: VServerRt, ip: string, service: string, prev: Sticky | undefined): void {
    const timeoutMs = v.doc.persistence.timeoutSeconds * 1000;
    const now = Date.now();
    if (prev?.service === service) {
      v.stickiness.set(ip, prev, timeoutMs);
      if (now - prev.sentAt < timeoutMs / 4) return;
      prev.sentAt = now;
    } else v.stickiness.set(ip, { service, sentAt: now }, timeoutMs);
    this.send({ t: 's.stick', vs: v.doc.name, ip, service });
  }

  /** The replica of the source-IP table of vserver `name`. */
  private table(name: string): PersistenceTable<Sticky> {
    let t = this.tables.get(name);
    if (!t) {
      t = new PersistenceTable();
      this.tables.set(name, t);
    }
    return t;
  }

  private countWaiters(): void {
    for (const s of this.services.values()) s.waitedBy = 0;
    for (const v of this.vservers.values()) if (v.waiting) for (const s of v.svcs) s.waitedBy++;
  }

  /** A pick of `s` for `v`: counted as an active connection of the service from now until release. */
  private handOut(v: VServerRt, s: ServiceRt, cookie: string | undefined, lender: number | null): HandedPick {
    s.counters.cx_active++;
    s.counters.cx_total++;
    const p = v.doc.persistence;
    const handed: HandedPick = { service: s.doc.name, address: s.doc.address, port: s.doc.port, counters: s.counters, rt: s, lender };
    if (s.doc.proxyProtocol === 'v2') handed.proxyV2 = true;
    if (p.type === 'cookie' && cookie !== s.doc.name)
      handed.setCookie = `${v.cookieName}=${encodeURIComponent(s.doc.name)}; Path=/; HttpOnly${p.timeoutSeconds > 0 ? `; Max-Age=${p.timeoutSeconds}` : ''}`;
    return handed;
  }

  private anyUp(v: VServerRt): boolean {
    for (const s of v.svcs) if (s.up && s.doc.state === 'enabled') return true;
    return false;
  }

  /**
   * The balancer candidates of `v`, refreshed in place (no allocation): available when UP, enabled
   * and this engine's share has room; active counts every engine's uses.
   */
  private candidates(v: VServerRt): Candidate[] {
    const cands = v.cands;
    for (let i = 0; i < cands.length; i++) {
      const c = cands[i]!;
      const s = v.svcs[i]!;
      c.active = s.own + s.others;
      c.capacity = 0;
      // availablecapacity: room = the service's (effective) capacity - the other agents' load - this
      // agent's; picked by that room whatever this engine's share (without one it asks the primary).
      c.serviceCapacity = s.doc.capacity;
      c.remoteActive = this.remoteOf.get(s.doc.name) ?? 0;
      c.available = s.up && s.doc.state === 'enabled' && (v.doc.lbMethod === 'availablecapacity' || this.hasShare(s));
    }
    return cands;
  }

  /** `name` is bound to `v`, UP, enabled and has room on this engine's share. */
  private available(v: VServerRt, name: string): boolean {
    for (const c of this.candidates(v)) if (c.name === name) return hasRoom(c);
    return false;
  }
}
