// The control channel's messages (agent <-> control plane), one TypeBox schema each. Every
// message is a JSON object with a `type`; both sides validate before acting on it.
import { Type, type Static } from '@sinclair/typebox';
import type { NDocument } from './document/normalize.js';

/** 2: the quota messages use the words of docs/GLOSSARY.md (the `allowance` message, revoke-ack `committed`, hello outstanding `allowance`); 1 used words it retired. */
export const PROTOCOL_VERSION = 2;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Count = Type.Integer({ minimum: 0 });
const Version = Type.String({ minLength: 1, maxLength: 100 });
const ServiceState = Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]);

export const ErrorDetail = Type.Object({ path: Type.String(), message: Type.String() });

/**
 * Uses an agent holds on a vserver when it (re)connects, for reconciliation: `allowance` is what
 * it still enforces (0 once its lease ended: the control plane may have lent it since), `inUse`
 * what may be in flight. The control plane accepts the allowance only within what nobody else
 * holds, and counts `inUse` as committed until revoke-acks bring it down.
 */
/**
 * On a quota message (allowance, grant, revoke, borrow, return, revoke-ack): the pool of a
 * service's capacity, which the control plane holds across agents like a vserver's limit (issue
 * 12); `vserver` then names the service. Absent: the pool of the vserver's connection limit.
 */
export const PoolOfService = Type.Literal('service');

export const Outstanding = Type.Object({ inUse: Count, allowance: Type.Union([Count, Type.Null()]) });

// ---- agent -> control plane ------------------------------------------------------------------

export const Hello = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Integer({ minimum: 1 }),
    agent: Name,
    workers: Type.Integer({ minimum: 1, maximum: 1024 }),
    /** The version the agent runs now (null before its first snapshot). */
    appliedVersion: Type.Union([Version, Type.Null()]),
    /** Per vserver: connections active and the allowance the agent is enforcing. */
    outstanding: Type.Record(Type.String(), Outstanding),
    /** Per service with a capacity pool: the same, for its capacity (optional: agents before it send none). */
    services: Type.Optional(Type.Record(Type.String(), Outstanding)),
    /** The site the agent belongs to (SPILLWAY_AGENT_SITE; optional: agents before sites send none). */
    site: Type.Optional(Name),
    /** The address other sites' agents reach its listeners at, and forward from (SPILLWAY_AGENT_ADVERTISE_HOST, else its listen host). */
    address: Type.Optional(Type.String({ minLength: 2, maxLength: 45 })),
  },
  { additionalProperties: false },
);

export const Ack = Type.Object({ type: Type.Literal('ack'), version: Version }, { additionalProperties: false });

export const Nack = Type.Object(
  {
    type: Type.Literal('nack'),
    version: Version,
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Array(ErrorDetail) }),
  },
  { additionalProperties: false },
);

export const VServerCounters = Type.Object({
  cxActive: Count,
  cxTotal: Count,
  spilloversTotal: Count,
  rxBytesTotal: Count,
  txBytesTotal: Count,
  rxKbps: Type.Number({ minimum: 0 }),
  txKbps: Type.Number({ minimum: 0 }),
  /** Clients waiting in the vserver's surge queue now (optional: agents before it send none). */
  surgeQueue: Type.Optional(Count),
  /** A content switch (issue 17): requests each rule took, by rule key (name, else #position), then (default) and (none). Cumulative. */
  ruleHits: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Count)),
  /**
   * selection: manager only (optional): new clients the service manager placed, those this agent
   * placed itself (manager unreachable, slower than the budget, or no service from it), and the
   * round trip of its questions (ms, p50/p99 of the recent ones; null before one was answered).
   */
  selection: Type.Optional(
    Type.Object({
      managerTotal: Count,
      localFallbackTotal: Count,
      rttP50Ms: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
      rttP99Ms: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    }),
  ),
  /**
   * spilloversTotal by why each spilled (optional: agents before it send none): the method that
   * tripped (a connection count, bandwidth, health) or `down` (no UP service). Cumulative.
   */
  spilloversByCause: Type.Optional(
    Type.Object({ connection: Type.Optional(Count), bandwidth: Type.Optional(Count), health: Type.Optional(Count), down: Type.Optional(Count) }),
  ),
});
/** A monitor of a service as this agent last saw it: its state and last response time (ms; null before a probe answered). */
export const MonitorSample = Type.Object({
  monitor: Name,
  state: Type.Union([ServiceState, Type.Literal('PENDING')]),
  responseMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
});
/** A service under agent-check feedback as this agent serves it (issue 16: weight %, maxconn, drain, maint). */
export const ServiceEffective = Type.Object({
  weight: Count,
  capacity: Count,
  state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('maintenance')]),
  drain: Type.Boolean(),
});
/**
 * A service's connections in maintenance on this agent (issue 15): draining and migrating now,
 * and cumulative counts of connections migrated off it, migrations that failed, and connections
 * closed at the drain deadline; the last failure with its reason.
 */
