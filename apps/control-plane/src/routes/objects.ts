// CRUD of the three configuration kinds (services, monitors, vservers), each addressed by name:
// list, get, POST (create), PUT (idempotent create-or-replace), PATCH (merge, null clears),
// DELETE (refused while referenced). Every write goes through the config store.
import { Type, type TObject } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Closed, ErrorRef, IfMatchHeaders, ListOf, ListQuery, NameParams } from '../schemas/common.js';
import { Monitor, MonitorPatch, Service, ServicePatch, Site, SitePatch, VServer, VServerPatch } from '../schemas/config.js';
import { ApiErrors } from '../errors.js';
import { metaKey, type ConfigState, type ConfigStore } from '../services/config-store.js';
import { PLURAL, listOf, mergePatch, normalizers, type Kind, type NDocument, type NService, type Obj } from '../services/normalize.js';
import { withoutSecrets } from '@spillway/protocol';
import { finder, sorted } from '../services/plan.js';
import type { Problem } from '../services/validate.js';
import { referrers } from '../services/validate.js';
import { actorOf, checkIfMatch, checkSameName, notFound, page, withETag } from './http.js';

interface KindDef {
  kind: Kind;
  title: string;
  schema: TObject;
  patch: TObject;
  bindings: 'monitors' | 'services' | null;
}
const DEFS: KindDef[] = [
  { kind: 'service', title: 'Service', schema: Service, patch: ServicePatch, bindings: 'monitors' },
  { kind: 'monitor', title: 'Monitor', schema: Monitor, patch: MonitorPatch, bindings: null },
  { kind: 'vserver', title: 'VServer', schema: VServer, patch: VServerPatch, bindings: 'services' },
  { kind: 'site', title: 'Site', schema: Site, patch: SitePatch, bindings: null },
];
const READ_ONLY = ['version', 'createdAt', 'updatedAt'];
export const OBJECT_BODY_LIMIT = 1024 * 1024;

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** `doc` with `obj` (of `kind`) inserted or replaced: in its place by binary search in a document sorted by name (a copy of the list, no sort). */
export function withObject(doc: NDocument, kind: Kind, obj: { name: string }): NDocument {
  const all = listOf(doc, kind) as ReadonlyArray<{ name: string }>;
  if (sorted(doc)) {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.name < obj.name) lo = mid + 1;
      else hi = mid;
    }
    const next = all.slice();
    next.splice(lo, all[lo]?.name === obj.name ? 1 : 0, obj);
    return { ...doc, [PLURAL[kind]]: next };
  }
  const list = all.filter((o) => o.name !== obj.name);
  return { ...doc, [PLURAL[kind]]: [...list, obj].sort(byName) };
}

export function withoutObject(doc: NDocument, kind: Kind, name: string): NDocument {
  const rest = (listOf(doc, kind) as ReadonlyArray<{ name: string }>).filter((o) => o.name !== name);
  // No sites left: no section (as a document without sites normalizes).
  if (kind === 'site' && rest.length === 0) {
    const { sites: _gone, ...others } = doc;
    return others;
  }
  return { ...doc, [PLURAL[kind]]: rest };
}

export function findObject(state: ConfigState, kind: Kind, name: string): Obj | undefined {
  return finder(state.doc, kind, true)(name);
}

/** An object as the API shows it: the normalized form plus its read-only facts. */
export function view(state: ConfigState, kind: Kind, obj: Obj): Obj {
  const m = state.meta.get(metaKey(kind, obj.name as string));
  // A service's migration secret is write-only (@spillway/protocol write-only.ts).
  if (kind === 'service') obj = withoutSecrets(obj as unknown as NService);
  return { ...obj, version: m?.version ?? 1, createdAt: m?.createdAt.toISOString(), updatedAt: m?.updatedAt.toISOString() };
}

export function versionOf(state: ConfigState, kind: Kind | 'vserver-service' | 'service-monitor', name: string): number | null {
  return state.meta.get(metaKey(kind, name))?.version ?? null;
}

/** Paths of semantic problems for a write of one object: relative to its body when they are its own. */
export const problemPathFor =
  (kind: Kind, name: string) =>
  (p: Problem): string =>
    p.kind === kind && p.name === name ? p.path : `/${PLURAL[p.kind]}/${p.name}${p.path}`;

/** A body without the read-only fields a GET returned (they never take part in a write). */
export const stripReadOnly = (body: Obj): Obj => Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY.includes(k)));

