// An API app on a fresh database per test file, with an admin and a reader token.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

export interface ApiHarness {
  app: FastifyInstance;
  db: TestDatabase;
  admin: string;
  reader: string;
  /** app.inject with the admin token unless `token` is given (null: none), from `remoteAddress` (default 127.0.0.1). */
  call(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    opts?: { token?: string | null; headers?: Record<string, string>; remoteAddress?: string },
  ): Promise<LightMyRequestResponse & { body: string; json<T = any>(): T }>;
  close(): Promise<void>;
}

export async function startApi(opts: Pick<BuildAppOptions, 'authFailures' | 'logger'> = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const app = await buildApp({ prisma: db.prisma, logger: opts.logger ?? false, ...(opts.authFailures ? { authFailures: opts.authFailures } : {}) });
  await app.ready();
  const admin = (await app.tokenStore.ensureBootstrap()).generated as string;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/api-tokens',
    headers: { authorization: `Bearer ${admin}` },
    payload: { name: 'dashboard', role: 'reader' },
  });
  const reader = created.json<{ token: string }>().token;
  const h: ApiHarness = {
    app,
    db,
    admin,
    reader,
    call: async (method, url, body, o = {}) => {
      const token = o.token === undefined ? admin : o.token;
      const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(o.headers ?? {}) };
      const res = await app.inject({
        method,
        url,
        headers,
        ...(o.remoteAddress ? { remoteAddress: o.remoteAddress } : {}),
        ...(body === undefined
          ? {}
          : typeof body === 'string'
            ? { payload: body, headers: { 'content-type': 'application/json', ...headers } }
            : { payload: body as object }),
      });
      return res;
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
  return h;
}
