// Fastify side of the hub: `GET /v1/agents/connect` (WebSocket, agent token as bearer),
// `GET /v1/agents`, `GET /v1/agents/:id`, `GET /v1/vservers/:name/status`, `GET /metrics`. The
// hub itself is decorated as `agentHub`. With a `directory` (the Agent table), agents this
// process has not seen (connected to another replica, or known from before a restart) are listed
// from it. The routes live in their own context; with `requireAuth` (the control plane passes
// plugins/auth.ts's) each needs an API token but the control channel, which opts out
// (`auth: false`) and checks agent tokens itself.
import type {} from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type {} from '../plugins/auth.js';
import { AgentHub, type AgentHubOptions, type AgentRecord } from './hub.js';
import { renderMetrics } from './metrics.js';
import { vserverStatus } from './status.js';

export interface AgentHubPluginOptions extends Omit<AgentHubOptions, 'log'> {
  /** Resolves an agent token to the agent name it was issued for; null when unknown/revoked. */
  authenticate(token: string): Promise<string | null> | string | null;
  /** A hub built elsewhere (tests, replicas); otherwise one is created with these options. */
  hub?: AgentHub;
  /** Agents as stored (the Agent table): listed when this process holds no session of theirs. */
  directory?: () => Promise<StoredAgent[]>;
  /** Called on the context of the hub's routes first: makes them need an API token (plugins/auth.ts). */
  requireAuth?: (scope: FastifyInstance) => void;
  /**
   * Counts a failed agent-token handshake of a client address and returns the seconds it must
   * wait when past the limit, else 0 (plugins/auth.ts's FailureLimiter, shared with the API).
   */
  failures?: { fail(key: string): number };
}

export interface StoredAgent {
  name: string;
  workers: number;
  connected: boolean;
  appliedVersion: string | null;
  lastHeartbeatAt: Date | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    agentHub: AgentHub;
  }
}

const ErrorShape = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
});
const AgentView = Type.Object({
  id: Type.String(),
  connected: Type.Boolean(),
  workers: Type.Integer(),
  appliedVersion: Type.Union([Type.String(), Type.Null()]),
  desiredVersion: Type.Union([Type.String(), Type.Null()]),
  inSync: Type.Boolean(),
  lastNack: Type.Union([Type.Object({ version: Type.String(), code: Type.String(), message: Type.String(), at: Type.String() }), Type.Null()]),
  connectedAt: Type.Union([Type.String(), Type.Null()]),
  lastHeartbeatAt: Type.String(),
  leaseExpiresAt: Type.Union([Type.String(), Type.Null()]),
  quota: Type.Record(Type.String(), Type.Object({ exclusive: Type.Integer(), borrowed: Type.Integer() })),
  activeConnections: Type.Record(Type.String(), Type.Integer()),
});

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1] ?? null;
}

function sendError(reply: FastifyReply, statusCode: number, code: string, error: string, message: string): FastifyReply {
  return reply.code(statusCode).send({ statusCode, code, error, message, details: [] });
}

async function agentHubPlugin(app: FastifyInstance, opts: AgentHubPluginOptions): Promise<void> {
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });
  const hub = opts.hub ?? new AgentHub({ ...opts, log: app.log });
  app.decorate('agentHub', hub);
  app.addHook('onClose', async () => {
    hub.close();
  });
  await app.register(async (routes) => {
    opts.requireAuth?.(routes);
    hubRoutes(routes, hub, opts);
  });
}

