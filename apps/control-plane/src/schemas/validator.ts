// Request validation for the REST routes: Ajv with every error collected (a 400 names each bad
// field by its JSON pointer), unknown fields refused rather than silently removed, no type
// coercion of bodies (a string "5" is not a port), coercion and defaults only for query strings
// and path parameters.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../services/api-error.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: coerce, coerceTypes: coerce, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

export interface Detail {
  path: string;
  message: string;
}

/** Ajv errors → one detail per field path, alternatives of a union merged into one message. */
export function errorDetails(errors: readonly ErrorObject[], prefix = ''): Detail[] {
  const byPath = new Map<string, { messages: string[]; allowed: unknown[] }>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let path = `${prefix}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      path += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not a known field';
    } else if (e.keyword === 'required') {
      path += `/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    }
    const entry = byPath.get(path) ?? { messages: [], allowed: [] };
    if (e.keyword === 'const') entry.allowed.push((e.params as { allowedValue: unknown }).allowedValue);
    else if (!entry.messages.includes(message)) entry.messages.push(message);
    byPath.set(path, entry);
  }
  return [...byPath].map(([path, { messages, allowed }]) => {
    const parts = [...messages];
    if (allowed.length > 0) parts.push(`must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return { path, message: parts.join(' or ') };
  });
}

/**
 * Installs the validation of this encapsulation context: every route registered in it (and its
 * children) validates bodies strictly and answers 400 SPILLWAY_VALIDATION_FAILED with details.
 */
export function installValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const lenient = makeAjv(true);
  // Ajv caches compiled functions by schema object, so shared schemas compile once.
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema as object));
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const part = dataVar === 'body' ? '' : `${dataVar}:`;
    const details = errorDetails(errors as unknown as ErrorObject[]).map((d) => ({ path: `${part}${d.path}`, message: d.message }));
    const where = dataVar === 'body' ? 'request body' : dataVar;
    return new ApiError(
      400,
      'SPILLWAY_VALIDATION_FAILED',
      `the ${where} is invalid: ${details
        .map((d) => `${d.path || '(root)'} ${d.message}`)
        .slice(0, 5)
        .join('; ')}${details.length > 5 ? `; and ${details.length - 5} more` : ''}`,
      details,
    );
  });
}
