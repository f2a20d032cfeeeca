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

/**
 * The errors to report for one error: a union's error is replaced by the errors of its one
 * alternative that fails deeper than the union (`{ port: 70000 }` against object-or-null names
 * `/listen/port`, not "Expected union value" at `/listen`).
 */
function expand(e: ValueError): ValueError[] {
  if (e.type !== ValueErrorType.Union) return [e];
  const deeper = e.errors.map((it) => [...it]).filter((list) => list.length > 0 && list.every((x) => x.path.length > e.path.length));
  return deeper.length === 1 ? deeper[0]!.flatMap(expand) : [e];
}

/** A compiled check of `schema`: every problem, the first message of each path, at most `max`. */
export function schemaCheck(schema: TSchema, max = 100): (value: unknown) => DocumentProblem[] {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return [];
    const byPath = new Map<string, string>();
    for (const error of compiled.Errors(value)) {
      for (const e of expand(error)) {
        const message = e.type === ValueErrorType.ObjectAdditionalProperties ? 'is not a known field' : (literals(e.schema) ?? e.message);
        if (!byPath.has(e.path)) byPath.set(e.path, message);
      }
      if (byPath.size >= max) break;
    }
    return [...byPath].map(([path, message]) => ({ path, message }));
  };
}
