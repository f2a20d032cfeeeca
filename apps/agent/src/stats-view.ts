// The agent's view of its counters: the engines' snapshots merged (stats.ts), rates over a
// window, the bandwidth the bandwidth method reads, and the active connections the engines push
// as they change (the control client acts on those without asking for stats).
import { RateMeter } from '@spillway/core';
import { ruleKey } from '@spillway/protocol';
import { DEFAULT_KEY, NONE_KEY } from './content-switch.js';
import type { VServerDoc } from './config.js';
import type { ConnectionsReport } from './migration/table.js';
import type { ServiceHealthView } from './monitors.js';
import type { QuotaView } from './quota-primary.js';
import type { SelectionCounters } from './service-state-primary.js';
import {
  emptyServiceCounters,
  emptyVServerCounters,
  sameActive,
  type ActiveCounts,
  type CounterSnapshot,
  type HandleErrorCounts,
  type ServiceCounters,
  type VServerCounters,
} from './stats.js';

export interface VServerStats extends VServerCounters {
  state: 'UP' | 'DOWN';
  threshold: number | null;
  health_percent: number;
  /** This agent's share of the vserver's bandwidth thresholds (0..1; 1: the whole, until the control plane splits them across agents). */
  bandwidth_share: number;
  cx_rate: number;
  rx_bytes_rate: number;
  tx_bytes_rate: number;
  spillovers_rate: number;
  quota: QuotaView | null;
  /** selection: manager: new clients the service manager placed and those placed here (why), and its round trip. */
  selection?: SelectionCounters;
  /** A content switch: the requests each rule took, by rule key (name, else #position), then (default) and (none). */
  rule_hits?: Record<string, number>;
}
export interface ServiceStats extends ServiceCounters {
  state: 'UP' | 'DOWN';
  health_transitions_total: number;
  monitors: ServiceHealthView['monitors'];
  /** Under agent-check feedback: the weight, capacity and state it is served with, drain, the last line. */
  effective?: ServiceHealthView['effective'];
  /** Under a control plane: this agent's allowance of the service's capacity (the control plane pools the capacity across agents). */
  capacity_allowance?: number;
}
export interface AgentStats {
  agent: {
    name: string;
    pid: number;
    workers: number;
    /** How the workers share a listener (the policy in effect in this process; see worker-set.ts). */
    schedulingPolicy: 'rr' | 'none';
    engines: number[];
    workerPids: number[];
    configVersion: number;
    uptimeSeconds: number;
    workers_restarted_total: number;
    /** Messages to a worker its channel refused (it died before its exit was seen): logged, the worker replaced. */
    worker_send_failed_total: number;
    /** Probe tries that threw instead of answering (a config value the request cannot carry, a bug): failed tries, never a crash. */
    monitor_errors_total: number;
    /** Errors on the TCP handles of HTTP connections (a failed accept, connect, read, write, shutdown), summed over the engines serving now: each destroyed its connection. */
    handle_errors_total: HandleErrorCounts;
    /** Promises of the primary rejected with no handler (logged; the process keeps running). */
    unhandled_rejections_total: number;
    /** Documents refused (file reload, POST /reload, control-plane snapshot): the last good one keeps running. */
    config_rejected_total: number;
    /** The objects (services, monitors, vservers) the last configuration change reached, which the primary and each engine rebuilt (the most of them); and in all. */
    config_objects_rebuilt_last: number;
    config_objects_rebuilt_total: number;
    /** How long the last document or delta took to apply: checked, served by the primary and ACKed by every engine (ms). */
    config_apply_ms_last: number;
  };
  listeners: Record<string, number>;
  vservers: Record<string, VServerStats>;
  services: Record<string, ServiceStats>;
  /** Sites (docs/SITES.md): this agent's site and address, the site weights it forwards by, each site's agents, when they came (epoch ms). */
  sites?: {
    site: string | null;
    self: string | null;
    weights: Record<string, Record<string, number>>;
    agents: Record<string, string[]>;
    receivedAt: number | null;
  };
  /** Long-lived TCP connections (at least migration/maintenance.ts LISTED_AFTER_MS old) and the last failed migration per service; absent when none. */
  migration?: ConnectionsReport;
}

/** What the limit derivation says of a vserver (agent.ts): its state, threshold and health. */
export type VServerHealth = Pick<VServerStats, 'state' | 'threshold' | 'health_percent' | 'bandwidth_share'>;

export interface StatsViewOptions {
  /** The engines' counters, merged. */
  snapshot(): Promise<CounterSnapshot>;
  /** The vservers of the configuration in force. */
  vservers(): VServerDoc[];
  /** Each vserver's bandwidth over the last two samples, every sample, while a vserver has a bandwidth method. */
  onBandwidth(kbps: Record<string, { in: number; out: number }>): void;
  /** The agent's active connections (every engine's summed), each time they change. */
  onActive(active: ActiveCounts): void;
}

/** A switch's hits by the keys of its rules in force (counts of rules since removed are left out). */
function ruleHits(v: VServerDoc, hits: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...(v.rules ?? []).map(ruleKey), DEFAULT_KEY, NONE_KEY]) out[k] = hits?.[k] ?? 0;
  return out;
}

const SAMPLE_MS = 1000;
const RATE_WINDOW_MS = 10_000;

