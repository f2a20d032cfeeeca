// Property: core's QuotaManager (the control plane as pool manager of agents, reported tracking)
// holds a limit exactly when its orders travel over channels: each agent enforces the allowance it
// was last told, acknowledges every revoke with what it may have in flight, borrows ahead, borrows
// for waiting connections, gives back idle batches, dies and rejoins, while the limit changes and
// messages arrive in any interleaving (each channel in order). After every step:
//   - the connections admitted never exceed the limit, except after the limit was lowered below
//     them, and then they never grow until they are below it;
//   - every agent's connections, and the allowance it enforces, are within what the manager
//     counts as committed for it (the told/owed ledger is right whatever is still in flight);
//   - Σ committed ≤ limit unless the limit dropped below it (then it never grows).
// And, with every message delivered at once: a connection spills only when, after one round of
// arbitration, no use is unused anywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotaManager, type QuotaOrder } from '../src/index.js';

type Op =
  | { t: 'join'; a: number; workers: number }
  | { t: 'die'; a: number }
  | { t: 'limit'; limit: number }
  | { t: 'connect'; a: number }
  | { t: 'end'; a: number }
  | { t: 'ahead'; a: number }
  | { t: 'return'; a: number }
  | { t: 'deliver'; a: number; up: boolean }
  | { t: 'expire' }
  | { t: 'flush' };

const agent = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('join' as const), a: agent, workers: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: agent.map((a) => ({ t: 'die' as const, a })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }).map((limit) => ({ t: 'limit' as const, limit })) },
  { weight: 12, arbitrary: agent.map((a) => ({ t: 'connect' as const, a })) },
  { weight: 7, arbitrary: agent.map((a) => ({ t: 'end' as const, a })) },
  { weight: 2, arbitrary: agent.map((a) => ({ t: 'ahead' as const, a })) },
  { weight: 2, arbitrary: agent.map((a) => ({ t: 'return' as const, a })) },
  { weight: 14, arbitrary: fc.record({ t: fc.constant('deliver' as const), a: agent, up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'expire' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'flush' as const }) },
);

type Up = { t: 'borrow'; id: number; want?: number } | { t: 'return'; id: number; n: number } | { t: 'ack'; id: number; committed: number };

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/** One agent as the control client and its pool enforce it: one counter of connections against the allowance it was told. */
class Agent {
  exclusive = 0;
  borrowed = 0;
  inUse = 0;
  /** Connections waiting for the answer to a borrow (by borrow id). */
  waitingFor = new Map<number, number>();
  draining: number | null = null;
  lastAck = Infinity;
  returns = new Map<number, number>();
  readonly down: QuotaOrder<string>[] = [];
  readonly up: Up[] = [];
  constructor(readonly workers: number) {}
  get allowance(): number {
    return this.exclusive + this.borrowed;
  }
  net(borrowed: number): number {
    let pending = 0;
    for (const n of this.returns.values()) pending += n;
    return Math.max(0, borrowed - pending);
  }
  /** What a revoke-ack says: its allowance, or more while connections admitted earlier are open. */
  committed(): number {
    return Math.max(this.allowance, this.inUse);
  }
  ack(): void {
    if (this.draining === null) return;
    const c = this.committed();
    if (c >= this.lastAck) return;
    this.lastAck = c;
    this.up.push({ t: 'ack', id: this.draining, committed: c });
    if (c <= this.allowance) this.draining = null;
  }
}

class Model {
  readonly m: QuotaManager<string>;
  readonly agents = new Map<string, Agent>();
  admitted = 0;
  spills = 0;
  now = 0;
  nextId = 1;
  /** Waiting borrows of the manager, by agent and id (the adapter's deadlines). */
  timers: Array<{ a: string; id: number }> = [];
  /** Connections that spilled while the model checks one round of arbitration (sync mode). */
  sync = false;

  constructor(limit: number, p: number, b: number) {
    this.m = new QuotaManager<string>({ limit, exclusivePercent: p, batchPercent: b, waitedMs: 0 });
  }
  inFlight(): number {
    let n = 0;
    for (const a of this.agents.values()) n += a.inUse;
    return n;
  }
  route(orders: QuotaOrder<string>[]): void {
    for (const o of orders) this.agents.get(o.engine)?.down.push(o);
  }
  activeOf = (a: string): number | null => this.agents.get(a)?.inUse ?? null;

