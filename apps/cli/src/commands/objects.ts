// get <kind> [name] and delete <kind> <name>: the REST resources, one table per kind.
import { listAll, unwrap } from '../client.js';
import type { Ctx } from '../context.js';
import type { paths } from '../generated/openapi.js';
import { parseKind, type Kind } from '../kinds.js';
import { age, serialize, table, type Column } from '../output.js';

type Json<P extends keyof paths, M extends 'get'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type VServer = Json<'/v1/vservers/{name}', 'get'>;
type Service = Json<'/v1/services/{name}', 'get'>;
type Monitor = Json<'/v1/monitors/{name}', 'get'>;
/** An agent as listed (GET /v1/agents/{id} adds its quota by vserver, which no column shows). */
type Agent = Json<'/v1/agents', 'get'>['items'][number];
type ApiToken = Json<'/v1/api-tokens/{name}', 'get'>;
type AgentToken = Json<'/v1/agent-tokens/{name}', 'get'>;

const col = <T>(header: string, value: (r: T) => string | number | boolean | null | undefined): Column<T> => ({
  header,
  value: (r) => {
    const v = value(r);
    return v === undefined || v === null || v === '' ? '-' : String(v);
  },
});

export const VSERVER_COLUMNS: Array<Column<VServer>> = [
  col('name', (v) => v.name),
  col('protocol', (v) => v.protocol),
  col('listen', (v) => (v.listen ? `:${v.listen.port}` : 'backup only')),
  col('lb', (v) => v.lbMethod),
  col('spillover', (v) => (v.spillover?.methods ?? []).map((m) => m.type).join(`,`) || 'none'),
  col('backup', (v) => v.spillover?.backup),
  col('action', (v) => v.spillover?.action),
  col('services', (v) => (v.services ?? []).map((s) => s.service).join(',')),
];
export const SERVICE_COLUMNS: Array<Column<Service>> = [
  col('name', (s) => s.name),
  col('address', (s) => `${s.address}:${s.port}`),
  col('protocol', (s) => s.protocol),
  col('capacity', (s) => s.capacity),
  col('weight', (s) => s.weight),
  col('state', (s) => s.state),
  col('monitors', (s) => (s.monitors ?? []).map((m) => m.monitor).join(',')),
];
export const MONITOR_COLUMNS: Array<Column<Monitor>> = [
  col('name', (m) => m.name),
  col('type', (m) => m.type),
  col('interval', (m) => `${m.intervalMs}ms`),
  col('timeout', (m) => `${m.timeoutMs}ms`),
  col('fall/rise', (m) => `${m.fall}/${m.rise}`),
  col('probe', (m) => (m.http ? `${m.http.method ?? 'GET'} ${m.http.path ?? '/'}` : '')),
];
export const AGENT_COLUMNS: Array<Column<Agent>> = [
  col('name', (a) => a.id),
  col('connected', (a) => (a.connected ? 'yes' : 'no')),
  col('applied', (a) => a.appliedVersion),
  col('desired', (a) => a.desiredVersion),
  col('in sync', (a) => (a.inSync ? 'yes' : 'no')),
  col('workers', (a) => a.workers),
  col('heartbeat', (a) => age(a.lastHeartbeatAt)),
  col('last nack', (a) => (a.lastNack ? `${a.lastNack.version}: ${a.lastNack.code}` : '')),
];
const API_TOKEN_COLUMNS: Array<Column<ApiToken>> = [
  col('name', (t) => t.name),
  col('role', (t) => t.role),
  col('created', (t) => t.createdAt),
  col('last used', (t) => age(t.lastUsedAt)),
];
const AGENT_TOKEN_COLUMNS: Array<Column<AgentToken>> = [
  col('name', (t) => t.name),
  col('agent', (t) => t.agent),
  col('created', (t) => t.createdAt),
  col('last used', (t) => age(t.lastUsedAt)),
];

/** Prints rows as a table or the value as JSON/YAML (a list as an array, one object as itself). */
export function print<T>(ctx: Ctx, value: T | T[], columns: Array<Column<T>>): void {
  if (ctx.format === 'table') ctx.out(table(Array.isArray(value) ? value : [value], columns));
  else ctx.out(serialize(value, ctx.format));
}

const page = (cursor: string | undefined) => ({ params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } });

export async function getCommand(ctx: Ctx, kindName: string, name: string | undefined): Promise<number> {
  const kind = parseKind(kindName);
  const {
    api,
    settings: { url },
  } = ctx;
  const one = async <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => (await unwrap(url, call)).data;
  switch (kind) {
    case 'vserver':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/vservers', page(c)))
          : await one(api.GET('/v1/vservers/{name}', { params: { path: { name } } })),
        VSERVER_COLUMNS,
      );
      break;
    case 'service':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/services', page(c)))
          : await one(api.GET('/v1/services/{name}', { params: { path: { name } } })),
        SERVICE_COLUMNS,
      );
      break;
    case 'monitor':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/monitors', page(c)))
          : await one(api.GET('/v1/monitors/{name}', { params: { path: { name } } })),
        MONITOR_COLUMNS,
      );
      break;
    case 'agent':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/agents', page(c)))
          : await one(api.GET('/v1/agents/{id}', { params: { path: { id: name } } })),
        AGENT_COLUMNS,
      );
      break;
    case 'api-token':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/api-tokens', page(c)))
          : await one(api.GET('/v1/api-tokens/{name}', { params: { path: { name } } })),
        API_TOKEN_COLUMNS,
      );
      break;
    case 'agent-token':
      print(
        ctx,
        name === undefined
          ? await listAll(url, (c) => api.GET('/v1/agent-tokens', page(c)))
          : await one(api.GET('/v1/agent-tokens/{name}', { params: { path: { name } } })),
        AGENT_TOKEN_COLUMNS,
      );
      break;
  }
  return 0;
}

export async function deleteObject(ctx: Ctx, kind: Kind, name: string): Promise<void> {
  const {
    api,
    settings: { url },
  } = ctx;
  const path = { params: { path: { name } } };
  switch (kind) {
    case 'vserver':
      await unwrap(url, api.DELETE('/v1/vservers/{name}', path));
      break;
    case 'service':
      await unwrap(url, api.DELETE('/v1/services/{name}', path));
      break;
    case 'monitor':
      await unwrap(url, api.DELETE('/v1/monitors/{name}', path));
      break;
    case 'agent':
      await unwrap(url, api.DELETE('/v1/agents/{id}', { params: { path: { id: name } } }));
      break;
    case 'api-token':
      await unwrap(url, api.DELETE('/v1/api-tokens/{name}', path));
      break;
    case 'agent-token':
      await unwrap(url, api.DELETE('/v1/agent-tokens/{name}', path));
      break;
  }
}

export async function deleteCommand(ctx: Ctx, kindName: string, name: string): Promise<number> {
  const kind = parseKind(kindName);
  await deleteObject(ctx, kind, name);
  if (ctx.format === 'table') ctx.out(`${kind} ${name} deleted\n`);
  else ctx.out(serialize({ deleted: { kind, name } }, ctx.format));
  return 0;
}
