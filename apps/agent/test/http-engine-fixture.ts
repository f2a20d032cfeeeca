// What a test of the HTTP engine alone (in this process, without a plane) serves: one HTTP
// vserver over one service, and a stand-in for the agent's service state that always picks it.
import { parseAgentConfig } from '../src/config.js';
import type { HttpVServer } from '../src/http/engine.js';
import type { ServicePick, ServiceState } from '../src/service-state.js';
import { emptyServiceCounters, emptyVServerCounters } from '../src/stats.js';

/** The vserver `front` (HTTP, no spillover methods) over the service `app` at 127.0.0.1:`servicePort`, and service state that picks it every time. */
export function oneServiceVServer(servicePort: number): { root: HttpVServer; services: Pick<ServiceState, 'pick' | 'wait' | 'release'> } {
  const doc = parseAgentConfig({
    services: [{ name: 'app', address: '127.0.0.1', port: servicePort, protocol: 'http', capacity: 10 }],
    vservers: [{ name: 'front', protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'app' }], spillover: { methods: [] } }],
  }).vservers[0]!;
  const pick: ServicePick = { service: 'app', address: '127.0.0.1', port: servicePort, counters: emptyServiceCounters() };
  return {
    root: { doc, counters: emptyVServerCounters(), cookieName: 'spillway-front' },
    services: { pick: () => pick, wait: () => Promise.resolve(pick), release: () => {} },
  };
}
