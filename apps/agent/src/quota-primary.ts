// The primary's pool manager for its workers (004 lines 1215-1328), one pool per vserver with a
// connection limit. The limit it splits is the agent's allowance for the vserver: the
// whole threshold in standalone mode, or what the control plane grants when the agent is one
// engine of the global pool (setLimit is the single entry point for both).
//
// A managed agent's allowance is leased (setLease: the deadline by which the control plane may
// re-lend it, from the control client): past it the pool grants nothing, and the engines, which
// hold the same deadline, admit nothing on their allowances, until the lease is renewed.
import { QuotaPool } from '@spillway/core';
import { monotonicMs, type QuotaMessageToEngine, type QuotaMessageToManager } from './quota-worker.js';

export interface QuotaView {
  limit: number;
  shared: number;
  engines: Record<string, { exclusive: number; borrowed: number; owed: number; room: boolean }>;
}

/**
 * Asks whoever sets this agent's limit (the control plane) for `want` more uses of `vs` at once;
 * resolves once the answer was applied through setLimit: true when uses were added, false when
 * none could be (shared pool empty, control plane unreachable, deadline passed).
 */
export type QuotaUpstream = (vs: string, want: number) => Promise<boolean>;

interface Waiter {
  engine: number;
  id: number;
  /** The engines its connection was at already (QuotaMessageToManager's q.borrow). */
  tried: readonly number[];
}

/**
 * A sync round of one vserver: the borrows it was started for, and the engines (those holding
 * uses) whose answer to `q.sync` (id) it waits for. Each engine sends its messages in order on one
 * channel, so once it answered, every use it gave back before it read the question has been
 * counted here; the channels of two engines keep no order between them.
 */
interface SyncRound {
  id: number;
  unanswered: Set<number>;
  borrows: Waiter[];
  timer: NodeJS.Timeout;
}

/** The longest a sync round waits for an engine's answer (one stopped or stuck) before its borrows are answered without it. */
export const SYNC_ROUND_MS = 100;

export class QuotaPrimary {
  private readonly pools = new Map<string, QuotaPool<number>>();
  /** Per vserver and engine: the id of its last return processed, and the exclusive share last sent. */
  private readonly acks = new Map<string, Map<number, number>>();
  private readonly sent = new Map<string, Map<number, number>>();
  private readonly room = new Map<string, Map<number, boolean>>();
  /**
   * Per vserver and engine: allowance messages sent and not answered yet. Only the answer to the last
   * one settles what the engine owes: an earlier answer counts the uses in flight under an older,
   * larger allowance, and the engine may have admitted more since (a stale count would let the
   * pool believe it owes less than it may hold).
   */
  private readonly unanswered = new Map<string, Map<number, number>>();
  private engines: number[] = [];
  private starting: number[] = [];
  /** Borrows waiting until the upstream answers (only with an upstream: a managed agent). */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly asking = new Set<string>();
  /** Per vserver: the sync round in flight, and the borrows that came while it was (the next round's). */
  private readonly syncing = new Map<string, SyncRound>();
  private readonly nextRound = new Map<string, Waiter[]>();
  private roundId = 1;
  upstream: QuotaUpstream | null = null;
  /** End of the agent's lease (monotonicMs); null: none (standalone, or not yet managed). */
  private lease: number | null = null;

  constructor(private readonly send: (engine: number, msg: QuotaMessageToEngine) => void) {}

