// status [--watch], agents and describe vserver: the live state, from GET /v1/vservers/{name}/status
// and GET /v1/agents, in words.
import { listAll, unwrap } from '../client.js';
import type { Ctx } from '../context.js';
import { CliError } from '../errors.js';
import type { paths } from '../generated/openapi.js';
import { serialize, table, type Column } from '../output.js';
import { sleep } from './config.js';
import { AGENT_COLUMNS, print } from './objects.js';

type VServer = paths['/v1/vservers/{name}']['get']['responses'][200]['content']['application/json'];

/**
 * The status document (API-SHAPE.md "Status"). The route declares no 200 schema in
 * openapi.json yet, so its type is written here; fields the server adds pass through to -o json.
 */
export interface VServerStatus {
  name: string;
  state: 'UP' | 'DOWN';
  spilling: boolean;
  threshold: { method: string | null; value: number | null; derivation: Array<{ service: string; capacity: number; state: 'UP' | 'DOWN'; counted: boolean }> };
  activeConnections: { total: number; byAgent: Record<string, number> };
  healthPercent: number;
  bandwidthKbps: { in: number; out: number };
  spillovers: number;
  quota: { limit: number; shared: number; byAgent: Record<string, { exclusive: number; borrowed: number }> } | null;
  services: Array<{
    name: string;
    state: 'UP' | 'DOWN';
    activeConnections: number;
    agentsUp?: number;
    agentsMonitoring?: number;
    monitors?: Array<{ monitor: string; state: string; responseMs: number | null }>;
  }>;
}

export async function vserverStatus(ctx: Ctx, name: string): Promise<VServerStatus> {
  const { data } = await unwrap(ctx.settings.url, ctx.api.GET('/v1/vservers/{name}/status', { params: { path: { name } } }));
  return data;
}

const limitText = (s: VServerStatus): string => (s.threshold.value === null ? 'none' : String(s.threshold.value));

const STATUS_COLUMNS: Array<Column<VServerStatus>> = [
  { header: 'name', value: (s) => s.name },
  { header: 'state', value: (s) => s.state },
  { header: 'spilling', value: (s) => (s.spilling ? 'yes' : 'no') },
  { header: 'active', value: (s) => String(s.activeConnections.total) },
  { header: 'limit', value: limitText },
  { header: 'spillovers', value: (s) => String(s.spillovers) },
  { header: 'health', value: (s) => `${s.healthPercent}%` },
  { header: 'in kbit/s', value: (s) => String(s.bandwidthKbps.in) },
  { header: 'out kbit/s', value: (s) => String(s.bandwidthKbps.out) },
];

async function snapshot(ctx: Ctx): Promise<{ vservers: VServerStatus[]; agents: { connected: number; inSync: number; total: number } }> {
  const url = ctx.settings.url;
  const names = (
    await listAll(url, (cursor) => ctx.api.GET('/v1/vservers', { params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } }))
  ).map((v) => v.name);
  const [vservers, agents] = await Promise.all([
    Promise.all(names.map((n) => vserverStatus(ctx, n))),
    listAll(url, (cursor) => ctx.api.GET('/v1/agents', { params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } })),
  ]);
  return {
    vservers,
    agents: { total: agents.length, connected: agents.filter((a) => a.connected).length, inSync: agents.filter((a) => a.connected && a.inSync).length },
  };
}

function renderStatus(ctx: Ctx, s: Awaited<ReturnType<typeof snapshot>>): string {
  const rows = s.vservers.map((v) => ({
    ...v,
    name: v.spilling ? ctx.style.red(v.name) : v.name,
    state: v.state === 'UP' ? ctx.style.green('UP') : ctx.style.red('DOWN'),
  }));
  const head = s.vservers.length === 0 ? 'No vservers.\n' : table(rows, STATUS_COLUMNS);
  return `${head}\nAgents: ${s.agents.connected} connected, ${s.agents.inSync} in sync${s.agents.total > s.agents.connected ? `, ${s.agents.total - s.agents.connected} disconnected` : ''}\n`;
}

