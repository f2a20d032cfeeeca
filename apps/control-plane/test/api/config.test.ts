// Declarative config, idempotent writes, concurrency and events against the real Postgres.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/routes/http.js';
import { startApi, type ApiHarness } from './helpers.js';

const demo = JSON.parse(readFileSync(new URL('../../../../demo/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const EMPTY = { changes: [], summary: { create: 0, update: 0, delete: 0 } };

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

describe('declarative config', () => {
  it('plans without changing anything on dryRun, applies in one go, and plans nothing the second time', async () => {
    const dry = await h.call('PUT', '/v1/config?dryRun=true', demo);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, applied: false, version: 0, plan: { summary: { create: 6, update: 0, delete: 0 } } });
    expect((await h.call('GET', '/v1/config')).json()).toEqual({ version: 0, services: [], monitors: [], vservers: [] });

    const first = await h.call('PUT', '/v1/config', demo);
    expect(first.json()).toMatchObject({ dryRun: false, applied: true, version: 1, plan: { summary: { create: 6, update: 0, delete: 0 } } });
    const second = await h.call('PUT', '/v1/config', demo);
    expect(second.json()).toEqual({ dryRun: false, applied: false, version: 1, plan: EMPTY });
  });

  it('exports a document that applies unchanged with an empty plan', async () => {
    const exported = await h.call('GET', '/v1/config');
    expect(exported.headers.etag).toBe('"1"');
    const again = await h.call('PUT', '/v1/config?prune=true', exported.json());
    expect(again.json()).toEqual({ dryRun: false, applied: false, version: 1, plan: EMPTY });
  });

  it('refuses the stored document again with an object named twice (an empty plan is not a valid one)', async () => {
    const doc = (await h.call('GET', '/v1/config')).json<{ services: unknown[] }>();
    for (const prune of [false, true]) {
      const res = await h.call('PUT', `/v1/config?prune=${prune}`, { ...doc, services: [...doc.services, doc.services[0]] });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'SPILLWAY_DUPLICATE_NAME' });
    }
  });

  it('updates what changed, keeps what the document omits without prune, deletes it with prune', async () => {
    const doc = structuredClone(demo) as { services: Array<Record<string, unknown>>; vservers: Array<Record<string, unknown>>; monitors: unknown[] };
    doc.services = doc.services.filter((s) => s.name !== 'demo-3').map((s) => (s.name === 'demo-1' ? { ...s, capacity: 80 } : s));
    doc.vservers = doc.vservers
      .filter((v) => v.name === 'demo')
      .map((v) => ({ ...v, spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' } }));
    const keep = await h.call('PUT', '/v1/config', doc);
    expect(keep.json().plan.changes).toEqual([
      { action: 'update', kind: 'service', name: 'demo-1', fields: ['capacity'], diff: [{ path: '/capacity', before: 50, after: 80 }] },
      {
        action: 'update',
        kind: 'vserver',
        name: 'demo',
        fields: ['spillover'],
        diff: [
          { path: '/spillover/backup', before: 'demo-overflow' },
          { path: '/spillover/persistenceTimeoutSeconds', before: 60, after: 0 },
        ],
      },
    ]);
    expect((await h.call('GET', '/v1/vservers/demo-overflow')).statusCode).toBe(200);
    const plan = await h.call('PUT', '/v1/config?prune=true&dryRun=true', doc);
    expect(plan.json().plan.changes).toEqual([
      { action: 'delete', kind: 'vserver', name: 'demo-overflow' },
      { action: 'delete', kind: 'service', name: 'demo-3' },
    ]);
    const pruned = await h.call('PUT', '/v1/config?prune=true', doc);
    expect(pruned.json()).toMatchObject({ applied: true, version: 3, plan: { summary: { create: 0, update: 0, delete: 2 } } });
    expect((await h.call('GET', '/v1/vservers/demo-overflow')).statusCode).toBe(404);
    expect((await h.call('GET', '/v1/services/demo-3')).statusCode).toBe(404);
    const back = await h.call('PUT', '/v1/config?prune=true', demo);
    expect(back.json()).toMatchObject({ applied: true, plan: { summary: { create: 2, update: 2, delete: 0 } } });
  });

  it('lets a listen port pass from one vserver to another within one apply (swap, and delete + create)', async () => {
    const base = { services: [], monitors: [] };
    await h.call('PUT', '/v1/vservers/pa', { protocol: 'tcp', listen: { port: 7001 } });
    await h.call('PUT', '/v1/vservers/pb', { protocol: 'tcp', listen: { port: 7002 } });
    const swap = await h.call('PUT', '/v1/config', {
      ...base,
      vservers: [
        { name: 'pa', protocol: 'tcp', listen: { port: 7002 } },
        { name: 'pb', protocol: 'tcp', listen: { port: 7001 } },
      ],
    });
    expect(swap.statusCode, swap.body).toBe(200);
    expect((await h.call('GET', '/v1/vservers/pa')).json().listen).toEqual({ port: 7002, host: '0.0.0.0' });
    const doc = (await h.call('GET', '/v1/config')).json();
    doc.vservers = doc.vservers.filter((v: { name: string }) => v.name !== 'pa').concat([{ name: 'pc', protocol: 'tcp', listen: { port: 7002 } }]);
    const moved = await h.call('PUT', '/v1/config?prune=true', doc);
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await h.call('GET', '/v1/vservers/pc')).json().listen).toEqual({ port: 7002, host: '0.0.0.0' });
    const cleanup = await h.call('PUT', '/v1/config?prune=true', demo);
    expect(cleanup.statusCode, cleanup.body).toBe(200);
  });

  it('honours If-Match on the global version for a declarative apply', async () => {
    const cur = await h.call('GET', '/v1/config');
    const stale = await h.call('PUT', '/v1/config', demo, { headers: { 'if-match': `"${cur.json().version - 1}"` } });
    expect(stale.json()).toMatchObject({ statusCode: 412, code: 'SPILLWAY_API_VERSION_MISMATCH' });
    const ok = await h.call('PUT', '/v1/config', demo, { headers: { 'if-match': cur.headers.etag as string } });
    expect(ok.statusCode).toBe(200);
  });

  it('an invalid document changes nothing', async () => {
    const before = (await h.call('GET', '/v1/config')).json();
    const bad = structuredClone(demo) as { vservers: Array<{ spillover: Record<string, unknown> }> };
    bad.vservers[1]!.spillover.backup = 'demo';
    const res = await h.call('PUT', '/v1/config?prune=true', bad);
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'SPILLWAY_SPILLOVER_CHAIN_CYCLE' });
    expect((await h.call('GET', '/v1/config')).json()).toEqual(before);
  });
});

