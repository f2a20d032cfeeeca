// Properties of the admission pipeline over a quota split into a local share and a pool it
// borrows from: it never admits past a limit, and it decides as `decide` does on the counts.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  AdmissionPipeline,
  decide,
  evaluatePolicy,
  isAvailable,
  PersistenceTable,
  persistenceKey,
  resolveChain,
  type AdmissionDecision,
  type BorrowOutcome,
  type ChainVServer,
  type Decision,
  type PersistenceView,
  type LiveState,
  type QuotaPort,
  type ServiceStatus,
  type SpilloverMethod,
} from '../src/index.js';
import { check, serviceStatus, spilloverFields } from './arbitraries.js';

const service = serviceStatus(4);

const vserverSpec = fc.record({
  ...spilloverFields(6),
  services: fc.array(service, { minLength: 1, maxLength: 3 }),
  kbps: fc.record({ in: fc.integer({ min: 0, max: 100 }), out: fc.integer({ min: 0, max: 100 }) }),
  /** How much of the limit the engine holds locally; the rest is borrowed one use at a time. */
  share: fc.integer({ min: 0, max: 6 }),
});

/** Arrive (a client of 3), or the k-th open connection ends. */
const op = fc.oneof(
  fc.record({ t: fc.constant('arrive' as const), client: fc.constantFrom('c1', 'c2', 'c3') }),
  fc.record({ t: fc.constant('leave' as const), k: fc.nat() }),
);

/** The count a quota tracks, computed independently of the policy module. */
function quotaLimitOf(methods: SpilloverMethod[], combine: 'any' | 'all', services: ServiceStatus[]): number | null {
  const dyn = services.reduce((s, x) => s + (x.state === 'enabled' && x.up ? x.capacity : 0), 0);
  const conn = methods.flatMap((m) => (m.type === 'connection' ? [m.threshold] : m.type === 'dynamicconnection' ? [dyn] : []));
  if (conn.length === 0) return null;
  return combine === 'all' ? Math.max(...conn) : Math.min(...conn);
}

/**
 * One vserver's quota: `share` local uses, the rest of the limit in a pool borrowed from
 * asynchronously (a microtask later, as a reply from a manager would come). `inUse` counts every
 * use (forced ones too); `forced` only those above the limit's checks.
 */
class SplitQuota implements QuotaPort {
  readonly inUse = new Map<string, number>();
  local = new Map<string, number>();
  borrows = 0;
  constructor(
    private readonly limits: Map<string, number | null>,
    private readonly shares: Map<string, number>,
  ) {}
  private used(v: string): number {
    return this.inUse.get(v) ?? 0;
  }
  limited(v: ChainVServer): boolean {
    return this.limits.get(v.name) !== null;
  }
  take(v: ChainVServer): boolean {
    const limit = this.limits.get(v.name) ?? null;
    if (limit === null) return true;
    const local = this.local.get(v.name) ?? 0;
    if (local >= Math.min(limit, this.shares.get(v.name) ?? 0) || this.used(v.name) >= limit) return false;
    this.local.set(v.name, local + 1);
    this.inUse.set(v.name, this.used(v.name) + 1);
    return true;
  }
  borrow(v: ChainVServer): Promise<BorrowOutcome> {
    this.borrows++;
    return Promise.resolve().then(() => {
      const limit = this.limits.get(v.name) ?? null;
      if (limit !== null && this.used(v.name) >= limit) return { kind: 'denied' as const };
      this.inUse.set(v.name, this.used(v.name) + 1);
      return { kind: 'granted' as const };
    });
  }
  force(v: ChainVServer): void {
    if (this.limits.get(v.name) !== null) this.inUse.set(v.name, this.used(v.name) + 1);
  }
  release(v: ChainVServer): void {
    this.inUse.set(v.name, this.used(v.name) - 1);
    const local = this.local.get(v.name) ?? 0;
    if (local > 0) this.local.set(v.name, local - 1);
  }
}

/**
 * The chain walk as decide did it before the pipeline existed (evaluatePolicy per vserver, the
 * hard limit from the policy's verdict): the model the pipeline is held to.
 */
