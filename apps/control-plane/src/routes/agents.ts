// What the agent hub knows, read through the API: GET /v1/agents (cursor pages like every list),
// GET /v1/agents/{id} and GET /v1/vservers/{name}/status. The hub's plugin registers these in its
// context (agent-hub/plugin.ts), where requireAuth (plugins/auth.ts) makes each need an API token;
// DELETE /v1/agents/{id} is a write of the token store (routes/tokens.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AgentHub, AgentRecord } from '../agent-hub/hub.js';
import { vserverStatus } from '../agent-hub/status.js';
import { objectNotFound } from '../errors.js';
import { ErrorRef, ErrorResponse, ListOf, ListQuery, NameParams } from '../schemas/common.js';
import { AgentParams, AgentSummary, AgentView, VServerStatus, type AgentSummaryValue, type AgentViewValue } from '../schemas/status.js';
import { page } from './http.js';

export interface StoredAgent {
  name: string;
  workers: number;
  connected: boolean;
  appliedVersion: string | null;
  lastHeartbeatAt: Date | null;
}

export interface AgentRouteOptions {
  hub: AgentHub;
  /** Agents as stored (the Agent table): listed when this process holds no session of theirs. */
  directory?: (() => Promise<StoredAgent[]>) | undefined;
}

export function agentRoutes(scope: FastifyInstance, { hub, directory }: AgentRouteOptions): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  // A hub on its own (tests, benchmarks) has no API context that registered the error shape.
  if (!scope.getSchemas().Error) scope.addSchema(ErrorResponse);
  const errors = { 400: ErrorRef, 401: ErrorRef };

  /** What every agent view starts with: who it is and how its config version compares with the one served. */
  const identity = (r: { name: string; connected: boolean; workers: number; appliedVersion: string | null }) => {
    const desired = hub.snapshots.version;
    return {
      id: r.name,
      connected: r.connected,
      workers: r.workers,
      appliedVersion: r.appliedVersion,
      desiredVersion: desired,
      inSync: desired !== null && r.appliedVersion === desired,
    };
  };
  const summary = (r: AgentRecord): AgentSummaryValue => ({
    ...identity(r),
    lastNack: r.lastNack ? { version: r.lastNack.version, code: r.lastNack.code, message: r.lastNack.message, at: r.lastNack.at } : null,
    connectedAt: r.connectedAt === null ? null : new Date(r.connectedAt).toISOString(),
    lastHeartbeatAt: new Date(r.lastSeenAt).toISOString(),
    leaseExpiresAt: r.leaseExpiresAt === null ? null : new Date(r.leaseExpiresAt).toISOString(),
    activeConnections: Object.fromEntries(Object.entries(r.report?.vservers ?? {}).map(([k, v]) => [k, v.cxActive])),
  });
  /** One agent in full: its quota by vserver in one pass over the pools (not in list items: a page of 50 agents was ~2 MB at 1,000 vservers). */
  const view = (r: AgentRecord): AgentViewValue => ({ ...summary(r), quota: hub.quotaOf(r.name) });
  /** An agent only the directory knows (another replica holds it, or nobody does). */
  const stored = (r: StoredAgent): AgentSummaryValue => ({
    ...identity(r),
    lastNack: null,
    connectedAt: null,
    lastHeartbeatAt: (r.lastHeartbeatAt ?? new Date(0)).toISOString(),
    leaseExpiresAt: null,
    activeConnections: {},
  });
  /** Local records first (this process holds their sessions), then the directory's others. */
  const everyone = async (): Promise<AgentSummaryValue[]> => {
    const local = hub.agents();
    const names = new Set(local.map((r) => r.name));
    const others = directory ? (await directory()).filter((r) => !names.has(r.name)) : [];
    return [...local.map(summary), ...others.map(stored)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };

  app.get(
    '/v1/agents',
    {
      schema: {
        operationId: 'listAgents',
        tags: ['agents'],
        summary: 'Registered agents with their applied config version and lease (sorted by name; the quota by vserver is on GET /v1/agents/{id})',
        querystring: ListQuery,
        response: { 200: ListOf(AgentSummary, 'AgentList'), ...errors },
      },
    },
    async (req) => page(await everyone(), (a) => a.id, req.query),
  );

  app.get(
    '/v1/agents/:id',
    {
      schema: {
        operationId: 'getAgent',
        tags: ['agents'],
        summary: 'One agent, with its quota by vserver',
        params: AgentParams,
        response: { 200: AgentView, 404: ErrorRef, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params;
      const r = hub.agent(id);
      if (r) return view(r);
      const s = directory ? (await directory()).find((x) => x.name === id) : undefined;
      if (!s) throw objectNotFound('agent', id);
      return { ...stored(s), quota: {} };
    },
  );

  app.get(
    '/v1/vservers/:name/status',
    {
      schema: {
        operationId: 'getVServerStatus',
        tags: ['vservers'],
        summary: 'Live status of a vserver across agents: limit and its derivation, connections, spilling, surge queue, quota, services and their monitors',
        params: NameParams,
        response: { 200: VServerStatus, 404: ErrorRef, ...errors },
      },
    },
    async (req) => {
      const s = vserverStatus(hub, req.params.name);
      if (!s) throw objectNotFound('vserver', req.params.name);
      return s;
    },
  );
}