export async function statusCommand(ctx: Ctx, opts: { watch?: boolean; interval?: number }): Promise<number> {
  const intervalMs = Math.max(0.1, opts.interval ?? 2) * 1000;
  const clear = ctx.io.stdout.isTTY === true && ctx.format === 'table';
  do {
    const s = await snapshot(ctx);
    if (ctx.format === 'table')
      ctx.out(
        `${clear && opts.watch ? '\x1b[H\x1b[2J' : ''}${opts.watch ? ctx.style.dim(`${new Date().toISOString()}  ${ctx.settings.url}\n`) : ''}${renderStatus(ctx, s)}${opts.watch && !clear ? '\n' : ''}`,
      );
    else ctx.out(opts.watch && ctx.format === 'json' ? `${JSON.stringify(s)}\n` : serialize(s, ctx.format) + (opts.watch ? '---\n' : ''));
    if (opts.watch) await sleep(intervalMs, ctx.signal);
  } while (opts.watch && !ctx.signal.aborted);
  return 0;
}

export async function agentsCommand(ctx: Ctx): Promise<number> {
  const agents = await listAll(ctx.settings.url, (cursor) =>
    ctx.api.GET('/v1/agents', { params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } }),
  );
  if (ctx.format === 'table' && agents.length === 0) {
    ctx.out('No agents.\n');
    return 0;
  }
  print(ctx, agents, AGENT_COLUMNS);
  return 0;
}

const METHOD_WORDS: Record<string, string> = {
  dynamicconnection: 'dynamicconnection: the sum of the capacity of its services that are UP',
  connection: 'connection: a static threshold',
};

function methodText(m: NonNullable<NonNullable<VServer['spillover']>['methods']>[number]): string {
  switch (m.type) {
    case 'connection':
      return `connection (threshold ${m.threshold ?? 0})`;
    case 'dynamicconnection':
      return 'dynamicconnection (sum of the capacity of UP services)';
    case 'bandwidth':
      return `bandwidth (${m.thresholdKbps ?? 0} kbit/s, ${m.direction ?? 'both'})`;
    case 'health':
      return `health (below ${m.thresholdPercent ?? 0}% of the enabled weight UP)`;
  }
}

/** The backup chain from `start`, with each vserver's config and status (stops at a repeat). */
async function chainOf(ctx: Ctx, start: VServer): Promise<Array<{ vs: VServer; status: VServerStatus }>> {
  const out: Array<{ vs: VServer; status: VServerStatus }> = [{ vs: start, status: await vserverStatus(ctx, start.name) }];
  const seen = new Set([start.name]);
  let next = start.spillover?.backup ?? null;
  while (next && !seen.has(next) && out.length < 16) {
    seen.add(next);
    const { data: vs } = await unwrap(ctx.settings.url, ctx.api.GET('/v1/vservers/{name}', { params: { path: { name: next } } }));
    out.push({ vs, status: await vserverStatus(ctx, next) });
    next = vs.spillover?.backup ?? null;
  }
  return out;
}

function spillingWords(chain: Array<{ vs: VServer; status: VServerStatus }>): string {
  const first = chain[0]!;
  const room = (s: VServerStatus): string => (s.threshold.value === null ? 'no connection limit' : `${s.activeConnections.total} of ${s.threshold.value}`);
  if (!first.status.spilling) {
    return first.status.threshold.value === null
      ? `no: ${first.vs.name} has no connection limit`
      : `no: ${first.vs.name} has room for ${Math.max(0, first.status.threshold.value - first.status.activeConnections.total)} more (${room(first.status)})`;
  }
  const parts = [`yes: ${first.vs.name} reached its limit (${room(first.status)})`];
  const taker = chain.slice(1).find((c) => !c.status.spilling);
  if (taker) parts.push(`new connections go to ${taker.vs.name} (${room(taker.status)})`);
  else if (chain.length > 1)
    parts.push(
      `the whole chain is full (${chain
        .slice(1)
        .map((c) => `${c.vs.name} ${room(c.status)}`)
        .join(', ')}): new connections get the action ${chain.at(-1)!.vs.spillover?.action ?? 'accept'}`,
    );
  else parts.push(`no backup: new connections get the action ${first.vs.spillover?.action ?? 'accept'}`);
  return parts.join('; ');
}

