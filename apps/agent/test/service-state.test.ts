// The two halves of the service state wired together in one process (engines 1 and 2 and the
// primary, their messages delivered one event-loop turn later as over IPC), so that every path
// is taken on purpose: a share used up, a batch lent by the pool, a slot lent by the other
// engine, the queue in arrival order, a freed slot handed across engines.
import { describe, expect, it } from 'vitest';
import { AgentDocument, parseAgentConfig, wholeChange } from '../src/config.js';
import { ServiceState, type ServicePick } from '../src/service-state.js';
import { ServiceStatePrimary } from '../src/service-state-primary.js';
import { Counters } from '../src/stats.js';

function agent(capacity: number, queue: number) {
  const config = parseAgentConfig(
    {
      services: [{ name: 's', address: '127.0.0.1', port: 9, capacity }],
      vservers: [{ name: 'v', protocol: 'tcp', listen: null, services: [{ service: 's' }], surgeQueue: { length: queue, timeoutMs: 10_000 } }],
    },
    {},
  );
  let inFlight = 0;
  const deliver = (fn: () => void): void => {
    inFlight++;
    setImmediate(() => {
      inFlight--;
      fn();
    });
  };
  const engines = new Map<number, ServiceState>();
  const primary = new ServiceStatePrimary((e, msg) => deliver(() => engines.get(e)?.onMessage(msg)));
  for (const id of [1, 2]) engines.set(id, new ServiceState(new Counters(), (msg) => deliver(() => primary.onMessage(id, msg))));
  primary.setEngines([1, 2]);
  const doc = new AgentDocument(config.agent);
  const reach = doc.apply(wholeChange(config));
  primary.apply(doc, reach, {});
  for (const e of engines.values()) e.apply(doc, reach);
  /** Resolves once no message is in flight. */
  const settled = async (): Promise<void> => {
    while (inFlight > 0) await new Promise((r) => setImmediate(r));
  };
  /** A new engine, starting (it has no configuration yet). */
  const add = (id: number): ServiceState => {
    const e = new ServiceState(new Counters(), (msg) => deliver(() => primary.onMessage(id, msg)));
    engines.set(id, e);
    primary.setEngines([1, 2], [id]);
    return e;
  };
  return { primary, doc, reach, one: engines.get(1)!, two: engines.get(2)!, add, settled };
}

/** A pick now, or through the primary (what the listeners do). */
async function take(e: ServiceState): Promise<ServicePick | string> {
  const p = e.pick('v', '10.0.0.1', undefined);
  return p === 'wait' ? e.wait('v', '10.0.0.1') : p;
}

describe('service state across two engines', () => {
  it('lets one engine use the whole capacity (its share, a batch from the pool, slots lent by the other engine) and never more', async () => {
    const a = agent(5, 0);
    await a.settled();
    const picks: (ServicePick | string)[] = [];
    for (let i = 0; i < 6; i++) {
      picks.push(await take(a.one));
      await a.settled();
    }
    expect(picks.slice(0, 5).every((p) => typeof p === 'object')).toBe(true);
    expect(picks[5]).toBe('unavailable'); // no surge queue
    // The engine without clients lent its share: it has no room left either.
    expect(a.two.pick('v', '10.0.0.2', undefined)).toBe('wait');
    expect(await a.two.wait('v', '10.0.0.2')).toBe('unavailable');
    // Every slot goes back where it is held: the capacity is whole again.
    for (const p of picks) if (typeof p === 'object') a.one.release(p);
    await a.settled();
    const again: (ServicePick | string)[] = [];
    for (let i = 0; i < 5; i++) {
      again.push(await take(i % 2 === 0 ? a.two : a.one));
      await a.settled();
    }
    expect(again.every((p) => typeof p === 'object')).toBe(true);
    expect(await take(a.one)).toBe('unavailable');
  });

  it('admits waiters of both engines in arrival order as slots free on either', async () => {
    const a = agent(2, 10);
    await a.settled();
    const held = [await take(a.one), await take(a.two)];
    await a.settled();
    expect(held.every((p) => typeof p === 'object')).toBe(true);
    const admitted: string[] = [];
    const waits = ['w1@two', 'w2@one', 'w3@two', 'w4@one'].map((name) => {
      const e = name.endsWith('one') ? a.one : a.two;
      const p = e.pick('v', name, undefined);
      expect(p).toBe('wait');
      return e.wait('v', name).then((r) => {
        admitted.push(name);
        return { e, r };
      });
    });
    await a.settled();
    expect(a.primary.view().queues.v).toBe(4);
    // New clients queue behind the waiters, even on an engine that would have room.
    expect(a.one.pick('v', 'late', undefined)).toBe('wait');
    a.one.release(held[0] as ServicePick);
    a.two.release(held[1] as ServicePick);
    await a.settled();
    expect(admitted).toEqual(['w1@two', 'w2@one']);
    const [first, second] = await Promise.all(waits.slice(0, 2));
    first!.e.release(first!.r as ServicePick);
    second!.e.release(second!.r as ServicePick);
    await a.settled();
    expect(admitted).toEqual(['w1@two', 'w2@one', 'w3@two', 'w4@one']);
  });

  it('tells an engine that starts while clients wait, before its configuration: its new clients queue behind them', async () => {
    const a = agent(1, 10);
    await a.settled();
    const held = await take(a.one);
    expect(typeof held).toBe('object');
    expect(a.two.pick('v', 'w1', undefined)).toBe('wait');
    const w1 = a.two.wait('v', 'w1');
    await a.settled();
    const three = a.add(3);
    await a.settled();
    three.apply(a.doc, a.reach);
    expect(three.pick('v', 'late', undefined)).toBe('wait');
    a.one.release(held as ServicePick);
    expect(typeof (await w1)).toBe('object');
  });
});
