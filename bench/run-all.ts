// `npm run bench`: every benchmark in turn, each printing its tables and writing
// bench/results/<name>.json; then the figures block of bench/README.md is rewritten.
// `--smoke` runs tiny sizes (and leaves the README alone); `--no-install` never calls apt-get.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { optionsFromArgv, report, type BenchOptions, type BenchResult } from './lib/cli.js';
import { stopAll, stopAllOnExit } from './lib/proc.js';
import { figuresMarkdown, replaceFigures } from './lib/readme.js';
import { benchDir } from './lib/results.js';
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

async function main(): Promise<void> {
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
