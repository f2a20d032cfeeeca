// /v1/api-tokens and /v1/agent-tokens (admin only; the secret is shown once, at creation) and
// DELETE /v1/agents/{id} (GET /v1/agents belongs to the agent hub).
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Closed, ErrorRef, ListOf, ListQuery, Name, NameParams } from '../schemas/common.js';
import {
  AgentToken,
  AgentTokenCreate,
  AgentTokenCreated,
  AgentTokenPatch,
  AgentTokenPut,
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenPatch,
  ApiTokenPut,
  Role,
  ServiceToken,
  ServiceTokenCreate,
  ServiceTokenCreated,
} from '../schemas/tokens.js';
import type { ConfigStore } from '../services/config-store.js';
import type { TokenStore } from '../services/token-store.js';
import { actorOf, checkSameName, page } from './http.js';

export function tokenRoutes(scope: FastifyInstance, store: ConfigStore, tokens: TokenStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef };
  const config = { adminOnly: true };

  app.get(
    '/api-tokens',
    {
      config,
      schema: {
        operationId: 'listApiTokens',
        tags: ['tokens'],
        summary: 'List API tokens (never their secrets; admin only)',
        querystring: ListQuery,
        response: { 200: ListOf(ApiToken, 'ApiTokenList'), ...errors },
      },
    },
    async (req) => page(await tokens.listApi(), (t) => t.name, req.query),
  );

  app.get(
    '/api-tokens/:name',
    {
      config,
      schema: {
        operationId: 'getApiToken',
        tags: ['tokens'],
        summary: 'Get one API token (admin only)',
        params: NameParams,
        response: { 200: ApiToken, 404: ErrorRef, ...errors },
      },
    },
    async (req) => tokens.getApi(req.params.name),
  );

  app.post(
    '/api-tokens',
    {
      config,
      schema: {
        operationId: 'createApiToken',
        tags: ['tokens'],
        summary: 'Create an API token; the answer holds the secret, shown this once (admin only)',
        body: ApiTokenCreate,
        response: { 201: ApiTokenCreated, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name, role } = req.body;
      const created = await tokens.createApi(name, role);
      await store.appendEvent({ actor: actorOf(req), kind: 'api-token.created', objectKind: 'api-token', objectName: name, data: { role } });
      return reply
        .code(201)
        .header('location', `/v1/api-tokens/${encodeURIComponent(name)}`)
        .send(created);
    },
  );

  const upsertApi = async (req: FastifyRequest, name: string, body: { name?: string; role?: Static<typeof Role> }, create: boolean) => {
    checkSameName('name', body.name, name);
    const { created, changed, view } = await tokens.upsertApi(name, body.role, create);
    if (changed) {
      await store.appendEvent({
        actor: actorOf(req),
        kind: created ? 'api-token.created' : 'api-token.updated',
        objectKind: 'api-token',
        objectName: name,
        data: { role: view.role as string },
      });
    }
    return { created, view };
  };
  const upsertAgent = async (req: FastifyRequest, name: string, body: { name?: string; agent?: string }, create: boolean) => {
    checkSameName('name', body.name, name);
    const { created, changed, view } = await tokens.upsertAgentToken(name, body.agent, create);
    if (changed)
      await store.appendEvent({
        actor: actorOf(req),
        kind: created ? 'agent-token.created' : 'agent-token.updated',
        objectKind: 'agent-token',
        objectName: name,
        data: { agent: view.agent },
      });
    return { created, view };
  };

  app.put(
    '/api-tokens/:name',
    {
      config,
      schema: {
        operationId: 'putApiToken',
        tags: ['tokens'],
        summary: 'Create an API token (201 with its secret, shown once) or set its role (idempotent; admin only)',
        params: NameParams,
        body: ApiTokenPut,
        response: { 200: ApiToken, 201: ApiTokenCreated, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { created, view } = await upsertApi(req, req.params.name, req.body, true);
      return reply.code(created ? 201 : 200).send(view);
    },
  );
  app.patch(
    '/api-tokens/:name',
    {
      config,
      schema: {
        operationId: 'patchApiToken',
        tags: ['tokens'],
        summary: 'Change the role of an API token (409 when it would leave no admin; admin only)',
        params: NameParams,
        body: ApiTokenPatch,
        response: { 200: ApiToken, 404: ErrorRef, 409: ErrorRef, ...errors },
      },
    },
    async (req) => (await upsertApi(req, req.params.name, req.body, false)).view,
  );
  app.put(
    '/agent-tokens/:name',
    {
      config,
      schema: {
        operationId: 'putAgentToken',
        tags: ['tokens'],
        summary: 'Create an agent token (201 with its secret, shown once) or rebind it to an agent (idempotent; admin only)',
        params: NameParams,
        body: AgentTokenPut,
        response: { 200: AgentToken, 201: AgentTokenCreated, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { created, view } = await upsertAgent(req, req.params.name, req.body, true);
      return reply.code(created ? 201 : 200).send(view);
    },
  );
  app.patch(
    '/agent-tokens/:name',
    {
      config,
      schema: {
        operationId: 'patchAgentToken',
        tags: ['tokens'],
        summary: 'Rebind an agent token to another agent (admin only)',
        params: NameParams,
        body: AgentTokenPatch,
        response: { 200: AgentToken, 404: ErrorRef, ...errors },
      },
    },
    async (req) => (await upsertAgent(req, req.params.name, req.body, false)).view,
  );

  app.delete(
    '/api-tokens/:name',
    {
      config,
      schema: {
        operationId: 'deleteApiToken',
        tags: ['tokens'],
        summary: 'Revoke an API token (409 for the last admin token; admin only)',
        params: NameParams,
        response: { 204: Type.Null({ description: 'Revoked' }), 404: ErrorRef, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      await tokens.deleteApi(name);
      await store.appendEvent({ actor: actorOf(req), kind: 'api-token.deleted', objectKind: 'api-token', objectName: name });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/agent-tokens',
    {
      config,
      schema: {
        operationId: 'listAgentTokens',
        tags: ['tokens'],
        summary: 'List agent tokens (never their secrets; admin only)',
        querystring: ListQuery,
        response: { 200: ListOf(AgentToken, 'AgentTokenList'), ...errors },
      },
    },
    async (req) => page(await tokens.listAgent(), (t) => t.name, req.query),
  );

  app.get(
    '/agent-tokens/:name',
    {
      config,
      schema: {
        operationId: 'getAgentToken',
        tags: ['tokens'],
        summary: 'Get one agent token (admin only)',
        params: NameParams,
        response: { 200: AgentToken, 404: ErrorRef, ...errors },
      },
    },
    async (req) => tokens.getAgent(req.params.name),
  );

  app.post(
    '/agent-tokens',
    {
      config,
      schema: {
        operationId: 'createAgentToken',
        tags: ['tokens'],
        summary: 'Issue a token an agent dials the control channel with; the secret is shown this once (admin only)',
        body: AgentTokenCreate,
        response: { 201: AgentTokenCreated, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name, agent } = req.body;
      const created = await tokens.createAgent(name, agent ?? name);
      await store.appendEvent({
        actor: actorOf(req),
        kind: 'agent-token.created',
        objectKind: 'agent-token',
        objectName: name,
        data: { agent: agent ?? name },
      });
      return reply
        .code(201)
        .header('location', `/v1/agent-tokens/${encodeURIComponent(name)}`)
        .send(created);
    },
  );

  app.delete(
    '/agent-tokens/:name',
    {
      config,
      schema: {
        operationId: 'deleteAgentToken',
        tags: ['tokens'],
        summary: 'Revoke an agent token (admin only)',
        params: NameParams,
        response: { 204: Type.Null({ description: 'Revoked' }), 404: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      await tokens.deleteAgentToken(name);
      await store.appendEvent({ actor: actorOf(req), kind: 'agent-token.deleted', objectKind: 'agent-token', objectName: name });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/service-tokens',
    {
      config,
      schema: {
        operationId: 'listServiceTokens',
        tags: ['tokens'],
        summary: 'List service tokens (never their secrets; admin only)',
        querystring: ListQuery,
        response: { 200: ListOf(ServiceToken, 'ServiceTokenList'), ...errors },
      },
    },
    async (req) => page(await tokens.listService(), (t) => t.name, req.query),
  );

  app.get(
    '/service-tokens/:name',
    {
      config,
      schema: {
        operationId: 'getServiceToken',
        tags: ['tokens'],
        summary: 'Get one service token (admin only)',
        params: NameParams,
        response: { 200: ServiceToken, 404: ErrorRef, ...errors },
      },
    },
    async (req) => tokens.getService(req.params.name),
  );

  app.post(
    '/service-tokens',
    {
      config,
      schema: {
        operationId: 'createServiceToken',
        tags: ['tokens'],
        summary:
          "Issue a token a service's backends push application feedback with (POST /v1/services/{service}/feedback, nothing else); the secret is shown this once (admin only)",
        body: ServiceTokenCreate,
        response: { 201: ServiceTokenCreated, 404: ErrorRef, 409: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name, service } = req.body;
      const created = await tokens.createService(name, service);
      await store.appendEvent({ actor: actorOf(req), kind: 'service-token.created', objectKind: 'service-token', objectName: name, data: { service } });
      return reply
        .code(201)
        .header('location', `/v1/service-tokens/${encodeURIComponent(name)}`)
        .send(created);
    },
  );

  app.delete(
    '/service-tokens/:name',
    {
      config,
      schema: {
        operationId: 'deleteServiceToken',
        tags: ['tokens'],
        summary: 'Revoke a service token (admin only)',
        params: NameParams,
        response: { 204: Type.Null({ description: 'Revoked' }), 404: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      await tokens.deleteServiceToken(name);
      await store.appendEvent({ actor: actorOf(req), kind: 'service-token.deleted', objectKind: 'service-token', objectName: name });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/agents/:id',
    {
      schema: {
        operationId: 'deleteAgent',
        tags: ['agents'],
        summary: 'Forget a registered agent, its tokens and its quota leases',
        params: Closed({ id: Name('Agent name') }),
        response: { 204: Type.Null({ description: 'Deleted' }), 404: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const before = await tokens.deleteAgent(id);
      await store.appendEvent({ actor: actorOf(req), kind: 'agent.deleted', objectKind: 'agent', objectName: id, beforeVersion: before });
      return reply.code(204).send(null);
    },
  );
}
