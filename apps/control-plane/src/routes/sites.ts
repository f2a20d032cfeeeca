// The site-peering endpoint (docs/SITES.md): what the sites of this control plane have available,
// for the control planes of other sites to poll (their `sites` entry for one of ours has a `peer`
// URL pointing here). Authenticated like every /v1 route: a bearer API token (a reader token is enough).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AgentHub } from '../agent-hub/hub.js';
import { Closed, ErrorRef } from '../schemas/common.js';

export const SelfAvailability = Closed(
  {
    sites: Type.Record(
      Type.String(),
      Closed({
        vservers: Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
          description: 'Per vserver with siteBalancing: the weight sum of its services of this site UP by quorum (0 while no agent of the site is connected)',
        }),
        agents: Type.Array(Type.String(), {
          description: "Addresses of the site's connected agents: a vserver's listener is reached there on its listen port",
        }),
      }),
      { description: 'The sites whose agents are connected to this control plane (the sites of the document without a peer)' },
    ),
  },
  {
    title: 'SiteAvailability',
    examples: [{ sites: { 'site-a': { vservers: { web: 10 }, agents: ['10.0.1.5'] } } }],
  },
);

export function siteRoutes(scope: FastifyInstance, hub: AgentHub): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/sites/self/availability',
    {
      schema: {
        operationId: 'getSiteAvailability',
        tags: ['sites'],
        summary: "What this control plane's sites have available, for site peers (docs/SITES.md)",
        response: { 200: SelfAvailability, 401: ErrorRef, 403: ErrorRef },
      },
    },
    async () => hub.sites.self(),
  );
}
