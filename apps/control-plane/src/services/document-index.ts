// The write path's index of the current document: the contract's ResourceSet (objects by name,
// who refers to what, listen ports, maintenance targets), made once from a document and then
// moved on from version to version by each write's walk, so the rules of a write of one object
// (validateChange) read its neighbourhood from the index instead of scanning 10,000 services and
// 1,000 vservers per write.
import { ResourceSet, emptyChanges, type Changes, type DocumentView } from '@spillway/protocol';
import type { DocumentWalk } from './plan.js';
import type { NDocument } from './normalize.js';

/** The index of each document it is current for (one at a time: a write moves it to the next version). */
const INDEX = new WeakMap<NDocument, ResourceSet>();

function indexOf(doc: NDocument): ResourceSet {
  let set = INDEX.get(doc);
  if (set === undefined) {
    set = new ResourceSet();
    set.reset(doc);
    INDEX.set(doc, set);
  }
  return set;
}

/**
 * A walk's objects as the resources' changes (sites are not resources: a change of them is checked
 * whole). Made once per write: the rules' view reads it, and the index moves by it.
 */
export function changesOfWalk(walk: DocumentWalk): Changes {
  const c = emptyChanges();
  const kinds = [
    ['service', 'services'],
    ['monitor', 'monitors'],
    ['vserver', 'vservers'],
  ] as const;
  for (const [kind, plural] of kinds)
    for (const p of walk[kind]) {
      if (p.after !== undefined) (c.upserted[plural] as object[]).push(p.after);
      else c.removed[plural].push((p.before as { name: string }).name);
    }
  return c;
}

/** `desired` (what `changes` turn `current` into) as validateChange reads it: `current`'s index and the changed objects. */
export function viewAfter(current: NDocument, desired: NDocument, changes: Changes): DocumentView {
  return indexOf(current).viewAfter(changes, desired.sites);
}

/**
 * Moves `from`'s index (if it has one) to `to`, the document a write made of it by `changes` (null:
 * a write planned whole; its index is made again when a write needs it). Afterwards `from` has
 * none: a write that starts from it again (a failed transaction) makes its own.
 */
export function moveIndex(from: NDocument, to: NDocument, changes: Changes | null): void {
  const set = INDEX.get(from);
  if (set === undefined || from === to) return;
  INDEX.delete(from);
  if (changes === null) return;
  set.apply(changes);
  INDEX.set(to, set);
}
