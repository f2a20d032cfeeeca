// A node HTTP backend (its own process) answering every request with a 1 KiB body; used when
// nginx is not installed. Prints {"ready":true,"port":N}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.alloc(1024, 0x61);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
