// The agent's pool of its workers (QuotaPrimary) when a borrow finds nothing: before its connection
// spills, every other worker holding uses answers a sync round, so a use given back just before
// (on that worker's own channel, which the borrow's does not wait for) is counted. The primary and
// two workers are wired through one queue per channel and direction, delivered one channel at a
// time, so the test chooses how the channels of two workers interleave, as the kernel may.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuotaPrimary, SYNC_ROUND_MS } from '../src/quota-primary.js';
import { QuotaWorker, type AcquireResult, type QuotaMessageToEngine, type QuotaMessageToManager } from '../src/quota-worker.js';

function channels(engines: number[]) {
  const toWorker = new Map<number, QuotaMessageToEngine[]>(engines.map((e) => [e, []]));
  const toPrimary = new Map<number, QuotaMessageToManager[]>(engines.map((e) => [e, []]));
  const primary = new QuotaPrimary((engine, msg) => toWorker.get(engine)!.push(msg));
  const workers = new Map(engines.map((e) => [e, new QuotaWorker((msg) => toPrimary.get(e)!.push(msg))]));
  const settle = async (): Promise<void> => {
    // Replies resolve acquires, whose next steps run on microtasks.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  /** Delivers what is queued from worker `e` to the primary (in order), then lets acquires move on. */
  const fromWorker = async (e: number): Promise<void> => {
    for (const m of toPrimary.get(e)!.splice(0)) primary.onMessage(e, m);
    await settle();
  };
  const toWorkerOf = async (e: number): Promise<void> => {
    for (const m of toWorker.get(e)!.splice(0)) workers.get(e)!.onMessage(m);
    await settle();
  };
  /** Delivers everything in flight, and what it causes, channel by channel, until nothing is left; `skip`: a worker that reads nothing. */
  const pump = async (skip: number | null = null): Promise<void> => {
    for (let busy = true; busy;) {
      busy = false;
      for (const e of engines) {
        if (e !== skip && toWorker.get(e)!.length > 0) {
          busy = true;
          await toWorkerOf(e);
        }
        if (toPrimary.get(e)!.length > 0) {
          busy = true;
          await fromWorker(e);
        }
      }
    }
  };
  primary.setEngines(engines);
  return { primary, workers, toWorker, fromWorker, pump };
}

/** A limit of 1 over two workers (nothing exclusive, one shared use), its use taken by worker 1. */
async function oneUseOnWorker1() {
  const c = channels([1, 2]);
  c.primary.setLimit('v', 1);
  await c.pump();
  const first = c.workers.get(1)!.acquire('v');
  await c.pump();
  expect(await first).toEqual({ kind: 'granted' });
  return c;
}

/** The outcome of `p` once it settled, null while it is pending. */
function outcome(p: Promise<AcquireResult>): () => AcquireResult | null {
  let r: AcquireResult | null = null;
  void p.then((x) => (r = x));
  return () => r;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a borrow that finds nothing, with the uses on another worker', () => {
  it('is granted the use that worker gave back just before, when the give-back reaches the primary after the borrow', async () => {
    const { workers, fromWorker, pump } = await oneUseOnWorker1();
    // Worker 1's connection ends (its give-back is on worker 1's channel); its client asks again,
    // through worker 2, whose borrow reaches the primary first.
    workers.get(1)!.release('v');
    const second = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    await pump();
    expect(second()).toEqual({ kind: 'granted' });
    expect(workers.get(2)!.view('v')).toMatchObject({ active: 1 });
  });

  it('is refused once every worker holding uses answered and none came back, one question to each', async () => {
    const { workers, toWorker, fromWorker, pump } = await oneUseOnWorker1();
    const second = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    expect(toWorker.get(1)!.map((m) => m.t)).toEqual(['q.sync']);
    expect(toWorker.get(2)!).toEqual([]);
    expect(second()).toBeNull();
    await pump();
    expect(second()).toEqual({ kind: 'exhausted' });
  });

  it('borrows that come while a round is in flight wait for the next one, which a give-back between them lets through', async () => {
    const { workers, toWorker, fromWorker, pump } = await oneUseOnWorker1();
    const a = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    // Worker 1 answers the round before its connection ends ...
    const w1 = workers.get(1)!;
    for (const m of toWorker.get(1)!.splice(0)) w1.onMessage(m);
    const b = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    // ... and then gives its use back: the first borrow is refused (nothing had come back when
    // worker 1 answered), the second, asked after, gets the use.
    w1.release('v');
    await pump();
    expect(a()).toEqual({ kind: 'exhausted' });
    expect(b()).toEqual({ kind: 'granted' });
  });

  it('is refused at once when no other worker holds a use', async () => {
    const { workers, toWorker, fromWorker, pump } = await oneUseOnWorker1();
    // Worker 1 asks for a second use: the only use is its own, nobody else can give one back.
    const more = outcome(workers.get(1)!.acquire('v'));
    await fromWorker(1);
    expect(toWorker.get(2)!).toEqual([]);
    await pump();
    expect(more()).toEqual({ kind: 'exhausted' });
  });

  it('waits SYNC_ROUND_MS at most for a worker that does not answer, and no longer for one that is gone', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { primary, workers, fromWorker, pump } = await oneUseOnWorker1();
    const stuck = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    await pump(1); // worker 1 reads nothing (stopped)
    vi.advanceTimersByTime(SYNC_ROUND_MS - 1);
    await pump(1);
    expect(stuck()).toBeNull();
    vi.advanceTimersByTime(1);
    await pump(1);
    expect(stuck()).toEqual({ kind: 'exhausted' });

    // Worker 1 exits while a round waits for it: what it held returns, and the borrow gets it.
    const after = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    primary.setEngines([2]);
    await pump(1);
    expect(after()).toEqual({ kind: 'granted' });
  });
});

describe('a borrow of a managed agent that the control plane answers with nothing', () => {
  it('is granted the use another worker gave back just before, when the give-back reaches the primary after the answer', async () => {
    const { primary, workers, toWorker, fromWorker, pump } = await oneUseOnWorker1();
    // The control plane has nothing to lend: the agent's own allowance is the whole limit.
    let asked = 0;
    primary.upstream = () => {
      asked++;
      return Promise.resolve(false);
    };
    // Worker 1's connection ends (its give-back is on worker 1's channel); its client asks again
    // through worker 2, whose borrow reaches the primary first and is asked of the control plane.
    workers.get(1)!.release('v');
    const second = outcome(workers.get(2)!.acquire('v'));
    await fromWorker(2);
    expect(asked).toBe(1);
    expect(second()).toBeNull();
    expect(toWorker.get(1)!.map((m) => m.t)).toEqual(['q.sync']);
    await pump();
    expect(second()).toEqual({ kind: 'granted' });
    expect(asked).toBe(1);
  });
});
