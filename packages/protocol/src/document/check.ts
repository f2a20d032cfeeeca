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

/**
 * Every dangling reference of a document (input or normalized, paths into it as given): monitor
 * and service bindings, backup vservers. A snapshot with one is never served. Reads any value
 * (what is not a list or an object counts as empty), so it runs on a document the schema refused.
 */
export function danglingReferences(doc: unknown): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const d = record(doc);
  const names = (k: string): Set<unknown> => new Set(records(d[k]).map((o) => o.name));
  const services = names('services');
  const monitors = names('monitors');
  const vservers = names('vservers');
  const check = (have: Set<unknown>, kind: string, name: unknown, path: string): void => {
    if (typeof name === 'string' && !have.has(name)) problems.push({ path, message: `no ${kind} named ${name}` });
  };
  records(d.services).forEach((s, i) => records(s.monitors).forEach((b, j) => check(monitors, 'monitor', b.monitor, `/services/${i}/monitors/${j}/monitor`)));
  records(d.vservers).forEach((v, i) => {
    records(v.services).forEach((b, j) => check(services, 'service', b.service, `/vservers/${i}/services/${j}/service`));
    check(vservers, 'vserver', record(v.spillover).backup, `/vservers/${i}/spillover/backup`);
  });
  return problems;
}

type Rec = Record<string, unknown>;
const record = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
/** The objects of a list (positions kept: a non-object entry is an empty object). */
const records = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(record) : []);
