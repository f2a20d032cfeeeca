// The service fields of live migration (issue 15): proxyProtocol (default none) and migration
// { port, secret }, whose secret is write-only (kept across writes that omit it, never shown).
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DocumentSpec, documentWithoutSecrets, keepSecrets, normalizeDocument, schemaCheck, validateDocument, withoutSecrets } from '../src/index.js';

const check = schemaCheck(DocumentSpec);
const SECRET = 'a-shared-secret-0123456789';

describe('service proxyProtocol and migration fields', () => {
  it('spells out proxyProtocol none by default and keeps migration as given', () => {
    const doc = normalizeDocument({
      services: [
        { name: 'plain', address: '10.0.0.1', port: 80 },
        { name: 'movable', address: '10.0.0.2', port: 80, proxyProtocol: 'v2', migration: { port: 9000, secret: SECRET } },
      ],
    });
    expect(DEFAULTS.service.proxyProtocol).toBe('none');
    const byName = new Map(doc.services.map((s) => [s.name, s]));
    expect(byName.get('plain')).toMatchObject({ proxyProtocol: 'none' });
    expect(byName.get('plain')!.migration).toBeUndefined();
    expect(byName.get('movable')).toMatchObject({ proxyProtocol: 'v2', migration: { port: 9000, secret: SECRET } });
    expect(validateDocument(doc)).toEqual([]);
  });

  it('refuses an unknown proxyProtocol, a bad migration port and a secret shorter than 16 or with spaces, without echoing the value', () => {
    const problems = check({
      services: [{ name: 's', address: '10.0.0.1', port: 80, proxyProtocol: 'v1', migration: { port: 0, secret: 'short secret' } }],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['/services/0/migration/port', '/services/0/migration/secret', '/services/0/proxyProtocol']);
    expect(JSON.stringify(problems)).not.toContain('short secret');
    expect(check({ services: [{ name: 's', address: '10.0.0.1', port: 80, migration: { port: 9000, colour: 'x' } }] })).toEqual([
      { path: '/services/0/migration/colour', message: 'is not a known field' },
    ]);
  });

  it('needs a secret and proxyProtocol v2 for migration (API policy: an agent still serves such a service)', () => {
    const problems = validateDocument(normalizeDocument({ services: [{ name: 's', address: '10.0.0.1', port: 80, migration: { port: 9000 } }] }));
    expect(problems.map((p) => [p.code, p.path, p.serving])).toEqual([
      ['SPILLWAY_MIGRATION_SECRET_REQUIRED', '/migration/secret', false],
      ['SPILLWAY_MIGRATION_NEEDS_PROXY_PROTOCOL', '/proxyProtocol', false],
    ]);
  });
});

describe('the write-only migration secret', () => {
  const stored = normalizeDocument({
    services: [
      { name: 'a', address: '10.0.0.1', port: 80, proxyProtocol: 'v2', migration: { port: 9000, secret: SECRET } },
      { name: 'b', address: '10.0.0.2', port: 80 },
    ],
  });

  it('is removed from what an operator sees, leaving the port', () => {
    const shown = documentWithoutSecrets(stored);
    expect(shown.services[0]!.migration).toEqual({ port: 9000 });
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect(stored.services[0]!.migration!.secret).toBe(SECRET);
    expect(withoutSecrets(stored.services[1]!)).toBe(stored.services[1]);
    expect(documentWithoutSecrets(normalizeDocument({}))).toEqual(normalizeDocument({}));
  });

  it('is kept by a write that omits it, replaced by one that gives it, gone with migration', () => {
    const roundTrip = keepSecrets(stored, normalizeDocument(documentWithoutSecrets(stored)));
    expect(roundTrip).toEqual(stored);
    const replaced = keepSecrets(
      stored,
      normalizeDocument({ services: [{ ...stored.services[0], migration: { port: 9001, secret: 'another-secret-0123' } }] }),
    );
    expect(replaced.services[0]!.migration).toEqual({ port: 9001, secret: 'another-secret-0123' });
    const removed = keepSecrets(stored, normalizeDocument({ services: [{ ...stored.services[0], migration: undefined }] }));
    expect(removed.services[0]!.migration).toBeUndefined();
    const renamed = keepSecrets(stored, normalizeDocument({ services: [{ name: 'c', address: '10.0.0.3', port: 80, migration: { port: 9000 } }] }));
    expect(renamed.services[0]!.migration!.secret).toBeUndefined();
    const unchanged = normalizeDocument({ services: [{ name: 'b', address: '10.0.0.2', port: 80 }] });
    expect(keepSecrets(stored, unchanged)).toBe(unchanged);
  });
});
