// The shared test toolkit: waits on observable conditions and TCP probes, used by the tests of
// every workspace, the end-to-end tests and the benchmarks (one copy; the helpers of each suite
// re-export it with the call signatures their callers know). Tests wait on conditions, never on
// sleeps: a test whose subject is the passing of time itself says so with `elapse`.
import net from 'node:net';

export interface UntilOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 50 ms). */
  stepMs?: number;
  /** What is waited for, named in the error. */
  what?: string;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describeLast(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 2000);
  } catch {
    return String(v);
  }
}

/**
 * Calls `fn` (sync or async) until `ok` accepts its value, and returns that value; throws after
 * `timeoutMs` naming `what` and the last value. A check that throws fails the wait (catch in
 * `fn` to poll through errors).
 */
export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, opts: UntilOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, stepMs = 50, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms; last: ${describeLast(v)}`);
    await pause(stepMs);
  }
}

/** Calls `fn` (sync or async) until it returns a truthy value, and returns it. */
export function untilTruthy<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: UntilOptions = {}): Promise<T> {
  return until(fn, (v) => !!v, opts) as Promise<T>;
}

/**
 * Lets `ms` of wall time pass, for the few tests whose subject is time itself (an entry that
 * expires after a timeout, nothing happening within a window): `why` names what the time is
 * for at the call site. Never a way to wait for something to happen: use `until` for that.
 */
export function elapse(ms: number, why: string): Promise<void> {
  if (!why) throw new Error('elapse: say what the passing time is under test for');
  return pause(ms);
}

/** Whether something accepts a TCP connection on host:port right now. */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Opens a TCP connection to host:port and resolves with the first line the backend sends (its name), or 'closed'. */
export function openHeld(port: number, host = '127.0.0.1'): Promise<{ socket: net.Socket; first: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let buf = '';
    const done = (first: string): void => {
      socket.removeAllListeners('data');
      resolve({ socket, first });
    };
    socket.on('data', (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) done(buf.slice(0, i));
    });
    socket.on('error', () => {});
    socket.once('close', () => done('closed'));
  });
}
