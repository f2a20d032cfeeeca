// TCP bulk throughput: ask the source (directly or through a proxy) for `bytes` and time the read.
import net from 'node:net';

export function tcpBulk(port: number, bytes: number, timeoutMs = 120_000): Promise<{ mbPerS: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let got = 0;
    const s = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`bulk transfer via ${port}: ${got} of ${bytes} bytes in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('connect', () => s.write(`${bytes}\n`));
    s.on('data', (c: Buffer) => {
      got += c.length;
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.on('close', () => {
      clearTimeout(timer);
      if (got !== bytes) {
        reject(new Error(`bulk transfer via ${port}: got ${got} of ${bytes} bytes`));
        return;
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ mbPerS: bytes / 1e6 / seconds, seconds });
    });
    s.on('end', () => s.end());
  });
}
