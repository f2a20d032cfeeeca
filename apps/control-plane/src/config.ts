// The control plane's configuration: environment variables, validated once at start. Every bad
// value is reported (not only the first), each on its own line naming the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** SPILLWAY_PORT: HTTP port of the REST API and the agent hub (0 = any free port). */
  port: number;
  /** SPILLWAY_HOST: address to listen on. */
  host: string;
  /** DATABASE_URL: Postgres to use; null = an embedded Postgres in `<dataDir>/pg`. */
  databaseUrl: string | null;
  /** SPILLWAY_DATA_DIR: where the embedded Postgres (and the demo's token) live. */
  dataDir: string;
  /** SPILLWAY_PG_PORT: port of the embedded Postgres on 127.0.0.1 (0 = a free one at each start). */
  pgPort: number;
  /** SPILLWAY_ADMIN_TOKEN: bootstrap bearer token with the admin role; null = none. */
  adminToken: string | null;
  /** SPILLWAY_LOG_LEVEL. */
  logLevel: LogLevel;
  /** SPILLWAY_BODY_LIMIT: default maximum request body in bytes (routes may allow more). */
  bodyLimit: number;
  /** SPILLWAY_SHUTDOWN_TIMEOUT_MS: how long in-flight requests may take to finish on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** SPILLWAY_TRUST_PROXY: honour X-Forwarded-* (true only behind a proxy you run). */
  trustProxy: boolean;
}

export const DEFAULT_CONFIG: Config = {
  port: 3000,
  host: '127.0.0.1',
  databaseUrl: null,
  dataDir: path.join(repoRoot, '.data'),
  pgPort: 0,
  adminToken: null,
  logLevel: 'info',
  bodyLimit: 1024 * 1024,
  shutdownTimeoutMs: 10_000,
  trustProxy: false,
};

export class ConfigError extends Error {
  readonly code = 'SPILLWAY_CONFIG_INVALID';
  /** One line per bad variable: `NAME: what is wrong (got "value")`. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration from `env`; throws ConfigError listing every bad value. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const bad = (name: string, what: string, value: string): void => {
    problems.push(`${name}: ${what} (got ${JSON.stringify(value)})`);
  };
  const int = (name: string, min: number, max: number, fallback: number): number => {
    const v = raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      bad(name, `must be an integer from ${min} to ${max}`, v);
      return fallback;
    }
    return n;
  };

  const port = int('SPILLWAY_PORT', 0, 65535, DEFAULT_CONFIG.port);
  const pgPort = int('SPILLWAY_PG_PORT', 0, 65535, DEFAULT_CONFIG.pgPort);
  const bodyLimit = int('SPILLWAY_BODY_LIMIT', 1024, 1024 * 1024 * 1024, DEFAULT_CONFIG.bodyLimit);
  const shutdownTimeoutMs = int('SPILLWAY_SHUTDOWN_TIMEOUT_MS', 0, 10 * 60_000, DEFAULT_CONFIG.shutdownTimeoutMs);

  const host = raw('SPILLWAY_HOST') ?? DEFAULT_CONFIG.host;
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) bad('SPILLWAY_HOST', 'must be a host name or an IP address', host);

  let databaseUrl = raw('DATABASE_URL') ?? null;
  if (databaseUrl !== null) {
    let ok = false;
    try {
      const u = new URL(databaseUrl);
      ok = (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
    } catch {
      /* reported below */
    }
    if (!ok) {
      // Never echo a URL that may hold a password.
      problems.push('DATABASE_URL: must be a postgres:// or postgresql:// URL with a host');
      databaseUrl = null;
    }
  }

  const dataDirRaw = raw('SPILLWAY_DATA_DIR');
  const dataDir = dataDirRaw === undefined ? DEFAULT_CONFIG.dataDir : path.resolve(dataDirRaw);

  const adminToken = raw('SPILLWAY_ADMIN_TOKEN') ?? null;
  if (adminToken !== null && (adminToken.length < 16 || /\s/.test(adminToken))) {
    problems.push('SPILLWAY_ADMIN_TOKEN: must be at least 16 characters without spaces');
  }

  const logLevelRaw = raw('SPILLWAY_LOG_LEVEL')?.toLowerCase() ?? DEFAULT_CONFIG.logLevel;
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? (logLevelRaw as LogLevel) : DEFAULT_CONFIG.logLevel;
  if (logLevel !== logLevelRaw) bad('SPILLWAY_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`, logLevelRaw);

  const trustRaw = raw('SPILLWAY_TRUST_PROXY')?.toLowerCase();
  let trustProxy = DEFAULT_CONFIG.trustProxy;
  if (trustRaw !== undefined) {
    if (['true', '1', 'yes'].includes(trustRaw)) trustProxy = true;
    else if (['false', '0', 'no'].includes(trustRaw)) trustProxy = false;
    else bad('SPILLWAY_TRUST_PROXY', 'must be true or false', trustRaw);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { port, host, databaseUrl, dataDir, pgPort, adminToken, logLevel, bodyLimit, shutdownTimeoutMs, trustProxy };
}
