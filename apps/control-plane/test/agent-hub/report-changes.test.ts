// An agent's reports after the first of a connection carry only what changed (protocol
// report.ts): the hub keeps every other entry as last reported, drops the names gone, and a new
// connection's first report stands alone again.
import { describe, expect, it } from 'vitest';
import { type Report } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let h: HubServer | null = null;

const vs = (cxActive: number): Report['vservers'][string] => ({
  cxActive,
  cxTotal: cxActive,
  spilloversTotal: 0,
  rxBytesTotal: 0,
  txBytesTotal: 0,
  rxKbps: 0,
  txKbps: 0,
});
const svc = (state: 'UP' | 'DOWN'): Report['services'][string] => ({ cxActive: 0, cxTotal: 0, state });

describe('hub: reports of what changed', () => {
  it('keeps the entries a report does not carry, drops those it names gone, and takes a new connection whole', async () => {
    h = await t.start();
    const hub = h.app.agentHub;
    hub.setConfig({ version: '1', config: webConfig() });
    const a = await t.agent('agent-a');
    const report = (): Report | null => hub.agent('agent-a')?.report ?? null;

    a.client.send({ type: 'report', at: 1, vservers: { web: vs(3), old: vs(1) }, services: { 'web-1': svc('UP'), 'web-2': svc('UP') } });
    await until(() => report()?.at === 1, 5_000, 'first report');
    a.client.send({
      type: 'report',
      at: 2,
      partial: true,
      vservers: { web: vs(5) },
      services: { 'web-2': svc('DOWN') },
      gone: { vservers: ['old'], services: [] },
    });
    await until(() => report()?.at === 2, 5_000, 'second report');
    expect(report()).toEqual({ type: 'report', at: 2, vservers: { web: vs(5) }, services: { 'web-1': svc('UP'), 'web-2': svc('DOWN') } });
    // The states voted are those of the whole report.
    await until(() => hub.serviceState('web-2')?.state === 'DOWN' && hub.serviceState('web-1')?.state === 'UP', 5_000, 'states voted');
    // An idle report changes nothing.
    a.client.send({ type: 'report', at: 3, partial: true, vservers: {}, services: {} });
    await until(() => report()?.at === 3, 5_000, 'idle report');
    expect(report()?.services).toEqual({ 'web-1': svc('UP'), 'web-2': svc('DOWN') });

    // Another connection: its first report is the whole one.
    a.crash();
    const b = await t.agent('agent-a');
    b.client.send({ type: 'report', at: 4, vservers: { web: vs(0) }, services: { 'web-1': svc('UP') } });
    await until(() => report()?.at === 4, 5_000, 'report of the new connection');
    expect(report()).toEqual({ type: 'report', at: 4, vservers: { web: vs(0) }, services: { 'web-1': svc('UP') } });
  });
});
