// Events: GET /v1/events (cursor pagination and filters) and GET /v1/events/stream
// (Server-Sent Events for dashboards). The stream reads the event table, so it also carries
// events other replicas and the agent hub append; a write in this process wakes it at once.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorRef, ListOf } from '../schemas/common.js';
import { Event, EventQuery, EventStreamQuery } from '../schemas/events.js';
import { Type } from '@sinclair/typebox';
import type { Prisma } from '../db/prisma.js';
import type { ConfigStore } from '../services/config-store.js';
import { ApiErrors } from '../errors.js';
import { decodeCursor, encodeCursor } from './http.js';

interface EventRow {
  id: bigint;
  at: Date;
  actor: string;
  kind: string;
  objectKind: string | null;
  objectName: string | null;
  beforeVersion: number | null;
  afterVersion: number | null;
  data: Prisma.JsonValue;
}

export function eventView(r: EventRow): Record<string, unknown> {
  const data = r.data !== null && typeof r.data === 'object' && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : null;
  const configVersion = typeof data?.configVersion === 'number' ? data.configVersion : null;
  return {
    id: r.id.toString(),
    at: r.at.toISOString(),
    actor: r.actor,
    kind: r.kind,
    object: r.objectKind === null ? null : { kind: r.objectKind, name: r.objectName ?? '' },
    beforeVersion: r.beforeVersion,
    afterVersion: r.afterVersion,
    configVersion,
    ...(r.data === null ? {} : { data: r.data }),
  };
}

interface Filter {
  kind?: string;
  objectKind?: string;
  objectName?: string;
  actor?: string;
}

function where(f: Filter): Prisma.EventWhereInput {
  return {
    ...(f.kind === undefined ? {} : f.kind.endsWith('.') ? { kind: { startsWith: f.kind } } : { kind: f.kind }),
    ...(f.objectKind === undefined ? {} : { objectKind: f.objectKind }),
    ...(f.objectName === undefined ? {} : { objectName: f.objectName }),
    ...(f.actor === undefined ? {} : { actor: f.actor }),
  };
}

function cursorId(cursor: string | undefined): bigint | null {
  const k = decodeCursor(cursor);
  if (k === null) return null;
  if (!/^[0-9]{1,19}$/.test(k))
    throw ApiErrors.invalidCursor('the cursor is not one this API returned', [{ path: 'querystring:/cursor', message: 'not a cursor of this list' }]);
  return BigInt(k);
}

export function eventRoutes(scope: FastifyInstance, store: ConfigStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const db = store.db;
  const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef };
  const streams = new Set<FastifyReply>();
  const wake = new Set<() => void>();
  store.on('change', () => {
    for (const w of wake) w();
  });
  store.on('event', () => {
    for (const w of wake) w();
  });
  app.addHook('preClose', async () => {
    for (const r of streams) r.raw.end();
  });

  app.get(
    '/events',
    {
      schema: {
        operationId: 'listEvents',
        tags: ['events'],
        summary: 'List events (oldest first by default; filters by kind, object, actor)',
        querystring: EventQuery,
        response: { 200: ListOf(Event, 'EventList'), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const order = q.order ?? 'asc';
      const after = cursorId(q.cursor);
      const rows = await db.event.findMany({
        where: { ...where(q), ...(after === null ? {} : { id: order === 'asc' ? { gt: after } : { lt: after } }) },
        orderBy: { id: order },
        take: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(eventView), nextCursor: rows.length > limit && last ? encodeCursor(last.id.toString()) : null };
    },
  );

  app.get(
    '/events/stream',
    {
      schema: {
        operationId: 'streamEvents',
        tags: ['events'],
        summary: 'Server-Sent Events: each new event as `id`, `event` (its kind) and `data` (the event JSON)',
        description:
          'Resumes after `Last-Event-ID` (or `after`); without either, starts with the next event. A comment line every 15 s keeps proxies from closing the stream.',
        querystring: EventStreamQuery,
        response: {
          200: Type.String({ description: 'text/event-stream', examples: ['id: 42\nevent: vserver.updated\ndata: {"id":"42","kind":"vserver.updated"}\n\n'] }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const lastHeader = req.headers['last-event-id'];
      const from = typeof lastHeader === 'string' && /^[0-9]{1,19}$/.test(lastHeader) ? lastHeader : q.after;
      let lastId: bigint;
      if (from !== undefined) lastId = BigInt(from);
      else lastId = (await db.event.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }))?.id ?? 0n;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      streams.add(reply);
      let closed = false;
      let polling = false;
      let again = false;
      const poll = async (): Promise<void> => {
        if (closed) return;
        if (polling) {
          again = true;
          return;
        }
        polling = true;
        try {
          do {
            again = false;
            const rows = await db.event.findMany({ where: { ...where({ kind: q.kind }), id: { gt: lastId } }, orderBy: { id: 'asc' }, take: 500 });
            for (const r of rows) {
              lastId = r.id;
              res.write(`id: ${r.id.toString()}\nevent: ${r.kind}\ndata: ${JSON.stringify(eventView(r))}\n\n`);
            }
            if (rows.length === 500) again = true;
          } while (again && !closed);
        } catch (err) {
          req.log.warn({ err }, 'event stream poll failed');
        } finally {
          polling = false;
        }
      };
      const wakeUp = (): void => {
        void poll();
      };
      wake.add(wakeUp);
      const timer = setInterval(wakeUp, 1000);
      const keepAlive = setInterval(() => {
        res.write(': keep-alive\n\n');
      }, 15_000);
      const close = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        clearInterval(keepAlive);
        wake.delete(wakeUp);
        streams.delete(reply);
      };
      res.on('close', close);
      void poll();
    },
  );
}
