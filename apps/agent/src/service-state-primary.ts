// The agent-wide half of the service state (service-state.ts is the engines' half), run by the
// primary:
// - one pool per service with a capacity, managed by QuotaPrimary over @spillway/core's QuotaPool
//   (the algorithm of the vserver limits): the engines hold shares and take uses without asking.
//   Under a control plane the pool's limit is this agent's allowance of the capacity (the control
//   plane is the pool manager of the service across agents: setAllowance), never above the
//   capacity; when the whole allowance is in use a client waits while more is asked of the control
//   plane (capacityUpstream, as the vserver quota's connections wait for a grant), then is served
//   or queued as without it;
// - one surge queue per vserver: a client an engine has no use for comes here (s.need). It gets
//   a batch lent from the pool, a use another engine lends (s.lend), or waits; waiters are served
//   strictly in arrival order, across engines: while a vserver has waiters every engine sends its
//   new clients here (s.waiting) and hands every use that ends on a bound service to the oldest
//   waiter (s.free) instead of releasing it;
// - the agent-wide use counts for least connection (each engine's pushed to the others);
// - the source-IP table, authoritative here and replicated to every engine;
// - selection: manager (issue 16): an engine's new client with no entry is asked of the control
//   plane's service manager here (one question per client at a time, whatever the engines), within
//   the selection budget; the instruction goes into the table (so every engine has it), and a
//   manager unreachable, slower than the budget or without a service leaves the client to the
//   engine's own balancer (counted). A late answer still replaces the entry for the next connections.
import { performance } from 'node:perf_hooks';
import { createBalancer, hasRoom, type Balancer, type Candidate } from '@spillway/core';
import { DEFAULTS } from '@spillway/protocol';
import type { AgentDocument, Reach, VServerDoc } from './config.js';
import { QuotaPrimary, type QuotaUpstream } from './quota-primary.js';
import type { ServiceToEngine, ServiceToPrimary } from './service-state.js';

interface Waiter {
  engine: number;
  id: number;
  vs: string;
  ip: string;
  seq: number;
  timer: NodeJS.Timeout | null;
  /** queued: in its vserver's queue; lending: a lend for it is asked; asking: more capacity is asked of the control plane; done: answered. */
  state: 'fresh' | 'queued' | 'lending' | 'asking' | 'done';
  /** Lends asked for it that the lender refused (it had no room after all): at most LEND_TRIES, then it queues. */
  refused: number;
}

/**
 * Lends refused for one waiter before it stops looking again and queues (or, without a surge
 * queue, is answered with no service). Each look is one round trip to a lender, and each refusal
 * brings a newer room report first, so a few suffice; the bound only stops a livelock.
 */
const LEND_TRIES = 4;

interface VServerP {
  doc: VServerDoc;
  balancer: Balancer;
  cands: Candidate[];
  queue: Waiter[];
  /** Source-IP table: ip → service and expiry (Date.now()). */
  sticky: Map<string, { service: string; expiresAt: number }>;
}

interface Lend {
  waiter: Waiter;
  lender: number;
  service: string;
}

/** The service manager as the primary asks it (the control client): null when it cannot ask (no channel). */
export interface SelectionUpstream {
  select(vserver: string, key: string): Promise<{ service: string | null; ttlMs: number } | null>;
  /** A client of a selection: manager vserver keeps going to `service` (a hit, or placed here): the manager keeps it. */
  touch(vserver: string, key: string, service: string): void;
}

/** Counters of a selection: manager vserver (the agent's /stats, the report to the control plane). */
export interface SelectionCounters {
  /** New clients the manager placed. */
  manager_total: number;
  /** New clients placed by this agent's balancer: the manager unreachable, slower than the budget, or without a service. */
  local_fallback_total: number;
  local_unreachable_total: number;
  local_budget_total: number;
  local_none_total: number;
  /** The manager's round trip (ms), over the last answers (null before one). */
  rtt_p50_ms: number | null;
  rtt_p99_ms: number | null;
}

/** Round trips kept per vserver for the quantiles. */
const RTT_SAMPLES = 1024;

interface SelectionState {
  counters: Omit<SelectionCounters, 'rtt_p50_ms' | 'rtt_p99_ms'>;
  rtt: number[];
  next: number;
}

