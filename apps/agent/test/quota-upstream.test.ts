// The agent's pool of its workers (QuotaPrimary) when its whole allowance is in use and it asks the
// control plane for more (a managed agent): the uses granted go to the workers whose connections
// wait for them, not to a share that grew with the limit on a worker that needs none. The primary
// and two workers are wired through queues delivered in order, as the IPC channel delivers.
import { describe, expect, it } from 'vitest';
import { QuotaPrimary } from '../src/quota-primary.js';
import { QuotaWorker, type AcquireResult, type QuotaMessageToEngine, type QuotaMessageToManager } from '../src/quota-worker.js';

function wire(engines: number[]) {
  const toWorker = new Map<number, QuotaMessageToEngine[]>(engines.map((e) => [e, []]));
  const toPrimary = new Map<number, QuotaMessageToManager[]>(engines.map((e) => [e, []]));
  const primary = new QuotaPrimary((engine, msg) => toWorker.get(engine)!.push(msg));
  const workers = new Map(engines.map((e) => [e, new QuotaWorker((msg) => toPrimary.get(e)!.push(msg))]));
  primary.setEngines(engines);
  /** Delivers every message in flight (and those they cause) until none is left. */
  const pump = async (): Promise<void> => {
    for (let busy = true; busy;) {
      busy = false;
      for (const e of engines) {
        for (const m of toWorker.get(e)!.splice(0)) {
          busy = true;
          workers.get(e)!.onMessage(m);
        }
        for (const m of toPrimary.get(e)!.splice(0)) {
          busy = true;
          primary.onMessage(e, m);
        }
      }
      // Replies resolve acquires, whose next steps run on microtasks.
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
  };
  /** Delivers only what is queued now for worker `e` (`first`: only that many messages), and lets its acquires move on. */
  const toWorkerOf = async (e: number, first = Infinity): Promise<void> => {
    for (const m of toWorker.get(e)!.splice(0, first)) workers.get(e)!.onMessage(m);
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  /** Delivers what worker `e` has sent so far to the primary. */
  const fromWorkerOf = (e: number): void => {
    for (const m of toPrimary.get(e)!.splice(0)) primary.onMessage(e, m);
  };
  return { primary, workers, pump, toWorker, toWorkerOf, fromWorkerOf };
}

describe("the agent's pool asking the control plane for uses", () => {
  it('lends the uses the control plane grants to the workers whose connections wait, and asks only for what they need', async () => {
    const { primary, workers, pump } = wire([1, 2]);
    let limit = 8;
    const asked: number[] = [];
    // The control plane grants what is asked (it has room); the grant is applied through setLimit.
    primary.upstream = (vs, want) => {
      asked.push(want);
      limit += want;
      primary.setLimit(vs, limit);
      return Promise.resolve(true);
    };
    primary.setLimit('v', limit);
    await pump();
    // Five connections at each worker: 10 uses needed, 8 allowed, 2 to ask for.
    const results: Promise<AcquireResult>[] = [];
    for (const w of workers.values()) for (let i = 0; i < 5; i++) results.push(w.acquire('v'));
    await pump();
    // A connection handed to the other worker is taken there (as the engine does).
    const outcomes = await Promise.all(
      results.map(async (r, i) => {
        const got = await r;
        if (got.kind !== 'handoff') return got.kind;
        const next = workers.get(got.engine)!.acquire('v', [i < 5 ? 1 : 2]);
        await pump();
        return (await next).kind;
      }),
    );
    await pump();
    expect(outcomes.every((k) => k === 'granted')).toBe(true);
    let active = 0;
    for (const w of workers.values()) active += w.view('v')!.active;
    expect(active).toBe(10);
    // Only the two missing uses were asked for, and no worker holds one it does not use.
    expect(asked.reduce((a, n) => a + n, 0)).toBe(2);
    expect(limit).toBe(10);
    for (const w of workers.values()) {
      const v = w.view('v')!;
      expect(v.exclusive + v.borrowed).toBe(v.active);
    }
  });
});

describe("the agent's acknowledgement of a revoke", () => {
  it('gives up a use one worker holds unused when the cut lands on the other: committed is what is in flight once both answered', async () => {
    const { primary, workers, pump } = wire([1, 2]);
    primary.setLimit('v', 11);
    await pump();
    // Worker 1 takes 6 uses and ends one of them; worker 2 takes 5: 10 in flight, 1 unused on worker 1.
    const results: Promise<AcquireResult>[] = [];
    for (const [e, w] of workers) for (let i = 0; i < (e === 1 ? 6 : 5); i++) results.push(w.acquire('v'));
    await pump();
    expect((await Promise.all(results)).every((r) => r.kind === 'granted')).toBe(true);
    workers.get(1)!.release('v');
    await pump();
    // The control plane revokes the unused use: the agent's allowance drops to 10.
    primary.setLimit('v', 10);
    await pump();
    expect(primary.settled('v')).toBe(true);
    expect(primary.committed('v')).toBe(10);
    let allowed = 0;
    for (const w of workers.values()) allowed += w.view('v')!.exclusive + w.view('v')!.borrowed;
    expect(allowed).toBeLessThanOrEqual(10);
  });
});

describe('a connection a worker handed on while full', () => {
  it('goes back to that worker once its share grew, rather than spill with the use unused', async () => {
    const { primary, workers, pump } = wire([1, 2]);
    const [w1, w2] = [workers.get(1)!, workers.get(2)!];
    // Limit 4: an exclusive use each, 2 shared, lent one at a time. No control plane above.
    primary.setLimit('v', 4);
    await pump();
    // Five connections at worker 1: its use and the 2 shared ones; the last two are handed to worker 2.
    const first = Array.from({ length: 5 }, () => w1.acquire('v'));
    await pump();
    const outcomes = await Promise.all(first);
    expect(outcomes.map((r) => r.kind)).toEqual(['granted', 'granted', 'granted', 'handoff', 'handoff']);
    // Worker 2 takes the first on its use; the second asks the primary for one...
    expect(await w2.acquire('v', [1, 2])).toEqual({ kind: 'granted' });
    const last = w2.acquire('v', [1, 2]);
    // ...while the limit grows by one and the grown share lands on worker 1 (topped up first).
    primary.setLimit('v', 5);
    await pump();
    const r = await last;
    expect(r).toEqual({ kind: 'handoff', engine: 1 });
    // Worker 1 (where the connection was at first) takes it: 5 in flight at limit 5.
    const back = w1.acquire('v', [1, 2, 1]);
    await pump();
    expect(await back).toEqual({ kind: 'granted' });
    expect(w1.view('v')!.active + w2.view('v')!.active).toBe(5);
  });
});

describe('a use the control plane grants for a connection waiting at a worker', () => {
  it('that a newer connection of the same worker takes first makes the waiting one ask again, not spill', async () => {
    const { primary, workers, pump, toWorker, toWorkerOf, fromWorkerOf } = wire([1, 2]);
    const [w1, w2] = [workers.get(1)!, workers.get(2)!];
    let limit = 4;
    // The control plane answers when the test says (each grant applied through setLimit, as the control client does).
    const asks: Array<() => void> = [];
    primary.upstream = (vs) =>
      new Promise<boolean>((resolve) =>
        asks.push(() => {
          primary.setLimit(vs, ++limit);
          resolve(true);
        }),
      );
    primary.setLimit('v', limit);
    await pump();
    // Every use in flight: 3 at worker 1 (its exclusive one and the 2 shared), 1 at worker 2.
    const taken = [w1.acquire('v'), w1.acquire('v'), w1.acquire('v'), w2.acquire('v')];
    await pump();
    expect((await Promise.all(taken)).map((r) => r.kind)).toEqual(['granted', 'granted', 'granted', 'granted']);
    // Connection A at worker 1 finds nothing anywhere: the primary asks the control plane for it.
    let a: AcquireResult | null = null;
    void w1.acquire('v').then((r) => (a = r));
    await pump();
    expect(asks).toHaveLength(1);
    // The control plane grants one use; the primary lends it to worker 1 for A (an allowance
    // message, then the reply to A's borrow, on worker 1's channel) and worker 2 hears its allowance.
    asks.shift()!();
    await toWorkerOf(2);
    fromWorkerOf(2);
    expect(toWorker.get(1)!.map((m) => m.t)).toEqual(['q.allowance', 'q.reply']);
    // Worker 1 reads the allowance; connection B arrives there before the reply is read and takes the use.
    await toWorkerOf(1, 1);
    expect(await w1.acquire('v')).toEqual({ kind: 'granted' });
    await toWorkerOf(1);
    await pump();
    // A asked again (no spill), the control plane was asked again, and its grant admits A.
    expect(a).toBeNull();
    expect(asks).toHaveLength(1);
    asks.shift()!();
    await pump();
    expect(a).toEqual({ kind: 'granted' });
    expect(w1.view('v')!.active + w2.view('v')!.active).toBe(6);
  });
});
