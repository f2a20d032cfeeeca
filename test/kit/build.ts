// dist/ of workspace projects, for the tests that run compiled code (the control plane, agents and
// CLI as they ship): tsc -b, incremental (an up-to-date check of some 0.3 s once npm test's
// typecheck has built them), one build at a time across the test files of a run, since two builds
// at once write the same files while the other's processes may be reading them. A type error does
// not stop the output (tsc -b emits all the same); `npm run typecheck` is what reports those.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The lock directory the builds of a run share (its file `pid` names the owner). */
export const BUILD_LOCK = path.join(root, 'node_modules', '.cache', 'spillway-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 5 * 60_000;

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Builds `projects` (e.g. 'apps/agent') with tsc -b; synchronous, so a module can build at import. Returns tsc's exit code and output. */
export function buildDist(projects: string[], lock = BUILD_LOCK): { code: number | null; output: string } {
  const owner = path.join(lock, 'pid');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch {
      if (abandoned(lock)) rmSync(lock, { recursive: true, force: true });
      else pause(100);
    }
  }
  try {
    const r = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, encoding: 'utf8' });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The lock's owner is gone (a killed run), or it is older than STALE_LOCK_MS. */
function abandoned(lock: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ESRCH';
      }
      return false;
    }
  } catch {
    /* no owner written yet (or released meanwhile) */
  }
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // released meanwhile
  }
}

/** The command line of node on the compiled entry `main` (a path under the repository), with @spillway/* resolved to their dist/, as the images run it. */
export function compiled(main: string): string[] {
  return [process.execPath, '--conditions=spillway-dist', path.resolve(root, main)];
}
