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

  /**
   * What every agent view says (the schema's fields, in its order), built field by field: an
   * object spread followed by more properties takes V8's slow path (~5 µs each, most of a list's
   * CPU with 50 agents).
   */
  const summaryOf = (
    r: { name: string; connected: boolean; workers: number; appliedVersion: string | null },
    lastNack: AgentSummaryValue['lastNack'],
    connectedAt: string | null,
    lastHeartbeatAt: string,
    leaseExpiresAt: string | null,
    activeConnections: Record<string, number>,
  ): AgentSummaryValue => {
    const desired = hub.snapshots.version;
    return {
      id: r.name,
      connected: r.connected,
      workers: r.workers,
      appliedVersion: r.appliedVersion,
      desiredVersion: desired,
      inSync: desired !== null && r.appliedVersion === desired,
      lastNack,
      connectedAt,
      lastHeartbeatAt,
      leaseExpiresAt,
      activeConnections,
    };
  };
  const summary = (r: AgentRecord): AgentSummaryValue =>
    summaryOf(
      r,
      r.lastNack ? { version: r.lastNack.version, code: r.lastNack.code, message: r.lastNack.message, at: r.lastNack.at } : null,
      r.connectedAt === null ? null : new Date(r.connectedAt).toISOString(),
      new Date(r.lastSeenAt).toISOString(),
      r.leaseExpiresAt === null ? null : new Date(r.leaseExpiresAt).toISOString(),
      Object.fromEntries(Object.entries(r.report?.vservers ?? {}).map(([k, v]) => [k, v.cxActive])),
    );
  /** One agent in full: its quota by vserver in one pass over the pools (not in list items: a page of 50 agents was ~2 MB at 1,000 vservers). */
  const view = (r: AgentRecord): AgentViewValue => Object.assign(summary(r), { quota: hub.quotaOf(r.name) });
  /** An agent only the directory knows (another replica holds it, or nobody does). */
  const stored = (r: StoredAgent): AgentSummaryValue => summaryOf(r, null, null, (r.lastHeartbeatAt ?? new Date(0)).toISOString(), null, {});

  // The list's items as JSON, each made again only when what it is made of changed (compared by
  // identity: the hub replaces a record's report and NACK objects, never mutates them), so a
  // request with nothing new joins strings instead of building and serializing 50 objects.
  const items = new Map<string, { inputs: readonly unknown[]; json: string }>();
  const itemJson = (key: string, inputs: readonly unknown[], make: () => AgentSummaryValue): string => {
    const had = items.get(key);
    if (had?.inputs.length === inputs.length && had.inputs.every((x, i) => x === inputs[i])) return had.json;
    const json = JSON.stringify(make());
    items.set(key, { inputs, json });
    return json;
  };
  /** Local records first (this process holds their sessions), then the directory's others; sorted by name. */
  const everyone = async (): Promise<Array<{ id: string; json: string }>> => {
    const desired = hub.snapshots.version;
    const local = hub.agents();
    const names = new Set(local.map((r) => r.name));
    const others = directory ? (await directory()).filter((r) => !names.has(r.name)) : [];
    const out = [
      ...local.map((r) => ({
        id: r.name,
        json: itemJson(
          `local:${r.name}`,
          [desired, r.connected, r.workers, r.appliedVersion, r.lastNack, r.connectedAt, r.lastSeenAt, r.leaseExpiresAt, r.report],
          () => summary(r),
        ),
      })),
      ...others.map((r) => ({
        id: r.name,
        json: itemJson(`stored:${r.name}`, [desired, r.connected, r.workers, r.appliedVersion, r.lastHeartbeatAt?.getTime()], () => stored(r)),
      })),
    ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Agents gone since (deleted, or moved to another replica): their items go too.
    if (items.size > out.length) {
      const keep = new Set([...local.map((r) => `local:${r.name}`), ...others.map((r) => `stored:${r.name}`)]);
      for (const k of items.keys()) if (!keep.has(k)) items.delete(k);
    }
    return out;
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
    async (req, reply) => {
      const p = page(await everyone(), (a) => a.id, req.query);
      // The items are JSON already (the schema's fields: see summaryOf); sent as they are.
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"items":[${p.items.map((i) => i.json).join(',')}],"nextCursor":${JSON.stringify(p.nextCursor)}}`);
    },
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
      return Object.assign(stored(s), { quota: {} });
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
