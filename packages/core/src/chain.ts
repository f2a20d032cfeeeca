// The spillover chain: which vserver (or final action) a new connection gets (000 claim 1 steps
// f-i; 002 lines 276-322; 004 lines 877-1214), and validation of chains (cycles, protocols).
import { AdmissionPipeline, LIVE_COUNTS, type AdmissionDecision } from './admission.js';
import type { LiveState, SpilloverMethod } from './policy.js';

/** The final action when the chain is exhausted (API-SHAPE.md `spillover.action`). */
export type SpilloverAction = 'redirect' | 'drop' | 'accept';

/** A vserver as the chain sees it (API-SHAPE.md names). */
export interface ChainVServer {
  name: string;
  protocol?: 'tcp' | 'http';
  spillover: {
    methods: readonly SpilloverMethod[];
    combine?: 'any' | 'all';
    /** The next vserver of the chain. */
    backup?: string | null;
    /** Applied when this vserver spills and has no usable backup (default accept). */
    action?: SpilloverAction;
    redirectUrl?: string | null;
  };
}

/** Where vservers are looked up: a map by name, or any iterable of them. */
export type VServerSet = ReadonlyMap<string, ChainVServer> | Iterable<ChainVServer>;

function byName(vservers: VServerSet): ReadonlyMap<string, ChainVServer> {
  if (vservers instanceof Map) return vservers as ReadonlyMap<string, ChainVServer>;
  const m = new Map<string, ChainVServer>();
  for (const v of vservers as Iterable<ChainVServer>) m.set(v.name, v);
  return m;
}

const backupOf = (v: ChainVServer): string | null => v.spillover.backup ?? null;

/**
 * The first backup cycle found, as the path that closes it: ['web', 'web-overflow', 'web'].
 * Vservers are visited in the given order; null when every chain ends. Invariant: the result's
 * first and last names are equal and every step follows a `backup` link.
 */
