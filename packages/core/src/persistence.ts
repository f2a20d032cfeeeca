// Persistence: a client stays with what served it (002 lines 318-320; 004's spillover
// persistence). Keys are whatever identifies a client (source IP, cookie), values what served it.

interface Entry<V> {
  value: V;
  expiresAt: number;
  live: number;
}

/** A read-only view of one entry. */
export interface PersistenceEntry<V> {
  value: V;
  expiresAt: number;
  live: number;
}

/**
 * Client → value (vserver or service name) with a timeout, on an injectable clock.
 * Invariant: an entry is visible while the client holds a live connection (hold without a
 * matching release) or until `timeoutMs` after it was last set or released; after that it is
 * gone. Expired entries are swept lazily, so memory stays proportional to live entries.
 */
export class PersistenceTable<V = string> {
  private readonly entries = new Map<string, Entry<V>>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The value for `key`, or undefined when there is none or it expired. */
  get(key: string): V | undefined {
    return this.entry(key)?.value;
  }

  /** The entry for `key` with its expiry and live-connection count, or undefined (a live view: read it, do not keep it). */
  entry(key: string): Readonly<PersistenceEntry<V>> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.live === 0 && e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** True when the client holds a connection recorded with hold(). */
  isLive(key: string): boolean {
    return (this.entry(key)?.live ?? 0) > 0;
  }

  /** Records that `value` served `key` now (the most recent wins); the timeout restarts. */
  set(key: string, value: V, timeoutMs: number): void {
    const expiresAt = this.now() + Math.max(0, timeoutMs);
    const e = this.entries.get(key);
    if (e) {
      e.value = value;
      e.expiresAt = expiresAt;
      return;
    }
    this.entries.set(key, { value, expiresAt, live: 0 });
    if (++this.writes % 1024 === 0) this.sweep();
  }

  /** A connection of this client opened: the entry lives at least until the matching release. */
  hold(key: string): void {
    const e = this.entries.get(key);
    if (e) e.live++;
  }

  /** A connection of this client closed: when it was the last, the timeout runs from now. */
  release(key: string, timeoutMs: number): void {
    const e = this.entries.get(key);
    if (!e || e.live === 0) return;
    e.live--;
    if (e.live === 0) e.expiresAt = Math.max(e.expiresAt, this.now() + Math.max(0, timeoutMs));
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Entries stored, including expired ones not swept yet. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every expired entry; returns how many. */
  sweep(): number {
    const now = this.now();
    let n = 0;
    for (const [k, e] of this.entries)
      if (e.live === 0 && e.expiresAt <= now) {
        this.entries.delete(k);
        n++;
      }
    return n;
  }
}
