// PROXY protocol version 2 (HAProxy's spec, "The PROXY protocol", section 2.2): the binary header
// the agent writes first on an upstream connection to a service with `proxyProtocol: "v2"`, so the
// backend learns the client's address and Spillway's connection id (TLV 0xE0), and, on the
// connection to a migration's target, the migration id (TLV 0xE1). Pure: no sockets, no clock.
// Encoding is total for any addresses (an unknown or mixed pair becomes AF_UNSPEC, which the spec
// lets a receiver accept); parsing never throws: a bad header is a value naming what is wrong.
import { isIPv4, isIPv6 } from 'node:net';

/** The 12-byte signature every v2 header starts with: `\r\n\r\n\0\r\nQUIT\n`. */
export const PROXY_V2_SIGNATURE: Buffer = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Bytes before the variable part: signature, version/command, family/transport, length. */
export const PROXY_V2_FIXED_BYTES = 16;

/** The largest header the spec allows (the length field is 16 bits). */
export const PROXY_V2_MAX_BYTES = PROXY_V2_FIXED_BYTES + 0xffff;

/** TLV types: the spec's registered ones and Spillway's custom ones (0xE0..0xEF is PP2_TYPE_MIN_CUSTOM..MAX_CUSTOM). */
export const PP2_TYPE = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  NETNS: 0x30,
  /** Spillway's connection id (ASCII, unique per agent run): the key of the agent's connection table. */
  SPILLWAY_CONNECTION_ID: 0xe0,
  /** Present only on the connection the agent opens to a migration's target: the migration id (ASCII). */
  SPILLWAY_MIGRATION_ID: 0xe1,
  /** On a connection one site's agent forwards to another site's: the forwarding site's name (ASCII); such a connection is never forwarded again. */
  SPILLWAY_SITE_FORWARDED: 0xe2,
} as const;

/** The longest connection or migration id (printable ASCII) a header may carry. */
export const PROXY_V2_MAX_ID_BYTES = 255;

export type ProxyV2Command = 'local' | 'proxy';
export type ProxyV2Family = 'unspec' | 'inet' | 'inet6' | 'unix';
export type ProxyV2Transport = 'unspec' | 'stream' | 'dgram';

export interface ProxyV2Address {
  address: string;
  port: number;
}

export interface ProxyV2Tlv {
  type: number;
  value: Buffer;
}

/** A parsed header. `source`/`destination` are set for AF_INET and AF_INET6 (also under LOCAL, where the spec says to ignore them). */
export interface ProxyV2Header {
  command: ProxyV2Command;
  family: ProxyV2Family;
  transport: ProxyV2Transport;
  source?: ProxyV2Address;
  destination?: ProxyV2Address;
  /** Every TLV in order, NOOPs included. */
  tlvs: ProxyV2Tlv[];
  /** TLV 0xE0, when present. */
  connectionId?: string;
  /** TLV 0xE1, when present. */
  migrationId?: string;
  /** Bytes of the whole header (16 + the length field). */
  length: number;
}

export type ProxyV2ErrorCode =
  'bad_version' | 'bad_command' | 'bad_family' | 'bad_transport' | 'short_address' | 'bad_tlv' | 'bad_id' | 'duplicate_id' | 'too_long';

export interface ProxyV2Error {
  code: ProxyV2ErrorCode;
  message: string;
}

/**
 * What parsing the bytes received so far gives:
 * - `more`: a prefix of a valid header; feed more bytes.
 * - `header`: a complete header; `rest` is what followed it (the application's first bytes).
 * - `absent`: the bytes do not start with the v2 signature (a plain connection); `rest` is all of them.
 * - `error`: a v2 header that is malformed; the connection should be closed.
 */
export type ProxyV2Result =
  { kind: 'more' } | { kind: 'header'; header: ProxyV2Header; rest: Buffer } | { kind: 'absent'; rest: Buffer } | { kind: 'error'; error: ProxyV2Error };

export interface ProxyV2EncodeInput {
  /** Default `proxy`. A LOCAL header (health checks, the sender's own connections) carries no addresses. */
  command?: ProxyV2Command;
  /** Default `stream`. */
  transport?: 'stream' | 'dgram';
  source?: Partial<ProxyV2Address>;
  destination?: Partial<ProxyV2Address>;
  connectionId?: string;
  migrationId?: string;
  /** More TLVs, written after the two ids. */
  tlvs?: ProxyV2Tlv[];
}

const FAMILY_BY_NIBBLE: Record<number, ProxyV2Family> = { 0: 'unspec', 1: 'inet', 2: 'inet6', 3: 'unix' };
const NIBBLE_BY_FAMILY: Record<ProxyV2Family, number> = { unspec: 0, inet: 1, inet6: 2, unix: 3 };
const TRANSPORT_BY_NIBBLE: Record<number, ProxyV2Transport> = { 0: 'unspec', 1: 'stream', 2: 'dgram' };
const ADDRESS_BYTES: Record<ProxyV2Family, number> = { unspec: 0, inet: 12, inet6: 36, unix: 216 };
const ID = /^[\x21-\x7e]+$/;

