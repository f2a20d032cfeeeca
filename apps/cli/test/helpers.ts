// The CLI as a user runs it: a subprocess, from a directory of its own with a HOME of its own,
// against a real control plane. It runs compiled (bin/spillway-dist.js on dist/, built here once
// per file: test/kit/build.ts): the program of node_modules/.bin/spillway (tsx on src/, which bin.test.ts
// runs) at a third of the start-up CPU, and the CLI tests start it some seventy times.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDist } from '../../../test/kit/build.js';

export const root = path.resolve(import.meta.dirname, '../../..');
/** The bin npm links at the root (tsx on the sources). */
export const BIN = path.join(root, 'node_modules', '.bin', 'spillway');
/** The command line of the compiled CLI the tests run. */
const COMPILED = [process.execPath, path.join(root, 'apps', 'cli', 'bin', 'spillway-dist.js')];
const build = buildDist(['apps/cli']);
if (!existsSync(path.join(root, 'apps', 'cli', 'dist', 'main.js'))) throw new Error(`tsc -b apps/cli built no entry:\n${build.output}`);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}
export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

/** A fresh working directory and HOME: nothing from the developer's own config file leaks in. */
export function sandbox(): { cwd: string; home: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-cli-'));
  return { cwd: dir, home: dir };
}

const base = sandbox();

/** The environment of a run: no colour settings, tokens or URLs from the caller's shell. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: base.home, TMPDIR: process.env.TMPDIR, LANG: 'C.UTF-8', ...extra };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

/** CLI processes not yet exited: a test that fails before its Ctrl-C (events --follow, status --watch) must not leave one running. */
const running = new Set<ChildProcess>();

export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  const child = spawn(COMPILED[0]!, [...COMPILED.slice(1), ...args], { cwd: opts.cwd ?? base.cwd, env: cliEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills every CLI process still running (afterAll of a file that starts long-running commands; also at the worker's exit). */
export function stopSpawned(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
process.once('exit', stopSpawned);

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, opts);
  return collect(child, opts.input ?? '');
}

/** Output and exit code of `child`; `input` is written to its stdin and closes it, unless null (left open to type into). */
export function collect(child: ChildProcess, input: string | null = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  if (input !== null) child.stdin!.end(input);
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`): stdin and stdout are a TTY. */
export function spawnOnTty(args: string[], opts: CliOptions = {}): ChildProcess {
  const quoted = [...COMPILED, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return spawn('script', ['-qefc', quoted, '/dev/null'], {
    cwd: opts.cwd ?? base.cwd,
    env: cliEnv({ TERM: 'xterm', ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves when `child`'s stdout (so far) satisfies `ok`; rejects after `timeoutMs`. */
export function waitForOutput(child: ChildProcess, ok: (out: string) => boolean, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`output not seen in ${timeoutMs} ms; got:\n${out}`)), timeoutMs);
    const onData = (c: Buffer): void => {
      out += c.toString();
      if (ok(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(out);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ok(out)) reject(new Error(`exited with ${code} before the output; got:\n${out}`));
    });
  });
}

export const ESC = '\x1b[';
