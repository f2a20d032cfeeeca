// A burst of concurrent HTTP requests, each on a new connection, spread over entry ports.
import http from 'node:http';
import type { BurstOutcome } from './precision.js';

/** Sends `counts[i]` requests to `ports[i]`, all at once; resolves when every one is answered or failed. */
export function burst(ports: readonly number[], counts: readonly number[], timeoutMs = 30_000): Promise<BurstOutcome[]> {
  const all: Promise<BurstOutcome>[] = [];
  const order: number[] = [];
  // Interleave the entry points so that no port gets its whole share first.
  const left = [...counts];
  while (left.some((n) => n > 0)) {
    left.forEach((n, i) => {
      if (n > 0) {
        order.push(i);
        left[i] = n - 1;
      }
    });
  }
  for (const i of order) {
    all.push(
      new Promise((resolve) => {
        const start = performance.now();
        const req = http.request(
          { host: '127.0.0.1', port: ports[i], path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, backend: (res.headers['x-backend'] as string | undefined) ?? null, ms: performance.now() - start }),
            );
            res.on('error', () => resolve({ status: 'error', backend: null, ms: performance.now() - start }));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => resolve({ status: 'error', backend: null, ms: performance.now() - start }));
        req.end();
      }),
    );
  }
  return Promise.all(all);
}
