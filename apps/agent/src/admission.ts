// Admission: where a new client connection of one engine goes. The decision is core's admission
// pipeline (spillover persistence, the chain walk, any/all over every method, the final action);
// this module gives it the engine's live state (the bound services' health, the agent-wide
// bandwidth), the engine's QuotaWorker as its quota port and the spillover persistence table,
// and counts what it decided (spillovers, redirects, drops, hand-offs).
import {
  AdmissionPipeline,
  LiveServices,
  resolveChain,
  spillCause,
  type AdmissionDecision,
  type BorrowOutcome,
  type ChainVServer,
  type LiveState,
  type PersistenceTable,
  type QuotaPort,
  type SpillCause,
  type SpillStore,
} from '@spillway/core';
import type { AgentDocument, Reach, VServerDoc } from './config.js';
import { CompiledSwitch, type SwitchInput } from './content-switch.js';
import type { QuotaWorker } from './quota-worker.js';
import type { VServerCounters } from './stats.js';

export type { AdmissionDecision };

/** A vserver's bandwidth on this agent (kbit/s) and its share of the vserver's bandwidth thresholds (0..1; absent: unchanged). */
export interface AgentBandwidth {
  in: number;
  out: number;
  share?: number;
}

const GRANTED: BorrowOutcome = Object.freeze({ kind: 'granted' });
const DENIED: BorrowOutcome = Object.freeze({ kind: 'denied' });
const NO_STATE: LiveState = Object.freeze({ activeConnections: 0, services: Object.freeze([]) });
/** The counter of each spill cause. */
const SPILL_COUNTER = {
  connection: 'spillovers_connection_total',
  bandwidth: 'spillovers_bandwidth_total',
  health: 'spillovers_health_total',
  down: 'spillovers_down_total',
} as const satisfies Record<SpillCause, keyof VServerCounters>;

/** The engine's QuotaWorker as core's quota port: take is its local allowance, borrow asks the pool manager. */
export function quotaPort(quota: QuotaWorker): QuotaPort {
  return {
    limited: (v) => quota.limited(v.name),
    take: (v) => quota.tryAcquire(v.name),
    borrow: (v, exclude) => quota.acquire(v.name, exclude).then((r) => (r.kind === 'granted' ? GRANTED : r.kind === 'handoff' ? r : DENIED)),
    force: (v) => {
      quota.force(v.name);
    },
    release: (v) => {
      quota.release(v.name);
    },
  };
}

/**
 * The admission of one engine: a pipeline per entry vserver (its chain resolved once per
 * configuration), over live states updated in place as monitor states and bandwidth arrive.
 */
export class EngineAdmission {
  private live = new LiveServices<VServerDoc>([], [], () => true);
  private readonly states = new Map<string, LiveState & { kbps: { in: number; out: number } }>();
  private readonly pipelines = new Map<string, AdmissionPipeline>();
  private readonly port: QuotaPort;
  private readonly store: SpillStore;
  private readonly stateOf = (name: string): LiveState | undefined => this.states.get(name);

  /** `persist`: a spillover persistence entry was set here; the other engines learn it from it. */
  constructor(
    quota: QuotaWorker,
    spilled: PersistenceTable,
    persist: (key: string, vserver: string, timeoutMs: number) => void,
    private readonly counters: (vserver: string) => VServerCounters,
    /** The hit counts of a content switch's rules (stable across configurations). */
    private readonly ruleHits: (vserver: string) => Record<string, number> = () => ({}),
  ) {
    this.port = quotaPort(quota);
    this.store = {
      entry: (key) => spilled.entry(key),
      set: (key, vs, timeoutMs) => {
        spilled.set(key, vs, timeoutMs);
        persist(key, vs, timeoutMs);
      },
      hold: (key) => {
        spilled.hold(key);
      },
      release: (key, timeoutMs) => {
        spilled.release(key, timeoutMs);
      },
    };
  }

  /**
   * A change of the configuration (`doc` after it, `reach` what it reached); `up` says the health
   * each service has now. Only the vservers reached get new live state, pipelines (their chains
   * hold the vservers reached) and switches; pipelines of the old ones finish what they admitted.
   */
  apply(doc: AgentDocument, reach: Reach, up: (service: string) => boolean): void {
    this.live.update(
      reach.vservers,
      (n) => doc.vservers.get(n),
      (n) => doc.services.get(n),
      up,
    );
    for (const name of reach.vservers) {
      const v = doc.vservers.get(name);
      const old = this.states.get(name);
      if (!v) {
        this.states.delete(name);
        this.pipelines.delete(name);
        this.switches.delete(name);
        continue;
      }
      this.states.set(name, {
        activeConnections: 0,
        services: this.live.statuses(name),
        kbps: old?.kbps ?? { in: 0, out: 0 },
        bandwidthShare: old?.bandwidthShare ?? 1,
      });
      const chain = resolveChain(name, doc.vservers);
      this.pipelines.set(name, new AdmissionPipeline(chain, this.stateOf, this.port, this.store, v.spillover.persistenceTimeoutSeconds * 1000));
      if (v.type === 'contentswitch') this.switches.set(name, new CompiledSwitch(v, this.ruleHits(name)));
      else this.switches.delete(name);
    }
  }

