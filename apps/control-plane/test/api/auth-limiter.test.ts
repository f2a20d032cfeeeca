// The limit on failed authentication limits failures, not successes: past `max` failures an
// address gets 429 for every further failure (no token, a wrong one) while its requests with a
// valid token are served; the agents' control channel counts its failed handshakes with the same
// limiter (429 past the limit) and still takes a valid agent token.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelClient, SimulatedAgent } from '@spillway/protocol';
import { rawRequest } from '../helpers/raw-http.js';
import { startApi, type ApiHarness } from './helpers.js';

const MAX = 3;
let h: ApiHarness;
let port: number;
const agents: SimulatedAgent[] = [];

beforeAll(async () => {
  h = await startApi({ authFailures: { max: MAX, windowMs: 60_000 } });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  for (const a of agents) a.crash();
  await h?.close();
});

const refusal = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (err: Error) => err.message,
  );

describe('limit on failed authentication', () => {
  it('answers failures past the limit 429 but serves the valid tokens of the same address', async () => {
    const nat = { remoteAddress: '10.9.0.1' };
    for (let i = 0; i < MAX; i++)
      expect((await h.call('GET', '/v1/services', undefined, { token: 'spw_wrong-token-0000000000', ...nat })).statusCode).toBe(401);
    const limited = await h.call('GET', '/v1/services', undefined, { token: 'spw_wrong-token-0000000000', ...nat });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'SPILLWAY_API_AUTH_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await h.call('GET', '/v1/services', undefined, { token: null, ...nat })).statusCode).toBe(429);
    // The good clients behind the same address go on.
    expect((await h.call('GET', '/v1/services', undefined, { token: h.admin, ...nat })).statusCode).toBe(200);
    expect((await h.call('PUT', '/v1/monitors/behind-nat', { type: 'tcp' }, { token: h.admin, ...nat })).statusCode).toBe(201);
    expect((await h.call('GET', '/v1/config', undefined, { token: h.reader, ...nat })).statusCode).toBe(200);
    // A reader writing is forbidden, not an authentication failure: still 403.
    expect((await h.call('PUT', '/v1/monitors/m', { type: 'tcp' }, { token: h.reader, ...nat })).statusCode).toBe(403);
    // Another address has its own count.
    expect((await h.call('GET', '/v1/services', undefined, { token: 'spw_wrong-token-0000000000', remoteAddress: '10.9.0.2' })).statusCode).toBe(401);
  });

  it('counts failed agent-token handshakes on the control channel (429 past the limit) and still takes a valid agent token', async () => {
    const url = `ws://127.0.0.1:${port}/v1/agents/connect`;
    const token = (await h.call('POST', '/v1/agent-tokens', { name: 'edge-1-token', agent: 'edge-1' })).json<{ token: string }>().token;
    for (let i = 0; i < MAX; i++) expect(await refusal(ChannelClient.connect({ url, token: 'spw_stolen-or-revoked-00000000' }))).toMatch(/HTTP 401/);
    expect(await refusal(ChannelClient.connect({ url, token: 'spw_stolen-or-revoked-00000000' }))).toMatch(/HTTP 429/);
    const raw = await rawRequest(port, {
      method: 'GET',
      target: '/v1/agents/connect',
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(raw.body)).toMatchObject({ code: 'SPILLWAY_HUB_AUTH_RATE_LIMITED' });
    // The agent with its valid token connects from the very same address.
    const agent = await SimulatedAgent.start({ url, token, name: 'edge-1' });
    agents.push(agent);
    expect(agent.client.isOpen).toBe(true);
    // One limiter for the address: the API refuses its failures too, and serves its valid tokens.
    expect((await rawRequest(port, { method: 'GET', target: '/v1/services' })).status).toBe(429);
    expect((await rawRequest(port, { method: 'GET', target: '/v1/services', headers: { authorization: `Bearer ${h.admin}` } })).status).toBe(200);
  });
});
