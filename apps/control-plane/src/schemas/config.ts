// The configuration objects of API-SHAPE.md as JSON Schemas (TypeBox). The same schemas serve
// the REST resources and the declarative document. Defaults live in DEFAULTS (also stated in the
// schemas for the OpenAPI document); services/normalize.ts applies them, so a document with
// defaults omitted and the same document with defaults spelled out are the same configuration.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CLIENT_TIMEOUT_DEFAULTS, VSERVER_DEFAULTS } from '@spillway/protocol';
import { Closed, Name, Nullable, ReadOnlyMeta } from './common.js';

export const DEFAULTS = {
  service: { protocol: 'tcp', capacity: 0, weight: 1, state: 'enabled' },
  monitor: { type: 'tcp', intervalMs: 5000, timeoutMs: 2000, fall: 3, rise: 1, weight: 1 },
  monitorHttp: { method: 'GET', path: '/', expectStatus: [200] },
  // The agent fills in the same when a document omits them (one place: @spillway/protocol).
  vserver: { lbMethod: 'roundrobin', timeoutMs: VSERVER_DEFAULTS.timeoutMs, listenHost: VSERVER_DEFAULTS.listenHost, ...CLIENT_TIMEOUT_DEFAULTS },
  persistence: { type: 'none', timeoutSeconds: 120 },
  spillover: { combine: 'any', action: 'accept', persistenceTimeoutSeconds: 0 },
  surgeQueue: { length: 0, timeoutMs: 5000 },
  bandwidthDirection: 'both',
} as const;

const Port = (description: string) => Type.Integer({ minimum: 1, maximum: 65535, description });
const Weight = (description: string, d?: number) => Type.Integer({ minimum: 0, maximum: 1000, description, ...(d === undefined ? {} : { default: d }) });

// --- monitors -----------------------------------------------------------------------------

export const MonitorHttp = Closed(
  {
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('HEAD'), Type.Literal('POST'), Type.Literal('OPTIONS')], { default: 'GET' })),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        minLength: 1,
        maxLength: 2048,
        default: '/',
        description:
          'Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise',
      }),
    ),
    host: Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, description: 'Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise' }),
    ),
    expectStatus: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1, maxItems: 50, default: [200], description: 'Status codes that count as UP' }),
    ),
    expectBody: Type.Optional(Type.String({ maxLength: 4096, description: 'Substring the body must contain' })),
  },
  { description: 'HTTP(S) probe; only for type http and https' },
);

export const ResponseTime = Closed(
  {
    maxMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, description: 'Absolute limit: slower responses count as failures' })),
    maxOverAverage: Type.Optional(
      Type.Number({
        exclusiveMinimum: 1,
        maximum: 1000,
        description: 'Relative limit: a response slower than this multiple of the rolling average counts as a failure',
      }),
    ),
  },
  { description: 'Response-time rules (seed 002)' },
);

const monitorFields = {
  name: Name('Unique monitor name'),
  type: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('http'), Type.Literal('https')], { default: DEFAULTS.monitor.type })),
  intervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000, default: DEFAULTS.monitor.intervalMs, description: 'Time between probes' })),
  timeoutMs: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 600_000, default: DEFAULTS.monitor.timeoutMs, description: 'Probe timeout; must be below intervalMs' }),
  ),
  fall: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.monitor.fall, description: 'Consecutive failures before DOWN' })),
  rise: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.monitor.rise, description: 'Consecutive successes before UP' })),
  weight: Type.Optional(Weight("Weight of this monitor toward a service's monitor threshold", DEFAULTS.monitor.weight)),
  http: Type.Optional(MonitorHttp),
  responseTime: Type.Optional(ResponseTime),
};

export const Monitor = Closed(
  { ...monitorFields, ...ReadOnlyMeta },
  {
    title: 'Monitor',
    examples: [
      {
        name: 'web-health',
        type: 'http',
        intervalMs: 5000,
        timeoutMs: 2000,
        fall: 3,
        rise: 1,
        weight: 1,
        http: { method: 'GET', path: '/healthz', expectStatus: [200], expectBody: 'ok' },
        responseTime: { maxMs: 800, maxOverAverage: 3 },
      },
    ],
  },
);
export type Monitor = Static<typeof Monitor>;

// --- services -----------------------------------------------------------------------------

