// The configuration document of API-SHAPE.md as JSON Schemas (TypeBox): the one definition of its
// fields, their ranges and their defaults (stated from DEFAULTS). The control plane's REST schemas
// are these fields plus read-only metadata; the hub pushes documents of this shape; a standalone
// agent's file is this document plus its `agent` section. What a JSON schema cannot say (references,
// chains, wire syntax) is checked on the normalized document.
import { Type, type ObjectOptions, type SchemaOptions, type Static, type TInteger, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { DEFAULTS } from './defaults.js';

export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';

/** A service's migration secret: 16-512 visible ASCII characters. */
export const MIGRATION_SECRET_PATTERN = '^[\\x21-\\x7e]{16,512}$';

/** A unique object name: ASCII letter or digit first, then letters, digits, `.`, `_`, `-`; 1-63 characters. */
export const Name = (description = 'Unique name of the object', example = 'web-1') =>
  Type.String({ pattern: NAME_PATTERN, minLength: 1, maxLength: 63, description, examples: [example] });

/** A closed object: unknown properties are rejected. */
export const Closed = <T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> =>
  Type.Object(properties, { additionalProperties: false, ...options });

/** `T | null`: null clears the field in a PATCH and means "none" where the contract says so. */
export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) => Type.Union([schema, Type.Null()], options);

const Port = (description: string) => Type.Integer({ minimum: 1, maximum: 65535, description });
/** A weight: 0..1000 (0: never picked), with its default when it has one. */
export const Weight = (description: string, d?: number) => Type.Integer({ minimum: 0, maximum: 1000, description, ...(d === undefined ? {} : { default: d }) });

// --- monitors -----------------------------------------------------------------------------

/** Monitor types; each but tcp has a section of its own name (http/https share `http`). */
export const MONITOR_TYPES = ['tcp', 'http', 'https', 'udp', 'dns', 'agent'] as const;
/** Record types a dns monitor may query. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;

export const MonitorHttp = Closed(
  {
    method: Type.Optional(
      Type.Union([Type.Literal('GET'), Type.Literal('HEAD'), Type.Literal('POST'), Type.Literal('OPTIONS')], { default: DEFAULTS.monitorHttp.method }),
    ),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        minLength: 1,
        maxLength: 2048,
        default: DEFAULTS.monitorHttp.path,
        description:
          'Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise',
      }),
    ),
    host: Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, description: 'Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise' }),
    ),
    expectStatus: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        minItems: 1,
        maxItems: 50,
        default: [...DEFAULTS.monitorHttp.expectStatus],
        description: 'Status codes that count as UP',
      }),
    ),
    expectBody: Type.Optional(Type.String({ maxLength: 4096, description: 'Substring the body must contain' })),
  },
  { description: 'HTTP(S) probe; only for type http and https' },
);

export const MonitorUdp = Closed(
  {
    send: Type.String({ minLength: 1, maxLength: 1024, description: 'Payload of the datagram sent to the service address and port (UTF-8)' }),
    expect: Type.Optional(Type.String({ maxLength: 1024, description: 'Substring the reply must contain; omitted or empty: any reply' })),
  },
  { description: 'UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp' },
);

export const MonitorDns = Closed(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: '^[A-Za-z0-9_.-]+$',
      description: 'Name queried from the service (a DNS server at its address and port)',
    }),
    type: Type.Optional(
      Type.Union(
        DNS_RECORD_TYPES.map((t) => Type.Literal(t)),
        { default: DEFAULTS.monitorDns.type, description: 'Record type queried' },
      ),
    ),
    expectAddress: Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, description: 'An answer of the queried type must carry this value (an address for A/AAAA)' }),
    ),
  },
  { description: 'DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns' },
);

export const MonitorAgent = Closed(
  {
    port: Port("TCP port of the backend's agent-check responder (at the service address)"),
    send: Type.Optional(Type.String({ maxLength: 1024, description: 'Text sent once connected, before reading the line' })),
  },
  {
    description:
      "HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent",
  },
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

export const monitorFields = {
  name: Name('Unique monitor name'),
  type: Type.Optional(
    Type.Union(
      MONITOR_TYPES.map((t) => Type.Literal(t)),
      {
        default: DEFAULTS.monitor.type,
        description: 'tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)',
      },
    ),
  ),
  intervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, default: DEFAULTS.monitor.intervalMs, description: 'Time between probes' })),
  timeoutMs: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 600_000, default: DEFAULTS.monitor.timeoutMs, description: 'Probe timeout; must be below intervalMs' }),
  ),
  fall: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.monitor.fall, description: 'Consecutive failures before DOWN' })),
  rise: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.monitor.rise, description: 'Consecutive successes before UP' })),
  weight: Type.Optional(Weight("Weight of this monitor toward a service's monitor threshold", DEFAULTS.monitor.weight)),
  http: Type.Optional(MonitorHttp),
  udp: Type.Optional(MonitorUdp),
  dns: Type.Optional(MonitorDns),
  agent: Type.Optional(MonitorAgent),
  responseTime: Type.Optional(ResponseTime),
};

// --- services -----------------------------------------------------------------------------

export const MonitorBinding = Closed(
  {
    monitor: Name('Name of the bound monitor'),
    weight: Type.Optional(Weight("Overrides the monitor's weight for this service")),
  },
  { title: 'MonitorBinding' },
);

/** The maintenance policy (issue 15) of a service or a vserver: a service's fields override its vserver's, DEFAULTS.maintenance fills the rest. */
export const MaintenancePolicy = Closed(
  {
    migrateAfterSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description: `When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default ${DEFAULTS.maintenance.migrateAfterSeconds})`,
      }),
    ),
    drainTimeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description: `A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default ${DEFAULTS.maintenance.drainTimeoutSeconds})`,
      }),
    ),
    target: Type.Optional(Nullable(Name('The service connections migrate to (on a vserver: one bound to it; 422 otherwise); null: the balancer picks one'))),
  },
  { title: 'MaintenancePolicy', description: 'What happens to the connections of a service set to state maintenance (live migration, issue 15)' },
);

