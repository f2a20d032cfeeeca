// Output formats of every command that prints objects: a table for people (the default), JSON
// or YAML for scripts (--output json|yaml).
import { stringify } from 'yaml';

export type Format = 'table' | 'json' | 'yaml';
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml'];

export interface Column<T> {
  header: string;
  value(row: T): string;
}

/** Columns padded to their widest cell, two spaces apart; headers in capitals. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => visible(row[i] ?? '').length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - visible(v).length)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** A string without its SGR colour codes (for measuring widths). */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex -- ESC starts every SGR sequence
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

export function serialize(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/** "3 s ago" style age of an ISO time, or "-" when unknown. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