export const MonitorBinding = Closed(
  {
    monitor: Name('Name of the bound monitor'),
    weight: Type.Optional(Weight("Overrides the monitor's weight for this service")),
  },
  { title: 'MonitorBinding' },
);

const serviceFields = {
  name: Name('Unique service name'),
  address: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_\\[\\]-]+$', description: 'IP address or host name of the backend' }),
  port: Port('Backend port'),
  protocol: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('http')], { default: DEFAULTS.service.protocol })),
  capacity: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10_000_000,
      default: DEFAULTS.service.capacity,
      description: 'Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP',
    }),
  ),
  weight: Type.Optional(Weight('Load-balancing weight', DEFAULTS.service.weight)),
  state: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('maintenance')], { default: DEFAULTS.service.state })),
  monitors: Type.Optional(
    Type.Array(MonitorBinding, {
      maxItems: 32,
      description:
        'Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them.',
    }),
  ),
  monitorThreshold: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 32_000, description: 'Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor' }),
  ),
};

export const Service = Closed(
  { ...serviceFields, ...ReadOnlyMeta },
  {
    title: 'Service',
    examples: [
      {
        name: 'web-1',
        address: '10.0.0.11',
        port: 8080,
        protocol: 'http',
        capacity: 200,
        weight: 1,
        state: 'enabled',
        monitors: [{ monitor: 'web-health' }, { monitor: 'tcp-open', weight: 1 }],
        monitorThreshold: 2,
      },
    ],
  },
);
export type Service = Static<typeof Service>;

// --- vservers -----------------------------------------------------------------------------

export const ServiceBinding = Closed(
  {
    service: Name('Name of the bound service'),
    weight: Type.Optional(Weight("Overrides the service's weight in this vserver")),
  },
  { title: 'ServiceBinding' },
);

export const SpilloverMethod = Closed(
  {
    type: Type.Union([Type.Literal('connection'), Type.Literal('dynamicconnection'), Type.Literal('bandwidth'), Type.Literal('health')]),
    threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'connection only: connection count' })),
    thresholdKbps: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'bandwidth only: kbit/s' })),
    direction: Type.Optional(
      Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('both')], { description: `bandwidth only (default ${DEFAULTS.bandwidthDirection})` }),
    ),
    thresholdPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'health only: percent of enabled weight UP' })),
  },
  {
    title: 'SpilloverMethod',
    description:
      'connection needs threshold, dynamicconnection none, bandwidth thresholdKbps (+direction), health thresholdPercent; a threshold of another kind is a 422',
  },
);

export const Spillover = Closed(
  {
    methods: Type.Optional(Type.Array(SpilloverMethod, { maxItems: 4, default: [], description: 'Empty: never spills' })),
    combine: Type.Optional(Type.Union([Type.Literal('any'), Type.Literal('all')], { default: DEFAULTS.spillover.combine })),
    backup: Type.Optional(Nullable(Name('Next vserver of the chain (same protocol)'))),
    action: Type.Optional(
      Type.Union([Type.Literal('redirect'), Type.Literal('drop'), Type.Literal('accept')], {
        default: DEFAULTS.spillover.action,
        description: 'When the whole chain is exhausted',
      }),
    ),
    redirectUrl: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 2048,
          pattern: '^https?://[^\\s]+$',
          description: 'Required with action redirect; an absolute http(s) URL of RFC 3986 characters (sent as Location); 422 otherwise',
        }),
      ),
    ),
    persistenceTimeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        default: DEFAULTS.spillover.persistenceTimeoutSeconds,
        description: 'A client that spilled stays on the vserver that served it this long (0: off)',
      }),
    ),
  },
  { title: 'Spillover' },
);

