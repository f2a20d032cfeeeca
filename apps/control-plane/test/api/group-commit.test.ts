// Group commit of the config store: single-object writes that arrive while a transaction runs go
// together in the next one, each with its own version and events; a refused write fails alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigChange } from '../../src/services/config-store.js';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

describe('config store: group commit', () => {
  it('commits concurrent writes in fewer transactions, each with its own version and event, hands the hub what they changed, and fails a refused one alone', async () => {
    expect((await h.call('PUT', '/v1/services/g-0', { address: '10.8.0.1', port: 1000 })).statusCode).toBe(201);
    const v0 = (await h.call('GET', '/v1/config')).json<{ version: number }>().version;
    const made: ConfigChange[] = [];
    h.app.configStore.on('change', (c) => made.push(c));

    const n = 20;
    const writes = Array.from({ length: n }, (_, i) => h.call('PUT', '/v1/services/g-0', { address: '10.8.0.1', port: 1000, capacity: 100 + i }));
    // A write that references a monitor nobody defined: 422, alone.
    const bad = h.call('PUT', '/v1/services/g-bad', { address: '10.8.0.2', port: 1000, monitors: [{ monitor: 'ghost' }] });
    const res = await Promise.all(writes);
    expect(res.map((r) => r.statusCode)).toEqual(res.map(() => 200));
    expect((await bad).statusCode).toBe(422);

    // Every write has its own version: the service's ETags are all different, and the global version moved by n.
    const tags = new Set(res.map((r) => r.headers.etag));
    expect(tags.size).toBe(n);
    const v1 = (await h.call('GET', '/v1/config')).json<{ version: number }>().version;
    expect(v1 - v0).toBe(n);
    // Fewer commits than writes: the writes that waited went together; the last change is the last version.
    expect(made.length).toBeLessThan(n);
    expect(made.at(-1)?.version).toBe(v1);
    // Each change names what its writes changed, made on the version before it: the hub takes that
    // set instead of diffing the whole document, and serves what GET /v1/config says.
    made.forEach((c, i) => {
      expect(c.base).toBe(i === 0 ? v0 : made[i - 1]!.version);
      expect(c.changes?.upserted.services.map((s) => s.name)).toEqual(['g-0']);
    });
    const served = h.app.agentHub.snapshots.get();
    const config = (await h.call('GET', '/v1/config')).json<{ services: Array<{ name: string; capacity: number }> }>();
    expect(served?.version).toBe(String(v1));
    expect(served?.config.services.find((s) => s.name === 'g-0')?.capacity).toBe(config.services.find((s) => s.name === 'g-0')?.capacity);
    const events = (await h.call('GET', `/v1/events?kind=service.updated&objectName=g-0&limit=100`)).json<{ items: unknown[] }>().items;
    expect(events).toHaveLength(n);
    expect((await h.call('GET', '/v1/services/g-bad')).statusCode).toBe(404);
  });
});