export const MaintenanceCounters = Type.Object({
  draining: Count,
  migrating: Count,
  migratedTotal: Count,
  failedTotal: Count,
  drainClosedTotal: Count,
  lastFailure: Type.Optional(Type.Object({ code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 500 }), at: Type.Integer({ minimum: 0 }) })),
});

/** A long-lived connection as an agent reports it (GET /v1/services/{name}/connections). */
export const ConnectionRow = Type.Object({
  id: Type.String({ maxLength: 300 }),
  vserver: Type.String({ maxLength: 200 }),
  service: Type.String({ maxLength: 200 }),
  client: Type.String({ maxLength: 100 }),
  ageMs: Count,
  rxBytes: Count,
  txBytes: Count,
  state: Type.Union([Type.Literal('active'), Type.Literal('draining'), Type.Literal('migrating'), Type.Literal('migrated')]),
});

export const ServiceCounters = Type.Object({
  cxActive: Count,
  cxTotal: Count,
  state: ServiceState,
  monitors: Type.Optional(Type.Array(MonitorSample, { maxItems: 64 })),
  /** Only under agent-check feedback (optional: agents before it send none). */
  effective: Type.Optional(ServiceEffective),
  /** Maintenance and live migration (issue 15; optional: agents before it send none). */
  maintenance: Type.Optional(MaintenanceCounters),
});

/**
 * Counters, sent every second. The first report of a connection carries every entry; a later one
 * may carry only the entries that changed since the one before (`partial`) and the names no
 * longer reported (`gone`): the control plane keeps the others as they were (report.ts).
 */
