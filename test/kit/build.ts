// dist/ of workspace projects, for the tests that run compiled code (the control plane, agents and
// CLI as they ship): tsc -b, incremental (an up-to-date check of some 0.3 s once npm test's
// typecheck has built them), one build at a time across the test files of a run, since two builds
// at once write the same files while the other's processes may be reading them. A type error does
// not stop the output (tsc -b emits all the same); `npm run typecheck` is what reports those.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const lock = path.join(root, 'node_modules', '.cache', 'spillway-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 5 * 60_000;

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Builds `projects` (e.g. 'apps/agent') with tsc -b; synchronous, so a module can build at import. Returns tsc's exit code and output. */
export function buildDist(projects: string[]): { code: number | null; output: string } {
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmdirSync(lock);
      } catch {
        /* released meanwhile */
      }
      pause(100);
    }
  }
  try {
    const r = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, encoding: 'utf8' });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmdirSync(lock);
  }
}

/** The command line of node on the compiled entry `main` (a path under the repository), with @spillway/* resolved to their dist/, as the images run it. */
export function compiled(main: string): string[] {
  return [process.execPath, '--conditions=spillway-dist', path.resolve(root, main)];
}
