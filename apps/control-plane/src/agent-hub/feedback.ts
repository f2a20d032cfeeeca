// Application feedback in the hub (issue 16 item 2): what each service is served with under the
// feedback of its backends, from two sources — the agents' agent-check probes (each agent's report
// carries the service as its probes serve it: `effective`; the hub takes what most reporting
// agents say) and the feedback the backends pushed to the control plane (POST
// /v1/services/{name}/feedback, FeedbackStore). The hub's one derivation is core's servedService:
// the agent-check layer first, the pushed one on top, as every agent serves it (feedback.ts of the
// agent), so the vserver thresholds the hub shares follow the effective capacity (maxconn), drain
// and maint. A pushed `down` makes the service DOWN in the hub's states. Changes are emitted as
// `service.feedback` events, at most one per service per debounce period (the last state wins).
import { servedService, type AgentFeedback, type EffectiveService, type LimitService } from '@spillway/core';
import type { Feedback, FeedbackPush, Report } from '@spillway/protocol';

export type FeedbackSource = 'agent-check' | 'push' | 'both';

export interface FeedbackEvent {
  kind: 'service.feedback';
  service: string;
  /** Where the feedback in force comes from; null: none any more (served as configured). */
  source: FeedbackSource | null;
  weight: number;
  capacity: number;
  state: string;
  drain: boolean;
  /** The pushed feedback says down (the service is DOWN whatever the monitors say). */
  down: boolean;
}

/** A service under feedback as the hub serves it: the effective values, where they come from, the agents reporting agent-check feedback. */
export interface HubEffective extends EffectiveService {
  source: FeedbackSource;
  /** Agents whose report carries this service's agent-check feedback as most of them serve it (0: pushed only). */
  agents: number;
}

interface Reported extends EffectiveService {
  agents: number;
}

const keyOf = (e: EffectiveService): string => `${e.weight}|${e.capacity}|${e.state}|${e.drain}`;

export interface HubFeedbackOptions {
  emit: (e: FeedbackEvent) => void;
  /** At most one service.feedback event per service per this long (default 1 s); the last state goes out at the end of it. */
  debounceMs?: number;
}

export class HubFeedback {
  private readonly pushed = new Map<string, AgentFeedback>();
  /** Per service: the agent-check feedback most reporting agents serve it with. */
  private readonly reported = new Map<string, Reported>();
  private readonly debounceMs: number;
  /** Per service: when its last event went out, and the timer of the one waiting. */
  private readonly events = new Map<string, { at: number; timer: NodeJS.Timeout | null; sent: string }>();

  constructor(private readonly opts: HubFeedbackOptions) {
    this.debounceMs = opts.debounceMs ?? 1_000;
  }

  /** The pushed feedback of a service changed (null: cleared). True when what is in force moved. */
  setPushed(service: string, f: AgentFeedback | null): boolean {
    const before = this.pushed.get(service);
    if (f === null) {
      if (!before) return false;
      this.pushed.delete(service);
      return true;
    }
    this.pushed.set(service, f);
    return !before || JSON.stringify(before) !== JSON.stringify(f);
  }

  /** The whole pushed set (a load at start): the services whose pushed feedback changed. */
  replacePushed(all: ReadonlyMap<string, AgentFeedback>): string[] {
    const changed: string[] = [];
    for (const s of [...this.pushed.keys()]) if (!all.has(s) && this.setPushed(s, null)) changed.push(s);
    for (const [s, f] of all) if (this.setPushed(s, f)) changed.push(s);
    return changed;
  }

  /** The pushed feedback says down. */
  pushedDown(service: string): boolean {
    return this.pushed.get(service)?.health === 'down';
  }

  /** Services with pushed feedback saying down. */
  downs(): string[] {
    return [...this.pushed].filter(([, f]) => f.health === 'down').map(([s]) => s);
  }

  /** The agents' message: the whole pushed set (`replace`), or only `services` (null for those cleared). */
  message(services?: readonly string[]): FeedbackPush {
    const feedback: Record<string, Feedback | null> = {};
    if (services === undefined) for (const [s, f] of this.pushed) feedback[s] = { ...f };
    else for (const s of services) feedback[s] = this.pushed.has(s) ? { ...this.pushed.get(s)! } : null;
    return { type: 'service-feedback', replace: services === undefined, feedback };
  }

