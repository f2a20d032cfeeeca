// Health monitors of the agent, run once per agent (in the primary). Each (service, monitor)
// binding probes on its own interval; fall/rise turn results into UP/DOWN; a service is UP when
// the weights of its UP monitors reach its monitor threshold (002 lines 228-232, 264-274).
// A service without monitors is UP. Every transition is logged, counted and reported at once.
import type { AgentConfig, MonitorDoc, ServiceDoc } from './config.js';
import type { Logger } from './log.js';
import { probeHttp } from './monitor-http.js';
import { probeTcp, type ProbeResult } from './monitor-tcp.js';

export type Health = 'UP' | 'DOWN';

/** MINIMAL LOCAL VERSION of the core's FallRise: `fall` failures in a row → DOWN, `rise` successes → UP. */
class FallRise {
  state: Health | null = null;
  private streak = 0;
  constructor(private readonly fall: number, private readonly rise: number) {}
  observe(ok: boolean): Health {
    if (this.state === null) { this.state = ok ? 'UP' : 'DOWN'; return this.state; }
    const wanted: Health = ok ? 'UP' : 'DOWN';
    if (wanted === this.state) { this.streak = 0; return this.state; }
    this.streak++;
    if (this.streak >= (ok ? this.rise : this.fall)) { this.state = wanted; this.streak = 0; }
    return this.state;
  }
}

/** MINIMAL LOCAL VERSION of the core's ResponseTimeTracker: rolling average of good probes. */
class ResponseTimes {
  private readonly samples: number[] = [];
  average(): number | null { return this.samples.length < 3 ? null : this.samples.reduce((a, b) => a + b, 0) / this.samples.length; }
  add(ms: number): void { this.samples.push(ms); if (this.samples.length > 20) this.samples.shift(); }
}

interface Probe {
  service: string; monitor: MonitorDoc; weight: number; fallRise: FallRise; times: ResponseTimes;
  timer: NodeJS.Timeout | null; lastMs: number | null; lastReason: string | null; running: boolean; key: string;
}

export interface MonitorView { monitor: string; state: Health | 'PENDING'; responseMs: number | null; reason: string | null }
export interface ServiceHealthView { state: Health; transitions: number; monitors: MonitorView[] }

export class Monitors {
  private probes = new Map<string, Probe>();
  private services = new Map<string, ServiceDoc>();
  private readonly state = new Map<string, Health>();
  private readonly transitions = new Map<string, number>();
  private stopped = false;

  constructor(private readonly log: Logger, private readonly onChange: (states: Record<string, boolean>) => void) {}

  apply(config: AgentConfig): void {
    const monitors = new Map(config.monitors.map((m) => [m.name, m]));
    this.services = new Map(config.services.map((s) => [s.name, s]));
    const wanted = new Map<string, { service: ServiceDoc; monitor: MonitorDoc; weight: number }>();
    for (const s of config.services) {
      for (const b of s.monitors) {
        const m = monitors.get(b.monitor);
        if (m) wanted.set(`${s.name}|${m.name}|${JSON.stringify(m)}|${s.address}:${s.port}`, { service: s, monitor: m, weight: b.weight ?? m.weight });
      }
    }
    for (const [key, p] of [...this.probes]) {
      if (!wanted.has(key)) { if (p.timer) clearTimeout(p.timer); this.probes.delete(key); }
    }
    for (const [key, w] of wanted) {
      const existing = this.probes.get(key);
      if (existing) { existing.weight = w.weight; continue; }
      const p: Probe = { service: w.service.name, monitor: w.monitor, weight: w.weight, fallRise: new FallRise(w.monitor.fall, w.monitor.rise), times: new ResponseTimes(), timer: null, lastMs: null, lastReason: null, running: false, key };
      this.probes.set(key, p);
      this.schedule(p, 0);
    }
    for (const name of [...this.state.keys()]) if (!this.services.has(name)) this.state.delete(name);
    this.recompute();
  }

  /** UP/DOWN of every service of the current configuration. */
  states(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const name of this.services.keys()) out[name] = (this.state.get(name) ?? this.initial(name)) === 'UP';
    return out;
  }

  view(): Record<string, ServiceHealthView> {
    const out: Record<string, ServiceHealthView> = {};
    for (const name of this.services.keys()) {
      out[name] = {
        state: this.state.get(name) ?? this.initial(name), transitions: this.transitions.get(name) ?? 0,
        monitors: [...this.probes.values()].filter((p) => p.service === name).map((p) => ({
          monitor: p.monitor.name, state: p.fallRise.state ?? 'PENDING', responseMs: p.lastMs === null ? null : Math.round(p.lastMs * 100) / 100, reason: p.lastReason,
        })),
      };
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.probes.values()) if (p.timer) clearTimeout(p.timer);
  }

  private initial(_name: string): Health { return 'UP'; }

  private schedule(p: Probe, delayMs: number): void {
    if (this.stopped) return;
    p.timer = setTimeout(() => { void this.run(p); }, delayMs);
    p.timer.unref();
  }

  private async run(p: Probe): Promise<void> {
    const s = this.services.get(p.service);
    if (!s || this.probes.get(p.key) !== p) return;
    const m = p.monitor;
    let r: ProbeResult = m.type === 'tcp'
      ? await probeTcp(s.address, s.port, m.timeoutMs)
      : await probeHttp({
        tls: m.type === 'https', host: s.address, port: s.port, timeoutMs: m.timeoutMs, method: m.http?.method, path: m.http?.path,
        hostHeader: m.http?.host, expectStatus: m.http?.expectStatus, expectBody: m.http?.expectBody,
      });
    if (this.probes.get(p.key) !== p) return;
    if (r.ok && m.responseTime?.maxMs !== undefined && r.responseMs > m.responseTime.maxMs) r = { ok: false, responseMs: r.responseMs, reason: `response ${Math.round(r.responseMs)} ms over ${m.responseTime.maxMs} ms` };
    const avg = p.times.average();
    if (r.ok && m.responseTime?.maxOverAverage !== undefined && avg !== null && r.responseMs > avg * m.responseTime.maxOverAverage) {
      r = { ok: false, responseMs: r.responseMs, reason: `response ${Math.round(r.responseMs)} ms over ${m.responseTime.maxOverAverage}× the average ${Math.round(avg)} ms` };
    }
    if (r.ok) p.times.add(r.responseMs);
    p.lastMs = r.responseMs;
    p.lastReason = r.reason ?? null;
    const before = p.fallRise.state;
    const after = p.fallRise.observe(r.ok);
    if (before !== after) {
      this.log.info({ event: 'monitor_transition', service: p.service, monitor: m.name, from: before ?? 'PENDING', to: after, reason: r.reason ?? null, responseMs: Math.round(r.responseMs) }, `monitor ${m.name} of ${p.service} is ${after}`);
      this.recompute();
    }
    this.schedule(p, m.intervalMs);
  }

  private recompute(): void {
    const changed: Record<string, boolean> = {};
    for (const s of this.services.values()) {
      const probes = [...this.probes.values()].filter((p) => p.service === s.name);
      let next: Health;
      if (probes.length === 0) next = 'UP';
      else if (probes.some((p) => p.fallRise.state === null)) next = this.state.get(s.name) ?? 'UP';
      else {
        const total = probes.reduce((a, p) => a + p.weight, 0);
        const up = probes.reduce((a, p) => a + (p.fallRise.state === 'UP' ? p.weight : 0), 0);
        next = up >= (s.monitorThreshold ?? total) ? 'UP' : 'DOWN';
      }
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