  /** The content switches of the configuration, compiled once (content-switch.ts). */
  private readonly switches = new Map<string, CompiledSwitch>();

  /**
   * The pipeline of the vserver a request of switch `name` goes to, through nested switches (the
   * contract refuses cycles; 16 hops at most all the same); null: no rule matched and no default.
   */
  route(name: string, req: SwitchInput, ip: string): AdmissionPipeline | null {
    let sw = this.switches.get(name);
    for (let hops = 0; sw !== undefined && hops < 16; hops++) {
      const target = sw.pick(req, ip);
      if (target === null) return null;
      const next = this.switches.get(target);
      if (next === undefined) return this.pipelines.get(target) ?? null;
      sw = next;
    }
    return null;
  }

  /**
   * Where one request of a switch goes on `p`'s chain (its target's): as a new connection there,
   * except that a request cannot move to another engine, so a hand-off is asked again with that
   * engine tried (the borrow then spills along the chain rather than hand the request on).
   */
  admitRequest(p: AdmissionPipeline, ip: string, tried: readonly number[]): AdmissionDecision | Promise<AdmissionDecision> {
    const d = p.admit(ip, null, tried);
    if (d instanceof Promise) return d.then((r) => (r.kind === 'handoff' ? this.admitRequest(p, ip, [...tried, r.engine]) : this.count(p, r)));
    return d.kind === 'handoff' ? this.admitRequest(p, ip, [...tried, d.engine]) : this.count(p, d);
  }

  /** Monitor states (UP true): only the vservers bound to a changed service see it (in place). */
  setStates(up: Record<string, boolean>): void {
    for (const [name, isUp] of Object.entries(up)) this.live.setUp(name, isUp);
  }

  /** The agent-wide bandwidth of each vserver, in kbit/s, and the agent's share of its bandwidth thresholds (the control plane's split). */
  setBandwidth(kbps: Record<string, AgentBandwidth>): void {
    for (const [name, k] of Object.entries(kbps)) {
      const s = this.states.get(name);
      if (s) {
        s.kbps.in = k.in;
        s.kbps.out = k.out;
        if (k.share !== undefined) s.bandwidthShare = k.share;
      }
    }
  }

  /** The pipeline of the chain entered at `root` (undefined: no such vserver). */
  pipeline(root: string): AdmissionPipeline | undefined {
    return this.pipelines.get(root);
  }

  /**
   * Where a new connection of `ip` goes on `p`'s chain: synchronous unless the quota must borrow.
   * `at`: the vserver a hand-off continues at; `tried`: the engines that found no room already.
   */
  decide(p: AdmissionPipeline, ip: string, at: string | null, tried: readonly number[]): AdmissionDecision | Promise<AdmissionDecision> {
    // A content switch has no limit of its own: its client connections are served (each request is admitted by its target: route).
    const sw = this.switches.get(p.entry);
    if (sw !== undefined) return sw.admitted;
    let index: number | null = null;
    if (at !== null) {
      index = 0;
      for (let i = 0; i < p.chain.length; i++)
        if (p.chain[i]!.name === at) {
          index = i;
          break;
        }
    }
    const d = p.admit(ip, index, tried);
    if (d instanceof Promise) return d.then((r) => this.count(p, r));
    return this.count(p, d);
  }

  /** Counts a decision on the vservers it passed: each one it spilled from, and what the last one did. */
  private count(p: AdmissionPipeline, d: AdmissionDecision): AdmissionDecision {
    for (let i = d.from; i < d.index; i++) this.spilled(p.chain[i]!);
    if (d.kind === 'vserver') return d;
    const c = this.counters(d.vserver);
    if (d.kind === 'handoff') {
      c.handoffs_total++;
      return d;
    }
    this.spilled(p.chain[d.index]!);
    if (d.kind === 'redirect' && p.chain[d.index]!.protocol === 'http') c.redirected_total++;
    else if (d.kind !== 'accept') c.dropped_total++;
    return d;
  }

  /** A spill from `v`, counted in total and by why (the method that tripped, or down), on the state it was judged on. */
  private spilled(v: ChainVServer): void {
    const c = this.counters(v.name);
    c.spillovers_total++;
    c[SPILL_COUNTER[spillCause(v, this.states.get(v.name) ?? NO_STATE)]]++;
  }
}
