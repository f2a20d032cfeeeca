// What every benchmark script shares: options, running as a script, and its result shape.
import { pathToFileURL } from 'node:url';
import { stopAll, stopAllOnExit } from './proc.js';
import { printTable, type Row } from './table.js';
import { writeResult } from './results.js';

export interface BenchOptions {
  /** Tiny sizes: the smoke tests run every script this way. */
  smoke: boolean;
  /** apt-get install missing peers (root only); off in tests. */
  install: boolean;
  /** Where the JSON goes (default bench/results). */
  resultsDir?: string;
  /** Postgres database for the control plane (the smoke tests pass a fresh one); default: a fresh embedded Postgres in a temp dir. */
  databaseUrl?: string;
}

export interface Table {
  title: string;
  rows: Row[];
}

export interface BenchResult {
  name: string;
  /** Conditions of the run, printed above the tables in the README. */
  conditions: string[];
  tables: Table[];
  /** What could not be measured in this run, and why. */
  skipped: string[];
  data: object;
}

/** The value after `flag` on the command line (`--rounds 3` → '3'), undefined when the flag is absent. */
export function argValue(flag: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function optionsFromArgv(argv = process.argv.slice(2)): BenchOptions {
  return { smoke: argv.includes('--smoke'), install: !argv.includes('--no-install') };
}

export function report(result: BenchResult, opts: BenchOptions): string {
  process.stdout.write(`\n# ${result.name}\n${result.conditions.map((c) => `- ${c}`).join('\n')}\n`);
  for (const t of result.tables) printTable(t.title, t.rows);
  for (const s of result.skipped) process.stdout.write(`\nnot measured: ${s}\n`);
  return writeResult(
    result.name,
    { smoke: opts.smoke, conditions: result.conditions, tables: result.tables, skipped: result.skipped, data: result.data },
    opts.resultsDir,
  );
}

/** Runs `bench` when the file is executed directly (`tsx bench/<name>.ts [--smoke] [--no-install]`). */
export function runIfMain(moduleUrl: string, bench: (opts: BenchOptions) => Promise<BenchResult>): void {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  stopAllOnExit();
  const opts = optionsFromArgv();
  bench(opts)
    .then(
      (r) => {
        const file = report(r, opts);
        process.stdout.write(`\nwrote ${file}\n`);
      },
      (err: Error) => {
        process.stderr.write(`${err.stack ?? err.message}\n`);
        process.exitCode = 1;
      },
    )
    .finally(() => stopAll());
}
