// The hub's limit of a vserver is core's one derivation (quotaLimit over the bound services and
// their aggregate states), the same count the agents' quota enforces.
import { describe, expect, it } from 'vitest';
import { LiveServices } from '@spillway/core';
import { BandwidthShares } from '../../src/agent-hub/bandwidth-shares.js';
import { vserverLimit } from '../../src/agent-hub/index.js';
import { webConfig } from './helpers.js';

describe('vserver limit', () => {
  it('follows the UP capacity with dynamicconnection, and agrees with the agent derivation (core LiveServices)', () => {
    const config = webConfig();
    expect(vserverLimit(config, 'web', {})?.value).toBe(100);
    expect(vserverLimit(config, 'web', { 'web-2': 'DOWN' })).toMatchObject({ value: 50, method: 'dynamicconnection', healthPercent: 50 });
    const agentSide = new LiveServices(
      config.vservers.map((v) => ({ name: v.name, services: v.services, spillover: v.spillover })),
      config.services,
      (s) => s !== 'web-2',
    );
    expect(agentSide.limit('web')).toBe(50);
  });

  it('with all over connection and health is the connection count the agents share (not null: every agent would enforce it alone)', () => {
    const config = webConfig({ threshold: 4 });
    config.vservers[0]!.spillover = {
      ...config.vservers[0]!.spillover,
      combine: 'all',
      methods: [
        { type: 'connection', threshold: 4 },
        { type: 'health', thresholdPercent: 50 },
      ],
    };
    expect(vserverLimit(config, 'web', {})).toMatchObject({ value: 4, method: 'connection' });
  });
});

describe('every mix of methods has a global decision', () => {
  type M = Record<string, unknown>;
  const KINDS: M[] = [
    { type: 'connection', threshold: 30 },
    { type: 'dynamicconnection' },
    { type: 'bandwidth', thresholdKbps: 1000, direction: 'out' },
    { type: 'health', thresholdPercent: 75 },
  ];
  const mixes: M[][] = [];
  for (let bits = 1; bits < 1 << KINDS.length; bits++) mixes.push(KINDS.filter((_, i) => bits & (1 << i)));

  it.each((['any', 'all'] as const).flatMap((combine) => mixes.map((methods) => [combine, methods.map((m) => m.type).join('+'), methods] as const)))(
    '%s over %s: the shared count, health and bandwidth shares agree across hub and agents',
    (combine, _names, methods) => {
      const config = webConfig();
      config.vservers[0]!.spillover = { ...config.vservers[0]!.spillover, combine, methods };
      // The quorum says web-2 is DOWN: the hub derives from it and the agents enforce it (core's LiveServices on the same states).
      const hub = vserverLimit(config, 'web', { 'web-2': 'DOWN' })!;
      const agentSide = new LiveServices(
        config.vservers.map((v) => ({ name: v.name, services: v.services, spillover: v.spillover })),
        config.services,
        (s) => s !== 'web-2',
      );
      const counted = methods.some((m) => m.type === 'connection' || m.type === 'dynamicconnection');
      // A connection count is shared by the hub's quota whenever the policy has one (any or all); without one no count exists.
      expect(hub.value === null).toBe(!counted);
      expect(hub.value).toBe(agentSide.limit('web'));
      expect(hub.healthPercent).toBe(50);
      // A bandwidth method is split across the agents (any or all): the two shares add up to the budget at most.
      const sent: Record<string, Record<string, number>> = {};
      const shares = new BandwidthShares(
        (agent, msg) => {
          sent[agent] = { ...sent[agent], ...msg.shares };
          return true;
        },
        () => true,
      );
      shares.join('a');
      shares.join('b');
      shares.setConfig(config);
      shares.close();
      const split = Object.values(sent).map((s) => s.web ?? 1);
      if (methods.some((m) => m.type === 'bandwidth')) {
        expect(split).toHaveLength(2);
        expect(split.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(1);
      } else expect(split).toEqual([]);
    },
  );
});
