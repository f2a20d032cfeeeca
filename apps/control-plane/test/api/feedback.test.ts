// Application feedback pushed by a backend (issue 16 item 2): POST /v1/services/{name}/feedback
// with a service token scoped to that service (refused elsewhere and for another service), applied
// by the control plane — the vserver's dynamic threshold from the effective capacity, drain and
// down, every agent told, the status and a debounced service.feedback event — and kept across a
// restart. The agents' own agent-check feedback (their reports) moves the hub's threshold too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelClient, SimulatedAgent, type ControlMessage, type FeedbackPush, type ServiceStates } from '@spillway/protocol';
import { buildApp } from '../../src/app.js';
import { untilTruthy } from '../../../../test/kit/until.js';
import { startApi, type ApiHarness } from './helpers.js';

let h: ApiHarness;
let wsUrl = '';
let token = '';
const agents: SimulatedAgent[] = [];

const until = <T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string): Promise<T> =>
  untilTruthy(fn, { timeoutMs: 10_000, stepMs: 10, what });
const counters = { cxActive: 0, cxTotal: 0, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 };
const limit = (): number | null | undefined => h.app.agentHub.limit('web')?.value;
const received = <T extends ControlMessage['type']>(a: SimulatedAgent, type: T, pred: (m: Extract<ControlMessage, { type: T }>) => boolean) =>
  a.client.received.some((m) => m.type === type && pred(m as Extract<ControlMessage, { type: T }>));

beforeAll(async () => {
  h = await startApi();
  const put = await h.call('PUT', '/v1/config', {
    services: [
      { name: 'web-1', address: '127.0.0.1', port: 9001, capacity: 50 },
      { name: 'web-2', address: '127.0.0.1', port: 9002, capacity: 50 },
    ],
    vservers: [
      {
        name: 'web',
        protocol: 'tcp',
        listen: { port: 18080 },
        services: [{ service: 'web-1' }, { service: 'web-2' }],
        spillover: { methods: [{ type: 'dynamicconnection' }] },
      },
    ],
  });
  expect(put.statusCode, put.body).toBe(200);
  const t = await h.call('POST', '/v1/service-tokens', { name: 'web-1-push', service: 'web-1' });
  expect(t.statusCode, t.body).toBe(201);
  token = t.json<{ token: string }>().token;
  const port = await h.app.listen({ port: 0, host: '127.0.0.1' }).then((a) => new URL(a).port);
  wsUrl = `ws://127.0.0.1:${port}/v1/agents/connect`;
  for (const name of ['edge-a', 'edge-b']) {
    const at = await h.call('POST', '/v1/agent-tokens', { name });
    agents.push(await SimulatedAgent.start({ url: wsUrl, token: at.json<{ token: string }>().token, name }));
  }
  await until(() => limit() === 100, 'the threshold of two services of 50');
});

afterAll(async () => {
  for (const a of agents.splice(0)) a.crash();
  await h?.close();
});

