// Request validation: Ajv with every error collected, unknown fields refused rather than silently
// removed, no type coercion of bodies (a string "5" is not a port), coercion and defaults only
// for query strings and path parameters; and the one formatter of schema violations of the whole
// app (installed at the root by plugins/errors.ts): 422 SPILLWAY_API_VALIDATION_FAILED naming each
// bad field by its JSON pointer (`querystring:/limit` for a part other than the body), as a
// document's semantic problems do; a body that is not JSON at all stays 400 (plugins/errors.ts).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { ApiErrors, type ErrorDetail, type SpillwayError } from '../errors.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: coerce, coerceTypes: coerce, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

type AjvError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'message'> & { params: Record<string, unknown> };

/** Ajv errors → one detail per field path, alternatives of a union merged into one message. */
export function errorDetails(errors: readonly AjvError[], prefix = ''): ErrorDetail[] {
  const byPath = new Map<string, { messages: string[]; allowed: unknown[] }>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let path = `${prefix}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
      path += `/${e.params.additionalProperty}`;
      message = 'is not a known field';
    } else if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
      path += `/${e.params.missingProperty}`;
      message = 'is required';
    }
    const entry = byPath.get(path) ?? { messages: [], allowed: [] };
    if (e.keyword === 'const') entry.allowed.push(e.params.allowedValue);
    else if (!entry.messages.includes(message)) entry.messages.push(message);
    byPath.set(path, entry);
  }
  return [...byPath].map(([path, { messages, allowed }]) => {
    const parts = [...messages];
    if (allowed.length > 0) parts.push(`must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return { path, message: parts.join(' or ') };
  });
}

/** The schema error formatter: the 422 of a request whose `dataVar` part violates its schema. */
export function validationError(errors: readonly FastifySchemaValidationError[], dataVar: string): SpillwayError {
  const details = errorDetails(
    errors.map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, message: e.message, params: e.params })),
    dataVar === 'body' ? '' : `${dataVar}:`,
  );
  const where = dataVar === 'body' ? 'request body' : dataVar;
  const listed = details
    .slice(0, 5)
    .map((d) => `${d.path || '(root)'} ${d.message}`)
    .join('; ');
  return ApiErrors.validationFailed(`the ${where} is invalid: ${listed}${details.length > 5 ? `; and ${details.length - 5} more` : ''}`, details);
}

/** Installs the strict validators in this encapsulation context (the /v1 API): every route registered in it (and its children) validates bodies strictly. */
export function installValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const lenient = makeAjv(true);
  // Ajv caches compiled functions by schema object, so shared schemas compile once.
  app.setValidatorCompiler(({ schema, httpPart }) => compiledOnFirstUse(httpPart === 'body' ? strict : lenient, schema as object));
}

/** The data context Ajv takes beside the data (parentData, parentDataProperty, ...). */
type DataValidationCxt = Parameters<ValidateFunction>[1];

/**
 * A route's validator, compiled at its first request rather than at start-up: compiling every
 * route's schemas was ~1.4 s of the ~6 s of CPU of a start, and a process calls few of its routes
 * (the test suite starts some sixty control planes). Same Ajv, same schema, same errors.
 */
function compiledOnFirstUse(
  ajv: Ajv,
  schema: object,
): ((data: unknown, cxt?: DataValidationCxt) => boolean) & { errors: ValidateFunction['errors']; schemaEnv: true } {
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown, cxt?: DataValidationCxt): boolean => {
    compiled ??= ajv.compile(schema);
    const ok = compiled(data, cxt);
    validate.errors = compiled.errors;
    return ok;
  };
  validate.errors = null as ValidateFunction['errors'];
  // Fastify gives { parentData, parentDataProperty } (what lets Ajv coerce a root value) only to a validator that has a schemaEnv.
  validate.schemaEnv = true as const;
  return validate;
}