describe('no drift for provisioning tools', () => {
  it('GET → PUT unchanged keeps the version and writes no event, for every kind and binding', async () => {
    const events = (await h.call('GET', '/v1/events?actor=token:bootstrap&order=desc&limit=1')).json().items[0].id as string;
    for (const url of [
      '/v1/services/demo-1',
      '/v1/monitors/demo-health',
      '/v1/vservers/demo',
      '/v1/vservers/demo/services/demo-1',
      '/v1/services/demo-1/monitors/demo-health',
    ]) {
      const got = await h.call('GET', url);
      const put = await h.call('PUT', url, got.json(), { headers: { 'if-match': got.headers.etag as string } });
      expect(put.statusCode, `${url}: ${put.body}`).toBe(200);
      expect(put.json(), url).toEqual(got.json());
      expect(put.headers.etag).toBe(got.headers.etag);
    }
    expect((await h.call('GET', '/v1/events?actor=token:bootstrap&order=desc&limit=1')).json().items[0].id).toBe(events);
  });

  it('PUT returns omitted optional fields to their defaults', async () => {
    await h.call('PATCH', '/v1/monitors/demo-health', { fall: 5, responseTime: { maxMs: 500 } });
    const put = await h.call('PUT', '/v1/monitors/demo-health', { type: 'http', http: { path: '/healthz', expectBody: 'ok' } });
    expect(put.json()).toMatchObject({ intervalMs: 5000, timeoutMs: 2000, fall: 3, rise: 1 });
    expect(put.json().responseTime).toBeUndefined();
  });
});