function hubRoutes(app: FastifyInstance, hub: AgentHub, opts: AgentHubPluginOptions): void {
  const view = (r: AgentRecord): typeof AgentView.static => {
    const desired = hub.snapshots.version;
    const quota: Record<string, { exclusive: number; borrowed: number }> = {};
    for (const vs of hub.snapshots.get()?.config.vservers ?? []) {
      const q = hub.quotaView(vs.name as string)?.byAgent[r.name];
      if (q) quota[vs.name as string] = q;
    }
    return {
      id: r.name,
      connected: r.connected,
      workers: r.workers,
      appliedVersion: r.appliedVersion,
      desiredVersion: desired,
      inSync: desired !== null && r.appliedVersion === desired,
      lastNack: r.lastNack ? { version: r.lastNack.version, code: r.lastNack.code, message: r.lastNack.message, at: r.lastNack.at } : null,
      connectedAt: r.connectedAt === null ? null : new Date(r.connectedAt).toISOString(),
      lastHeartbeatAt: new Date(r.lastSeenAt).toISOString(),
      leaseExpiresAt: r.leaseExpiresAt === null ? null : new Date(r.leaseExpiresAt).toISOString(),
      quota,
      activeConnections: Object.fromEntries(Object.entries(r.report?.vservers ?? {}).map(([k, v]) => [k, v.cxActive])),
    };
  };

  app.get(
    '/v1/agents/connect',
    {
      websocket: true,
      // No API token: the agent's own token is checked below.
      config: { auth: false },
      schema: { tags: ['agents'], summary: 'Control channel of an agent (WebSocket upgrade, agent token as bearer)', hide: true },
      preValidation: async (req, reply) => {
        const token = bearer(req);
        const agent = token ? await opts.authenticate(token) : null;
        if (!agent) {
          // A valid token is served whatever the address did; failures past the limit get 429.
          const wait = opts.failures?.fail(req.ip) ?? 0;
          if (wait > 0)
            return sendError(
              reply.header('retry-after', String(wait)),
              429,
              'SPILLWAY_AUTH_RATE_LIMITED',
              'Too Many Requests',
              `too many failed authentications from this address; retry in ${wait} s`,
            );
          return sendError(reply, 401, 'SPILLWAY_HUB_UNAUTHENTICATED', 'Unauthorized', 'a valid agent token is required (Authorization: Bearer <token>)');
        }
        Object.assign(req, { agentName: agent, agentToken: token });
      },
    },
    (socket, req) => {
      const { agentName = '', agentToken = '' } = req as FastifyRequest & { agentName?: string; agentToken?: string };
      // The session re-checks its token when tokens change (a revoked token cuts it).
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- @fastify/websocket hands the socket of its own copy of ws's types; it is a ws WebSocket
      hub.attach(socket, agentName, async () => (await opts.authenticate(agentToken)) === agentName);
    },
  );

  const stored = (r: StoredAgent): typeof AgentView.static => {
    const desired = hub.snapshots.version;
    return {
      id: r.name,
      connected: r.connected,
      workers: r.workers,
      appliedVersion: r.appliedVersion,
      desiredVersion: desired,
      inSync: desired !== null && r.appliedVersion === desired,
      lastNack: null,
      connectedAt: null,
      lastHeartbeatAt: (r.lastHeartbeatAt ?? new Date(0)).toISOString(),
      leaseExpiresAt: null,
      quota: {},
      activeConnections: {},
    };
  };
  /** Local records first (this process holds their sessions), then the directory's others. */
  const everyone = async (): Promise<Array<typeof AgentView.static>> => {
    const local = hub.agents();
    const names = new Set(local.map((r) => r.name));
    const others = opts.directory ? (await opts.directory()).filter((r) => !names.has(r.name)) : [];
    return [...local.map(view), ...others.map(stored)].sort((a, b) => a.id.localeCompare(b.id));
  };

  app.get(
    '/v1/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Registered agents with their applied config version, lease and quota',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), cursor: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(AgentView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const { limit = 100, cursor } = req.query as { limit?: number; cursor?: string };
      const all = (await everyone()).filter((a) => cursor === undefined || a.id > cursor);
      const page = all.slice(0, limit);
      return { items: page, nextCursor: all.length > limit ? (page[page.length - 1]?.id ?? null) : null };
    },
  );

  app.get(
    '/v1/agents/:id',
    {
      schema: { tags: ['agents'], summary: 'One agent', params: Type.Object({ id: Type.String() }), response: { 200: AgentView, 404: ErrorShape } },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const r = hub.agent(id);
      if (r) return view(r);
      const s = opts.directory ? (await opts.directory()).find((x) => x.name === id) : undefined;
      if (!s) return sendError(reply, 404, 'SPILLWAY_AGENT_NOT_FOUND', 'Not Found', `no agent named ${id}`);
      return stored(s);
    },
  );

  app.get(
    '/v1/vservers/:name/status',
    {
      schema: {
        tags: ['vservers'],
        summary: 'Live status of a vserver across agents',
        params: Type.Object({ name: Type.String() }),
        response: { 404: ErrorShape },
      },
    },
    async (req, reply) => {
      const { name } = req.params as { name: string };
      const s = vserverStatus(hub, name);
      if (!s) return sendError(reply, 404, 'SPILLWAY_VSERVER_NOT_FOUND', 'Not Found', `no vserver named ${name}`);
      return s;
    },
  );

  app.get('/metrics', { schema: { tags: ['status'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(hub));
  });
}

export default fp(agentHubPlugin, { name: 'spillway-agent-hub', fastify: '5.x' });
