// The maintenance policy of a service or vserver (issue 15): kept as given (a service's fields
// override its vserver's, DEFAULTS.maintenance fills the rest where it is read), ranges checked by
// the schema, a named target checked against the document with its path.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DocumentSpec, normalizeDocument, schemaCheck, validateDocument } from '../src/index.js';

const check = schemaCheck(DocumentSpec);
const svc = (name: string, extra: Record<string, unknown> = {}) => ({ name, address: '10.0.0.1', port: 80, ...extra });

describe('maintenance policy', () => {
  it('keeps only the fields given (target null: none) and has defaults for the rest', () => {
    const doc = normalizeDocument({
      services: [svc('a', { maintenance: { drainTimeoutSeconds: 5, target: null } }), svc('b')],
      vservers: [{ name: 'v', protocol: 'tcp', services: [{ service: 'a' }, { service: 'b' }], maintenance: { migrateAfterSeconds: 2, target: 'b' } }],
    });
    expect(doc.services[0]!.maintenance).toEqual({ drainTimeoutSeconds: 5 });
    expect(doc.services[1]!.maintenance).toBeUndefined();
    expect(doc.vservers[0]!.maintenance).toEqual({ migrateAfterSeconds: 2, target: 'b' });
    expect(validateDocument(doc)).toEqual([]);
    expect(DEFAULTS.maintenance.migrateAfterSeconds).toBeGreaterThan(0);
    expect(DEFAULTS.maintenance.drainTimeoutSeconds).toBeGreaterThan(0);
  });

  it('refuses negative or fractional seconds and unknown fields with their paths', () => {
    const problems = check({
      services: [svc('a', { maintenance: { migrateAfterSeconds: -1, drainTimeoutSeconds: 1.5, colour: 'x' } })],
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      '/services/0/maintenance/colour',
      '/services/0/maintenance/drainTimeoutSeconds',
      '/services/0/maintenance/migrateAfterSeconds',
    ]);
  });

  it('refuses a target that is no service, the service itself, or (on a vserver) a service not bound to it', () => {
    const doc = normalizeDocument({
      services: [svc('a', { maintenance: { target: 'ghost' } }), svc('b', { maintenance: { target: 'b' } }), svc('c')],
      vservers: [{ name: 'v', protocol: 'tcp', services: [{ service: 'a' }], maintenance: { target: 'c' } }],
    });
    expect(validateDocument(doc).map((p) => [p.code, p.kind, p.name, p.path])).toEqual([
      ['SPILLWAY_UNKNOWN_REFERENCE', 'service', 'a', '/maintenance/target'],
      ['SPILLWAY_UNKNOWN_REFERENCE', 'service', 'b', '/maintenance/target'],
      ['SPILLWAY_UNKNOWN_REFERENCE', 'vserver', 'v', '/maintenance/target'],
    ]);
  });
});
