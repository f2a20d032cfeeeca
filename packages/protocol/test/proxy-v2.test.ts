// PROXY protocol v2 (HAProxy spec 2.2): the header the agent writes first on upstream connections
// to `proxyProtocol: "v2"` services, and the incremental parser backends (packages/migration) use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PP2_TYPE, PROXY_V2_SIGNATURE, ProxyV2Parser, encodeProxyV2, parseProxyV2, type ProxyV2Result } from '../src/index.js';

function header(result: ProxyV2Result) {
  if (result.kind !== 'header') throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result;
}

function errorCode(result: ProxyV2Result): string | undefined {
  return result.kind === 'error' ? result.error.code : undefined;
}

/** A header with its 16-byte prefix written by hand: version/command byte, family/transport byte, body. */
function raw(verCmd: number, famProto: number, body: Buffer, length = body.length): Buffer {
  const fixed = Buffer.alloc(16);
  PROXY_V2_SIGNATURE.copy(fixed);
  fixed[12] = verCmd;
  fixed[13] = famProto;
  fixed.writeUInt16BE(length, 14);
  return Buffer.concat([fixed, body]);
}

describe('PROXY v2 encoding', () => {
  it('writes the spec bytes for an AF_INET STREAM PROXY header', () => {
    const bytes = encodeProxyV2({ source: { address: '127.0.0.1', port: 1234 }, destination: { address: '127.0.0.2', port: 80 } });
    expect(bytes.toString('hex')).toBe('0d0a0d0a000d0a515549540a' + '2111000c' + '7f000001' + '7f000002' + '04d2' + '0050');
  });

  it('round-trips IPv4, IPv6 and the two Spillway TLVs (0xE0 connection id, 0xE1 migration id)', () => {
    const v4 = header(
      parseProxyV2(
        encodeProxyV2({
          source: { address: '10.1.2.3', port: 50000 },
          destination: { address: '10.9.9.9', port: 443 },
          connectionId: 'agent-1:42',
          migrationId: 'm-7',
        }),
      ),
    ).header;
    expect(v4).toMatchObject({ command: 'proxy', family: 'inet', transport: 'stream', connectionId: 'agent-1:42', migrationId: 'm-7' });
    expect(v4.source).toEqual({ address: '10.1.2.3', port: 50000 });
    expect(v4.destination).toEqual({ address: '10.9.9.9', port: 443 });
    expect(v4.tlvs.map((t) => t.type)).toEqual([PP2_TYPE.SPILLWAY_CONNECTION_ID, PP2_TYPE.SPILLWAY_MIGRATION_ID]);

    const v6 = header(
      parseProxyV2(encodeProxyV2({ source: { address: '2001:db8::1', port: 1 }, destination: { address: '::1', port: 2 }, connectionId: 'c' })),
    ).header;
    expect(v6).toMatchObject({ family: 'inet6', source: { address: '2001:db8::1', port: 1 }, destination: { address: '::1', port: 2 }, connectionId: 'c' });
    expect(v6.migrationId).toBeUndefined();
  });

  it('writes IPv4-mapped addresses as AF_INET and a v4/v6 pair as AF_INET6 with the v4 side mapped', () => {
    const mapped = header(parseProxyV2(encodeProxyV2({ source: { address: '::ffff:127.0.0.1', port: 5 }, destination: { address: '127.0.0.1', port: 6 } })));
    expect(mapped.header).toMatchObject({ family: 'inet', source: { address: '127.0.0.1', port: 5 } });
    const mixed = header(parseProxyV2(encodeProxyV2({ source: { address: '192.0.2.1', port: 5 }, destination: { address: 'fe80::1:2', port: 6 } })));
    expect(mixed.header).toMatchObject({ family: 'inet6', source: { address: '::ffff:192.0.2.1' }, destination: { address: 'fe80::1:2' } });
  });

  it('falls back to AF_UNSPEC (TLVs kept) when an address is missing or not an IP, and LOCAL carries no address', () => {
    const unknown = header(
      parseProxyV2(encodeProxyV2({ source: { address: undefined, port: 1 }, destination: { address: '127.0.0.1', port: 2 }, connectionId: 'x:1' })),
    );
    expect(unknown.header).toMatchObject({ command: 'proxy', family: 'unspec', transport: 'unspec', connectionId: 'x:1' });
    expect(unknown.header.source).toBeUndefined();
    const local = header(
      parseProxyV2(encodeProxyV2({ command: 'local', source: { address: '127.0.0.1', port: 1 }, destination: { address: '127.0.0.1', port: 2 } })),
    );
    expect(local.header).toMatchObject({ command: 'local', family: 'unspec', length: 16 });
  });

  it('refuses ids that are not printable ASCII with a RangeError (a caller bug, not input)', () => {
    for (const id of ['', 'a b', 'é', 'x'.repeat(256)]) expect(() => encodeProxyV2({ connectionId: id })).toThrow(RangeError);
  });
});

