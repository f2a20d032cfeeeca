// events [--follow] [--kind …] [--object kind/name]: the recent events, then (with --follow)
// the live stream GET /v1/events/stream read with fetch, resumed with Last-Event-ID when it drops.
import { unwrap } from '../client.js';
import type { Ctx } from '../context.js';
import { CliError } from '../errors.js';
import type { paths } from '../generated/openapi.js';
import { readSse } from '../sse.js';
import { sleep } from './config.js';

type Event = paths['/v1/events']['get']['responses'][200]['content']['application/json']['items'][number];

export interface EventsOptions {
  follow?: boolean;
  kind?: string;
  object?: string;
  limit?: number;
}

function line(ctx: Ctx, e: Event): string {
  if (ctx.format === 'json') return `${JSON.stringify(e)}\n`;
  if (ctx.format === 'yaml') return `- ${JSON.stringify(e)}\n`;
  const st = ctx.style;
  const kind =
    e.kind.endsWith('.deleted') || e.kind.includes('down') || e.kind.includes('spillover_started')
      ? st.red(e.kind)
      : e.kind.endsWith('.created')
        ? st.green(e.kind)
        : st.cyan(e.kind);
  const obj = e.object ? `${e.object.kind}/${e.object.name}` : '-';
  const versions = e.configVersion !== null ? `config v${e.configVersion}` : '';
  const data = e.data === undefined ? '' : JSON.stringify(e.data);
  return `${st.dim(e.at)}  ${kind}  ${obj}  ${e.actor}${versions ? `  ${versions}` : ''}${data ? `  ${st.dim(data.length > 160 ? `${data.slice(0, 157)}...` : data)}` : ''}\n`;
}

export async function eventsCommand(ctx: Ctx, opts: EventsOptions): Promise<number> {
  let objectKind: string | undefined;
  let objectName: string | undefined;
  if (opts.object !== undefined) {
    const i = opts.object.indexOf('/');
    if (i <= 0 || i === opts.object.length - 1)
      throw new CliError('SPILLWAY_CLI_USAGE', `--object takes kind/name (e.g. vserver/web), not ${JSON.stringify(opts.object)}`);
    objectKind = opts.object.slice(0, i);
    objectName = opts.object.slice(i + 1);
  }
  const matches = (e: Event): boolean => objectKind === undefined || (e.object?.kind === objectKind && e.object.name === objectName);
  const limit = opts.limit ?? 20;
  let lastId: string | undefined;
  if (limit > 0) {
    const { data } = await unwrap(
      ctx.settings.url,
      ctx.api.GET('/v1/events', {
        params: {
          query: {
            order: 'desc',
            limit,
            ...(opts.kind === undefined ? {} : { kind: opts.kind }),
            ...(objectKind === undefined ? {} : { objectKind }),
            ...(objectName === undefined ? {} : { objectName }),
          },
        },
      }),
    );
    const recent = [...data.items].reverse();
    for (const e of recent) ctx.out(line(ctx, e));
    lastId = recent.at(-1)?.id;
    if (!opts.follow && recent.length === 0 && ctx.format === 'table') ctx.err('No events.\n');
  }
  if (!opts.follow) return 0;
  if (lastId === undefined) {
    // Nothing shown: the stream starts with the next event, unless filters hid older ones.
    const { data } = await unwrap(ctx.settings.url, ctx.api.GET('/v1/events', { params: { query: { order: 'desc', limit: 1 } } }));
    lastId = data.items[0]?.id;
  }
  let retryMs = 2000;
  let warned = false;
  while (!ctx.signal.aborted) {
    try {
      const { data: body } = await unwrap(
        ctx.settings.url,
        ctx.api.GET('/v1/events/stream', {
          params: { query: { ...(opts.kind === undefined ? {} : { kind: opts.kind }), ...(lastId === undefined ? {} : { after: lastId }) } },
          parseAs: 'stream',
          signal: ctx.signal,
        }),
      );
      warned = false;
      for await (const m of readSse(body as unknown as ReadableStream<Uint8Array>)) {
        if (m.retry !== undefined) retryMs = m.retry;
        if (m.id !== undefined) lastId = m.id;
        let e: Event;
        try {
          e = JSON.parse(m.data) as Event;
        } catch {
          continue;
        }
        if (matches(e)) ctx.out(line(ctx, e));
      }
    } catch (err) {
      if (ctx.signal.aborted) break;
      if (err instanceof CliError && err.status !== undefined && err.status < 500) throw err;
      if (!warned) ctx.err(`${ctx.errStyle.yellow('event stream lost')} (${(err as Error).message}); retrying every ${retryMs / 1000} s\n`);
      warned = true;
    }
    await sleep(retryMs, ctx.signal);
  }
  return 0;
}
