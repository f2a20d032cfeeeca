// The peers we compare with (HAProxy, nginx) and the load generator (wrk): found on PATH, or
// installed from Debian when missing and allowed. A peer that cannot be had is reported, never fatal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run } from './proc.js';

export type PeerName = 'haproxy' | 'nginx' | 'wrk';
export interface Peer {
  name: PeerName;
  path: string | null;
  version: string | null;
  missingReason?: string;
}

const candidates: Record<PeerName, string[]> = {
  haproxy: ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'],
  nginx: ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'],
  wrk: ['/usr/bin/wrk', '/usr/local/bin/wrk'],
};

function which(name: PeerName): string | null {
  for (const p of candidates[name]) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function version(name: PeerName, bin: string): string | null {
  // nginx -v and wrk --version print to stderr, and wrk exits 1.
  const r = spawnSync(bin, [name === 'wrk' ? '--version' : '-v'], { encoding: 'utf8' });
  const first = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() ?? '';
  const m = /(nginx\/[\d.]+|HAProxy version [\d.]+\S*|wrk \S+)/.exec(first);
  return m ? m[1]! : first || null;
}

let installTried: Promise<string | null> | null = null;

/** `apt-get install -y haproxy nginx wrk` once per process; resolves with an error text or null. */
function aptInstall(): Promise<string | null> {
  installTried ??= (async () => {
    if (process.getuid?.() !== 0) return 'not root: cannot apt-get install';
    try {
      await run('apt-get', ['install', '-y', 'haproxy', 'nginx', 'wrk'], { timeoutMs: 300_000, env: { DEBIAN_FRONTEND: 'noninteractive' } });
      return null;
    } catch (err) {
      return `apt-get install failed: ${(err as Error).message.split('\n')[0]}`;
    }
  })();
  return installTried;
}

/** Finds a peer; when missing and `install` is set, installs the Debian packages first. */
export async function findPeer(name: PeerName, opts: { install: boolean }): Promise<Peer> {
  let bin = which(name);
  let reason: string | undefined;
  if (!bin && opts.install) {
    process.stdout.write(`${name} not found: apt-get install -y haproxy nginx wrk\n`);
    const err = await aptInstall();
    bin = which(name);
    if (!bin) reason = err ?? `${name} still missing after apt-get install`;
  } else if (!bin) {
    reason = `${name} is not installed (apt-get install -y ${name})`;
  }
  if (!bin) {
    process.stdout.write(`skipping ${name}: ${reason}\n`);
    return { name, path: null, version: null, missingReason: reason };
  }
  return { name, path: bin, version: version(name, bin) };
}

/** Synchronous check for tests deciding what to skip. */
export function peerInstalled(name: PeerName): boolean {
  return which(name) !== null;
}