export class StatsView {
  // Per vserver: bytes (in = rx, out = tx) and events (in = connections, out = spillovers) over
  // the stats window; bandwidth for the bandwidth method over a short window.
  private readonly meters = new Map<string, { bytes: RateMeter; events: RateMeter; bw: RateMeter }>();
  private timer: NodeJS.Timeout | null = null;
  /** The last active counts each engine pushed. */
  private readonly byEngine = new Map<number, ActiveCounts>();
  private total: ActiveCounts = { vservers: {}, services: {} };

  constructor(private readonly opts: StatsViewOptions) {}

  /** Samples the counters every second (rates, bandwidth). */
  start(): void {
    this.timer ??= setInterval(() => {
      this.opts.snapshot().then(
        (snap) => this.sample(snap),
        () => {},
      );
    }, SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The agent's active connections as last pushed by its engines. */
  active(): ActiveCounts {
    return { vservers: { ...this.total.vservers }, services: { ...this.total.services } };
  }

  /** An engine's active connections changed: the agent's total is pushed on when it changed too. */
  engineActive(engine: number, counts: ActiveCounts): void {
    this.byEngine.set(engine, counts);
    this.recount();
  }

  /** An engine has gone: its connections with it. */
  engineGone(engine: number): void {
    if (this.byEngine.delete(engine)) this.recount();
  }

  /** The vserver and service sections of the stats from the merged counters and the primary's state. */
  compose(
    snap: CounterSnapshot,
    input: {
      vservers: VServerDoc[];
      services: { name: string }[];
      health: Record<string, ServiceHealthView>;
      quota: Record<string, QuotaView>;
      vserverHealth: (name: string) => VServerHealth;
    },
  ): Pick<AgentStats, 'vservers' | 'services'> {
    // Each entry is a fresh counters object the counts are copied into, then the other fields set:
    // fields added to a spread copy (`{ ...c, state }`) take V8's slow path, ~20 us an entry, most
    // of an agent's CPU at rest with 10,000 services (once a second for the control plane's report).
    const vservers: Record<string, VServerStats> = {};
    for (const v of input.vservers) {
      const m = this.meters.get(v.name);
      const o = Object.assign(emptyVServerCounters(), snap.vservers[v.name]) as VServerStats;
      Object.assign(o, input.vserverHealth(v.name));
      o.cx_rate = m?.events.rate('in') ?? 0;
      o.rx_bytes_rate = m?.bytes.rate('in') ?? 0;
      o.tx_bytes_rate = m?.bytes.rate('out') ?? 0;
      o.spillovers_rate = m?.events.rate('out') ?? 0;
      o.quota = input.quota[v.name] ?? null;
      if (v.type === 'contentswitch') o.rule_hits = ruleHits(v, snap.rules?.[v.name]);
      vservers[v.name] = o;
    }
    const services: Record<string, ServiceStats> = {};
    for (const s of input.services) {
      const h = input.health[s.name];
      const o = Object.assign(emptyServiceCounters(), snap.services[s.name]) as ServiceStats;
      o.state = h?.state === 'DOWN' ? 'DOWN' : 'UP';
      o.health_transitions_total = h?.transitions ?? 0;
      o.monitors = h?.monitors ?? [];
      if (h?.effective) o.effective = h.effective;
      services[s.name] = o;
    }
    return { vservers, services };
  }

  private sample(snap: CounterSnapshot): void {
    const now = Date.now();
    const vservers = this.opts.vservers();
    const names = new Set(vservers.map((v) => v.name));
    for (const name of this.meters.keys()) if (!names.has(name)) this.meters.delete(name);
    for (const [name, c] of Object.entries(snap.vservers)) {
      let m = this.meters.get(name);
      if (!m) {
        m = {
          bytes: new RateMeter({ windowMs: RATE_WINDOW_MS }),
          events: new RateMeter({ windowMs: RATE_WINDOW_MS }),
          bw: new RateMeter({ windowMs: 2 * SAMPLE_MS }),
        };
        this.meters.set(name, m);
      }
      m.bytes.observeTotals({ in: c.rx_bytes_total, out: c.tx_bytes_total }, now);
      m.bw.observeTotals({ in: c.rx_bytes_total, out: c.tx_bytes_total }, now);
      m.events.observeTotals({ in: c.cx_total, out: c.spillovers_total }, now);
    }
    if (!vservers.some((v) => v.spillover.methods.some((m) => m.type === 'bandwidth'))) return;
    const kbps = Object.fromEntries(
      vservers.map((v) => {
        const m = this.meters.get(v.name);
        return [v.name, { in: m ? m.bw.kbps('in', now) : 0, out: m ? m.bw.kbps('out', now) : 0 }];
      }),
    );
    this.opts.onBandwidth(kbps);
  }

  private recount(): void {
    const next: ActiveCounts = { vservers: {}, services: {} };
    for (const c of this.byEngine.values()) {
      for (const [k, n] of Object.entries(c.vservers)) next.vservers[k] = (next.vservers[k] ?? 0) + n;
      for (const [k, n] of Object.entries(c.services)) next.services[k] = (next.services[k] ?? 0) + n;
    }
    if (sameActive(next, this.total)) return;
    this.total = next;
    this.opts.onActive(this.active());
  }
}
