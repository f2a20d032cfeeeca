// Property: the three levels of the quota (issue 12) composed from core QuotaPools hold a vserver's
// limit exactly. The control plane's pool lends each agent an allowance (reported tracking: the
// agent enforces it and settles what it has in flight after every change: the two-phase revoke);
// each agent's pool shares its allowance among its workers (exact tracking: every connection is
// an acquire and a release). Random joins, deaths, limit changes, connections, background borrows
// and returns; after every step:
//   - the connections admitted never exceed the limit, except after the limit was lowered below
//     them, and then they never grow until they are below it;
//   - a connection spills only when, after one round of arbitration (a worker with room in its
//     agent, the shared pool, then one unused use ceded by another agent), no use is left unused
//     anywhere: every agent's allowance is in use and the control plane has nothing to lend.
// Twice: with the top level a bare QuotaPool in reported tracking, and with it the control plane's
// QuotaManager (its told allowances, two-phase revokes, waiting borrows and reclaims), its orders
// delivered at once as the hub sends them and answered as the control client does.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { borrowAheadOrGiveBack, QuotaManager, QuotaPool, type QuotaOrder } from '../src/index.js';

type Op =
  | { t: 'join'; a: number; workers: number }
  | { t: 'die'; a: number }
  | { t: 'limit'; limit: number }
  | { t: 'connect'; a: number; w: number }
  | { t: 'end'; a: number; w: number }
  | { t: 'borrow'; a: number }
  | { t: 'return'; a: number }
  /** The agent reports its connections (the control plane reclaims by the last report: stale in between). */
  | { t: 'report'; a: number };

const agent = fc.integer({ min: 0, max: 4 });
const worker = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('join' as const), a: agent, workers: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: agent.map((a) => ({ t: 'die' as const, a })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((limit) => ({ t: 'limit' as const, limit })) },
  { weight: 14, arbitrary: fc.record({ t: fc.constant('connect' as const), a: agent, w: worker }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('end' as const), a: agent, w: worker }) },
  { weight: 2, arbitrary: agent.map((a) => ({ t: 'borrow' as const, a })) },
  { weight: 2, arbitrary: agent.map((a) => ({ t: 'return' as const, a })) },
  { weight: 4, arbitrary: agent.map((a) => ({ t: 'report' as const, a })) },
);

/** A limit, the exclusive and batch percents, and the steps of one run. */
const runs = [
  fc.integer({ min: 0, max: 60 }),
  fc.constantFrom(0, 0.5, 0.8, 1),
  fc.constantFrom(0, 0.1, 0.25, 1),
  fc.array(op, { maxLength: 200, size: 'max' }),
] as const;

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/** A spill at `at` is due only when one round of arbitration left no use unused anywhere: none to lend at the top, none held unused by an agent. */
function checkSpillDue(at: string, lendable: number, agents: ReadonlyMap<string, QuotaPool<number>>, allowance: (a: string) => number): void {
  check(lendable <= 0, `spilled at ${at} while the control plane had ${lendable} uses to lend`);
  for (const [b, bp] of agents) check(allowance(b) <= bp.outstanding, `spilled at ${at} while ${b} held ${allowance(b) - bp.outstanding} unused uses`);
}

/**
 * After a round of arbitration for a connection waiting at worker `w` of agent `a` (no worker of
 * `a` had a use unused before it): what the round lent `a` went to `w`. A use it lent that lands on
 * another worker (a share that grew with the agent's allowance) is one nobody uses there: the real
 * agent, whose primary knows its workers' room only from their reports, asked the control plane
 * again and kept it unused while other agents' connections spilled (bench/spillover.ts).
 */
function admittedWhereItWaits(pool: QuotaPool<number>, w: number, a: string): boolean {
  const r = pool.acquire(w);
  if (r.granted) return true;
  check(r.spillover === null, `the uses lent to ${a} for a connection waiting at worker ${w} went to worker ${r.spillover} (unused there)`);
  return false;
}

/** The control plane (top), its agents and their workers, wired as the agent and the hub wire them. */
class ThreeLevels {
  readonly top: QuotaPool<string>;
  readonly agents = new Map<string, QuotaPool<number>>();
  spills = 0;
  admitted = 0;

  constructor(limit: number, p: number, b: number) {
    this.top = new QuotaPool<string>({ limit, exclusivePercent: p, batchPercent: b, tracking: 'reported' });
  }

