// MINIMAL LOCAL VERSION of the core's PersistenceTable, kept until @spillway/core exports one.
// An entry lives `timeoutMs` after its last use, and forever while the client holds a connection.

interface Entry { value: string; expiresAt: number; live: number }

export class PersistenceTable {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.live === 0 && e.expiresAt <= this.now()) { this.entries.delete(key); return undefined; }
    return e.value;
  }

  set(key: string, value: string, timeoutMs: number): void {
    const e = this.entries.get(key);
    if (e) { e.value = value; e.expiresAt = Math.max(e.expiresAt, this.now() + timeoutMs); return; }
    this.entries.set(key, { value, expiresAt: this.now() + timeoutMs, live: 0 });
    if (this.entries.size % 1024 === 0) this.sweep();
  }

  /** A connection of this client opened (hold) or closed (release: the timeout restarts). */
  hold(key: string): void { const e = this.entries.get(key); if (e) e.live++; }
  release(key: string, timeoutMs: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.live = Math.max(0, e.live - 1);
    e.expiresAt = Math.max(e.expiresAt, this.now() + timeoutMs);
  }

  delete(key: string): void { this.entries.delete(key); }
  get size(): number { return this.entries.size; }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.live === 0 && e.expiresAt <= now) this.entries.delete(k);
  }
}
