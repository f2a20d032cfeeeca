// Admission: where a new client connection of one engine goes — the spillover chain walked from
// its entry (or from where spillover persistence or a hand-off puts it), each vserver judged by
// its methods and the quota, and the final action when the chain is exhausted.
import type { PersistenceTable, ServiceStatus } from '@spillway/core';
import type { VServerDoc } from './config.js';
import { hasConnectionMethod, otherMethodsTripped, usable } from './decisions.js';
import type { QuotaWorker } from './quota-worker.js';
import type { VServerCounters } from './stats.js';

/** What admission reads of a vserver of the engine. */
export interface AdmissionVServer {
  doc: VServerDoc;
  counters: VServerCounters;
  kbpsIn: number;
  kbpsOut: number;
}

/** What admission reads of its engine. */
export interface AdmissionContext<V extends AdmissionVServer> {
  vservers: ReadonlyMap<string, V>;
  spilled: PersistenceTable;
  /** The engine's quota (read when needed: the engine's constructor sets it after this context is made). */
  quota: () => QuotaWorker;
  bound(v: VServerDoc): ServiceStatus[];
}

/** Where a connection goes; `gone`: the client left while the decision waited. */
export type Verdict<V> =
  | { kind: 'serve'; vs: V; quota: boolean; spilled: boolean }
  | { kind: 'redirect'; vs: V; url: string }
  | { kind: 'drop'; vs: V }
  | { kind: 'handoff'; vs: V; engine: number; at: string }
  | { kind: 'gone' };

/**
 * Decides where a new client connection goes, walking the spillover chain from `at` (or from the
 * vserver its spillover persistence names). `tried` lists the engines that already found no room,
 * so a handed-off connection never travels in a circle.
 */
export async function decideAdmission<V extends AdmissionVServer>(
  ctx: AdmissionContext<V>,
  root: string,
  ip: string,
  at: string | null,
  tried: number[],
  gone: () => boolean,
): Promise<Verdict<V>> {
  const persistKey = `${root}|${ip}`;
  let name = at ?? ctx.spilled.get(persistKey) ?? root;
  if (!ctx.vservers.has(name)) name = root;
  for (let hops = 0; hops < 64; hops++) {
    const v = ctx.vservers.get(name);
    if (!v) return { kind: 'gone' };
    const verdict = await judge(ctx, v, tried);
    if (gone()) {
      if (verdict.kind === 'serve' && verdict.quota) ctx.quota().release(v.doc.name);
      return { kind: 'gone' };
    }
    if (verdict.kind === 'handoff') {
      v.counters.handoffs_total++;
      return { kind: 'handoff', vs: v, engine: verdict.engine, at: name };
    }
    if (verdict.kind === 'serve') return { kind: 'serve', vs: v, quota: verdict.quota, spilled: name !== root };
    v.counters.spillovers_total++;
    const next = v.doc.spillover.backup !== undefined ? ctx.vservers.get(v.doc.spillover.backup) : undefined;
    if (next && usable(ctx.bound(next.doc))) {
      name = next.doc.name;
      continue;
    }
    const action = v.doc.spillover.action;
    if (action === 'accept') {
      ctx.quota().force(v.doc.name);
      return { kind: 'serve', vs: v, quota: ctx.quota().limited(v.doc.name), spilled: name !== root };
    }
    if (action === 'redirect' && v.doc.spillover.redirectUrl !== undefined && v.doc.protocol === 'http') {
      v.counters.redirected_total++;
      return { kind: 'redirect', vs: v, url: v.doc.spillover.redirectUrl };
    }
    v.counters.dropped_total++;
    return { kind: 'drop', vs: v };
  }
  return { kind: 'gone' };
}

async function judge<V extends AdmissionVServer>(
  ctx: AdmissionContext<V>,
  v: V,
  tried: number[],
): Promise<{ kind: 'serve'; quota: boolean } | { kind: 'spill' } | { kind: 'handoff'; engine: number }> {
  const doc = v.doc;
  const name = doc.name;
  const quota = ctx.quota();
  const bound = ctx.bound(doc);
  if (!usable(bound)) return { kind: 'spill' };
  if (doc.spillover.methods.length === 0) return { kind: 'serve', quota: false };
  const others = otherMethodsTripped(doc, bound, { in: v.kbpsIn, out: v.kbpsOut });
  const conn = hasConnectionMethod(doc);
  if (doc.spillover.combine === 'all') {
    if (others.length > 0 && !others.every(Boolean)) {
      if (quota.tryAcquire(name)) return { kind: 'serve', quota: quota.limited(name) };
      quota.force(name);
      return { kind: 'serve', quota: quota.limited(name) };
    }
    if (!conn) return { kind: 'spill' };
  } else {
    if (others.some(Boolean)) return { kind: 'spill' };
    if (!conn) return { kind: 'serve', quota: false };
  }
  const r = await quota.acquire(name, tried);
  if (r.kind === 'granted') return { kind: 'serve', quota: quota.limited(name) };
  if (r.kind === 'handoff') return r;
  return { kind: 'spill' };
}
