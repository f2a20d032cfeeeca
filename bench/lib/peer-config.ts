// Renders HAProxy and nginx configurations into a temp dir and runs them in the foreground.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pinned, startProcess, waitForPort, type Proc } from './proc.js';

export interface TempDir {
  path: string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const p = mkdtempSync(path.join(os.tmpdir(), `spillway-bench-${prefix}-`));
  return { path: p, remove: () => rmSync(p, { recursive: true, force: true }) };
}

export interface RunningPeer {
  proc: Proc;
  configPath: string;
  stop(): Promise<void>;
}

/** HAProxy's global maxconn in every config startHaproxy writes (connections it accepts at once). */
export const HAPROXY_MAXCONN = 8000;
/**
 * How long HAProxy keeps an idle client connection (`timeout client`, which is also its HTTP
 * keep-alive timeout here: no `timeout http-keep-alive` is set); bench/proxy.ts gives the agent's
 * HTTP vservers the same keepAliveTimeoutMs, so both hold the idle connections of its memory readings.
 */
export const PEER_CLIENT_TIMEOUT_S = 60;

/**
 * `haproxy -db -f <dir>/<name>.cfg` with `global` from the options and the given sections; `cpus`:
 * pinned there with taskset.
 */
export async function startHaproxy(
  bin: string,
  dir: string,
  opts: { nbthread: number; sections: string; ports: number[]; cpus?: string; name?: string },
): Promise<RunningPeer> {
  const cfg = [
    'global',
    `  nbthread ${opts.nbthread}`,
    `  maxconn ${HAPROXY_MAXCONN}`,
    'defaults',
    '  timeout connect 5s',
    `  timeout client ${PEER_CLIENT_TIMEOUT_S}s`,
    '  timeout server 60s',
    '  timeout queue 60s',
    opts.sections,
  ].join('\n');
  const configPath = path.join(dir, `${opts.name ?? 'haproxy'}.cfg`);
  writeFileSync(configPath, `${cfg}\n`);
  const proc = startProcess(opts.name ?? 'haproxy', ...pinned(opts.cpus, bin, ['-db', '-f', configPath]));
  try {
    for (const p of opts.ports) await waitForPort(p);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`, { cause: err });
  }
  return { proc, configPath, stop: () => proc.stop() };
}

/** nginx in the foreground with its own prefix, pid and logs in `dir`; `http` is the http{} body. */
export async function startNginx(bin: string, dir: string, opts: { workers: number; http: string; ports: number[]; cpus?: string }): Promise<RunningPeer> {
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const t = path.join(dir, 'tmp');
  const cfg = [
    process.getuid?.() === 0 ? 'user root;' : '',
    `worker_processes ${opts.workers};`,
    'daemon off;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')} error;`,
    'events { worker_connections 8192; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${t}/body; proxy_temp_path ${t}/proxy; fastcgi_temp_path ${t}/fcgi;`,
    `  uwsgi_temp_path ${t}/uwsgi; scgi_temp_path ${t}/scgi;`,
    '  keepalive_requests 1000000;',
    opts.http,
    '}',
  ].join('\n');
  const configPath = path.join(dir, 'nginx.conf');
  writeFileSync(configPath, `${cfg}\n`);
  const proc = startProcess('nginx', ...pinned(opts.cpus, bin, ['-p', dir, '-c', configPath]));
  try {
    for (const p of opts.ports) await waitForPort(p);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`, { cause: err });
  }
  // SIGQUIT would wait for held requests; SIGTERM is nginx's fast shutdown.
  return { proc, configPath, stop: () => proc.stop('SIGTERM') };
}
