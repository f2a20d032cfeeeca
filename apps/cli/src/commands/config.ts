// plan, apply and export: the declarative document against GET/PUT /v1/config. A plan is the
// server's dry run (its version is the one it planned against); apply sends If-Match with that
// version, so a concurrent change makes it refuse with nothing applied.
import { listAll, unwrap } from '../client.js';
import type { Ctx } from '../context.js';
import { CliError } from '../errors.js';
import type { paths } from '../generated/openapi.js';
import { confirm, readDocument } from '../io.js';
import { serialize } from '../output.js';
import { renderPlan, summaryLine, type Plan } from '../plan-view.js';

type Agent = paths['/v1/agents']['get']['responses'][200]['content']['application/json']['items'][number];

export interface PlanOptions {
  file: string;
  prune?: boolean;
}

/** Exit code of `plan`: 0 no changes, 2 changes with --detailed-exitcode (errors are 1). */
export async function planCommand(ctx: Ctx, opts: PlanOptions & { detailedExitcode?: boolean }): Promise<number> {
  const doc = await readDocument(opts.file, ctx.io.stdin);
  const planned = await dryRun(ctx, doc, opts.prune === true);
  if (ctx.format !== 'table') ctx.out(serialize(planned, ctx.format));
  else printPlan(ctx, planned.plan, planned.version, doc);
  return planned.plan.changes.length > 0 && opts.detailedExitcode === true ? 2 : 0;
}

export async function applyCommand(ctx: Ctx, opts: PlanOptions & { yes?: boolean; wait?: boolean; timeout?: number }): Promise<number> {
  const doc = await readDocument(opts.file, ctx.io.stdin);
  const prune = opts.prune === true;
  const planned = await dryRun(ctx, doc, prune);
  const human = ctx.format === 'table';
  if (human) printPlan(ctx, planned.plan, planned.version, doc);
  if (planned.plan.changes.length === 0) {
    if (ctx.format !== 'table') ctx.out(serialize({ ...planned, agents: [] }, ctx.format));
    return 0;
  }
  if (opts.yes !== true) {
    if (ctx.io.stdin.isTTY !== true || ctx.io.stdout.isTTY !== true) {
      throw new CliError('SPILLWAY_CLI_CONFIRMATION_REQUIRED', 'not a terminal: nothing applied; pass --yes to apply without confirmation');
    }
    const ok = await confirm(`Apply these changes to version ${planned.version}? Only 'yes' is accepted: `, ctx.io.stdin, ctx.io.stdout);
    if (!ok) {
      ctx.err('Apply cancelled: nothing applied.\n');
      return 1;
    }
  }
  const { data: result } = await unwrap(
    ctx.settings.url,
    ctx.api.PUT('/v1/config', {
      params: { query: { prune }, header: { 'if-match': `"${planned.version}"` } },
      body: doc,
    }),
  ).catch((err: unknown) => {
    if (err instanceof CliError && err.status === 412) {
      const now = /current version is "(\d+)"/.exec(err.details.map((d) => d.message).join(' '))?.[1];
      throw new CliError(
        err.code,
        `the configuration changed since the plan (planned against version ${planned.version}${now === undefined ? '' : `, now ${now}`}): nothing was applied; run spillway plan again`,
        err.details,
        err.status,
      );
    }
    throw err;
  });
  if (human) ctx.out(`${ctx.style.green(`Applied configuration version ${result.version}`)}: ${summaryLine(result.plan)}.\n`);
  const agents = opts.wait === false ? [] : await waitForAgents(ctx, result.version, opts.timeout ?? 60);
  if (ctx.format !== 'table') ctx.out(serialize({ ...result, agents: agents.map((a) => ({ id: a.id, appliedVersion: a.appliedVersion })) }, ctx.format));
  return 0;
}

export async function exportCommand(ctx: Ctx, opts: { format?: string }): Promise<number> {
  const format = opts.format ?? (ctx.explicitFormat && ctx.format !== 'table' ? ctx.format : 'yaml');
  if (format !== 'yaml' && format !== 'json') throw new CliError('SPILLWAY_CLI_USAGE', `--format must be yaml or json, not ${format}`);
  const { data } = await unwrap(ctx.settings.url, ctx.api.GET('/v1/config'));
  const { version, ...doc } = data;
  if (format === 'yaml') ctx.out(`# spillway configuration version ${version ?? 0}, exported from ${ctx.settings.url}\n`);
  ctx.out(serialize(doc, format));
  return 0;
}

async function dryRun(ctx: Ctx, doc: Record<string, unknown>, prune: boolean): Promise<{ dryRun: boolean; applied: boolean; version: number; plan: Plan }> {
  const { data } = await unwrap(ctx.settings.url, ctx.api.PUT('/v1/config', { params: { query: { dryRun: true, prune } }, body: doc }));
  return data;
}

function printPlan(ctx: Ctx, plan: Plan, version: number, doc: Record<string, unknown>): void {
  if (plan.changes.length === 0) {
    ctx.out(`No changes: the control plane already has this configuration (version ${version}).\n`);
    return;
  }
  ctx.out(`Plan against configuration version ${version}:\n\n${renderPlan(plan, doc, ctx.style)}\n${ctx.style.bold(`Plan: ${summaryLine(plan)}.`)}\n`);
}

/**
 * Polls GET /v1/agents until every connected agent has applied `version` (or a later one);
 * throws when one rejects it (NACK) or the time runs out.
 */
async function waitForAgents(ctx: Ctx, version: number, timeoutSeconds: number): Promise<Agent[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const tty = ctx.io.stdout.isTTY === true && ctx.format === 'table';
  let last = '';
  const applied = (a: Agent): boolean => a.appliedVersion !== null && Number(a.appliedVersion) >= version;
  for (;;) {
    const agents = (
      await listAll(ctx.settings.url, (cursor) =>
        ctx.api.GET('/v1/agents', { params: { query: { limit: 1000, ...(cursor === undefined ? {} : { cursor }) } } }),
      )
    ).filter((a) => a.connected);
    const human = ctx.format === 'table';
    if (agents.length === 0) {
      if (human) ctx.out(`No agent is connected: agents get version ${version} when they connect.\n`);
      return agents;
    }
    const nacked = agents.find((a) => a.lastNack !== null && Number(a.lastNack.version) >= version && !applied(a));
    if (nacked?.lastNack) {
      if (tty && last) ctx.out('\n');
      throw new CliError(nacked.lastNack.code, `agent ${nacked.id} rejected version ${nacked.lastNack.version}: ${nacked.lastNack.message}`);
    }
    const done = agents.filter(applied);
    const waiting = agents.filter((a) => !applied(a)).map((a) => `${a.id} at ${a.appliedVersion ?? 'none'}`);
    const line = `Agents: ${done.length}/${agents.length} applied version ${version}${waiting.length ? ` (waiting for ${waiting.join(', ')})` : ''}`;
    if (human && line !== last) ctx.out(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    last = line;
    if (done.length === agents.length) {
      if (human && tty) ctx.out('\n');
      return agents;
    }
    if (Date.now() > deadline) {
      if (tty) ctx.out('\n');
      throw new CliError(
        'SPILLWAY_CLI_AGENTS_TIMEOUT',
        `version ${version} is committed, but not every agent applied it within ${timeoutSeconds} s: ${waiting.join(', ')}`,
      );
    }
    await sleep(200, ctx.signal);
    if (ctx.signal.aborted) throw new CliError('SPILLWAY_CLI_INTERRUPTED', `interrupted: version ${version} is committed; see spillway agents`);
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
