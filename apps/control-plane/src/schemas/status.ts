// Read-only views of live state: agents (GET /v1/agents) and the status of a vserver
// (GET /v1/vservers/{name}/status, API-SHAPE.md "Status"), as agents last reported it.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, Name, Nullable } from './common.js';

const Count = Type.Integer({ minimum: 0 });
const Health = Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]);
const Allowance = Closed({ exclusive: Count, borrowed: Count });

/** What every agent view says; a list item is this alone (its size does not grow with the vservers). */
const agentFields = {
  id: Type.String({ description: 'The agent name' }),
  connected: Type.Boolean(),
  workers: Type.Integer({ minimum: 0 }),
  appliedVersion: Nullable(Type.String(), { description: 'Config version the agent runs' }),
  desiredVersion: Nullable(Type.String(), { description: 'Config version served to agents now' }),
  inSync: Type.Boolean(),
  lastNack: Nullable(Closed({ version: Type.String(), code: Type.String(), message: Type.String(), at: Type.String() })),
  connectedAt: Nullable(Type.String({ format: 'date-time' })),
  lastHeartbeatAt: Type.String({ format: 'date-time' }),
  leaseExpiresAt: Nullable(Type.String({ format: 'date-time' })),
  activeConnections: Type.Record(Type.String(), Count, { description: 'Active connections by vserver' }),
};

/** An agent in GET /v1/agents: without its quota by vserver (GET /v1/agents/{id} and the vserver status carry it). */
export const AgentSummary = Closed(agentFields, {
  title: 'AgentSummary',
  description: 'An agent as listed; its allowance by vserver is on GET /v1/agents/{id} and in each vserver status (quota.byAgent)',
});
export type AgentSummaryValue = Static<typeof AgentSummary>;

/** One agent (GET /v1/agents/{id}): the summary plus what it was told on each vserver. */
export const AgentView = Closed({ ...agentFields, quota: Type.Record(Type.String(), Allowance, { description: 'Allowance by vserver' }) }, { title: 'Agent' });
export type AgentViewValue = Static<typeof AgentView>;

export const AgentParams = Closed({ id: Name('Agent name', 'edge-1') });

export const MonitorStatus = Closed(
  {
    monitor: Type.String(),
    state: Type.Union([Health, Type.Literal('PENDING')], { description: 'The state most reporting agents see (a tie is DOWN; PENDING before any answer)' }),
    responseMs: Nullable(Type.Number({ minimum: 0 }), { description: 'Mean of the last response times the agents reported' }),
    agents: Type.Integer({ minimum: 0, description: 'Agents reporting this monitor' }),
  },
  { title: 'MonitorStatus' },
);
export type MonitorStatusValue = Static<typeof MonitorStatus>;