/** The q-quantile (0..1) of `xs` (nearest rank), null when empty. */
function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]! * 1000) / 1000;
}

export interface ServiceStateView {
  /** Per vserver: clients in its surge queue. */
  queues: Record<string, number>;
  /** Per service: uses in flight across engines (as the engines last counted them, leastconn only). */
  counts: Record<string, number>;
}

export class ServiceStatePrimary {
  /** One pool per service with a capacity (keyed by service name). */
  readonly pools: QuotaPrimary;
  private readonly vservers = new Map<string, VServerP>();
  private capacity = new Map<string, number>();
  private enabled = new Map<string, boolean>();
  /** availablecapacity: the other agents' active connections per service, as the control plane last sent them. */
  private remoteLoads: Record<string, number> = {};
  private up: Record<string, boolean> = {};
  private engines: number[] = [];
  private readonly counts = new Map<number, Map<string, number>>();
  private readonly dirtyCounts = new Set<string>();
  private countsScheduled = false;
  private readonly lends = new Map<number, Lend>();
  /** Uses lent between engines and in use: `borrower|lender|service` → count (given back if the borrower goes). */
  private readonly lentUses = new Map<string, number>();
  private seq = 0;
  private ticket = 0;
  /** The control plane's allowance of each service's capacity (absent: the whole capacity, standalone). */
  private readonly allowances = new Map<string, number>();
  /** Who to ask for more of a service's capacity when this agent's allowance is all in use (the control client); null: standalone. */
  capacityUpstream: QuotaUpstream | null = null;
  /** Clients waiting for an answer of capacityUpstream, per service. */
  private readonly asking = new Map<string, Waiter[]>();
  /** The service manager (selection: manager vservers); null: every client is placed here. */
  upstream: SelectionUpstream | null = null;
  /** How long a new client waits for the manager (the agent section's selectionBudgetMs). */
  budgetMs: number = DEFAULTS.agent.selectionBudgetMs;
  /** Clients asked of the manager: `vs\0ip` → the engines' requests waiting for the answer. */
  private readonly selecting = new Map<string, Array<{ engine: number; id: number }>>();
  private readonly selections = new Map<string, SelectionState>();

  constructor(private readonly send: (engine: number, msg: ServiceToEngine) => void) {
    this.pools = new QuotaPrimary((e, m) => send(e, { t: 's.q', m }));
  }

  /**
   * This agent's allowance of a service's capacity, from the control plane (null: none, the whole
   * capacity): the agent's pool of the service shares min(capacity, allowance) among the workers.
   */
  setAllowance(service: string, limit: number | null): void {
    if (limit === null) this.allowances.delete(service);
    else this.allowances.set(service, limit);
    const c = this.capacity.get(service);
    if (c === undefined) return;
    this.pools.setLimit(service, this.limitOf(service, c));
    this.drainService(service);
  }

  /** The control plane's allowance of each service's capacity (the agent's /stats: capacity_allowance). */
  allowanceEntries(): IterableIterator<[string, number]> {
    return this.allowances.entries();
  }

  private limitOf(service: string, capacity: number): number {
    const a = this.allowances.get(service);
    return a === undefined ? capacity : Math.min(capacity, a);
  }

  /** availablecapacity: per service, its active connections on the other agents (the control plane's service-loads), to every engine. */
  setRemoteLoads(loads: Record<string, number>): void {
    this.remoteLoads = loads;
    for (const e of this.engines) this.send(e, { t: 's.remote', loads });
  }

  /** Engines sharing the pools (see QuotaPrimary.setEngines); newcomers get the queues' flags, counts and the source-IP table. */
  setEngines(serving: number[], starting: number[] = []): void {
    const all = [...serving, ...starting];
    const added = all.filter((e) => !this.engines.includes(e));
    const gone = this.engines.filter((e) => !all.includes(e));
    this.engines = all;
    this.pools.setEngines(serving, starting);
    for (const e of gone) this.engineGone(e);
    for (const e of added) {
      for (const v of this.vservers.values()) {
        if (v.queue.length > 0) this.send(e, { t: 's.waiting', vs: v.doc.name, on: true });
        const timeoutMs = v.doc.persistence.timeoutSeconds * 1000;
        const now = Date.now();
        for (const [ip, x] of v.sticky)
          if (x.expiresAt > now) this.send(e, { t: 's.stick', vs: v.doc.name, ip, service: x.service, timeoutMs: Math.min(timeoutMs, x.expiresAt - now) });
      }
      const others = this.othersOf(e, null);
      if (Object.keys(others).length > 0) this.send(e, { t: 's.others', counts: others });
      if (Object.keys(this.remoteLoads).length > 0) this.send(e, { t: 's.remote', loads: this.remoteLoads });
    }
    if (gone.length > 0) this.drainAll();
  }

