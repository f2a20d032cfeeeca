// A corpus of malformed requests thrown at every write route: none is accepted, none is a 5xx,
// every answer has the one error shape, and the database is exactly as before (full export and
// row counts of every table).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

const demo = JSON.parse(readFileSync(new URL('../../../../demo/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  expect((await h.call('PUT', '/v1/config', demo)).statusCode).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

async function databaseState(): Promise<unknown> {
  const p = h.db.prisma;
  const counts = await Promise.all([
    p.service.count(),
    p.monitor.count(),
    p.vServer.count(),
    p.serviceMonitor.count(),
    p.vServerService.count(),
    p.spilloverMethod.count(),
    p.apiToken.count(),
    p.agentToken.count(),
    p.agent.count(),
    p.quotaLease.count(),
    // Events written through the API (the agent hub records state changes of its own meanwhile).
    p.event.count({ where: { actor: { startsWith: 'token:' } } }),
  ]);
  const version = await p.configVersion.findMany();
  const rows = await Promise.all([
    p.service.findMany({ orderBy: { id: 'asc' } }),
    p.monitor.findMany({ orderBy: { id: 'asc' } }),
    p.vServer.findMany({ orderBy: { id: 'asc' } }),
    p.serviceMonitor.findMany({ orderBy: [{ serviceId: 'asc' }, { monitorId: 'asc' }] }),
    p.vServerService.findMany({ orderBy: [{ vserverId: 'asc' }, { serviceId: 'asc' }] }),
    p.spilloverMethod.findMany({ orderBy: { id: 'asc' } }),
    p.apiToken.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, role: true, hash: true } }),
  ]);
  const exported = (await h.call('GET', '/v1/config')).json();
  return JSON.parse(JSON.stringify({ counts, version, rows, exported }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

interface Route {
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  body: Record<string, unknown>;
  numbers: string[];
  names: string[];
}
const ROUTES: Route[] = [
  {
    method: 'POST',
    url: '/v1/services',
    body: { name: 'new-svc', address: '10.1.1.1', port: 80 },
    numbers: ['port', 'capacity', 'weight', 'monitorThreshold'],
    names: ['name'],
  },
  { method: 'PUT', url: '/v1/services/demo-1', body: { address: '10.1.1.1', port: 80 }, numbers: ['port', 'capacity', 'weight'], names: ['name'] },
  { method: 'PATCH', url: '/v1/services/demo-1', body: { capacity: 10 }, numbers: ['port', 'capacity', 'weight'], names: ['name'] },
  {
    method: 'POST',
    url: '/v1/monitors',
    body: { name: 'new-mon', type: 'tcp' },
    numbers: ['intervalMs', 'timeoutMs', 'fall', 'rise', 'weight'],
    names: ['name'],
  },
  { method: 'PUT', url: '/v1/monitors/demo-health', body: { type: 'tcp' }, numbers: ['intervalMs', 'timeoutMs', 'fall', 'rise', 'weight'], names: ['name'] },
  { method: 'PATCH', url: '/v1/monitors/demo-health', body: { fall: 2 }, numbers: ['intervalMs', 'timeoutMs', 'fall', 'rise', 'weight'], names: ['name'] },
  { method: 'POST', url: '/v1/vservers', body: { name: 'new-vs', protocol: 'http' }, numbers: [], names: ['name'] },
  { method: 'PUT', url: '/v1/vservers/demo', body: { protocol: 'http', listen: { port: 8081 } }, numbers: ['timeoutMs'], names: ['name'] },
  { method: 'PATCH', url: '/v1/vservers/demo', body: { lbMethod: 'roundrobin' }, numbers: [], names: ['name'] },
  { method: 'POST', url: '/v1/vservers/demo/services', body: { service: 'demo-3' }, numbers: ['weight'], names: ['service'] },
  { method: 'PUT', url: '/v1/vservers/demo/services/demo-3', body: { weight: 2 }, numbers: ['weight'], names: ['service', 'vserver'] },
  { method: 'PATCH', url: '/v1/vservers/demo/services/demo-1', body: { weight: 2 }, numbers: ['weight'], names: ['service'] },
  { method: 'POST', url: '/v1/services/demo-1/monitors', body: { monitor: 'demo-health', weight: 2 }, numbers: ['weight'], names: ['monitor'] },
  { method: 'PUT', url: '/v1/services/demo-1/monitors/demo-health', body: { weight: 2 }, numbers: ['weight'], names: ['monitor'] },
  { method: 'PATCH', url: '/v1/services/demo-1/monitors/demo-health', body: { weight: 2 }, numbers: ['weight'], names: ['monitor'] },
  { method: 'PUT', url: '/v1/config', body: { services: [{ name: 'x-1', address: '10.2.2.2', port: 81 }] }, numbers: [], names: [] },
  { method: 'POST', url: '/v1/api-tokens', body: { name: 'tok', role: 'reader' }, numbers: [], names: ['name'] },
  { method: 'POST', url: '/v1/agent-tokens', body: { name: 'atok', agent: 'edge' }, numbers: [], names: ['name', 'agent'] },
  { method: 'PUT', url: '/v1/api-tokens/tok2', body: { role: 'reader' }, numbers: [], names: ['name'] },
  { method: 'PATCH', url: '/v1/api-tokens/bootstrap', body: { role: 'admin' }, numbers: [], names: ['name'] },
  { method: 'PUT', url: '/v1/agent-tokens/atok2', body: { agent: 'edge' }, numbers: [], names: ['name', 'agent'] },
];

const BAD_NAMES = ['', ' ', 'wéb', '名前', 'web😀', 'web\u202Eevil', 'web\u0000', '-web', '.web', 'web/x', 'a'.repeat(64), 5, null, ['web'], { name: 'web' }];
const BAD_NUMBERS: unknown[] = [-1, -100000, 1e308, 1e20, 2 ** 53 + 1, 1.5, '80', true, null, [], {}];
const BAD_JSON = [
  '{',
  '{"name":}',
  '{"a":1}}',
  "{'a':1}",
  'NaN',
  '{"name":"x",}',
  '[1,2',
  '\u0000',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(20000)}${']'.repeat(20000)}`,
  '{"port": 1e400}',
];
const NOT_OBJECTS = ['[]', '"text"', '5', 'true', 'null'];

/** Applies `value` at `field` (a.b for nested) of a copy of `body`. */
function withField(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  if (field === 'timeoutMs' && body.protocol) return { ...body, surgeQueue: { timeoutMs: value } };
  return { ...body, [field]: value };
}

function corpus(r: Route): Array<{ label: string; payload: string; contentType?: string }> {
  const json = (label: string, v: unknown) => ({ label, payload: JSON.stringify(v) });
  const out = [
    ...NOT_OBJECTS.map((p) => ({ label: `not an object: ${p}`, payload: p })),
    ...BAD_JSON.map((p) => ({ label: `invalid JSON ${p.slice(0, 30)}`, payload: p })),
    json('unknown field', { ...r.body, colour: 'blue' }),
    json(
      'unknown nested field',
      r.url === '/v1/config' ? { services: [{ ...(r.body.services as object[])[0], colour: 'blue' }] } : { ...r.body, spillover: { colour: 'blue' } },
    ),
    { label: 'oversized body', payload: JSON.stringify({ ...r.body, padding: 'x'.repeat(r.url === '/v1/config' ? 33 * 1024 * 1024 : 1024 * 1024 + 10) }) },
    { label: 'wrong content type', payload: JSON.stringify(r.body), contentType: 'text/plain' },
    ...r.names.flatMap((f) => BAD_NAMES.map((n) => json(`${f} = ${JSON.stringify(n)}`, { ...r.body, [f]: n }))),
    // null resets a field in a PATCH and clears a binding's weight override: not bad input there.
    ...r.numbers.flatMap((f) =>
      BAD_NUMBERS.filter((n) => n !== null || !(r.method === 'PATCH' || f === 'weight')).map((n) =>
        json(`${f} = ${JSON.stringify(n)}`, withField(r.body, f, n)),
      ),
    ),
  ];
  if (r.url === '/v1/config') {
    const svc = (r.body.services as Array<Record<string, unknown>>)[0]!;
    out.push(
      json('negative capacity in a document', { services: [{ ...svc, capacity: -5 }] }),
      json('huge capacity in a document', { services: [{ ...svc, capacity: 1e15 }] }),
      json('empty name in a document', { services: [{ ...svc, name: '' }] }),
      json('unicode name in a document', { services: [{ ...svc, name: 'sérvice' }] }),
      json('services not an array', { services: { a: 1 } }),
      json('wrong type of a nested list', { vservers: [{ name: 'v', protocol: 'http', services: 'demo-1' }] }),
      json('semantically invalid document', { vservers: [{ name: 'v', protocol: 'http', listen: { port: 8080 } }] }),
    );
  }
  if (r.url.startsWith('/v1/vservers') && !r.url.includes('/services')) {
    out.push(
      json('negative listen port', { ...r.body, protocol: 'http', listen: { port: -1 } }),
      json('listen port 0', { ...r.body, protocol: 'http', listen: { port: 0 } }),
      json('negative threshold', { ...r.body, protocol: 'http', spillover: { methods: [{ type: 'connection', threshold: -1 }] } }),
      json('percent over 100', { ...r.body, protocol: 'http', spillover: { methods: [{ type: 'health', thresholdPercent: 101 }] } }),
      json('redirect URL not a URL', { ...r.body, protocol: 'http', spillover: { action: 'redirect', redirectUrl: 'javascript:alert(1)' } }),
      json('redirect URL with a control character', { ...r.body, protocol: 'http', spillover: { action: 'redirect', redirectUrl: 'https://x/\u0001' } }),
      json('listen host not an address', { ...r.body, protocol: 'http', listen: { port: 8082, host: 'every where' } }),
      json('upstream timeout 0', { ...r.body, protocol: 'http', timeoutMs: 0 }),
      json('upstream timeout a string', { ...r.body, protocol: 'http', timeoutMs: '30' }),
    );
  }
  return out;
}

describe('bad input', () => {
  it('is refused by every write route with a 4xx in the error shape, and the database does not change', async () => {
    const before = await databaseState();
    let requests = 0;
    for (const r of ROUTES) {
      for (const c of corpus(r)) {
        const res = await h.app.inject({
          method: r.method,
          url: r.url,
          payload: c.payload,
          headers: { authorization: `Bearer ${h.admin}`, 'content-type': c.contentType ?? 'application/json' },
        });
        requests += 1;
        const where = `${r.method} ${r.url} with ${c.label}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode >= 400 && res.statusCode < 500, where).toBe(true);
        expect(res.json(), where).toMatchObject({
          statusCode: res.statusCode,
          code: expect.stringMatching(/^SPILLWAY_/),
          error: expect.any(String),
          message: expect.any(String),
          details: expect.any(Array),
        });
      }
    }
    for (const path of ['w%C3%A9b', '%00', 'a'.repeat(64), '..', '%20']) {
      for (const base of [
        '/v1/services/',
        '/v1/monitors/',
        '/v1/vservers/',
        '/v1/api-tokens/',
        '/v1/agent-tokens/',
        '/v1/agents/',
        '/v1/vservers/demo/services/',
        '/v1/services/demo-1/monitors/',
      ]) {
        for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
          const res = await h.app.inject({
            method,
            url: `${base}${path}`,
            payload: method === 'DELETE' ? undefined : {},
            headers: { authorization: `Bearer ${h.admin}` },
          });
          requests += 1;
          expect(res.statusCode >= 400 && res.statusCode < 500, `${method} ${base}${path}: ${res.statusCode} ${res.body}`).toBe(true);
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(await databaseState()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
