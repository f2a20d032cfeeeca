// The service state of one engine: per vserver its balancer, surge queue and source-IP
// persistence; per service its UP/enabled state, capacity and connections in flight. The
// listeners (HTTP engine, TCP proxy) call only pick / wait / release.
import { createBalancer, hasRoom, PersistenceTable, type Balancer, type Candidate } from '@spillway/core';
import type { AgentConfig, ServiceDoc, VServerDoc } from './config.js';
import type { Counters, ServiceCounters, VServerCounters } from './stats.js';
import { SurgeQueue } from './surge-queue.js';

/**
 * A slot of a service taken for one connection (TCP) or one request (HTTP): where to connect, the
 * service's counters, and for cookie persistence the Set-Cookie to send (when the client's cookie
 * does not name this service yet). Give it back with ServiceState.release, exactly once.
 */
export interface ServicePick {
  service: string;
  address: string;
  port: number;
  counters: ServiceCounters;
  setCookie?: string;
}

interface ServiceRt {
  doc: ServiceDoc;
  up: boolean;
  active: number;
  counters: ServiceCounters;
}

/** A pick as handed out: the service it holds a slot of (null once released). */
interface Slot extends ServicePick {
  rt: ServiceRt | null;
}

interface VServerRt {
  doc: VServerDoc;
  counters: VServerCounters;
  balancer: Balancer;
  queue: SurgeQueue;
  stickiness: PersistenceTable;
  /** The bound services and their balancer candidates, index for index (refreshed in place per pick). */
  svcs: ServiceRt[];
  cands: Candidate[];
  cookieName: string;
}

/** The name of the cookie that carries a vserver's cookie persistence. */
export const cookieName = (vserver: string): string => `SPILLWAY_${vserver}`;

export class ServiceState {
  private readonly services = new Map<string, ServiceRt>();
  private readonly vservers = new Map<string, VServerRt>();
  private serviceUp: Record<string, boolean> = {};
  /** Clients waiting in any surge queue (a freed slot looks for waiters only when there are some). */
  private queued = 0;

  constructor(private readonly counters: Counters) {}

  /** Takes the services and vservers of a configuration; slots in flight stay counted. */
  apply(config: AgentConfig): void {
    for (const s of config.services) {
      const rt = this.services.get(s.name);
      if (rt) rt.doc = s;
      else this.services.set(s.name, { doc: s, up: this.serviceUp[s.name] ?? s.monitors.length === 0, active: 0, counters: this.counters.service(s.name) });
    }
    for (const name of [...this.services.keys()]) if (!config.services.some((s) => s.name === name)) this.services.delete(name);
    for (const v of config.vservers) {
      const rt = this.vservers.get(v.name);
      if (rt) {
        if (rt.doc.lbMethod !== v.lbMethod) rt.balancer = createBalancer(v.lbMethod);
        rt.doc = v;
        rt.queue.length = v.surgeQueue.length;
        rt.queue.timeoutMs = v.surgeQueue.timeoutMs;
      } else {
        this.vservers.set(v.name, {
          doc: v,
          counters: this.counters.vserver(v.name),
          balancer: createBalancer(v.lbMethod),
          queue: new SurgeQueue(v.surgeQueue.length, v.surgeQueue.timeoutMs),
          stickiness: new PersistenceTable(),
          svcs: [],
          cands: [],
          cookieName: cookieName(v.name),
        });
      }
    }
    for (const [name, rt] of [...this.vservers]) {
      if (!config.vservers.some((v) => v.name === name)) {
        this.vservers.delete(name);
        rt.queue.closeAll();
      }
    }
    for (const v of this.vservers.values()) {
      v.svcs = [];
      v.cands = [];
      for (const b of v.doc.services) {
        const s = this.services.get(b.service);
        if (!s) continue;
        v.svcs.push(s);
        v.cands.push({ name: s.doc.name, weight: b.weight ?? s.doc.weight, active: 0, capacity: 0, available: false });
      }
    }
  }

  /** Monitor states (UP true); a service coming UP hands its room to the surge queues. */
  setStates(up: Record<string, boolean>): void {
    this.serviceUp = { ...this.serviceUp, ...up };
    for (const [name, isUp] of Object.entries(up)) {
      const s = this.services.get(name);
      if (s) {
        s.up = isUp;
        if (isUp) this.wakeQueues(name);
      }
    }
  }

  /** The document of a configured service. */
  readonly serviceDoc = (name: string): ServiceDoc | undefined => this.services.get(name)?.doc;
  /** True when the service's monitors say UP (false for an unknown service). */
  readonly isUp = (name: string): boolean => this.services.get(name)?.up ?? false;