  /**
   * A change of the configuration (`doc` after it, `reach` what it reached) and monitor states
   * (`states`: at least those of the services reached): pools follow the capacities of the
   * services reached; queues and candidates follow the vservers reached.
   */
  apply(doc: AgentDocument, reach: Reach, states: Record<string, boolean>): void {
    Object.assign(this.up, states);
    for (const name of reach.services) {
      const s = doc.services.get(name);
      if (!s) {
        this.enabled.delete(name);
        if (this.capacity.delete(name)) this.pools.setLimit(name, null);
        continue;
      }
      this.enabled.set(name, s.state === 'enabled');
      if (this.up[name] === undefined) this.up[name] = s.monitors.length === 0;
      if (s.capacity > 0) {
        this.capacity.set(name, s.capacity);
        this.pools.setLimit(name, this.limitOf(name, s.capacity));
      } else if (this.capacity.delete(name)) this.pools.setLimit(name, null);
    }
    for (const name of reach.vservers) {
      const v = doc.vservers.get(name);
      const rt = this.vservers.get(name);
      if (!v) {
        if (!rt) continue;
        this.vservers.delete(name);
        for (const w of rt.queue.splice(0)) this.answer(w, { t: 's.none', id: w.id, reason: 'unavailable' });
        continue;
      }
      const x = rt ?? { doc: v, balancer: createBalancer(v.lbMethod), cands: [], queue: [], sticky: new Map() };
      if (rt && rt.doc.lbMethod !== v.lbMethod) x.balancer = createBalancer(v.lbMethod);
      x.doc = v;
      this.vservers.set(name, x);
      x.cands = v.services
        .filter((b) => doc.services.has(b.service))
        .map((b) => ({
          name: b.service,
          weight: b.weight ?? doc.services.get(b.service)!.weight,
          active: 0,
          capacity: 0,
          available: false,
        }));
    }
    this.drainAll();
  }

  onMessage(engine: number, msg: ServiceToPrimary): void {
    switch (msg.t) {
      case 's.q':
        this.pools.onMessage(engine, msg.m);
        // Returned uses and room reports may let a waiter in.
        this.drainService(msg.m.vs);
        return;
      case 's.need':
        this.need(engine, msg.vs, msg.id, msg.ip);
        return;
      case 's.free':
        this.free(engine, msg.service);
        return;
      case 's.unlend':
        this.countLent(engine, msg.lender, msg.service, -1);
        if (this.engines.includes(msg.lender)) this.send(msg.lender, { t: 's.unlend', service: msg.service });
        return;
      case 's.lent':
        this.lent(msg.ticket, msg.ok);
        return;
      case 's.count': {
        let m = this.counts.get(engine);
        if (!m) {
          m = new Map();
          this.counts.set(engine, m);
        }
        for (const [name, n] of Object.entries(msg.counts)) {
          m.set(name, n);
          this.dirtyCounts.add(name);
        }
        this.pushCounts();
        return;
      }
      case 's.stick': {
        const v = this.vservers.get(msg.vs);
        if (!v) return;
        const timeoutMs = v.doc.persistence.timeoutSeconds * 1000;
        this.remember(v, msg.ip, msg.service, timeoutMs);
        // The manager keeps the clients the agent keeps using (and learns those placed here).
        if (v.doc.selection === 'manager') this.upstream?.touch(msg.vs, msg.ip, msg.service);
        return;
      }
      case 's.select':
        this.select(engine, msg.vs, msg.id, msg.ip);
        return;
    }
  }

