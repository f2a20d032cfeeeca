// The live connections (or parts of them) that a component tracks: one is added when it begins
// and deleted when it ends, and a sweep or a shutdown walks them. Not a Map or a Set: with an add
// and a delete per connection, those kept connections alive long after they ended.
// - Measured with a new connection per request (wrk -c10, one worker, --trace-gc): with the
//   plane's and the HTTP engine's tables as Map/Set/WeakMap, each scavenge promoted ~5 MB per
//   ~2,300 requests and took 16-24 ms, ~8% of the worker's CPU; a heap snapshot (full GC) found
//   only the ~10 connections in flight. With these tables: 0.9-2 ms, nothing promoted.
// - The likely cause is V8's ordered hash table. A churning one is rehashed into a new table every
//   few operations; the obsolete table keeps its entries (for iterators) and a link to its
//   successor; a long-lived Map's tables are allocated in the old generation, whose dead objects
//   are roots to every scavenge until the next full GC.
//
// Each member holds its index under a symbol of the table's own. A delete moves the last member
// into the hole, so nothing is left pointing at a member once it is gone.

type Placed = Record<symbol, number | undefined>;

export class LiveTable<K extends object, V = true> implements Iterable<K> {
  private readonly place = Symbol('spillway.liveTable');
  private keys: K[] = [];
  private values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  has(key: K): boolean {
    return (key as Placed)[this.place] !== undefined;
  }

  get(key: K): V | undefined {
    const i = (key as Placed)[this.place];
    return i === undefined ? undefined : this.values[i];
  }

  /** Adds `key` (a table of members: `value` true), or sets its value. */
  set(key: K, value: V): this {
    const k = key as Placed;
    const i = k[this.place];
    if (i !== undefined) {
      this.values[i] = value;
      return this;
    }
    k[this.place] = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    return this;
  }

  /** Adds a member (a table without values). */
  add(this: LiveTable<K>, key: K): void {
    this.set(key, true);
  }

  delete(key: K): boolean {
    const k = key as Placed;
    const i = k[this.place];
    if (i === undefined) return false;
    k[this.place] = undefined;
    const last = this.keys.length - 1;
    if (i !== last) {
      const moved = this.keys[last]!;
      this.keys[i] = moved;
      this.values[i] = this.values[last]!;
      (moved as Placed)[this.place] = i;
    }
    this.keys.pop();
    this.values.pop();
    return true;
  }

  clear(): void {
    for (const k of this.keys) (k as Placed)[this.place] = undefined;
    this.keys = [];
    this.values = [];
  }

  /**
   * The members as they are now. Members may be deleted or added meanwhile (a sweep closes
   * connections). One deleted before it is reached is skipped, as a Set's iteration skips it.
   */
  *[Symbol.iterator](): Iterator<K> {
    for (const k of this.keys.slice()) if (this.has(k)) yield k;
  }

  /** The members with their values, as the iteration above. */
  *entries(): IterableIterator<[K, V]> {
    for (const k of this.keys.slice()) {
      const i = (k as Placed)[this.place];
      if (i !== undefined) yield [k, this.values[i]!];
    }
  }
}
