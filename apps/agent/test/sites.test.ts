// The agent's side of sites (issue 17 item 2, docs/SITES.md), on an agent in this process: the
// forwarding hop (the connection proxied whole after a PROXY v2 header with the client's address
// and TLV 0xE2 naming the forwarding site), and the trust rule (a PROXY header is read only from
// another site's agent's address: a client cannot mark its connection; a marked connection is
// served here and never forwarded again; a malformed header from a peer closes the connection).
// The other site's listener is a plain server of this process recording what it receives.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PP2_TYPE, encodeProxyV2, parseProxyV2 } from '@spillway/protocol';
import { createAgent, type Agent } from '../src/agent.js';
import { createLogger } from '../src/log.js';
import { httpBackend, tcpBackend, until, type Backend } from './helpers.js';

let agent: Agent;
let local: Backend;
let port = 0;
let httpPort = 0;
let web: Backend;
let remote: net.Server;
const received: Buffer[] = [];

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

/** Connects to the agent (from `localAddress`), sends `bytes`, resolves with what came back before the close. */
function exchange(bytes: Buffer, localAddress = '127.0.0.1', to = port): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: to, localAddress }, () => s.write(bytes));
    let got = '';
    s.setTimeout(3_000, () => s.destroy());
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (to === port && got.includes('\n')) s.end();
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

const marked = (site: string): Buffer =>
  encodeProxyV2({
    source: { address: '10.9.9.9', port: 4242 },
    destination: { address: '127.0.0.1', port },
    tlvs: [{ type: PP2_TYPE.SPILLWAY_SITE_FORWARDED, value: Buffer.from(site) }],
  });
const counters = async () => (await agent.stats()).vservers.web!;

beforeAll(async () => {
  local = await tcpBackend('x-1');
  web = await httpBackend('h-1');
  port = await freePort();
  httpPort = await freePort();
  // The other site's agent listener: records each connection's bytes and answers "remote".
  remote = net.createServer((c) => {
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      const r = parseProxyV2(all);
      const rest = r.kind === 'header' || r.kind === 'absent' ? r.rest : null;
      // The client's line, after the header (whose signature holds line feeds too).
      if (rest?.toString('latin1').endsWith('\n')) {
        received.push(all);
        c.end('remote\n');
      }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => remote.listen(port, '127.0.0.4', r));
  agent = await createAgent({
    config: {
      services: [
        { name: 'x-1', address: '127.0.0.1', port: local.port, site: 'x' },
        { name: 'h-1', address: '127.0.0.1', port: web.port, protocol: 'http', site: 'x' },
      ],
      vservers: [
        { name: 'web', protocol: 'tcp', listen: { port, host: '127.0.0.1' }, siteBalancing: true, services: [{ service: 'x-1' }] },
        { name: 'api', protocol: 'http', listen: { port: httpPort, host: '127.0.0.1' }, siteBalancing: true, services: [{ service: 'h-1' }] },
      ],
      agent: { workers: 0 },
    },
    env: { SPILLWAY_AGENT_SITE: 'x' },
    log: createLogger({}, 'silent'),
  });
  // Site x has nothing, site y everything: every new connection goes to y's agent (127.0.0.4);
  // 127.0.0.5 is another agent of site y (a peer whose headers are read).
  agent.setSiteWeights({ vservers: { web: { x: 0, y: 3 }, api: { x: 0, y: 3 } }, agents: { x: ['127.0.0.1'], y: ['127.0.0.4', '127.0.0.5'] } }, '127.0.0.1');
  await until(
    () => agent.stats(),
    (s) => s.sites?.weights.web?.y === 3,
  );
});

afterAll(async () => {
  await agent?.close();
  await local?.close();
  await web?.close();
  await new Promise((r) => remote.close(r));
});

describe('site forwarding on the agent', () => {
  it('forwards a new connection to the other site’s agent after a PROXY v2 header naming the client and the forwarding site', async () => {
    const before = (await counters()).site_forwarded_total;
    received.length = 0;
    // The round robin over site y's agents: 127.0.0.4 answers, 127.0.0.5 does not listen.
    const answers = [await exchange(Buffer.from('hello\n')), await exchange(Buffer.from('hello\n'))];
    expect(answers.sort()).toEqual(['', 'remote\n']);
    const r = parseProxyV2(received[0]!);
    if (r.kind !== 'header') throw new Error(`no PROXY header: ${r.kind}`);
    expect(r.header.source?.address).toBe('127.0.0.1');
    expect(r.header.tlvs.find((t) => t.type === PP2_TYPE.SPILLWAY_SITE_FORWARDED)?.value.toString()).toBe('x');
    expect(r.rest.toString()).toBe('hello\n');
    const c = await counters();
    expect(c.site_forwarded_total - before).toBe(2);
    expect(c.site_forward_failed_total).toBe(1);
  });

  it('ignores the mark from a client that is not another site’s agent (its header is data, forwarded like any connection)', async () => {
    received.length = 0;
    const answers: string[] = [];
    for (let i = 0; i < 2 && !answers.includes('remote\n'); i++) answers.push(await exchange(Buffer.concat([marked('y'), Buffer.from('x\n')])));
    expect(answers).toContain('remote\n');
    const r = parseProxyV2(received[0]!);
    if (r.kind !== 'header') throw new Error(`no PROXY header: ${r.kind}`);
    // Our header first, naming the real client; the client's own header follows as its data.
    expect(r.header.source?.address).toBe('127.0.0.1');
    expect(r.rest.subarray(0, 12)).toEqual(marked('y').subarray(0, 12));
  });

  it('serves a connection another site forwarded here, never forwarding it again, and closes one with a bad header', async () => {
    const before = await counters();
    // Served by this site's service (it echoes after its name), though site x weighs 0 here.
    expect(await exchange(Buffer.concat([marked('y'), Buffer.from('ping\n')]), '127.0.0.5')).toMatch(/^x-1\n/);
    const after = await counters();
    expect(after.site_received_total - before.site_received_total).toBe(1);
    expect(after.site_forwarded_total).toBe(before.site_forwarded_total);
    const bad = Buffer.from(marked('y'));
    bad[12] = 0x11; // version 1: not a v2 header
    expect(await exchange(bad, '127.0.0.5')).toBe('');
    expect((await counters()).site_forwarded_total).toBe(before.site_forwarded_total);
  });

  it('serves an HTTP connection another site forwarded here: the PROXY header read, the request parsed after it', async () => {
    const before = (await agent.stats()).vservers.api!;
    const res = await exchange(Buffer.concat([marked('y'), Buffer.from('GET /a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')]), '127.0.0.5', httpPort);
    expect(res).toMatch(/^HTTP\/1.1 200/);
    expect(res).toContain('x-backend: h-1');
    // The client's address of the header, not the forwarding agent's.
    expect(res).toContain('"x-forwarded-for":"10.9.9.9"');
    const after = (await agent.stats()).vservers.api!;
    expect(after.site_received_total - before.site_received_total).toBe(1);
    expect(after.site_forwarded_total).toBe(before.site_forwarded_total);
  });
});
