// An agent's key of a pool of the control plane's quota (the agent's control client, the
// simulated agent): a vserver's connection limit by the vserver's name, a service's capacity
// (issue 12 item 3) by `service:` and the service's name. Object names never hold a ':' (the
// contract's NAME_PATTERN), so the two never collide. On the wire the same pool is
// `vserver: <name>`, with `pool: 'service'` for a service (messages.ts, PoolOfService).

const SERVICE = 'service:';

/** The key of a service's capacity pool. */
export const serviceKey = (service: string): string => SERVICE + service;

/** What a pool key names. */
export function parsePoolKey(key: string): { pool: 'vserver' | 'service'; name: string } {
  return key.startsWith(SERVICE) ? { pool: 'service', name: key.slice(SERVICE.length) } : { pool: 'vserver', name: key };
}

/** The key of the pool a quota message names. */
export const poolKeyOf = (m: { vserver: string; pool?: 'service' | undefined }): string => (m.pool === 'service' ? serviceKey(m.vserver) : m.vserver);

/** The fields of a quota message that name the pool of `key`. */
export function poolRef(key: string): { vserver: string; pool?: 'service' } {
  const p = parsePoolKey(key);
  return p.pool === 'service' ? { vserver: p.name, pool: 'service' } : { vserver: p.name };
}
