// Sites in the document (docs/SITES.md): the part of a document an agent of one site serves.
import type { NDocument } from './normalize.js';

/**
 * What an agent of `site` serves of `doc`: the services of its site and those of none (each
 * vserver bound to those only), so it monitors and balances onto nothing of another site. An
 * agent of no site (null) serves the whole document. Invariant: the result is `doc` itself when
 * nothing is left out; monitors and vservers are kept (a vserver with no service of this site
 * still listens: its connections are forwarded to the other sites, or spill).
 */
export function siteView<D extends Pick<NDocument, 'services' | 'vservers'>>(doc: D, site: string | null): D {
  if (site === null || doc.services.every((s) => s.site === undefined || s.site === site)) return doc;
  const foreign = new Set(doc.services.filter((s) => s.site !== undefined && s.site !== site).map((s) => s.name));
  return {
    ...doc,
    services: doc.services.filter((s) => !foreign.has(s.name)),
    vservers: doc.vservers.map((v) =>
      v.services.some((b) => foreign.has(b.service)) ? { ...v, services: v.services.filter((b) => !foreign.has(b.service)) } : v,
    ),
  };
}
