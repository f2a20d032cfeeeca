// Every error the control plane answers with, made with @fastify/error, and the one JSON shape of
// every 4xx/5xx answer (API-SHAPE.md): {statusCode, code, error, message, details[{path, message}]}.
// Each code is defined once here, unique, prefixed by the app that answers it: SPILLWAY_API_ for
// the REST API, SPILLWAY_HUB_ for the agents' control channel (the agent's own HTTP errors are
// SPILLWAY_AGENT_). The semantic problems of a configuration (services/validate.ts) keep the codes
// of the contract they share with the agents' NACKs (SPILLWAY_UNKNOWN_REFERENCE ...): a 422 carries
// the first problem's code and every problem in `details`.
import createError, { type FastifyError } from '@fastify/error';
import { STATUS_CODES } from 'node:http';

export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details: ErrorDetail[];
}

/** An error of ours: a FastifyError (code, statusCode) with details. */
export interface SpillwayError extends FastifyError {
  statusCode: number;
  details: ErrorDetail[];
}

/** Makes the error of one code: `Errors.versionMismatch('If-Match "3" …', [{ path, message }])`. */
export interface ErrorFactory {
  (message: string, details?: ErrorDetail[]): SpillwayError;
  readonly code: string;
  readonly statusCode: number;
}

const catalogue = new Map<string, number>();

function define(code: string, statusCode: number): ErrorFactory {
  if (catalogue.has(code)) throw new Error(`error code ${code} is defined twice`);
  catalogue.set(code, statusCode);
  const E = createError(code, '%s', statusCode);
  const make = (message: string, details: ErrorDetail[] = []): SpillwayError => Object.assign(new E(message), { statusCode, details });
  return Object.assign(make, { code, statusCode });
}

/** Errors of the REST API (routes, plugins, the config and token stores). */
export const ApiErrors = {
  /** A request part (body, query string, path parameters, headers) breaks its schema: 422 with each field's path. */
  validationFailed: define('SPILLWAY_API_VALIDATION_FAILED', 422),
  invalidJson: define('SPILLWAY_API_INVALID_JSON', 400),
  invalidCursor: define('SPILLWAY_API_INVALID_CURSOR', 400),
  nameMismatch: define('SPILLWAY_API_NAME_MISMATCH', 400),
  badRequest: define('SPILLWAY_API_BAD_REQUEST', 400),
  unauthenticated: define('SPILLWAY_API_UNAUTHENTICATED', 401),
  forbidden: define('SPILLWAY_API_FORBIDDEN', 403),
  routeNotFound: define('SPILLWAY_API_ROUTE_NOT_FOUND', 404),
  serviceNotFound: define('SPILLWAY_API_SERVICE_NOT_FOUND', 404),
  monitorNotFound: define('SPILLWAY_API_MONITOR_NOT_FOUND', 404),
  vserverNotFound: define('SPILLWAY_API_VSERVER_NOT_FOUND', 404),
  siteNotFound: define('SPILLWAY_API_SITE_NOT_FOUND', 404),
  bindingNotFound: define('SPILLWAY_API_BINDING_NOT_FOUND', 404),
  apiTokenNotFound: define('SPILLWAY_API_API_TOKEN_NOT_FOUND', 404),
  agentTokenNotFound: define('SPILLWAY_API_AGENT_TOKEN_NOT_FOUND', 404),
  serviceTokenNotFound: define('SPILLWAY_API_SERVICE_TOKEN_NOT_FOUND', 404),
  agentNotFound: define('SPILLWAY_API_AGENT_NOT_FOUND', 404),
  alreadyExists: define('SPILLWAY_API_ALREADY_EXISTS', 409),
  referenced: define('SPILLWAY_API_REFERENCED', 409),
  conflict: define('SPILLWAY_API_CONFLICT', 409),
  lastAdminToken: define('SPILLWAY_API_LAST_ADMIN_TOKEN', 409),
  versionMismatch: define('SPILLWAY_API_VERSION_MISMATCH', 412),
  bodyTooLarge: define('SPILLWAY_API_BODY_TOO_LARGE', 413),
  unsupportedMediaType: define('SPILLWAY_API_UNSUPPORTED_MEDIA_TYPE', 415),
  authRateLimited: define('SPILLWAY_API_AUTH_RATE_LIMITED', 429),
  internal: define('SPILLWAY_API_INTERNAL', 500),
  notReady: define('SPILLWAY_API_NOT_READY', 503),
  databaseUnavailable: define('SPILLWAY_API_DATABASE_UNAVAILABLE', 503),
  busy: define('SPILLWAY_API_BUSY', 503),
} as const;

/** Errors of the agent hub: the control channel (GET /v1/agents/connect, before the WebSocket upgrade) and its snapshots. */
export const HubErrors = {
  unauthenticated: define('SPILLWAY_HUB_UNAUTHENTICATED', 401),
  authRateLimited: define('SPILLWAY_HUB_AUTH_RATE_LIMITED', 429),
  /** A config version naming objects it does not hold: not served to agents (thrown by setConfig, never answered over HTTP). */
  snapshotInconsistent: define('SPILLWAY_HUB_SNAPSHOT_INCONSISTENT', 422),
} as const;

/** Every code defined above with its status. */
export function errorCatalogue(): ReadonlyMap<string, number> {
  return catalogue;
}

/** The "no such object" error of a kind (`no service named web-9`). */
export function objectNotFound(kind: 'service' | 'monitor' | 'vserver' | 'site' | 'api-token' | 'agent-token' | 'agent', name: string): SpillwayError {
  const byKind = {
    service: ApiErrors.serviceNotFound,
    monitor: ApiErrors.monitorNotFound,
    vserver: ApiErrors.vserverNotFound,
    site: ApiErrors.siteNotFound,
    'api-token': ApiErrors.apiTokenNotFound,
    'agent-token': ApiErrors.agentTokenNotFound,
    agent: ApiErrors.agentNotFound,
  };
  return byKind[kind](`no ${kind} named ${name}`);
}

/** Whether `err` is one of ours: made here, or a configuration problem of the contract (422). */
export function isSpillwayError(err: unknown): err is SpillwayError {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SPILLWAY_');
}

/** The reason phrase of `statusCode` ("Unprocessable Entity"). */
export function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}

export function errorBody(statusCode: number, code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { statusCode, code, error: reasonPhrase(statusCode), message, details };
}

/** The body of one of our errors. */
export function bodyOf(err: SpillwayError): ErrorBody {
  return errorBody(err.statusCode, err.code, err.message, err.details);
}

const problems = new Map<string, ReturnType<typeof createError>>();

/**
 * A configuration problem of the contract (a 422): its code is the problem's, not one of the
 * catalogue above (the agents NACK with the same codes).
 */
export function unprocessable(code: string, message: string, details: ErrorDetail[]): SpillwayError {
  let E = problems.get(code);
  if (!E) {
    E = createError(code, '%s', 422);
    problems.set(code, E);
  }
  return Object.assign(new E(message), { statusCode: 422, details });
}
