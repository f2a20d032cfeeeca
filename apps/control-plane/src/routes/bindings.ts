// Bindings as resources of their own, so a provisioning tool can manage one binding as one
// object: /v1/vservers/{name}/services/{service} (weight override) and
// /v1/services/{name}/monitors/{monitor} (weight toward the service's monitor threshold).
import { Type, type TInteger, type TObject, type TOptional, type TString } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Closed, ErrorRef, IfMatchHeaders, ListOf, ListQuery, Name } from '../schemas/common.js';
import { MonitorBindingResource, ServiceBindingResource } from '../schemas/config.js';
import { ApiErrors } from '../errors.js';
import type { ConfigState, ConfigStore } from '../services/config-store.js';
import { PLURAL, type Kind, type NService, type NVServer, type Obj } from '../services/normalize.js';
import type { Problem } from '../services/validate.js';
import { OBJECT_BODY_LIMIT, findObject, stripReadOnly, versionOf, withObject } from './objects.js';
import { actorOf, checkIfMatch, checkSameName, notFound, page, withETag } from './http.js';

interface BindingDef {
  bkind: 'vserver-service' | 'service-monitor';
  parent: Kind;
  child: Kind;
  /** Field of the parent holding the bindings, and the child's key in each binding. */
  list: 'services' | 'monitors';
  key: 'service' | 'monitor';
  title: string;
  schema: TObject;
}
const DEFS: BindingDef[] = [
  { bkind: 'vserver-service', parent: 'vserver', child: 'service', list: 'services', key: 'service', title: 'VserverService', schema: ServiceBindingResource },
  { bkind: 'service-monitor', parent: 'service', child: 'monitor', list: 'monitors', key: 'monitor', title: 'ServiceMonitor', schema: MonitorBindingResource },
];

type Binding = { weight?: number } & Record<string, unknown>;

