// Child processes of a benchmark: each runs in its own process group so that stopping it also
// stops what it forked (tsx's node, cluster workers, nginx workers), and every one still
// running is stopped when the benchmark exits, fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { accepts, until } from '../../test/kit/until.js';

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first stdout line that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Proc>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* group already gone */
  }
}

/** `cmd args` run through `taskset -c cpus` when `cpus` is set (the process and all it starts stay on those cores). */
export function pinned(cpus: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [cmd, args] : ['taskset', ['-c', cpus, cmd, ...args]];
}

export function startProcess(name: string, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let lines: string[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    const s = c.toString();
    out += s;
    const parts = (partial + s).split('\n');
    partial = parts.pop() ?? '';
    lines = lines.concat(parts);
    for (const w of waiters) w();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  });
  child.on('error', (err) => {
    out += `\nspawn error: ${err.message}`;
    for (const w of waiters) w();
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      for (const w of waiters) w();
      resolve();
    }),
  );
  const proc: Proc = {
    name,
    child,
    output: () => out,
    waitForLine: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < lines.length; seen++) {
            const line = lines[seen]!;
            if (match(line)) {
              done();
              resolve(line);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} not ready in ${timeoutMs} ms:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, signal);
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // Grandchildren (cluster workers, nginx workers) may outlive their parent by a moment.
      killGroup(child, 'SIGKILL');
    },
  };
  running.add(proc);
  return proc;
}

/** Stops every process started through this module that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

let hooked = false;
/** Makes sure no child survives this process, whatever way it ends. */
export function stopAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of running) killGroup(p.child, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Runs a command to completion and returns its output; rejects on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  await until(
    () => accepts(port),
    (up) => up,
    { timeoutMs, stepMs: 25, what: `something listening on 127.0.0.1:${port}` },
  );
}

/** A port that was free a moment ago (for peers that need a number in their config file). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
