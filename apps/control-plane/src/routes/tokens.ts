// /v1/api-tokens and /v1/agent-tokens (admin only; the secret is shown once, at creation) and
// DELETE /v1/agents/{id} (GET /v1/agents belongs to the agent hub).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Closed, ErrorRef, ListOf, ListQuery, Name, NameParams, type ListQueryValue } from '../schemas/common.js';
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
} from '../schemas/tokens.js';
import type { ConfigStore } from '../services/config-store.js';
import type { Role, TokenStore } from '../services/token-store.js';
import { actorOf, checkSameName, page } from './http.js';

export function tokenRoutes(app: FastifyInstance, store: ConfigStore, tokens: TokenStore): void {
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
    async (req) => page(await tokens.listApi(), (t) => t.name as string, req.query as ListQueryValue),
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
    async (req) => tokens.getApi((req.params as { name: string }).name),
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
      const { name, role } = req.body as { name: string; role: Role };
      const created = await tokens.createApi(name, role);
      await store.appendEvent({ actor: actorOf(req), kind: 'api-token.created', objectKind: 'api-token', objectName: name, data: { role } });
      return reply
        .code(201)
        .header('location', `/v1/api-tokens/${encodeURIComponent(name)}`)
        .send(created);
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api-tokens/:name',
      config,
      schema:
        method === 'PUT'
          ? {
              operationId: 'putApiToken',
              tags: ['tokens'],
              summary: 'Create an API token (201 with its secret, shown once) or set its role (idempotent; admin only)',
              params: NameParams,
              body: ApiTokenPut,
              response: { 200: ApiToken, 201: ApiTokenCreated, 409: ErrorRef, ...errors },
            }
          : {
              operationId: 'patchApiToken',
              tags: ['tokens'],
              summary: 'Change the role of an API token (409 when it would leave no admin; admin only)',
              params: NameParams,
              body: ApiTokenPatch,
              response: { 200: ApiToken, 404: ErrorRef, 409: ErrorRef, ...errors },
            },
      handler: async (req, reply) => {
        const { name } = req.params as { name: string };
        const body = req.body as { name?: string; role?: Role };
        checkSameName('name', body.name, name);
        const { created, changed, view } = await tokens.upsertApi(name, body.role, method === 'PUT');
        if (changed) {
          await store.appendEvent({
            actor: actorOf(req),
            kind: created ? 'api-token.created' : 'api-token.updated',
            objectKind: 'api-token',
            objectName: name,
            data: { role: view.role as string },
          });
        }
        return reply.code(created ? 201 : 200).send(view);
      },
    });
    app.route({
      method,
      url: '/agent-tokens/:name',
      config,
      schema:
        method === 'PUT'
          ? {
              operationId: 'putAgentToken',
              tags: ['tokens'],
              summary: 'Create an agent token (201 with its secret, shown once) or rebind it to an agent (idempotent; admin only)',
              params: NameParams,
              body: AgentTokenPut,
              response: { 200: AgentToken, 201: AgentTokenCreated, 409: ErrorRef, ...errors },
            }
          : {
              operationId: 'patchAgentToken',
              tags: ['tokens'],
              summary: 'Rebind an agent token to another agent (admin only)',
              params: NameParams,
              body: AgentTokenPatch,
              response: { 200: AgentToken, 404: ErrorRef, ...errors },
            },
      handler: async (req, reply) => {
        const { name } = req.params as { name: string };
        const body = req.body as { name?: string; agent?: string };
        checkSameName('name', body.name, name);
        const { created, changed, view } = await tokens.upsertAgentToken(name, body.agent, method === 'PUT');
        if (changed)
          await store.appendEvent({
            actor: actorOf(req),
            kind: created ? 'agent-token.created' : 'agent-token.updated',
            objectKind: 'agent-token',
            objectName: name,
            data: { agent: view.agent as string },
          });
        return reply.code(created ? 201 : 200).send(view);
      },
    });
  }

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
      const { name } = req.params as { name: string };
      await tokens.deleteApi(name);
      await store.appendEvent({ actor: actorOf(req), kind: 'api-token.deleted', objectKind: 'api-token', objectName: name });
      return reply.code(204).send();
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
    async (req) => page(await tokens.listAgent(), (t) => t.name as string, req.query as ListQueryValue),
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
    async (req) => tokens.getAgent((req.params as { name: string }).name),
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
      const { name, agent } = req.body as { name: string; agent?: string };
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
      const { name } = req.params as { name: string };
      await tokens.deleteAgentToken(name);
      await store.appendEvent({ actor: actorOf(req), kind: 'agent-token.deleted', objectKind: 'agent-token', objectName: name });
      return reply.code(204).send();
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
      const { id } = req.params as { id: string };
      const before = await tokens.deleteAgent(id);
      await store.appendEvent({ actor: actorOf(req), kind: 'agent.deleted', objectKind: 'agent', objectName: id, beforeVersion: before });
      return reply.code(204).send();
    },
  );
}
