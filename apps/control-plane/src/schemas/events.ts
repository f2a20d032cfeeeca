// Events: the append-only record of every write (and, from the agent hub, of state changes).
import { Type } from '@sinclair/typebox';
import { Closed, Nullable } from './common.js';

export const Event = Closed(
  {
    id: Type.String({ description: 'Monotonic id; also the cursor of the event stream' }),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'Who caused it: token:<name>, agent:<name> or system' }),
    kind: Type.String({
      description:
        'API writes: <object>.created|updated|deleted (e.g. service.created, vserver.updated, api-token.created). From the agent hub: ' +
        'agent.connected, agent.disconnected, agent.lease_expired, config.applied, config.rejected, service.state_changed, ' +
        'threshold.changed, quota.rebalanced, and a pair per spilling episode of a vserver: vserver.spillover_started (data: vserver, ' +
        'method = connection|dynamicconnection|bandwidth|health, or down when no service is UP, limit = the connection limit, ' +
        'thresholdKbps or thresholdPercent it tripped at, agents = the agents whose report showed it) once, however many ' +
        'connections spill; vserver.spillover_stopped (the same, plus spills, startedAt, lastSpillAt, reason quiet|removed) once ' +
        'no report showed a spill for the hold time (SPILLWAY_SPILL_HOLD_MS, default 10 s) or the vserver left the config',
    }),
    object: Nullable(Closed({ kind: Type.String(), name: Type.String() })),
    beforeVersion: Nullable(Type.Integer()),
    afterVersion: Nullable(Type.Integer()),
    configVersion: Nullable(Type.Integer({ description: 'Global configuration version the write produced' })),
    data: Type.Optional(Type.Unknown({ description: 'Kind-specific details' })),
  },
  {
    title: 'Event',
    examples: [
      {
        id: '42',
        at: '2026-01-01T00:00:00.000Z',
        actor: 'token:terraform',
        kind: 'vserver.updated',
        object: { kind: 'vserver', name: 'web' },
        beforeVersion: 3,
        afterVersion: 4,
        configVersion: 17,
      },
    ],
  },
);

export const EventQuery = Closed({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from nextCursor' })),
  kind: Type.Optional(Type.String({ maxLength: 100, description: 'Exact kind, or a prefix ending in "." (e.g. "vserver.")' })),
  objectKind: Type.Optional(Type.String({ maxLength: 50 })),
  objectName: Type.Optional(Type.String({ maxLength: 63 })),
  actor: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. token:terraform' })),
  order: Type.Optional(
    Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc', description: 'asc: oldest first (stable for tailing); desc: newest first' }),
  ),
});

export const EventStreamQuery = Closed({
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'Replay events after this id first (also read from Last-Event-ID)' })),
  kind: Type.Optional(Type.String({ maxLength: 100 })),
});
