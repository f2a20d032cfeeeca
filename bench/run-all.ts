// `npm run bench`: every benchmark in turn, each printing its tables and writing
// bench/results/<name>.json; then the figures block of bench/README.md is rewritten.
// `--smoke` runs tiny sizes (and leaves the README alone); `--no-install` never calls apt-get.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { optionsFromArgv, report, type BenchOptions, type BenchResult } from './lib/cli.js';
import { stopAll, stopAllOnExit } from './lib/proc.js';
import { benchDir, machine } from './lib/results.js';
import { markdownTable } from './lib/table.js';
import { convergenceBench } from './convergence.js';
import { controlPlaneBench } from './control-plane.js';
import { proxyBench } from './proxy.js';
import { spilloverBench } from './spillover.js';

const benches: [string, (o: BenchOptions) => Promise<BenchResult>][] = [
  ['proxy', proxyBench],
  ['spillover', spilloverBench],
  ['convergence', convergenceBench],
  ['control-plane', controlPlaneBench],
];

export function figuresMarkdown(results: BenchResult[], failures: string[], seconds: number): string {
  const m = machine();
  const out = [
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench\` in ${Math.round(seconds)} s on ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.kernel}, Node ${m.node}.`,
  ];
  for (const r of results) {
    out.push('', `### ${r.name}`, '', ...r.conditions.map((c) => `- ${c}`));
    for (const t of r.tables) out.push('', `**${t.title}**`, '', markdownTable(t.rows));
    for (const s of r.skipped) out.push('', `Not measured: ${s}.`);
  }
  for (const f of failures) out.push('', `Failed: ${f}`);
  return out.join('\n');
}

export function replaceFigures(readme: string, figures: string): string {
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) return `${readme.trimEnd()}\n\n${start}\n${figures}\n${end}\n`;
  return `${readme.slice(0, i + start.length)}\n${figures}\n${readme.slice(j)}`;
}

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