/** A service's connections under maintenance across agents (issue 15), once an agent reported any. */
export const MaintenanceStatus = Closed(
  {
    draining: Type.Integer({
      minimum: 0,
      description: 'Connections draining now (younger than migrateAfterSeconds, of a service without a migration endpoint, or whose migration failed)',
    }),
    migrating: Type.Integer({ minimum: 0, description: 'Connections being migrated now' }),
    migrated: Type.Integer({ minimum: 0, description: 'Connections moved off this service (cumulative, per agent run)' }),
    failed: Type.Integer({
      minimum: 0,
      description: 'Migrations that failed: the connection stayed on the service, or was closed when the failure came after the source let go',
    }),
    drainClosed: Type.Integer({ minimum: 0, description: 'Connections closed at the drain deadline' }),
    lastFailure: Nullable(
      Closed({
        code: Type.String({
          description:
            'no_target, export_refused, export_failed, export_timeout, output_timeout, output_overrun, source_closed, target_connect_failed, client_closed',
        }),
        message: Type.String(),
        agent: Type.String(),
        at: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { title: 'MaintenanceStatus' },
);

export const VServerStatus = Closed(
  {
    name: Type.String(),
    state: Health,
    spilling: Type.Boolean({
      description:
        'Active connections reached the limit (new ones spill), or a spillover episode is open: vserver.spillover_started recorded, its stopped not yet (any method)',
    }),
    threshold: Closed({
      method: Nullable(Type.Union([Type.Literal('connection'), Type.Literal('dynamicconnection')])),
      value: Nullable(Count),
      derivation: Type.Array(Closed({ service: Type.String(), capacity: Count, state: Health, counted: Type.Boolean() })),
    }),
    activeConnections: Closed({ total: Count, byAgent: Type.Record(Type.String(), Count) }),
    healthPercent: Type.Number({ minimum: 0, maximum: 100 }),
    bandwidthKbps: Closed({ in: Type.Number({ minimum: 0 }), out: Type.Number({ minimum: 0 }) }),
    spillovers: Count,
    surgeQueue: Type.Integer({ minimum: 0, description: 'Clients waiting in the surge queue, summed over agents' }),
    quota: Nullable(Closed({ limit: Count, shared: Count, byAgent: Type.Record(Type.String(), Allowance) })),
    selection: Type.Optional(
      Closed(
        {
          managerTotal: Type.Integer({ minimum: 0, description: "New clients the service manager placed, summed over the agents' reports" }),
          localFallbackTotal: Type.Integer({
            minimum: 0,
            description: 'New clients the agents placed themselves: the manager unreachable, slower than their selectionBudgetMs, or without a service',
          }),
          byAgent: Type.Record(
            Type.String(),
            Closed({
              managerTotal: Count,
              localFallbackTotal: Count,
              rttP50Ms: Nullable(Type.Number({ minimum: 0 }), {
                description: "The manager's round trip as the agent measures it (ms, median of its recent questions)",
              }),
              rttP99Ms: Nullable(Type.Number({ minimum: 0 })),
            }),
          ),
        },
        { description: 'selection: manager only (once an agent reported it): where new clients were placed, and the round trip to the service manager' },
      ),
    ),
    ruleHits: Type.Optional(
      Type.Record(Type.String(), Count, {
        description:
          'A content switch (once an agent reported it): the requests each rule took, summed over agents, by rule name (else #position from 0), then (default) and (none)',
      }),
    ),
    sites: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description:
          'siteBalancing only: what each site has available for it as the last exchange computed it (the weight sum of its services UP; 0: nothing is forwarded there) (docs/SITES.md)',
      }),
    ),
    services: Type.Array(
      Closed({
        name: Type.String(),
        state: Health,
        activeConnections: Count,
        agentsUp: Count,
        agentsMonitoring: Count,
        monitors: Type.Array(MonitorStatus),
        maintenance: Type.Optional(MaintenanceStatus),
        effective: Type.Optional(
          Closed(
            {
              weight: Count,
              capacity: Count,
              state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('maintenance')]),
              drain: Type.Boolean(),
              agents: Count,
              source: Type.Optional(
                Type.Union([Type.Literal('agent-check'), Type.Literal('push'), Type.Literal('both')], {
                  description: "agent-check: the agents' probes; push: POST /v1/services/{name}/feedback; both: the pushed feedback on top of the probes'",
                }),
              ),
            },
            {
              description:
                "Under application feedback only: the weight, capacity (its place in the threshold's derivation) and state the service is served with — the agent-check feedback most reporting agents serve (agents: how many), then what its backends pushed",
            },
          ),
        ),
      }),
    ),
  },
  {
    title: 'VServerStatus',
    examples: [
      {
        name: 'web',
        state: 'UP',
        spilling: false,
        threshold: {
          method: 'dynamicconnection',
          value: 400,
          derivation: [
            { service: 'web-1', capacity: 200, state: 'UP', counted: true },
            { service: 'web-2', capacity: 200, state: 'UP', counted: true },
          ],
        },
        activeConnections: { total: 137, byAgent: { 'agent-a': 70, 'agent-b': 67 } },
        healthPercent: 100,
        bandwidthKbps: { in: 1200, out: 56000 },
        spillovers: 0,
        surgeQueue: 0,
        quota: { limit: 400, shared: 76, byAgent: { 'agent-a': { exclusive: 160, borrowed: 4 } } },
        services: [
          {
            name: 'web-1',
            state: 'UP',
            activeConnections: 70,
            agentsUp: 2,
            agentsMonitoring: 2,
            monitors: [{ monitor: 'web-health', state: 'UP', responseMs: 3.1, agents: 2 }],
          },
        ],
      },
    ],
  },
);
export type VServerStatusValue = Static<typeof VServerStatus>;
