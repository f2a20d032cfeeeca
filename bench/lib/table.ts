// Plain-text and Markdown tables of benchmark rows.

export type Cell = string | number | null | undefined;
export type Row = Record<string, Cell>;

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
}

function columns(rows: readonly Row[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** A Markdown table (also readable as plain text in a terminal). */
export function markdownTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = columns(rows);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]): string => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function printTable(title: string, rows: readonly Row[]): void {
  process.stdout.write(`\n## ${title}\n\n${markdownTable(rows)}\n`);
}
