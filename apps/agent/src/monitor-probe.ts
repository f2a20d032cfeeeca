// One probe of a monitor against a service, by monitor type: the one place a type is mapped to
// its probe (monitor-tcp/http/udp/dns.ts). A missing section is refused by the contract's rules
// before a document is served; here it fails the try as a probe error.
import type { MonitorDoc, ServiceDoc } from './config.js';
import { probeAgent } from './monitor-agent.js';
import { probeDns } from './monitor-dns.js';
import { probeHttp } from './monitor-http.js';
import { probeTcp, type ProbeResult } from './monitor-tcp.js';
import { probeUdp } from './monitor-udp.js';

const missing = (section: string): ProbeResult => ({ ok: false, responseMs: 0, reason: `no ${section} section`, error: true });

export function probe(m: MonitorDoc, s: ServiceDoc): Promise<ProbeResult> {
  switch (m.type) {
    case 'tcp':
      return probeTcp(s.address, s.port, m.timeoutMs);
    case 'http':
    case 'https':
      return probeHttp({
        tls: m.type === 'https',
        host: s.address,
        port: s.port,
        timeoutMs: m.timeoutMs,
        method: m.http?.method,
        path: m.http?.path,
        hostHeader: m.http?.host,
        expectStatus: m.http?.expectStatus,
        expectBody: m.http?.expectBody,
      });
    case 'udp':
      return m.udp ? probeUdp(s.address, s.port, m.timeoutMs, m.udp.send, m.udp.expect) : Promise.resolve(missing('udp'));
    case 'dns':
      return m.dns ? probeDns(s.address, s.port, m.timeoutMs, m.dns) : Promise.resolve(missing('dns'));
    case 'agent':
      return m.agent ? probeAgent(s.address, m.agent.port, m.timeoutMs, m.agent.send) : Promise.resolve(missing('agent'));
  }
}