  /**
   * Sets the engines that share the limit (`serving`: configured and listening) and the engines
   * still starting. A starting engine holds nothing: it is told its vservers are limited (an
   * allowance of 0), so it borrows or hands connections off, and the serving engines keep the
   * whole allowance until it can use a share itself (a replacement worker must not take uses
   * away from the others before it listens, or the agent spills with uses unused).
   */
  setEngines(serving: number[], starting: number[] = []): void {
    const gone = this.engines.filter((e) => !serving.includes(e));
    const added = serving.filter((e) => !this.engines.includes(e));
    const newcomers = starting.filter((e) => !this.starting.includes(e));
    this.engines = [...serving];
    this.starting = starting.filter((e) => !serving.includes(e));
    // The lease first: an engine never holds an allowance without its deadline.
    if (this.lease !== null) for (const e of new Set([...newcomers, ...added])) this.send(e, { t: 'q.lease', until: this.lease });
    for (const [vs, pool] of this.pools) {
      for (const e of gone) {
        pool.removeEngine(e);
        this.room.get(vs)?.delete(e);
        this.unanswered.get(vs)?.delete(e);
      }
      for (const e of added) pool.addEngine(e);
      if (gone.length || added.length) this.pushAll(vs);
      else for (const e of newcomers) this.sendAllowance(e, { t: 'q.allowance', vs, exclusive: 0, borrowed: 0, batch: pool.batch, ack: 0 });
    }
    // An engine gone answers no sync round (what it held came back to the pool above).
    for (const e of gone) for (const vs of [...this.syncing.keys()]) this.synced(vs, e, null);
  }

  /**
   * Uses this agent's engines may have in flight on `vs`: Σ (allowance + owed) of its pool, never
   * clamped to the limit (right after a cut it is above it until the engines settle or give
   * back); null when the vserver has no limit here. What a revoke acknowledgement may claim back.
   */
  committed(vs: string): number | null {
    return this.pools.get(vs)?.committed ?? null;
  }

  /**
   * True when every engine answered the last allowance message of `vs` with its uses in flight
   * (or `vs` has no limit here): committed(vs) counts what they hold, not the whole cut as owed.
   * A revoke is acknowledged once it is (the control plane takes what an acknowledgement still
   * claims as in use, and stops waiting for it).
   */
  settled(vs: string): boolean {
    const m = this.unanswered.get(vs);
    if (!m) return true;
    for (const e of this.engines) if ((m.get(e) ?? 0) > 0) return false;
    return true;
  }

  /**
   * Sets the end of the agent's lease on its allowances (monotonicMs; null: none) and hands it to
   * every engine: the same deadline for all, on one clock, so none admits past it.
   */
  setLease(until: number | null): void {
    if (until === this.lease) return;
    this.lease = until;
    for (const e of [...this.engines, ...this.starting]) this.send(e, { t: 'q.lease', until });
  }

  private leaseEnded(): boolean {
    return this.lease !== null && monotonicMs() >= this.lease;
  }

  /** Sets (or with null removes) the connection limit of a vserver and re-splits it at once. */
  setLimit(vs: string, limit: number | null): void {
    const pool = this.pools.get(vs);
    if (limit === null) {
      if (!pool) return;
      this.pools.delete(vs);
      this.room.delete(vs);
      this.acks.delete(vs);
      this.sent.delete(vs);
      // Waiting borrows are answered when the upstream replies (with no pool: nothing granted).
      for (const e of [...this.engines, ...this.starting]) this.send(e, { t: 'q.drop', vs });
      return;
    }
    if (pool) {
      if (pool.limit !== limit) {
        // Uses the control plane grants for connections waiting here go to their workers (core's
        // growFor), not to a share that grew with the limit on a worker that needs none: that
        // worker would hold them unused while the waiting one asked again, and another agent's
        // connections would spill meanwhile.
        const list = this.waiting.get(vs) ?? [];
        const lent = pool.growFor(limit, this.leaseEnded() ? [] : list.map((w) => w.engine));
        this.pushAll(vs);
        // Answered after the allowance message that carries the use (one channel, in order): the
        // worker admits on its grown allowance, or asks again when a newer connection there took
        // the use in between (`lent`: without it that connection spilled with the control plane
        // never asked again).
        const served = list.filter((_, i) => lent[i]);
        if (served.length > 0) {
          this.waiting.set(
            vs,
            list.filter((_, i) => !lent[i]),
          );
          for (const w of served) this.send(w.engine, { t: 'q.reply', vs, id: w.id, granted: 0, handoffTo: null, lent: true });
        }
      }
      return;
    }
    const created = new QuotaPool<number>({ limit, engines: this.engines, tracking: 'reported' });
    this.pools.set(vs, created);
    this.room.set(vs, new Map());
    this.acks.set(vs, new Map());
    this.sent.set(vs, new Map());
    this.pushAll(vs);
  }

