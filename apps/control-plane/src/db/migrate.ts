// Applies prisma/migrations at start, through Prisma's own schema engine (WASM), into Prisma's
// `_prisma_migrations` table: the record `prisma migrate deploy` would keep on a connected machine.
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { migrationsDir, noFilters, openSchemaEngine, readMigrations } from './schema-engine.js';

export class MigrationError extends Error {
  readonly code = 'SPILLWAY_DB_MIGRATION_FAILED';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Applies every migration of `dir` not yet recorded in the database; returns the names it applied. */
export async function applyMigrations(url: string, dir = migrationsDir): Promise<string[]> {
  let handle;
  try {
    // Every start but the first after an upgrade: one query on _prisma_migrations says nothing is
    // pending, and the engine (its WASM: some 0.5 s of CPU to load) is not started. A failed
    // migration (finished_at NULL) counts as pending: the engine reports it as before.
    if ((await pendingOn(url, await migrationNames(dir))).length === 0) return [];
    const migrationsList = await readMigrations(dir);
    handle = await openSchemaEngine(url);
    const out = await handle.engine.applyMigrations({ migrationsList, filters: noFilters });
    return out.appliedMigrationNames;
  } catch (err) {
    throw new MigrationError(`applying the migrations of ${dir} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  } finally {
    await handle?.close();
  }
}

/** pendingMigrations on a connection of its own to `url`. */
async function pendingOn(url: string, expected: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // a connection lost after the query: nothing is waiting on it
  await client.connect();
  try {
    return await pendingMigrations(async (sql) => (await client.query(sql)).rows as unknown[], expected);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The migration names of `dir`, in the order they apply. */
export async function migrationNames(dir = migrationsDir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Something that runs a query and returns its rows (a Prisma client's $queryRawUnsafe fits). */
export type QueryRows = (sql: string) => Promise<unknown[]>;

/**
 * The migrations of `expected` that the database has not finished applying (or rolled back);
 * all of them when `_prisma_migrations` does not exist yet. Throws when the database is unreachable.
 */
export async function pendingMigrations(query: QueryRows, expected: readonly string[]): Promise<string[]> {
  const exists = (await query(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS "exists"`)) as { exists: boolean }[];
  if (!exists[0]?.exists) return [...expected];
  const rows = (await query('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')) as {
    migration_name: string;
  }[];
  const applied = new Set(rows.map((r) => r.migration_name));
  return expected.filter((name) => !applied.has(name));
}
