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
const KEYS = ['migratedTotal', 'failedTotal', 'drainClosedTotal'] as const;
/** An agent's counts as of one of its sessions (connectedAt): a new session (a restarted agent) counts from zero. */
interface Seen {
  session: number | null;
  t: Totals;
}

interface Episode {
  startedAt: number;
  /** Each agent's counts since the start not yet in an event (high-water marks: a report that dips, an engine late with its counters, is not a restart). */
  seen: Map<string, Seen>;
  /** What the episode's events counted so far. */
  total: Totals;
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
      this.episodes.set(service, { startedAt: Date.now(), seen: this.counts(service), total: { ...ZERO } });
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

  private counts(service: string): Map<string, Seen> {
    const out = new Map<string, Seen>();
    for (const a of this.opts.live()) {
      const m = a.report?.services[service]?.maintenance;
      out.set(a.name, {
        session: a.connectedAt,
        t: m ? { migratedTotal: m.migratedTotal, failedTotal: m.failedTotal, drainClosedTotal: m.drainClosedTotal } : ZERO,
      });
    }
    return out;
  }

  /** What the agents counted since the episode's last look, which becomes the new mark. */
  private advance(ep: Episode, service: string): Totals {
    const d = { ...ZERO };
    for (const [agent, n] of this.counts(service)) {
      const prev = ep.seen.get(agent);
      const from = prev && prev.session === n.session ? prev.t : ZERO;
      const mark = { ...from };
      for (const k of KEYS) {
        if (n.t[k] > from[k]) {
          d[k] += n.t[k] - from[k];
          mark[k] = n.t[k];
        }
      }
      ep.seen.set(agent, { session: n.session, t: mark });
    }
    for (const k of KEYS) ep.total[k] += d[k];
    return d;
  }

  private tick(): void {
    for (const [service, ep] of this.episodes) {
      const d = this.advance(ep, service);
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
    this.advance(ep, service);
    const d = ep.total;
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