  allowance(a: string): number {
    const x = this.top.holding(a);
    return x.exclusive + x.borrowed;
  }
  inFlight(): number {
    let n = 0;
    for (const pool of this.agents.values()) n += pool.outstanding;
    return n;
  }
  /** An agent applies what the control plane told it and answers with what it has in flight. */
  sync(a: string, waiting: number[] = []): void {
    const pool = this.agents.get(a);
    if (!pool) return;
    // The answer may grow its allowance (a share waiting for room): applied in turn, as the hub
    // pushes it after the acknowledgement. What it grew by goes first to the worker whose
    // connection waits for it (the agent's primary: growFor).
    for (let told = -1; told !== this.allowance(a);) {
      told = this.allowance(a);
      if (pool.growFor(told, waiting).some(Boolean)) waiting = [];
      this.top.settle(a, pool.outstanding);
    }
  }
  syncAll(): void {
    for (const a of this.agents.keys()) this.sync(a);
  }

  join(a: string, workers: number): void {
    if (!this.agents.has(a)) this.agents.set(a, new QuotaPool<number>({ limit: 0, engines: Array.from({ length: workers }, (_, i) => i) }));
    this.top.addEngine(a, workers);
    this.syncAll();
  }
  die(a: string): void {
    const pool = this.agents.get(a);
    if (!pool) return;
    this.admitted -= pool.outstanding; // its connections ended with it
    this.agents.delete(a);
    this.top.removeEngine(a);
    this.syncAll();
  }
  setLimit(limit: number): void {
    this.top.setLimit(limit);
    this.syncAll();
  }

  /** A connection at worker `w` of agent `a`: true when admitted. */
  connect(a: string, w: number): boolean {
    const pool = this.agents.get(a);
    if (!pool || !pool.has(w)) return false;
    const take = (): boolean => {
      const r = pool.acquire(w);
      if (r.granted) return true;
      // Handed to the worker of this agent with the most unused uses.
      return r.spillover !== null && pool.acquire(r.spillover).granted;
    };
    if (take()) return true;
    // The agent's allowance is all in use: one round of arbitration by the control plane (the
    // shared pool, then others' unused uses: an agent shrinks its own pool before it cedes).
    this.top.arbitrate(
      a,
      1,
      (d) => this.allowance(d) - (this.agents.get(d)?.outstanding ?? 0),
      (d, n) => {
        const dp = this.agents.get(d)!;
        dp.setLimit(this.allowance(d) - n);
        return n;
      },
    );
    this.sync(a, [w]);
    if (admittedWhereItWaits(pool, w, a)) return true;
    if (take()) return true;
    // Spill: one round of arbitration left no use unused anywhere.
    checkSpillDue(a, this.top.limit - this.top.committed, this.agents, (x) => this.allowance(x));
    return false;
  }

  end(a: string, w: number): void {
    const pool = this.agents.get(a);
    if (!pool || pool.holding(w).inUse === 0) return;
    pool.release(w);
    this.admitted--;
    this.returnIdle(a);
    this.top.settle(a, pool.outstanding);
  }
  /** Background borrow before the allowance runs out (the control client's borrow-ahead). */
  borrowAhead(a: string): void {
    if (!this.agents.has(a)) return;
    this.top.borrow(a);
    this.sync(a);
  }
  /** A batch of borrowed uses the agent does not use goes back: the agent shrinks first, then gives back. */
  returnIdle(a: string): void {
    const pool = this.agents.get(a);
    if (!pool) return;
    const x = this.top.holding(a);
    const k = Math.min(x.borrowed, this.top.batch);
    if (k === 0 || x.owed > 0 || this.allowance(a) - pool.outstanding < k) return;
    pool.setLimit(this.allowance(a) - k);
    this.top.giveBack(a, k);
    this.sync(a);
  }
}

/** The same three levels with the control plane's QuotaManager at the top, its orders delivered at once. */
class ManagedLevels {
  readonly top: QuotaManager<string>;
  readonly agents = new Map<string, QuotaPool<number>>();
  /** Per agent: the revoke it has not acknowledged down to its allowance, and its last answer. */
  readonly draining = new Map<string, { id: number; committed: number }>();
  admitted = 0;
  spills = 0;
  private nextId = 1;
  private now = 0;

