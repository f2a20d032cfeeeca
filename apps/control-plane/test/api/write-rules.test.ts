// A write of one object is checked on its neighbourhood, read from the index of the document
// that earlier writes moved on (document-index.ts): each refusal below depends on what the
// writes before it left, and each acceptance on what they took away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  const res = await h.call('PUT', '/v1/config', {
    services: [
      { name: 's1', address: '10.0.0.1', port: 80, protocol: 'http' },
      { name: 's2', address: '10.0.0.2', port: 80, protocol: 'http' },
    ],
    vservers: [{ name: 'a', protocol: 'http', listen: { port: 9001 }, services: [{ service: 's1' }] }],
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
});
afterAll(async () => {
  await h?.close();
});

const code = async (method: string, route: string, body?: unknown): Promise<string> => {
  const res = await h.call(method, route, body);
  return res.statusCode < 300 ? 'ok' : `${res.statusCode} ${res.json().code}`;
};

describe('writes of one object, each checked on what the writes before it left', () => {
  it('follows listen ports, backup chains and maintenance targets from write to write', async () => {
    expect(await code('PUT', '/v1/vservers/b', { protocol: 'http', listen: { port: 9002 } })).toBe('ok');
    expect(await code('PATCH', '/v1/vservers/b', { listen: { port: 9001 } })).toBe('422 SPILLWAY_LISTEN_PORT_CONFLICT');
    expect(await code('DELETE', '/v1/vservers/a')).toBe('ok');
    // a's port is free, then b's former one.
    expect(await code('PATCH', '/v1/vservers/b', { listen: { port: 9001 } })).toBe('ok');
    expect(await code('PUT', '/v1/vservers/c', { protocol: 'http', listen: { port: 9002 } })).toBe('ok');
    expect(await code('PUT', '/v1/vservers/d', { protocol: 'http', listen: { port: 9001 } })).toBe('422 SPILLWAY_LISTEN_PORT_CONFLICT');
    // A backup chain closed by the second of two writes.
    expect(await code('PATCH', '/v1/vservers/b', { spillover: { backup: 'c' } })).toBe('ok');
    expect(await code('PATCH', '/v1/vservers/c', { spillover: { backup: 'b' } })).toBe('422 SPILLWAY_SPILLOVER_CHAIN_CYCLE');
    // A maintenance target that a later write removes, and one that was removed before.
    expect(await code('PATCH', '/v1/services/s2', { maintenance: { target: 's1' } })).toBe('ok');
    expect(await code('DELETE', '/v1/services/s1')).toMatch(/^(409|422) /);
    expect(await code('PATCH', '/v1/services/s2', { maintenance: null })).toBe('ok');
    expect(await code('DELETE', '/v1/services/s1')).toBe('ok');
    expect(await code('PATCH', '/v1/services/s2', { maintenance: { target: 's1' } })).toBe('422 SPILLWAY_UNKNOWN_REFERENCE');
  });
});
