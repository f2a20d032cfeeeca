// The hub's limit of a vserver is core's one derivation (quotaLimit over the bound services and
// their aggregate states), the same count the agents' quota enforces.
import { describe, expect, it } from 'vitest';
import { LiveServices } from '@spillway/core';
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
