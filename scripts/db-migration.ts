// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql,
// the SQL that takes the existing migrations to prisma/schema.prisma. Offline: Prisma's schema
// engine runs as WASM against a throwaway embedded Postgres (its shadow database lives there).
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTemporaryPostgres } from '../apps/control-plane/src/db/embedded-postgres.js';
import { datamodelTarget, diffSql, MIGRATION_LOCK, migrationsDir, openSchemaEngine, readMigrations } from '../apps/control-plane/src/db/schema-engine.js';

/** True when a diff script holds no statement (only comments and blank lines). */
export function isEmptyMigration(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'));
}

/**
 * The SQL from `dir`'s migrations to the schema; '' when they agree. The engine replays the
 * migrations in a shadow database on the server of `serverUrl` (default: a throwaway embedded one).
 */
export async function pendingSchemaChange(dir = migrationsDir, serverUrl?: string): Promise<string> {
  const temp = serverUrl ? null : await startTemporaryPostgres('spillway-migration-');
  try {
    const handle = await openSchemaEngine(serverUrl ?? temp!.url);
    try {
      const sql = await diffSql(handle.engine, { tag: 'migrations', ...(await readMigrations(dir)) }, await datamodelTarget());
      return isEmptyMigration(sql) ? '' : sql;
    } finally {
      await handle.close();
    }
  } finally {
    await temp?.dispose();
  }
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function main(): Promise<void> {
  const raw = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const name = raw
    ?.toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) {
    console.error('usage: npm run db:migration -- <name>   (letters, digits and _; e.g. add_service_tags)');
    process.exit(2);
  }
  const sql = await pendingSchemaChange();
  if (!sql) {
    console.log('prisma/schema.prisma and prisma/migrations agree: no migration written');
    return;
  }
  const dir = path.join(migrationsDir, `${timestamp()}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql.endsWith('\n') ? sql : `${sql}\n`);
  const lock = path.join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lock)) await writeFile(lock, MIGRATION_LOCK);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await main().catch((err: unknown) => {
    console.error(`db:migration: ${(err as Error).message}`);
    process.exit(1);
  });
}
