// What a revoke acknowledgement may claim: the agent's pool (QuotaPrimary) and a worker
// (QuotaWorker) wired through queues that deliver in order, as the IPC channel between them does,
// but only when the test says so, to hold messages in flight at the moments that matter.
import { describe, expect, it } from 'vitest';
import { QuotaPrimary } from '../../src/quota-primary.js';
import { QuotaWorker, type QuotaMessageToEngine, type QuotaMessageToManager } from '../../src/quota-worker.js';

function wire() {
  const toWorker: QuotaMessageToEngine[] = [];
  const toPrimary: QuotaMessageToManager[] = [];
  const primary = new QuotaPrimary((_engine, msg) => toWorker.push(msg));
  const worker = new QuotaWorker((msg) => toPrimary.push(msg));
  const deliver = {
    worker(n = toWorker.length): void {
      for (const m of toWorker.splice(0, n)) worker.onMessage(m);
    },
    primary(n = toPrimary.length): void {
      for (const m of toPrimary.splice(0, n)) primary.onMessage(1, m);
    },
  };
  primary.setEngines([1]);
  return { primary, worker, deliver, toWorker, toPrimary };
}

const inFlight = (w: QuotaWorker): number => w.view('v')?.active ?? 0;

describe('uses an agent acknowledges as held', () => {
  it('counts a cut allowance as committed until the worker answers the last allowance message, never from an answer to an older one', () => {
    const { primary, worker, deliver } = wire();
    primary.setLimit('v', 10);
    deliver.worker();
    deliver.primary();
    for (let i = 0; i < 8; i++) expect(worker.tryAcquire('v')).toBe(true);
    deliver.primary();
    expect(primary.committed('v')).toBeGreaterThanOrEqual(8);
    // The allowance grows (allowance message 1), then is cut (message 2) before the worker saw either.
    primary.setLimit('v', 20);
    primary.setLimit('v', 4);
    expect(primary.committed('v')).toBeGreaterThanOrEqual(16);
    // The worker gets the grown allowance only, answers with 8 in flight, then admits more under it.
    deliver.worker(1);
    for (let i = 0; i < 6; i++) expect(worker.tryAcquire('v')).toBe(true);
    // Its answer to message 1 (8 in flight) must not settle what it owes: it now holds 14.
    deliver.primary();
    expect(primary.committed('v')).toBeGreaterThanOrEqual(inFlight(worker));
    // Message 2 reaches it; its answer (14 in flight) settles: 3 exclusive + 11 owed.
    deliver.worker();
    deliver.primary();
    expect(inFlight(worker)).toBe(14);
    expect(primary.committed('v')).toBe(14);
    // Owed uses that end pay the debt only, down to the allowance.
    for (let i = 0; i < 14; i++) worker.release('v');
    deliver.primary();
    expect(primary.committed('v')).toBeLessThanOrEqual(4);
  });

  it('keeps counting what a worker may hold while its owed uses end one by one', async () => {
    const { primary, worker, deliver } = wire();
    primary.setLimit('v', 10);
    deliver.worker();
    deliver.primary();
    for (let i = 0; i < 8; i++) expect(worker.tryAcquire('v')).toBe(true);
    // The 2 shared uses, borrowed a batch of 1 at a time, for the 9th and 10th.
    for (let i = 0; i < 2; i++) {
      const next = worker.acquire('v');
      deliver.primary();
      deliver.worker();
      expect(await next).toEqual({ kind: 'granted' });
    }
    deliver.primary();
    expect(inFlight(worker)).toBe(10);
    primary.setLimit('v', 5);
    deliver.worker();
    deliver.primary();
    expect(primary.committed('v')).toBe(10);
    while (inFlight(worker) > 0) {
      worker.release('v');
      deliver.primary();
      expect(primary.committed('v')).toBeGreaterThanOrEqual(inFlight(worker));
    }
    expect(primary.committed('v')).toBeLessThanOrEqual(5);
  });
});
