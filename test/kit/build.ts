// dist/ of workspace projects, for the tests that run compiled code (the control plane, agents and
// CLI as they ship): tsc -b, incremental (an up-to-date check of some 0.3 s once npm test's
// typecheck has built them), one build at a time across the test files of a run, since two builds
// at once write the same files while the other's processes may be reading them. A type error does
// not stop the output (tsc -b emits all the same); `npm run typecheck` is what reports those.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Builds `projects` (e.g. 'apps/agent') with tsc -b; synchronous, so a module can build at import. Returns tsc's exit code and output.
 * Skipped (no tsc, no lock) when every project, with the projects it references, was built by a
 * successful tsc -b that started after the last change of its tsconfig and of every file and
 * directory under its src/ (stamps beside the lock): tsc -b's own up-to-date check costs some
 * 0.5 s of CPU and a turn of the lock, and some sixty files of a run build at import.
 */
export function buildDist(projects: string[], lock = BUILD_LOCK): { code: number | null; output: string } {
  const stamps = `${lock}-stamps`;
  if (built(projects, stamps)) return { code: 0, output: 'up to date (built after the last change of its sources)' };
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
    // Another file's build may have built them while this one waited for the lock.
    if (built(projects, stamps)) return { code: 0, output: 'up to date (built after the last change of its sources)' };
    const startedAt = Date.now();
    const r = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, encoding: 'utf8' });
    if (r.status === 0) {
      mkdirSync(stamps, { recursive: true });
      for (const p of withReferences(projects)) writeFileSync(stampFile(stamps, p), JSON.stringify({ startedAt }));
    }
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const stampFile = (stamps: string, project: string): string => path.join(stamps, `${project.replaceAll('/', '_')}.json`);

/** `projects` and, transitively, the projects their tsconfig.json references (paths relative to the root). */
function withReferences(projects: string[]): string[] {
  const seen = new Set<string>();
  const visit = (p: string): void => {
    if (seen.has(p)) return;
    seen.add(p);
    const tsconfig = JSON.parse(readFileSync(path.join(root, p, 'tsconfig.json'), 'utf8')) as { references?: { path: string }[] };
    for (const ref of tsconfig.references ?? []) visit(path.relative(root, path.resolve(root, p, ref.path)));
  };
  for (const p of projects) visit(path.normalize(p));
  return [...seen];
}

/** The latest modification time (ms) of the project's tsconfig.json, the base config, and every file and directory under its src/. */
function lastChange(project: string): number {
  let latest = Math.max(statSync(path.join(root, 'tsconfig.base.json')).mtimeMs, statSync(path.join(root, project, 'tsconfig.json')).mtimeMs);
  const walk = (dir: string): void => {
    latest = Math.max(latest, statSync(dir).mtimeMs);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else latest = Math.max(latest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(root, project, 'src'));
  return latest;
}

/** Every project (with its references) has a stamp of a successful build that started after its last change, and its build info. */
function built(projects: string[], stamps: string): boolean {
  try {
    return withReferences(projects).every((p) => {
      const { startedAt } = JSON.parse(readFileSync(stampFile(stamps, p), 'utf8')) as { startedAt: number };
      return existsSync(path.join(root, p, 'tsconfig.tsbuildinfo')) && lastChange(p) < startedAt;
    });
  } catch {
    return false; // no stamp yet (or a file removed while reading): build
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
