import { describe, expect, it } from 'vitest';
import { SimulatedAgent, type Report } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let hub: HubServer;
const sumOfAllowances = (list: SimulatedAgent[], vs = 'web'): number => list.reduce((s, a) => s + (a.allowance(vs) ?? 0), 0);
/** Two agents at their shares of 100 (40 each), agent-b with `active` connections by its report. */
const sharesWithBReporting = async (active: number): Promise<[SimulatedAgent, SimulatedAgent]> => {
  hub = await t.start();
  hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
  const a = await t.agent('agent-a');
  const b = await t.agent('agent-b');
  await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
  b.report({ web: { cxActive: active, cxTotal: active, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 } });
  b.inUse.set('web', active);
  await until(() => hub.app.agentHub.agent('agent-b')?.report !== null, 3_000, 'report of agent-b');
  return [a, b];
};
const services = (s1: 'UP' | 'DOWN', s2: 'UP' | 'DOWN'): Report['services'] => ({
  'web-1': { cxActive: 0, cxTotal: 0, state: s1 },
  'web-2': { cxActive: 0, cxTotal: 0, state: s2 },
});

describe('global quota over the channel', () => {
  it('allocates exclusive shares weighted by worker count', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a', { workers: 3 });
    const b = await t.agent('agent-b', { workers: 1 });
    // (agent-a holds 78, its share alone, until it acknowledges giving 18 back.)
    await until(
      () => a.allowance('web') === 60 && b.allowance('web') === 20 && hub.app.agentHub.quotaView('web')?.pending['agent-a'] === undefined,
      3_000,
      'weighted shares 60/20',
    );
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ limit: 100, shared: 20, batch: 2 });
  });

  it('grants batches ahead while the shared pool holds one for every agent, the last uses to waiting connections one at a time, and never passes the limit', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    // Borrows ahead (no connection waiting) get batches of 2 while more than 2 × 2 agents are left...
    const grants = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).borrow('web')));
    expect(grants.reduce((s, g) => s + g.n, 0)).toBe(16);
    expect(hub.app.agentHub.quotaView('web')?.shared).toBe(4);
    // ...the last 4 go only to borrows whose connections wait (core's aheadNow), one at a time.
    expect((await a.borrow('web')).n).toBe(0);
    for (let i = 0; i < 4; i++) expect((await (i % 2 ? a : b).borrow('web', 1)).n).toBe(1);
    await until(() => sumOfAllowances([a, b]) === 100);
    expect((await a.borrow('web', 1)).n).toBe(0);
    const [holder, other] = (a.allowances.get('web')?.borrowed ?? 0) >= 2 ? [a, b] : [b, a];
    holder.giveBack('web', 2);
    await until(() => hub.app.agentHub.quotaView('web')?.shared === 2, 3_000, 'returned batch');
    // Two uses left for two agents: lent one at a time now (core's batchNow), so the last uses go
    // where connections ask for them rather than in a batch to one agent.
    expect((await other.borrow('web')).n).toBe(0); // not ahead
    expect((await other.borrow('web', 1)).n).toBe(1);
    expect((await other.borrow('web', 1)).n).toBe(1);
    expect(sumOfAllowances([a, b])).toBe(100);
  });

  it("lowers every agent's share when a service goes DOWN by majority, and revokes borrowed uses", async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig() });
    const list = await Promise.all(['a', 'b', 'c'].map((x) => t.agent(`agent-${x}`)));
    const [a, b] = list as [SimulatedAgent, SimulatedAgent, SimulatedAgent];
    for (const x of list) x.report({}, services('UP', 'UP'));
    await until(() => list.every((x) => x.allowance('web') === 26), 3_000, 'limit 100 shared by 3');
    while ((await a.borrow('web', 1)).n > 0) {
      /* drain the shared pool (connections waiting: the last uses go to no borrow ahead) */
    }
    expect(a.allowance('web')).toBe(48);
    const revoked = a.client.waitFor('revoke');
    a.transition('web-2', 'DOWN');
    a.client.send({ type: 'heartbeat', seq: 1 });
    await a.client.waitFor('heartbeat-ack');
    // One of three agents is no majority: still UP.
    expect(hub.app.agentHub.limit('web')?.value).toBe(100);
    b.transition('web-2', 'DOWN');
    await until(() => hub.app.agentHub.limit('web')?.value === 50, 3_000, 'limit 50');
    await revoked;
    await until(() => list.every((x) => (x.allowances.get('web')?.exclusive ?? 0) === 13) && sumOfAllowances(list) <= 50, 3_000, 'shares within 50');
    expect(hub.app.agentHub.serviceState('web-2')).toMatchObject({ state: 'DOWN', up: 1, voters: 3 });
    expect(hub.app.agentHub.limit('web')?.derivation).toEqual([
      expect.objectContaining({ service: 'web-1', capacity: 50, state: 'UP', counted: true }),
      expect.objectContaining({ service: 'web-2', capacity: 50, state: 'DOWN', counted: false }),
    ]);
  });

  it("returns a silent agent's quota to the pool after the lease and re-shares it", async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    const events: string[] = [];
    hub.app.agentHub.on('event', (e: { kind: string }) => events.push(e.kind));
    b.stopHeartbeats();
    await until(() => a.allowance('web') === 80, 5_000, 'agent-a alone holds the exclusive pool');
    expect(hub.app.agentHub.quotaView('web')?.byAgent['agent-b']).toBeUndefined();
    expect(events).toEqual(expect.arrayContaining(['agent.disconnected', 'agent.lease_expired', 'quota.rebalanced']));
    expect(hub.app.agentHub.agent('agent-b')).toMatchObject({ connected: false, leaseExpiresAt: null });
  });

  it("keeps a reconnecting agent's share when it comes back within the lease, covering its outstanding uses", async () => {
    hub = await t.start({ leaseMissedHeartbeats: 50 });
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    b.crash();
    await until(() => hub.app.agentHub.agent('agent-b')?.connected === false);
    expect(hub.app.agentHub.quotaView('web')?.byAgent['agent-b']).toEqual({ exclusive: 40, borrowed: 0 });
    const back = await t.agent('agent-b', { appliedVersion: '1', outstanding: { web: { inUse: 46, allowance: 40 } } });
    await until(() => back.allowance('web') === 46, 3_000, 'share covering 46 uses');
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 14 });
  });

  it('counts the connections of an agent rejoining after its lease ended on uses lent since, tells it only what is free, and never shows the shared pool below 0', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 20 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 8 && b.allowance('web') === 8, 3_000, 'shares 8/8');
    b.stopHeartbeats();
    await until(() => hub.app.agentHub.quotaView('web')?.byAgent['agent-b'] === undefined, 5_000, 'lease of agent-b ended');
    while ((await a.borrow('web', 1)).n > 0) {
      /* agent-a takes what agent-b had (connections waiting: the last uses go to no borrow ahead) */
    }
    await until(() => a.allowance('web') === 20, 3_000, 'agent-a holding the whole limit');
    a.inUse.set('web', 20);
    b.crash();
    // agent-b comes back claiming the allocation it had, with 3 connections still open: what it
    // claims counts as held until it acknowledges the revoke to what is free (nothing).
    const back = await t.agent('agent-b', { appliedVersion: '1', outstanding: { web: { inUse: 3, allowance: 8 } }, ackRevokes: false });
    await until(() => back.pendingRevokes.get('web'), 3_000, 'agent-b revoked at once');
    expect(back.pendingRevokes.get('web')).toMatchObject({ exclusive: 0, borrowed: 0 });
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 0, pending: { 'agent-b': 8 } });
    back.inUse.set('web', 3);
    back.ackRevoke('web');
    await until(() => hub.app.agentHub.quotaView('web')?.pending['agent-b'] === 3, 3_000, 'agent-b counted as holding its 3 connections');
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 0, byAgent: { 'agent-b': { exclusive: 0, borrowed: 0 } } });
    expect(back.allowance('web')).toBe(0);
    expect((await back.borrow('web', 5)).n).toBe(0);
    // As agent-a's connections end it acknowledges (down to its share of 8 + 4 borrowed): agent-b
    // grows into what agent-a leaves. Its 3 connections are within the share it is told, so they
    // count once: it reaches its share of 8, and the limit is committed exactly.
    a.inUse.set('web', 12);
    a.ackRevoke('web');
    await until(() => back.allowance('web') === 8, 3_000, 'agent-b told its share of 8');
    expect(a.allowance('web')).toBe(12);
    expect(hub.app.agentHub.quotaCommittedBy('web', 'agent-a') + hub.app.agentHub.quotaCommittedBy('web', 'agent-b')).toBe(20);
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 0, pending: {} });
  });
  it('re-lends uses taken from an agent only after it acknowledges the revoke, so the sum held never passes the lowered limit', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a', { ackRevokes: false });
    const b = await t.agent('agent-b');
    await until(() => a.pendingRevokes.has('web'));
    a.ackRevoke('web');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    a.inUse.set('web', 35);
    const revoked = a.client.waitFor('revoke');
    hub.app.agentHub.setConfig({ version: '2', config: webConfig({ threshold: 50 }) });
    // 80 committed above the new limit of 50: no allowance can stay (the control plane cannot tell
    // a used use from an unused one), every cut use stays committed until acknowledged. Telling
    // agent-b 20 at once, as before, let 35 + 20 connections in with the limit at 50.
    expect(await revoked).toMatchObject({ exclusive: 0, borrowed: 0 });
    // agent-b acknowledges at once with nothing in flight: what that frees grows the shares back,
    // agent-a's first (tied, in join order), while agent-a's 40 uses still count.
    await until(() => b.allowance('web') === 10, 3_000, 'agent-b grown back to the 10 left');
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ limit: 50, shared: 0, pending: { 'agent-a': 40 } });
    expect((await b.borrow('web', 5)).n).toBe(0);
    // It acknowledges while 35 of its connections are still open: 5 uses are free, not 30.
    a.ackRevoke('web');
    await until(() => hub.app.agentHub.quotaView('web')?.pending['agent-a'] === 35, 3_000, 'ack with 35 held');
    await until(() => b.allowance('web') === 15, 3_000, 'agent-b grown by the 5 freed');
    expect((await b.borrow('web', 5)).n).toBe(0);
    a.inUse.set('web', 22);
    a.ackRevoke('web');
    await until(() => hub.app.agentHub.quotaView('web')?.pending['agent-a'] === 22);
    await until(() => b.allowance('web') === 20, 3_000, 'agent-b at its share of 20');
    expect((await b.borrow('web', 5)).n).toBe(5);
    expect((await b.borrow('web', 5)).n).toBe(3);
    a.inUse.set('web', 0);
    a.ackRevoke('web');
    await until(() => hub.app.agentHub.quotaView('web')?.pending['agent-a'] === undefined, 3_000, 'revoke settled');
    // What agent-a no longer holds is lent again (the part of its share not granted went to
    // agent-b's waiting borrows: ceded until uses come back); the limit is committed exactly.
    const view = hub.app.agentHub.quotaView('web')!;
    expect(view.shared).toBe(50 - a.allowance('web')! - b.allowance('web')!);
    expect((await b.borrow('web', 5)).n).toBe(Math.min(5, view.shared));
    expect(a.allowance('web')! + b.allowance('web')!).toBeLessThanOrEqual(50);
  });

  it('gives a joining agent its share only as the others acknowledge giving theirs back', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a', { ackRevokes: false });
    await until(() => a.allowance('web') === 80);
    const b = await t.agent('agent-b');
    await until(() => a.pendingRevokes.has('web'), 3_000, 'revoke to agent-a');
    expect(a.allowance('web')).toBe(40);
    // 80 held by agent-a, 20 unheld: agent-b may hold 20 of its 40 until agent-a acknowledges.
    await until(() => b.allowance('web') === 20, 3_000, 'agent-b capped at 20');
    a.ackRevoke('web');
    await until(() => b.allowance('web') === 40, 3_000, 'agent-b at its full share');
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 20, pending: {} });
  });

  it('lends what an agent asks for at once (n), beyond one batch, within the shared pool', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    expect((await a.borrow('web', 15)).n).toBe(15);
    expect((await b.borrow('web', 15)).n).toBe(5);
    expect((await b.borrow('web')).n).toBe(0);
    expect(sumOfAllowances([a, b])).toBe(100);
  });

  it('reclaims uses an idle agent does not use for an agent with connections waiting, and gives them back when returned', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    const counters = { cxActive: 5, cxTotal: 5, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 };
    b.report({ web: counters });
    b.inUse.set('web', 5);
    await until(() => hub.app.agentHub.agent('agent-b')?.report !== null, 3_000, 'report of agent-b');
    const revoked = b.client.waitFor('revoke');
    // 20 in the shared pool, 10 more from agent-b's unused share (40 − 5 active − a batch of 2 headroom).
    const grant = await a.borrow('web', 30);
    expect(await revoked).toMatchObject({ exclusive: 30, borrowed: 0 });
    expect(grant.n).toBe(30);
    expect(a.allowance('web')).toBe(70);
    await until(() => b.allowance('web') === 30);
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 0, pending: {} });
    a.giveBack('web', 30);
    await until(() => b.allowance('web') === 40, 3_000, 'agent-b back at its share');
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 20 });
  });

  it('admits exactly the limit under a skewed burst over two busy agents, spilling only once no room is left anywhere', async () => {
    hub = await t.start();
    hub.app.agentHub.setConfig({ version: '1', config: webConfig({ threshold: 100 }) });
    const a = await t.agent('agent-a');
    const b = await t.agent('agent-b');
    await until(() => a.allowance('web') === 40 && b.allowance('web') === 40);
    // A burst of 200 connections, 90% to agent-a. Each agent admits within its allowance, asks at
    // once for the connections waiting (borrow with n) and spills what the grant does not cover.
    const spills = { a: 0, b: 0 };
    const heldOverall: number[] = [];
    const arrive = async (x: SimulatedAgent, key: 'a' | 'b', n: number): Promise<void> => {
      const admitLocal = (k: number): number => {
        const room = Math.max(0, (x.allowance('web') ?? 0) - (x.inUse.get('web') ?? 0));
        const took = Math.min(room, k);
        x.inUse.set('web', (x.inUse.get('web') ?? 0) + took);
        return k - took;
      };
      const waiting = admitLocal(n);
      if (waiting > 0) {
        await x.borrow('web', waiting);
        spills[key] += admitLocal(waiting);
      }
      heldOverall.push((a.inUse.get('web') ?? 0) + (b.inUse.get('web') ?? 0));
    };
    const counters = (active: number) => ({ cxActive: active, cxTotal: active, spilloversTotal: 0, rxBytesTotal: 0, txBytesTotal: 0, rxKbps: 0, txKbps: 0 });
    // agent-b takes its 20 first and has just borrowed (busy): it is still a donor of what it does not use.
    await arrive(b, 'b', 20);
    expect((await b.borrow('web')).n).toBe(2);
    b.report({ web: counters(20) });
    await until(() => hub.app.agentHub.agent('agent-b')?.report?.vservers.web?.cxActive === 20, 3_000, 'report of agent-b');
    await arrive(a, 'a', 180);
    // agent-a got the shared pool (18 left) and the 22 uses agent-b did not use: 80 + 20 = the limit.
    expect(a.inUse.get('web')).toBe(80);
    expect(b.inUse.get('web')).toBe(20);
    expect(spills).toEqual({ a: 100, b: 0 });
    // With the limit reached, nothing more is admitted anywhere: agent-b's next connection spills.
    a.report({ web: counters(80) });
    await until(() => hub.app.agentHub.agent('agent-a')?.report?.vservers.web?.cxActive === 80, 3_000, 'report of agent-a');
    await arrive(b, 'b', 1);
    expect(spills.b).toBe(1);
    expect(Math.max(...heldOverall)).toBe(100);
    expect(sumOfAllowances([a, b])).toBeLessThanOrEqual(100);
    expect(hub.app.agentHub.quotaView('web')).toMatchObject({ shared: 0, pending: {} });
  });

  it('takes no uses from an agent whose own connections just waited for uses, so an even burst does not move uses back and forth', async () => {
    const [a, b] = await sharesWithBReporting(20);
    // agent-b's connections waited for uses (a borrow with n): it is no donor for a while.
    expect((await b.borrow('web', 4)).n).toBe(4);
    let revoked = false;
    b.client.on('message', (m: { type: string }) => {
      if (m.type === 'revoke') revoked = true;
    });
    const grant = await a.borrow('web', 30);
    expect(grant.n).toBe(16);
    expect(revoked).toBe(false);
    expect(b.allowance('web')).toBe(44);
    expect(sumOfAllowances([a, b])).toBe(100);
  });
});
