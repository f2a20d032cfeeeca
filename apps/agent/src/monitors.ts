// Health monitors of the agent, run once per agent (in the primary). Each (service, monitor)
// binding probes on its own interval; fall/rise turn results into UP/DOWN; a service is UP when
// the weights of its UP monitors reach its monitor threshold (002 lines 228-232, 264-274).
// A service without monitors is UP. Every transition is logged, counted and reported at once.
// The rules (response time, fall/rise, monitor threshold) are @spillway/core's; this module runs
// the probes and reports.
import {
  aggregateMonitors,
  effectiveService,
  mergeFeedback,
  MonitorBinding,
  NO_FEEDBACK,
  sameFeedback,
  type AgentFeedback,
  type EffectiveService,
  type Health,
} from '@spillway/core';
import type { AgentDocument, MonitorDoc, Reach, ServiceDoc } from './config.js';
import type { Logger } from './log.js';
import { probe } from './monitor-probe.js';
import type { ProbeResult } from './monitor-tcp.js';

export type { Health };

interface Probe {
  service: string;
  monitor: MonitorDoc;
  weight: number;
  binding: MonitorBinding;
  timer: NodeJS.Timeout | null;
  lastMs: number | null;
  lastReason: string | null;
  running: boolean;
  key: string;
  /** Tries of this probe that threw instead of answering. */
  errors: number;
  /** An agent-check probe: what the backend's lines said so far (null: no line yet, or another type). */
  feedback: AgentFeedback | null;
  line: string | null;
}

export interface MonitorView {
  monitor: string;
  state: Health | 'PENDING';
  responseMs: number | null;
  reason: string | null;
  errors: number;
}
/** A service under agent-check feedback: what it is served with, and the last line. */
export interface EffectiveView extends EffectiveService {
  weightPercent: number | null;
  maxconn: number | null;
  admin: AgentFeedback['admin'];
  line: string | null;
}
export interface ServiceHealthView {
  state: Health;
  transitions: number;
  monitors: MonitorView[];
  effective?: EffectiveView;
}

export class Monitors {
  private probes = new Map<string, Probe>();
  /** The probes of each service, by key (a service's probes without a scan of all). */
  private readonly probesOf = new Map<string, Map<string, Probe>>();
  private services: ReadonlyMap<string, ServiceDoc> = new Map();
  private readonly state = new Map<string, Health>();
  private readonly transitions = new Map<string, number>();
  private stopped = false;
  /** Probe tries that threw or rejected instead of answering (every probe, since start). */
  errors = 0;

  constructor(
    private readonly log: Logger,
    private readonly onChange: (states: Record<string, boolean>) => void,
    /** The agent-check feedback of some service changed (feedback() says what is in force). */
    private readonly onFeedback: () => void = () => undefined,
  ) {}

  /**
   * A change of the configuration (`doc` after it, `reach` what it reached: resources.ts): only
   * the probes of the services reached (their own document, or a monitor they bind, changed) are
   * kept, replaced, started or stopped; an unchanged binding keeps its probe and its state.
   */
  apply(doc: AgentDocument, reach: Reach): void {
    this.services = doc.services;
    for (const name of reach.services) {
      const s = doc.services.get(name);
      const wanted = new Map<string, { monitor: MonitorDoc; weight: number }>();
      if (s)
        for (const b of s.monitors) {
          const m = doc.monitors.get(b.monitor);
          if (m) wanted.set(`${s.name}|${m.name}|${JSON.stringify(m)}|${s.address}:${s.port}`, { monitor: m, weight: b.weight ?? m.weight });
        }
      const mine = this.probesOf.get(name) ?? new Map<string, Probe>();
      for (const [key, p] of [...mine]) {
        if (wanted.has(key)) continue;
        if (p.timer) clearTimeout(p.timer);
        this.probes.delete(key);
        mine.delete(key);
      }
      for (const [key, w] of wanted) {
        const existing = mine.get(key);
        if (existing) {
          existing.weight = w.weight;
          continue;
        }
        const p: Probe = {
          service: name,
          monitor: w.monitor,
          weight: w.weight,
          binding: new MonitorBinding({ fall: w.monitor.fall, rise: w.monitor.rise, responseTime: w.monitor.responseTime }),
          timer: null,
          lastMs: null,
          lastReason: null,
          running: false,
          key,
          errors: 0,
          feedback: null,
          line: null,
        };
        this.probes.set(key, p);
        mine.set(key, p);
        this.schedule(p, 0);
      }
      if (mine.size > 0) this.probesOf.set(name, mine);
      else this.probesOf.delete(name);
      if (!s) this.state.delete(name);
    }
    this.recompute(reach.services);
  }

  /** UP/DOWN of one service of the current configuration (undefined: not one of them). */
  stateOf(name: string): boolean | undefined {
    return this.services.has(name) ? (this.state.get(name) ?? this.initial(name)) === 'UP' : undefined;
  }

