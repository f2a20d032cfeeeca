// The HTTP backend of the proxy benchmarks: nginx answering every request with a 1 KiB body
// (1 worker, pinned to `cpus` when set), or, when nginx is not installed, a node:http server in
// its own process (http-backend-main.ts).
import path from 'node:path';
import type { Peer } from './peers.js';
import { startNginx } from './peer-config.js';
import { freePort, pinned, startProcess } from './proc.js';

/** The body every backend answer carries. */
export const BODY = 'a'.repeat(1024);

export interface HttpBackend {
  port: number;
  /** What it is, for a benchmark's conditions. */
  kind: string;
  stop(): Promise<void>;
}

export async function startHttpBackend(nginx: Peer, dir: string, cpus: string | undefined): Promise<HttpBackend> {
  if (nginx.path) {
    const port = await freePort();
    const peer = await startNginx(nginx.path, dir, {
      workers: 1,
      ports: [port],
      http: `  server { listen 127.0.0.1:${port} backlog=4096; location / { default_type text/plain; return 200 "${BODY}"; } }`,
      cpus,
    });
    return { port, kind: `nginx (${nginx.version}, 1 worker, \`return 200\` with a 1 KiB body)`, stop: () => peer.stop() };
  }
  const tsx = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const proc = startProcess('http backend', ...pinned(cpus, tsx, [path.join(import.meta.dirname, 'http-backend-main.ts')]));
  const port = (JSON.parse(await proc.waitForLine((l) => l.startsWith('{"ready":true'))) as { port: number }).port;
  return { port, kind: 'node:http server in its own process, 1 KiB body (nginx not installed)', stop: () => proc.stop() };
}
