// The files that share workers (test/setup/shared-workers.ts) exist, and none of them starts a
// process, uses the run's Postgres (but those of SHARED_DB_FILES) or sets process-wide state: what
// a file after them in the same worker would inherit.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SHARED_DB_FILES, SHARED_WORKER_FILES } from './shared-workers.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The files of SHARED_WORKER_FILES: its exact paths, and the test files under packages/<name>/test/. */
function sharedFiles(): string[] {
  const out: string[] = [];
  for (const entry of SHARED_WORKER_FILES) {
    if (entry === 'packages/*/test/**/*.test.ts') {
      for (const pkg of readdirSync(path.join(root, 'packages'))) {
        const dir = path.join('packages', pkg, 'test');
        if (!existsSync(path.join(root, dir))) continue;
        for (const f of readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) if (f.endsWith('.test.ts')) out.push(path.join(dir, f));
      }
    } else {
      expect(entry, 'an exact path or the packages glob').not.toMatch(/\*/);
      expect(existsSync(path.join(root, entry)), entry).toBe(true);
      out.push(entry);
    }
  }
  return out;
}

const LEAKS: [string, RegExp][] = [
  // The suites' helpers.ts start agents, control planes and databases.
  ['a process', /\b(spawn|spawnSync|fork|exec|execFile|execFileSync|execSync)\(|startAgent|startControlPlane|buildDist|from '[^']*\/helpers(\/db)?\.js'/],
  ["the run's Postgres", /createTestDatabase|inject\(/],
  ['process.env', /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|vi\.stubEnv/],
  ['process-wide state', /vi\.(mock|stubGlobal|useFakeTimers)|process\.(on|once)\(|globalThis\.\w+\s*=[^=]/],
];

it('lists files that exist, each once, none of which starts a process, uses Postgres or sets process-wide state', () => {
  const files = sharedFiles();
  expect(files.length).toBeGreaterThan(30);
  expect(new Set(files).size).toBe(files.length);
  for (const f of files.filter((x) => x !== path.relative(root, import.meta.filename))) {
    const text = readFileSync(path.join(root, f), 'utf8');
    for (const [what, re] of LEAKS) expect(re.exec(text)?.[0], `${f} touches ${what}`).toBeUndefined();
  }
});

/**
 * `file` and the test-side modules (outside any src/) it imports, transitively, relative to the root.
 * Not test/setup/postgres.ts: the global setup runs in vitest's own process (helpers/db.ts takes only withDatabase from it).
 */
function withTestImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || file === path.join('test', 'setup', 'postgres.ts')) return seen;
  seen.add(file);
  for (const [, spec] of readFileSync(path.join(root, file), 'utf8').matchAll(/from '(\.[^']+)\.js'/g)) {
    const target = path.normalize(path.join(path.dirname(file), `${spec}.ts`));
    if (!target.split(path.sep).includes('src') && existsSync(path.join(root, target))) withTestImports(target, seen);
  }
  return seen;
}

it('lists database files that exist, each once, none of which (nor a test helper they import) starts a process or sets process-wide state', () => {
  const spawns = /from '(node:)?(child_process|cluster|worker_threads)'|startAgent|startControlPlane|startTemporaryPostgres|buildDist|new EmbeddedPostgres/;
  const [, env] = LEAKS[2]!;
  const [, state] = LEAKS[3]!;
  expect(new Set(SHARED_DB_FILES).size).toBe(SHARED_DB_FILES.length);
  const shared = new Set(sharedFiles());
  for (const f of SHARED_DB_FILES) {
    expect(existsSync(path.join(root, f)), f).toBe(true);
    expect(shared.has(f), `${f} is in both lists`).toBe(false);
    for (const m of withTestImports(f)) {
      const text = readFileSync(path.join(root, m), 'utf8');
      for (const [what, re] of [
        ['a process', spawns],
        ['process.env', env],
        ['process-wide state', state],
      ] as const)
        expect(re.exec(text)?.[0], `${f}${m === f ? '' : ` (through ${m})`} touches ${what}`).toBeUndefined();
    }
  }
});