describe('PROXY v2 incremental parsing', () => {
  const bytes = encodeProxyV2({ source: { address: '127.0.0.1', port: 4000 }, destination: { address: '127.0.0.1', port: 8080 }, connectionId: 'a:1' });

  it('parses a header fed one byte at a time and hands back the bytes after it', () => {
    const parser = new ProxyV2Parser();
    const stream = Buffer.concat([bytes, Buffer.from('hello')]);
    let result: ProxyV2Result = { kind: 'more' };
    let i = 0;
    for (; i < stream.length && result.kind === 'more'; i++) result = parser.push(stream.subarray(i, i + 1));
    expect(i).toBe(bytes.length);
    expect(header(result).header.connectionId).toBe('a:1');
    expect(header(result).rest.length).toBe(0);
    expect(parser.push(stream.subarray(i)).kind).toBe('header');
    expect(header(parser.push(Buffer.from('!'))).rest.toString()).toBe('!');
  });

  it('keeps the application bytes that arrive in the same chunk as the header', () => {
    const result = header(new ProxyV2Parser().push(Buffer.concat([bytes, Buffer.from('GET / HTTP/1.1\r\n')])));
    expect(result.rest.toString()).toBe('GET / HTTP/1.1\r\n');
  });

  it('says absent at the first byte that differs from the signature, with every byte received', () => {
    const parser = new ProxyV2Parser();
    expect(parser.push(Buffer.from('\r\n')).kind).toBe('more');
    const result = parser.push(Buffer.from('GET'));
    expect(result).toEqual({ kind: 'absent', rest: Buffer.from('\r\nGET') });
    expect(parseProxyV2(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n')).kind).toBe('absent');
  });

  it('skips NOOP and unknown TLVs and keeps them in order', () => {
    const result = header(
      parseProxyV2(
        encodeProxyV2({
          connectionId: 'c:1',
          tlvs: [
            { type: PP2_TYPE.NOOP, value: Buffer.alloc(3) },
            { type: 0xee, value: Buffer.from('z') },
          ],
        }),
      ),
    );
    expect(result.header.tlvs.map((t) => t.type)).toEqual([0xe0, PP2_TYPE.NOOP, 0xee]);
    expect(result.header.connectionId).toBe('c:1');
  });
});

describe('PROXY v2 malformed headers are values, never throws', () => {
  const inet = Buffer.alloc(12);

  it('names each malformation', () => {
    expect(errorCode(parseProxyV2(raw(0x11, 0x11, inet)))).toBe('bad_version');
    expect(errorCode(parseProxyV2(raw(0x22, 0x11, inet)))).toBe('bad_command');
    expect(errorCode(parseProxyV2(raw(0x21, 0x41, inet)))).toBe('bad_family');
    expect(errorCode(parseProxyV2(raw(0x21, 0x13, inet)))).toBe('bad_transport');
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.alloc(8))))).toBe('short_address');
    expect(errorCode(parseProxyV2(raw(0x21, 0x21, Buffer.alloc(12))))).toBe('short_address');
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.concat([inet, Buffer.from([0xe0, 0x00])]))))).toBe('bad_tlv');
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.concat([inet, Buffer.from([0xe0, 0x00, 0x09, 0x41])]))))).toBe('bad_tlv');
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.concat([inet, Buffer.from([0xe0, 0x00, 0x00])]))))).toBe('bad_id');
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.concat([inet, Buffer.from([0xe1, 0x00, 0x01, 0x0a])]))))).toBe('bad_id');
    const twice = Buffer.from([0xe0, 0x00, 0x01, 0x41, 0xe0, 0x00, 0x01, 0x42]);
    expect(errorCode(parseProxyV2(raw(0x21, 0x11, Buffer.concat([inet, twice]))))).toBe('duplicate_id');
  });

  it('refuses a header longer than the receiver accepts as soon as the length field arrives', () => {
    const parser = new ProxyV2Parser(256);
    const result = parser.push(raw(0x21, 0x11, Buffer.alloc(0), 60_000));
    expect(errorCode(result)).toBe('too_long');
    expect(parser.buffered).toBe(0);
    expect(errorCode(parser.push(Buffer.alloc(10)))).toBe('too_long');
  });

  it('returns a result for any bytes and for any corruption of a valid header', () => {
    const valid = encodeProxyV2({ source: { address: '::1', port: 1 }, destination: { address: '::2', port: 2 }, connectionId: 'x:1', migrationId: 'm' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const parsed = parseProxyV2(Buffer.from(bytes));
        expect(['more', 'header', 'absent', 'error']).toContain(parsed.kind);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.nat(valid.length), (edits, cut) => {
        const bytes = Buffer.from(valid);
        for (const [at, value] of edits) bytes[at] = value;
        const parser = new ProxyV2Parser();
        const first = parser.push(bytes.subarray(0, cut));
        const second = parser.push(bytes.subarray(cut));
        expect(['more', 'header', 'absent', 'error']).toContain(first.kind);
        expect(['more', 'header', 'absent', 'error']).toContain(second.kind);
      }),
      { numRuns: 500 },
    );
  });
});
