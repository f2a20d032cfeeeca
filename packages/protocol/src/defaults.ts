// Defaults of configuration fields that both the API (normalize: what GET returns) and the agent
// (its file format and pushed snapshots) fill in, so an omitted field means the same on both sides.
export const VSERVER_DEFAULTS = {
  /** Upstream timeout of an HTTP vserver (no response headers / no body progress): 504 past it; connect timeout of TCP. */
  timeoutMs: 30_000,
  /** Address a vserver's listener binds: every IPv4 address. */
  listenHost: '0.0.0.0',
} as const;

/**
 * Client-side timeouts of a vserver (API fields too: normalize fills these in, as the agent does): the
 * time a client has to send a complete request head, from accept for a connection's first request
 * (HTTP, 408 past it; HAProxy's `timeout http-request`), an idle keep-alive connection (HTTP,
 * `timeout http-keep-alive`), a TCP connection with no byte either way (`timeout client`).
 */
export const CLIENT_TIMEOUT_DEFAULTS = { headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, clientTimeoutMs: 60_000 } as const;
