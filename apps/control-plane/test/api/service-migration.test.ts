// A service's proxyProtocol and migration { port, secret } (issue 15): stored, pushed to agents
// with the secret, and the secret write-only: never in a GET (object, list, exported document), a
// plan, an event, a status or the log; a write that omits it keeps it.
import { Writable } from 'node:stream';
import { DEFAULTS } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

const SECRET = 'migration-secret-0123456789abcdef';
const OTHER = 'another-migration-secret-9876';
const logged: string[] = [];

let h: ApiHarness;
beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  h = await startApi({ logger: { level: 'trace', stream } });
});
afterAll(async () => {
  await h?.close();
});

const pushed = () => h.app.agentHub.snapshots.get()?.config.services.find((s) => s.name === 'movable');

describe('service proxyProtocol and migration', () => {
  it('stores both, shows the port but never the secret, and pushes the secret to agents', async () => {
    const put = await h.call('PUT', '/v1/services/movable', {
      address: '127.0.0.1',
      port: 7000,
      proxyProtocol: 'v2',
      migration: { port: 7001, secret: SECRET },
    });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ proxyProtocol: 'v2', migration: { port: 7001 } });
    expect(put.body).not.toContain(SECRET);
    const plain = await h.call('PUT', '/v1/services/plain', { address: '127.0.0.1', port: 7002 });
    expect(plain.json().proxyProtocol).toBe(DEFAULTS.service.proxyProtocol);
    expect(plain.json().migration).toBeUndefined();
    await h.call('PUT', '/v1/vservers/front', { protocol: 'tcp', listen: { port: 8710 }, services: [{ service: 'movable' }, { service: 'plain' }] });

    for (const url of ['/v1/services/movable', '/v1/services', '/v1/config', '/v1/events', '/v1/vservers/front/status']) {
      const res = await h.call('GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.body, url).not.toContain(SECRET);
    }
    expect((await h.call('GET', '/v1/services/movable')).json().migration).toEqual({ port: 7001 });
    expect(pushed()).toMatchObject({ proxyProtocol: 'v2', migration: { port: 7001, secret: SECRET } });
  });

  it('keeps the secret through a GET → PUT round trip, a PATCH of the port and the exported document applied back', async () => {
    const got = (await h.call('GET', '/v1/services/movable')).json();
    const again = await h.call('PUT', '/v1/services/movable', { ...got, version: undefined, createdAt: undefined, updatedAt: undefined });
    expect(again.statusCode, again.body).toBe(200);
    expect(pushed()?.migration?.secret).toBe(SECRET);
    const doc = (await h.call('GET', '/v1/config')).json();
    const applied = await h.call('PUT', '/v1/config', doc);
    expect(applied.json().plan.changes).toEqual([]);
    const patched = await h.call('PATCH', '/v1/services/movable', { migration: { port: 7003 } });
    expect(patched.json().migration).toEqual({ port: 7003 });
    expect(pushed()?.migration).toEqual({ port: 7003, secret: SECRET });
  });

  it('shows a changed secret in a plan only as changed, and a new one reaches the agents', async () => {
    const doc = (await h.call('GET', '/v1/config')).json();
    const movable = doc.services.find((s: { name: string }) => s.name === 'movable');
    movable.migration.secret = OTHER;
    const dry = await h.call('PUT', '/v1/config?dryRun=true', doc);
    expect(dry.json().plan.changes).toEqual([
      {
        action: 'update',
        kind: 'service',
        name: 'movable',
        fields: ['migration'],
        diff: [{ path: '/migration/secret', before: '(write-only)', after: '(write-only)' }],
      },
    ]);
    const created = await h.call('PUT', '/v1/config?dryRun=true', {
      ...doc,
      services: [
        ...doc.services.filter((s: { name: string }) => s.name !== 'plain'),
        { name: 'plain', address: '127.0.0.1', port: 7002, proxyProtocol: 'v2', migration: { port: 1, secret: OTHER } },
      ],
    });
    expect(created.body).not.toContain(OTHER);
    expect(created.json().plan.changes.find((c: { name: string }) => c.name === 'plain').diff).toContainEqual({
      path: '/migration',
      after: { port: 1, secret: '(write-only)' },
    });
    const res = await h.call('PUT', '/v1/config', doc);
    expect(res.body).not.toContain(OTHER);
    expect(pushed()?.migration?.secret).toBe(OTHER);
    expect((await h.call('GET', '/v1/events')).body).not.toContain(OTHER);
  });

  it('refuses migration without a secret when first set, without proxyProtocol v2, and a bad secret, with 422 at the field', async () => {
    const first = await h.call('PATCH', '/v1/services/plain', { proxyProtocol: 'v2', migration: { port: 7004 } });
    expect(first.statusCode).toBe(422);
    expect(first.json().details.map((d: { path: string }) => d.path)).toEqual(['/migration/secret']);
    const noV2 = await h.call('PATCH', '/v1/services/plain', { migration: { port: 7004, secret: SECRET } });
    expect(noV2.statusCode).toBe(422);
    expect(noV2.json().details.map((d: { path: string }) => d.path)).toEqual(['/proxyProtocol']);
    expect(noV2.body).not.toContain(SECRET);
    const short = await h.call('PATCH', '/v1/services/plain', { proxyProtocol: 'v2', migration: { port: 7004, secret: 'too short' } });
    expect(short.statusCode).toBe(422);
    expect(short.body).not.toContain('too short');
  });

  it('never logs a secret', () => {
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(OTHER);
    }
  });
});