  onMessage(engine: number, msg: QuotaMessageToManager): void {
    if (msg.t === 'q.synced') {
      this.synced(msg.vs, engine, msg.id);
      return;
    }
    // Counted even without a pool: the engine answers every allowance message, dropped vserver or not.
    const answer = msg.t === 'q.room' && msg.active !== undefined;
    // A room report of an engine that has not answered the last allowance message yet (an earlier
    // answer, or a change it reported before the message reached it) is about an older allowance.
    const current = answer ? this.answered(msg.vs, engine) : !this.awaiting(msg.vs, engine);
    const latest = answer && current;
    const pool = this.pools.get(msg.vs);
    if (!pool) {
      if (msg.t === 'q.borrow') this.send(engine, { t: 'q.reply', vs: msg.vs, id: msg.id, granted: 0, handoffTo: null });
      return;
    }
    switch (msg.t) {
      case 'q.room':
        // Only a report under the last allowance sent counts: an older one (say "full" under the
        // share it had before it grew) would overwrite the room pushTo assumes until the answer,
        // and a borrow would spill while that engine has unused uses.
        if (current) this.room.get(msg.vs)?.set(engine, msg.room);
        // The answer to an allowance message: what the engine really has in flight settles what it owes.
        if (latest && msg.active !== undefined && pool.has(engine)) {
          pool.settle(engine, msg.active);
          this.pushGrown(msg.vs);
        }
        return;
      case 'q.return':
        this.acks.get(msg.vs)?.set(engine, msg.id);
        // An owed use that ended pays back an owed use only: when the pool already settled it (the
        // engine's count came first), it must not be taken from the engine's borrowed uses.
        if (msg.owed) {
          const owed = pool.holding(engine).owed;
          if (owed > 0) pool.giveBack(engine, Math.min(msg.n, owed));
        } else pool.giveBack(engine, msg.n);
        this.pushGrown(msg.vs);
        return;
      case 'q.borrow': {
        const w = { engine, id: msg.id, tried: msg.tried ?? [] };
        if (!this.borrowFor(msg.vs, w)) this.sync(msg.vs, pool, w);
      }
    }
  }

  /**
   * Answers a borrow with a grant, the engine to hand the connection to, or (a managed agent, and
   * `ask`) a wait for the control plane; false, unanswered, when there is nothing to lend and nobody
   * to hand it to or ask: the connection would spill (after a sync round). `ask` is false once the
   * control plane answered the borrow with nothing.
   */
  private borrowFor(vs: string, w: Waiter, ask = true): boolean {
    const pool = this.pools.get(vs);
    // Past the lease the allowance may be lent to other agents already: spill, do not wait.
    if (!pool || this.leaseEnded()) {
      this.refuse(vs, w);
      return true;
    }
    const granted = pool.borrow(w.engine);
    if (granted > 0) {
      this.send(w.engine, { t: 'q.reply', vs, id: w.id, granted, handoffTo: null });
      return true;
    }
    const handoffTo = this.spilloverEngine(vs, w.engine, w.tried);
    if (handoffTo !== null) {
      this.send(w.engine, { t: 'q.reply', vs, id: w.id, granted: 0, handoffTo });
      return true;
    }
    if (!this.upstream || !ask) return false;
    // The agent's whole allowance is in use: hold the connection and ask for more at once
    // rather than spill while the global pool may still have room.
    const list = this.waiting.get(vs) ?? [];
    list.push(w);
    this.waiting.set(vs, list);
    this.askUpstream(vs);
    return true;
  }

  /** No use for the borrow `w`: its connection spills (or goes on along its chain). */
  private refuse(vs: string, w: Waiter): void {
    this.send(w.engine, { t: 'q.reply', vs, id: w.id, granted: 0, handoffTo: null });
  }

