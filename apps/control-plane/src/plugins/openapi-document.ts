// The OpenAPI document as committed in openapi/openapi.json: built from a ready app whose
// database client is never used (Prisma connects lazily), with keys sorted at every level.
import { buildApp } from '../app.js';
import { createPrismaClient } from '../db/prisma.js';
import { stableJson } from './openapi.js';

export async function generateOpenApi(): Promise<string> {
  const prisma = createPrismaClient('postgresql://openapi@127.0.0.1:9/none', { poolSize: 1 });
  const app = await buildApp({ prisma, logger: false });
  try {
    await app.ready();
    return stableJson(app.swagger());
  } finally {
    await app.close();
    await prisma.$disconnect();
  }
}