  constructor(limit: number, p: number, b: number) {
    this.top = new QuotaManager<string>({ limit, exclusivePercent: p, batchPercent: b, waitedMs: 0 });
  }
  allowance(a: string): number {
    const t = this.top.told(a);
    return t ? t.exclusive + t.borrowed : 0;
  }
  inFlight(): number {
    let n = 0;
    for (const pool of this.agents.values()) n += pool.outstanding;
    return n;
  }
  /** What an agent's revoke-ack says: its allowance, or what its workers may still hold. */
  committed(a: string): number {
    return Math.max(this.allowance(a), this.agents.get(a)?.committed ?? 0);
  }
  /** The worker whose connection waits for the borrow being routed (null: none). */
  private waitingAt: { a: string; w: number } | null = null;
  /** Ids of the borrows answered (grants delivered). */
  readonly answered = new Set<number>();
  /** Delivers orders (and the acknowledgements they cause) until none is left. */
  route(orders: QuotaOrder<string>[]): void {
    const queue = [...orders];
    for (let o = queue.shift(); o; o = queue.shift()) {
      if (o.kind === 'grant') this.answered.add(o.id);
      const pool = this.agents.get(o.engine);
      if (!pool) continue;
      // What the allowance grew by goes first to the worker whose connection waits (growFor).
      const waiting = this.waitingAt?.a === o.engine ? [this.waitingAt.w] : [];
      if (pool.growFor(this.allowance(o.engine), waiting).some(Boolean)) this.waitingAt = null;
      if (o.kind === 'revoke') this.draining.set(o.engine, { id: o.id, committed: Infinity });
      queue.push(...this.ack(o.engine));
    }
  }
  /** The control client's acknowledgement: sent when what the agent may hold went down. */
  ack(a: string): QuotaOrder<string>[] {
    const d = this.draining.get(a);
    if (!d) return [];
    const c = this.committed(a);
    if (c >= d.committed) return [];
    d.committed = c;
    if (c <= this.allowance(a)) this.draining.delete(a);
    return this.top.revokeAcked(a, d.id, c);
  }
  /**
   * Each agent's connections as it last reported them (none yet: unknown, it cedes nothing): the
   * control plane reclaims by them, so a report older than connections admitted since asks a donor
   * for uses it holds, which its acknowledgement says.
   */
  readonly reported = new Map<string, number>();
  activeOf = (a: string): number | null => this.reported.get(a) ?? null;
  report(a: string): void {
    const pool = this.agents.get(a);
    if (pool) this.reported.set(a, pool.outstanding);
  }

  join(a: string, workers: number): void {
    if (!this.agents.has(a)) this.agents.set(a, new QuotaPool<number>({ limit: 0, engines: Array.from({ length: workers }, (_, i) => i) }));
    this.route(this.top.join(a, workers));
    this.report(a); // the control client reports a vserver's counters as soon as its config is applied
  }
  die(a: string): void {
    const pool = this.agents.get(a);
    if (!pool) return;
    this.admitted -= pool.outstanding;
    this.agents.delete(a);
    this.draining.delete(a);
    this.reported.delete(a);
    this.route(this.top.leave(a));
  }
  setLimit(limit: number): void {
    this.route(this.top.setLimit(limit));
  }
  connect(a: string, w: number): boolean {
    const pool = this.agents.get(a);
    if (!pool || !pool.has(w)) return false;
    const take = (): boolean => {
      const r = pool.acquire(w);
      return r.granted || (r.spillover !== null && pool.acquire(r.spillover).granted);
    };
    if (take()) return true;
    // Its allowance is all in use: a borrow with the connection waiting, one round of arbitration.
    const id = this.nextId++;
    this.waitingAt = { a, w };
    const r = this.top.borrow(a, id, 1, ++this.now, this.activeOf);
    this.route(r.orders);
    // Its donors acknowledged in this round (what they still hold is in use): the borrow is
    // answered in the same round, so its connection spills now rather than at the deadline.
    check(this.answered.has(id), `the borrow of ${a} still waited after every donor had acknowledged`);
    if (r.waiting) this.route(this.top.expire(a, id));
    this.waitingAt = null;
    if (admittedWhereItWaits(pool, w, a)) return true;
    if (take()) return true;
    checkSpillDue(a, this.top.limit - this.top.pool.committed, this.agents, (x) => this.allowance(x));
    return false;
  }
  end(a: string, w: number): void {
    const pool = this.agents.get(a);
    if (!pool || pool.holding(w).inUse === 0) return;
    pool.release(w);
    this.admitted--;
    this.route(this.ack(a));
    // Connections that end are reported at once (as connections that open are, later: stale in between).
    this.report(a);
    this.returnIdle(a);
  }
  /** The control client's background rule (core's borrowAheadOrGiveBack) on the agent's counts now. */
  borrowAhead(a: string): void {
    const pool = this.agents.get(a);
    const t = this.top.told(a);
    if (!pool || !t) return;
    const next = borrowAheadOrGiveBack({
      ...t,
      batch: this.top.batch,
      active: pool.outstanding,
      committedInside: pool.committed,
      borrowing: false,
      draining: this.draining.has(a),
    });
    if (next?.kind === 'borrow') this.route(this.top.borrow(a, this.nextId++, undefined, ++this.now, this.activeOf).orders);
    else if (next?.kind === 'give-back') this.returnIdle(a);
  }
  /** A batch the agent does not use goes back: the agent shrinks first, then gives back. */
  returnIdle(a: string): void {
    const pool = this.agents.get(a);
    const t = this.top.told(a);
    if (!pool || !t || this.draining.has(a)) return;
    const k = Math.min(t.borrowed, this.top.batch);
    if (k === 0 || this.allowance(a) - pool.committed < k) return;
    pool.setLimit(this.allowance(a) - k);
    this.route(this.top.giveBack(a, k, this.nextId++));
  }
}

