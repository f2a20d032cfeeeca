// Maintenance of services across agents (issue 15 item 4): what the agents report of the
// connections of a service in maintenance (draining, migrating, migrated, failed, closed at the
// drain deadline, the last failure), summed for the status; their long-lived connections for
// GET /v1/services/{name}/connections; and the events: service.maintenance_started when the served
// config puts a service in maintenance, service.migrations once per interval with the counts of
// that interval (aggregated: never a row per connection), service.maintenance_completed once no
// agent has a connection of it left (or it left maintenance).
import type { ConfigDocument, ConnectionRow, MaintenanceCounters } from '@spillway/protocol';
import type { AgentRecord } from './hub.js';

export type MaintenanceEvent =
  | { kind: 'service.maintenance_started'; service: string; connections: number }
  | {
      kind: 'service.migrations';
      service: string;
      /** In this interval, across agents. */
      migrated: number;
      failed: number;
      drainClosed: number;
      intervalMs: number;
      /** The latest failure's code and reason (null: none in the interval). */
      lastFailure: string | null;
    }
  | {
      kind: 'service.maintenance_completed';
      service: string;
      /** Since the maintenance started, across agents. */
      migrated: number;
      failed: number;
      drainClosed: number;
      seconds: number;
      /** drained: no connection of it left on any agent; left: its state changed before that. */
      reason: 'drained' | 'left';
    };

/** A service's maintenance across agents, as the status shows it. */
export interface MaintenanceStatus {
  draining: number;
  migrating: number;
  migrated: number;
  failed: number;
  drainClosed: number;
  lastFailure: { code: string; message: string; agent: string; at: string } | null;
}

/** A long-lived connection with the agent that holds it. */
export type AgentConnection = ConnectionRow & { agent: string };

export interface HubMaintenanceOptions {
  emit(e: MaintenanceEvent): void;
  /** The agents whose last reports count (connected or within their lease). */
  live(): AgentRecord[];
  /** How often the migration counts are summed into an event (default 2 s). */
  intervalMs?: number;
}

type Totals = Pick<MaintenanceCounters, 'migratedTotal' | 'failedTotal' | 'drainClosedTotal'>;
const ZERO: Totals = { migratedTotal: 0, failedTotal: 0, drainClosedTotal: 0 };

interface Episode {
  startedAt: number;
  /** Each agent's cumulative counts at the start, and as of the last interval. */
  base: Map<string, Totals>;
  seen: Map<string, Totals>;
}

export class HubMaintenance {
  private readonly episodes = new Map<string, Episode>();
  private readonly timer: NodeJS.Timeout;
  readonly intervalMs: number;

  constructor(private readonly opts: HubMaintenanceOptions) {
    this.intervalMs = opts.intervalMs ?? 2_000;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The served config: services entering maintenance start an episode, those leaving it end theirs. */
  setConfig(config: ConfigDocument): void {
    const now = new Set<string>();
    for (const s of config.services) if (s.state === 'maintenance') now.add(s.name);
    for (const service of now) {
      if (this.episodes.has(service)) continue;
      const counts = this.counts(service);
      this.episodes.set(service, { startedAt: Date.now(), base: counts, seen: new Map(counts) });
      this.opts.emit({ kind: 'service.maintenance_started', service, connections: this.active(service) });
    }
    for (const service of [...this.episodes.keys()]) if (!now.has(service)) this.complete(service, 'left');
  }

  /** The maintenance counts of `service` across agents (null when no agent reported any). */
  status(service: string): MaintenanceStatus | null {
    let out: MaintenanceStatus | null = null;
    let latest = -1;
    for (const a of this.opts.live()) {
      const m = a.report?.services[service]?.maintenance;
      if (!m) continue;
      out ??= { draining: 0, migrating: 0, migrated: 0, failed: 0, drainClosed: 0, lastFailure: null };
      out.draining += m.draining;
      out.migrating += m.migrating;
      out.migrated += m.migratedTotal;
      out.failed += m.failedTotal;
      out.drainClosed += m.drainClosedTotal;
      if (m.lastFailure && m.lastFailure.at > latest) {
        latest = m.lastFailure.at;
        out.lastFailure = { code: m.lastFailure.code, message: m.lastFailure.message, agent: a.name, at: new Date(m.lastFailure.at).toISOString() };
      }
    }
    return out;
  }

  /** The long-lived connections of `service` the agents last reported, oldest first. */
  connections(service: string): AgentConnection[] {
    const out: AgentConnection[] = [];
    for (const a of this.opts.live()) for (const c of a.report?.connections ?? []) if (c.service === service) out.push({ ...c, agent: a.name });
    return out.sort((x, y) => y.ageMs - x.ageMs);
  }

  private active(service: string): number {
    let n = 0;
    for (const a of this.opts.live()) n += a.report?.services[service]?.cxActive ?? 0;
    return n;
  }

  private counts(service: string): Map<string, Totals> {
    const out = new Map<string, Totals>();
    for (const a of this.opts.live()) {
      const m = a.report?.services[service]?.maintenance;
      out.set(a.name, m ? { migratedTotal: m.migratedTotal, failedTotal: m.failedTotal, drainClosedTotal: m.drainClosedTotal } : ZERO);
    }
    return out;
  }

  /** What each agent counted since `from` (an agent that restarted counts from zero again). */
  private since(from: Map<string, Totals>, now: Map<string, Totals>): Totals {
    const d = { migratedTotal: 0, failedTotal: 0, drainClosedTotal: 0 };
    for (const [agent, n] of now) {
      const b = from.get(agent) ?? ZERO;
      for (const k of ['migratedTotal', 'failedTotal', 'drainClosedTotal'] as const) d[k] += n[k] >= b[k] ? n[k] - b[k] : n[k];
    }
    return d;
  }

  private tick(): void {
    for (const [service, ep] of this.episodes) {
      const now = this.counts(service);
      const d = this.since(ep.seen, now);
      for (const [agent, n] of now) ep.seen.set(agent, n);
      if (d.migratedTotal + d.failedTotal + d.drainClosedTotal > 0) {
        const st = this.status(service);
        this.opts.emit({
          kind: 'service.migrations',
          service,
          migrated: d.migratedTotal,
          failed: d.failedTotal,
          drainClosed: d.drainClosedTotal,
          intervalMs: this.intervalMs,
          lastFailure: d.failedTotal > 0 && st?.lastFailure ? `${st.lastFailure.code}: ${st.lastFailure.message}` : null,
        });
      }
      const st = this.status(service);
      if (this.active(service) === 0 && (st?.draining ?? 0) === 0 && (st?.migrating ?? 0) === 0) this.complete(service, 'drained');
    }
  }

  private complete(service: string, reason: 'drained' | 'left'): void {
    const ep = this.episodes.get(service);
    if (!ep) return;
    this.episodes.delete(service);
    const d = this.since(ep.base, this.counts(service));
    this.opts.emit({
      kind: 'service.maintenance_completed',
      service,
      migrated: d.migratedTotal,
      failed: d.failedTotal,
      drainClosed: d.drainClosedTotal,
      seconds: Math.round((Date.now() - ep.startedAt) / 100) / 10,
      reason,
    });
  }
}