/** Whether `id` can travel as a connection or migration id: 1..255 printable ASCII characters, no spaces. */
export function isProxyV2Id(id: string): boolean {
  return id.length > 0 && id.length <= PROXY_V2_MAX_ID_BYTES && ID.test(id);
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 form; anything else unchanged. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m && isIPv4(m[1]!) ? m[1]! : address;
}

function ipv6Bytes(address: string): Buffer {
  const bare = address.split('%')[0]!;
  const out = Buffer.alloc(16);
  let groups: number[];
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const b = ipv4Bytes(piece);
        words.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else words.push(parseInt(piece, 16));
    }
    return words;
  };
  const gap = bare.indexOf('::');
  if (gap < 0) groups = parse(bare);
  else {
    const head = parse(bare.slice(0, gap));
    const tail = parse(bare.slice(gap + 2));
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  groups.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** RFC 5952 text of 16 address bytes (the longest run of two or more zero groups as `::`; IPv4-mapped as `::ffff:a.b.c.d`). */
function ipv6Text(b: Buffer): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i));
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** The family both addresses share: inet, inet6 (an IPv4 address beside an IPv6 one is written IPv4-mapped), or unspec when either is missing or not an IP. */
function familyOf(source: Partial<ProxyV2Address> | undefined, destination: Partial<ProxyV2Address> | undefined): ProxyV2Family {
  const ok = (a: Partial<ProxyV2Address> | undefined) =>
    a?.address !== undefined && a.port !== undefined && Number.isInteger(a.port) && a.port >= 0 && a.port <= 0xffff;
  if (!ok(source) || !ok(destination)) return 'unspec';
  const s = unmapped(source!.address!);
  const d = unmapped(destination!.address!);
  if (isIPv4(s) && isIPv4(d)) return 'inet';
  if ((isIPv4(s) || isIPv6(s)) && (isIPv4(d) || isIPv6(d))) return 'inet6';
  return 'unspec';
}

function tlv(type: number, value: Buffer): Buffer {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`a PROXY v2 TLV type is one byte; got ${type}`);
  const head = Buffer.alloc(3);
  head[0] = type;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

/**
 * The header bytes for a connection. Addresses that are missing or not IPs give AF_UNSPEC (the
 * TLVs still travel). Throws RangeError only on a caller's programming error: an id that is not
 * 1..255 printable ASCII characters, a TLV type outside one byte, or TLVs past the 64 KiB length.
 */
export function encodeProxyV2(input: ProxyV2EncodeInput): Buffer {
  const command = input.command ?? 'proxy';
  const family = command === 'local' ? 'unspec' : familyOf(input.source, input.destination);
  const transport = family === 'unspec' ? 0 : input.transport === 'dgram' ? 2 : 1;
  let address = Buffer.alloc(0);
  if (family !== 'unspec') {
    const s = unmapped(input.source!.address!);
    const d = unmapped(input.destination!.address!);
    const bytes = family === 'inet' ? (a: string) => ipv4Bytes(a) : (a: string) => ipv6Bytes(isIPv4(a) ? `::ffff:${a}` : a);
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(input.source!.port!, 0);
    ports.writeUInt16BE(input.destination!.port!, 2);
    address = Buffer.concat([bytes(s), bytes(d), ports]);
  }
  const tlvs: Buffer[] = [];
  for (const [type, id] of [
    [PP2_TYPE.SPILLWAY_CONNECTION_ID, input.connectionId],
    [PP2_TYPE.SPILLWAY_MIGRATION_ID, input.migrationId],
  ] as const) {
    if (id === undefined) continue;
    if (!isProxyV2Id(id)) throw new RangeError(`a PROXY v2 id must be 1..${PROXY_V2_MAX_ID_BYTES} printable ASCII characters; got ${JSON.stringify(id)}`);
    tlvs.push(tlv(type, Buffer.from(id, 'latin1')));
  }
  for (const t of input.tlvs ?? []) tlvs.push(tlv(t.type, t.value));
  const body = Buffer.concat([address, ...tlvs]);
  if (body.length > 0xffff) throw new RangeError(`a PROXY v2 header holds at most 65535 bytes after its 16-byte prefix; got ${body.length}`);
  const fixed = Buffer.alloc(PROXY_V2_FIXED_BYTES);
  PROXY_V2_SIGNATURE.copy(fixed, 0);
  fixed[12] = 0x20 | (command === 'proxy' ? 1 : 0);
  fixed[13] = (NIBBLE_BY_FAMILY[family] << 4) | transport;
  fixed.writeUInt16BE(body.length, 14);
  return Buffer.concat([fixed, body]);
}

function fail(code: ProxyV2ErrorCode, message: string): ProxyV2Result {
  return { kind: 'error', error: { code, message } };
}

/**
 * Parses the bytes received so far on a connection (from its first byte). `maxBytes` bounds the
 * header a receiver accepts (default: the spec's maximum, 65551): a longer one is `too_long`.
 */