const vserverFields = {
  name: Name('Unique vserver name'),
  protocol: Type.Union([Type.Literal('tcp'), Type.Literal('http')]),
  listen: Type.Optional(
    Nullable(
      Closed({
        port: Port('Listen port (unique across vservers, whatever their host)'),
        host: Type.Optional(
          Type.String({
            minLength: 2,
            maxLength: 45,
            default: DEFAULTS.vserver.listenHost,
            examples: ['0.0.0.0', '10.0.0.5', '::'],
            description:
              'Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.',
          }),
        ),
      }),
      { description: 'null: reachable only as a backup', default: null },
    ),
  ),
  lbMethod: Type.Optional(
    Type.Union([Type.Literal('roundrobin'), Type.Literal('leastconn'), Type.Literal('weighted')], { default: DEFAULTS.vserver.lbMethod }),
  ),
  services: Type.Optional(
    Type.Array(ServiceBinding, {
      maxItems: 10_000,
      description:
        'Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them.',
    }),
  ),
  persistence: Type.Optional(
    Closed(
      {
        type: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('sourceip'), Type.Literal('cookie')], { default: DEFAULTS.persistence.type })),
        timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, default: DEFAULTS.persistence.timeoutSeconds })),
      },
      { description: 'Client persistence (cookie: HTTP only)' },
    ),
  ),
  spillover: Type.Optional(Spillover),
  surgeQueue: Type.Optional(
    Closed({
      length: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: DEFAULTS.surgeQueue.length })),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, default: DEFAULTS.surgeQueue.timeoutMs })),
    }),
  ),
  timeoutMs: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: DEFAULTS.vserver.timeoutMs,
      description:
        'Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long',
    }),
  ),
  // Client timeouts: accepted on either protocol (as NetScaler/HAProxy take a client timeout on
  // any proxy) and used by the one they concern; the other protocol stores and ignores them.
  headersTimeoutMs: Type.Optional(
    Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: DEFAULTS.vserver.headersTimeoutMs,
      description:
        "HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers",
    }),
  ),
  keepAliveTimeoutMs: Type.Optional(
    Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: DEFAULTS.vserver.keepAliveTimeoutMs,
      description: 'HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers',
    }),
  ),
  clientTimeoutMs: Type.Optional(
    Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: DEFAULTS.vserver.clientTimeoutMs,
      description:
        'TCP vservers: a client connection with no byte either way for this long is closed (HAProxy `timeout client`). Ignored by HTTP vservers (they use headersTimeoutMs and keepAliveTimeoutMs)',
    }),
  ),
};

export const VServer = Closed(
  { ...vserverFields, ...ReadOnlyMeta },
  {
    title: 'VServer',
    examples: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 8443, host: '0.0.0.0' },
        timeoutMs: 30000,
        headersTimeoutMs: 10000,
        keepAliveTimeoutMs: 5000,
        clientTimeoutMs: 60000,
        lbMethod: 'leastconn',
        services: [{ service: 'web-1', weight: 2 }, { service: 'web-2' }],
        persistence: { type: 'cookie', timeoutSeconds: 600 },
        spillover: {
          methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 400000, direction: 'both' }],
          combine: 'any',
          backup: 'web-overflow',
          action: 'redirect',
          redirectUrl: 'https://status.example.com/busy',
          persistenceTimeoutSeconds: 120,
        },
        surgeQueue: { length: 200, timeoutMs: 5000 },
      },
    ],
  },
);
export type VServer = Static<typeof VServer>;

// --- PATCH bodies: every field optional, null clears an optional field -------------------------

const patchOf = (fields: Record<string, TSchema>, required: readonly string[]): Record<string, TSchema> => {
  const out: Record<string, TSchema> = {};
  for (const [k, s] of Object.entries(fields)) {
    const inner = Type.Optional(s, false);
    out[k] = Type.Optional(required.includes(k) ? inner : Nullable(inner));
  }
  return out;
};

export const ServicePatch = Closed(
  { ...patchOf(serviceFields, ['name', 'address', 'port']), ...ReadOnlyMeta },
  {
    title: 'ServicePatch',
    description: 'Merge: given fields replace, null resets a field to its default, omitted fields stay',
    examples: [{ capacity: 300, state: 'maintenance' }],
  },
);
export const MonitorPatch = Closed(
  { ...patchOf(monitorFields, ['name']), ...ReadOnlyMeta },
  {
    title: 'MonitorPatch',
    description: 'Merge: given fields replace, null resets a field to its default, omitted fields stay',
    examples: [{ intervalMs: 2000, responseTime: null }],
  },
);
export const VServerPatch = Closed(
  { ...patchOf(vserverFields, ['name', 'protocol']), ...ReadOnlyMeta },
  {
    title: 'VServerPatch',
    description: 'Merge: given fields replace (nested objects are merged), null resets a field to its default, omitted fields stay',
    examples: [{ spillover: { backup: null }, lbMethod: 'leastconn' }],
  },
);

// --- bindings as resources ---------------------------------------------------------------------