  /** The agent reads one message from the control plane. */
  downstream(name: string): boolean {
    const a = this.agents.get(name);
    const o = a?.down.shift();
    if (!a || !o) return false;
    if (o.kind === 'allowance') {
      a.exclusive = o.exclusive;
      a.borrowed = a.net(o.borrowed);
    } else if (o.kind === 'revoke') {
      a.exclusive = o.exclusive;
      a.borrowed = a.net(o.borrowed);
      a.draining = o.id;
      a.lastAck = Infinity;
      a.ack();
    } else {
      a.returns.delete(o.id);
      a.borrowed = a.net(o.borrowed);
      const waiting = a.waitingFor.get(o.id);
      if (waiting !== undefined) {
        a.waitingFor.delete(o.id);
        for (let i = 0; i < waiting; i++) {
          if (a.inUse < a.allowance) {
            a.inUse++;
            this.admitted++;
          } else this.spill(name);
        }
      }
      a.ack();
    }
    return true;
  }
  /** The control plane reads one message from the agent. */
  upstream(name: string): boolean {
    const a = this.agents.get(name);
    const u = a?.up.shift();
    if (!a || !u) return false;
    this.now += 1;
    if (u.t === 'borrow') {
      const r = this.m.borrow(name, u.id, u.want, this.now, this.activeOf);
      if (r.waiting) this.timers.push({ a: name, id: u.id });
      this.route(r.orders);
    } else if (u.t === 'return') this.route(this.m.giveBack(name, u.n, u.id));
    else this.route(this.m.revokeAcked(name, u.id, u.committed));
    return true;
  }
  flush(): void {
    for (let moved = true; moved;) {
      moved = false;
      for (const name of this.agents.keys()) while (this.upstream(name) || this.downstream(name)) moved = true;
    }
  }
  spill(name: string): void {
    this.spills++;
    if (!this.sync) return;
    // Delivered at once: one round of arbitration left no use unused anywhere.
    const v = this.m.view();
    check(this.m.pool.committed >= this.m.limit, `spilled at ${name} while the control plane had ${this.m.limit - this.m.pool.committed} uses to lend`);
    for (const [b, x] of this.agents)
      check(x.allowance <= x.inUse, `spilled at ${name} while ${b} held ${x.allowance - x.inUse} unused uses (pending ${[...v.pending.keys()].join()})`);
  }

  join(name: string, workers: number): void {
    const prev = this.agents.get(name);
    // A rejoin claims what it enforces and has in flight, as the hello does.
    const a = prev ?? new Agent(workers);
    if (prev) {
      a.down.length = 0;
      a.up.length = 0;
      a.waitingFor.clear();
      a.returns.clear();
      a.draining = null;
    }
    this.agents.set(name, a);
    this.route(this.m.join(name, workers, prev ? { allowance: a.allowance, inUse: a.inUse } : undefined));
  }
  die(name: string): void {
    const a = this.agents.get(name);
    if (!a) return;
    this.admitted -= a.inUse;
    this.agents.delete(name);
    this.route(this.m.leave(name));
  }
  connect(name: string): void {
    const a = this.agents.get(name);
    if (!a) return;
    if (a.inUse < a.allowance) {
      a.inUse++;
      this.admitted++;
      return;
    }
    const id = this.nextId++;
    a.waitingFor.set(id, 1);
    a.up.push({ t: 'borrow', id, want: 1 });
  }
  end(name: string): void {
    const a = this.agents.get(name);
    if (!a || a.inUse === 0) return;
    a.inUse--;
    this.admitted--;
    a.ack();
  }
  ahead(name: string): void {
    const a = this.agents.get(name);
    if (a) a.up.push({ t: 'borrow', id: this.nextId++ });
  }
  giveBack(name: string): void {
    const a = this.agents.get(name);
    if (!a || a.draining !== null) return;
    const k = Math.min(a.borrowed, this.m.batch);
    if (k === 0 || a.allowance - a.inUse < k) return;
    const id = this.nextId++;
    a.borrowed -= k;
    a.returns.set(id, k);
    a.up.push({ t: 'return', id, n: k });
  }
  expire(): void {
    const t = this.timers.shift();
    if (t) this.route(this.m.expire(t.a, t.id));
  }
}

