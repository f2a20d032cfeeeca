// prisma/schema.prisma and prisma/migrations must describe the same database: a schema change
// without its migration (or a hand-edited migration) fails here. The committed client must be
// what the schema generates.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/db/schema-engine.js';
import { pendingSchemaChange } from '../../../../scripts/db-migration.js';
import { generateClientInto } from '../../../../scripts/db-generate.js';

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p, base)));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

describe('schema and migrations', () => {
  it('replaying prisma/migrations yields exactly prisma/schema.prisma (no pending change; run `npm run db:migration -- <name>` when this fails)', async () => {
    const sql = await pendingSchemaChange(undefined, inject('spillwayPgAdminUrl'));
    expect(sql).toBe('');
  });

  it('replays migrations in a throwaway shadow database: the database it connects to gets no table and no shadow is left', async () => {
    const client = new pg.Client({ connectionString: inject('spillwayPgAdminUrl') });
    await client.connect();
    try {
      await pendingSchemaChange(undefined, inject('spillwayPgAdminUrl'));
      const tables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rows[0].n).toBe(0);
      const shadows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma%shadow%'`);
      expect(shadows.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('from an empty migrations folder the diff (what `npm run db:migration` writes) creates every table, offline', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'spillway-migrations-'));
    try {
      const sql = await pendingSchemaChange(empty, inject('spillwayPgAdminUrl'));
      for (const table of [
        'service',
        'monitor',
        'service_monitor',
        'vserver',
        'spillover_method',
        'vserver_service',
        'agent',
        'agent_token',
        'api_token',
        'quota_lease',
        'event',
        'config_version',
      ]) {
        expect(sql).toContain(`CREATE TABLE "${table}"`);
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('the committed Prisma client is what prisma/schema.prisma generates (run `npm run db:generate` when this fails)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'spillway-gen-'));
    try {
      const fresh = await generateClientInto(tmp);
      const committed = path.join(repoRoot, 'apps', 'control-plane', 'src', 'generated', 'prisma');
      const files = await filesUnder(fresh);
      expect(await filesUnder(committed)).toEqual(files);
      for (const f of files) {
        const [a, b] = await Promise.all([readFile(path.join(fresh, f), 'utf8'), readFile(path.join(committed, f), 'utf8')]);
        expect(b, f).toBe(a);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
