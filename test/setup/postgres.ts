// Vitest global setup: ONE Postgres for the whole run. An embedded server in a temporary
// directory on a free port (or the server of DATABASE_URL when set), and a template database
// migrated once; each test file clones it in milliseconds (createTestDatabase in
// apps/control-plane/test/helpers/db.ts). The embedded server is stopped at the end of the run.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startTemporaryPostgres, type TemporaryPostgres } from '../../apps/control-plane/src/db/embedded-postgres.js';
import { applyMigrations } from '../../apps/control-plane/src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test server (CREATE/DROP DATABASE run there). */
    spillwayPgAdminUrl: string;
    /** Name of the migrated template database that createTestDatabase() clones. */
    spillwayPgTemplate: string;
  }
}

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: TemporaryPostgres | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    server = await startTemporaryPostgres('spillway-test-pg-');
    adminUrl = server.url;
  }
  const template = `spillway_template_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${template}"`));
  await applyMigrations(withDatabase(adminUrl, template));
  project.provide('spillwayPgAdminUrl', adminUrl);
  project.provide('spillwayPgTemplate', template);

  return async () => {
    if (server) {
      await server.dispose();
    } else {
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`)).catch(() => undefined);
    }
  };
}