export function objectRoutes(scope: FastifyInstance, store: ConfigStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  for (const def of DEFS) {
    const { kind, title, schema, patch } = def;
    const plural = PLURAL[kind];
    const tags = [plural];
    const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef };
    const putBody = Closed(
      { ...schema.properties, name: Type.Optional(schema.properties.name as TObject) },
      { title: `${title}Put`, description: `The whole ${kind}: omitted optional fields return to their defaults`, examples: schema.examples as unknown[] },
    );
    const normalize = normalizers[kind] as unknown as (x: unknown) => Obj & { name: string };
    const keepBindings = (body: Obj, current: Obj | undefined): Obj =>
      def.bindings && body[def.bindings] === undefined && current ? { ...body, [def.bindings]: current[def.bindings] } : body;
    /**
     * PUT and PATCH: writes the object `name` that `build` makes from the current one (or throws),
     * after If-Match against the current version; answers with its ETag (201 and Location when it
     * was created) and the object as the API shows it.
     */
    const writeObject = async (req: FastifyRequest, reply: FastifyReply, name: string, build: (existing: Obj | undefined) => Obj): Promise<Obj> => {
      let created = false;
      const res = await store.write({ actor: actorOf(req), problemPath: problemPathFor(kind, name) }, (cur) => {
        const existing = findObject(cur, kind, name);
        const next = build(existing);
        checkIfMatch(req, existing ? versionOf(cur, kind, name) : null);
        created = !existing;
        return withObject(cur.doc, kind, normalize({ ...next, name }));
      });
      withETag(reply, versionOf(res.state, kind, name) ?? 1).code(created ? 201 : 200);
      if (created) reply.header('location', `/v1/${plural}/${encodeURIComponent(name)}`);
      return view(res.state, kind, findObject(res.state, kind, name) as Obj);
    };

    app.get(
      `/${plural}`,
      {
        schema: {
          operationId: `list${title}s`,
          tags,
          summary: `List ${plural} (sorted by name)`,
          querystring: ListQuery,
          response: { 200: ListOf(schema, `${title}List`), ...errors },
        },
      },
      async (req) => {
        const state = await store.snapshot();
        const p = page(listOf(state.doc, kind) as unknown as Obj[], (o) => o.name as string, req.query);
        return { items: p.items.map((o) => view(state, kind, o)), nextCursor: p.nextCursor };
      },
    );

    app.get(
      `/${plural}/:name`,
      {
        schema: {
          operationId: `get${title}`,
          tags,
          summary: `Get one ${kind} (ETag: its version)`,
          params: NameParams,
          response: { 200: schema, 404: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        const state = await store.snapshot();
        const obj = findObject(state, kind, name);
        if (!obj) throw notFound(kind, name);
        withETag(reply, versionOf(state, kind, name) ?? 1);
        return view(state, kind, obj);
      },
    );

    app.post(
      `/${plural}`,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `create${title}`,
          tags,
          summary: `Create a ${kind} (409 when the name is taken)`,
          body: schema,
          response: { 201: schema, 409: ErrorRef, 413: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const body = stripReadOnly(req.body);
        const name = body.name as string;
        const res = await store.write({ actor: actorOf(req), problemPath: problemPathFor(kind, name) }, (cur) => {
          if (findObject(cur, kind, name))
            throw ApiErrors.alreadyExists(`a ${kind} named ${name} already exists (PUT replaces it)`, [{ path: '/name', message: 'taken' }]);
          return withObject(cur.doc, kind, normalize(body));
        });
        withETag(reply, versionOf(res.state, kind, name) ?? 1)
          .header('location', `/v1/${plural}/${encodeURIComponent(name)}`)
          .code(201);
        return view(res.state, kind, findObject(res.state, kind, name) as Obj);
      },
    );

    app.put(
      `/${plural}/:name`,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `put${title}`,
          tags,
          summary: `Create or replace a ${kind} (idempotent; If-Match honoured)`,
          description: def.bindings
            ? `Omitted optional fields return to their defaults. An omitted \`${def.bindings}\` list keeps the bindings (manage them as their own resources); a given list replaces them.`
            : 'Omitted optional fields return to their defaults.',
          params: NameParams,
          headers: IfMatchHeaders,
          body: putBody,
          response: { 200: schema, 201: schema, 412: ErrorRef, 413: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        const body = stripReadOnly(req.body);
        checkSameName('name', body.name, name);
        return writeObject(req, reply, name, (existing) => keepBindings(body, existing));
      },
    );

    app.patch(
      `/${plural}/:name`,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `patch${title}`,
          tags,
          summary: `Merge fields into a ${kind} (null resets a field to its default)`,
          params: NameParams,
          headers: IfMatchHeaders,
          body: patch,
          response: { 200: schema, 404: ErrorRef, 412: ErrorRef, 413: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        const body = stripReadOnly(req.body);
        checkSameName('name', body.name, name);
        return writeObject(req, reply, name, (existing) => {
          if (!existing) throw notFound(kind, name);
          return mergePatch(existing, body);
        });
      },
    );

    app.delete(
      `/${plural}/:name`,
      {
        schema: {
          operationId: `delete${title}`,
          tags,
          summary: `Delete a ${kind} (409 naming the referrers while anything references it)`,
          params: NameParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null({ description: 'Deleted' }), 404: ErrorRef, 409: ErrorRef, 412: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        await store.write({ actor: actorOf(req) }, (cur) => {
          if (!findObject(cur, kind, name)) throw notFound(kind, name);
          checkIfMatch(req, versionOf(cur, kind, name));
          const refs = referrers(cur.doc, kind, name);
          if (refs.length > 0) {
            throw ApiErrors.referenced(
              `${kind} ${name} is still referenced by ${refs.map((r) => `${r.kind} ${r.name}`).join(', ')}`,
              refs.map((r) => ({ path: r.path, message: `${r.kind} ${r.name} references ${name}` })),
            );
          }
          return withoutObject(cur.doc, kind, name);
        });
        return reply.code(204).send(null);
      },
    );
  }
}
