import { describe, expect, it } from 'vitest';
import { ChannelClient, PROTOCOL_VERSION } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let hub: HubServer;

describe('agent hub: channel and handshake', () => {
  it('refuses the upgrade without a token or with an unknown token (401)', async () => {
    hub = await t.start();
    await expect(ChannelClient.connect({ url: hub.url, token: 'nope' })).rejects.toMatchObject({
      code: 'SPILLWAY_CHANNEL_REFUSED',
      message: expect.stringContaining('401'),
    });
    const res = await fetch(`${hub.base}/v1/agents/connect`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'SPILLWAY_HUB_UNAUTHENTICATED' });
  });

  it('welcomes an agent with the heartbeat pace and lease, and lists it in GET /v1/agents', async () => {
    hub = await t.start();
    const a = await t.agent('agent-a', { workers: 2 });
    expect(a.welcome).toMatchObject({ agentId: 'agent-a', heartbeatMs: 100, leaseMissedHeartbeats: 3, protocol: PROTOCOL_VERSION });
    const list = (await (await fetch(`${hub.base}/v1/agents`)).json()) as { items: Array<{ id: string; connected: boolean; workers: number }> };
    expect(list.items).toEqual([expect.objectContaining({ id: 'agent-a', connected: true, workers: 2 })]);
    expect((await fetch(`${hub.base}/v1/agents/agent-a`)).status).toBe(200);
    expect(await (await fetch(`${hub.base}/v1/agents/nobody`)).json()).toMatchObject({ statusCode: 404, code: 'SPILLWAY_API_AGENT_NOT_FOUND' });
  });

  it('closes a session whose hello names another agent than its token', async () => {
    hub = await t.start();
    const c = await ChannelClient.connect({ url: hub.url, token: 'token-a' });
    const closed = new Promise<{ code: number }>((r) => c.once('close', r));
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, agent: 'agent-b', workers: 1, appliedVersion: null, outstanding: {} });
    await expect(c.waitFor('error', () => true, 2_000, true)).resolves.toMatchObject({ code: 'SPILLWAY_HUB_AGENT_MISMATCH' });
    expect((await closed).code).toBe(4003);
  });

  it('answers malformed, unknown and invalid frames with an error and keeps serving the agent', async () => {
    hub = await t.start();
    const a = await t.agent('agent-a');
    const errors: string[] = [];
    a.client.on('message', (m) => {
      if (m.type === 'error') errors.push(m.code);
    });
    a.client.sendRaw('not json');
    a.client.sendRaw('{"type":"self-destruct"}');
    a.client.sendRaw('{"type":"borrow","vserver":"web","id":"x"}');
    a.client.sendRaw('{"type":"hello","protocol":1,"agent":"agent-a","workers":1,"appliedVersion":null,"outstanding":{}}');
    await until(() => errors.length === 4, 3_000, 'four errors');
    expect(errors).toEqual(['SPILLWAY_PROTOCOL_MALFORMED', 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE', 'SPILLWAY_PROTOCOL_INVALID', 'SPILLWAY_HUB_HELLO_REPEATED']);
    a.client.send({ type: 'heartbeat', seq: 99 });
    await expect(a.client.waitFor('heartbeat-ack', (m) => m.seq === 99)).resolves.toBeTruthy();
  });

  it('asks for hello first and drops a session that never says it', async () => {
    hub = await t.start({ helloTimeoutMs: 200 });
    const c = await ChannelClient.connect({ url: hub.url, token: 'token-a' });
    const closed = new Promise<{ code: number }>((r) => c.once('close', r));
    c.send({ type: 'heartbeat', seq: 1 });
    await expect(c.waitFor('error', (e) => e.code === 'SPILLWAY_HUB_HELLO_FIRST', 2_000, true)).resolves.toBeTruthy();
    expect((await closed).code).toBe(4000);
  });

  it('does not take its own stall for an agent going silent: a heartbeat that came while the hub was busy past the lease keeps the session', async () => {
    hub = await t.start();
    const a = await t.agent('agent-a');
    const events: string[] = [];
    hub.app.agentHub.on('event', (e: { kind: string }) => events.push(e.kind));
    a.stopHeartbeats();
    const acked = a.client.waitFor('heartbeat-ack', (m) => m.seq === 7);
    a.client.send({ type: 'heartbeat', seq: 7 });
    // The process (hub and agent alike) busy for twice the lease, as a control plane compiling the
    // config validator at the first PUT /v1/config on a loaded machine: the heartbeat waits unread
    // in the hub's socket while the sweeper's timer comes due.
    const leaseMs = hub.app.agentHub.heartbeatMs * hub.app.agentHub.leaseMissedHeartbeats;
    for (const end = Date.now() + 2 * leaseMs; Date.now() < end;);
    await acked;
    expect(hub.app.agentHub.agent('agent-a')?.connected).toBe(true);
    expect(events).not.toContain('agent.disconnected');
    // Silent for real, it is dropped as before.
    await until(() => hub.app.agentHub.agent('agent-a')?.connected === false, 3_000, 'the silent agent dropped');
    expect(events).toEqual(expect.arrayContaining(['agent.disconnected', 'agent.lease_expired']));
  });

  it('replaces the older session when the same agent connects again', async () => {
    hub = await t.start();
    const first = await t.agent('agent-a');
    const closed = new Promise<{ code: number }>((r) => first.client.once('close', r));
    const second = await t.agent('agent-a');
    expect((await closed).code).toBe(4009);
    second.client.send({ type: 'heartbeat', seq: 5 });
    await expect(second.client.waitFor('heartbeat-ack')).resolves.toMatchObject({ seq: 5 });
    expect(hub.app.agentHub.agent('agent-a')?.connected).toBe(true);
  });
});

