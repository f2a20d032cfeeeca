// Content-switching vservers in the contract (issue 17): their normal form, the rules a document of
// switches must satisfy (targets, cycles, protocols, safe patterns) with the path of each problem,
// and the pattern and CIDR matching the agent uses.
import { describe, expect, it } from 'vitest';
import {
  cidrMatcher,
  compilePattern,
  DocumentSpec,
  normalizeDocument,
  patternProblem,
  schemaCheck,
  validateChange,
  validateDocument,
  type DocumentChange,
} from '../src/index.js';

const lb = (name: string, extra: Record<string, unknown> = {}) => ({ name, protocol: 'http', ...extra });
const cs = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({
  name,
  protocol: 'http',
  type: 'contentswitch',
  listen: { port: 8080 },
  rules,
  ...extra,
});
const problemsOf = (vservers: unknown[]) =>
  validateDocument(normalizeDocument({ vservers }, 'given')).map((p) => ({ code: p.code, name: p.name, path: p.path }));

describe('a content switch in normal form', () => {
  it('keeps its rules in their order with the match fields given, and spells type out for a switch only', () => {
    const doc = normalizeDocument({
      vservers: [
        cs('front', [
          { name: 'z', match: { extension: 'JPG' }, target: 'img' },
          { match: { header: { name: 'X-Tier', value: 'gold' } }, target: 'api' },
        ]),
        lb('img'),
        lb('api'),
      ],
    });
    const front = doc.vservers.find((v) => v.name === 'front')!;
    expect(front.type).toBe('contentswitch');
    expect(front.rules).toEqual([
      { name: 'z', match: { extension: 'jpg' }, target: 'img' },
      { match: { header: { name: 'x-tier', value: 'gold' } }, target: 'api' },
    ]);
    const img = doc.vservers.find((v) => v.name === 'img')!;
    expect('type' in img || 'rules' in img || 'default' in img).toBe(false);
  });

  it('passes the schema with every match field, and refuses an unknown one by path', () => {
    const check = schemaCheck(DocumentSpec);
    const match = {
      host: '*.example.com',
      pathPrefix: '/api/',
      pathRegex: '^/v[0-9]+/',
      extension: 'jpg',
      method: 'GET',
      header: { name: 'x-a', regex: '^b' },
      sourceCidr: '10.0.0.0/8',
    };
    expect(check({ vservers: [cs('front', [{ match, target: 'api' }], { default: 'api' }), lb('api')] })).toEqual([]);
    expect(check({ vservers: [cs('front', [{ match: { url: '/' }, target: 'api' }])] })).toEqual([
      { path: '/vservers/0/rules/0/match/url', message: 'is not a known field' },
    ]);
  });
});