  /**
   * An agent's new report (`prev`: its report before): the services whose agent-check feedback,
   * as most of the `live` agents' reports say, changed. Only services either report names under
   * feedback are looked at.
   */
  report(prev: Report | null, next: Report, live: () => ReadonlyArray<{ report: Report | null }>): string[] {
    const look = new Set<string>();
    for (const [s, c] of Object.entries(next.services)) if (c.effective || this.reported.has(s)) look.add(s);
    if (prev) for (const [s, c] of Object.entries(prev.services)) if (c.effective) look.add(s);
    if (look.size === 0) return [];
    const agents = live();
    const moved: string[] = [];
    for (const s of look) {
      const before = this.reported.get(s);
      const now = majority(agents, s);
      if ((before ? `${keyOf(before)}|${before.agents}` : '') === (now ? `${keyOf(now)}|${now.agents}` : '')) continue;
      if (now) this.reported.set(s, now);
      else this.reported.delete(s);
      if ((before ? keyOf(before) : '') !== (now ? keyOf(now) : '')) moved.push(s);
    }
    return moved;
  }

  /** The reported agent-check feedback of services no agent reports any more (an agent left): those that moved. */
  recount(live: ReadonlyArray<{ report: Report | null }>): string[] {
    const moved: string[] = [];
    for (const [s, before] of [...this.reported]) {
      const now = majority(live, s);
      if (now && keyOf(now) === keyOf(before)) {
        this.reported.set(s, now);
        continue;
      }
      if (now) this.reported.set(s, now);
      else this.reported.delete(s);
      moved.push(s);
    }
    return moved;
  }

  /**
   * What `service` is served with (core's servedService: the agents' agent-check layer, then the
   * pushed one), or undefined without feedback of either kind. `configured`: the service as the
   * config has it.
   */
  effective(service: string, configured: Pick<LimitService, 'capacity' | 'weight' | 'state'> | undefined): HubEffective | undefined {
    const rep = this.reported.get(service);
    const push = this.pushed.get(service);
    if (!rep && !push) return undefined;
    const base = rep ?? configured;
    if (!base) return undefined;
    const e = servedService(base, [push]);
    return { ...e, source: rep && push ? 'both' : rep ? 'agent-check' : 'push', agents: rep?.agents ?? 0 };
  }

  /** The state in force of `service` (after a change) goes out as a service.feedback event, debounced. */
  note(service: string, e: HubEffective | undefined): void {
    const ev: FeedbackEvent = e
      ? {
          kind: 'service.feedback',
          service,
          source: e.source,
          weight: e.weight,
          capacity: e.capacity,
          state: e.state,
          drain: e.drain,
          down: this.pushedDown(service),
        }
      : { kind: 'service.feedback', service, source: null, weight: 0, capacity: 0, state: 'enabled', drain: false, down: false };
    const key = JSON.stringify(ev);
    let x = this.events.get(service);
    if (!x) this.events.set(service, (x = { at: 0, timer: null, sent: '' }));
    if (x.timer) clearTimeout(x.timer);
    x.timer = null;
    const wait = x.at + this.debounceMs - Date.now();
    const send = (): void => {
      const y = this.events.get(service);
      if (!y) return;
      y.timer = null;
      if (y.sent === key) return;
      y.at = Date.now();
      y.sent = key;
      this.opts.emit(ev);
    };
    if (wait <= 0) send();
    else {
      x.timer = setTimeout(send, wait);
      x.timer.unref();
    }
  }

  close(): void {
    for (const x of this.events.values()) if (x.timer) clearTimeout(x.timer);
    this.events.clear();
  }
}

/** The agent-check feedback most of the agents reporting one serve `service` with (ties: the first agent's), with their count. */
function majority(live: ReadonlyArray<{ report: Report | null }>, service: string): Reported | undefined {
  const by = new Map<string, Reported>();
  let best: Reported | undefined;
  for (const a of live) {
    const e = a.report?.services[service]?.effective;
    if (!e) continue;
    const k = keyOf(e);
    let x = by.get(k);
    if (!x) by.set(k, (x = { weight: e.weight, capacity: e.capacity, state: e.state, drain: e.drain, agents: 0 }));
    x.agents += 1;
    if (!best || x.agents > best.agents) best = x;
  }
  return best;
}
