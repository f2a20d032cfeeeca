// A small HTTP backend for the demo pool and the docker-compose topology.
// GET /healthz answers "ok"; every other request answers with the backend's name.
import http from 'node:http';

const name = process.env.BACKEND_NAME ?? 'backend';
const port = Number(process.env.BACKEND_PORT ?? process.argv[2] ?? 9101);
const host = process.env.BACKEND_HOST ?? '127.0.0.1';

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const body = JSON.stringify({ backend: name, method: req.method, url: req.url, forwardedFor: req.headers['x-forwarded-for'] ?? null });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});

server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`${name}: cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});
server.listen(port, host, () => console.log(JSON.stringify({ msg: 'backend listening', name, url: `http://${host}:${port}` })));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