export function findChainCycle(vservers: VServerSet): string[] | null {
  const map = byName(vservers);
  const done = new Set<string>();
  for (const start of map.keys()) {
    if (done.has(start)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let cur: string | null = start;
    while (cur !== null && !done.has(cur)) {
      const at = onPath.get(cur);
      if (at !== undefined) return [...path.slice(at), cur];
      onPath.set(cur, path.length);
      path.push(cur);
      const v = map.get(cur);
      cur = v ? backupOf(v) : null;
    }
    for (const n of path) done.add(n);
  }
  return null;
}

/** One problem of a chain, with the JSON path of the offending field inside the vserver. */
export interface ChainProblem {
  code:
    | 'SPILLOVER_CHAIN_CYCLE'
    | 'SPILLOVER_BACKUP_UNKNOWN'
    | 'SPILLOVER_BACKUP_PROTOCOL'
    | 'SPILLOVER_BACKUP_SELF'
    | 'SPILLOVER_REDIRECT_URL'
    | 'SPILLOVER_REDIRECT_PROTOCOL';
  vserver: string;
  path: string;
  message: string;
  /** For SPILLOVER_CHAIN_CYCLE: the cycle as findChainCycle returns it. */
  cycle?: string[];
}

/**
 * Every problem of the chains: unknown backups, a vserver its own backup, backups of another
 * protocol (a backup must speak the protocol of the vserver it takes over from), redirect without
 * URL or on TCP, and cycles (reported once, on the vserver whose backup closes the cycle).
 * Invariant: [] ⇔ every chain ends, every link resolves, and protocols match along each chain.
 */
export function validateChain(vservers: VServerSet): ChainProblem[] {
  const map = byName(vservers);
  const problems: ChainProblem[] = [];
  for (const v of map.values()) {
    const b = backupOf(v);
    if (v.spillover.action === 'redirect') {
      if (!v.spillover.redirectUrl)
        problems.push({
          code: 'SPILLOVER_REDIRECT_URL',
          vserver: v.name,
          path: '/spillover/redirectUrl',
          message: `${v.name}: action redirect needs a redirectUrl`,
        });
      if (v.protocol === 'tcp')
        problems.push({ code: 'SPILLOVER_REDIRECT_PROTOCOL', vserver: v.name, path: '/spillover/action', message: `${v.name}: redirect needs protocol http` });
    }
    if (b === null) continue;
    if (b === v.name) {
      problems.push({
        code: 'SPILLOVER_BACKUP_SELF',
        vserver: v.name,
        path: '/spillover/backup',
        message: `${v.name} cannot be its own backup`,
        cycle: [v.name, v.name],
      });
      continue;
    }
    const target = map.get(b);
    if (!target) {
      problems.push({ code: 'SPILLOVER_BACKUP_UNKNOWN', vserver: v.name, path: '/spillover/backup', message: `${v.name}: backup ${b} does not exist` });
      continue;
    }
    if (v.protocol !== undefined && target.protocol !== undefined && v.protocol !== target.protocol) {
      problems.push({
        code: 'SPILLOVER_BACKUP_PROTOCOL',
        vserver: v.name,
        path: '/spillover/backup',
        message: `${v.name} (${v.protocol}): backup ${b} speaks ${target.protocol}`,
      });
    }
  }
  const withoutSelf = new Map([...map].filter(([, v]) => backupOf(v) !== v.name));
  const cycle = findChainCycle(withoutSelf);
  if (cycle) {
    const closer = cycle[cycle.length - 2]!;
    problems.push({
      code: 'SPILLOVER_CHAIN_CYCLE',
      vserver: closer,
      path: '/spillover/backup',
      cycle,
      message: `backup chain ${cycle.join(' → ')} forms a cycle: ${closer} leads back to ${cycle[cycle.length - 1]}`,
    });
  }
  return problems;
}

/**
 * The chain that starts at `entry`: entry, its backup, the backup's backup, … in order. Stops at
 * an unknown name or before a name already in the chain (so it is finite even on a bad config).
 */
export function resolveChain(entry: string, vservers: VServerSet): ChainVServer[] {
  const map = byName(vservers);
  const out: ChainVServer[] = [];
  const seen = new Set<string>();
  let cur: string | null = entry;
  while (cur !== null && !seen.has(cur)) {
    const v = map.get(cur);
    if (!v) break;
    out.push(v);
    seen.add(cur);
    cur = backupOf(v);
  }
  return out;
}

/** Live state by vserver name. A vserver without live state has no services (unusable). */
export type LiveView = ReadonlyMap<string, LiveState> | ((vserver: string) => LiveState | undefined);

/** What decide reads of a persistence table (PersistenceTable provides it). */
export interface PersistenceView {
  entry(key: string): { value: string; expiresAt: number; live: number } | undefined;
}

/** The persistence key of a client on the chain that starts at `entry`. */
export const persistenceKey = (entry: string, client: string): string => `${entry}|${client}`;

/**
 * Where a new connection goes. `path` lists the vservers visited, in order, ending with the one
 * that decided. A `vserver` decision never names a vserver whose connection limit is exhausted or
 * that has no UP enabled service; `accept` deliberately exceeds the limit of `vserver`.
 */
export type Decision =
  | { kind: 'vserver'; vserver: string; reason: 'chain' | 'persistence' | 'live'; spilled: boolean; path: string[] }
  | { kind: 'accept'; vserver: string; path: string[] }
  | { kind: 'redirect'; vserver: string; url: string; path: string[] }
  | { kind: 'drop'; vserver: string; path: string[] };

/**
 * The vserver or final action for a new connection of `client` on `chain` (resolveChain's
 * output, entry first).
 * 1. Persistence first (002 lines 318-320): a client with a live connection, or an entry within
 *    its timeout, stays on the vserver that most recently served it — even when that vserver's
 *    bandwidth or health policy trips, or the entry has recovered — as long as that vserver is
 *    usable and its connection limit is not exhausted (a hard limit is never exceeded for
 *    stickiness: spillover precision wins).
 * 2. Otherwise walk the chain from the entry: the first vserver that is usable and whose policy
 *    does not trip serves. A vserver that trips hands over to its backup when the backup is usable;
 *    otherwise its own action applies: accept (serve anyway), redirect (to its redirectUrl; drop
 *    when it has none) or drop.
 * Pure: reads `persistence`, never writes it (the caller records the decision it acts on). This is
 * the admission pipeline (admission.ts) over the live counts: `LIVE_COUNTS` as its quota.
 */
export function decide(
  client: string,
  chain: readonly ChainVServer[],
  live: LiveView,
  persistence?: PersistenceView | null,
  now: number = Date.now(),
): Decision {
  if (!chain[0]) throw new RangeError('decide needs a chain with at least one vserver');
  // LIVE_COUNTS never borrows, so the pipeline answers at once.
  const d = new AdmissionPipeline(chain, live, LIVE_COUNTS, persistence ?? null, 0, false).admit(client, null, undefined, now) as AdmissionDecision;
  const path = d.kind === 'vserver' && d.reason !== 'chain' ? [d.vserver] : chain.slice(d.from, d.index + 1).map((v) => v.name);
  switch (d.kind) {
    case 'vserver':
      return { kind: 'vserver', vserver: d.vserver, reason: d.reason, spilled: d.spilled, path };
    case 'accept':
      return { kind: 'accept', vserver: d.vserver, path };
    case 'redirect':
      return { kind: 'redirect', vserver: d.vserver, url: d.url, path };
    default:
      return { kind: 'drop', vserver: d.vserver, path };
  }
}
