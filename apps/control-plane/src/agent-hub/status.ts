// The live status of a vserver (API-SHAPE.md "Status"): threshold and its derivation from the
// aggregate service states, active connections and bandwidth summed over the agents' last
// reports (agents connected or still within their lease), clients waiting in the surge queues,
// health, quota by agent, and each service's monitors as the agents last saw them. The shape is
// the API's (schemas/status.ts).
import type { MonitorStatusValue, VServerStatusValue } from '../schemas/status.js';
import type { AgentHub, AgentRecord } from './hub.js';

export type VServerStatus = VServerStatusValue;

/**
 * A monitor of a service across the agents that report it: the state most of them see (a tie is
 * DOWN; PENDING while none has an answer yet) and the mean of their last response times.
 */
export type MonitorStatus = MonitorStatusValue;
type EffectiveStatus = NonNullable<VServerStatusValue['services'][number]['effective']>;

const round = (n: number): number => Math.round(n * 100) / 100;

export function monitorsOf(live: AgentRecord[], service: string): MonitorStatus[] {
  const by = new Map<string, { up: number; down: number; agents: number; ms: number[] }>();
  for (const a of live) {
    for (const m of a.report?.services[service]?.monitors ?? []) {
      let x = by.get(m.monitor);
      if (!x) {
        x = { up: 0, down: 0, agents: 0, ms: [] };
        by.set(m.monitor, x);
      }
      x.agents += 1;
      if (m.state === 'UP') x.up += 1;
      else if (m.state === 'DOWN') x.down += 1;
      if (m.responseMs !== null) x.ms.push(m.responseMs);
    }
  }
  return [...by].map(([monitor, x]) => ({
    monitor,
    state: x.up === 0 && x.down === 0 ? 'PENDING' : x.up > x.down ? 'UP' : 'DOWN',
    responseMs: x.ms.length === 0 ? null : round(x.ms.reduce((s, n) => s + n, 0) / x.ms.length),
    agents: x.agents,
  }));
}

/** A service under application feedback as the hub serves it (agent-hub/feedback.ts), in the status's shape. */
export function effectiveOf(hub: AgentHub, service: string): EffectiveStatus | undefined {
  const e = hub.effective(service);
  return e ? { weight: e.weight, capacity: e.capacity, state: e.state, drain: e.drain, agents: e.agents, source: e.source } : undefined;
}

/**
 * UP when it can serve: a load-balancing vserver when a service counts toward its limit; a content
 * switch (no services of its own) when one of the vservers its rules or default name is UP. The
 * contract refuses cycles of switches; `seen` guards anyway.
 */
function vserverUp(hub: AgentHub, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const vs = hub.snapshots.get()?.config.vservers.find((v) => v.name === name);
  if (vs?.type === 'contentswitch') {
    const targets = [...(vs.rules ?? []).map((r) => r.target), ...(vs.default === undefined ? [] : [vs.default])];
    return targets.some((t) => vserverUp(hub, t, seen));
  }
  return hub.limit(name)?.derivation.some((d) => d.counted) ?? false;
}

export function vserverStatus(hub: AgentHub, name: string): VServerStatus | null {
  const limit = hub.limit(name);
  if (!limit) return null;
  const live = hub.agents().filter((a) => a.connected || a.leaseExpiresAt !== null);
  const byAgent: Record<string, number> = {};
  let total = 0;
  let rx = 0;
  let tx = 0;
  let spillovers = 0;
  let surgeQueue = 0;
  let ruleHits: Record<string, number> | undefined;
  let selection: NonNullable<VServerStatusValue['selection']> | undefined;
  for (const a of live) {
    const c = a.report?.vservers[name];
    if (!c) continue;
    if (c.selection) {
      selection ??= { managerTotal: 0, localFallbackTotal: 0, byAgent: {} };
      selection.managerTotal += c.selection.managerTotal;
      selection.localFallbackTotal += c.selection.localFallbackTotal;
      selection.byAgent[a.name] = { ...c.selection };
    }
    byAgent[a.name] = c.cxActive;
    total += c.cxActive;
    rx += c.rxKbps;
    tx += c.txKbps;
    spillovers += c.spilloversTotal;
    surgeQueue += c.surgeQueue ?? 0;
    if (c.ruleHits) {
      ruleHits ??= {};
      for (const [rule, n] of Object.entries(c.ruleHits)) ruleHits[rule] = (ruleHits[rule] ?? 0) + n;
    }
  }
  const q = hub.quotaView(name);
  const services = limit.derivation.map((d) => {
    const votes = hub.serviceState(d.service);
    const active = live.reduce((s, a) => s + (a.report?.services[d.service]?.cxActive ?? 0), 0);
    const effective = effectiveOf(hub, d.service);
    const maintenance = hub.maintenance.status(d.service);
    return {
      name: d.service,
      state: d.state,
      activeConnections: active,
      agentsUp: votes?.up ?? 0,
      agentsMonitoring: votes?.voters ?? 0,
      monitors: monitorsOf(live, d.service),
      ...(effective ? { effective } : {}),
      ...(maintenance ? { maintenance } : {}),
    };
  });
  const sites = hub.sites.current()?.vservers[name];
  return {
    name,
    state: vserverUp(hub, name) ? 'UP' : 'DOWN',
    // At the connection limit now, or spilling by any method within the hold time (the spillover events' episode).
    spilling: (limit.value !== null && total >= limit.value) || hub.spilling(name),
    threshold: {
      method: limit.method,
      value: limit.value,
      derivation: limit.derivation.map((d) => ({ service: d.service, capacity: d.capacity, state: d.state, counted: d.counted })),
    },
    activeConnections: { total, byAgent },
    healthPercent: limit.healthPercent,
    bandwidthKbps: { in: round(rx), out: round(tx) },
    spillovers,
    surgeQueue,
    quota: q ? { limit: q.limit, shared: q.shared, byAgent: q.byAgent } : null,
    ...(selection ? { selection } : {}),
    ...(ruleHits ? { ruleHits } : {}),
    ...(sites ? { sites } : {}),
    services,
  };
}