  /** Clients waiting in the surge queue of each vserver. */
  queueSizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, v] of this.vservers) out[name] = v.queue.size;
    return out;
  }

  /** Ends every wait (shutdown): the waiters get 'timeout'. */
  closeQueues(): void {
    for (const v of this.vservers.values()) v.queue.closeAll();
  }

  /**
   * Chooses a service of `vserver` now (persistence first, then the balancer) and takes a slot of
   * it; 'wait' when every service is at capacity and the surge queue may take the client (call
   * wait), 'unavailable' when none can serve.
   */
  pick(vserver: string, ip: string, cookie: string | undefined): ServicePick | 'wait' | 'unavailable' {
    const v = this.vservers.get(vserver);
    if (!v) return 'unavailable';
    let name: string | null = null;
    const type = v.doc.persistence.type;
    if (v.queue.size === 0) {
      const persisted = type === 'sourceip' ? v.stickiness.get(ip) : type === 'cookie' ? cookie : undefined;
      if (persisted !== undefined && this.available(v, persisted)) name = persisted;
      if (name === null) name = v.balancer.pick(this.candidates(v));
    }
    if (name === null) return !this.candidates(v).some((c) => c.available) || v.queue.length === 0 ? 'unavailable' : 'wait';
    const s = this.services.get(name);
    if (!s) return 'unavailable';
    if (type === 'sourceip') v.stickiness.set(ip, name, v.doc.persistence.timeoutSeconds * 1000);
    s.active++;
    return this.slot(v, s, cookie);
  }

  /** Waits in the surge queue of `vserver` for a slot (taken when it resolves with a pick). */
  async wait(vserver: string, ip: string): Promise<ServicePick | 'timeout' | 'unavailable'> {
    const v = this.vservers.get(vserver);
    if (!v) return 'unavailable';
    if (v.queue.size < v.queue.length) v.counters.surge_queue_total++;
    this.queued++;
    const outcome = await v.queue.wait().finally(() => {
      this.queued--;
    });
    if (outcome.kind === 'timeout') v.counters.surge_queue_timeouts_total++;
    if (outcome.kind === 'full') v.counters.surge_queue_overflow_total++;
    if (outcome.kind !== 'admitted') return 'timeout';
    const s = this.services.get(outcome.service);
    if (!s) return 'unavailable';
    if (v.doc.persistence.type === 'sourceip') v.stickiness.set(ip, s.doc.name, v.doc.persistence.timeoutSeconds * 1000);
    return this.slot(v, s, undefined); // its slot was reserved by wakeQueues
  }

  /** Gives a slot back (the connection or request ended, or was never forwarded); a second call does nothing. */
  release(pick: ServicePick): void {
    const slot = pick as Slot;
    const s = slot.rt;
    if (!s) return;
    slot.rt = null;
    s.active--;
    s.counters.cx_active--;
    this.wakeQueues(s.doc.name);
  }

  /** A pick of `s` for `v`: counted as an active connection of the service from now until release. */
  private slot(v: VServerRt, s: ServiceRt, cookie: string | undefined): Slot {
    s.counters.cx_active++;
    s.counters.cx_total++;
    const p = v.doc.persistence;
    const slot: Slot = { service: s.doc.name, address: s.doc.address, port: s.doc.port, counters: s.counters, rt: s };
    if (p.type === 'cookie' && cookie !== s.doc.name)
      slot.setCookie = `${v.cookieName}=${encodeURIComponent(s.doc.name)}; Path=/; HttpOnly${p.timeoutSeconds > 0 ? `; Max-Age=${p.timeoutSeconds}` : ''}`;
    return slot;
  }

  /** The balancer candidates of `v`, refreshed in place from the live services (no allocation). */
  private candidates(v: VServerRt): Candidate[] {
    const cands = v.cands;
    for (let i = 0; i < cands.length; i++) {
      const c = cands[i]!;
      const s = v.svcs[i]!;
      c.active = s.active;
      c.capacity = s.doc.capacity;
      c.available = s.up && s.doc.state === 'enabled';
    }
    return cands;
  }

  /** `name` is bound to `v`, UP, enabled and below its capacity. */
  private available(v: VServerRt, name: string): boolean {
    for (const c of this.candidates(v)) if (c.name === name) return hasRoom(c);
    return false;
  }

  /** A slot of `service` freed: hand slots to the oldest waiters of the vservers bound to it. */
  private wakeQueues(service: string): void {
    if (this.queued === 0) return;
    for (const v of this.vservers.values()) {
      if (v.queue.size === 0 || !v.doc.services.some((b) => b.service === service)) continue;
      while (v.queue.size > 0) {
        const pick = v.balancer.pick(this.candidates(v));
        if (pick === null) break;
        const s = this.services.get(pick);
        if (!s) break;
        s.active++;
        if (!v.queue.wake(pick)) {
          s.active--;
          break;
        }
      }
    }
  }
}
