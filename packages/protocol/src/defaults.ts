// Defaults of configuration fields that both the API (normalize: what GET returns) and the agent
// (its file format and pushed snapshots) fill in, so an omitted field means the same on both sides.
export const VSERVER_DEFAULTS = {
  /** Upstream timeout of an HTTP vserver (no response headers / no body progress): 504 past it; connect timeout of TCP. */
  timeoutMs: 30_000,
  /** Address a vserver's listener binds: every IPv4 address. */
  listenHost: '0.0.0.0',
} as const;