export function parseProxyV2(buf: Buffer, maxBytes: number = PROXY_V2_MAX_BYTES): ProxyV2Result {
  const sigBytes = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  if (!buf.subarray(0, sigBytes).equals(PROXY_V2_SIGNATURE.subarray(0, sigBytes))) return { kind: 'absent', rest: buf };
  if (buf.length < PROXY_V2_FIXED_BYTES) return { kind: 'more' };
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return fail('bad_version', `PROXY protocol version ${verCmd >> 4}; only version 2 is binary`);
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return fail('bad_command', `PROXY v2 command 0x${cmd.toString(16)} is neither LOCAL (0) nor PROXY (1)`);
  const family = FAMILY_BY_NIBBLE[buf[13]! >> 4];
  if (family === undefined) return fail('bad_family', `PROXY v2 address family 0x${(buf[13]! >> 4).toString(16)} is unknown`);
  const transport = TRANSPORT_BY_NIBBLE[buf[13]! & 0x0f];
  if (transport === undefined) return fail('bad_transport', `PROXY v2 transport 0x${(buf[13]! & 0x0f).toString(16)} is unknown`);
  const length = PROXY_V2_FIXED_BYTES + buf.readUInt16BE(14);
  if (length > maxBytes) return fail('too_long', `PROXY v2 header of ${length} bytes is longer than the ${maxBytes} accepted`);
  const addressBytes = ADDRESS_BYTES[family];
  if (length - PROXY_V2_FIXED_BYTES < addressBytes) {
    return fail('short_address', `PROXY v2 ${family} needs ${addressBytes} address bytes; the header holds ${length - PROXY_V2_FIXED_BYTES}`);
  }
  if (buf.length < length) return { kind: 'more' };
  const header: ProxyV2Header = { command: cmd === 1 ? 'proxy' : 'local', family, transport, tlvs: [], length };
  const a = PROXY_V2_FIXED_BYTES;
  if (family === 'inet') {
    header.source = { address: [...buf.subarray(a, a + 4)].join('.'), port: buf.readUInt16BE(a + 8) };
    header.destination = { address: [...buf.subarray(a + 4, a + 8)].join('.'), port: buf.readUInt16BE(a + 10) };
  } else if (family === 'inet6') {
    header.source = { address: ipv6Text(buf.subarray(a, a + 16)), port: buf.readUInt16BE(a + 32) };
    header.destination = { address: ipv6Text(buf.subarray(a + 16, a + 32)), port: buf.readUInt16BE(a + 34) };
  }
  let at = a + addressBytes;
  while (at < length) {
    if (length - at < 3) return fail('bad_tlv', `PROXY v2 TLV at byte ${at} is cut short (${length - at} bytes left of 3)`);
    const type = buf[at]!;
    const size = buf.readUInt16BE(at + 1);
    if (at + 3 + size > length)
      return fail('bad_tlv', `PROXY v2 TLV 0x${type.toString(16)} at byte ${at} runs ${at + 3 + size - length} bytes past the header`);
    const value = Buffer.from(buf.subarray(at + 3, at + 3 + size));
    header.tlvs.push({ type, value });
    if (type === PP2_TYPE.SPILLWAY_CONNECTION_ID || type === PP2_TYPE.SPILLWAY_MIGRATION_ID) {
      const key = type === PP2_TYPE.SPILLWAY_CONNECTION_ID ? 'connectionId' : 'migrationId';
      const id = value.toString('latin1');
      if (!isProxyV2Id(id))
        return fail('bad_id', `PROXY v2 TLV 0x${type.toString(16)} (${key}) must be 1..${PROXY_V2_MAX_ID_BYTES} printable ASCII characters`);
      if (header[key] !== undefined) return fail('duplicate_id', `PROXY v2 TLV 0x${type.toString(16)} (${key}) appears twice`);
      header[key] = id;
    }
    at += 3 + size;
  }
  return { kind: 'header', header, rest: buf.subarray(length) };
}

/**
 * Incremental parsing over a connection's chunks: `push` each chunk until the result is not
 * `more`; after that the parser is done and further pushes return the same result kind with no
 * bytes consumed (`absent`/`header` give the new chunk as `rest`, `error` repeats).
 */
export class ProxyV2Parser {
  private chunks: Buffer[] = [];
  private size = 0;
  private done: ProxyV2Result | null = null;

  constructor(private readonly maxBytes: number = PROXY_V2_MAX_BYTES) {}

  /** Bytes held while the header is incomplete. */
  get buffered(): number {
    return this.size;
  }

  push(chunk: Buffer): ProxyV2Result {
    if (this.done) {
      if (this.done.kind === 'header') return { kind: 'header', header: this.done.header, rest: chunk };
      if (this.done.kind === 'absent') return { kind: 'absent', rest: chunk };
      return this.done;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    const all = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.size);
    this.chunks = [all];
    const result = parseProxyV2(all, this.maxBytes);
    if (result.kind !== 'more') {
      this.done = result;
      this.chunks = [];
      this.size = 0;
    }
    return result;
  }
}
