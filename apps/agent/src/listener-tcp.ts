// Proxies one admitted TCP client connection to a chosen service: bidirectional pipe with
// backpressure (stream.pipe pauses the faster side), bytes counted as they flow.
import net from 'node:net';
import type { ServiceCounters, VServerCounters } from './stats.js';

export interface TcpTarget {
  host: string;
  port: number;
  connectTimeoutMs: number;
}

/** Resolves when both sides are closed; `connected` is false when the service never answered. */
export function pipeTcp(client: net.Socket, target: TcpTarget, vs: VServerCounters, svc: ServiceCounters): Promise<{ connected: boolean }> {
  return new Promise((resolve) => {
    const upstream = net.connect({ host: target.host, port: target.port });
    let connected = false;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      resolve({ connected });
    };
    const timer = setTimeout(() => {
      if (!connected) finish();
    }, target.connectTimeoutMs);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      client.on('data', (chunk: Buffer) => {
        vs.rx_bytes_total += chunk.length;
        svc.tx_bytes_total += chunk.length;
      });
      upstream.on('data', (chunk: Buffer) => {
        vs.tx_bytes_total += chunk.length;
        svc.rx_bytes_total += chunk.length;
      });
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // A half-close is forwarded by pipe (end); the pair is torn down once either side is gone.
    upstream.once('close', finish);
    client.once('close', finish);
    upstream.on('error', () => finish());
    client.on('error', () => finish());
  });
}
