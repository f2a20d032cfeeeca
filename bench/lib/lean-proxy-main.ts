// A lean HTTP/1.1 reverse proxy on node:net, the reference of ANCHORS.md's "minimal HTTP/1.1 on
// node:net" row: what JavaScript on node:net costs per request with nothing but the job done. It
// scans request and response heads itself (lean-head.ts: indexOf of the empty line, Content-Length
// by a search, no validation: NOT safe against smuggling, a measuring stick only), adds X-Forwarded-For, and
// reuses pooled keep-alive upstream sockets (a client's Connection field is not forwarded when it
// asks to close); one request per connection at a time, bodies framed by Content-Length only. `node lean-proxy-main.ts <backendPort>` prints {"ready":true,"port":N}.
import net from 'node:net';
import { bodyLeft, forwardedHead, HeadScan, ResponseRelay } from './lean-head.js';

const backendPort = Number(process.argv[2]);
const idle: Upstream[] = [];

class Upstream {
  readonly socket = net.connect({ port: backendPort, host: '127.0.0.1', noDelay: true });
  client: Client | null = null;
  private readonly relay = new ResponseRelay();

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
    const out = this.relay.take(chunk, c.closing);
    if (!out) return;
    c.socket.write(out);
    if (this.relay.ended()) {
      this.client = null;
      idle.push(this);
      c.done();
    }
  }
}

class Client {
  private readonly scan = new HeadScan();
  private up: Upstream | null = null;
  private bodyLeft = 0;
  /** The client asked to close: its answer says so, then the socket ends. */
  closing = false;

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
    const h = this.scan.take(chunk);
    if (!h) return;
    const { buf, end } = h;
    const head = buf.toString('latin1', 0, end + 2);
    const fwd = forwardedHead(head, this.socket.remoteAddress ?? '');
    this.closing = fwd.close;
    this.bodyLeft = bodyLeft(buf, end, head);
    const up = idle.pop() ?? new Upstream();
    this.up = up;
    up.client = this;
    up.socket.write(fwd.out, 'latin1');
    if (buf.length > end + 4) up.socket.write(buf.subarray(end + 4));
  }

  done(): void {
    this.up = null;
    if (this.closing) this.socket.end();
  }
}

const server = net.createServer({ noDelay: true }, (s) => new Client(s));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as net.AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