  /**
   * A borrow that found nothing waits, before its connection spills, until every other engine
   * holding uses of `vs` answered a `q.sync` (a sync round): a use an engine gave back just before
   * the borrow came travels on that engine's channel, which the borrow's channel does not wait for
   * (its connection's client may already have had its answer and be the one asking again, through
   * the other engine); without the round the connection spilled with that use unused, an early
   * spill. One round in flight per vserver: borrows that come meanwhile wait for the next (the
   * round in flight may have been answered before what they wait for was given back). Refused at
   * once when no other engine holds a use.
   */
  private sync(vs: string, pool: QuotaPool<number>, w: Waiter): void {
    if (this.syncing.has(vs)) {
      const next = this.nextRound.get(vs) ?? [];
      next.push(w);
      this.nextRound.set(vs, next);
      return;
    }
    if (!this.startRound(vs, pool, [w])) this.refuse(vs, w);
  }

  /**
   * Sends the questions of a sync round for `borrows`: to every engine holding uses of `vs` but the
   * one asking (when one engine asks for all: its own give-backs come on its channel, ahead of its
   * borrows). False when there is no engine to ask.
   */
  private startRound(vs: string, pool: QuotaPool<number>, borrows: Waiter[]): boolean {
    const only = borrows.every((b) => b.engine === borrows[0]!.engine) ? borrows[0]!.engine : null;
    const asked = this.engines.filter((e) => {
      if (e === only) return false;
      const h = pool.holding(e);
      return h.exclusive + h.borrowed + h.owed > 0;
    });
    if (asked.length === 0) return false;
    const id = this.roundId++;
    const timer = setTimeout(() => this.endRound(vs, id), SYNC_ROUND_MS);
    timer.unref();
    this.syncing.set(vs, { id, unanswered: new Set(asked), borrows, timer });
    for (const e of asked) this.send(e, { t: 'q.sync', vs, id });
    return true;
  }

  /** `engine` answered sync round `id` of `vs` (null: it is gone); the last answer ends the round. */
  private synced(vs: string, engine: number, id: number | null): void {
    const round = this.syncing.get(vs);
    if (!round || (id !== null && id !== round.id) || !round.unanswered.delete(engine) || round.unanswered.size > 0) return;
    this.endRound(vs, round.id);
  }

  /**
   * Sync round `id` of `vs` is over (every engine asked answered, or SYNC_ROUND_MS passed: an engine
   * that does not answer, stopped or stuck, delays a spill that long at most): its borrows are
   * answered on what the pool holds now; those that came meanwhile are asked anew, and the ones
   * that still find nothing wait for one next round together.
   */
  private endRound(vs: string, id: number): void {
    const round = this.syncing.get(vs);
    if (round?.id !== id) return;
    clearTimeout(round.timer);
    this.syncing.delete(vs);
    for (const w of round.borrows) if (!this.borrowFor(vs, w, false)) this.refuse(vs, w);
    const next = this.nextRound.get(vs) ?? [];
    this.nextRound.delete(vs);
    const still = next.filter((w) => !this.borrowFor(vs, w, false));
    const pool = this.pools.get(vs);
    if (still.length > 0 && !(pool && this.startRound(vs, pool, still))) for (const w of still) this.refuse(vs, w);
  }

  /**
   * Lends `engine` one batch of `vs` without a borrow message (the service-state primary admits a
   * waiter of that engine on it; the engine adds it with QuotaWorker.grant): how many, 0 when none.
   */
  lend(vs: string, engine: number): number {
    const pool = this.pools.get(vs);
    if (!pool || this.leaseEnded() || !this.engines.includes(engine)) return 0;
    return pool.borrow(engine);
  }

  /** Uses of `vs` a borrow can get now (0 without a pool). */
  sharedFree(vs: string): number {
    return this.pools.get(vs)?.sharedFree ?? 0;
  }

  /** True when `engine` last said it has unused uses of `vs` (or was just lent some). */
  hasRoom(vs: string, engine: number): boolean {
    return this.room.get(vs)?.get(engine) === true;
  }

  /**
   * 004's spillover engine: an engine other than `engine` that still has unused uses, for a
   * connection that was at the engines `tried` already (core's rule: one it visited once only when
   * no other has room, never one it visited twice).
   */
  spilloverEngine(vs: string, engine: number, tried: readonly number[] = []): number | null {
    const pool = this.pools.get(vs);
    if (!pool) return null;
    const room = this.room.get(vs);
    return pool.spilloverEngine(engine, (e) => (room?.get(e) === true ? 1 : 0), tried);
  }

