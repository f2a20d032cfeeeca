// The database as the app sees it: the Prisma client (decorated as `prisma`, owned by whoever
// created it: server.ts or a test) and a readiness check (reachable, every migration applied).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/prisma.js';
import { migrationNames, pendingMigrations } from '../db/migrate.js';

export interface DbPluginOptions {
  prisma: PrismaClient;
  /** Migrations folder whose migrations must all be applied for readiness (default prisma/migrations). */
  migrationsDir?: string;
  /** How long the readiness query may take before the database counts as unreachable. */
  readinessTimeoutMs?: number;
}

export type DatabaseStatus =
  { ok: true; pendingMigrations: [] } | { ok: false; reachable: false; error: string } | { ok: false; reachable: true; pendingMigrations: string[] };

declare module 'fastify' {
  interface FastifyInstance {
    prisma: PrismaClient;
    /** Whether the database answers and holds every migration of the repository. */
    databaseStatus(): Promise<DatabaseStatus>;
  }
}

async function dbPlugin(app: FastifyInstance, opts: DbPluginOptions): Promise<void> {
  const expected = await migrationNames(opts.migrationsDir);
  const timeoutMs = opts.readinessTimeoutMs ?? 2000;
  app.decorate('prisma', opts.prisma);
  app.decorate('databaseStatus', async (): Promise<DatabaseStatus> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const pending = await Promise.race([
        pendingMigrations((sql) => opts.prisma.$queryRawUnsafe(sql), expected),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return pending.length === 0 ? { ok: true, pendingMigrations: [] } : { ok: false, reachable: true, pendingMigrations: pending };
    } catch (err) {
      // Prisma's messages start with a blank line and the call site; the cause is the last line.
      return {
        ok: false,
        reachable: false,
        error:
          (err as Error).message
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .at(-1) ?? 'unreachable',
      };
    } finally {
      clearTimeout(timer);
    }
  });
}

export default fp(dbPlugin, { name: 'spillway-db', fastify: '5.x' });
