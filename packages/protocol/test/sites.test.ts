// The sites of the contract (docs/SITES.md): the `sites` section, a service's `site`, a vserver's
// `siteBalancing`, their defaults and the rules that refer to sites.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DocumentSpec, normalizeDocument, schemaCheck, SiteWeights, validateDocument } from '../src/index.js';
import { Value } from '@sinclair/typebox/value';

const doc = {
  sites: [{ name: 'site-b', peer: { url: 'https://cp.b.example:3000' } }, { name: 'site-a' }],
  services: [
    { name: 'a-1', address: '10.0.0.1', port: 80, site: 'site-a' },
    { name: 'shared', address: '10.0.0.9', port: 80 },
  ],
  vservers: [
    { name: 'web', protocol: 'tcp', listen: { port: 8080 }, siteBalancing: true, services: [{ service: 'a-1' }] },
    { name: 'plain', protocol: 'tcp', listen: { port: 8081 }, siteBalancing: false },
  ],
};

describe('sites in the document', () => {
  it('normalizes the sites sorted with their exchange interval, a service’s site, and siteBalancing spelled out only when on', () => {
    const n = normalizeDocument(doc);
    expect(n.sites).toEqual([
      { name: 'site-a', exchangeIntervalMs: DEFAULTS.site.exchangeIntervalMs },
      { name: 'site-b', exchangeIntervalMs: DEFAULTS.site.exchangeIntervalMs, peer: { url: 'https://cp.b.example:3000' } },
    ]);
    expect(n.services.find((s) => s.name === 'a-1')?.site).toBe('site-a');
    expect(n.services.find((s) => s.name === 'shared')).not.toHaveProperty('site');
    expect(n.vservers.find((v) => v.name === 'web')?.siteBalancing).toBe(true);
    expect(n.vservers.find((v) => v.name === 'plain')).not.toHaveProperty('siteBalancing');
    // No sites: no section (documents without sites normalize as before).
    expect(normalizeDocument({ services: [], vservers: [] })).not.toHaveProperty('sites');
    expect(schemaCheck(DocumentSpec)(doc)).toEqual([]);
    expect(validateDocument(n)).toEqual([]);
  });

  it('refuses a service of an unknown site and two sites of one name (the API’s policy: agents get no sites section)', () => {
    const n = normalizeDocument({ ...doc, sites: [{ name: 'site-a' }, { name: 'site-a' }], services: [{ ...doc.services[0], site: 'site-x' }] });
    const problems = validateDocument(n).map((p) => [p.code, p.kind, p.name, p.path, p.serving]);
    expect(problems).toContainEqual(['SPILLWAY_UNKNOWN_REFERENCE', 'service', 'a-1', '/site', false]);
    expect(problems).toContainEqual(['SPILLWAY_DUPLICATE_NAME', 'site', 'site-a', '/name', false]);
    expect(schemaCheck(DocumentSpec)({ sites: [{ name: 'x', exchangeIntervalMs: 10 }] }).map((p) => p.path)).toEqual(['/sites/0/exchangeIntervalMs']);
  });

  it('site-weights is a control message with each site’s availability per vserver and the sites’ agent addresses', () => {
    expect(Value.Check(SiteWeights, { type: 'site-weights', vservers: { web: { 'site-a': 10, 'site-b': 0 } }, agents: { 'site-b': ['10.0.1.5'] } })).toBe(true);
    expect(Value.Check(SiteWeights, { type: 'site-weights', vservers: { web: { 'site-a': -1 } }, agents: {} })).toBe(false);
  });
});
