// A fresh, migrated database per test (or per file): cloned from the template that the global
// setup (test/setup/postgres.ts) migrated once, so it takes milliseconds and tests never share rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.js';
import { withDatabase } from '../../../../test/setup/postgres.js';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Database name. */
  name: string;
  /** A client for it (closed by drop()). */
  prisma: PrismaClient;
  /** Closes the client and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** false: an empty database (no tables, no _prisma_migrations) instead of the migrated template. */
  migrated?: boolean;
}

function adminUrl(): string {
  const url = inject('spillwayPgAdminUrl');
  if (!url) throw new Error('no test Postgres: run through vitest with test/setup/postgres.ts as globalSetup');
  return url;
}

async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a database from the migrated template (or empty) and returns its URL and a Prisma client. */
export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `t_${process.pid}_${randomBytes(5).toString('hex')}`;
  const template = opts.migrated === false ? 'template0' : inject('spillwayPgTemplate');
  await onAdmin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(adminUrl(), name);
  const prisma = createPrismaClient(url, { poolSize: 4 });
  let dropped: Promise<void> | null = null;
  return {
    url,
    name,
    prisma,
    drop: () => {
      dropped ??= (async () => {
        await prisma.$disconnect();
        await onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      })();
      return dropped;
    },
  };
}
