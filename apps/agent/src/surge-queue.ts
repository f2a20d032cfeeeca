// A bounded FIFO of connections waiting for a service slot; each waiter gives up at its deadline.

export type SurgeOutcome = { kind: 'admitted'; service: string } | { kind: 'timeout' | 'full' | 'closed' };

interface Waiter {
  resolve: (o: SurgeOutcome) => void;
  timer: NodeJS.Timeout;
}

export class SurgeQueue {
  private readonly waiters: Waiter[] = [];
  constructor(
    public length: number,
    public timeoutMs: number,
  ) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Waits for `wake` to admit this waiter; resolves 'full' at once when the queue is full. */
  wait(): Promise<SurgeOutcome> {
    if (this.waiters.length >= this.length) return Promise.resolve({ kind: 'full' });
    return new Promise((resolve) => {
      const w: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve({ kind: 'timeout' });
        }, this.timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Hands a service slot (already reserved by the caller) to the oldest waiter. */
  wake(service: string): boolean {
    const w = this.waiters.shift();
    if (!w) return false;
    clearTimeout(w.timer);
    w.resolve({ kind: 'admitted', service });
    return true;
  }

  /** Ends every wait (vserver removed, shutdown). */
  closeAll(): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve({ kind: 'closed' });
    }
  }
}
