// A TCP source backend (its own process): the client sends "<bytes>\n", the source writes that
// many bytes and ends. Prints {"ready":true,"port":N}.
import net from 'node:net';

const chunk = Buffer.alloc(1 << 20, 0x61);

const server = net.createServer((s) => {
  s.on('error', () => s.destroy());
  let head = '';
  const onData = (c: Buffer): void => {
    head += c.toString('latin1');
    const nl = head.indexOf('\n');
    if (nl < 0) return;
    s.off('data', onData);
    let left = Number(head.slice(0, nl));
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    pump();
  };
  s.on('data', onData);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as net.AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
