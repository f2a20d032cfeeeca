// The PROXY protocol v2 header (@spillway/protocol proxy-v2.ts) the agent writes first on every
// upstream connection to a service with `proxyProtocol: "v2"`: the client's address as source, the
// agent's listener address as destination, TLV 0xE0 the connection table's id of the client
// connection, and TLV 0xE1 the migration id on the connection to a migration's target.
import type net from 'node:net';
import { encodeProxyV2 } from '@spillway/protocol';

/** The header for an upstream connection of `client` (AF_UNSPEC when its addresses are gone: it closed meanwhile). */
export function upstreamProxyHeader(client: net.Socket, connectionId: string | undefined, migrationId?: string): Buffer {
  return encodeProxyV2({
    source: { address: client.remoteAddress, port: client.remotePort },
    destination: { address: client.localAddress, port: client.localPort },
    ...(connectionId !== undefined ? { connectionId } : {}),
    ...(migrationId !== undefined ? { migrationId } : {}),
  });
}
