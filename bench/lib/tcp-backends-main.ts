// TCP backends that can be taken down and brought back (their own process): each greets a
// connection with its name and echoes. Control: POST /down/<i> closes backend i's listener and
// its connections (as a killed backend), POST /up/<i> listens again on the same port.
// argv[2]: {"count":3}. Prints {"ready":true,"ports":[..],"control":N}.
import http from 'node:http';
import net from 'node:net';

const { count = 3 } = JSON.parse(process.argv[2] ?? '{}') as { count?: number };

interface Backend {
  server: net.Server;
  port: number;
  sockets: Set<net.Socket>;
}

function serve(name: string, port: number, sockets: Set<net.Socket>): Promise<net.Server> {
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.write(`${name}\n`);
    s.pipe(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const backends: Backend[] = [];
for (let i = 0; i < count; i++) {
  const sockets = new Set<net.Socket>();
  const server = await serve(`backend-${i}`, 0, sockets);
  backends.push({ server, port: (server.address() as net.AddressInfo).port, sockets });
}

const control = http.createServer((req, res) => {
  const m = /^\/(down|up)\/(\d+)$/.exec(req.url ?? '');
  const b = m ? backends[Number(m[2])] : undefined;
  if (!m || !b || req.method !== 'POST') {
    res.writeHead(404);
    res.end();
    return;
  }
  const done = (): void => {
    res.writeHead(204);
    res.end();
  };
  if (m[1] === 'down') {
    for (const s of b.sockets) s.destroy();
    if (b.server.listening) b.server.close(done);
    else done();
  } else if (b.server.listening) {
    done();
  } else {
    serve(`backend-${m[2]}`, b.port, b.sockets).then(
      (server) => {
        b.server = server;
        done();
      },
      (err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      },
    );
  }
});
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, ports: backends.map((b) => b.port), control: (control.address() as net.AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
