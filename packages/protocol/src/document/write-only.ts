// Write-only fields of the document: a service's migration secret. The hub pushes it to the
// agents (they authenticate to the backends' control endpoints with it); nothing an operator or a
// log reads shows it: GET (objects and the exported document), plans, events, status. A write that
// omits it keeps the stored one, so a GET → PUT round trip changes nothing.
import type { NDocument, NService } from './normalize.js';

/** JSON Pointers, inside a service, of its write-only fields. */
export const WRITE_ONLY_SERVICE_PATHS: readonly string[] = ['/migration/secret'];

/** What a plan shows in place of a write-only value. */
export const WRITE_ONLY_MASK = '(write-only)';

/** The service as an operator sees it: `migration` without its secret (the same object when it has none). */
export function withoutSecrets<T extends Pick<NService, 'migration'>>(s: T): T {
  if (s.migration?.secret === undefined) return s;
  return { ...s, migration: { port: s.migration.port } };
}

/** The document as an operator sees it (the same document when no service has a secret). */
export function documentWithoutSecrets<D extends Pick<NDocument, 'services'>>(doc: D): D {
  if (!doc.services.some((s) => s.migration?.secret !== undefined)) return doc;
  return { ...doc, services: doc.services.map(withoutSecrets) };
}

/**
 * `desired` where each service that has `migration` without a secret takes the secret `current`
 * stores for the service of that name (the same document when none needs one). A service still
 * without one after this is refused by the rules (SPILLWAY_MIGRATION_SECRET_REQUIRED).
 */
export function keepSecrets<D extends Pick<NDocument, 'services'>>(current: Pick<NDocument, 'services'>, desired: D): D {
  if (!desired.services.some((s) => s.migration !== undefined && s.migration.secret === undefined)) return desired;
  const stored = new Map<string, string>();
  for (const s of current.services) if (s.migration?.secret !== undefined) stored.set(s.name, s.migration.secret);
  let changed = false;
  const services = desired.services.map((s) => {
    const secret = stored.get(s.name);
    if (s.migration === undefined || s.migration.secret !== undefined || secret === undefined) return s;
    changed = true;
    return { ...s, migration: { port: s.migration.port, secret } };
  });
  return changed ? { ...desired, services } : desired;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value`, found at `path` (a JSON Pointer inside a service), with every write-only value in it replaced by WRITE_ONLY_MASK: what a plan's diff shows. */
export function maskWriteOnly(path: string, value: unknown): unknown {
  let out = value;
  for (const wp of WRITE_ONLY_SERVICE_PATHS) {
    if (wp === path) return value === undefined ? undefined : WRITE_ONLY_MASK;
    if (!wp.startsWith(`${path}/`) || !isObject(out)) continue;
    const head = wp.slice(path.length + 1).split('/')[0]!;
    if (out[head] !== undefined) out = { ...out, [head]: maskWriteOnly(`${path}/${head}`, out[head]) };
  }
  return out;
}
