// The Prisma client of the control plane: the generated client (prisma-client generator, no
// query-engine binary) over node-postgres through @prisma/adapter-pg.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

// One import path for the client, the `Prisma` namespace (errors, input types), model types and enums.
export * from '../generated/prisma/client.js';

export interface PrismaOptions {
  /** Pool size of the underlying pg.Pool (default 10). */
  poolSize?: number;
}

/** A client for `url`; call `$disconnect()` to close its pool. */
export function createPrismaClient(url: string, opts: PrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