export async function describeCommand(ctx: Ctx, kind: string, name: string): Promise<number> {
  if (!['vserver', 'vservers', 'vs'].includes(kind)) throw new CliError('SPILLWAY_CLI_USAGE', `describe knows vserver, not ${JSON.stringify(kind)}`);
  const { data: vs } = await unwrap(ctx.settings.url, ctx.api.GET('/v1/vservers/{name}', { params: { path: { name } } }));
  const chain = await chainOf(ctx, vs);
  const s = chain[0]!.status;
  if (ctx.format !== 'table') {
    ctx.out(
      serialize(
        {
          vserver: vs,
          status: s,
          chain: chain.map((c) => ({
            name: c.vs.name,
            spilling: c.status.spilling,
            active: c.status.activeConnections.total,
            limit: c.status.threshold.value,
          })),
        },
        ctx.format,
      ),
    );
    return 0;
  }
  const st = ctx.style;
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${st.bold(`${label}:`.padEnd(12))} ${value}`);
  };
  row('Name', `${vs.name} (${vs.protocol}, ${vs.listen ? `listens on :${vs.listen.port}` : 'reachable only as a backup'}, ${vs.lbMethod ?? 'roundrobin'})`);
  row('State', s.state === 'UP' ? st.green('UP') : st.red('DOWN: no bound service is UP'));
  const how = s.threshold.method === null ? 'no connection-based spillover method' : (METHOD_WORDS[s.threshold.method] ?? s.threshold.method);
  row('Limit', s.threshold.value === null ? `none (${how})` : `${s.threshold.value} connections, from ${how}`);
  for (const d of s.threshold.derivation) {
    lines.push(
      `${' '.repeat(13)}${d.service.padEnd(16)} capacity ${String(d.capacity).padEnd(6)} ${d.state === 'UP' ? st.green('UP  ') : st.red('DOWN')}  ${d.counted ? 'counted' : st.dim('not counted')}`,
    );
  }
  const methods = vs.spillover?.methods ?? [];
  row('Spillover', methods.length === 0 ? 'never (no method)' : methods.map(methodText).join(vs.spillover?.combine === 'all' ? ' and ' : ' or '));
  row('Chain', `${chain.map((c) => c.vs.name).join(' → ')} → ${chain.at(-1)!.vs.spillover?.action ?? 'accept'}`);
  const byAgent = Object.entries(s.activeConnections.byAgent)
    .map(([a, n]) => `${a} ${n}`)
    .join(', ');
  row('Active', `${s.activeConnections.total} connections${byAgent ? ` (${byAgent})` : ''}`);
  row('Spilling', s.spilling ? st.red(spillingWords(chain)) : spillingWords(chain));
  row('Spillovers', `${s.spillovers} connections spilled to the backup chain`);
  row('Health', `${s.healthPercent}% of the enabled weight is UP`);
  row('Bandwidth', `in ${s.bandwidthKbps.in} kbit/s, out ${s.bandwidthKbps.out} kbit/s`);
  if (s.quota) {
    const agents = Object.entries(s.quota.byAgent)
      .map(([a, q]) => `${a}: exclusive ${q.exclusive}, borrowed ${q.borrowed}`)
      .join('; ');
    row('Quota', `limit ${s.quota.limit}, shared pool ${s.quota.shared} free${agents ? `; ${agents}` : ''}`);
  }
  lines.push(st.bold('Services:'));
  if (s.services.length === 0) lines.push('  none bound');
  else {
    lines.push(
      table(s.services, [
        { header: '  name', value: (x) => `  ${x.name}` },
        { header: 'state', value: (x) => (x.state === 'UP' ? st.green('UP') : st.red('DOWN')) },
        { header: 'active', value: (x) => String(x.activeConnections) },
        { header: 'agents up', value: (x) => (x.agentsMonitoring === undefined ? '-' : `${x.agentsUp ?? 0}/${x.agentsMonitoring}`) },
        {
          header: 'monitors',
          value: (x) => (x.monitors ?? []).map((m) => `${m.monitor} ${m.state}${m.responseMs === null ? '' : ` ${m.responseMs}ms`}`).join(', ') || '-',
        },
      ]).trimEnd(),
    );
  }
  ctx.out(`${lines.join('\n')}\n`);
  return 0;
}