  /** The counters of each selection: manager vserver. */
  selectionView(): Record<string, SelectionCounters> {
    const out: Record<string, SelectionCounters> = {};
    for (const [name, v] of this.vservers) {
      if (v.doc.selection !== 'manager') continue;
      const s = this.selection(name);
      out[name] = { ...s.counters, rtt_p50_ms: quantile(s.rtt, 0.5), rtt_p99_ms: quantile(s.rtt, 0.99) };
    }
    return out;
  }

  /** `ip` goes to `service` of `v` for `timeoutMs`: in the table here and in every engine's replica (the sender's too). */
  private remember(v: VServerP, ip: string, service: string, timeoutMs: number): void {
    const now = Date.now();
    v.sticky.set(ip, { service, expiresAt: now + timeoutMs });
    if (v.sticky.size % 1024 === 0) for (const [k, x] of v.sticky) if (x.expiresAt <= now) v.sticky.delete(k);
    for (const e of this.engines) this.send(e, { t: 's.stick', vs: v.doc.name, ip, service, timeoutMs });
  }

  private selection(vs: string): SelectionState {
    let s = this.selections.get(vs);
    if (!s) {
      s = {
        counters: { manager_total: 0, local_fallback_total: 0, local_unreachable_total: 0, local_budget_total: 0, local_none_total: 0 },
        rtt: [],
        next: 0,
      };
      this.selections.set(vs, s);
    }
    return s;
  }

