// A control-plane replica for hub tests: the whole app (REST API + hub) on a real port over a test
// database, its bootstrap admin token, and the REST calls and agent tokens the tests make with it.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.js';

type AppOptions = Parameters<typeof buildApp>[0];

export interface Replica {
  app: FastifyInstance;
  admin: string;
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ statusCode: number; body: string; json<T = any>(): T }>;
}

/** Starts a replica; `apps` collects it for the test's afterEach to close. `databaseUrl` joins replicas over LISTEN/NOTIFY. */
export async function startReplica(opts: {
  prisma: AppOptions['prisma'];
  hub: AppOptions['hub'];
  admin: string;
  apps: FastifyInstance[];
  databaseUrl?: string;
}): Promise<Replica> {
  const app = await buildApp({
    prisma: opts.prisma,
    logger: false,
    hub: opts.hub,
    ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  opts.apps.push(app);
  const admin = (await app.tokenStore.ensureBootstrap(opts.admin)).generated ?? opts.admin;
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    admin,
    url: `ws://127.0.0.1:${port}/v1/agents/connect`,
    call: async (method, path, body) =>
      app.inject({
        method: method as 'GET',
        url: path,
        headers: { authorization: `Bearer ${admin}` },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
}

/** A new agent token bound to `agent`, made through the REST API. */
export async function agentToken(r: Replica, agent: string): Promise<string> {
  const res = await r.call('POST', '/v1/agent-tokens', { name: `${agent}-token`, agent });
  expect(res.statusCode).toBe(201);
  return res.json<{ token: string }>().token;
}