export const ServiceBindingResource = Closed(
  {
    vserver: Type.Optional(Name('The vserver (from the path; read-only)')),
    service: Type.Optional(Name('The service (from the path; read-only)')),
    weight: Type.Optional(Nullable(Weight("Overrides the service's weight in this vserver; null or omitted: the service's weight"))),
    ...ReadOnlyMeta,
  },
  { title: 'VServerServiceBinding', examples: [{ vserver: 'web', service: 'web-1', weight: 2 }] },
);

export const MonitorBindingResource = Closed(
  {
    service: Type.Optional(Name('The service (from the path; read-only)')),
    monitor: Type.Optional(Name('The monitor (from the path; read-only)')),
    weight: Type.Optional(Nullable(Weight("Overrides the monitor's weight for this service; null or omitted: the monitor's weight"))),
    ...ReadOnlyMeta,
  },
  { title: 'ServiceMonitorBinding', examples: [{ service: 'web-1', monitor: 'web-health', weight: 1 }] },
);

// --- the declarative document ------------------------------------------------------------------

export const ConfigDocument = Closed(
  {
    version: Type.Optional(Type.Integer({ minimum: 0, readOnly: true, description: 'Global configuration version; read-only, ignored on PUT' })),
    services: Type.Optional(Type.Array(Service, { maxItems: 100_000 })),
    monitors: Type.Optional(Type.Array(Monitor, { maxItems: 10_000 })),
    vservers: Type.Optional(Type.Array(VServer, { maxItems: 20_000 })),
  },
  {
    title: 'ConfigDocument',
    description: 'Everything as one declarative document (bindings nested in their parent)',
    examples: [
      {
        services: [{ name: 'web-1', address: '10.0.0.11', port: 8080, protocol: 'http', capacity: 200, monitors: [{ monitor: 'web-health' }] }],
        monitors: [{ name: 'web-health', type: 'http', http: { path: '/healthz', expectStatus: [200] } }],
        vservers: [
          {
            name: 'web',
            protocol: 'http',
            listen: { port: 8443 },
            services: [{ service: 'web-1' }],
            spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
          },
        ],
      },
    ],
  },
);
export type ConfigDocument = Static<typeof ConfigDocument>;

export const PlanChange = Closed(
  {
    action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
    kind: Type.Union([Type.Literal('service'), Type.Literal('monitor'), Type.Literal('vserver')]),
    name: Type.String(),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'update only: top-level fields that change' })),
    diff: Type.Optional(
      Type.Array(
        Closed(
          {
            path: Type.String({ description: 'JSON Pointer into the object (nested objects are walked; arrays and scalars are leaves)' }),
            before: Type.Optional(Type.Unknown({ description: 'Current value (normalized); omitted: not set' })),
            after: Type.Optional(Type.Unknown({ description: 'Value after the apply (normalized); omitted: not set' })),
          },
          { title: 'FieldChange' },
        ),
        { description: 'update only: each value that changes, field by field' },
      ),
    ),
  },
  { title: 'PlanChange' },
);

export const Plan = Closed(
  {
    changes: Type.Array(PlanChange),
    summary: Closed({ create: Type.Integer(), update: Type.Integer(), delete: Type.Integer() }),
  },
  {
    $id: 'Plan',
    title: 'Plan',
    examples: [
      {
        changes: [
          { action: 'update', kind: 'vserver', name: 'web', fields: ['lbMethod'], diff: [{ path: '/lbMethod', before: 'roundrobin', after: 'leastconn' }] },
        ],
        summary: { create: 0, update: 1, delete: 0 },
      },
    ],
  },
);
export type Plan = Static<typeof Plan>;

export const ApplyResult = Closed(
  {
    dryRun: Type.Boolean(),
    applied: Type.Boolean({ description: 'false for a dry run or an empty plan' }),
    version: Type.Integer({ description: 'Global configuration version after the call' }),
    plan: Type.Ref('Plan'),
  },
  {
    title: 'ApplyResult',
    examples: [
      {
        dryRun: false,
        applied: true,
        version: 7,
        plan: { changes: [{ action: 'create', kind: 'service', name: 'web-1' }], summary: { create: 1, update: 0, delete: 0 } },
      },
    ],
  },
);

export const ApplyQuery = Closed({
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Return the plan without changing anything' })),
  prune: Type.Optional(Type.Boolean({ default: false, description: 'Delete objects the document does not name' })),
});
