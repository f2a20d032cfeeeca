// A vserver's upstream timeout (`timeoutMs`) and listen address (`listen.host`) are API fields
// (they existed only in the agent's file format): stored, returned as set, defaulted the same way
// as the agent (@spillway/protocol VSERVER_DEFAULTS), validated, and in the snapshot agents get.
import { VSERVER_DEFAULTS } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

describe('vserver timeoutMs and listen.host', () => {
  it('GET returns what PUT set, through the REST resource and the declarative document', async () => {
    const put = await h.call('PUT', '/v1/vservers/slow', { protocol: 'http', listen: { port: 8600, host: '10.0.0.5' }, timeoutMs: 1500 });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ listen: { port: 8600, host: '10.0.0.5' }, timeoutMs: 1500 });
    expect((await h.call('GET', '/v1/vservers/slow')).json()).toMatchObject({ listen: { port: 8600, host: '10.0.0.5' }, timeoutMs: 1500 });

    const doc = (await h.call('GET', '/v1/config')).json();
    expect(doc.vservers.find((v: { name: string }) => v.name === 'slow')).toMatchObject({ listen: { port: 8600, host: '10.0.0.5' }, timeoutMs: 1500 });
    const v6 = await h.call('PUT', '/v1/config', {
      ...doc,
      vservers: [...doc.vservers, { name: 'v6', protocol: 'tcp', listen: { port: 8601, host: '::' }, timeoutMs: 250 }],
    });
    expect(v6.statusCode, v6.body).toBe(200);
    expect((await h.call('GET', '/v1/vservers/v6')).json()).toMatchObject({ listen: { port: 8601, host: '::' }, timeoutMs: 250 });
    // The export applies unchanged.
    const again = await h.call('PUT', '/v1/config', (await h.call('GET', '/v1/config')).json());
    expect(again.json().plan.changes).toEqual([]);
  });

  it("spells out the agent's defaults when omitted, and PATCH null or a PUT without them returns to them", async () => {
    const created = await h.call('PUT', '/v1/vservers/plain', { protocol: 'http', listen: { port: 8602 } });
    expect(created.json()).toMatchObject({ listen: { port: 8602, host: VSERVER_DEFAULTS.listenHost }, timeoutMs: VSERVER_DEFAULTS.timeoutMs });
    expect(VSERVER_DEFAULTS).toEqual({ timeoutMs: 30_000, listenHost: '0.0.0.0' });
    const patched = await h.call('PATCH', '/v1/vservers/slow', { timeoutMs: 9000, listen: { port: 8600, host: '127.0.0.9' } });
    expect(patched.json()).toMatchObject({ listen: { port: 8600, host: '127.0.0.9' }, timeoutMs: 9000 });
    const reset = await h.call('PATCH', '/v1/vservers/slow', { timeoutMs: null });
    expect(reset.json()).toMatchObject({ listen: { port: 8600, host: '127.0.0.9' }, timeoutMs: 30_000 });
    const put = await h.call('PUT', '/v1/vservers/slow', { protocol: 'http', listen: { port: 8600 } });
    expect(put.json()).toMatchObject({ listen: { port: 8600, host: '0.0.0.0' }, timeoutMs: 30_000 });
  });

  it('puts both fields in the snapshot pushed to agents', async () => {
    await h.call('PATCH', '/v1/vservers/slow', { timeoutMs: 700, listen: { port: 8600, host: '127.0.0.9' } });
    const snap = h.app.agentHub.snapshots.get();
    expect(snap?.config.vservers.find((v) => v.name === 'slow')).toMatchObject({ listen: { port: 8600, host: '127.0.0.9' }, timeoutMs: 700 });
  });

  it('refuses a listen host that is not an IP address with 422 at /listen/host, and a timeout out of range with 422 at /timeoutMs', async () => {
    for (const host of ['localhost', '10.0.0.256', 'a b', '0.0.0.0:80']) {
      const res = await h.call('PATCH', '/v1/vservers/slow', { listen: { port: 8600, host } });
      expect(res.statusCode, `${host}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code: 'SPILLWAY_INVALID_LISTEN_HOST', details: [{ path: '/listen/host' }] });
    }
    for (const timeoutMs of [0, -1, 1.5, '30', 3_600_001]) {
      const res = await h.call('PATCH', '/v1/vservers/slow', { timeoutMs });
      expect(res.statusCode, `${JSON.stringify(timeoutMs)}: ${res.body}`).toBe(422);
      expect(res.json().details).toEqual([expect.objectContaining({ path: '/timeoutMs' })]);
    }
    expect((await h.call('GET', '/v1/vservers/slow')).json()).toMatchObject({ listen: { host: '127.0.0.9' }, timeoutMs: 700 });
  });
});
