// One error handler, one not-found handler and one formatter of schema violations for the whole
// app: every 4xx/5xx answer has the shape of API-SHAPE.md (errors.ts). Our errors (errors.ts,
// @fastify/error) pass through with their code, message and details; the framework's own errors
// (bad JSON, body too large, unsupported media type) get codes of ours; a 5xx is logged with its
// request and, unless it is one of ours on purpose (a SPILLWAY_ code other than 500), its message
// is hidden. Any error that says the database is unavailable (db/unavailable.ts), from a route or
// a hook, is a 503 SPILLWAY_API_DATABASE_UNAVAILABLE with Retry-After: the request can be retried
// as it is.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../db/unavailable.js';
import { ApiErrors, bodyOf, errorBody, isSpillwayError, type ErrorFactory } from '../errors.js';
import { validationError } from './validation.js';

const FRAMEWORK: Record<string, { factory: ErrorFactory; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { factory: ApiErrors.invalidJson, message: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { factory: ApiErrors.invalidJson, message: 'the request body is empty but its content-type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { factory: ApiErrors.bodyTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { factory: ApiErrors.unsupportedMediaType },
};

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  // Schema violations of every context (the /v1 API, the hub's routes, health) read alike.
  app.setSchemaErrorFormatter(validationError);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const ours = isSpillwayError(err);

    if (!ours && isDatabaseUnavailable(err)) {
      // Expected during an outage: one warning line per request, no stack.
      req.log.warn(
        { err: { type: err.name, code: err.code, message: err.message.split('\n').filter(Boolean).at(-1) } },
        'request failed: database unavailable',
      );
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_S))
        .send(bodyOf(ApiErrors.databaseUnavailable('the database is unavailable; retry later')));
    }

    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode <= 599 ? err.statusCode : 500;
    if (ours) {
      if (status >= 500) req.log.error({ err }, 'request failed');
      if (status === 500) return reply.code(500).send(bodyOf(ApiErrors.internal('Internal Server Error')));
      return reply.code(status).send(bodyOf(err));
    }

    const mapped = FRAMEWORK[err.code];
    if (mapped) return reply.code(mapped.factory.statusCode).send(bodyOf(mapped.factory(mapped.message ?? err.message)));
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send(bodyOf(ApiErrors.internal('Internal Server Error')));
    }
    // Another 4xx of the framework or a plugin: its status and message, with a code of ours.
    return reply.code(status).send(errorBody(status, status === 404 ? ApiErrors.routeNotFound.code : ApiErrors.badRequest.code, err.message));
  });

  // The /v1 context installs the same handler where it needs a token (routes/index.ts).
  app.setNotFoundHandler(notFound);
}

/** The not-found answer (the method and path of the request, without its query). */
export function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0] ?? req.url;
  return reply.code(404).send(bodyOf(ApiErrors.routeNotFound(`no route for ${req.method} ${path}`)));
}

export default fp(errorsPlugin, { name: 'spillway-errors', fastify: '5.x' });