describe('concurrency', () => {
  it('of two writers holding the same ETag, one wins and the other gets 412', async () => {
    const got = await h.call('GET', '/v1/services/demo-2');
    const etag = got.headers.etag as string;
    const [a, b] = await Promise.all([
      h.call('PATCH', '/v1/services/demo-2', { capacity: 61 }, { headers: { 'if-match': etag } }),
      h.call('PATCH', '/v1/services/demo-2', { capacity: 62 }, { headers: { 'if-match': etag } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    const winner = a.statusCode === 200 ? 61 : 62;
    expect((await h.call('GET', '/v1/services/demo-2')).json()).toMatchObject({ capacity: winner, version: Number(etag.replaceAll('"', '')) + 1 });
  });

  it('concurrent writers without If-Match never lose an update', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    const res = await Promise.all(names.map((n, i) => h.call('PUT', `/v1/services/${n}`, { address: '10.9.0.1', port: 1000 + i })));
    expect(res.map((r) => r.statusCode)).toEqual(names.map(() => 201));
    // Each POST is a read-modify-write of the same vserver's binding list.
    const bindings = await Promise.all(names.map((n) => h.call('POST', '/v1/vservers/demo-overflow/services', { service: n })));
    expect(bindings.map((r) => r.statusCode)).toEqual(names.map(() => 201));
    const bound = (await h.call('GET', '/v1/vservers/demo-overflow')).json().services.map((b: { service: string }) => b.service);
    expect(bound.filter((s: string) => s.startsWith('c-')).sort()).toEqual([...names].sort());
    const cfg = (await h.call('GET', '/v1/config')).json();
    expect(cfg.services.filter((s: { name: string }) => s.name.startsWith('c-'))).toHaveLength(12);
  });
});

describe('events', () => {
  it('every write appends an event with actor, kind, object and versions; filters and cursor pages work', async () => {
    await h.call('PATCH', '/v1/services/demo-1', { weight: 3 });
    const last = (await h.call('GET', '/v1/events?actor=token:bootstrap&order=desc&limit=1')).json().items[0];
    expect(last).toMatchObject({
      actor: 'token:bootstrap',
      kind: 'service.updated',
      object: { kind: 'service', name: 'demo-1' },
      afterVersion: Number(last.beforeVersion) + 1,
      configVersion: expect.any(Number),
    });
    const filtered = await h.call('GET', '/v1/events?objectKind=vserver&objectName=demo&limit=2');
    const page1 = filtered.json();
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((e: { object: { name: string } }) => e.object.name === 'demo')).toBe(true);
    const page2 = (await h.call('GET', `/v1/events?objectKind=vserver&objectName=demo&limit=2&cursor=${page1.nextCursor}`)).json();
    expect(BigInt(page2.items[0].id)).toBeGreaterThan(BigInt(page1.items[1].id));
    const byKind = (await h.call('GET', '/v1/events?kind=service.')).json().items;
    expect(byKind.length).toBeGreaterThan(0);
    expect(byKind.every((e: { kind: string }) => e.kind.startsWith('service.'))).toBe(true);
  });

  it('the SSE stream delivers an event written after it opened', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const ctrl = new AbortController();
    const res = await fetch(`${address}/v1/events/stream`, { headers: { authorization: `Bearer ${h.reader}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (marker: string): Promise<void> => {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    // The stream's first line (`retry:`) is written once its starting point is fixed: what is written after it is delivered.
    await readUntil('retry:');
    const got = readUntil('event: monitor.updated');
    await h.call('PATCH', '/v1/monitors/demo-health', { rise: 2 });
    await got;
    ctrl.abort();
    const block = text.split('\n\n').find((b) => b.includes('event: monitor.updated'))!;
    expect(block).toMatch(/^id: \d+\nevent: monitor\.updated\ndata: /);
    expect(JSON.parse(block.split('data: ')[1]!)).toMatchObject({ kind: 'monitor.updated', object: { kind: 'monitor', name: 'demo-health' } });
  });

  it('emits change with the new version and document after each commit', async () => {
    const seen: Array<{ version: number; names: string[] }> = [];
    const on = (c: { version: number; document: { monitors: Array<{ name: string }> } }) =>
      seen.push({ version: c.version, names: c.document.monitors.map((m) => m.name) });
    h.app.configStore.on('change', on);
    await h.call('PUT', '/v1/monitors/extra', { type: 'tcp' });
    h.app.configStore.off('change', on);
    const v = (await h.call('GET', '/v1/config')).json().version;
    expect(seen).toEqual([{ version: v, names: expect.arrayContaining(['extra', 'demo-health']) }]);
  });
});

describe('a bulk apply', () => {
  // 30 vservers of 10 services each: past the store's bulk size for bindings (UNCHECKED_ROWS), and
  // a content switch whose pattern holds a backslash and a quote (its column travels as an array).
  const pathRegex = '^/v\\d+/"q';
  const bulk = (prefix: string) => ({
    services: Array.from({ length: 300 }, (_, i) => ({ name: `${prefix}-s-${i}`, address: `10.9.${i >> 8}.${i & 255}`, port: 80, protocol: 'http' })),
    vservers: [
      ...Array.from({ length: 30 }, (_, v) => ({
        name: `${prefix}-v-${v}`,
        protocol: 'http',
        listen: null,
        services: Array.from({ length: 10 }, (_, i) => ({ service: `${prefix}-s-${v * 10 + i}` })),
      })),
      { name: `${prefix}-switch`, protocol: 'http', type: 'contentswitch', listen: null, rules: [{ match: { pathRegex }, target: `${prefix}-v-0` }] },
    ],
  });
  const withBulk = (cfg: { services: unknown[]; vservers: unknown[]; monitors: unknown[] }, prefix: string) => {
    const b = bulk(prefix);
    return { ...cfg, services: [...cfg.services, ...b.services], vservers: [...cfg.vservers, ...b.vservers] };
  };
  const eventsOf = async (configVersion: number): Promise<Map<string, number>> => {
    const kinds = new Map<string, number>();
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await h.call('GET', `/v1/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)).json();
      for (const e of page.items as Array<{ kind: string; configVersion: number | null }>)
        if (e.configVersion === configVersion) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      cursor = page.nextCursor;
    }
    return kinds;
  };

  it('lists one event per object and binding it created, and stores every value as given', async () => {
    const before = (await h.call('GET', '/v1/config')).json();
    const res = await h.call('PUT', '/v1/config', withBulk(before, 'bulk'));
    expect(res.statusCode, res.body).toBe(200);
    const version = res.json().version as number;
    expect(await eventsOf(version)).toEqual(
      new Map([
        ['service.created', 300],
        ['vserver.created', 31],
        ['vserver-service.created', 300],
      ]),
    );
    const after = (await h.call('GET', '/v1/config')).json();
    expect(after.vservers.find((v: { name: string }) => v.name === 'bulk-switch').rules).toEqual([{ match: { pathRegex }, target: 'bulk-v-0' }]);
    expect(after.vservers.find((v: { name: string }) => v.name === 'bulk-v-7').services).toHaveLength(10);
    expect((await h.call('PUT', '/v1/config', after)).json().plan.changes).toEqual([]);
  });

  it('changes nothing when it fails after its bindings are written', async () => {
    // A binding the store does not know of (written outside it) makes the delete of its monitor, the
    // last statement of a pruning apply, fail on the foreign key.
    const before = (await h.call('GET', '/v1/config')).json();
    await h.call('PUT', '/v1/monitors/bulk-victim', { type: 'tcp' });
    const withVictim = (await h.call('GET', '/v1/config')).json();
    const events = (await h.call('GET', '/v1/events?order=desc&limit=1')).json().items[0].id as string;
    const prisma = h.db.prisma;
    await prisma.$executeRaw`INSERT INTO service_monitor ("serviceId", "monitorId", version, "createdAt", "updatedAt") SELECT s.id, m.id, 1, now(), now() FROM service s, monitor m WHERE s.name = 'bulk-s-0' AND m.name = 'bulk-victim'`;
    try {
      const res = await h.call('PUT', '/v1/config?prune=true', withBulk(before, 'failed'));
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'SPILLWAY_API_REFERENCED' });
      expect((await h.call('GET', '/v1/config')).json()).toEqual(withVictim);
      expect((await h.call('GET', `/v1/events?cursor=${encodeCursor(events)}`)).json().items).toEqual([]);
      expect(await prisma.service.count({ where: { name: { startsWith: 'failed-' } } })).toBe(0);
      expect(await prisma.vServerService.count({ where: { vserver: { name: { startsWith: 'failed-' } } } })).toBe(0);
    } finally {
      await prisma.$executeRaw`DELETE FROM service_monitor WHERE "monitorId" = (SELECT id FROM monitor WHERE name = 'bulk-victim')`;
    }
    expect((await h.call('DELETE', '/v1/monitors/bulk-victim')).statusCode).toBe(204);
  });

  it('changes nothing and reports the first failure when a statement sent ahead of the others fails', async () => {
    // A service row written outside the store takes a name the apply creates: the bulk insert of the
    // services, sent without waiting while the vservers and bindings are built, fails first.
    const before = (await h.call('GET', '/v1/config')).json();
    const events = (await h.call('GET', '/v1/events?order=desc&limit=1')).json().items[0].id as string;
    const prisma = h.db.prisma;
    await prisma.$executeRaw`INSERT INTO service (name, address, port, protocol, capacity, weight, state, "proxyProtocol", version, "createdAt", "updatedAt") VALUES ('ahead-s-299', '10.9.9.9', 80, 'http', 0, 1, 'enabled', 'none', 1, now(), now())`;
    try {
      const res = await h.call('PUT', '/v1/config', withBulk(before, 'ahead'));
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'SPILLWAY_API_CONFLICT' });
      expect((await h.call('GET', '/v1/config')).json()).toEqual(before);
      expect((await h.call('GET', `/v1/events?cursor=${encodeCursor(events)}`)).json().items).toEqual([]);
      expect(await prisma.service.count({ where: { name: { startsWith: 'ahead-' } } })).toBe(1);
      expect(await prisma.vServer.count({ where: { name: { startsWith: 'ahead-' } } })).toBe(0);
    } finally {
      await prisma.$executeRaw`DELETE FROM service WHERE name = 'ahead-s-299'`;
    }
  });
});
