// Content-switching vservers against a real agent process (issue 17): each request of a client
// connection is sent by the switch's rules (extension, header, host, path prefix, path regex) to a
// vserver that admits it as its own, so the image vserver spills to its backup on its own
// bandwidth threshold while /api/* requests go on as before; hits are counted per rule.
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { holdingHttpBackend, httpBackend, httpService, spawnAgent, until, type Backend, type RunningAgent } from './helpers.js';

type HttpBackend = Awaited<ReturnType<typeof httpBackend>>;

/** An image backend: every answer is `size` bytes, marked with its name. */
async function imageBackend(name: string, size: number): Promise<Backend> {
  const body = Buffer.alloc(size, 0x61);
  const held = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length, 'x-backend': name });
      res.end(body);
    });
  });
  server.on('connection', (s: net.Socket) => {
    held.add(s);
    s.on('close', () => held.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    name,
    port: (server.address() as net.AddressInfo).port,
    held,
    close: () =>
      new Promise<void>((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  };
}

let img1: Backend;
let img2: Backend;
let api: HttpBackend;
let gold: HttpBackend;
let hosted: HttpBackend;
let held: Awaited<ReturnType<typeof holdingHttpBackend>>;
let spare: HttpBackend;
let agent: RunningAgent;
/** One keep-alive connection at a time: the requests of a test share a client connection. */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

const target = (name: string, service: string, spillover: Record<string, unknown> = { methods: [] }) => ({
  name,
  protocol: 'http',
  listen: null,
  services: [{ service }],
  spillover,
});

beforeAll(async () => {
  [img1, img2, api, gold, hosted, held, spare] = await Promise.all([
    imageBackend('img1', 32 * 1024),
    imageBackend('img2', 32 * 1024),
    httpBackend('api'),
    httpBackend('gold'),
    httpBackend('hosted'),
    holdingHttpBackend('held'),
    httpBackend('spare'),
  ]);
  agent = await spawnAgent({
    services: [
      httpService('img1', img1.port),
      httpService('img2', img2.port),
      httpService('api', api.port),
      httpService('gold', gold.port),
      httpService('hosted', hosted.port),
      httpService('held', held.port),
      httpService('spare', spare.port),
    ],
    vservers: [
      {
        name: 'front',
        protocol: 'http',
        type: 'contentswitch',
        listen: { port: 0, host: '127.0.0.1' },
        rules: [
          { name: 'images', match: { extension: 'jpg' }, target: 'img' },
          { name: 'gold', match: { header: { name: 'X-Tier', value: 'gold' } }, target: 'gold' },
          { name: 'static', match: { host: 'static.example.com' }, target: 'hosted' },
          { name: 'lan', match: { sourceCidr: '10.0.0.0/8' }, target: 'gold' },
          { name: 'api', match: { pathPrefix: '/api/' }, target: 'api' },
          { match: { pathRegex: '^/v[0-9]+/' }, target: 'api' },
          { name: 'one-at-a-time', match: { pathPrefix: '/held/' }, target: 'limited' },
        ],
      },
      // 200 kbit/s out (25 kB/s): a few 32 KiB images a second trip it.
      target('img', 'img1', { methods: [{ type: 'bandwidth', thresholdKbps: 200, direction: 'out' }], backup: 'img-backup', action: 'drop' }),
      target('img-backup', 'img2'),
      target('api', 'api'),
      target('gold', 'gold'),
      target('hosted', 'hosted'),
      target('limited', 'held', { methods: [{ type: 'connection', threshold: 1 }], backup: 'limited-backup', action: 'drop' }),
      target('limited-backup', 'spare'),
    ],
    agent: { workers: 2 },
  });
});

afterAll(async () => {
  keepAlive.destroy();
  await agent?.stop();
  await Promise.all([img1, img2, api, gold, hosted, held, spare].map((b) => b?.close()));
});

interface Answer {
  status: number;
  backend: string | undefined;
  body: string;
}

/** A GET through the switch on the shared keep-alive connection. */
function get(path: string, headers: Record<string, string> = {}, via: http.Agent | false = keepAlive): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: agent.ports.front, path, headers, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const backend = res.headers['x-backend'];
        resolve({ status: res.statusCode ?? 0, backend: typeof backend === 'string' ? backend : undefined, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
  });
}

it('sends each request of one keep-alive connection by its rules: extension, header, host, path prefix and regex, else 404', async () => {
  expect((await get('/img/cat.JPG')).backend).toBe('img1');
  expect((await get('/api/users')).backend).toBe('api');
  expect((await get('/page', { 'x-tier': 'gold' })).backend).toBe('gold');
  expect((await get('/page', { host: 'static.example.com:8080' })).backend).toBe('hosted');
  expect((await get('/v2/things?x=1')).backend).toBe('api');
  const none = await get('/page');
  expect(none.status).toBe(404);
  expect(JSON.parse(none.body)).toMatchObject({ statusCode: 404, code: 'SPILLWAY_AGENT_NO_CONTENT_MATCH' });
  // The first match wins: an image asked with the gold header is an image.
  expect((await get('/a.jpg', { 'x-tier': 'gold' })).backend).toBe('img1');

  const s = await agent.stats();
  // All of it on one client connection of the switch, each request counted at the vserver that served it.
  expect(s.vservers.front!.cx_total).toBe(1);
  expect(s.vservers.front!.rq_total).toBe(7);
  expect(s.vservers.api!.rq_total).toBe(2);
  expect(s.vservers.front!.rule_hits).toEqual({ images: 2, gold: 1, static: 1, lan: 0, api: 1, '#5': 1, 'one-at-a-time': 0, '(default)': 0, '(none)': 1 });
});

it('spills *.jpg requests to the image backup once the image vserver passes its bandwidth threshold, while /api/* requests are unaffected', async () => {
  let spilled: Answer | null = null;
  const deadline = Date.now() + 20_000;
  // Images until one is served by the backup (the rate is sampled each second, then pushed to the workers).
  while (spilled === null && Date.now() < deadline) {
    const a = await get('/photos/big.jpg');
    expect(a.status).toBe(200);
    if (a.backend === 'img2') spilled = a;
    // The api vserver is not the image vserver: its requests are served by its own service throughout.
    const b = await get('/api/orders');
    expect(b).toMatchObject({ status: 200, backend: 'api' });
  }
  expect(spilled?.backend).toBe('img2');
  const s = await agent.stats();
  expect(s.vservers.img!.spillovers_bandwidth_total).toBeGreaterThan(0);
  expect(s.vservers.img!.spillovers_bandwidth_total).toBe(s.vservers.img!.spillovers_total);
  expect(s.vservers.api!.spillovers_total).toBe(0);
  expect(s.vservers['img-backup']!.rq_total).toBeGreaterThan(0);
  // The bytes are the image vserver's (what its bandwidth method reads), not the switch's.
  expect(s.vservers.img!.tx_bytes_total).toBeGreaterThan(32 * 1024);
  expect(s.vservers.front!.tx_bytes_total).toBe(0);
  // Every request was held as one use of the vserver serving it while answered, none left over.
  await until(
    () => agent.stats(),
    (x) => x.vservers.img!.cx_active === 0 && x.vservers.api!.cx_active === 0 && x.vservers['img-backup']!.cx_active === 0,
  );
});

it("holds one use of a connection-limited target per request in flight: a second request spills along the target's own chain, and the use returns with the answer", async () => {
  const first = get('/held/a', {}, false);
  await until(
    () => Promise.resolve(held.holding),
    (n) => n === 1,
  );
  // The target is full (threshold 1, its one use held by the first request): its backup serves.
  expect((await get('/held/b', {}, false)).backend).toBe('spare');
  held.answerAll();
  expect((await first).backend).toBe('held');
  // The answer gave the use back: the target serves again.
  const third = get('/held/c', {}, false);
  await until(
    () => Promise.resolve(held.holding),
    (n) => n === 1,
  );
  held.answerAll();
  expect((await third).backend).toBe('held');
  const s = await agent.stats();
  expect(s.vservers.limited!.spillovers_connection_total).toBe(1);
  expect(s.vservers.limited!.cx_active).toBe(0);
});
