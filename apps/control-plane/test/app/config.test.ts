// Configuration comes from the environment, with defaults, and every bad value is reported on
// its own line naming the variable (never echoing a database password).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, logLevel: 'info', adminToken: null });
    expect(path.basename(c.dataDir)).toBe('.data');
  });

  it('reads every variable', () => {
    const c = loadConfig({
      SPILLWAY_PORT: '8081',
      SPILLWAY_HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/spillway',
      SPILLWAY_DATA_DIR: '/var/lib/spillway',
      SPILLWAY_PG_PORT: '5433',
      SPILLWAY_ADMIN_TOKEN: 'spw_0123456789abcdef',
      SPILLWAY_LOG_LEVEL: 'DEBUG',
      SPILLWAY_BODY_LIMIT: '4096',
      SPILLWAY_SHUTDOWN_TIMEOUT_MS: '500',
      SPILLWAY_TRUST_PROXY: 'true',
    });
    expect(c).toEqual({
      port: 8081,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/spillway',
      dataDir: '/var/lib/spillway',
      pgPort: 5433,
      adminToken: 'spw_0123456789abcdef',
      logLevel: 'debug',
      bodyLimit: 4096,
      shutdownTimeoutMs: 500,
      trustProxy: true,
    });
  });

  it('reports each bad value on its own line naming the variable', () => {
    const lines = problems({
      SPILLWAY_PORT: 'eighty',
      SPILLWAY_PG_PORT: '70000',
      SPILLWAY_LOG_LEVEL: 'loud',
      SPILLWAY_BODY_LIMIT: '-1',
      SPILLWAY_TRUST_PROXY: 'maybe',
      SPILLWAY_ADMIN_TOKEN: 'short',
      SPILLWAY_HOST: 'bad host',
    });
    expect(lines).toEqual([
      'SPILLWAY_PORT: must be an integer from 0 to 65535 (got "eighty")',
      'SPILLWAY_PG_PORT: must be an integer from 0 to 65535 (got "70000")',
      'SPILLWAY_BODY_LIMIT: must be an integer from 1024 to 1073741824 (got "-1")',
      'SPILLWAY_HOST: must be a host name or an IP address (got "bad host")',
      'SPILLWAY_ADMIN_TOKEN: must be at least 16 characters without spaces',
      'SPILLWAY_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'SPILLWAY_TRUST_PROXY: must be true or false (got "maybe")',
    ]);
  });

  it('rejects a DATABASE_URL that is not a postgres URL without echoing it', () => {
    const lines = problems({ DATABASE_URL: 'mysql://root:secret@db/x' });
    expect(lines).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL with a host']);
    expect(lines.join()).not.toContain('secret');
  });
});
