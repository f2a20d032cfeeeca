// Content-switching vservers through the REST API (issue 17): stored and returned with their
// rules in order, in the snapshot agents get, and refused with 422 at the path of each bad rule
// (unknown target, cycle, tcp target, catastrophic pattern); a target a switch names cannot be
// deleted (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  for (const name of ['img', 'img-2', 'api']) {
    const res = await h.call('PUT', `/v1/vservers/${name}`, { protocol: 'http', listen: null });
    expect(res.statusCode, res.body).toBe(201);
  }
  expect((await h.call('PUT', '/v1/vservers/raw', { protocol: 'tcp', listen: null })).statusCode).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const rules = [
  { name: 'images', match: { extension: 'jpg' }, target: 'img' },
  { name: 'gold', match: { header: { name: 'x-tier', value: 'gold' } }, target: 'api' },
  { match: { host: '*.example.com', pathRegex: '^/v[0-9]+/' }, target: 'api' },
];

describe('a content switch through the API', () => {
  it('is stored with its rules in order and its default, returned as written, and pushed to agents', async () => {
    const put = await h.call('PUT', '/v1/vservers/front', { protocol: 'http', type: 'contentswitch', listen: { port: 8700 }, rules, default: 'api' });
    expect(put.statusCode, put.body).toBe(201);
    const want = { type: 'contentswitch', rules, default: 'api' };
    expect(put.json()).toMatchObject(want);
    expect((await h.call('GET', '/v1/vservers/front')).json()).toMatchObject(want);
    expect(h.app.agentHub.snapshots.get()?.config.vservers.find((v) => v.name === 'front')).toMatchObject(want);
    // A load-balancing vserver says nothing of switching; the export applies back unchanged.
    expect((await h.call('GET', '/v1/vservers/img')).json()).not.toHaveProperty('rules');
    const again = await h.call('PUT', '/v1/config', (await h.call('GET', '/v1/config')).json());
    expect(again.json().plan.changes).toEqual([]);
    // A PATCH replaces the rules (the new order is the order).
    const patched = await h.call('PATCH', '/v1/vservers/front', { rules: [rules[1], rules[0]], default: null });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().rules).toEqual([rules[1], rules[0]]);
    expect(patched.json()).not.toHaveProperty('default');
  });

  it('refuses an unknown target, a tcp target and the classic (a+)+$ pattern with 422 at each path', async () => {
    const res = await h.call('PUT', '/v1/vservers/bad', {
      protocol: 'http',
      type: 'contentswitch',
      listen: { port: 8701 },
      rules: [
        { match: { extension: 'gif' }, target: 'nope' },
        { match: { extension: 'png' }, target: 'raw' },
        { match: { pathRegex: '(a+)+$' }, target: 'img' },
      ],
    });
    expect(res.statusCode, res.body).toBe(422);
    const details = res.json<{ details: Array<{ path: string; code: string }> }>().details.map((d) => [d.path, d.code]);
    expect(details).toEqual(
      expect.arrayContaining([
        ['/rules/0/target', 'SPILLWAY_UNKNOWN_REFERENCE'],
        ['/rules/1/target', 'SPILLWAY_CONTENT_TARGET_PROTOCOL_MISMATCH'],
        ['/rules/2/match/pathRegex', 'SPILLWAY_UNSAFE_PATTERN'],
      ]),
    );
    expect((await h.call('GET', '/v1/vservers/bad')).statusCode).toBe(404);
  });

  it('refuses a change that closes a cycle of switches, and the delete of a vserver a switch sends requests to', async () => {
    expect((await h.call('PUT', '/v1/vservers/inner', { protocol: 'http', type: 'contentswitch', listen: null, default: 'img' })).statusCode).toBe(201);
    expect((await h.call('PATCH', '/v1/vservers/front', { default: 'inner' })).statusCode).toBe(200);
    const loop = await h.call('PATCH', '/v1/vservers/inner', { default: 'front' });
    expect(loop.statusCode, loop.body).toBe(422);
    expect(loop.json()).toMatchObject({ code: 'SPILLWAY_CONTENT_SWITCH_CYCLE' });
    const del = await h.call('DELETE', '/v1/vservers/img');
    expect(del.statusCode, del.body).toBe(409);
    expect(JSON.stringify(del.json())).toContain('/vservers/front/rules/');
  });

  it('refuses rules on a load-balancing vserver and an unknown match field', async () => {
    const lb = await h.call('PATCH', '/v1/vservers/api', { rules: [{ match: { method: 'GET' }, target: 'img' }] });
    expect(lb.statusCode, lb.body).toBe(422);
    expect(lb.json()).toMatchObject({ code: 'SPILLWAY_CONTENT_SWITCH_INVALID', details: [{ path: '/rules' }] });
    const field = await h.call('PATCH', '/v1/vservers/front', { rules: [{ match: { url: '/x' }, target: 'img' }] });
    expect(field.statusCode, field.body).toBe(422);
    expect(JSON.stringify(field.json())).toContain('/rules/0/match/url');
  });
});