function referenceDecide(
  client: string,
  chain: readonly ChainVServer[],
  live: (n: string) => LiveState | undefined,
  table: PersistenceView,
  now: number,
): Decision {
  const judge = (v: ChainVServer) => {
    const s = live(v.name) ?? { activeConnections: 0, services: [] };
    const verdict = evaluatePolicy({ methods: v.spillover.methods, combine: v.spillover.combine }, s);
    const usable = s.services.some(isAvailable);
    const limitExhausted = verdict.limit !== null && s.activeConnections >= verdict.limit;
    return { usable, limitExhausted, tripped: verdict.tripped || limitExhausted };
  };
  const entry = table.entry(persistenceKey(chain[0]!.name, client));
  if (entry && (entry.live > 0 || entry.expiresAt > now)) {
    const i = chain.findIndex((v) => v.name === entry.value);
    if (i >= 0) {
      const j = judge(chain[i]!);
      if (j.usable && !j.limitExhausted)
        return { kind: 'vserver', vserver: entry.value, reason: entry.live > 0 ? 'live' : 'persistence', spilled: i > 0, path: [entry.value] };
    }
  }
  const path: string[] = [];
  for (let i = 0; i < chain.length; i++) {
    const v = chain[i]!;
    path.push(v.name);
    const j = judge(v);
    if (j.usable && !j.tripped) return { kind: 'vserver', vserver: v.name, reason: 'chain', spilled: i > 0, path };
    const next = chain[i + 1];
    if (next && v.spillover.backup === next.name && judge(next).usable) continue;
    const action = v.spillover.action ?? 'accept';
    if (action === 'accept') return j.usable ? { kind: 'accept', vserver: v.name, path } : { kind: 'drop', vserver: v.name, path };
    if (action === 'redirect' && v.spillover.redirectUrl) return { kind: 'redirect', vserver: v.name, url: v.spillover.redirectUrl, path };
    return { kind: 'drop', vserver: v.name, path };
  }
  return { kind: 'drop', vserver: chain[0]!.name, path };
}

const summary = (d: AdmissionDecision, chain: readonly ChainVServer[]) => ({
  kind: d.kind === 'vserver' ? 'vserver' : d.kind,
  vserver: d.vserver,
  path: d.kind === 'vserver' && d.reason !== 'chain' ? [d.vserver] : chain.slice(d.from, d.index + 1).map((v) => v.name),
});

describe('admission pipeline (property)', () => {
  it('never admits past a hard limit, returns a Promise only when it borrows, and agrees with decide and the reference walk on the counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(vserverSpec, { minLength: 1, maxLength: 4 }), fc.array(op, { maxLength: 40 }), async (specs, ops) => {
        const names = specs.map((_, i) => `v${i}`);
        const vservers: ChainVServer[] = specs.map((s, i) => ({
          name: names[i]!,
          protocol: 'http',
          spillover: { methods: s.methods, combine: s.combine, backup: names[i + 1] ?? null, action: s.action, redirectUrl: s.redirectUrl },
        }));
        const chain = resolveChain('v0', vservers);
        const limits = new Map(specs.map((s, i) => [names[i]!, quotaLimitOf(s.methods, s.combine, s.services)]));
        const hard = new Map(
          specs.map((s, i) => [
            names[i]!,
            s.combine === 'all' && s.methods.some((m) => m.type === 'bandwidth' || m.type === 'health') ? null : limits.get(names[i]!)!,
          ]),
        );
        const quota = new SplitQuota(limits, new Map(specs.map((s, i) => [names[i]!, s.share])));
        const now = 10_000;
        const table = new PersistenceTable<string>(() => now);
        const live = (name: string): LiveState | undefined => {
          const i = names.indexOf(name);
          const s = specs[i];
          return s ? { activeConnections: quota.inUse.get(name) ?? 0, services: s.services, kbps: s.kbps } : undefined;
        };
        const pipeline = new AdmissionPipeline(chain, live, quota, table, 60_000);
        const open: AdmissionDecision[] = [];
        for (const o of ops) {
          if (o.t === 'leave') {
            if (open.length === 0) continue;
            const [d] = open.splice(o.k % open.length, 1);
            pipeline.finish(d!);
            continue;
          }
          const expected = decide(o.client, chain, live, table, now);
          const model = referenceDecide(o.client, chain, live, table, now);
          check(JSON.stringify(expected) === JSON.stringify(model), `decide ${JSON.stringify(expected)} = the reference walk ${JSON.stringify(model)}`);
          const borrowsBefore = quota.borrows;
          const got = pipeline.admit(o.client, null, [], now);
          const sync = !(got instanceof Promise);
          const d = await got;
          check(sync === (quota.borrows === borrowsBefore), 'a Promise exactly when a borrow was needed');
          const s = summary(d, chain);
          const e = { kind: expected.kind, vserver: expected.vserver, path: expected.path };
          check(JSON.stringify(s) === JSON.stringify(e), `pipeline ${JSON.stringify(s)} = decide ${JSON.stringify(e)}`);
          if (d.kind === 'vserver') {
            const limit = hard.get(d.vserver) ?? null;
            const used = quota.inUse.get(d.vserver) ?? 0;
            check(limit === null || used <= limit, `${d.vserver}: ${used} uses within its limit ${limit}`);
            check(d.quota === (limits.get(d.vserver) !== null), 'a counted use ⇔ a limit applies');
          }
          if (d.kind === 'vserver' || d.kind === 'accept') open.push(d);
        }
        for (const d of open.splice(0)) pipeline.finish(d);
        for (const n of names) check((quota.inUse.get(n) ?? 0) === 0, `${n}: every use given back`);
        check(!table.isLive('v0|c1') && !table.isLive('v0|c2') && !table.isLive('v0|c3'), 'no persistence hold left');
      }),
      { numRuns: 600 },
    );
  });
});
