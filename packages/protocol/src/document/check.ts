// Checking a value against a schema of the document, with one problem per field path (JSON
// pointers), so an operator fixes a file, or a control plane a snapshot, in one go.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

export interface DocumentProblem {
  /** JSON pointer into the checked value. */
  path: string;
  message: string;
}

/** "must be one of …" for a union of literals (TypeBox says only "Expected union value"). */
function literals(schema: TSchema): string | null {
  const options = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf;
  if (!options?.every((o) => o.const !== undefined)) return null;
  return `must be one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}`;
}

/** What a value must be, said the way an operator reads it, from the schema that refused it. */
function messageOf(e: ValueError): string {
  if (e.type === ValueErrorType.ObjectAdditionalProperties) return 'is not a known field';
  if (e.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  const s = e.schema as {
    type?: unknown;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
  };
  const oneOf = literals(e.schema);
  if (oneOf) return oneOf;
  if (s.type === 'integer' || s.type === 'number') {
    if (s.type === 'integer' && s.maximum === 65535) return `must be a port number (${s.minimum ?? 0}-65535)`;
    const kind = s.type === 'integer' ? 'an integer' : 'a number';
    const low = s.minimum !== undefined ? `${s.minimum}` : s.exclusiveMinimum !== undefined ? `above ${s.exclusiveMinimum}` : null;
    if (low !== null && s.maximum !== undefined) return `must be ${kind} from ${low} to ${s.maximum}`;
    return low !== null ? `must be ${kind} >= ${low}` : `must be ${kind}`;
  }
  if (s.type === 'string') {
    const length = s.minLength !== undefined && s.maxLength !== undefined ? ` of ${s.minLength} to ${s.maxLength} characters` : '';
    return `must be a string${length}${s.pattern !== undefined ? ` matching ${s.pattern}` : ''}`;
  }
  if (s.type === 'array') return 'must be a list';
  if (s.type === 'object') return 'must be an object';
  if (s.type === 'null') return 'must be null';
  return e.message;
}

/**
 * The errors to report for one error: a union's error is replaced by the errors of its one
 * alternative that fails deeper than the union (`{ port: 70000 }` against object-or-null names
 * `/listen/port`, not "Expected union value" at `/listen`).
 */
function expand(e: ValueError): ValueError[] {
  if (e.type !== ValueErrorType.Union || literals(e.schema) !== null) return [e];
  const lists = e.errors.map((it) => [...it]);
  const deeper = lists.filter((list) => list.length > 0 && list.every((x) => x.path.length > e.path.length));
  if (deeper.length === 1) return deeper[0]!.flatMap(expand);
  // Every alternative refused the value itself: say what each wanted.
  const wanted = lists.map((list) => (list[0] === undefined ? null : messageOf(list[0]).replace(/^must be /, '')));
  return [wanted.every((w) => w !== null) ? { ...e, message: `must be ${wanted.join(' or ')}` } : e];
}

/** A compiled check of `schema`: every problem, the first message of each path, at most `max`. */
export function schemaCheck(schema: TSchema, max = 100): (value: unknown) => DocumentProblem[] {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return [];
    const byPath = new Map<string, string>();
    for (const error of compiled.Errors(value)) {
      for (const e of expand(error)) {
        if (!byPath.has(e.path)) byPath.set(e.path, messageOf(e));
      }
      if (byPath.size >= max) break;
    }
    return [...byPath].map(([path, message]) => ({ path, message }));
  };
}
