// One DNS probe (seed 002: "a dnsquery … for a known network address"): a query for a name and
// record type to the service (a DNS server at its address and port), over UDP; UP on NOERROR with
// at least one answer of that type, carrying the expected address when one is given. Encoding and
// decoding are dns-packet's; the datagram exchange is the UDP probe's.
import { randomInt } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { MonitorDoc } from './config.js';
import type { ProbeResult } from './monitor-tcp.js';
import { exchangeDatagram, type ReplyVerdict } from './monitor-udp.js';

type DnsSpec = NonNullable<MonitorDoc['dns']>;

/** The value of an answer an operator would name (an address, a host name, a TXT string). */
function answerValue(a: dnsPacket.Answer): string {
  switch (a.type) {
    case 'MX':
      return a.data.exchange;
    case 'SRV':
      return a.data.target;
    case 'SOA':
      return a.data.mname;
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return parts.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');
    }
    default:
      return 'data' in a && typeof a.data === 'string' ? a.data : '';
  }
}

/** Same address (IPv6 in any spelling) for A/AAAA; the same name, case and final dot aside, otherwise. */
function sameValue(type: DnsSpec['type'], got: string, want: string): boolean {
  if (type === 'A' || type === 'AAAA') {
    const family = type === 'A' ? 'ipv4' : 'ipv6';
    if (isIP(got) !== (type === 'A' ? 4 : 6) || isIP(want) !== (type === 'A' ? 4 : 6)) return false;
    const list = new BlockList();
    list.addAddress(want, family);
    return list.check(got, family);
  }
  const norm = (s: string): string => s.replace(/\.$/, '').toLowerCase();
  return type === 'TXT' ? got === want : norm(got) === norm(want);
}

/** Judges a reply to the query `id`; null for a datagram that answers another query. */
export function judgeDnsReply(reply: Buffer, id: number, spec: DnsSpec): ReplyVerdict {
  const p = dnsPacket.decode(reply);
  if (p.type !== 'response' || p.id !== id) return null;
  const rcode = (p.flags ?? 0) & 0xf;
  if (rcode !== 0) return { ok: false, reason: `rcode ${(p as { rcode?: string }).rcode ?? rcode}` };
  const answers = (p.answers ?? []).filter((a) => a.type === spec.type);
  if (answers.length === 0) return { ok: false, reason: `no ${spec.type} answer for ${spec.query}` };
  const want = spec.expectAddress;
  if (want !== undefined && !answers.some((a) => sameValue(spec.type, answerValue(a), want)))
    return { ok: false, reason: `no ${spec.type} answer is ${want} (got ${answers.map(answerValue).join(', ')})` };
  return { ok: true };
}

export function probeDns(host: string, port: number, timeoutMs: number, spec: DnsSpec): Promise<ProbeResult> {
  const id = randomInt(0, 65536);
  let query: Buffer;
  try {
    query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: spec.type, name: spec.query }] });
  } catch (err) {
    return Promise.resolve({ ok: false, responseMs: 0, reason: `query not encoded: ${(err as Error).message}`, error: true });
  }
  return exchangeDatagram(host, port, query, timeoutMs, (reply) => judgeDnsReply(reply, id, spec));
}
