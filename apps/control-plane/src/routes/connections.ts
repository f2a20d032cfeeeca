// GET /v1/services/{name}/connections (issue 15 item 4): the long-lived connections of a service
// (at least a second old) as the agents last reported them over the control channel (each report
// carries its agent's oldest ones), with the service's maintenance counts across agents. Cursor
// pages keyed by agent and connection id, like every list.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AgentHub } from '../agent-hub/hub.js';
import { objectNotFound } from '../errors.js';
import { Closed, ErrorRef, ErrorResponse, ListQuery, Nullable, NameParams } from '../schemas/common.js';
import { MaintenanceStatus } from '../schemas/status.js';
import { page } from './http.js';

const Count = Type.Integer({ minimum: 0 });

export const ServiceConnection = Closed(
  {
    agent: Type.String({ description: 'The agent holding the client connection' }),
    id: Type.String({ description: "The agent's connection id (TLV 0xE0 of the PROXY v2 header the service receives)" }),
    vserver: Type.String(),
    client: Type.String({ description: 'Client address:port' }),
    ageSeconds: Type.Number({ minimum: 0 }),
    rxBytes: Type.Integer({ minimum: 0, description: 'Bytes from the client' }),
    txBytes: Type.Integer({ minimum: 0, description: 'Bytes to the client' }),
    state: Type.Union([Type.Literal('active'), Type.Literal('draining'), Type.Literal('migrating'), Type.Literal('migrated')]),
  },
  { title: 'ServiceConnection' },
);

export const ServiceConnections = Closed(
  {
    service: Type.String(),
    total: Count,
    maintenance: Nullable(MaintenanceStatus, { description: 'Counts across agents once an agent reported any (maintenance, migrations)' }),
    items: Type.Array(ServiceConnection),
    nextCursor: Nullable(Type.String({ description: 'Cursor of the next page; null on the last page' })),
  },
  { title: 'ServiceConnectionList' },
);

export function connectionRoutes(scope: FastifyInstance, hub: AgentHub): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  if (!scope.getSchemas().Error) scope.addSchema(ErrorResponse);
  app.get(
    '/v1/services/:name/connections',
    {
      schema: {
        operationId: 'listServiceConnections',
        tags: ['services'],
        summary: "A service's long-lived connections across agents (agent, client, age, bytes, state) and its maintenance counts",
        params: NameParams,
        querystring: ListQuery,
        response: { 200: ServiceConnections, 400: ErrorRef, 401: ErrorRef, 404: ErrorRef },
      },
    },
    async (req) => {
      const { name } = req.params;
      if (!hub.snapshots.get()?.config.services.some((s) => s.name === name)) throw objectNotFound('service', name);
      const rows = hub.maintenance
        .connections(name)
        .map((c) => ({
          agent: c.agent,
          id: c.id,
          vserver: c.vserver,
          client: c.client,
          ageSeconds: Math.round(c.ageMs / 100) / 10,
          rxBytes: c.rxBytes,
          txBytes: c.txBytes,
          state: c.state,
        }))
        .sort((a, b) => (`${a.agent}/${a.id}` < `${b.agent}/${b.id}` ? -1 : 1));
      const p = page(rows, (c) => `${c.agent}/${c.id}`, req.query);
      return { service: name, total: rows.length, maintenance: hub.maintenance.status(name), ...p };
    },
  );
}
