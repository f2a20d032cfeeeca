// A vserver's client timeouts (`headersTimeoutMs`, `keepAliveTimeoutMs`: HTTP; `clientTimeoutMs`:
// TCP) are API fields (they existed only in the agent's file format): stored, returned as set,
// defaulted from @spillway/protocol CLIENT_TIMEOUT_DEFAULTS (the agent's defaults), accepted on
// either protocol (the other one ignores them), bounded 100..600000 ms, and in the agent snapshot.
import { CLIENT_TIMEOUT_DEFAULTS } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

const SET = { headersTimeoutMs: 1500, keepAliveTimeoutMs: 750, clientTimeoutMs: 120_000 };

describe('vserver headersTimeoutMs, keepAliveTimeoutMs and clientTimeoutMs', () => {
  it('GET returns what PUT set, through the REST resource and the declarative document, on either protocol', async () => {
    const put = await h.call('PUT', '/v1/vservers/web', { protocol: 'http', listen: { port: 8700 }, ...SET });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject(SET);
    expect((await h.call('GET', '/v1/vservers/web')).json()).toMatchObject(SET);

    const doc = (await h.call('GET', '/v1/config')).json();
    expect(doc.vservers.find((v: { name: string }) => v.name === 'web')).toMatchObject(SET);
    const tcp = { headersTimeoutMs: 2000, keepAliveTimeoutMs: 3000, clientTimeoutMs: 400 };
    const res = await h.call('PUT', '/v1/config', { ...doc, vservers: [...doc.vservers, { name: 'db', protocol: 'tcp', listen: { port: 8701 }, ...tcp }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await h.call('GET', '/v1/vservers/db')).json()).toMatchObject(tcp);
    // The export applies unchanged.
    const again = await h.call('PUT', '/v1/config', (await h.call('GET', '/v1/config')).json());
    expect(again.json().plan.changes).toEqual([]);
  });

  it("spells out the agent's defaults when omitted, and PATCH null or a PUT without them returns to them", async () => {
    expect(CLIENT_TIMEOUT_DEFAULTS).toEqual({ headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, clientTimeoutMs: 60_000 });
    const created = await h.call('PUT', '/v1/vservers/plain', { protocol: 'tcp', listen: { port: 8702 } });
    expect(created.json()).toMatchObject(CLIENT_TIMEOUT_DEFAULTS);
    const patched = await h.call('PATCH', '/v1/vservers/web', { headersTimeoutMs: 900 });
    expect(patched.json()).toMatchObject({ ...SET, headersTimeoutMs: 900 });
    const reset = await h.call('PATCH', '/v1/vservers/web', { headersTimeoutMs: null, keepAliveTimeoutMs: null });
    expect(reset.json()).toMatchObject({ headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, clientTimeoutMs: SET.clientTimeoutMs });
    const put = await h.call('PUT', '/v1/vservers/web', { protocol: 'http', listen: { port: 8700 } });
    expect(put.json()).toMatchObject(CLIENT_TIMEOUT_DEFAULTS);
  });

  it('puts the three fields in the snapshot pushed to agents', async () => {
    await h.call('PATCH', '/v1/vservers/web', SET);
    const snap = h.app.agentHub.snapshots.get();
    expect(snap?.config.vservers.find((v) => v.name === 'web')).toMatchObject(SET);
    expect(snap?.config.vservers.find((v) => v.name === 'plain')).toMatchObject(CLIENT_TIMEOUT_DEFAULTS);
  });

  it("refuses a value out of 100..600000 ms or not an integer with 422 at the field's path", async () => {
    for (const field of ['headersTimeoutMs', 'keepAliveTimeoutMs', 'clientTimeoutMs']) {
      for (const value of [0, 99, -1, 150.5, '1000', 600_001]) {
        const res = await h.call('PATCH', '/v1/vservers/web', { [field]: value });
        expect(res.statusCode, `${field}=${JSON.stringify(value)}: ${res.body}`).toBe(422);
        expect(res.json().details).toEqual([expect.objectContaining({ path: `/${field}` })]);
      }
    }
    const doc = (await h.call('GET', '/v1/config')).json();
    const bad = await h.call('PUT', '/v1/config', {
      ...doc,
      vservers: doc.vservers.map((v: { name: string }) => (v.name === 'web' ? { ...v, clientTimeoutMs: 50 } : v)),
    });
    expect(bad.statusCode, bad.body).toBe(422);
    const at = doc.vservers.findIndex((v: { name: string }) => v.name === 'web');
    expect(bad.json().details).toEqual([expect.objectContaining({ path: `/vservers/${at}/clientTimeoutMs` })]);
    expect((await h.call('GET', '/v1/vservers/web')).json()).toMatchObject(SET);
  });
});
