// The backends of the spillover benchmark, in their own process so that counting is not delayed
// by the load generator: N primary servers and one backup server that hold every request for
// `holdMs` and record, in arrival order, each arrival and release with the number of requests the
// primaries hold at that instant. A control server answers GET /events, POST /reset and POST
// /kill?server=<name> (that server dies: it stops listening and drops its connections).
// argv[2]: {"primaries":3,"holdMs":1500}. Prints {"ready":true,"primaries":[..],"backup":N,"control":N}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldEvent {
  t: number;
  kind: 'primary' | 'release' | 'backup';
  server: string;
  primaryActive: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as { primaries?: number; holdMs?: number };
const holdMs = opts.holdMs ?? 1500;
let t0 = process.hrtime.bigint();
let primaryActive = 0;
let events: HoldEvent[] = [];
const now = (): number => Number(process.hrtime.bigint() - t0) / 1e6;

const servers = new Map<string, { server: http.Server; port: number; primary: boolean }>();

function holdServer(name: string, primary: boolean, port = 0): Promise<number> {
  const server = http.createServer((req, res) => {
    if (primary) primaryActive++;
    events.push({ t: now(), kind: primary ? 'primary' : 'backup', server: name, primaryActive });
    req.resume();
    const hold = Number(req.headers['x-hold-ms'] ?? holdMs);
    setTimeout(() => {
      if (primary) {
        primaryActive--;
        events.push({ t: now(), kind: 'release', server: name, primaryActive });
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name, connection: 'close' });
      res.end(name);
    }, hold);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((r) =>
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      servers.set(name, { server, port: bound, primary });
      r(bound);
    }),
  );
}

const primaries: number[] = [];
for (let i = 0; i < (opts.primaries ?? 3); i++) primaries.push(await holdServer(`primary-${i + 1}`, true));
const backup = await holdServer('backup', false);

const control = http.createServer((req, res) => {
  // A primary dies: it stops listening and drops its connections (POST /kill?server=primary-3);
  // POST /revive?server=primary-3 listens again on its port.
  const kill = req.method === 'POST' && req.url?.startsWith('/kill?server=');
  const revive = req.method === 'POST' && req.url?.startsWith('/revive?server=');
  if (kill || revive) {
    const name = decodeURIComponent(req.url!.slice(req.url!.indexOf('=') + 1));
    const s = servers.get(name);
    if (s && kill) {
      s.server.close();
      s.server.closeAllConnections();
      res.end(JSON.stringify({ ok: true }));
    } else if (s && revive) void holdServer(name, s.primary, s.port).then(() => res.end(JSON.stringify({ ok: true })));
    else res.end(JSON.stringify({ ok: false }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    events = [];
    t0 = process.hrtime.bigint();
    res.end(JSON.stringify({ primaryActive }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ primaryActive, events }));
});
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, primaries, backup, control: (control.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