describe('POST /v1/services/{name}/feedback', () => {
  it('takes a service token for its own service only: refused for another service and by every other route and the agents channel', async () => {
    const ok = await h.call('POST', '/v1/services/web-1/feedback', { line: '100% ready shiny' }, { token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      service: 'web-1',
      line: '100% ready shiny',
      feedback: { weightPercent: 100, admin: 'ready', health: 'up' },
      unknown: ['shiny'],
    });
    const other = await h.call('POST', '/v1/services/web-2/feedback', { line: 'drain' }, { token });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'SPILLWAY_API_FORBIDDEN' });
    for (const [method, url] of [
      ['GET', '/v1/services/web-1'],
      ['GET', '/v1/services/web-1/feedback'],
      ['DELETE', '/v1/services/web-1/feedback'],
      ['GET', '/v1/vservers/web/status'],
      ['PUT', '/v1/config'],
    ] as const)
      expect((await h.call(method, url, method === 'PUT' ? {} : undefined, { token })).statusCode, `${method} ${url}`).toBe(401);
    await expect(ChannelClient.connect({ url: wsUrl, token })).rejects.toThrow();
    // Without a token, with a reader token: no push; an admin may push; an unknown service is 404.
    expect((await h.call('POST', '/v1/services/web-1/feedback', { line: 'drain' }, { token: null })).statusCode).toBe(401);
    expect((await h.call('POST', '/v1/services/web-1/feedback', { line: 'drain' }, { token: h.reader })).statusCode).toBe(403);
    expect((await h.call('POST', '/v1/services/nope/feedback', { line: 'drain' })).statusCode).toBe(404);
    expect((await h.call('POST', '/v1/services/web-1/feedback', { line: 'x'.repeat(1025) }, { token })).statusCode).toBe(422);
  });

  it('is applied across the agents: maxconn lowers the threshold, drain and down take the service out, every agent is told, status and events show it', async () => {
    const push = (line: string) => h.call('POST', '/v1/services/web-1/feedback', { line }, { token });
    expect((await push('maxconn:2')).statusCode).toBe(200);
    await until(() => limit() === 52, 'threshold 100 - 48');
    for (const a of agents)
      await until(() => received(a, 'service-feedback', (m: FeedbackPush) => m.feedback['web-1']?.maxconn === 2), `${a.name} told maxconn:2`);
    const status = (await h.call('GET', '/v1/vservers/web/status')).json<{ services: Array<{ name: string; effective?: unknown }> }>();
    expect(status.services.find((s) => s.name === 'web-1')?.effective).toEqual({
      weight: 1,
      capacity: 2,
      state: 'enabled',
      drain: false,
      agents: 0,
      source: 'push',
    });

    // drain: out of the threshold (no new connection), the agents serve it disabled.
    expect((await push('drain')).statusCode).toBe(200);
    await until(() => limit() === 50, 'threshold without web-1');
    expect(h.app.agentHub.effective('web-1')).toMatchObject({ state: 'disabled', drain: true, capacity: 2 });

    // down: the service is DOWN in the states every agent enforces; up brings it back.
    expect((await push('ready down # deploy')).statusCode).toBe(200);
    for (const a of agents) await until(() => received(a, 'service-states', (m: ServiceStates) => m.states['web-1'] === 'DOWN'), `${a.name} told DOWN`);
    expect(h.app.agentHub.serviceState('web-1')?.state).toBe('DOWN');
    expect(limit()).toBe(50);
    expect((await push('up')).statusCode).toBe(200);
    await until(() => limit() === 52, 'web-1 back with maxconn:2');

    const events = await until(async () => {
      const r = await h.call('GET', '/v1/events?kind=service.feedback');
      const items = r.json<{ items: Array<{ object: { kind: string; name: string }; data: { source: string; capacity: number } }> }>().items;
      return items.length > 0 && items;
    }, 'service.feedback events');
    expect(events[0]).toMatchObject({ object: { kind: 'service', name: 'web-1' }, data: { source: 'push' } });
    // Debounced: at most one a second per service, however many pushes.
    expect(events.length).toBeLessThanOrEqual(5);
    expect((await h.call('GET', '/v1/services/web-1/feedback')).json()).toMatchObject({ line: 'up', feedback: { maxconn: 2, admin: 'ready', health: 'up' } });
  });

  it("moves the hub's threshold with the agents' own agent-check feedback (their reports' effective capacity), under the pushed one", async () => {
    expect((await h.call('DELETE', '/v1/services/web-1/feedback')).statusCode).toBe(204);
    await until(() => limit() === 100, 'back to 100 without pushed feedback');
    for (const a of agents)
      a.report(
        { web: counters },
        {
          'web-1': { cxActive: 0, cxTotal: 0, state: 'UP' },
          'web-2': { cxActive: 0, cxTotal: 0, state: 'UP', effective: { weight: 1, capacity: 10, state: 'enabled', drain: false } },
        },
      );
    await until(() => limit() === 60, 'agent-check maxconn:10 on web-2');
    await until(() => h.app.agentHub.effective('web-2')?.agents === 2, 'both agents counted');
    expect(h.app.agentHub.effective('web-2')).toMatchObject({ capacity: 10, source: 'agent-check' });
  });

  it('survives a restart of the control plane: the stored feedback is in force again', async () => {
    // Last: building a second app in this process keeps the event loop busy past the simulated agents' lease.
    expect((await h.call('POST', '/v1/services/web-1/feedback', { line: 'maxconn:2' }, { token })).statusCode).toBe(200);
    const again = await buildApp({ prisma: h.db.prisma, logger: false });
    try {
      await again.ready();
      await until(() => again.agentHub.limit('web')?.value === 52, 'threshold from the stored maxconn:2 (web-2 as configured)');
      expect(again.agentHub.effective('web-1')).toMatchObject({ capacity: 2, source: 'push' });
    } finally {
      await again.close();
    }
  });
});
