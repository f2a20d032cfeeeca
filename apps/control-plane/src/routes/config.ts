// The declarative document: GET /v1/config exports everything; PUT /v1/config applies a desired
// state in one transaction (prune=true also deletes what it does not name; dryRun=true only
// plans). Applying the same document twice gives an empty plan the second time.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { documentWithoutSecrets } from '@spillway/protocol';
import { ErrorRef, IfMatchHeaders } from '../schemas/common.js';
import { ApplyQuery, ApplyResult, ConfigDocument } from '../schemas/config.js';
import type { ConfigStore } from '../services/config-store.js';
import { PLURAL, normalizeDocument, type Obj } from '../services/normalize.js';
import { effectiveDocument } from '../services/plan.js';
import type { Problem } from '../services/validate.js';
import { actorOf, checkIfMatch, withETag } from './http.js';

/** Large enough for 1,000 vservers and 10,000 services with their bindings. */
export const CONFIG_BODY_LIMIT = 32 * 1024 * 1024;

export function configRoutes(scope: FastifyInstance, store: ConfigStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef };

  app.get(
    '/config',
    {
      schema: {
        operationId: 'exportConfig',
        tags: ['config'],
        summary: 'Export the whole configuration as one declarative document (ETag: the global version)',
        description: 'Every default spelled out, objects sorted by name: the document PUT /v1/config accepts unchanged with an empty plan.',
        response: { 200: ConfigDocument, ...errors },
      },
    },
    async (_req, reply) => {
      const state = await store.snapshot();
      withETag(reply, state.version);
      // Write-only fields (a service's migration secret) are not exported; a PUT of this document keeps them.
      return { version: state.version, ...documentWithoutSecrets(state.doc) };
    },
  );

  app.put(
    '/config',
    {
      bodyLimit: CONFIG_BODY_LIMIT,
      schema: {
        operationId: 'applyConfig',
        tags: ['config'],
        summary: 'Apply a desired configuration in one transaction (dryRun: plan only; prune: delete what is not named)',
        description:
          'Invalid documents change nothing (422 with paths into the document, for the schema and for semantics alike; 400 for a body that is not JSON). If-Match compares with the global version.',
        querystring: ApplyQuery,
        headers: IfMatchHeaders,
        body: ConfigDocument,
        response: { 200: ApplyResult, 412: ErrorRef, 413: ErrorRef, 422: ErrorRef, ...errors },
      },
    },
    async (req, reply) => {
      const { dryRun = false, prune = false } = req.query;
      const body: Obj = req.body;
      const desired = normalizeDocument(body);
      // Where each object is in the body, for the paths of problems: made only when there are some.
      let index: Map<string, number> | null = null;
      const indexOf = (): Map<string, number> => {
        const made = new Map<string, number>();
        for (const plural of Object.values(PLURAL)) {
          ((body[plural] as Obj[] | undefined) ?? []).forEach((o, i) => {
            if (!made.has(`${plural}/${String(o.name)}`)) made.set(`${plural}/${String(o.name)}`, i);
          });
        }
        return made;
      };
      const problemPath = (p: Problem): string => {
        index ??= indexOf();
        const i = index.get(`${PLURAL[p.kind]}/${p.name}`);
        return `/${PLURAL[p.kind]}/${i ?? p.name}${p.path}`;
      };
      const res = await store.write({ actor: actorOf(req), dryRun, problemPath }, (cur) => {
        checkIfMatch(req, cur.version);
        return effectiveDocument(cur.doc, desired, prune);
      });
      withETag(reply, res.version);
      return { dryRun, applied: res.applied, version: res.version, plan: res.plan };
    },
  );
}
