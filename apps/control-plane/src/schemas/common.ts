// Shapes shared by every route: names, the one error shape, list envelopes and queries, ETag
// headers. Every object schema is closed (additionalProperties: false) so an unknown field is a
// 422 naming it, never silently dropped.
import { Type, type TSchema } from '@sinclair/typebox';
import { Closed, Name, Nullable } from '@spillway/protocol';

// Names, closed objects and nullables are the configuration contract's (@spillway/protocol).
export { Closed, NAME_PATTERN, Name, Nullable } from '@spillway/protocol';

export const ErrorDetail = Closed({
  path: Type.String({ description: 'JSON pointer to the offending field of the request (empty for the whole request)' }),
  message: Type.String(),
  code: Type.Optional(Type.String({ description: 'Code of this problem when it differs from the error code' })),
});

export const ErrorResponse = Closed(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    code: Type.String({
      description:
        'Stable error code, one meaning each, prefixed by the app that answers: SPILLWAY_API_ (SPILLWAY_HUB_ for the agents channel); a 422 carries the code of its first configuration problem',
    }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String(),
    details: Type.Array(ErrorDetail),
  },
  {
    $id: 'Error',
    title: 'Error',
    description: 'The one shape of every 4xx/5xx answer',
    examples: [
      {
        statusCode: 422,
        code: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE',
        error: 'Unprocessable Entity',
        message: 'backup chain web → web-overflow → web forms a cycle',
        details: [{ path: '/spillover/backup', message: 'web-overflow leads back to web' }],
      },
    ],
  },
);

/** Reference to the shared error schema (registered once with app.addSchema). */
export const ErrorRef = Type.Ref('Error');

export const ReadOnlyMeta = {
  version: Type.Optional(
    Type.Integer({ minimum: 1, readOnly: true, description: 'Optimistic-concurrency version; read-only, ignored on writes (use If-Match)' }),
  ),
  createdAt: Type.Optional(Type.String({ format: 'date-time', readOnly: true })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time', readOnly: true })),
};

export const ListQuery = Closed({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "Opaque cursor from the previous page's nextCursor" })),
  prefix: Type.Optional(Type.String({ maxLength: 63, description: 'Only names starting with this prefix' })),
});
export interface ListQueryValue {
  limit?: number;
  cursor?: string;
  prefix?: string;
}

export const ListOf = <T extends TSchema>(item: T, title: string) =>
  Closed(
    {
      items: Type.Array(item),
      nextCursor: Nullable(Type.String({ description: 'Cursor of the next page; null on the last page' })),
    },
    { title },
  );

export const NameParams = Closed({ name: Name() });

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag of the version this write is based on; 412 when stale. `*` matches any existing object.' })),
});
