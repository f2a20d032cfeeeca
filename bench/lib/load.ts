// HTTP load: wrk when installed (a C load generator that leaves the cores to the proxy), else
// autocannon in this process. Both report requests/s and latency percentiles in ms.
import autocannon from 'autocannon';
import { pinned, run } from './proc.js';

export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}
export interface LoadOptions {
  connections: number;
  durationS: number;
  closeEachRequest?: boolean;
  threads?: number;
  /** Run wrk pinned to these cores (taskset -c); autocannon runs in this process and ignores it. */
  cpus?: string;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  switch (unit) {
    case 'us':
      return n / 1000;
    case 'ms':
      return n;
    case 's':
      return n * 1000;
    case 'm':
      return n * 60_000;
    default:
      throw new Error(`unknown wrk latency unit ${unit}`);
  }
}

/** Parses `wrk --latency` output. */
export function parseWrk(out: string): Omit<LoadResult, 'tool'> {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  const lat = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (!rps || !total) throw new Error(`cannot read wrk output:\n${out}`);
  const errors = (sock ? Number(sock[1]) + Number(sock[3]) + Number(sock[4]) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return { rps: Number(rps[1]), requests: Number(total[1]), p50Ms: lat('50'), p99Ms: lat('99'), errors };
}

export async function httpLoad(url: string, opts: LoadOptions, wrkPath: string | null): Promise<LoadResult> {
  if (wrkPath) {
    const args = [`-t${opts.threads ?? 1}`, `-c${opts.connections}`, `-d${opts.durationS}s`, '--latency'];
    if (opts.closeEachRequest) args.push('-H', 'Connection: close');
    args.push(url);
    const [cmd, argv] = pinned(opts.cpus, wrkPath, args);
    const { stdout } = await run(cmd, argv, { timeoutMs: (opts.durationS + 30) * 1000 });
    return { tool: 'wrk', ...parseWrk(stdout) };
  }
  const r = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.durationS,
    ...(opts.closeEachRequest ? { headers: { connection: 'close' } } : {}),
  });
  return {
    tool: 'autocannon',
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