  /**
   * A new client of a selection: manager vserver that engine `engine` has no entry for: the
   * table's entry when another engine's question placed it meanwhile, else the manager's answer
   * within the budget (one question per client; the engines asking the same wait for it), else
   * null (the engine places it).
   */
  private select(engine: number, vs: string, id: number, ip: string): void {
    const v = this.vservers.get(vs);
    const x = v?.sticky.get(ip);
    if (!v || (x && x.expiresAt > Date.now())) {
      this.send(engine, { t: 's.selected', id, service: x?.service ?? null });
      return;
    }
    const k = `${vs}\u0000${ip}`;
    const waiting = this.selecting.get(k);
    if (waiting) {
      waiting.push({ engine, id });
      return;
    }
    this.selecting.set(k, [{ engine, id }]);
    const up = this.upstream;
    if (!up) {
      this.settle(k, vs, null, 'unreachable');
      return;
    }
    const s = this.selection(vs);
    const started = performance.now();
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      this.settle(k, vs, null, 'budget');
    }, this.budgetMs);
    const answered = (a: { service: string | null; ttlMs: number } | null): void => {
      if (a) {
        s.rtt[s.next] = performance.now() - started;
        s.next = (s.next + 1) % RTT_SAMPLES;
      }
      const live = this.vservers.get(vs);
      // In time or late, the manager's service is the client's from now on (a late one: for its next connections).
      if (a?.service != null && live && a.ttlMs > 0) this.remember(live, ip, a.service, a.ttlMs);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.settle(k, vs, a?.service ?? null, a === null ? 'unreachable' : a.service === null ? 'none' : 'manager');
    };
    up.select(vs, ip).then(answered, () => answered(null));
  }

  private settle(k: string, vs: string, service: string | null, how: 'manager' | 'unreachable' | 'budget' | 'none'): void {
    const waiters = this.selecting.get(k) ?? [];
    this.selecting.delete(k);
    const c = this.selection(vs).counters;
    const n = waiters.length;
    if (how === 'manager') c.manager_total += n;
    else {
      c.local_fallback_total += n;
      if (how === 'unreachable') c.local_unreachable_total += n;
      else if (how === 'budget') c.local_budget_total += n;
      else c.local_none_total += n;
    }
    for (const w of waiters) if (this.engines.includes(w.engine)) this.send(w.engine, { t: 's.selected', id: w.id, service });
  }

  view(): ServiceStateView {
    const queues: Record<string, number> = {};
    for (const [name, v] of this.vservers) queues[name] = v.queue.length;
    const counts: Record<string, number> = {};
    for (const m of this.counts.values()) for (const [name, n] of m) counts[name] = (counts[name] ?? 0) + n;
    return { queues, counts };
  }

  // ---- the slow path ----------------------------------------------------------------------

  private need(engine: number, vs: string, id: number, ip: string): void {
    const v = this.vservers.get(vs);
    if (!v) {
      this.send(engine, { t: 's.none', id, reason: 'unavailable' });
      return;
    }
    const w: Waiter = { engine, id, vs, ip, seq: this.seq++, timer: null, state: 'fresh', refused: 0 };
    // Clients already waiting come first.
    if (v.queue.length > 0) {
      this.enqueue(v, w);
      return;
    }
    const r = this.serve(v, w);
    if (r === 'none' && this.askMore(v, w)) return;
    if (r === 'none') this.enqueue(v, w);
    else if (r === 'unavailable') this.answer(w, { t: 's.none', id, reason: 'unavailable' });
  }

  /**
   * No room for `w` on this agent's allowance of any service of `v`: the control plane is asked
   * for more of the service the balancer picks among those UP under an allowance (one question per
   * service at a time, for every client waiting on it); once answered the clients are served, or
   * queued as without it. False when there is nobody to ask (standalone, no such service).
   */
  private askMore(v: VServerP, w: Waiter): boolean {
    const upstream = this.capacityUpstream;
    if (!upstream) return false;
    for (const c of v.cands) c.available = this.up[c.name] === true && this.enabled.get(c.name) === true && this.allowances.has(c.name);
    const service = v.balancer.pick(v.cands, w.ip);
    if (service === null) return false;
    w.state = 'asking';
    const list = this.asking.get(service);
    if (list) {
      list.push(w);
      return true;
    }
    this.asking.set(service, [w]);
    const ask = (want: number): void => {
      void upstream(service, want)
        .catch(() => false)
        .then((added) => {
          const waiting = this.asking.get(service) ?? [];
          const left: Waiter[] = [];
          for (const x of waiting) {
            if (x.state !== 'asking') continue;
            const live = this.vservers.get(x.vs);
            if (!live || !this.engines.includes(x.engine)) {
              x.state = 'done';
              continue;
            }
            // Clients already queued come first; otherwise served now when the answer made room.
            x.state = 'fresh';
            const r = live.queue.length > 0 ? 'none' : this.serve(live, x);
            if (r === 'none') left.push(x);
            else if (r === 'unavailable') this.answer(x, { t: 's.none', id: x.id, reason: 'unavailable' });
          }
          // Uses were added but not enough for everyone: ask again for the rest (as QuotaPrimary does for vservers).
          if (added && left.length > 0) {
            for (const x of left) x.state = 'asking';
            this.asking.set(service, left);
            ask(left.length);
            return;
          }
          this.asking.delete(service);
          for (const x of left) {
            const live = this.vservers.get(x.vs);
            if (live) this.enqueue(live, x);
          }
        });
    };
    ask(1);
    return true;
  }

  /**
   * Finds a use of a service of `v` for waiter `w`: a batch lent from the service's pool to the
   * waiter's engine, or a lend asked of an engine that said it has room ('lending': answered later).
   */
  private serve(v: VServerP, w: Waiter): 'admitted' | 'lending' | 'none' | 'unavailable' {
    let anyUp = false;
    for (const c of v.cands) {
      const up = this.up[c.name] === true && this.enabled.get(c.name) === true;
      anyUp ||= up;
      c.active = this.agentCount(c.name);
      c.capacity = 0;
      // availablecapacity: the service's capacity less the other agents' load (and this agent's count).
      c.serviceCapacity = this.capacity.get(c.name) ?? 0;
      c.remoteActive = this.remoteLoads[c.name] ?? 0;
      c.available = up && this.hasRoom(c.name, w.engine);
    }
    if (!anyUp) return 'unavailable';
    let name: string | null = null;
    if (v.doc.persistence.type === 'sourceip' || v.doc.selection === 'manager') {
      const x = v.sticky.get(w.ip);
      const c = x && x.expiresAt > Date.now() ? v.cands.find((k) => k.name === x.service) : undefined;
      if (c && hasRoom(c)) name = c.name;
    }
    name ??= v.balancer.pick(v.cands, w.ip);
    if (name === null) return 'none';
    if (!this.capacity.has(name)) {
      this.admit(w, name, w.engine, true, 0);
      return 'admitted';
    }
    const granted = this.pools.lend(name, w.engine);
    if (granted > 0) {
      this.admit(w, name, w.engine, true, granted);
      return 'admitted';
    }
    const lender = this.pools.hasRoom(name, w.engine) ? w.engine : this.pools.spilloverEngine(name, w.engine);
    if (lender === null) return 'none';
    const ticket = ++this.ticket;
    w.state = 'lending';
    this.lends.set(ticket, { waiter: w, lender, service: name });
    this.send(lender, { t: 's.lend', service: name, ticket });
    return 'lending';
  }

  /** Room for one more use of `service` somewhere: no capacity, the pool can lend, or an engine said it has room. */
  private hasRoom(service: string, engine: number): boolean {
    if (!this.capacity.has(service)) return true;
    if (this.pools.sharedFree(service) > 0) return true;
    return this.pools.hasRoom(service, engine) || this.pools.spilloverEngine(service, engine) !== null;
  }

  private lent(ticket: number, ok: boolean): void {
    const l = this.lends.get(ticket);
    if (!l) return;
    this.lends.delete(ticket);
    const w = l.waiter;
    if (w.state !== 'lending') {
      // Answered meanwhile (timed out, or a freed use went to it): the lent use goes back.
      if (ok) this.send(l.lender, { t: 's.unlend', service: l.service });
      return;
    }
    const v = this.vservers.get(w.vs);
    if (ok) {
      if (v) this.unqueue(v, w);
      this.admit(w, l.service, l.lender, false, 0);
      if (v) this.drain(v);
      return;
    }
    if (!v) {
      this.answer(w, { t: 's.none', id: w.id, reason: 'unavailable' });
      return;
    }
    // The lender had no room after all: the primary's view of the pools was older than the lender's
    // (its room report, sent before this answer on the same channel, is in now; a batch may have
    // come back to the shared pool meanwhile). Look again with that view before the waiter queues:
    // without a surge queue, queueing answers "no service" (a 503) while the pool still has room.
    const again = w.refused++ < LEND_TRIES;
    if (v.queue.includes(w)) {
      w.state = 'queued';
      if (again) this.drain(v);
      return;
    }
    w.state = 'fresh';
    const r = again ? this.serve(v, w) : 'none';
    if (r === 'none') this.enqueue(v, w, true);
    else if (r === 'unavailable') this.answer(w, { t: 's.none', id: w.id, reason: 'unavailable' });
  }

  /** A use of `service` held by `engine` ended while clients wait: the oldest waiter bound to it gets it. */
  private free(engine: number, service: string): void {
    let best: VServerP | null = null;
    if (this.up[service] === true && this.enabled.get(service) === true)
      for (const v of this.vservers.values()) {
        const head = v.queue[0];
        if (!head || !v.cands.some((c) => c.name === service)) continue;
        if (!best || head.seq < best.queue[0]!.seq) best = v;
      }
    if (!best) {
      this.send(engine, { t: 's.back', service });
      return;
    }
    const w = best.queue[0]!;
    this.unqueue(best, w);
    this.admit(w, service, engine, false, 0);
    this.drain(best);
  }

  private enqueue(v: VServerP, w: Waiter, front = false): void {
    const q = v.doc.surgeQueue;
    if (q.length === 0) {
      this.answer(w, { t: 's.none', id: w.id, reason: 'unavailable' });
      return;
    }
    if (v.queue.length >= q.length) {
      this.answer(w, { t: 's.none', id: w.id, reason: 'full' });
      return;
    }
    if (w.state === 'fresh') {
      w.state = 'queued';
      this.send(w.engine, { t: 's.queued', id: w.id });
      w.timer = setTimeout(() => this.expire(w), q.timeoutMs);
    }
    if (front) v.queue.unshift(w);
    else v.queue.push(w);
    if (v.queue.length === 1) this.flag(v, true);
  }

  private unqueue(v: VServerP, w: Waiter): void {
    const i = v.queue.indexOf(w);
    if (i < 0) return;
    v.queue.splice(i, 1);
    if (v.queue.length === 0) this.flag(v, false);
  }

  private expire(w: Waiter): void {
    if (w.state === 'done') return;
    const v = this.vservers.get(w.vs);
    if (v) this.unqueue(v, w);
    this.answer(w, { t: 's.none', id: w.id, reason: 'timeout' });
    if (v) this.drain(v);
  }

  private flag(v: VServerP, on: boolean): void {
    for (const e of this.engines) this.send(e, { t: 's.waiting', vs: v.doc.name, on });
  }

  /** Serves the head of the queue of `v` while uses are found (a lend in flight holds the line). */
  private drain(v: VServerP): void {
    for (;;) {
      const head = v.queue[0];
      if (!head || head.state !== 'queued') return;
      const r = this.serve(v, head);
      if (r === 'admitted') {
        this.unqueue(v, head);
        continue;
      }
      if (r === 'unavailable') return; // the waiters keep waiting for a service to come UP, up to their timeout
      return;
    }
  }

  private drainService(service: string): void {
    for (const v of this.vservers.values()) if (v.queue.length > 0 && v.cands.some((c) => c.name === service)) this.drain(v);
  }

  private drainAll(): void {
    for (const v of this.vservers.values()) if (v.queue.length > 0) this.drain(v);
  }

  private admit(w: Waiter, service: string, lender: number, take: boolean, granted: number): void {
    if (lender !== w.engine) this.countLent(w.engine, lender, service, 1);
    this.answer(w, { t: 's.admit', id: w.id, service, lender: lender === w.engine ? null : lender, take, granted });
  }

  private answer(w: Waiter, msg: ServiceToEngine): void {
    w.state = 'done';
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    this.send(w.engine, msg);
  }

  private countLent(borrower: number, lender: number, service: string, n: number): void {
    const key = `${borrower}|${lender}|${service}`;
    const left = (this.lentUses.get(key) ?? 0) + n;
    if (left > 0) this.lentUses.set(key, left);
    else this.lentUses.delete(key);
  }

  /** An engine went: its waiters and lends are dropped, the uses others lent it go back, its counts leave the sums. */
  private engineGone(e: number): void {
    for (const v of this.vservers.values())
      for (const w of [...v.queue])
        if (w.engine === e) {
          this.unqueue(v, w);
          w.state = 'done';
          if (w.timer) clearTimeout(w.timer);
        }
    for (const [ticket, l] of [...this.lends]) {
      if (l.waiter.engine === e) l.waiter.state = 'done';
      if (l.lender === e) {
        this.lends.delete(ticket);
        if (l.waiter.state === 'lending') this.lent(ticket, false);
      }
    }
    for (const [key, n] of [...this.lentUses]) {
      const [borrower, lender, service] = key.split('|') as [string, string, string];
      if (Number(borrower) === e) {
        this.lentUses.delete(key);
        for (let i = 0; i < n; i++) if (this.engines.includes(Number(lender))) this.send(Number(lender), { t: 's.unlend', service });
      } else if (Number(lender) === e) this.lentUses.delete(key);
    }
    const m = this.counts.get(e);
    this.counts.delete(e);
    if (m) {
      for (const name of m.keys()) this.dirtyCounts.add(name);
      this.pushCounts();
    }
  }

  // ---- counts -----------------------------------------------------------------------------

  private agentCount(service: string): number {
    let n = 0;
    for (const m of this.counts.values()) n += m.get(service) ?? 0;
    return n;
  }

  /** The other engines' counts of `dirty` services (every counted one when null) for engine `e`. */
  private othersOf(e: number, dirty: Iterable<string> | null): Record<string, number> {
    const names = dirty ?? new Set([...this.counts.values()].flatMap((m) => [...m.keys()]));
    const out: Record<string, number> = {};
    for (const name of names) out[name] = this.agentCount(name) - (this.counts.get(e)?.get(name) ?? 0);
    return out;
  }

  /** Pushes changed counts to every engine, once per turn of the event loop. */
  private pushCounts(): void {
    if (this.countsScheduled) return;
    this.countsScheduled = true;
    setImmediate(() => {
      this.countsScheduled = false;
      const dirty = [...this.dirtyCounts];
      this.dirtyCounts.clear();
      if (dirty.length === 0) return;
      for (const e of this.engines) this.send(e, { t: 's.others', counts: this.othersOf(e, dirty) });
    });
  }
}
