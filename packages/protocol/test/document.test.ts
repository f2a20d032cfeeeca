// The contract's document module: a check names each bad field once, and normalization makes
// equivalent documents equal.
import { describe, expect, it } from 'vitest';
import { AgentFile, DEFAULTS, DocumentSpec, normalizeDocument, schemaCheck } from '../src/index.js';

const checkDocument = schemaCheck(DocumentSpec);
const checkFile = schemaCheck(AgentFile);

describe('a document checked against the contract', () => {
  it('gets one problem per bad field, by JSON path, with the allowed values of an enumeration', () => {
    const problems = checkDocument({
      vservers: [{ name: 'web', protocol: 'http', listen: { port: 8080 }, lbMethod: 'fastest', timeoutMs: 'soon', colour: 'blue' }],
      services: 'none',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/vservers/0/lbMethod', message: 'must be one of "roundrobin", "leastconn", "weighted", "availablecapacity"' },
        { path: '/vservers/0/colour', message: 'is not a known field' },
        { path: '/services', message: 'must be a list' },
      ]),
    );
    expect(problems.find((p) => p.path === '/vservers/0/timeoutMs')).toBeDefined();
    expect(new Set(problems.map((p) => p.path)).size).toBe(problems.length);
  });

  it('says what a value must be, inside a nullable object too', () => {
    const problems = checkDocument({
      services: [{ name: 's', address: '10.0.0.1', port: 'x' }],
      vservers: [{ name: 'v', protocol: 'http', listen: { port: 70000 }, spillover: { redirectUrl: 5 } }],
    });
    expect(problems).toEqual([
      { path: '/services/0/port', message: 'must be a port number (1-65535)' },
      { path: '/vservers/0/listen/port', message: 'must be a port number (1-65535)' },
      { path: '/vservers/0/spillover/redirectUrl', message: 'must be a string of 1 to 2048 characters matching ^https?://[^\\s]+$ or null' },
    ]);
  });

  it('accepts listen port 0 in a standalone agent file only, and an agent section only there', () => {
    const doc = { vservers: [{ name: 'web', protocol: 'tcp', listen: { port: 0 } }] };
    expect(checkFile({ ...doc, agent: { workers: 0 } })).toEqual([]);
    expect(checkDocument(doc).map((p) => p.path)).toEqual(['/vservers/0/listen/port']);
    expect(checkDocument({ agent: { workers: 0 } }).map((p) => p.path)).toEqual(['/agent']);
  });

  it('accepts its own normalized form, and normalizes a document with defaults spelled out and one without them to the same value', () => {
    const bare = { services: [{ name: 's', address: '10.0.0.1', port: 80 }], vservers: [{ name: 'v', protocol: 'tcp', services: [{ service: 's' }] }] };
    const normalized = normalizeDocument(bare);
    expect(checkDocument(normalized)).toEqual([]);
    expect(normalizeDocument(normalized)).toEqual(normalized);
    const spelled = {
      services: [{ ...bare.services[0], ...DEFAULTS.service, monitors: [] }],
      vservers: [{ ...bare.vservers[0], listen: null, persistence: DEFAULTS.persistence, surgeQueue: DEFAULTS.surgeQueue }],
    };
    expect(normalizeDocument(spelled)).toEqual(normalized);
  });
});
