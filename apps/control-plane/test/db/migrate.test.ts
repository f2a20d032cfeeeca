// Migrations are applied by Prisma's schema engine (WASM) and recorded in _prisma_migrations,
// exactly once each; readiness can tell an unmigrated database from a migrated one.
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, migrationNames, pendingMigrations } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('migrations', () => {
  let db: TestDatabase | null = null;
  afterEach(async () => {
    await db?.drop();
    db = null;
  });

  it('applies every migration to an empty database, records each in _prisma_migrations, and applies nothing the second time', async () => {
    db = await createTestDatabase({ migrated: false });
    const names = await migrationNames();
    expect(names.length).toBeGreaterThan(0);
    const query = (sql: string): Promise<unknown[]> => db!.prisma.$queryRawUnsafe(sql);
    expect(await pendingMigrations(query, names)).toEqual(names);

    expect(await applyMigrations(db.url)).toEqual(names);
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
      'SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await pendingMigrations(query, names)).toEqual([]);

    expect(await applyMigrations(db.url)).toEqual([]);
  });

  it('refuses to start on a migration recorded as failed (the quick check without the engine counts it as pending)', async () => {
    db = await createTestDatabase();
    const [last] = (await migrationNames()).slice(-1);
    await db.prisma.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = '${last!}'`);
    await expect(applyMigrations(db.url)).rejects.toMatchObject({ code: 'SPILLWAY_DB_MIGRATION_FAILED' });
  });

  it('seeds the single config-version row at version 0', async () => {
    db = await createTestDatabase();
    expect(await db.prisma.configVersion.findMany()).toEqual([expect.objectContaining({ id: 1, version: 0 })]);
  });

  it("refuses to delete a monitor still bound to a service and a vserver that is another one's backup (FK Restrict)", async () => {
    db = await createTestDatabase();
    const p = db.prisma;
    const monitor = await p.monitor.create({ data: { name: 'm', type: 'tcp' } });
    await p.service.create({ data: { name: 's', address: '127.0.0.1', port: 80, monitors: { create: { monitorId: monitor.id } } } });
    await expect(p.monitor.delete({ where: { name: 'm' } })).rejects.toThrow();
    const backup = await p.vServer.create({ data: { name: 'b', protocol: 'http' } });
    await p.vServer.create({ data: { name: 'a', protocol: 'http', listenPort: 8080, backupId: backup.id } });
    await expect(p.vServer.delete({ where: { name: 'b' } })).rejects.toThrow();
    await p.service.delete({ where: { name: 's' } });
    await p.monitor.delete({ where: { name: 'm' } });
    expect(await p.serviceMonitor.count()).toBe(0);
  });
});
