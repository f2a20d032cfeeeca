// An agent's reports on one connection (messages.ts Report): the first carries every entry, each
// later one only the entries that changed and the names gone, so a report of an idle document of
// 1,000 vservers / 10,000 services is a few bytes instead of ~1.6 MiB of JSON to encode, send and
// parse every second. Both ends of the channel read them here.
import type { Report } from './messages.js';

type Entries = 'vservers' | 'services';

/** `now` as sent after `last` (the report sent before on the same connection; null: none, so `now` goes whole). */
export function reportChanges(last: Report | null, now: Report): Report {
  if (last === null) return now;
  const out: Report = { ...now, partial: true, vservers: {}, services: {} };
  const gone: Record<Entries, string[]> = { vservers: [], services: [] };
  for (const kind of ['vservers', 'services'] as const) {
    const before: Record<string, unknown> = last[kind];
    const after: Record<string, unknown> = now[kind];
    const changed: Record<string, unknown> = out[kind];
    for (const [name, entry] of Object.entries(after)) if (!sameJson(before[name], entry)) changed[name] = entry;
    for (const name of Object.keys(before)) if (!(name in after)) gone[kind].push(name);
  }
  if (gone.vservers.length > 0 || gone.services.length > 0) out.gone = gone;
  return out;
}

/** The whole report `msg` stands for, `prev` being the one before it on the connection (null: none). */
export function wholeReport(prev: Report | null, msg: Report): Report {
  if (msg.partial !== true || prev === null) return msg;
  const { partial: _partial, gone, ...rest } = msg;
  return { ...rest, vservers: merged(prev.vservers, msg.vservers, gone?.vservers), services: merged(prev.services, msg.services, gone?.services) };
}

/** `before`'s entries but those `gone` names, then `changed`'s. */
function merged<T>(before: Record<string, T>, changed: Record<string, T>, gone: readonly string[] | undefined): Record<string, T> {
  if (gone === undefined || gone.length === 0) return { ...before, ...changed };
  const drop = new Set(gone);
  const out: Record<string, T> = {};
  for (const [name, entry] of Object.entries(before)) if (!drop.has(name)) out[name] = entry;
  return Object.assign(out, changed);
}

/** Whether two entries (plain JSON data) encode alike: a walk of their values, no encoding (node's isDeepStrictEqual took 4x a JSON.stringify of the report). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!sameJson(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}
