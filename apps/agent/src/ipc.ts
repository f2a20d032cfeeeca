// Requests from the primary to several engines at once, and their replies matched by id: one ask
// resolves once every engine asked has replied, has gone (exited), or the deadline has passed.
// Each kind of request (a configuration to apply, a counter snapshot) has its own Requests.

export interface Replies<R> {
  /** The reply of each engine that answered in time, by engine id. */
  replies: Map<number, R>;
  /** Engines asked that neither replied nor went away before the deadline. */
  missing: number[];
}

interface Open<R> {
  waiting: Set<number>;
  replies: Map<number, R>;
  done: () => void;
}

export class Requests<R> {
  private nextId = 1;
  private readonly open = new Map<number, Open<R>>();

  /**
   * Sends one request (`send(engine, id)`) to each of `engines` and waits for their replies, up to
   * `timeoutMs`. An engine that goes away (`gone`) is not waited for.
   */
  async ask(engines: number[], send: (engine: number, id: number) => void, timeoutMs: number): Promise<Replies<R>> {
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const entry: Open<R> = { waiting: new Set(engines), replies: new Map(), done: () => {} };
    const done = new Promise<void>((resolve) => {
      entry.done = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    this.open.set(id, entry);
    for (const e of engines) send(e, id);
    if (entry.waiting.size > 0) await done;
    clearTimeout(timer);
    this.open.delete(id);
    return { replies: entry.replies, missing: [...entry.waiting] };
  }

  /** The reply of `engine` to request `id`; a late or unknown reply is dropped. */
  reply(engine: number, id: number, value: R): void {
    const entry = this.open.get(id);
    if (!entry?.waiting.delete(engine)) return;
    entry.replies.set(engine, value);
    if (entry.waiting.size === 0) entry.done();
  }

  /** `engine` is gone: no request waits for it any more. */
  gone(engine: number): void {
    for (const entry of this.open.values()) if (entry.waiting.delete(engine) && entry.waiting.size === 0) entry.done();
  }
}
