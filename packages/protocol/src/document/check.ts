// Checking a value against a schema of the document, with one problem per field path (JSON
// pointers), so an operator fixes a file, or a control plane a snapshot, in one go.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';

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

/** A compiled check of `schema`: every problem, the first message of each path, at most `max`. */
export function schemaCheck(schema: TSchema, max = 100): (value: unknown) => DocumentProblem[] {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return [];
    const byPath = new Map<string, string>();
    for (const e of compiled.Errors(value)) {
      const message = e.type === ValueErrorType.ObjectAdditionalProperties ? 'is not a known field' : (literals(e.schema) ?? e.message);
      if (!byPath.has(e.path)) byPath.set(e.path, message);
      if (byPath.size >= max) break;
    }
    return [...byPath].map(([path, message]) => ({ path, message }));
  };
}
