// One error handler and one not-found handler for the whole app: every 4xx/5xx answer has the
// shape of API-SHAPE.md. 4xx messages pass through; a 5xx is logged with its request and, unless
// it is one of ours on purpose (a SPILLWAY_ code other than 500), its message is hidden. Any
// error that says the database is unavailable (db/unavailable.ts), from a route or a hook, is a
// 503 SPILLWAY_DATABASE_UNAVAILABLE with Retry-After: the request can be retried as it is.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../db/unavailable.js';
import { ErrorCodes, errorBody, type ErrorDetail } from '../errors.js';

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Ajv errors → details with JSON-pointer paths (prefixed with the part for anything but the body). */
function validationDetails(errors: readonly AjvError[], context: string | undefined): ErrorDetail[] {
  const prefix = context && context !== 'body' ? `${context}:` : '';
  return errors.map((e) => {
    let path = e.instancePath ?? '';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') {
      path += `/${e.params.missingProperty}`;
      message = 'is required';
    }
    if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') {
      path += `/${e.params.additionalProperty}`;
      message = 'is not a known field';
    }
    return { path: `${prefix}${path}`, message };
  });
}

const FRAMEWORK: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCodes.invalidJson, message: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCodes.invalidJson, message: 'the request body is empty but its content-type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCodes.bodyTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ErrorCodes.unsupportedMediaType },
};

type AppError = FastifyError & { details?: ErrorDetail[]; validation?: AjvError[]; validationContext?: string };

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err: AppError, req, reply) => {
    let status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode <= 599 ? err.statusCode : 500;
    const ours = typeof err.code === 'string' && err.code.startsWith('SPILLWAY_');

    if (!ours && isDatabaseUnavailable(err)) {
      // Expected during an outage: one warning line per request, no stack.
      req.log.warn(
        { err: { type: err.name, code: err.code, message: err.message.split('\n').filter(Boolean).at(-1) } },
        'request failed: database unavailable',
      );
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_S))
        .send(errorBody(503, ErrorCodes.databaseUnavailable, 'the database is unavailable; retry later', []));
    }

    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      const deliberate = ours && status !== 500;
      return reply
        .code(status)
        .send(
          errorBody(
            status,
            deliberate ? err.code : ErrorCodes.internal,
            deliberate ? err.message : 'Internal Server Error',
            deliberate ? (err.details ?? []) : [],
          ),
        );
    }

    if (err.validation && !ours) {
      const details = validationDetails(err.validation, err.validationContext);
      const where = err.validationContext && err.validationContext !== 'body' ? err.validationContext : 'request body';
      return reply
        .code(400)
        .send(
          errorBody(400, ErrorCodes.validation, `the ${where} is invalid: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`, details),
        );
    }

    const mapped = typeof err.code === 'string' ? FRAMEWORK[err.code] : undefined;
    if (mapped) status = mapped.status;
    const code = mapped?.code ?? (typeof err.code === 'string' && err.code !== '' ? err.code : `SPILLWAY_HTTP_${status}`);
    return reply.code(status).send(errorBody(status, code, mapped?.message ?? err.message, err.details ?? []));
  });

  // The /v1 context installs the same handler where it needs a token (routes/index.ts).
  app.setNotFoundHandler(notFound);
}

/** The not-found answer (the method and path of the request, without its query). */
export function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0] ?? req.url;
  return reply.code(404).send(errorBody(404, ErrorCodes.notFound, `no route for ${req.method} ${path}`));
}

export default fp(errorsPlugin, { name: 'spillway-errors', fastify: '5.x' });
