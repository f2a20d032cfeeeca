// The generated part of bench/README.md: the figures of the last full run, between markers.
import type { BenchResult } from './cli.js';
import { machine } from './results.js';
import { markdownTable } from './table.js';

/** `header`: the first line instead of "Run of <now>, npm run bench in <seconds> s on <machine>". */
export function figuresMarkdown(results: BenchResult[], failures: string[], seconds: number, header?: string): string {
  const m = machine();
  const out = [
    header ??
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
