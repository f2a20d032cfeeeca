import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeDocument, normalizeVServer, mergePatch, deepEqual, type NVServer } from '../../src/services/normalize.js';
import { planChanges, planOfWalk, walkChanges, effectiveDocument } from '../../src/services/plan.js';
import { validateDocument, referrers } from '../../src/services/validate.js';
import { generateToken, hashToken } from '../../src/services/tokens.js';
import { withObject } from '../../src/routes/objects.js';

const demo = JSON.parse(readFileSync(new URL('../../../../demo/config.json', import.meta.url), 'utf8')) as unknown;

const vs = (name: string, extra: Record<string, unknown> = {}) => ({ name, protocol: 'http', ...extra });
const codes = (doc: unknown) => validateDocument(normalizeDocument(doc)).map((p) => `${p.code} ${p.kind}:${p.name}${p.path}`);

describe('semantic validation of a whole document', () => {
  it('accepts the demo configuration', () => {
    expect(codes(demo)).toEqual([]);
  });

  it('finds a backup chain cycle and reports it on the vserver whose backup closes it', () => {
    const doc = {
      vservers: [
        vs('a', { spillover: { backup: 'b' } }),
        vs('b', { spillover: { backup: 'c' } }),
        vs('c', { spillover: { backup: 'a' } }),
        vs('d', { spillover: { backup: 'a' } }),
      ],
    };
    const problems = validateDocument(normalizeDocument(doc));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE',
      name: 'c',
      path: '/spillover/backup',
      message: expect.stringContaining('backup chain a → b → c → a forms a cycle'),
    });
  });

  it('refuses a vserver that is its own backup', () => {
    expect(codes({ vservers: [vs('a', { spillover: { backup: 'a' } })] })).toEqual(['SPILLWAY_SPILLOVER_CHAIN_CYCLE vserver:a/spillover/backup']);
  });

  it('refuses a backup of another protocol, two vservers on one port, redirect without URL or on tcp', () => {
    expect(
      codes({
        vservers: [
          vs('h', { listen: { port: 80 }, spillover: { backup: 't', action: 'redirect' } }),
          { name: 't', protocol: 'tcp', listen: { port: 80 }, spillover: { action: 'redirect', redirectUrl: 'http://x/' } },
        ],
      }),
    ).toEqual([
      'SPILLWAY_LISTEN_PORT_CONFLICT vserver:t/listen/port',
      'SPILLWAY_REDIRECT_URL_REQUIRED vserver:h/spillover/redirectUrl',
      'SPILLWAY_BACKUP_PROTOCOL_MISMATCH vserver:h/spillover/backup',
      'SPILLWAY_REDIRECT_NEEDS_HTTP vserver:t/spillover/action',
    ]);
  });

  it('refuses thresholds of the wrong kind for their method, missing thresholds and repeated methods', () => {
    expect(
      codes({
        vservers: [
          vs('a', {
            spillover: {
              methods: [
                { type: 'connection', thresholdPercent: 50 },
                { type: 'dynamicconnection', threshold: 10 },
                { type: 'health', thresholdPercent: 50, direction: 'in' },
                { type: 'health', thresholdPercent: 60 },
              ],
            },
          }),
        ],
      }),
    ).toEqual([
      'SPILLWAY_THRESHOLD_KIND_MISMATCH vserver:a/spillover/methods/0/thresholdPercent',
      'SPILLWAY_THRESHOLD_KIND_MISMATCH vserver:a/spillover/methods/0/threshold',
      'SPILLWAY_THRESHOLD_KIND_MISMATCH vserver:a/spillover/methods/1/threshold',
      'SPILLWAY_THRESHOLD_KIND_MISMATCH vserver:a/spillover/methods/2/direction',
      'SPILLWAY_SPILLOVER_METHOD_DUPLICATE vserver:a/spillover/methods/3/type',
    ]);
  });

  it('refuses unknown references, duplicate bindings and names, and monitor rules that cannot hold', () => {
    expect(
      codes({
        monitors: [{ name: 'm', type: 'tcp', intervalMs: 1000, timeoutMs: 1000, http: { path: '/' } }],
        services: [
          { name: 's', address: 'a', port: 1, protocol: 'tcp', monitors: [{ monitor: 'm' }, { monitor: 'm' }, { monitor: 'x' }] },
          { name: 's2', address: 'a', port: 1, protocol: 'tcp', monitors: [{ monitor: 'm' }], monitorThreshold: 2 },
        ],
        vservers: [vs('v', { services: [{ service: 's' }, { service: 'nope' }], spillover: { backup: 'ghost' } }), vs('v2'), vs('v2')],
      }),
    ).toEqual([
      'SPILLWAY_DUPLICATE_NAME vserver:v2/name',
      'SPILLWAY_MONITOR_TIMEOUT_TOO_LONG monitor:m/timeoutMs',
      'SPILLWAY_MONITOR_TYPE_MISMATCH monitor:m/http',
      'SPILLWAY_DUPLICATE_BINDING service:s/monitors/1/monitor',
      'SPILLWAY_UNKNOWN_REFERENCE service:s/monitors/2/monitor',
      'SPILLWAY_MONITOR_THRESHOLD_UNREACHABLE service:s2/monitorThreshold',
      'SPILLWAY_UNKNOWN_REFERENCE vserver:v/services/0/service',
      'SPILLWAY_UNKNOWN_REFERENCE vserver:v/spillover/backup',
    ]);
  });

  it('names the referrers of an object', () => {
    const doc = normalizeDocument(demo);
    expect(referrers(doc, 'monitor', 'demo-health').map((r) => r.name)).toEqual(['demo-1', 'demo-2', 'demo-3']);
    expect(referrers(doc, 'service', 'demo-3')).toEqual([{ kind: 'vserver', name: 'demo-overflow', path: '/vservers/demo-overflow/services/demo-3' }]);
    expect(referrers(doc, 'vserver', 'demo-overflow')).toEqual([{ kind: 'vserver', name: 'demo', path: '/vservers/demo/spillover/backup' }]);
  });
});