describe('three-level quota: control plane → agents → workers (property)', () => {
  it('never admits past the limit, and spills only when no use is left unused after one round of arbitration', () => {
    fc.assert(
      fc.property(...runs, (limit, p, b, ops) => {
        const m = new ThreeLevels(limit, p, b);
        for (const o of ops) {
          const before = m.inFlight();
          const name = 'a' in o ? `agent-${o.a}` : '';
          switch (o.t) {
            case 'join':
              m.join(name, o.workers);
              break;
            case 'die':
              m.die(name);
              break;
            case 'limit':
              m.setLimit(o.limit);
              break;
            case 'connect':
              if (m.connect(name, o.w)) m.admitted++;
              else m.spills++;
              break;
            case 'end':
              m.end(name, o.w);
              break;
            case 'borrow':
              m.borrowAhead(name);
              break;
            case 'return':
              m.returnIdle(name);
              break;
            case 'report':
              break;
          }
          const now = m.inFlight();
          check(now === m.admitted, 'every admitted connection is counted by a worker');
          check(now <= Math.max(m.top.limit, before), `admitted ${now} past the limit ${m.top.limit} (was ${before})`);
          let allowances = 0;
          for (const [a, pool] of m.agents) {
            const x = m.top.holding(a);
            allowances += x.exclusive + x.borrowed;
            check(pool.outstanding <= x.exclusive + x.borrowed + x.owed, `${a}'s connections covered by what the control plane counts`);
          }
          check(allowances <= m.top.limit, 'Σ agent allowances ≤ limit');
          check(now <= m.top.committed, 'connections ≤ what the control plane counts as committed');
        }
      }),
      { numRuns: 300 },
    );
  });
  it("the same with the control plane's QuotaManager at the top: its told allowances, revokes, waiting borrows and reclaims", () => {
    fc.assert(
      fc.property(...runs, (limit, p, b, ops) => {
        const m = new ManagedLevels(limit, p, b);
        for (const o of ops) {
          const before = m.inFlight();
          const name = 'a' in o ? `agent-${o.a}` : '';
          if (o.t === 'join') m.join(name, o.workers);
          else if (o.t === 'die') m.die(name);
          else if (o.t === 'limit') m.setLimit(o.limit);
          else if (o.t === 'connect') {
            if (m.connect(name, o.w)) m.admitted++;
            else m.spills++;
          } else if (o.t === 'end') m.end(name, o.w);
          else if (o.t === 'borrow') m.borrowAhead(name);
          else if (o.t === 'report') m.report(name);
          else m.returnIdle(name);
          const now = m.inFlight();
          check(now === m.admitted, 'every admitted connection is counted by a worker');
          check(now <= Math.max(m.top.limit, before), `admitted ${now} past the limit ${m.top.limit} (was ${before})`);
          let allowances = 0;
          for (const [a, pool] of m.agents) {
            allowances += m.allowance(a);
            check(pool.outstanding <= m.top.committedBy(a), `${a}'s connections covered by what the control plane counts`);
            check(pool.limit === m.allowance(a), `${a} enforces what it was told`);
          }
          check(allowances <= m.top.limit, 'Σ agent allowances ≤ limit');
          // After a limit drop (or any change) an agent's share is handed to it as soon as its
          // acknowledgement leaves room for it, not held at 0 until its connections end.
          const room = m.top.pool.limit - m.top.pool.committed;
          for (const a of m.agents.keys()) {
            const h = m.top.pool.holding(a);
            check(h.target - h.ceded - h.exclusive <= 0 || room <= 0, `${a}'s share waits for room while the pool has ${room} unused`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
