// The hub's readers of one kind of the document (bandwidth methods and availablecapacity bindings
// of vservers, maintenance states of services) are given a version only when it changed that
// kind (hub.ts onSnapshot): a version of services alone still starts and ends maintenance, one of
// vservers alone still reaches the bandwidth shares, and neither undoes the other's.
import { describe, expect, it } from 'vitest';
import { type ConfigDocument, type ControlMessage } from '@spillway/protocol';
import { hubTest, until, webConfig, type HubServer } from './helpers.js';

const t = hubTest();
let h: HubServer | null = null;

type Doc = Record<string, unknown>;
/** webConfig with `web` spilling on bandwidth too (`kbps`; null: no bandwidth method) and web-2 in `state`. */
function config(kbps: number | null, state: 'enabled' | 'maintenance'): ConfigDocument {
  const doc = webConfig() as unknown as { services: Doc[]; vservers: Array<Doc & { spillover: { methods: Doc[] } }> };
  doc.services[1] = { ...doc.services[1], state };
  if (kbps !== null) doc.vservers[0]!.spillover.methods.push({ type: 'bandwidth', thresholdKbps: kbps });
  return doc as unknown as ConfigDocument;
}

describe('hub: versions of one kind of resource', () => {
  it('starts and ends maintenance on versions of services alone, and tells bandwidth shares on versions of vservers alone', async () => {
    h = await t.start();
    const hub = h.app.agentHub;
    const events: string[] = [];
    hub.on('event', (e: { kind: string; service?: string }) => {
      if (e.kind.startsWith('service.maintenance')) events.push(`${e.kind} ${e.service}`);
    });
    hub.setConfig({ version: '1', config: config(1_000, 'enabled') });
    const a = await t.agent('agent-a');
    const share = (): number | undefined =>
      a.client.received.reduce<number | undefined>(
        (last, m: ControlMessage) => (m.type === 'bandwidth-shares' && m.shares.web !== undefined ? m.shares.web : last),
        undefined,
      );
    await until(() => share() !== undefined, 5_000, 'a bandwidth share of web');
    const told = share();

    // Services alone: web-2 into maintenance and out again.
    hub.setConfig({ version: '2', config: config(1_000, 'maintenance') });
    await until(() => events.includes('service.maintenance_started web-2'), 5_000, 'maintenance started');
    hub.setConfig({ version: '3', config: config(1_000, 'enabled') });
    await until(() => events.some((e) => e.startsWith('service.maintenance_completed web-2')), 5_000, 'maintenance completed');
    expect(share()).toBe(told);

    // Vservers alone: web loses its bandwidth method (its share is forgotten), then gets one again (told anew).
    hub.setConfig({ version: '4', config: config(null, 'enabled') });
    const before = a.client.received.length;
    hub.setConfig({ version: '5', config: config(2_000, 'enabled') });
    await until(() => a.client.received.slice(before).some((m) => m.type === 'bandwidth-shares' && m.shares.web !== undefined), 5_000, 'web told again');
    expect(events).toEqual(['service.maintenance_started web-2', expect.stringMatching(/^service.maintenance_completed web-2/)]);
  });
});