export const serviceFields = {
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
  proxyProtocol: Type.Optional(
    Type.Union([Type.Literal('none'), Type.Literal('v2')], {
      default: DEFAULTS.service.proxyProtocol,
      description:
        "v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2",
    }),
  ),
  migration: Type.Optional(
    Closed(
      {
        port: Port("Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address"),
        secret: Type.Optional(
          Type.String({
            pattern: MIGRATION_SECRET_PATTERN,
            writeOnly: true,
            description:
              'Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set)',
          }),
        ),
      },
      { description: 'Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance' },
    ),
  ),
  site: Type.Optional(
    Name(
      'The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)',
      'site-a',
    ),
  ),
  maintenance: Type.Optional(Nullable(MaintenancePolicy, { description: "Overrides the vserver's maintenance policy field by field; null: none" })),
};

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

/** The threshold field each spillover method takes (null: derived from the services). */
export const THRESHOLD_FIELD = { connection: 'threshold', dynamicconnection: null, bandwidth: 'thresholdKbps', health: 'thresholdPercent' } as const;

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

// Content switching (issue 17; rules and their checks in content-switch.ts).
const HeaderName = Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$", description: 'Header field name (case-insensitive)' });
const Pattern = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 256,
    description: `${description}: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text`,
  });

export const ContentMatch = Closed(
  {
    host: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        pattern: '^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$',
        description: 'The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself)',
      }),
    ),
    pathPrefix: Type.Optional(
      Type.String({ pattern: '^/', minLength: 1, maxLength: 2048, description: 'The request path (before any ?) starts with this (case-sensitive)' }),
    ),
    pathRegex: Type.Optional(Pattern('Matched against the request path (before any ?)')),
    extension: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9]{1,16}$',
        description: 'File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG',
      }),
    ),
    method: Type.Optional(Type.String({ pattern: '^[A-Z]{1,20}$', description: 'The request method (GET, POST, …)' })),
    header: Type.Optional(
      Closed(
        {
          name: HeaderName,
          value: Type.Optional(Type.String({ maxLength: 1024, description: 'The field value equals this (after trimming), case-sensitive' })),
          regex: Type.Optional(Pattern('Matched against the field value')),
        },
        { description: 'A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them' },
      ),
    ),
    sourceCidr: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 49,
        description: 'The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address)',
      }),
    ),
  },
  { title: 'ContentMatch', description: 'What a request must match: every field given (at least one)' },
);

export const ContentRule = Closed(
  {
    name: Type.Optional(Name('Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)', 'images')),
    match: ContentMatch,
    target: Name('The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)', 'img'),
  },
  { title: 'ContentRule' },
);
export type ContentRuleSpec = Static<typeof ContentRule>;
export type ContentMatchSpec = Static<typeof ContentMatch>;