describe('the rules of content switches', () => {
  it('accepts a switch whose rules and default name http vservers, a switch among them', () => {
    const vservers = [
      cs(
        'front',
        [
          { match: { pathPrefix: '/api/' }, target: 'api' },
          { match: { host: 'img.example.com' }, target: 'media' },
        ],
        { default: 'api' },
      ),
      cs('media', [{ match: { extension: 'jpg' }, target: 'img' }], { listen: null, default: 'api' }),
      lb('img', { spillover: { backup: 'img-2', methods: [{ type: 'bandwidth', thresholdKbps: 5000 }] } }),
      lb('img-2'),
      lb('api'),
    ];
    expect(problemsOf(vservers)).toEqual([]);
  });

  it('refuses an unknown target, a tcp target, and a switch targeting itself, each at its path', () => {
    const vservers = [
      cs('front', [
        { match: { extension: 'jpg' }, target: 'nope' },
        { match: { extension: 'gif' }, target: 'raw' },
        { match: { extension: 'png' }, target: 'front' },
      ]),
      { name: 'raw', protocol: 'tcp' },
    ];
    expect(problemsOf(vservers)).toEqual([
      { code: 'SPILLWAY_UNKNOWN_REFERENCE', name: 'front', path: '/rules/0/target' },
      { code: 'SPILLWAY_CONTENT_TARGET_PROTOCOL_MISMATCH', name: 'front', path: '/rules/1/target' },
      { code: 'SPILLWAY_CONTENT_SWITCH_CYCLE', name: 'front', path: '/rules/2/target' },
    ]);
  });

  it('refuses a chain of switches that comes back to one of them', () => {
    const vservers = [
      cs('a', [{ match: { method: 'GET' }, target: 'b' }]),
      cs('b', [{ match: { method: 'GET' }, target: 'c' }], { listen: null }),
      cs('c', [], { listen: null, default: 'a' }),
    ];
    const p = problemsOf(vservers);
    expect(p).toEqual([{ code: 'SPILLWAY_CONTENT_SWITCH_CYCLE', name: 'c', path: '/default' }]);
  });

  it('refuses the classic catastrophic pattern (a+)+$ and any repeated group holding a quantifier, and a pattern that is not RE2', () => {
    expect(patternProblem('(a+)+$')).toMatch(/nested quantifiers/);
    expect(patternProblem('^(x*y?){2,}$')).toMatch(/nested quantifiers/);
    expect(patternProblem('(a)\\1')).toMatch(/RE2 syntax/);
    expect(patternProblem('(?=a)')).toMatch(/RE2 syntax/);
    for (const ok of ['\\.(jpg|gif)$', '^/api/v[0-9]+/users/[^/]+$', '(ab)?c+', '[(+]+', '\\(a+\\)+', '(a+)?b']) expect(patternProblem(ok), ok).toBeNull();
    expect(
      problemsOf([
        cs('front', [
          { match: { pathRegex: '(a+)+$' }, target: 'api' },
          { match: { header: { name: 'x-a', regex: '(.*)*' } }, target: 'api' },
        ]),
        lb('api'),
      ]),
    ).toEqual([
      { code: 'SPILLWAY_UNSAFE_PATTERN', name: 'front', path: '/rules/0/match/pathRegex' },
      { code: 'SPILLWAY_UNSAFE_PATTERN', name: 'front', path: '/rules/1/match/header/regex' },
    ]);
  });

  it('refuses an empty match, a header with both a value and a regex, a bad CIDR and a repeated rule name', () => {
    expect(
      problemsOf([
        cs('front', [
          { name: 'r', match: {}, target: 'api' },
          { name: 'r', match: { header: { name: 'x-a', value: 'b', regex: 'c' } }, target: 'api' },
          { match: { sourceCidr: '10.0.0.0/33' }, target: 'api' },
        ]),
        lb('api'),
      ]),
    ).toEqual([
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/rules/0/match' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/rules/1/name' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/rules/1/match/header' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/rules/2/match/sourceCidr' },
    ]);
  });

  it('refuses rules on a load-balancing vserver, a tcp switch, a switch with services, methods or a backup, and a switch as a backup', () => {
    expect(
      problemsOf([
        lb('plain', { rules: [], default: 'api', spillover: { backup: 'front' } }),
        cs('front', [], { protocol: 'tcp', services: [{ service: 's' }], spillover: { methods: [{ type: 'connection', threshold: 1 }], backup: 'api' } }),
        lb('api'),
      ]).filter((p) => p.code === 'SPILLWAY_CONTENT_SWITCH_INVALID'),
    ).toEqual([
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'plain', path: '/spillover/backup' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'plain', path: '/rules' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'plain', path: '/default' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/type' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/services' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/spillover/methods' },
      { code: 'SPILLWAY_CONTENT_SWITCH_INVALID', name: 'front', path: '/spillover/backup' },
    ]);
  });

  it('finds, on a change of a target alone, what it breaks in the switches that name it (removed, turned tcp, closing a cycle)', () => {
    const before = [cs('front', [{ match: { extension: 'jpg' }, target: 'img' }]), cs('img', [], { listen: null, default: 'api' }), lb('api')];
    const change = (vservers: string[], removed: string[] = []): DocumentChange => ({
      upserted: { services: [], monitors: [], vservers },
      removed: { services: [], monitors: [], vservers: removed },
      formerPorts: [],
    });
    const removed = normalizeDocument({ vservers: [before[0], before[2]] });
    expect(validateChange(removed, change([], ['img'])).map((p) => p.path)).toEqual(['/rules/0/target']);
    const tcp = normalizeDocument({ vservers: [before[0], before[1], { name: 'api', protocol: 'tcp' }] });
    expect(validateChange(tcp, change(['api'])).map((p) => p.code)).toContain('SPILLWAY_CONTENT_TARGET_PROTOCOL_MISMATCH');
    const loop = normalizeDocument({ vservers: [before[0], cs('img', [], { listen: null, default: 'front' }), lb('api')] });
    expect(validateChange(loop, change(['img'])).map((p) => p.code)).toContain('SPILLWAY_CONTENT_SWITCH_CYCLE');
  });
});

describe('matching', () => {
  it('matches a pattern in time linear in the text, where a backtracking engine takes exponential time', () => {
    // (a|a)*b backtracks exponentially in a backtracking engine (irregexp takes seconds at 30 a's).
    const p = compilePattern('^(a|aa)*c$');
    const text = 'a'.repeat(50_000);
    const t0 = performance.now();
    expect(p.test(text)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(compilePattern('\\.(jpg|gif)$').test('/img/cat.gif')).toBe(true);
    expect(() => compilePattern('(a+)+$')).toThrow(/nested quantifiers/);
    // An anchored literal prefix is checked first: the same answers.
    for (const [p, text, want] of [
      ['^/v[0-9]+/', '/v2/x', true],
      ['^/v[0-9]+/', '/x', false],
      ['^/ab?c', '/ac', true],
      ['^/x{2}', '/x', false],
      ['^a|b', 'b', true],
    ] as const)
      expect(compilePattern(p).test(text), `${p} ${text}`).toBe(want);
  });

  it('matches client addresses against a CIDR, IPv4-mapped IPv6 clients included', () => {
    const inside = cidrMatcher('10.1.0.0/16');
    expect(inside('10.1.2.3')).toBe(true);
    expect(inside('::ffff:10.1.2.3')).toBe(true);
    expect(inside('10.2.0.1')).toBe(false);
    expect(cidrMatcher('2001:db8::/32')('2001:db8::1')).toBe(true);
    expect(cidrMatcher('127.0.0.1')('127.0.0.1')).toBe(true);
    expect(cidrMatcher('127.0.0.1')('127.0.0.2')).toBe(false);
    expect(cidrMatcher('0.0.0.0/0')('8.8.8.8')).toBe(true);
    expect(cidrMatcher('2001:db8::/32')('2001:db9::1')).toBe(false);
    expect(cidrMatcher('fe80::/10')('fe80::1:2')).toBe(true);
    expect(cidrMatcher('fe80::/10')('fec0::1')).toBe(false);
    expect(cidrMatcher('2001:db8:abcd::/48')('2001:db8:abcd:12::1')).toBe(true);
    expect(cidrMatcher('10.0.0.0/8')('2001:db8::1')).toBe(false);
    expect(cidrMatcher('10.0.0.0/8')('')).toBe(false);
  });
});