describe('agent hub: config snapshots', () => {
  it('pushes the current snapshot on connect and records the ACKed version', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const a = await t.agent('agent-a');
    await until(() => hub.app.agentHub.agent('agent-a')?.appliedVersion === '1', 3_000, 'ack of version 1');
    expect(a.appliedVersion).toBe('1');
    const view = await (await fetch(`${hub.base}/v1/agents/agent-a`)).json();
    expect(view).toMatchObject({ appliedVersion: '1', desiredVersion: '1', inSync: true, lastNack: null });
  });

  it('does not resend the snapshot an agent already runs', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '4', config: webConfig() });
    const a = await t.agent('agent-a', { appliedVersion: '4' });
    a.client.send({ type: 'heartbeat', seq: 1 });
    await a.client.waitFor('heartbeat-ack');
    expect(a.client.received.filter((m) => m.type === 'snapshot')).toEqual([]);
  });

  // The goal is 100 ms on loopback (measured: a few ms); the bound here leaves room for a loaded CI machine.
  it('pushes a change to every connected agent at once, not on a poll', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const list = await Promise.all(['a', 'b', 'c'].map((x) => t.agent(`agent-${x}`)));
    await until(() => list.every((a) => a.appliedVersion === '1'));
    const t0 = performance.now();
    const arrived = list.map((a) => a.client.waitFor('delta', (s) => s.version === '2' && s.base === '1').then(() => performance.now() - t0));
    hub.app.agentHub.setConfig({ version: '2', config: webConfig({ threshold: 10 }) });
    const delays = await Promise.all(arrived);
    expect(Math.max(...delays)).toBeLessThan(1_000);
    console.info(`config change reached 3 agents in max ${Math.max(...delays).toFixed(1)} ms`);
    await until(() => hub.app.agentHub.agents().every((r) => r.appliedVersion === '2'), 3_000, 'acks');
  });

  it('records a NACK with its error while the agent keeps its last good version', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    await t.agent('agent-a', { judge: (s) => (s.version === '2' ? 'port 80 is taken' : null) });
    await until(() => hub.app.agentHub.agent('agent-a')?.appliedVersion === '1');
    hub.app.agentHub.setConfig({ version: '2', config: webConfig({ threshold: 5 }) });
    await until(() => hub.app.agentHub.agent('agent-a')?.lastNack, 3_000, 'nack');
    const view = await (await fetch(`${hub.base}/v1/agents/agent-a`)).json();
    expect(view).toMatchObject({
      appliedVersion: '1',
      desiredVersion: '2',
      inSync: false,
      lastNack: { version: '2', code: 'SPILLWAY_AGENT_CONFIG_INVALID', message: 'port 80 is taken' },
    });
  });

  it('refuses an inconsistent snapshot and keeps serving the last good one', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const bad = webConfig();
    (bad.vservers[0] as { services: unknown[] }).services.push({ service: 'ghost' });
    expect(() => hub.app.agentHub.setConfig({ version: '2', config: bad })).toThrow(
      expect.objectContaining({
        code: 'SPILLWAY_HUB_SNAPSHOT_INCONSISTENT',
        details: [{ path: '/vservers/0/services/2/service', message: 'no service named ghost' }],
      }),
    );
    expect(hub.app.agentHub.snapshots.version).toBe('1');
    const a = await t.agent('agent-a');
    await until(() => a.appliedVersion === '1');
  });
});