/** The fields of a vserver, with `port` as the schema of its listen port. */
function vserverFieldsWith<P extends TInteger>(port: P) {
  return {
    name: Name('Unique vserver name'),
    protocol: Type.Union([Type.Literal('tcp'), Type.Literal('http')]),
    type: Type.Optional(
      Type.Union([Type.Literal('loadbalancing'), Type.Literal('contentswitch')], {
        description:
          'Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence',
      }),
    ),
    rules: Type.Optional(
      Type.Array(ContentRule, {
        maxItems: 256,
        description: 'contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request)',
      }),
    ),
    default: Type.Optional(
      Nullable(
        Name(
          'contentswitch only: where requests no rule matches go; none: 404 SPILLWAY_AGENT_NO_CONTENT_MATCH (302 to spillover.redirectUrl with action redirect)',
        ),
      ),
    ),
    listen: Type.Optional(
      Nullable(
        Closed({
          port,
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
      Type.Union([Type.Literal('roundrobin'), Type.Literal('leastconn'), Type.Literal('weighted'), Type.Literal('availablecapacity')], {
        default: DEFAULTS.vserver.lbMethod,
        description:
          'availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).',
      }),
    ),
    selection: Type.Optional(
      Type.Union([Type.Literal('local'), Type.Literal('manager')], {
        description:
          "Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs.",
      }),
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
    siteBalancing: Type.Optional(
      Type.Boolean({
        description:
          "Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md)",
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
        description:
          'HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers',
      }),
    ),
    clientTimeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: DEFAULTS.vserver.clientTimeoutMs,
        description:
          'A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs',
      }),
    ),
    maintenance: Type.Optional(Nullable(MaintenancePolicy, { description: 'Maintenance policy of its services (each may override it); null: the defaults' })),
  };
}

export const vserverFields = vserverFieldsWith(Port('Listen port (unique across vservers, whatever their host)'));

// --- the document ----------------------------------------------------------------------------

export const ServiceSpec = Closed(serviceFields, { title: 'ServiceSpec' });
export const MonitorSpec = Closed(monitorFields, { title: 'MonitorSpec' });
export const VServerSpec = Closed(vserverFields, { title: 'VServerSpec' });

/** A site of the `sites` section: a group of agents with their own services (docs/SITES.md). */
export const siteFields = {
  name: Name('Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`', 'site-a'),
  exchangeIntervalMs: Type.Optional(
    Type.Integer({
      minimum: 50,
      maximum: 600_000,
      default: DEFAULTS.site.exchangeIntervalMs,
      description: "How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents",
    }),
  ),
  peer: Type.Optional(
    Closed(
      {
        url: Type.String({
          minLength: 1,
          maxLength: 2048,
          pattern: '^https?://[^\\s]+$',
          description: "Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS)",
        }),
      },
      { description: 'The site has a control plane of its own (absent: its agents are connected to this one)' },
    ),
  ),
};
export const SiteSpec = Closed(siteFields, { title: 'SiteSpec' });
export type SiteSpec = Static<typeof SiteSpec>;

export const MAX_ITEMS = { services: 100_000, monitors: 10_000, vservers: 20_000, sites: 256 } as const;

const documentOf = <S extends TSchema, M extends TSchema, V extends TSchema>(service: S, monitor: M, vserver: V) => ({
  services: Type.Optional(Type.Array(service, { maxItems: MAX_ITEMS.services })),
  monitors: Type.Optional(Type.Array(monitor, { maxItems: MAX_ITEMS.monitors })),
  vservers: Type.Optional(Type.Array(vserver, { maxItems: MAX_ITEMS.vservers })),
  sites: Type.Optional(Type.Array(SiteSpec, { maxItems: MAX_ITEMS.sites, description: 'Sites (docs/SITES.md); omitted: none' })),
});

/** The declarative document without read-only metadata: what the hub pushes to agents. */
export const DocumentSpec = Closed(documentOf(ServiceSpec, MonitorSpec, VServerSpec), { title: 'DocumentSpec' });
export type DocumentSpec = Static<typeof DocumentSpec>;
export type ServiceSpec = Static<typeof ServiceSpec>;
export type MonitorSpec = Static<typeof MonitorSpec>;
export type VServerSpec = Static<typeof VServerSpec>;

// --- a standalone agent's file ---------------------------------------------------------------

/** The `agent` section of a standalone agent's file (environment variables override it; see the agent's README). */
export const AgentSection = Closed(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, default: DEFAULTS.agent.name })),
    workers: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1024, description: 'Worker processes (0: no cluster, one process); default: the available parallelism' }),
    ),
    adminPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: DEFAULTS.agent.adminPort, description: '0: any free port' })),
    adminHost: Type.Optional(Type.String({ minLength: 2, maxLength: 45, default: DEFAULTS.agent.adminHost })),
    adminToken: Type.Optional(Nullable(Type.String({ pattern: '^[\\x21-\\x7e]{16,512}$', description: 'Bearer token of the admin writes; null: writes off' }))),
    drainTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, default: DEFAULTS.agent.drainTimeoutMs })),
    schedulingPolicy: Type.Optional(Type.Union([Type.Literal('rr'), Type.Literal('none')], { default: DEFAULTS.agent.schedulingPolicy })),
    site: Type.Optional(
      Nullable(Name('The site this agent belongs to (SPILLWAY_AGENT_SITE): it serves only the services of its site and those of none', 'site-a'), {
        default: DEFAULTS.agent.site,
      }),
    ),
    selectionBudgetMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 60_000,
        default: DEFAULTS.agent.selectionBudgetMs,
        description: "How long a new client of a selection: manager vserver waits for the service manager's answer before the agent selects locally (counted)",
      }),
    ),
  },
  { title: 'AgentSection' },
);
export type AgentSection = Static<typeof AgentSection>;

/**
 * A standalone agent's file: the document and its `agent` section. A listen port may be 0 there
 * (any free port, which the agent reports), since one agent binds it; the API refuses 0, since
 * every agent binds a vserver's port. `version` (of an exported document) is ignored.
 */
export const AgentFile = Closed(
  {
    version: Type.Optional(Type.Integer({ minimum: 0 })),
    ...documentOf(
      ServiceSpec,
      MonitorSpec,
      Closed(vserverFieldsWith(Type.Integer({ minimum: 0, maximum: 65535, description: 'Listen port; 0: any free port (a standalone agent only)' }))),
    ),
    agent: Type.Optional(AgentSection),
  },
  { title: 'AgentFile' },
);
