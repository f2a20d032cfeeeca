// token create|list|revoke: API tokens (role admin or reader) and, with --agent, agent tokens;
// with --service, service tokens (a service's backends push feedback with one: nothing else).
// A new token's secret is printed once, as the API shows it once.
import { listAll, unwrap } from '../client.js';
import type { Ctx } from '../context.js';
import { CliError } from '../errors.js';
import { age, serialize, table } from '../output.js';
import { deleteObject } from './objects.js';

export async function tokenCreate(ctx: Ctx, name: string, opts: { role?: string; agent?: string | boolean; service?: string }): Promise<number> {
  const url = ctx.settings.url;
  let created: { name: string; token: string; role?: string; agent?: string; service?: string };
  if (opts.service !== undefined) {
    if (opts.role !== undefined || (opts.agent !== undefined && opts.agent !== false))
      throw new CliError('SPILLWAY_CLI_USAGE', '--service makes a service token: no --role, no --agent');
    created = (await unwrap(url, ctx.api.POST('/v1/service-tokens', { body: { name, service: opts.service } }))).data;
  } else if (opts.agent !== undefined && opts.agent !== false) {
    if (opts.role !== undefined) throw new CliError('SPILLWAY_CLI_USAGE', '--role is for API tokens; an agent token has no role');
    const agent = typeof opts.agent === 'string' ? opts.agent : name;
    created = (await unwrap(url, ctx.api.POST('/v1/agent-tokens', { body: { name, agent } }))).data;
  } else {
    const role = opts.role ?? 'reader';
    if (role !== 'admin' && role !== 'reader') throw new CliError('SPILLWAY_CLI_USAGE', `--role must be admin or reader, not ${JSON.stringify(role)}`);
    created = (await unwrap(url, ctx.api.POST('/v1/api-tokens', { body: { name, role } }))).data;
  }
  if (ctx.format !== 'table') ctx.out(serialize(created, ctx.format));
  else {
    ctx.out(
      `${created.service !== undefined ? `service token ${name} for service ${created.service}` : created.agent !== undefined ? `agent token ${name} for agent ${created.agent}` : `API token ${name} (${created.role})`} created; its secret is shown this once:\n${created.token}\n`,
    );
  }
  return 0;
}

export async function tokenList(ctx: Ctx): Promise<number> {
  const url = ctx.settings.url;
  const page = (cursor: string | undefined) => ({ params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } });
  const [api, agent] = await Promise.all([
    listAll(url, (c) => ctx.api.GET('/v1/api-tokens', page(c))),
    listAll(url, (c) => ctx.api.GET('/v1/agent-tokens', page(c))),
  ]);
  const rows = [
    ...api.map((t) => ({ kind: 'api', name: t.name, role: t.role, agent: '-', createdAt: t.createdAt ?? '-', lastUsedAt: t.lastUsedAt ?? null })),
    ...agent.map((t) => ({ kind: 'agent', name: t.name, role: '-', agent: t.agent, createdAt: t.createdAt ?? '-', lastUsedAt: t.lastUsedAt ?? null })),
  ];
  if (ctx.format !== 'table') {
    ctx.out(serialize({ apiTokens: api, agentTokens: agent }, ctx.format));
    return 0;
  }
  ctx.out(
    table(rows, [
      { header: 'kind', value: (r) => r.kind },
      { header: 'name', value: (r) => r.name },
      { header: 'role', value: (r) => r.role },
      { header: 'agent', value: (r) => r.agent },
      { header: 'created', value: (r) => r.createdAt },
      { header: 'last used', value: (r) => age(r.lastUsedAt) },
    ]),
  );
  return 0;
}

export async function tokenRevoke(ctx: Ctx, name: string, opts: { agent?: boolean; service?: boolean }): Promise<number> {
  if (opts.service === true) {
    await unwrap(ctx.settings.url, ctx.api.DELETE('/v1/service-tokens/{name}', { params: { path: { name } } }));
    if (ctx.format === 'table') ctx.out(`service token ${name} revoked\n`);
    else ctx.out(serialize({ revoked: { kind: 'service-token', name } }, ctx.format));
    return 0;
  }
  await deleteObject(ctx, opts.agent === true ? 'agent-token' : 'api-token', name);
  if (ctx.format === 'table') ctx.out(`${opts.agent === true ? 'agent' : 'API'} token ${name} revoked\n`);
  else ctx.out(serialize({ revoked: { kind: opts.agent === true ? 'agent-token' : 'api-token', name } }, ctx.format));
  return 0;
}
