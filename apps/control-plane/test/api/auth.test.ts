// Bearer tokens, roles, open paths and the limit on failed authentication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/services/tokens.js';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ authFailures: { max: 5, windowMs: 60_000 } });
});
afterAll(async () => {
  await h?.close();
});

describe('authentication and roles', () => {
  it('answers 401 without a token or with an unknown one, and leaves /healthz open', async () => {
    const none = await h.call('GET', '/v1/services', undefined, { token: null });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.json()).toMatchObject({ statusCode: 401, code: 'SPILLWAY_API_UNAUTHENTICATED', error: 'Unauthorized', details: [] });
    expect((await h.call('GET', '/v1/services', undefined, { token: 'spw_not-a-real-token-at-all' })).statusCode).toBe(401);
    expect((await h.call('GET', '/healthz', undefined, { token: null })).statusCode).toBe(200);
  });

  it('lets a reader read but not write (403), nor manage tokens', async () => {
    expect((await h.call('GET', '/v1/services', undefined, { token: h.reader })).statusCode).toBe(200);
    expect((await h.call('GET', '/v1/config', undefined, { token: h.reader })).statusCode).toBe(200);
    const write = await h.call('PUT', '/v1/monitors/m', { type: 'tcp' }, { token: h.reader });
    expect(write.json()).toMatchObject({ statusCode: 403, code: 'SPILLWAY_API_FORBIDDEN' });
    expect((await h.call('PUT', '/v1/config', {}, { token: h.reader })).statusCode).toBe(403);
    expect((await h.call('GET', '/v1/api-tokens', undefined, { token: h.reader })).statusCode).toBe(403);
    expect((await h.call('GET', '/v1/monitors/m')).statusCode).toBe(404);
  });

  it('lets an admin write, recorded as the actor of the event', async () => {
    expect((await h.call('PUT', '/v1/monitors/m', { type: 'tcp' })).statusCode).toBe(201);
    const ev = (await h.call('GET', '/v1/events?objectName=m')).json().items[0];
    expect(ev).toMatchObject({ actor: 'token:bootstrap', kind: 'monitor.created' });
  });

  it('stores only the hash of a token', async () => {
    const rows = await h.db.prisma.apiToken.findMany();
    expect(rows.find((r) => r.name === 'bootstrap')!.hash).toBe(hashToken(h.admin));
    expect(JSON.stringify(rows)).not.toContain(h.admin);
  });

  it('takes SPILLWAY_ADMIN_TOKEN as the bootstrap admin token and generates none while an admin exists', async () => {
    expect(await h.app.tokenStore.ensureBootstrap()).toEqual({ generated: null });
    const fixed = 'spw_fixed-admin-token-for-the-test';
    await h.app.tokenStore.ensureBootstrap(fixed);
    expect((await h.call('GET', '/v1/services', undefined, { token: fixed })).statusCode).toBe(200);
    expect((await h.call('GET', '/v1/services', undefined, { token: h.admin })).statusCode).toBe(401);
    h.admin = fixed;
  });

  it('rate limits failed authentication per address (429 with Retry-After past the limit)', async () => {
    // This harness allows 5 failures a minute (the default is 20): from an address of its own,
    // exactly 5 answers are 401.
    const from = { remoteAddress: '10.0.0.5' };
    let failures = 0;
    while (failures < 25 && (await h.call('GET', '/v1/services', undefined, { token: 'spw_wrong', ...from })).statusCode === 401) failures += 1;
    expect(failures).toBe(5);
    const limited = await h.call('GET', '/v1/services', undefined, { token: 'spw_wrong', ...from });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'SPILLWAY_API_AUTH_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await h.call('GET', '/healthz', undefined, { token: null, ...from })).statusCode).toBe(200);
    // Other addresses are not affected.
    expect((await h.call('GET', '/v1/services', undefined, { token: h.admin })).statusCode).toBe(200);
  });
});
