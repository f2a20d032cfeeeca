// Every default of the configuration document, in one place: the REST schemas state them (the
// OpenAPI document shows them), normalization fills them in (what GET returns, what the hub
// pushes), the agent's parser fills in the same for a standalone file, and the database's column
// defaults agree with them (a test checks). Units are in the field names (API-SHAPE.md).
export const DEFAULTS = {
  service: {
    protocol: 'tcp',
    capacity: 0,
    weight: 1,
    state: 'enabled',
    /** none: upstream connections start with the client's bytes; v2: with a PROXY protocol v2 header (client address, TLV 0xE0 connection id). */
    proxyProtocol: 'none',
  },
  monitor: { type: 'tcp', intervalMs: 5000, timeoutMs: 2000, fall: 3, rise: 1, weight: 1 },
  monitorHttp: { method: 'GET', path: '/', expectStatus: [200] },
  monitorDns: { type: 'A' },
  vserver: {
    /** What a vserver does with a request: loadbalancing (its services, its spillover chain) or contentswitch (its rules pick another vserver). */
    type: 'loadbalancing',
    lbMethod: 'roundrobin',
    /** Who picks the service of a client with no persistence entry: the agent alone (local), or the control plane's service manager with its view across agents (manager; issue 16). */
    selection: 'local',
    /** Upstream timeout of an HTTP vserver (no response headers / no body progress): 504 past it; connect timeout of TCP. */
    timeoutMs: 30_000,
    /** Address a vserver's listener binds: every IPv4 address. */
    listenHost: '0.0.0.0',
    /** HTTP: time a client has to send a complete request head, from accept for a connection's first request (408 past it; HAProxy `timeout http-request`). */
    headersTimeoutMs: 10_000,
    /** HTTP: an idle keep-alive client connection closes past it (HAProxy `timeout http-keep-alive`). */
    keepAliveTimeoutMs: 5_000,
    /** TCP: a client connection with no byte either way for this long closes; HTTP: a client that takes none of its answer for this long (HAProxy `timeout client`). */
    clientTimeoutMs: 60_000,
    /** Sites: share new connections with the other sites' agents by what they have available (docs/SITES.md). */
    siteBalancing: false,
  },
  persistence: { type: 'none', timeoutSeconds: 120 },
  spillover: { combine: 'any', action: 'accept', persistenceTimeoutSeconds: 0 },
  surgeQueue: { length: 0, timeoutMs: 5000 },
  bandwidthDirection: 'both',
  /**
   * A service in `state: maintenance` (issue 15): connections younger than migrateAfterSeconds drain
   * (closed past drainTimeoutSeconds), older ones migrate when the service has a migration endpoint.
   * A service's `maintenance` overrides its vserver's field by field; these fill what neither sets.
   */
  maintenance: { migrateAfterSeconds: 30, drainTimeoutSeconds: 300 },
  /** A site of the `sites` section: how often its availability is computed (or polled from its peer control plane) and pushed to agents. */
  site: { exchangeIntervalMs: 1000 },
  /** The `agent` section of a standalone agent's file (workers default to the machine's parallelism). */
  agent: {
    name: 'agent',
    adminPort: 9090,
    adminHost: '127.0.0.1',
    adminToken: null,
    drainTimeoutMs: 10_000,
    /** How workers share a listener: `none`, the kernel picks (no IPC per connection); why and the trade-off: apps/agent/README.md. */
    schedulingPolicy: 'none',
    selectionBudgetMs: 50,
    site: null,
  },
} as const;

/** The vserver defaults the data plane reads most (views of DEFAULTS.vserver). */
export const VSERVER_DEFAULTS = { timeoutMs: DEFAULTS.vserver.timeoutMs, listenHost: DEFAULTS.vserver.listenHost } as const;

/** Client-side timeouts of a vserver (views of DEFAULTS.vserver). */
export const CLIENT_TIMEOUT_DEFAULTS = {
  headersTimeoutMs: DEFAULTS.vserver.headersTimeoutMs,
  keepAliveTimeoutMs: DEFAULTS.vserver.keepAliveTimeoutMs,
  clientTimeoutMs: DEFAULTS.vserver.clientTimeoutMs,
} as const;