export function bindingRoutes(scope: FastifyInstance, store: ConfigStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  for (const def of DEFS) {
    const { bkind, parent, child, list, key, title, schema } = def;
    const base = `/${PLURAL[parent]}/:name/${PLURAL[child]}`;
    const tags = [PLURAL[parent]];
    const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef };
    const params = Closed({ name: Name(`The ${parent}`) });
    // The child's path parameter is named after its kind (`:service`, `:monitor`).
    const itemParams: TObject<Record<string, TString>> = Closed({ name: Name(`The ${parent}`), [key]: Name(`The bound ${child}`) });
    const createBody: TObject<Record<string, TString | TOptional<TInteger>>> = Closed(
      { [key]: Name(`The ${child} to bind`), weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) },
      { title: `${title}Create`, examples: [{ [key]: key === 'service' ? 'web-1' : 'web-health', weight: 2 }] },
    );

    const bindingsOf = (state: ConfigState, p: string): Binding[] | undefined => findObject(state, parent, p)?.[list] as Binding[] | undefined;
    const viewOf = (state: ConfigState, p: string, b: Binding): Obj => {
      const m = state.meta.get(`${bkind}:${p}/${b[key] as string}`);
      return {
        [parent]: p,
        [key]: b[key],
        ...(b.weight === undefined ? {} : { weight: b.weight }),
        version: m?.version ?? 1,
        createdAt: m?.createdAt.toISOString(),
        updatedAt: m?.updatedAt.toISOString(),
      };
    };
    /** The document with the parent's binding list replaced. */
    const withBindings = (state: ConfigState, p: string, next: Binding[]) => {
      const obj = findObject(state, parent, p) as unknown as NService & NVServer;
      return withObject(state.doc, parent, { ...obj, [list]: [...next].sort((a, b) => ((a[key] as string) < (b[key] as string) ? -1 : 1)) });
    };
    const problemPath =
      (p: string) =>
      (pr: Problem): string => {
        if (pr.kind === parent && pr.name === p && pr.path.startsWith(`/${list}/`)) return `/${key}`;
        return `/${PLURAL[pr.kind]}/${pr.name}${pr.path}`;
      };
    const write = async (req: Parameters<typeof actorOf>[0], p: string, fn: (cur: ConfigState, bindings: Binding[]) => Binding[]) => {
      const res = await store.write({ actor: actorOf(req), problemPath: problemPath(p) }, (cur) => {
        const bindings = bindingsOf(cur, p);
        if (!bindings) throw notFound(parent, p);
        return withBindings(cur, p, fn(cur, bindings));
      });
      return res.state;
    };
    /** The parent's and the child's names from the path (`:name`, and `:service` or `:monitor`). */
    const names = (params: Record<string, string | undefined>): [string, string] => [params.name ?? '', params[key] ?? ''];
    const found = (state: ConfigState, p: string, c: string): Binding => {
      const b = bindingsOf(state, p)?.find((x) => x[key] === c);
      if (!b) throw ApiErrors.bindingNotFound(`${child} ${c} is not bound to ${parent} ${p}`);
      return b;
    };

    app.get(
      base,
      {
        schema: {
          operationId: `list${title}Bindings`,
          tags,
          summary: `List the ${child}s bound to a ${parent}`,
          params,
          querystring: ListQuery,
          response: { 200: ListOf(schema, `${title}BindingList`), 404: ErrorRef, ...errors },
        },
      },
      async (req) => {
        const { name } = req.params;
        const state = await store.snapshot();
        const bindings = bindingsOf(state, name);
        if (!bindings) throw notFound(parent, name);
        const p = page(bindings, (b) => b[key] as string, req.query);
        return { items: p.items.map((b) => viewOf(state, name, b)), nextCursor: p.nextCursor };
      },
    );

    app.get(
      `${base}/:${key}`,
      {
        schema: {
          operationId: `get${title}Binding`,
          tags,
          summary: `Get one ${parent}↔${child} binding (ETag: its version)`,
          params: itemParams,
          response: { 200: schema, 404: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const [name, c] = names(req.params);
        const state = await store.snapshot();
        if (!findObject(state, parent, name)) throw notFound(parent, name);
        const b = found(state, name, c);
        withETag(reply, versionOf(state, bkind, `${name}/${c}`) ?? 1);
        return viewOf(state, name, b);
      },
    );

    app.post(
      base,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `create${title}Binding`,
          tags,
          summary: `Bind a ${child} to a ${parent} (409 when already bound)`,
          params,
          body: createBody,
          response: { 201: schema, 404: ErrorRef, 409: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        const body = req.body;
        const c = String(body[key]);
        const state = await write(req, name, (_cur, bindings) => {
          if (bindings.some((b) => b[key] === c))
            throw ApiErrors.alreadyExists(`${child} ${c} is already bound to ${parent} ${name} (PUT replaces the binding)`, [
              { path: `/${key}`, message: 'already bound' },
            ]);
          return [...bindings, { [key]: c, ...(typeof body.weight === 'number' ? { weight: body.weight } : {}) }];
        });
        withETag(reply, versionOf(state, bkind, `${name}/${c}`) ?? 1)
          .header('location', `/v1/${PLURAL[parent]}/${encodeURIComponent(name)}/${PLURAL[child]}/${encodeURIComponent(c)}`)
          .code(201);
        return viewOf(state, name, found(state, name, c));
      },
    );

    app.put(
      `${base}/:${key}`,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `put${title}Binding`,
          tags,
          summary: `Create or replace a ${parent}↔${child} binding (idempotent; If-Match honoured)`,
          params: itemParams,
          headers: IfMatchHeaders,
          body: schema,
          response: { 200: schema, 201: schema, 404: ErrorRef, 412: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const [name, cname] = names(req.params);
        const body = stripReadOnly(req.body);
        const weight = typeof body.weight === 'number' ? body.weight : undefined;
        checkSameName(parent, body[parent], name);
        checkSameName(key, body[key], cname);
        let created = false;
        const state = await write(req, name, (cur, bindings) => {
          const existing = bindings.find((b) => b[key] === cname);
          checkIfMatch(req, existing ? versionOf(cur, bkind, `${name}/${cname}`) : null);
          created = !existing;
          return [...bindings.filter((b) => b[key] !== cname), { [key]: cname, ...(weight === undefined ? {} : { weight }) }];
        });
        withETag(reply, versionOf(state, bkind, `${name}/${cname}`) ?? 1).code(created ? 201 : 200);
        return viewOf(state, name, found(state, name, cname));
      },
    );

    app.patch(
      `${base}/:${key}`,
      {
        bodyLimit: OBJECT_BODY_LIMIT,
        schema: {
          operationId: `patch${title}Binding`,
          tags,
          summary: `Merge into a ${parent}↔${child} binding (weight null clears the override)`,
          params: itemParams,
          headers: IfMatchHeaders,
          body: schema,
          response: { 200: schema, 404: ErrorRef, 412: ErrorRef, 422: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const [name, cname] = names(req.params);
        const body = stripReadOnly(req.body);
        checkSameName(parent, body[parent], name);
        checkSameName(key, body[key], cname);
        const state = await write(req, name, (cur, bindings) => {
          const existing = found(cur, name, cname);
          checkIfMatch(req, versionOf(cur, bkind, `${name}/${cname}`));
          // Omitted: kept; null: the override cleared; a number: the new weight (the schema allows nothing else).
          const weight = body.weight === undefined ? existing.weight : typeof body.weight === 'number' ? body.weight : undefined;
          return [...bindings.filter((b) => b[key] !== cname), { [key]: cname, ...(weight === undefined ? {} : { weight }) }];
        });
        withETag(reply, versionOf(state, bkind, `${name}/${cname}`) ?? 1);
        return viewOf(state, name, found(state, name, cname));
      },
    );

    app.delete(
      `${base}/:${key}`,
      {
        schema: {
          operationId: `delete${title}Binding`,
          tags,
          summary: `Unbind a ${child} from a ${parent}`,
          params: itemParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null({ description: 'Unbound' }), 404: ErrorRef, 412: ErrorRef, ...errors },
        },
      },
      async (req, reply) => {
        const [name, cname] = names(req.params);
        await write(req, name, (cur, bindings) => {
          found(cur, name, cname);
          checkIfMatch(req, versionOf(cur, bkind, `${name}/${cname}`));
          return bindings.filter((b) => b[key] !== cname);
        });
        return reply.code(204).send(null);
      },
    );
  }
}
