// udp, dns and agent monitors through the API (issue 16): stored in their columns (migration
// monitor_udp_dns_agent), returned as set with their defaults, in the snapshot agents get, and
// refused (422) with the section of another type or without their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

const base = { intervalMs: 5000, timeoutMs: 2000, fall: 3, rise: 1, weight: 1 };

describe('udp, dns and agent monitors', () => {
  it('GET returns what PUT set, the export applies unchanged, and agents get them', async () => {
    const bodies = {
      echo: { type: 'udp', udp: { send: 'ping', expect: 'pong' } },
      'dns-a': { type: 'dns', dns: { query: 'example.test', expectAddress: '10.0.0.5' } },
      'dns-mx': { type: 'dns', dns: { query: 'example.test', type: 'MX' } },
      feedback: { type: 'agent', agent: { port: 9999, send: 'hello\n' } },
    };
    for (const [name, body] of Object.entries(bodies)) {
      const put = await h.call('PUT', `/v1/monitors/${name}`, body);
      expect(put.statusCode, put.body).toBe(201);
    }
    expect((await h.call('GET', '/v1/monitors/echo')).json()).toMatchObject({ ...base, type: 'udp', udp: { send: 'ping', expect: 'pong' } });
    expect((await h.call('GET', '/v1/monitors/dns-a')).json()).toMatchObject({
      type: 'dns',
      dns: { query: 'example.test', type: 'A', expectAddress: '10.0.0.5' },
    });
    const mx = (await h.call('GET', '/v1/monitors/dns-mx')).json();
    expect(mx.dns).toEqual({ query: 'example.test', type: 'MX' });
    expect(mx.http).toBeUndefined();
    expect((await h.call('GET', '/v1/monitors/feedback')).json()).toMatchObject({ type: 'agent', agent: { port: 9999, send: 'hello\n' } });

    const again = await h.call('PUT', '/v1/config', (await h.call('GET', '/v1/config')).json());
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().plan.changes).toEqual([]);
    const snap = h.app.agentHub.snapshots.get();
    expect(snap?.config.monitors.find((m) => m.name === 'feedback')).toMatchObject({ type: 'agent', agent: { port: 9999 } });

    // A type change drops the old section with null.
    const patched = await h.call('PATCH', '/v1/monitors/echo', { type: 'dns', udp: null, dns: { query: 'echo.test' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ type: 'dns', dns: { query: 'echo.test', type: 'A' } });
    expect(patched.json().udp).toBeUndefined();
  });

  it('refuses a section of another type and a type without its section with 422', async () => {
    const other = await h.call('PUT', '/v1/monitors/mixed', { type: 'udp', udp: { send: 'x' }, agent: { port: 1 } });
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json()).toMatchObject({ code: 'SPILLWAY_MONITOR_TYPE_MISMATCH', details: [{ path: '/agent' }] });
    const none = await h.call('PUT', '/v1/monitors/bare', { type: 'dns' });
    expect(none.statusCode, none.body).toBe(422);
    expect(none.json()).toMatchObject({ code: 'SPILLWAY_MONITOR_TYPE_MISMATCH', details: [{ path: '/dns' }] });
  });
});