  private askUpstream(vs: string): void {
    const upstream = this.upstream;
    if (this.asking.has(vs) || !upstream) return;
    const want = this.waiting.get(vs)?.length ?? 0;
    if (want === 0) return;
    this.asking.add(vs);
    void upstream(vs, want)
      .catch(() => false)
      .then((added) => {
        this.asking.delete(vs);
        const list = this.waiting.get(vs) ?? [];
        const pool = this.pools.get(vs);
        while (list.length > 0) {
          const w = list[0]!;
          const granted = pool && this.engines.includes(w.engine) && !this.leaseEnded() ? pool.borrow(w.engine) : 0;
          if (granted === 0) break;
          list.shift();
          this.send(w.engine, { t: 'q.reply', vs, id: w.id, granted, handoffTo: null });
        }
        if (list.length > 0 && added && pool) {
          this.askUpstream(vs);
          return;
        }
        this.waiting.delete(vs);
        // The control plane had nothing: what is left goes through a sync round before it spills,
        // as a standalone agent's borrow does (a use another worker gave back, or room it reported,
        // may still be on that worker's channel).
        for (const w of list) if (!this.borrowFor(vs, w, false)) this.sync(vs, this.pools.get(vs)!, w);
      });
  }

  view(): Record<string, QuotaView> {
    const out: Record<string, QuotaView> = {};
    for (const [vs, pool] of this.pools) {
      const room = this.room.get(vs);
      out[vs] = {
        limit: pool.limit,
        shared: pool.sharedFree,
        engines: Object.fromEntries(
          this.engines.map((e) => {
            const a = pool.holding(e);
            return [String(e), { exclusive: a.exclusive, borrowed: a.borrowed, owed: a.owed, room: room?.get(e) ?? false }];
          }),
        ),
      };
    }
    return out;
  }

  private pushAll(vs: string): void {
    const pool = this.pools.get(vs);
    if (!pool) return;
    for (const e of this.engines) this.pushTo(vs, pool, e);
    for (const e of this.starting) this.sendAllowance(e, { t: 'q.allowance', vs, exclusive: 0, borrowed: 0, batch: pool.batch, ack: 0 });
  }

  private sendAllowance(e: number, msg: Extract<QuotaMessageToEngine, { t: 'q.allowance' }>): void {
    let m = this.unanswered.get(msg.vs);
    if (!m) {
      m = new Map();
      this.unanswered.set(msg.vs, m);
    }
    m.set(e, (m.get(e) ?? 0) + 1);
    this.send(e, msg);
  }

  /** True while `e` has not answered every allowance message of `vs` sent to it. */
  private awaiting(vs: string, e: number): boolean {
    return (this.unanswered.get(vs)?.get(e) ?? 0) > 0;
  }

  /** Counts an engine's answer to an allowance message; true when it answers the last one sent. */
  private answered(vs: string, e: number): boolean {
    const m = this.unanswered.get(vs);
    const left = Math.max(0, (m?.get(e) ?? 0) - 1);
    if (left === 0) m?.delete(e);
    else m?.set(e, left);
    return left === 0;
  }

  /** Pushes the allowance of the engines whose exclusive share grew since last sent (the pool tops shares up as uses come back). */
  private pushGrown(vs: string): void {
    const pool = this.pools.get(vs);
    const sent = this.sent.get(vs);
    if (!pool || !sent) return;
    for (const e of this.engines) if (pool.holding(e).exclusive !== sent.get(e)) this.pushTo(vs, pool, e);
  }

  private pushTo(vs: string, pool: QuotaPool<number>, e: number): void {
    const a = pool.holding(e);
    this.sent.get(vs)?.set(e, a.exclusive);
    // Until the engine answers this allowance message (it always does), it is assumed to have room:
    // at worst a connection is handed to it in vain (it passes it on, or spills when every
    // engine is full), never a spill while uses lie unused.
    if (a.exclusive + a.borrowed > 0) this.room.get(vs)?.set(e, true);
    this.sendAllowance(e, { t: 'q.allowance', vs, exclusive: a.exclusive, borrowed: a.borrowed, batch: pool.batch, ack: this.acks.get(vs)?.get(e) ?? 0 });
  }
}