describe('QuotaManager over channels: control plane → agents (property)', () => {
  it('never admits past the limit nor lets an agent enforce more than it counts, in any interleaving; delivered at once, spills only when no use is unused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(0, 0.5, 0.8, 1),
        fc.constantFrom(0, 0.1, 0.25, 1),
        fc.array(op, { maxLength: 200, size: 'max' }),
        (limit, p, b, ops) => {
          const x = new Model(limit, p, b);
          for (const o of ops) {
            const before = x.inFlight();
            const committedBefore = x.m.pool.committed;
            const name = 'a' in o ? `agent-${o.a}` : '';
            switch (o.t) {
              case 'join':
                x.join(name, o.workers);
                break;
              case 'die':
                x.die(name);
                break;
              case 'limit':
                x.route(x.m.setLimit(o.limit));
                break;
              case 'connect':
                x.connect(name);
                break;
              case 'end':
                x.end(name);
                break;
              case 'ahead':
                x.ahead(name);
                break;
              case 'return':
                x.giveBack(name);
                break;
              case 'deliver':
                if (o.up) x.upstream(name);
                else x.downstream(name);
                break;
              case 'expire':
                x.expire();
                break;
              case 'flush':
                // Everything delivered, then a connection at every agent in turn with its borrow
                // answered at once: each spill must find no use unused anywhere.
                x.flush();
                while (x.timers.length > 0) {
                  x.expire();
                  x.flush();
                }
                x.sync = true;
                for (const n of [...x.agents.keys()]) {
                  x.connect(n);
                  x.flush();
                  while (x.timers.length > 0) {
                    x.expire();
                    x.flush();
                  }
                }
                x.sync = false;
                break;
            }
            const now = x.inFlight();
            check(now === x.admitted, 'every admitted connection is counted by an agent');
            // An agent may admit on an allowance the limit just dropped below until its revoke
            // arrives: that is within what was committed before the drop, which never grows.
            check(now <= Math.max(x.m.limit, before, x.m.pool.committed), `admitted ${now} past the limit ${x.m.limit} (was ${before})`);
            for (const [a, ag] of x.agents) {
              check(ag.inUse <= x.m.committedBy(a), `${a}'s ${ag.inUse} connections within its committed ${x.m.committedBy(a)}`);
              check(ag.allowance <= x.m.committedBy(a), `${a} enforces ${ag.allowance}, more than its committed ${x.m.committedBy(a)}`);
            }
            const c = x.m.pool.committed;
            // (a rejoining agent's claim is what it really has: it may pass the limit, and then nothing grows.)
            check(c <= x.m.limit || c <= committedBefore || o.t === 'join', `committed ${c} grew past the limit ${x.m.limit} (was ${committedBefore})`);
          }
        },
      ),
      { numRuns: Number(process.env.QUOTA_RUNS ?? 300) },
    );
  });

  it('lends the last uses to the agent whose connections wait: an idle agent is revoked, and the borrow answered on its acknowledgement', () => {
    const m = new QuotaManager<string>({
      limit: 100,
      engines: [
        ['a', 1],
        ['b', 1],
      ],
    });
    expect(m.view().told.get('a')).toEqual({ exclusive: 0, borrowed: 0 });
    m.setLimit(100);
    expect(m.told('a')).toEqual({ exclusive: 40, borrowed: 0 });
    const r = m.borrow('a', 1, 30, 0, (e) => (e === 'b' ? 5 : 40));
    // 20 from the shared pool now; 10 revoked from b, owed until it acknowledges.
    expect(r.waiting).toBe(true);
    expect(r.orders).toContainEqual({ kind: 'revoke', engine: 'b', id: 1, exclusive: 30, borrowed: 0 });
    expect(m.committedBy('b')).toBe(40);
    expect(m.view().shared).toBe(0);
    const answered = m.revokeAcked('b', 1, 30);
    expect(answered).toContainEqual({ kind: 'grant', engine: 'a', id: 1, n: 30, borrowed: 30 });
    expect(m.committedBy('b')).toBe(30);
    // Returned, the uses go back to b's ceded share first.
    expect(m.giveBack('a', 30, 2)).toContainEqual({ kind: 'allowance', engine: 'b', exclusive: 40, borrowed: 0 });
  });
});

