// One engine's side of the quota of each vserver: the uses it holds (exclusive + borrowed) and
// the uses in progress. Taking a use is local and synchronous while the allowance lasts; past
// it the engine asks its pool manager for a batch, which answers with a grant, the name of an
// engine that still has room (hand the connection there), or nothing (the agent is full).
//
// The manager runs @spillway/core's QuotaPool in `reported` tracking: this engine enforces the
// allowance it was given (exclusive + borrowed) and answers every allowance message with its uses in
// flight (the pool settles what it owes after a cut); a use ending while the engine is above its
// allowance is given back one by one. An allowance message carries the id of the last return the manager
// had processed, so returns still in flight are not counted twice when the engine adopts it.
//
// Allowances are leased: when the agent is managed, every allowance it holds is part of what the
// control plane lent the agent, for as long as the agent's lease lasts. The primary hands its
// engines the lease's deadline (`q.lease`, on the host's monotonic clock, renewed with every
// heartbeat the control plane acknowledges); past it an engine admits nothing on its allowance
// (the connection spills) until the primary renews it. So an engine whose primary is stopped, or
// an agent resumed after its lease ended, never admits on uses the control plane has re-lent.

import { idleBorrowed } from '@spillway/core';

export type QuotaMessageToManager =
  /** `tried`: the engines the connection was at already, this one included (one entry per visit): the manager picks the engine to hand it to knowing them. */
  | { t: 'q.borrow'; vs: string; id: number; tried?: number[] }
  /** `owed`: a use above the allowance ended (not a borrowed batch going back). */
  | { t: 'q.return'; vs: string; n: number; id: number; owed?: boolean }
  /** `active` (uses in flight, without forced ones) answers an allowance message. */
  | { t: 'q.room'; vs: string; room: boolean; active?: number }
  /** The answer to `q.sync` `id`: everything this engine sent before it is on its way ahead of it. */
  | { t: 'q.synced'; vs: string; id: number };

export type QuotaMessageToEngine =
  /** The lease on every allowance of this engine ends at `until` (monotonicMs); null: no end (standalone). */
  | { t: 'q.lease'; until: number | null }
  /** `ack`: the id of the last return of this engine the manager had processed. */
  | { t: 'q.allowance'; vs: string; exclusive: number; borrowed: number; batch: number; ack: number }
  /**
   * `lent`: the manager lent this engine a use for this borrow in an allowance message ahead of the
   * reply (a use the control plane granted for the connection waiting): one that another connection
   * of this engine took meanwhile makes the borrow ask again, not spill.
   */
  | { t: 'q.reply'; vs: string; id: number; granted: number; handoffTo: number | null; lent?: boolean }
  | { t: 'q.drop'; vs: string }
  /** Answer with `q.synced` at once (QuotaPrimary's sync round: a borrow waits for it before it spills). */
  | { t: 'q.sync'; vs: string; id: number };

/**
 * Milliseconds of the host's monotonic clock (CLOCK_MONOTONIC on Linux, the clock of
 * process.hrtime): the same in every process of the agent, so the primary's lease deadline means
 * the same instant to its workers, and it keeps running while a process is stopped.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export type AcquireResult = { kind: 'granted' } | { kind: 'handoff'; engine: number } | { kind: 'exhausted' };

type Reply = Pick<Extract<QuotaMessageToEngine, { t: 'q.reply' }>, 'granted' | 'handoffTo' | 'lent'>;

interface Allowance {
  exclusive: number;
  borrowed: number;
  batch: number;
  active: number;
  room: boolean;
  /** Uses taken above the allowance by action accept: they end without anything to give back. */
  forced: number;
  /** Borrowed batches sent back that the manager may not have processed yet. */
  returns: { id: number; n: number }[];
  pending: Map<number, (r: Reply) => void>;
}

export class QuotaWorker {
  private readonly allowances = new Map<string, Allowance>();
  private nextId = 1;
  /** End of the lease on every allowance (monotonicMs); Infinity: none. */
  private until = Number.POSITIVE_INFINITY;

  constructor(private readonly send: (msg: QuotaMessageToManager) => void) {}

  /** True when the vserver has a connection limit under quota (its manager sent an allowance). */
  limited(vs: string): boolean {
    return this.allowances.has(vs);
  }

  onMessage(msg: QuotaMessageToEngine): void {
    if (msg.t === 'q.lease') {
      this.until = msg.until ?? Number.POSITIVE_INFINITY;
      return;
    }
    if (msg.t === 'q.drop') {
      this.allowances.delete(msg.vs);
      return;
    }
    if (msg.t === 'q.sync') {
      this.send({ t: 'q.synced', vs: msg.vs, id: msg.id });
      return;
    }
    if (msg.t === 'q.allowance') {
      const l = this.allowanceOf(msg.vs);
      // The manager's view, minus the batches it had not seen come back yet (grants always
      // arrive before an allowance message that counts them: one channel, in order).
      while (l.returns.length > 0 && l.returns[0]!.id <= msg.ack) l.returns.shift();
      let inFlight = 0;
      for (const r of l.returns) inFlight += r.n;
      l.exclusive = msg.exclusive;
      l.borrowed = Math.max(0, msg.borrowed - inFlight);
      l.batch = msg.batch;
      // Always answered: the manager counts an engine it just gave uses as having room until
      // this answer says otherwise (so a burst right after a change never spills early).
      this.reportRoom(msg.vs, l, true);
      return;
    }
    const l = this.allowances.get(msg.vs);
    const cb = l?.pending.get(msg.id);
    if (!l || !cb) return;
    l.pending.delete(msg.id);
    l.borrowed += msg.granted;
    cb(msg);
  }

