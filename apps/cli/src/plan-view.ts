// A plan as people read it: one block per object (+ create, ~ update, - delete), and under each
// the values that change, field by field (JSON Pointers into the object, values as JSON).
import type { components } from './generated/openapi.js';
import type { Style } from './style.js';

export type Plan = components['schemas']['Plan'];
export type PlanChange = Plan['changes'][number];
type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const token = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
const json = (v: unknown): string => JSON.stringify(v);

/** The leaves of an object as [pointer, value] (nested objects walked; arrays and scalars are leaves). */
export function leaves(o: unknown, prefix = ''): Array<[string, unknown]> {
  if (!isObject(o)) return [[prefix || '/', o]];
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (isObject(v) && Object.keys(v).length > 0) out.push(...leaves(v, `${prefix}/${token(k)}`));
    else out.push([`${prefix}/${token(k)}`, v]);
  }
  return out;
}

const PLURAL: Record<string, string> = { service: 'services', monitor: 'monitors', vserver: 'vservers' };

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} to create, ${s.update} to update, ${s.delete} to delete`;
}

/** The plan's blocks; `desired` (the document given) supplies the fields of objects to create. */
export function renderPlan(plan: Plan, desired: Obj, style: Style): string {
  if (plan.changes.length === 0) return '';
  const lines: string[] = [];
  for (const c of plan.changes) {
    const head = `${c.kind} ${c.name}`;
    if (c.action === 'create') {
      lines.push(style.green(`  + ${head}`) + style.dim(' (create)'));
      const list = desired[PLURAL[c.kind] ?? ''];
      const obj = Array.isArray(list) ? (list as unknown[]).find((o) => isObject(o) && o.name === c.name) : undefined;
      for (const [p, v] of leaves(obj ?? {})) if (p !== '/name') lines.push(style.green(`      + ${p}: ${json(v)}`));
    } else if (c.action === 'delete') {
      lines.push(style.red(`  - ${head}`) + style.dim(' (delete)'));
    } else {
      lines.push(style.yellow(`  ~ ${head}`) + style.dim(' (update)'));
      const diff: Array<{ path: string; before?: unknown; after?: unknown }> = c.diff ?? (c.fields ?? []).map((f) => ({ path: `/${token(f)}` }));
      for (const d of diff) {
        const has = (k: 'before' | 'after'): boolean => Object.prototype.hasOwnProperty.call(d, k);
        if (has('before') && has('after')) lines.push(style.yellow(`      ~ ${d.path}: ${json(d.before)} → ${json(d.after)}`));
        else if (has('after')) lines.push(style.green(`      + ${d.path}: ${json(d.after)}`));
        else if (has('before')) lines.push(style.red(`      - ${d.path}: ${json(d.before)}`));
        else lines.push(style.yellow(`      ~ ${d.path}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
