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

interface RunPostgres {
  adminUrl: string;
  template: string;
  /** Stops the embedded server (or drops the template from DATABASE_URL's server). */
  dispose(): Promise<void>;
}

/** Starts the embedded server (unless DATABASE_URL is set) and migrates the template database. */
async function startRunPostgres(): Promise<RunPostgres> {
  let server: TemporaryPostgres | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    server = await startTemporaryPostgres('spillway-test-pg-');
    adminUrl = server.url;
  }
  const url = adminUrl;
  const template = `spillway_template_${randomBytes(4).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE DATABASE "${template}"`));
  await applyMigrations(withDatabase(url, template));
  return {
    adminUrl: url,
    template,
    dispose: async () => {
      if (server) await server.dispose();
      else await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`)).catch(() => undefined);
    },
  };
}

// Every project that lists this file as its globalSetup (vitest.config.ts: the isolated files and
// the shared-worker files that use the database) runs it in the one vitest process: they share one
// server, started by the first and stopped after the last one's teardown. On globalThis, since
// each project may load this module on its own.
const RUN = Symbol.for('spillway.test.postgres');
type Shared = { users: number; postgres: Promise<RunPostgres> };
const holder = globalThis as typeof globalThis & { [RUN]?: Shared | undefined };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (holder[RUN] ??= { users: 0, postgres: startRunPostgres() });
  shared.users++;
  let pg: RunPostgres;
  try {
    pg = await shared.postgres;
  } catch (err) {
    if (--shared.users === 0) holder[RUN] = undefined;
    throw err;
  }
  project.provide('spillwayPgAdminUrl', pg.adminUrl);
  project.provide('spillwayPgTemplate', pg.template);
  return async () => {
    if (--shared.users > 0) return;
    holder[RUN] = undefined;
    await pg.dispose();
  };
}