  /** UP/DOWN of every service of the current configuration. */
  states(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const name of this.services.keys()) out[name] = (this.state.get(name) ?? this.initial(name)) === 'UP';
    return out;
  }

  /** The agent-check feedback in force per service (the first agent monitor that answered a line). */
  feedback(): Record<string, AgentFeedback> {
    const out: Record<string, AgentFeedback> = {};
    for (const p of this.probes.values()) if (p.feedback && !(p.service in out)) out[p.service] = p.feedback;
    return out;
  }

  view(): Record<string, ServiceHealthView> {
    const out: Record<string, ServiceHealthView> = {};
    const feedback = this.feedback();
    for (const [name, svc] of this.services) {
      const f = feedback[name];
      const probes = [...(this.probesOf.get(name)?.values() ?? [])];
      const line = f ? (probes.find((p) => p.feedback === f)?.line ?? null) : null;
      // Fields set one by one, no spread of an optional part (V8's slow path, per service).
      const o: ServiceHealthView = {
        state: this.state.get(name) ?? this.initial(name),
        transitions: this.transitions.get(name) ?? 0,
        monitors: probes.map((p) => ({
          monitor: p.monitor.name,
          state: p.binding.state ?? 'PENDING',
          responseMs: p.lastMs === null ? null : Math.round(p.lastMs * 100) / 100,
          reason: p.lastReason,
          errors: p.errors,
        })),
      };
      if (f) o.effective = { ...effectiveService(svc, f), weightPercent: f.weightPercent, maxconn: f.maxconn, admin: f.admin, line };
      out[name] = o;
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.probes.values()) if (p.timer) clearTimeout(p.timer);
  }

  private initial(_name: string): Health {
    return 'UP';
  }

  private schedule(p: Probe, delayMs: number): void {
    if (this.stopped) return;
    p.timer = setTimeout(() => {
      this.run(p).catch((err: unknown) => {
        // Past the probe itself (the verdict, a transition handler): count it and keep probing.
        this.errors++;
        this.log.error(
          { event: 'monitor_error', service: p.service, monitor: p.monitor.name, err: (err as Error)?.message ?? String(err) },
          'monitor run failed',
        );
        if (this.probes.get(p.key) === p) this.schedule(p, p.monitor.intervalMs);
      });
    }, delayMs);
    p.timer.unref();
  }

  /**
   * One try of a probe. Whatever a probe throws or rejects with (a value of the config that its
   * request cannot carry, a bug) is that try failing: logged, counted (monitor_errors_total), DOWN
   * as far as fall allows; the next try is scheduled either way, and nothing escapes the timer.
   */
  private async run(p: Probe): Promise<void> {
    const s = this.services.get(p.service);
    if (!s || this.probes.get(p.key) !== p) return;
    const m = p.monitor;
    const started = performance.now();
    let r: ProbeResult;
    try {
      r = await probe(m, s);
    } catch (err) {
      const e = err as NodeJS.ErrnoException | undefined;
      r = { ok: false, responseMs: performance.now() - started, reason: `probe error: ${e?.code ?? e?.message ?? String(err)}`, error: true };
    }
    if (r.error) {
      this.errors++;
      p.errors++;
      // The first of a run and every 100th: a bad value fails every try, the log stays readable.
      if (p.errors % 100 === 1)
        this.log.error(
          { event: 'monitor_error', service: p.service, monitor: m.name, reason: r.reason, errors: p.errors },
          `monitor ${m.name} of ${p.service} could not probe: ${r.reason ?? 'error'}`,
        );
    }
    if (this.probes.get(p.key) !== p) return;
    // An agent-check line: its words join what earlier lines said; a DOWN it says fails the try.
    let feedbackChanged = false;
    if (r.report) {
      const next = mergeFeedback(p.feedback ?? NO_FEEDBACK, r.report);
      feedbackChanged = p.feedback === null ? !sameFeedback(next, NO_FEEDBACK) : !sameFeedback(next, p.feedback);
      p.feedback = next;
      p.line = r.line ?? null;
      if (next.health === 'down') r = { ...r, ok: false, reason: next.reason ?? 'agent says down' };
    }
    const before = p.binding.state;
    const verdict = p.binding.observe({ ok: r.ok, responseMs: r.responseMs, reason: r.reason ?? null });
    p.lastMs = r.responseMs;
    p.lastReason = verdict.reason;
    if (verdict.changed) {
      const after = verdict.state;
      this.log.info(
        {
          event: 'monitor_transition',
          service: p.service,
          monitor: m.name,
          from: before ?? 'PENDING',
          to: after,
          reason: verdict.reason,
          responseMs: Math.round(r.responseMs),
        },
        `monitor ${m.name} of ${p.service} is ${after}`,
      );
      this.recompute([p.service]);
    }
    if (feedbackChanged) {
      this.log.info(
        { event: 'agent_feedback', service: p.service, monitor: m.name, line: p.line, feedback: p.feedback },
        `agent-check of ${p.service}: ${p.line ?? ''}`,
      );
      this.onFeedback();
    }
    this.schedule(p, m.intervalMs);
  }

  /** The state of the services `names` from their probes' (those gone are skipped). */
  private recompute(names: Iterable<string>): void {
    const changed: Record<string, boolean> = {};
    for (const name of names) {
      const s = this.services.get(name);
      if (!s) continue;
      const probes = [...(this.probesOf.get(name)?.values() ?? [])];
      let next: Health;
      if (probes.length === 0) next = 'UP';
      else if (probes.some((p) => p.binding.state === null)) next = this.state.get(s.name) ?? 'UP';
      else
        next = aggregateMonitors(
          probes.map((p) => ({ weight: p.weight, up: p.binding.state === 'UP' })),
          s.monitorThreshold,
        ).up
          ? 'UP'
          : 'DOWN';
      const prev = this.state.get(s.name) ?? 'UP';
      this.state.set(s.name, next);
      if (prev !== next) {
        this.transitions.set(s.name, (this.transitions.get(s.name) ?? 0) + 1);
        this.log.info({ event: 'service_transition', service: s.name, from: prev, to: next }, `service ${s.name} is ${next}`);
        changed[s.name] = next === 'UP';
      }
    }
    if (Object.keys(changed).length > 0) this.onChange(changed);
  }
}