  /** Takes one use of `vs`, borrowing a batch when the allowance is used up. */
  async acquire(vs: string, exclude: readonly number[] = []): Promise<AcquireResult> {
    for (;;) {
      const l = this.allowances.get(vs);
      if (!l) return { kind: 'granted' };
      if (this.tryAcquire(vs)) return { kind: 'granted' };
      // Past the lease nothing can be borrowed either (the primary's lease is the same one).
      if (this.leaseEnded()) return { kind: 'exhausted' };
      const id = this.nextId++;
      const reply = await new Promise<Reply>((resolve) => {
        l.pending.set(id, resolve);
        this.send({ t: 'q.borrow', vs, id, tried: [...exclude] });
      });
      // Granted, or lent in the allowance: taken at once; when a newer connection of this engine
      // took it first (its acquire ran between the allowance message and this reply), ask again.
      if (reply.granted > 0 || reply.lent === true) continue;
      // The allowance may have grown while the borrow waited (a grant from the control plane).
      if (this.tryAcquire(vs)) return { kind: 'granted' };
      // The manager named the engine knowing where the connection was already: one it left while
      // full may have room now (core's QuotaPool.spilloverEngine), which would otherwise lie
      // unused while this connection spills without the control plane even being asked.
      if (reply.handoffTo !== null) return { kind: 'handoff', engine: reply.handoffTo };
      return { kind: 'exhausted' };
    }
  }

  /** Takes one use only if the allowance it has right now allows it. */
  tryAcquire(vs: string): boolean {
    const l = this.allowances.get(vs);
    if (!l) return true;
    if (l.active >= l.exclusive + l.borrowed) return false;
    if (this.until !== Number.POSITIVE_INFINITY && monotonicMs() >= this.until) return false;
    l.active++;
    this.reportRoom(vs, l);
    return true;
  }

  /** Uses of `vs` this engine may still take on its allowance now (Infinity without a limit). */
  free(vs: string): number {
    const l = this.allowances.get(vs);
    if (!l) return Number.POSITIVE_INFINITY;
    if (this.leaseEnded()) return 0;
    return Math.max(0, l.exclusive + l.borrowed - l.active);
  }

  /**
   * Adds `n` uses of `vs` the manager lent without a borrow of this engine (QuotaPrimary.lend, when
   * the primary admits a waiter of this engine): the same as a granted borrow.
   */
  grant(vs: string, n: number): void {
    const l = this.allowances.get(vs);
    if (l && n > 0) l.borrowed += n;
  }

  /** Takes a use above the allowance (action accept): counted, so it delays later admissions. */
  force(vs: string): void {
    const l = this.allowances.get(vs);
    if (l) {
      l.active++;
      l.forced++;
      this.reportRoom(vs, l);
    }
  }

  release(vs: string): void {
    const l = this.allowances.get(vs);
    if (!l || l.active === 0) return;
    const over = l.active > l.exclusive + l.borrowed;
    l.active--;
    if (over) {
      // Above the allowance (it was cut, or action accept forced uses): a forced use ends with
      // nothing to give back; any other is a use the pool counts as owed.
      if (l.forced > 0) l.forced--;
      else this.send({ t: 'q.return', vs, n: 1, id: this.nextId++, owed: true });
    } else {
      l.forced = 0;
      // 004: borrowed batches go back once they are no longer needed (core's rule).
      const back = idleBorrowed(l.exclusive, l.borrowed, l.active, l.batch, true);
      if (back > 0) {
        l.borrowed -= back;
        const id = this.nextId++;
        l.returns.push({ id, n: back });
        this.send({ t: 'q.return', vs, n: back, id });
      }
    }
    this.reportRoom(vs, l);
  }

  /** True once the lease on this engine's allowances has ended (and was not renewed). */
  leaseEnded(): boolean {
    return this.until !== Number.POSITIVE_INFINITY && monotonicMs() >= this.until;
  }

  view(vs: string): { exclusive: number; borrowed: number; active: number } | undefined {
    const l = this.allowances.get(vs);
    return l ? { exclusive: l.exclusive, borrowed: l.borrowed, active: l.active } : undefined;
  }

  private allowanceOf(vs: string): Allowance {
    let l = this.allowances.get(vs);
    if (!l) {
      l = { exclusive: 0, borrowed: 0, batch: 1, active: 0, room: false, forced: 0, returns: [], pending: new Map() };
      this.allowances.set(vs, l);
    }
    return l;
  }

  /** Tells the manager only when this engine starts or stops having unused uses (rare). */
  private reportRoom(vs: string, l: Allowance, answer = false): void {
    const room = l.active < l.exclusive + l.borrowed;
    if (answer) {
      l.room = room;
      this.send({ t: 'q.room', vs, room, active: l.active - l.forced });
      return;
    }
    if (room !== l.room) {
      l.room = room;
      this.send({ t: 'q.room', vs, room });
    }
  }
}
