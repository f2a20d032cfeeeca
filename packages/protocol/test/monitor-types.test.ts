// Monitor types of the contract (issue 16): udp, dns and agent are accepted with their own
// section (defaults filled in), and the rules refuse a section of another type, a type without
// its section (which no data plane can probe) and an expected address of the wrong family.
import { describe, expect, it } from 'vitest';
import { DocumentSpec, normalizeDocument, schemaCheck, validateDocument } from '../src/index.js';

const check = schemaCheck(DocumentSpec);
const monitors = [
  { name: 'echo', type: 'udp', udp: { send: 'ping', expect: 'pong' } },
  { name: 'dns-a', type: 'dns', dns: { query: 'example.test', expectAddress: '10.0.0.5' } },
  { name: 'feedback', type: 'agent', agent: { port: 9999 } },
];

describe('udp, dns and agent monitors', () => {
  it('are documents of the contract, normalized with their defaults, and break no rule', () => {
    expect(check({ monitors })).toEqual([]);
    const doc = normalizeDocument({ monitors });
    expect(doc.monitors.map((m) => [m.name, m.type, m.udp ?? m.dns ?? m.agent, m.http])).toEqual([
      ['dns-a', 'dns', { query: 'example.test', type: 'A', expectAddress: '10.0.0.5' }, undefined],
      ['echo', 'udp', { send: 'ping', expect: 'pong' }, undefined],
      ['feedback', 'agent', { port: 9999 }, undefined],
    ]);
    expect(validateDocument(doc)).toEqual([]);
    expect(normalizeDocument(doc)).toEqual(doc);
  });

  it('refuse an unknown record type or field of a section', () => {
    expect(
      check({
        monitors: [
          { name: 'd', type: 'dns', dns: { query: 'x.test', type: 'AXFR' } },
          { name: 'a', type: 'agent', agent: { port: 0 } },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        { path: '/monitors/0/dns/type', message: 'must be one of "A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"' },
        { path: '/monitors/1/agent/port', message: 'must be a port number (1-65535)' },
      ]),
    );
  });

  it('refuse a section of another type (API policy), a type without its section (serving) and an address of the wrong family', () => {
    const doc = normalizeDocument({
      monitors: [
        { name: 'u', type: 'udp', udp: { send: 'x' }, dns: { query: 'x.test' } },
        { name: 'd', type: 'dns' },
        { name: 't', type: 'tcp', agent: { port: 1 } },
        { name: 'six', type: 'dns', dns: { query: 'x.test', type: 'AAAA', expectAddress: '10.0.0.1' } },
      ],
    });
    expect(validateDocument(doc).map((p) => [p.name, p.path, p.message, p.serving])).toEqual([
      ['d', '/dns', 'type dns needs the dns section', true],
      ['six', '/dns/expectAddress', 'an AAAA answer is an IPv6 address', false],
      ['t', '/agent', 'the agent section needs type agent', false],
      ['u', '/dns', 'the dns section needs type dns', false],
    ]);
  });
});
