// `npm run bench`: every benchmark in turn, each printing its tables and writing
// bench/results/<name>.json; then the figures block of bench/README.md is rewritten.
// `--smoke` runs tiny sizes (and leaves the README alone); `--no-install` never calls apt-get;
// `--from-results <dir>` only rewrites the block from the JSON results there (see fromResults).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { optionsFromArgv, report, type BenchOptions, type BenchResult } from './lib/cli.js';
import { stopAll, stopAllOnExit } from './lib/proc.js';
import { figuresMarkdown, replaceFigures } from './lib/readme.js';
import { benchDir, machine, type Machine } from './lib/results.js';
import { convergenceBench } from './convergence.js';
import { coreBench } from './core.js';
import { controlPlaneBench } from './control-plane.js';
import { proxyBench } from './proxy.js';
import { spilloverBench } from './spillover.js';

const benches: [string, (o: BenchOptions) => Promise<BenchResult>][] = [
  ['core', coreBench],
  ['proxy', proxyBench],
  ['spillover', spilloverBench],
  ['convergence', convergenceBench],
  ['control-plane', controlPlaneBench],
];

/**
 * `--from-results <dir>`: rewrites the README's figures block from the JSON results in <dir> (full
 * runs only, in the order above) without running anything: benchmarks run one at a time, or in
 * separate checkouts, still land in one block.
 */
function fromResults(dir: string): void {
  const results: BenchResult[] = [];
  const when: string[] = [];
  for (const [name] of benches) {
    const file = path.join(dir, `${name}.json`);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8')) as Omit<BenchResult, 'name' | 'data'> & {
      benchmark: string;
      at: string;
      smoke: boolean;
      machine: Machine;
    };
    if (r.smoke) continue;
    results.push({ name: r.benchmark, conditions: r.conditions, tables: r.tables, skipped: r.skipped, data: {} });
    when.push(`${name} ${r.at.slice(0, 16).replace('T', ' ')} UTC`);
  }
  const m = machine();
  const header = `Runs of ${when.join(', ')} (\`npx tsx bench/<name>.ts\`, one at a time) on ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.kernel}, Node ${m.node}.`;
  const readmePath = path.join(benchDir, 'README.md');
  writeFileSync(readmePath, replaceFigures(readFileSync(readmePath, 'utf8'), figuresMarkdown(results, [], 0, header)));
  process.stdout.write(`updated ${readmePath} from ${results.length} result file(s) in ${dir}\n`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--from-results');
  if (at >= 0) {
    fromResults(path.resolve(process.argv[at + 1] ?? path.join(benchDir, 'results')));
    return;
  }
  stopAllOnExit();
  const opts = optionsFromArgv();
  const began = Date.now();
  const results: BenchResult[] = [];
  const failures: string[] = [];
  for (const [name, bench] of benches) {
    try {
      const r = await bench(opts);
      report(r, opts);
      results.push(r);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
      process.stderr.write(`\n${name} failed: ${(err as Error).stack ?? String(err)}\n`);
    } finally {
      await stopAll();
    }
  }
  const seconds = (Date.now() - began) / 1000;
  if (!opts.smoke) {
    const readmePath = path.join(benchDir, 'README.md');
    writeFileSync(readmePath, replaceFigures(readFileSync(readmePath, 'utf8'), figuresMarkdown(results, failures, seconds)));
    process.stdout.write(`\nupdated ${readmePath}\n`);
  }
  process.stdout.write(`\nall benchmarks done in ${seconds.toFixed(0)} s${failures.length ? `; ${failures.length} failed` : ''}\n`);
  if (failures.length) process.exitCode = 1;
}

await main();
