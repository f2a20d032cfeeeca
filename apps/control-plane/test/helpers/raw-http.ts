// HTTP/1.1 requests written byte for byte on a node:net socket, so no client library normalizes
// the request target (percent-encoding, dot segments, double slashes stay as written). Used by
// the authentication tests that try spellings of protected paths.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method: string;
  /** The request target exactly as it goes on the request line. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends one request (Connection: close) and resolves with the status, headers and the body
 * received until the server closes, or only the head when `headOnly` (a stream that never ends).
 * `localAddress` (any 127.x.y.z) makes it come from another client address.
 */
export function rawRequest(port: number, req: RawRequest, opts: { headOnly?: boolean; timeoutMs?: number; localAddress?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    const body = req.body ?? '';
    const headers: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      connection: 'close',
      ...(req.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...req.headers,
    };
    const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    let buf = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no answer to ${req.method} ${req.target} within ${opts.timeoutMs ?? 5_000} ms`)), opts.timeoutMs ?? 5_000);
    const parse = (): RawResponse | null => {
      const text = buf.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
      const h: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      return { status, headers: h, body: buf.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8') };
    };
    function finish(err: Error | null): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const r = parse();
      if (r && !Number.isNaN(r.status)) resolve(r);
      else reject(err ?? new Error(`no HTTP answer to ${req.method} ${req.target}: ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`));
    }
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (opts.headOnly && parse()) finish(null);
    });
    socket.on('end', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('error', (err) => finish(err));
    socket.write(head + body);
  });
}

/** Runs `fn` over `items` with at most `n` at a time; results in input order. */
export async function pooled<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