describe('QuotaManager: one round of arbitration for waiting connections', () => {
  const revokeOf = (orders: QuotaOrder<string>[], engine: string): number | undefined =>
    orders.flatMap((o) => (o.kind === 'revoke' && o.engine === engine ? [o.id] : []))[0];
  const grantOf = (orders: QuotaOrder<string>[], id: number): number | undefined => orders.flatMap((o) => (o.kind === 'grant' && o.id === id ? [o.n] : []))[0];

  it('answers a waiting borrow as soon as a donor acknowledges that it holds the uses, asking the next donor in the same round', () => {
    // L = 12, every use exclusive: 4 each. b's report is older than its connections (it looks idle).
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b', 'c'].map((e) => [e, 1] as const), exclusivePercent: 1, waitedMs: 0 });
    m.setLimit(12);
    const reported: Record<string, number> = { a: 4, b: 0, c: 2 };
    const r = m.borrow('a', 1, 1, 1, (e) => reported[e] ?? null);
    expect(r.waiting).toBe(true);
    const first = revokeOf(r.orders, 'b')!; // b looks the most idle
    const next = m.revokeAcked('b', first, 4); // b holds all 4
    const second = revokeOf(next, 'c');
    expect(second).toBeDefined(); // asked at once, not at the deadline
    expect(grantOf(next, 1)).toBeUndefined();
    const done = m.revokeAcked('c', second!, 2); // c holds 2 of its 4 now: 1 goes to a
    expect(grantOf(done, 1)).toBe(1);
  });

  it('lends a borrow ahead nothing near the bottom: the last uses go to borrows whose connections wait', () => {
    // L = 30, 2 agents × 2 workers: 12 exclusive each, 6 shared, batch 1.
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 2] as const), waitedMs: 0 });
    m.setLimit(30);
    const ahead = (e: string, id: number): number | undefined => grantOf(m.borrow(e, id, undefined, id, () => 12).orders, id);
    // Ahead while the shared pool holds a batch for every agent (more than 2 left)...
    expect([ahead('b', 1), ahead('b', 2), ahead('b', 3), ahead('b', 4)]).toEqual([1, 1, 1, 1]);
    // ...then nothing: b's last borrow ahead would strand a use a's waiting connections need.
    expect(ahead('b', 5)).toBe(0);
    expect(m.pool.sharedFree).toBe(2);
    expect(grantOf(m.borrow('a', 6, 2, 6, () => 12).orders, 6)).toBe(2);
  });

  it('stops waiting for a donor whose owed uses a crossing give-back paid, and asks the next donor at once', () => {
    // L = 16, p = 50%: 2 exclusive each, 8 shared, batch 1.
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b', 'c', 'd'].map((e) => [e, 1] as const), exclusivePercent: 0.5, waitedMs: 0 });
    m.setLimit(16);
    expect(grantOf(m.borrow('b', 1, undefined, 1, () => null).orders, 1)).toBe(1);
    expect(grantOf(m.borrow('b', 2, undefined, 2, () => null).orders, 2)).toBe(1);
    expect(grantOf(m.borrow('a', 3, 6, 3, () => null).orders, 3)).toBe(6); // the shared pool is empty now
    // d is idle: one of its exclusive uses is ceded to a.
    let reported: Record<string, number> = { a: 8, b: 4, c: 2, d: 0 };
    const first = m.borrow('a', 4, 1, 4, (e) => reported[e] ?? null);
    expect(grantOf(m.revokeAcked('d', revokeOf(first.orders, 'd')!, 1), 4)).toBe(1);
    // b's connections ended: one of its borrowed uses is revoked for a, while b gives it back.
    reported = { a: 9, b: 2, c: 2, d: 0 };
    const second = m.borrow('a', 5, 1, 5, (e) => reported[e] ?? null);
    const revokeB = revokeOf(second.orders, 'b')!;
    expect(second.waiting).toBe(true);
    // The give-back pays what b owed; the use goes back to d's ceded share.
    const crossed = m.giveBack('b', 1, 6);
    // b's revoke is done: the next engine with unused uses (d) is asked now, not at the deadline.
    const next = revokeOf(crossed, 'd');
    expect(next).toBeDefined();
    expect(m.revokeAcked('b', revokeB, 3)).toEqual([]);
    expect(grantOf(m.revokeAcked('d', next!, 1), 5)).toBe(1);
  });

  it('takes from an engine whose connections waited recently the uses that came to it since without asking', () => {
    // L = 16, every use exclusive: 4 each.
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b', 'c', 'd'].map((e) => [e, 1] as const), exclusivePercent: 1, waitedMs: 500 });
    m.setLimit(16);
    let reported: Record<string, number> = { a: 4, b: 4, c: 4, d: 0 };
    // d is idle: 2 of its uses are ceded to a.
    const r = m.borrow('a', 1, 2, 1, (e) => reported[e] ?? null);
    expect(grantOf(m.revokeAcked('d', revokeOf(r.orders, 'd')!, 2), 1)).toBe(2);
    // Then d's connections wait (nothing to lend them), and a's end: d's share grows back to 4.
    reported = { a: 6, b: 4, c: 4, d: 2 };
    expect(grantOf(m.borrow('d', 2, 1, 1000, (e) => reported[e] ?? null).orders, 2)).toBe(0);
    m.giveBack('a', 2, 3);
    expect(m.told('d')!.exclusive).toBe(4);
    // b's connections wait 100 ms after d's did: d gives up what it got back and does not use.
    reported = { a: 4, b: 4, c: 4, d: 2 };
    const b = m.borrow('b', 4, 1, 1100, (e) => reported[e] ?? null);
    const revokeD = revokeOf(b.orders, 'd');
    expect(revokeD).toBeDefined();
    expect(grantOf(m.revokeAcked('d', revokeD!, 3), 4)).toBe(1);
  });

  it('lends a waiting borrow only what the uses already on their way to its engine do not cover, so no surplus is kept from others', () => {
    // L = 20, 2 agents × 2 workers: 8 exclusive each, 4 shared, batch 1.
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 2] as const), waitedMs: 500 });
    m.setLimit(20);
    const told = (e: string): number => m.told(e)!.exclusive + m.told(e)!.borrowed;
    // a's connections wait for 5: the 4 shared uses, and one b does not use (ceded).
    let reported: Record<string, number> = { a: 8, b: 0 };
    const r = m.borrow('a', 1, 5, 0, (e) => reported[e] ?? null);
    expect(grantOf(m.revokeAcked('b', revokeOf(r.orders, 'b')!, 7), 1)).toBe(5);
    expect([told('a'), told('b')]).toEqual([13, 7]);
    // Two of a's uses come back: b's ceded share grows back (told 8) and 1 use is shared again.
    m.giveBack('a', 2, 2);
    expect([told('b'), m.pool.sharedFree]).toEqual([8, 1]);
    // b's eighth connection waits: it asked before the grown share reached it (it enforced 7).
    reported = { a: 11, b: 7 };
    expect(grantOf(m.borrow('b', 3, 1, 1000, (e) => reported[e] ?? null, 7).orders, 3)).toBe(0);
    expect(told('b')).toBe(8);
    // a's connections wait 100 ms later: the shared use is theirs, not a surplus b keeps.
    reported = { a: 11, b: 8 };
    expect(grantOf(m.borrow('a', 4, 1, 1100, (e) => reported[e] ?? null, 11).orders, 4)).toBe(1);
  });

  it('keeps for a waiting borrow only what its connections wait for when the uses on their way cover more', () => {
    // L = 30, 2 agents × 2 workers: 12 exclusive each, 6 shared, batch 1 (the skewed row of
    // bench/spillover.ts). a's connections took the 6 shared uses and 4 of b's share.
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 2] as const), waitedMs: 500 });
    m.setLimit(30);
    const told = (e: string): number => m.told(e)!.exclusive + m.told(e)!.borrowed;
    let reported: Record<string, number> = { a: 12, b: 0 };
    const r = m.borrow('a', 1, 10, 0, (e) => reported[e] ?? null);
    expect(grantOf(m.revokeAcked('b', revokeOf(r.orders, 'b')!, 8), 1)).toBe(10);
    expect([told('a'), told('b')]).toEqual([22, 8]);
    // a gives back 2 idle uses: both go to b's ceded share (told 10).
    m.giveBack('a', 2, 2);
    expect([told('a'), told('b'), m.pool.sharedFree]).toEqual([20, 10, 0]);
    // b's ninth connection waits: it asked before the grown share reached it (it enforced 8). The
    // share covers it; the tenth use is not for a connection of b's.
    reported = { a: 20, b: 8 };
    expect(grantOf(m.borrow('b', 3, 1, 1000, (e) => reported[e] ?? null, 8).orders, 3)).toBe(0);
    expect(told('b')).toBe(10);
    // a's connections wait 100 ms later: b's unused use is revoked for them, not kept from them.
    reported = { a: 20, b: 9 };
    const w = m.borrow('a', 4, 1, 1100, (e) => reported[e] ?? null, 20);
    expect(w.waiting).toBe(true);
    expect(grantOf(m.revokeAcked('b', revokeOf(w.orders, 'b')!, 9), 4)).toBe(1);
    expect([told('a'), told('b')]).toEqual([21, 9]);
  });

  it('does not take back, for a borrow answered later in the same pass, the uses it just lent to a waiting borrow', () => {
    // L = 30, 2 agents × 2 workers: 12 exclusive each, 6 shared, batch 1. From earlier bursts a
    // holds 14 and b 15, 1 use is shared; a's connections waited then (kept 14).
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 2] as const), waitedMs: 500 });
    m.setLimit(30);
    const told = (e: string): number => m.told(e)!.exclusive + m.told(e)!.borrowed;
    let reported: Record<string, number> = { a: 12, b: 12 };
    m.borrow('a', 1, 2, -9000, (e) => reported[e] ?? null);
    m.borrow('b', 2, 3, -9000, (e) => reported[e] ?? null);
    expect([told('a'), told('b'), m.pool.sharedFree]).toEqual([14, 15, 1]);
    // A burst: 90 connections at a, which asks for 17; b looks idle (its report is older than its
    // connections) and is revoked. b's connections wait too.
    reported = { a: 0, b: 0 };
    const r = m.borrow('a', 3, 17, 0, (e) => reported[e] ?? null);
    expect(r.waiting).toBe(true);
    reported = { a: 5, b: 0 };
    expect(m.borrow('b', 4, 1, 5, (e) => reported[e] ?? null).waiting).toBe(true);
    // b acknowledges with 6 in flight: a's borrow gets the 9 uses freed, and b's borrow, answered
    // after it, finds a's allowance (24) above a's last report (13) but takes nothing back from it.
    reported = { a: 13, b: 6 };
    const done = m.revokeAcked('b', revokeOf(r.orders, 'b')!, 6);
    expect(grantOf(done, 3)).toBe(10);
    expect(grantOf(done, 4)).toBe(0);
    expect(revokeOf(done, 'a')).toBeUndefined();
    expect(told('a')).toBe(24);
  });

  it('answers at once when no engine has anything to give: the connection spills now', () => {
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 1] as const), exclusivePercent: 1, waitedMs: 0 });
    m.setLimit(8);
    const r = m.borrow('a', 1, 1, 1, () => 4); // every use in use
    expect(r.waiting).toBe(false);
    expect(grantOf(r.orders, 1)).toBe(0);
  });

  it('after a limit drop hands each agent its new share as soon as its acknowledgement leaves room, not once its connections end', () => {
    const m = new QuotaManager<string>({ limit: 0, engines: ['a', 'b'].map((e) => [e, 2] as const), waitedMs: 0 });
    m.setLimit(30);
    const drop = m.setLimit(20);
    const told = (e: string): number => m.told(e)!.exclusive + m.told(e)!.borrowed;
    expect(told('a') + told('b')).toBe(0); // frozen until they say what they hold (Σ committed may pass 20)
    m.revokeAcked('a', revokeOf(drop, 'a')!, 5); // 5 in flight
    m.revokeAcked('b', revokeOf(drop, 'b')!, 3);
    expect([m.told('a')!.exclusive, m.told('b')!.exclusive]).toEqual([8, 8]);
    expect(m.committedBy('a') + m.committedBy('b')).toBeLessThanOrEqual(20);
  });
});
