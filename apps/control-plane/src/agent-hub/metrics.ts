// Prometheus text exposition (format 0.0.4) of the hub's view: agents, vservers, services.
import type { AgentHub } from './hub.js';
import { vserverStatus } from './status.js';

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

export function renderMetrics(hub: AgentHub): string {
  const families = new Map<string, { help: string; type: 'gauge' | 'counter'; samples: string[] }>();
  const add = (name: string, type: 'gauge' | 'counter', help: string, l: Record<string, string>, value: number): void => {
    let f = families.get(name);
    if (!f) {
      f = { help, type, samples: [] };
      families.set(name, f);
    }
    f.samples.push(`${name}${labels(l)} ${Number.isFinite(value) ? value : 0}`);
  };
  const desired = hub.snapshots.version;
  for (const a of hub.agents()) {
    add('spillway_agent_connected', 'gauge', 'Whether the agent has a live control channel.', { agent: a.name }, a.connected ? 1 : 0);
    add(
      'spillway_agent_config_in_sync',
      'gauge',
      'Whether the agent applied the current config version.',
      { agent: a.name },
      desired !== null && a.appliedVersion === desired ? 1 : 0,
    );
    add('spillway_agent_workers', 'gauge', 'Worker processes of the agent.', { agent: a.name }, a.workers);
  }
  for (const vs of hub.snapshots.get()?.config.vservers ?? []) {
    const s = vserverStatus(hub, vs.name);
    if (!s) continue;
    const l = { vserver: s.name };
    if (s.threshold.value !== null)
      add('spillway_vserver_limit', 'gauge', "Global connection limit of the vserver (the status document's threshold.value).", l, s.threshold.value);
    add('spillway_vserver_cx_active', 'gauge', 'Active client connections across agents.', l, s.activeConnections.total);
    for (const [agent, n] of Object.entries(s.activeConnections.byAgent))
      add('spillway_vserver_agent_cx_active', 'gauge', 'Active client connections per agent.', { ...l, agent }, n);
    add('spillway_vserver_spillovers_total', 'counter', 'Connections spilled to the backup chain, across agents.', l, s.spillovers);
    add('spillway_vserver_health_percent', 'gauge', 'Health: weight of UP enabled services over weight of enabled services.', l, s.healthPercent);
    add(
      'spillway_vserver_spilling',
      'gauge',
      'Whether the vserver spills: active connections reached the limit, or a spillover episode is open (any method, within the hold).',
      l,
      s.spilling ? 1 : 0,
    );
    for (const [rule, n] of Object.entries(s.ruleHits ?? {}))
      add('spillway_vserver_rule_hits_total', 'counter', 'Requests each rule of a content switch took, across agents.', { ...l, rule }, n);
    add('spillway_vserver_rx_kbps', 'gauge', 'Client-to-proxy bandwidth across agents.', l, s.bandwidthKbps.in);
    add('spillway_vserver_tx_kbps', 'gauge', 'Proxy-to-client bandwidth across agents.', l, s.bandwidthKbps.out);
    if (s.selection)
      for (const [agent, x] of Object.entries(s.selection.byAgent)) {
        const al = { ...l, agent };
        add('spillway_selection_manager_total', 'counter', 'New clients of a selection: manager vserver that the service manager placed.', al, x.managerTotal);
        add(
          'spillway_selection_local_fallback_total',
          'counter',
          'New clients of a selection: manager vserver that the agent placed itself (manager unreachable, slower than the budget, or without a service).',
          al,
          x.localFallbackTotal,
        );
        for (const [quantile, v] of [
          ['0.5', x.rttP50Ms],
          ['0.99', x.rttP99Ms],
        ] as const)
          if (v !== null) add('spillway_selection_rtt_ms', 'gauge', "The service manager's round trip as the agent measures it (ms).", { ...al, quantile }, v);
      }
    if (s.quota) {
      add('spillway_vserver_quota_shared_free', 'gauge', 'Uses left in the shared pool.', l, s.quota.shared);
      for (const [agent, q] of Object.entries(s.quota.byAgent)) {
        add('spillway_vserver_quota_exclusive', 'gauge', 'Exclusive share of the agent.', { ...l, agent }, q.exclusive);
        add('spillway_vserver_quota_borrowed', 'gauge', 'Uses the agent borrowed from the shared pool.', { ...l, agent }, q.borrowed);
      }
    }
  }
  const m = hub.manager.stats;
  add('spillway_service_manager_selects_total', 'counter', 'select questions the service manager answered.', {}, m.selectsTotal);
  add('spillway_service_manager_table_hits_total', 'counter', 'Answered from the global persistence table (memory or Postgres).', {}, m.tableHitsTotal);
  add('spillway_service_manager_none_total', 'counter', 'Answered with no service (none UP with room).', {}, m.noneTotal);
  for (const [service, state] of Object.entries(hub.serviceStates())) {
    add('spillway_service_up', 'gauge', 'Service state aggregated across agents (1 UP, 0 DOWN).', { service }, state === 'UP' ? 1 : 0);
  }
  let out = '';
  for (const [name, f] of families) out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n${f.samples.join('\n')}\n`;
  return out;
}
