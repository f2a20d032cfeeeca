import { describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  decodeAgentMessage,
  decodeControlMessage,
  isValidAgentMessage,
  isValidControlMessage,
  type AgentMessage,
  type ControlMessage,
} from '../src/index.js';

const agentMessages: AgentMessage[] = [
  { type: 'hello', protocol: PROTOCOL_VERSION, agent: 'agent-a', workers: 2, appliedVersion: null, outstanding: {} },
  { type: 'hello', protocol: PROTOCOL_VERSION, agent: 'agent-a', workers: 2, appliedVersion: '7', outstanding: { web: { inUse: 12, allowance: 40 } } },
  { type: 'ack', version: '7' },
  {
    type: 'nack',
    version: '8',
    error: { code: 'SPILLWAY_AGENT_CONFIG_INVALID', message: 'bad', details: [{ path: '/vservers/0/listen/port', message: 'in use' }] },
  },
  {
    type: 'report',
    at: 1,
    vservers: { web: { cxActive: 3, cxTotal: 9, spilloversTotal: 1, rxBytesTotal: 10, txBytesTotal: 20, rxKbps: 0.5, txKbps: 1 } },
    services: { 'web-1': { cxActive: 3, cxTotal: 9, state: 'UP' } },
  },
  { type: 'transition', service: 'web-1', state: 'DOWN', at: 5, reason: 'connect refused' },
  { type: 'borrow', vserver: 'web', id: 3 },
  { type: 'borrow', vserver: 'web', id: 5, n: 7 },
  // For waiting connections, with the allowance they wait on.
  { type: 'borrow', vserver: 'web', id: 8, n: 2, allowance: 12 },
  { type: 'revoke-ack', vserver: 'web', id: 9, committed: 12 },
  { type: 'return', vserver: 'web', id: 4, n: 4 },
  // A service's capacity pool: the same messages, with pool: 'service' (issue 12 item 3).
  { type: 'borrow', vserver: 'web-1', id: 6, n: 1, pool: 'service' },
  { type: 'revoke-ack', vserver: 'web-1', id: 10, committed: 3, pool: 'service' },
  { type: 'heartbeat', seq: 10 },
  { type: 'error', code: 'SPILLWAY_PROTOCOL_INVALID', message: 'x', ref: 'grant' },
];
const controlMessages: ControlMessage[] = [
  { type: 'welcome', protocol: PROTOCOL_VERSION, agentId: 'agent-a', heartbeatMs: 1000, leaseMissedHeartbeats: 3 },
  { type: 'snapshot', version: '7', config: { services: [], monitors: [], vservers: [{ name: 'web' }] } },
  { type: 'service-states', states: { 'web-1': 'UP', 'web-2': 'DOWN' } },
  { type: 'bandwidth-shares', shares: { web: 0.5, api: 1 } },
  { type: 'allowance', vserver: 'web', limit: 100, exclusive: 40, borrowed: 0, batch: 2 },
  { type: 'allowance', vserver: 'web', limit: null, exclusive: 0, borrowed: 0, batch: 1 },
  { type: 'grant', vserver: 'web', id: 3, n: 2, borrowed: 4 },
  { type: 'revoke', vserver: 'web', id: 9, exclusive: 30, borrowed: 0 },
  { type: 'allowance', vserver: 'web-1', limit: 5, exclusive: 2, borrowed: 0, batch: 1, pool: 'service' },
  { type: 'grant', vserver: 'web-1', id: 6, n: 1, borrowed: 1, pool: 'service' },
  { type: 'heartbeat-ack', seq: 10 },
  { type: 'error', code: 'SPILLWAY_HUB_NOT_HELLO', message: 'say hello first' },
];

describe('control channel codec', () => {
  it.each(agentMessages.map((m) => [m.type, m] as const))('round-trips the agent message %s', (_t, msg) => {
    expect(isValidAgentMessage(msg)).toBe(true);
    expect(decodeAgentMessage(JSON.stringify(msg))).toEqual({ ok: true, message: msg });
    expect(decodeAgentMessage(Buffer.from(JSON.stringify(msg)))).toEqual({ ok: true, message: msg });
  });

  it.each(controlMessages.map((m) => [m.type, m] as const))('round-trips the control message %s', (_t, msg) => {
    expect(isValidControlMessage(msg)).toBe(true);
    expect(decodeControlMessage(JSON.stringify(msg))).toEqual({ ok: true, message: msg });
  });

  it('rejects a frame that is not JSON as malformed', () => {
    const r = decodeAgentMessage('{"type":');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('SPILLWAY_PROTOCOL_MALFORMED');
  });

  it('rejects JSON that is not an object, or has no type, as malformed', () => {
    for (const frame of ['[]', '42', 'null', '{"seq":1}', '{"type":3}']) {
      const r = decodeControlMessage(frame);
      expect(r.ok, frame).toBe(false);
      if (!r.ok) expect(r.code).toBe('SPILLWAY_PROTOCOL_MALFORMED');
    }
  });

  it('rejects an unknown type, and a type of the other direction, naming it', () => {
    const r = decodeAgentMessage('{"type":"launch-missiles"}');
    expect(r).toMatchObject({ ok: false, code: 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE', ref: 'launch-missiles' });
    expect(decodeAgentMessage(JSON.stringify(controlMessages[3]))).toMatchObject({ ok: false, code: 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE' });
    expect(decodeControlMessage(JSON.stringify(agentMessages[6]))).toMatchObject({ ok: false, code: 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE' });
  });

  it('names the faulty field of an invalid message', () => {
    const r = decodeAgentMessage(JSON.stringify({ type: 'borrow', vserver: 'web', id: -1 }));
    expect(r).toMatchObject({ ok: false, code: 'SPILLWAY_PROTOCOL_INVALID', ref: 'borrow' });
    if (!r.ok) expect(r.details.map((d) => d.path)).toContain('/id');
    const missing = decodeControlMessage(JSON.stringify({ type: 'allowance', vserver: 'web', limit: 10, exclusive: 4, borrowed: 0 }));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.details.map((d) => d.path)).toContain('/batch');
  });

  it('rejects extra fields and wrong enum values', () => {
    expect(decodeAgentMessage(JSON.stringify({ type: 'heartbeat', seq: 1, extra: true })).ok).toBe(false);
    expect(decodeAgentMessage(JSON.stringify({ type: 'transition', service: 's', state: 'MAYBE', at: 1 })).ok).toBe(false);
    expect(decodeControlMessage(JSON.stringify({ type: 'service-states', states: { s: 'up' } })).ok).toBe(false);
    expect(decodeControlMessage(JSON.stringify({ type: 'bandwidth-shares', shares: { web: 1.5 } })).ok).toBe(false);
  });

  it('never throws on arbitrary input', () => {
    const junk = [
      '',
      ' ',
      '\u0000',
      '{"type":"hello","outstanding":{"a":{"inUse":"x"}}}',
      '{"type":"report","vservers":null}',
      'x'.repeat(10_000),
      '{"__proto__":{"type":"ack"}}',
    ];
    for (const j of junk) {
      expect(decodeAgentMessage(j).ok).toBe(false);
      expect(decodeControlMessage(j).ok).toBe(false);
    }
  });
});