describe('normalization and plans', () => {
  it('treats omitted defaults and spelled-out defaults as the same configuration', () => {
    const short = normalizeVServer({ name: 'a', protocol: 'tcp' });
    const long = normalizeVServer({
      name: 'a',
      protocol: 'tcp',
      listen: null,
      lbMethod: 'roundrobin',
      services: [],
      persistence: { type: 'none', timeoutSeconds: 120 },
      spillover: { methods: [], combine: 'any', backup: null, action: 'accept', persistenceTimeoutSeconds: 0 },
      surgeQueue: { length: 0, timeoutMs: 5000 },
      version: 9,
    });
    expect(deepEqual(short, long)).toBe(true);
  });

  it('lists each changed value of an update field by field, nested objects walked to their leaves', () => {
    const cur = normalizeDocument(demo);
    const v = (demo as { vservers: Array<Record<string, unknown>> }).vservers[0]!;
    const desired = normalizeDocument({
      ...(demo as object),
      vservers: [
        { ...v, listen: null, spillover: { methods: [{ type: 'connection', threshold: 5 }], action: 'accept' } },
        (demo as { vservers: object[] }).vservers[1],
      ],
    });
    const [change] = planChanges(cur, desired, false).changes;
    expect(change).toEqual({
      action: 'update',
      kind: 'vserver',
      name: 'demo',
      fields: ['listen', 'spillover'],
      diff: [
        { path: '/listen', before: { port: 8080, host: '0.0.0.0' }, after: null },
        { path: '/spillover/methods', before: [{ type: 'dynamicconnection' }], after: [{ type: 'connection', threshold: 5 }] },
        { path: '/spillover/backup', before: 'demo-overflow' },
        { path: '/spillover/action', before: 'drop', after: 'accept' },
        { path: '/spillover/persistenceTimeoutSeconds', before: 60, after: 0 },
      ],
    });
  });

  it('plans nothing when the normalized export is applied again', () => {
    const doc = normalizeDocument(demo);
    const again = normalizeDocument(JSON.parse(JSON.stringify(doc)));
    expect(planChanges(doc, again, true)).toEqual({ changes: [], summary: { create: 0, update: 0, delete: 0 } });
  });

  it('plans creates, updates with their fields, and deletes only with prune', () => {
    const cur = normalizeDocument(demo);
    const desired = normalizeDocument({
      ...(demo as object),
      vservers: [{ ...(demo as { vservers: object[] }).vservers[1], lbMethod: 'leastconn' }, vs('new')],
    });
    expect(planChanges(cur, desired, false).changes).toEqual([
      {
        action: 'update',
        kind: 'vserver',
        name: 'demo-overflow',
        fields: ['lbMethod'],
        diff: [{ path: '/lbMethod', before: 'roundrobin', after: 'leastconn' }],
      },
      { action: 'create', kind: 'vserver', name: 'new' },
    ]);
    expect(planChanges(cur, desired, true).changes.at(-1)).toEqual({ action: 'delete', kind: 'vserver', name: 'demo' });
    expect(effectiveDocument(cur, desired, false).vservers.map((v) => v.name)).toEqual(['demo', 'demo-overflow', 'new']);
  });

  it('plans a write of a few objects from the objects it replaced, as the whole-document plan does', () => {
    const cur = normalizeDocument(demo);
    const second = cur.vservers[1] as NVServer;
    // What a REST write leaves: the same objects, one replaced, one added in name order, one removed.
    const changed = { ...second, lbMethod: 'leastconn' as const };
    const added = normalizeVServer(vs('demo-zz'));
    const desired = { ...cur, vservers: [changed, added], services: cur.services.slice(1) };
    const walk = walkChanges(cur, desired, 16);
    expect(walk && planOfWalk(walk)).toEqual(planChanges(cur, desired, true));
    expect(
      walk?.vserver.map((p) => [p.before === undefined ? null : (p.before as NVServer).name, p.after === undefined ? null : (p.after as NVServer).name]),
    ).toEqual([
      ['demo', null],
      ['demo-overflow', 'demo-overflow'],
      [null, 'demo-zz'],
    ]);
    // A document out of name order, a name twice, or more changes than allowed: the whole documents are compared.
    expect(walkChanges(cur, { ...desired, vservers: [added, changed] }, 16)).toBeNull();
    expect(walkChanges(cur, { ...desired, vservers: [changed, changed] }, 16)).toBeNull();
    expect(walkChanges(cur, desired, 2)).toBeNull();
    // A document applied again (equal copies of every object): nothing to plan, however small `max`.
    const again = normalizeDocument(structuredClone(demo));
    const none = walkChanges(cur, again, 0);
    expect(none && planOfWalk(none)).toEqual(planChanges(cur, again, true));
    expect(none && planOfWalk(none).changes).toEqual([]);
  });

  it('puts a written object in its place by name, replacing one of the same name, as a sort of the list would', () => {
    const cur = normalizeDocument(demo);
    for (const name of ['a', 'demo-2', 'demo-25', 'zz']) {
      const o = { ...cur.services[0]!, name };
      const sortedList = [...cur.services.filter((x) => x.name !== name), o].sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(withObject(cur, 'service', o).services).toEqual(sortedList);
    }
    // Out of name order: the list is filtered and sorted as a whole.
    const shuffled = { ...cur, services: [...cur.services].reverse() };
    expect(withObject(shuffled, 'service', { ...cur.services[0]!, capacity: 1 }).services.map((x) => x.name)).toEqual(cur.services.map((x) => x.name));
  });

  it('merges a PATCH: null resets to the default, nested objects merge, arrays replace', () => {
    const cur = normalizeVServer({
      name: 'a',
      protocol: 'http',
      lbMethod: 'leastconn',
      spillover: { backup: 'b', action: 'drop', methods: [{ type: 'dynamicconnection' }] },
    });
    const merged = normalizeVServer(mergePatch(cur, { lbMethod: null, spillover: { backup: null, methods: [{ type: 'health', thresholdPercent: 50 }] } }));
    expect(merged.lbMethod).toBe('roundrobin');
    expect(merged.spillover).toEqual({ methods: [{ type: 'health', thresholdPercent: 50 }], combine: 'any', action: 'drop', persistenceTimeoutSeconds: 0 });
  });
});

describe('tokens', () => {
  it('are spw_ + 32 random bytes and hash to a stable sha256', () => {
    const t = generateToken();
    expect(t).toMatch(/^spw_[A-Za-z0-9_-]{43}$/);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(generateToken()).not.toBe(t);
  });
});
