// The TCP bulk client in a process of its own (so it can be pinned to a core with the backends):
// `tcp-bulk-main.ts <port> <bytes>` prints {"mbPerS":N,"seconds":S} or exits 1 with the error.
import { tcpBulk } from './tcp-bulk.js';

const [port, bytes] = process.argv.slice(2).map(Number);
tcpBulk(port!, bytes!).then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