export const Report = Type.Object(
  {
    type: Type.Literal('report'),
    at: Type.Integer({ minimum: 0 }),
    vservers: Type.Record(Type.String(), VServerCounters),
    services: Type.Record(Type.String(), ServiceCounters),
    partial: Type.Optional(Type.Literal(true)),
    gone: Type.Optional(Type.Object({ vservers: Type.Array(Type.String()), services: Type.Array(Type.String()) }, { additionalProperties: false })),
    /** The agent's long-lived TCP connections, oldest first (optional: absent when it has none, and from agents before it). */
    connections: Type.Optional(Type.Array(ConnectionRow, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

/** A service seen UP or DOWN by this agent's monitors, sent at once. */
export const Transition = Type.Object(
  {
    type: Type.Literal('transition'),
    service: Name,
    state: ServiceState,
    at: Type.Integer({ minimum: 0 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/**
 * Asks for uses from the shared pool, answered with a `grant` of the same id. `n` (optional) is
 * how many the agent needs right now (connections waiting); the control plane lends at least
 * a batch when it can, and `n` when the pool has them. `allowance` (optional, with `n`): the
 * allowance the agent enforced when it asked; what the control plane told it beyond that since
 * is on its way and counts toward `n`.
 */
export const Borrow = Type.Object(
  {
    type: Type.Literal('borrow'),
    vserver: Name,
    id: Count,
    n: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    allowance: Type.Optional(Count),
    pool: Type.Optional(PoolOfService),
  },
  { additionalProperties: false },
);
/** Gives back `n` borrowed uses; answered with a `grant` of the same id (n 0) once applied. */
export const Return = Type.Object(
  { type: Type.Literal('return'), vserver: Name, id: Count, n: Type.Integer({ minimum: 1 }), pool: Type.Optional(PoolOfService) },
  { additionalProperties: false },
);
/**
 * Second phase of a `revoke` of the same id: the agent enforces the lower allowance and `committed`
 * is how many uses it still holds (its allowance, or more while connections admitted earlier are
 * open). The control plane re-lends what was revoked only as far as acknowledgements free it; the
 * agent sends another ack with a lower `committed` as those connections close.
 */
export const RevokeAck = Type.Object(
  { type: Type.Literal('revoke-ack'), vserver: Name, id: Count, committed: Count, pool: Type.Optional(PoolOfService) },
  { additionalProperties: false },
);
export const Heartbeat = Type.Object({ type: Type.Literal('heartbeat'), seq: Count }, { additionalProperties: false });
/**
 * Asks for the whole document (a `snapshot`): the agent cannot apply a `delta` (its base is not
 * the version the agent runs, or it lost track of its document).
 */
export const Resync = Type.Object(
  { type: Type.Literal('resync'), appliedVersion: Type.Union([Version, Type.Null()]), reason: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);

export const ProtocolErrorMessage = Type.Object(
  {
    type: Type.Literal('error'),
    code: Type.String(),
    message: Type.String(),
    /** The `type` of the message that caused it, when known. */
    ref: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const ClientKey = Type.String({ minLength: 1, maxLength: 512 });

/**
 * A new client of a `selection: manager` vserver that has no persistence entry (001 claim 1: the
 * forwarding agent hands the connection request to the service manager): which service should
 * serve it? `key` is the client key (its source IP). Answered with an `instruction` of the same id.
 */
export const Select = Type.Object({ type: Type.Literal('select'), id: Count, vserver: Name, key: ClientKey }, { additionalProperties: false });

/**
 * Clients of a `selection: manager` vserver this agent keeps sending to the service of their
 * instruction (cache hits, and clients it placed itself while the manager did not answer): the
 * manager's global table keeps each for another TTL (and learns those it did not place). Batched.
 */
export const SelectTouch = Type.Object(
  {
    type: Type.Literal('select-touch'),
    vserver: Name,
    entries: Type.Array(Type.Object({ key: ClientKey, service: Name }, { additionalProperties: false }), { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);

export const AgentMessage = Type.Union([
  Hello,
  Ack,
  Nack,
  Report,
  Transition,
  Borrow,
  Return,
  RevokeAck,
  Heartbeat,
  Resync,
  Select,
  SelectTouch,
  ProtocolErrorMessage,
]);

// ---- control plane -> agent ------------------------------------------------------------------

export const Welcome = Type.Object(
  {
    type: Type.Literal('welcome'),
    protocol: Type.Integer({ minimum: 1 }),
    agentId: Name,
    heartbeatMs: Type.Integer({ minimum: 10 }),
    /**
     * Heartbeats missed before the agent's quota lease expires and returns to the pool. The agent's
     * allowances are valid until (send time of its last acknowledged heartbeat, or of its hello) +
     * heartbeatMs × leaseMissedHeartbeats, less a margin: past that it admits nothing on them.
     */
    leaseMissedHeartbeats: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

/**
 * What the agent serves: the declarative document in the contract's normalized form (NDocument of
 * ./document, which is a DocumentSpec), versioned. A frame is checked here only for its three
 * lists; the agent checks the document itself against the contract's schema (its NACK names every
 * bad field) before serving it.
 */
export const ConfigDocument = Type.Unsafe<NDocument>(
  Type.Object({
    services: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    monitors: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    vservers: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  }),
);
export const Snapshot = Type.Object({ type: Type.Literal('snapshot'), version: Version, config: ConfigDocument }, { additionalProperties: false });

/**
 * What changed between `base` (the version the agent ACKed) and `version` (after xDS delta): the
 * resources upserted whole, the names removed. The agent applies it only on `base` (else it
 * sends `resync`); the result is exactly the document of `version`. Removing a name the agent
 * does not have is not an error.
 */
export const ConfigDelta = Type.Object(
  {
    type: Type.Literal('delta'),
    version: Version,
    base: Version,
    upserted: ConfigDocument,
    removed: Type.Object({ services: Type.Array(Name), monitors: Type.Array(Name), vservers: Type.Array(Name) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** The state of each service aggregated across agents. */
export const ServiceStates = Type.Object(
  {
    type: Type.Literal('service-states'),
    states: Type.Record(Type.String(), ServiceState),
  },
  { additionalProperties: false },
);

/**
 * This agent's share of the bandwidth budget of each listed vserver: the fraction (0..1) of every
 * `bandwidth` method's thresholdKbps it may use, so the threshold holds for the sum of all agents'
 * traffic. Rebalanced by the control plane from the agents' reported rates; only changed shares
 * are sent. A vserver never listed keeps the whole threshold (share 1); an agent keeps its last
 * shares while the control plane is unreachable.
 */
export const BandwidthShares = Type.Object(
  {
    type: Type.Literal('bandwidth-shares'),
    shares: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/**
 * The agent's share of a vserver's global connection limit: it admits at most
 * `exclusive + borrowed` connections. `limit: null` lifts the control plane's cap.
 */
export const Allowance = Type.Object(
  {
    type: Type.Literal('allowance'),
    vserver: Name,
    limit: Type.Union([Count, Type.Null()]),
    exclusive: Count,
    borrowed: Count,
    batch: Type.Integer({ minimum: 1 }),
    pool: Type.Optional(PoolOfService),
  },
  { additionalProperties: false },
);

/**
 * Answer to a borrow (or a return) of the same id: `n` uses added, `borrowed` the agent's total
 * after it. Like `allowance` and `revoke` it carries absolute values as of when it was sent, so an
 * agent subtracts the returns not yet answered.
 */
export const Grant = Type.Object(
  {
    type: Type.Literal('grant'),
    vserver: Name,
    id: Count,
    n: Count,
    borrowed: Count,
    pool: Type.Optional(PoolOfService),
  },
  { additionalProperties: false },
);

/**
 * The agent's allowance shrinks (the limit dropped, an agent joined): it must admit no more than
 * `exclusive + borrowed` from now on and answer with a `revoke-ack` of the same id. Until that
 * ack (or the agent's lease ends) the control plane counts the uses as still committed.
 */
export const Revoke = Type.Object(
  {
    type: Type.Literal('revoke'),
    vserver: Name,
    id: Count,
    exclusive: Count,
    borrowed: Count,
    pool: Type.Optional(PoolOfService),
  },
  { additionalProperties: false },
);

export const HeartbeatAck = Type.Object({ type: Type.Literal('heartbeat-ack'), seq: Count }, { additionalProperties: false });

/**
 * Sites (docs/SITES.md), sent every exchange interval when it changed: for each vserver with
 * siteBalancing, what each site has available (the weight sum of its services UP by quorum; 0:
 * nothing), and the addresses of each site's agents (where a vserver's listener is reached on its
 * listen port, and where forwarded connections come from). An agent of one of the sites forwards
 * that share of new connections to the others' agents (core's SitePicker); it keeps the last
 * weights while the control plane is unreachable.
 */
export const SiteWeights = Type.Object(
  {
    type: Type.Literal('site-weights'),
    vservers: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number({ minimum: 0 }))),
    agents: Type.Record(Type.String(), Type.Array(Type.String({ minLength: 2, maxLength: 45 }), { maxItems: 1024 })),
  },
  { additionalProperties: false },
);

/** A service's feedback in agent-check words as core's AgentFeedback holds it (mergeFeedback of the lines so far). */
export const Feedback = Type.Object({
  weightPercent: Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()]),
  maxconn: Type.Union([Count, Type.Null()]),
  admin: Type.Union([Type.Literal('ready'), Type.Literal('drain'), Type.Literal('maint')]),
  health: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  reason: Type.Union([Type.String({ maxLength: 1100 }), Type.Null()]),
});

/**
 * The feedback backends pushed to the control plane (POST /v1/services/{name}/feedback), per
 * service (null: none any more). The agent serves each service with it on top of its own
 * agent-check probes' (core's servedService) and keeps it while the control plane is unreachable;
 * `down` reaches it as the service's DOWN state in `service-states`. `replace`: this is the whole
 * set (sent on connect); otherwise only the services listed changed.
 */
export const FeedbackPush = Type.Object(
  { type: Type.Literal('service-feedback'), replace: Type.Boolean(), feedback: Type.Record(Type.String(), Type.Union([Feedback, Type.Null()])) },
  { additionalProperties: false },
);

/**
 * For vservers of lb method availablecapacity: per service, its active connections on the other
 * agents (the sum of their last reports), sent at the report cadence while it changes. A service
 * not listed has none elsewhere.
 */
export const RemoteLoads = Type.Object({ type: Type.Literal('service-loads'), loads: Type.Record(Type.String(), Count) }, { additionalProperties: false });

/**
 * The service manager's answer to a `select` of the same id (001 claim 1's instructions): send the
 * client `key` of `vserver` to `service`, this connection and the next ones for `ttlMs`, without
 * asking again. `service` null: the manager has none for it (none UP with room); the agent
 * selects locally.
 */
export const Instruction = Type.Object(
  {
    type: Type.Literal('instruction'),
    id: Count,
    vserver: Name,
    key: ClientKey,
    service: Type.Union([Name, Type.Null()]),
    ttlMs: Count,
  },
  { additionalProperties: false },
);

export const ControlMessage = Type.Union([
  Welcome,
  Snapshot,
  ConfigDelta,
  ServiceStates,
  BandwidthShares,
  Allowance,
  Grant,
  Revoke,
  HeartbeatAck,
  SiteWeights,
  FeedbackPush,
  RemoteLoads,
  Instruction,
  ProtocolErrorMessage,
]);

export type Hello = Static<typeof Hello>;
export type Ack = Static<typeof Ack>;
export type Nack = Static<typeof Nack>;
export type Report = Static<typeof Report>;
export type VServerCounters = Static<typeof VServerCounters>;
export type ServiceCounters = Static<typeof ServiceCounters>;
export type MaintenanceCounters = Static<typeof MaintenanceCounters>;
export type ConnectionRow = Static<typeof ConnectionRow>;
export type MonitorSample = Static<typeof MonitorSample>;
export type Transition = Static<typeof Transition>;
export type Borrow = Static<typeof Borrow>;
export type Return = Static<typeof Return>;
export type RevokeAck = Static<typeof RevokeAck>;
export type Heartbeat = Static<typeof Heartbeat>;
export type Resync = Static<typeof Resync>;
export type ProtocolErrorMessage = Static<typeof ProtocolErrorMessage>;
export type AgentMessage = Static<typeof AgentMessage>;
export type Welcome = Static<typeof Welcome>;
export type ConfigDocument = Static<typeof ConfigDocument>;
export type Snapshot = Static<typeof Snapshot>;
export type ConfigDelta = Static<typeof ConfigDelta>;
export type ServiceStates = Static<typeof ServiceStates>;
export type BandwidthShares = Static<typeof BandwidthShares>;
export type Allowance = Static<typeof Allowance>;
export type Grant = Static<typeof Grant>;
export type Revoke = Static<typeof Revoke>;
export type HeartbeatAck = Static<typeof HeartbeatAck>;
export type SiteWeights = Static<typeof SiteWeights>;
export type Feedback = Static<typeof Feedback>;
export type FeedbackPush = Static<typeof FeedbackPush>;
export type RemoteLoads = Static<typeof RemoteLoads>;
export type Select = Static<typeof Select>;
export type SelectTouch = Static<typeof SelectTouch>;
export type Instruction = Static<typeof Instruction>;
export type ControlMessage = Static<typeof ControlMessage>;
export type Outstanding = Static<typeof Outstanding>;
