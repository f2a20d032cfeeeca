// Fastify side of the hub: `GET /v1/agents/connect` (WebSocket, agent token as bearer),
// `GET /metrics`, and the read routes of routes/agents.ts (`GET /v1/agents`, `GET /v1/agents/:id`,
// `GET /v1/vservers/:name/status`). The hub itself is decorated as `agentHub`. With a `directory`
// (the Agent table), agents this process has not seen (connected to another replica, or known from
// before a restart) are listed from it. The routes live in their own context; with `requireAuth`
// (the control plane passes plugins/auth.ts's) each needs an API token but the control channel,
// which opts out (`auth: false`) and checks agent tokens itself; its errors are SPILLWAY_HUB_.
import type {} from '@fastify/swagger';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type {} from '../plugins/auth.js';
import { HubErrors } from '../errors.js';
import { agentRoutes, type StoredAgent } from '../routes/agents.js';
import { connectionRoutes } from '../routes/connections.js';
import { siteRoutes } from '../routes/sites.js';
import { AgentHub, type AgentHubOptions } from './hub.js';
import { renderMetrics } from './metrics.js';

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

declare module 'fastify' {
  interface FastifyInstance {
    agentHub: AgentHub;
  }
  interface FastifyRequest {
    /** Set by the control channel's handshake: the agent its token names, and the token. */
    agentChannel?: { agent: string; token: string };
  }
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1] ?? null;
}

async function agentHubPlugin(app: FastifyInstance, opts: AgentHubPluginOptions): Promise<void> {
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });
  const hub = opts.hub ?? new AgentHub({ ...opts, log: app.log });
  app.decorate('agentHub', hub);
  if (!app.hasRequestDecorator('agentChannel')) app.decorateRequest('agentChannel', undefined);
  app.addHook('onClose', async () => {
    hub.close();
  });
  await app.register(async (routes) => {
    opts.requireAuth?.(routes);
    hubRoutes(routes, hub, opts);
  });
}

function hubRoutes(app: FastifyInstance, hub: AgentHub, opts: AgentHubPluginOptions): void {
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
          if (wait > 0) {
            reply.header('retry-after', String(wait));
            throw HubErrors.authRateLimited(`too many failed authentications from this address; retry in ${wait} s`);
          }
          throw HubErrors.unauthenticated('a valid agent token is required (Authorization: Bearer <token>)');
        }
        req.agentChannel = { agent, token: token ?? '' };
      },
    },
    (socket, req) => {
      const { agent: agentName = '', token: agentToken = '' } = req.agentChannel ?? {};
      // The session re-checks its token when tokens change (a revoked token cuts it).
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- @fastify/websocket hands the socket of its own copy of ws's types; it is a ws WebSocket
      hub.attach(socket, agentName, async () => (await opts.authenticate(agentToken)) === agentName, req.socket);
    },
  );

  agentRoutes(app, { hub, directory: opts.directory });
  connectionRoutes(app, hub);
  siteRoutes(app, hub);

  app.get('/metrics', { schema: { tags: ['status'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(hub));
  });
}

export type { StoredAgent };

export default fp(agentHubPlugin, { name: 'spillway-agent-hub', fastify: '5.x' });
