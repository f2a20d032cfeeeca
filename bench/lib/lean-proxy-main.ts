// A lean HTTP/1.1 reverse proxy on node:net, the reference of ANCHORS.md's "minimal HTTP/1.1 on
// node:net" row: what JavaScript on node:net costs per request with nothing but the job done. It
// scans request and response heads itself (indexOf of the empty line, Content-Length by a search,
// no validation: NOT safe against smuggling, a measuring stick only), adds X-Forwarded-For, and
// reuses pooled keep-alive upstream sockets; one request per connection at a time, bodies framed
// by Content-Length only. `node lean-proxy-main.ts <backendPort>` prints {"ready":true,"port":N}.
import net from 'node:net';

const backendPort = Number(process.argv[2]);
const CRLF2 = Buffer.from('\r\n\r\n');
const idle: Upstream[] = [];

/** Content-Length of a head (latin1 text), 0 when absent. */
function contentLength(head: string): number {
  const i = head.search(/\r\ncontent-length:/i);
  if (i < 0) return 0;
  return parseInt(head.slice(i + 17, head.indexOf('\r\n', i + 17)), 10) || 0;
}

class Upstream {
  readonly socket = net.connect({ port: backendPort, host: '127.0.0.1', noDelay: true });
  client: Client | null = null;
  private buf: Buffer | null = null;
  /** Body bytes of the current response still to relay (-1: reading its head). */
  private left = -1;

  constructor() {
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      const i = idle.indexOf(this);
      if (i >= 0) idle.splice(i, 1);
      this.client?.socket.destroy();
    });
  }

  private onData(chunk: Buffer): void {
    const c = this.client;
    if (!c) return;
    if (this.left < 0) {
      const buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        this.buf = buf;
        return;
      }
      this.buf = null;
      this.left = contentLength(buf.toString('latin1', 0, end + 2)) - (buf.length - end - 4);
      c.socket.write(buf);
    } else {
      this.left -= chunk.length;
      c.socket.write(chunk);
    }
    if (this.left <= 0) {
      this.left = -1;
      this.client = null;
      idle.push(this);
      c.done();
    }
  }
}

class Client {
  private buf: Buffer | null = null;
  private up: Upstream | null = null;
  private bodyLeft = 0;
  private close = false;

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.up?.socket.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.bodyLeft > 0 && this.up) {
      this.bodyLeft -= chunk.length;
      this.up.socket.write(chunk);
      return;
    }
    const buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = buf.indexOf(CRLF2);
    if (end < 0) {
      this.buf = buf;
      return;
    }
    this.buf = null;
    const head = buf.toString('latin1', 0, end + 2);
    this.close = /\r\nconnection:\s*close/i.test(head);
    this.bodyLeft = contentLength(head) - (buf.length - end - 4);
    const up = idle.pop() ?? new Upstream();
    this.up = up;
    up.client = this;
    const rest = buf.length > end + 4 ? buf.subarray(end + 4) : null;
    up.socket.write(`${head}x-forwarded-for: ${this.socket.remoteAddress ?? ''}\r\n\r\n`, 'latin1');
    if (rest) up.socket.write(rest);
  }

  done(): void {
    this.up = null;
    if (this.close) this.socket.end();
  }
}

const server = net.createServer({ noDelay: true }, (s) => new Client(s));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as net.AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
