// Semantic validation of a whole normalized document is the contract's (@spillway/protocol
// validateDocument: the rules the agents apply to what they serve too). Here: the REST side of it.
import type { Kind, NDocument } from './normalize.js';

import { switchTargets } from '@spillway/protocol';

export { validateChange, validateDocument, type Problem, type ProblemCode } from '@spillway/protocol';

/** Who references `name` of `kind` in `doc`: the 409 details of a refused delete. */
export function referrers(doc: NDocument, kind: Kind, name: string): Array<{ kind: Kind; name: string; path: string }> {
  const out: Array<{ kind: Kind; name: string; path: string }> = [];
  if (kind === 'monitor')
    for (const s of doc.services) {
      if (s.monitors.some((b) => b.monitor === name)) out.push({ kind: 'service', name: s.name, path: `/services/${s.name}/monitors/${name}` });
    }
  if (kind === 'site') for (const s of doc.services) if (s.site === name) out.push({ kind: 'service', name: s.name, path: `/services/${s.name}/site` });
  if (kind === 'service')
    for (const v of doc.vservers) {
      if (v.services.some((b) => b.service === name)) out.push({ kind: 'vserver', name: v.name, path: `/vservers/${v.name}/services/${name}` });
    }
  if (kind === 'vserver')
    for (const v of doc.vservers) {
      if (v.spillover.backup === name && v.name !== name) out.push({ kind: 'vserver', name: v.name, path: `/vservers/${v.name}/spillover/backup` });
      // A content switch sending requests to it (issue 17).
      for (const t of switchTargets(v))
        if (t.target === name && v.name !== name) out.push({ kind: 'vserver', name: v.name, path: `/vservers/${v.name}${t.path}` });
    }
  return out;
}
