// An agent of a site serves the services of its site and those of none (docs/SITES.md): its site
// from SPILLWAY_AGENT_SITE or agent.site; another site's services are neither monitored nor bound.
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../src/config.js';

const doc = {
  sites: [{ name: 'a' }, { name: 'b' }],
  services: [
    { name: 'a-1', address: '127.0.0.1', port: 9001, site: 'a' },
    { name: 'b-1', address: '127.0.0.1', port: 9002, site: 'b' },
    { name: 'any', address: '127.0.0.1', port: 9003 },
  ],
  vservers: [
    { name: 'web', protocol: 'tcp', listen: { port: 0 }, siteBalancing: true, services: [{ service: 'a-1' }, { service: 'b-1' }, { service: 'any' }] },
  ],
};

describe('an agent of a site', () => {
  it('serves its site’s services and those of none (SPILLWAY_AGENT_SITE), binds nothing of another site', () => {
    const c = parseAgentConfig(doc, { SPILLWAY_AGENT_SITE: 'b' });
    expect(c.agent.site).toBe('b');
    expect(c.services.map((s) => s.name)).toEqual(['any', 'b-1']);
    expect(c.vservers[0]?.services.map((b) => b.service)).toEqual(['any', 'b-1']);
    expect(c.vservers[0]?.siteBalancing).toBe(true);
  });
  it('serves the whole document without a site', () => {
    const c = parseAgentConfig(doc, {});
    expect(c.agent.site).toBeNull();
    expect(c.services.map((s) => s.name)).toEqual(['a-1', 'any', 'b-1']);
  });
});
