// Events: the latest 200, then every new one live from the stream, filtered by kind (exact or a
// family such as "service.") and by object (a substring of "kind/name"). Filters live in the
// URL (#/events?kind=…&object=…) so a filtered view can be shared.
import { get } from '../api.js';
import { h, replace, setText } from '../dom.js';
import { clock } from '../format.js';
import { subscribe } from '../live.js';

const KEEP = 1000;
const FAMILIES = [
  'agent.',
  'config.',
  'service.',
  'threshold.',
  'quota.',
  'vserver.',
  'monitor.',
  'vserver-service.',
  'service-monitor.',
  'api-token.',
  'agent-token.',
];

export default function events(root, params) {
  document.title = 'Events · Spillway';
  const filter = { kind: params.kind ?? '', object: params.object ?? '' };
  const kindSelect = h('select', { id: 'filter-kind', 'aria-label': 'Kind' });
  const objectInput = h('input', {
    type: 'search',
    id: 'filter-object',
    placeholder: 'e.g. web or service/web-1',
    'aria-label': 'Object',
    value: filter.object,
  });
  const count = h('span', { class: 'count' });
  const feed = h('ol', { class: 'feed', id: 'feed' });
  const notice = h('div', { class: 'notice', hidden: true });
  replace(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { text: 'Events' }),
      h('span', { class: 'sub', text: 'Every change and what the agents saw, newest first, live' }),
    ),
    notice,
    h('section', { class: 'panel' }, h('div', { class: 'filters' }, h('label', {}, 'Kind', kindSelect), h('label', {}, 'Object', objectInput), count), feed),
  );

  const items = [];
  const ids = new Set();
  const kinds = new Set();

  const matches = (e) => {
    if (filter.kind && !(filter.kind.endsWith('.') ? e.kind.startsWith(filter.kind) : e.kind === filter.kind)) return false;
    if (filter.object) {
      const o = e.object ? `${e.object.kind}/${e.object.name}` : '';
      if (!o.toLowerCase().includes(filter.object.toLowerCase())) return false;
    }
    return true;
  };

  const fillKinds = () => {
    const opts = [h('option', { value: '', text: 'All kinds' })];
    const families = FAMILIES.filter((f) => [...kinds].some((k) => k.startsWith(f)) || f === filter.kind);
    for (const f of families) opts.push(h('option', { value: f, text: `${f}*` }));
    for (const k of [...kinds, ...(filter.kind && !filter.kind.endsWith('.') ? [filter.kind] : [])].filter((k, i, a) => a.indexOf(k) === i).sort())
      opts.push(h('option', { value: k, text: k }));
    replace(kindSelect, opts);
    kindSelect.value = filter.kind;
  };

  const line = (e, fresh) => {
    const family = e.kind.split('.')[0];
    const down = e.kind === 'service.state_changed' && e.data?.state === 'DOWN';
    return h(
      'li',
      { class: fresh ? 'fresh' : '', dataset: { kind: e.kind, id: e.id } },
      h('span', { class: 'at', title: e.at, text: clock(e.at) }),
      h('span', { class: `kind k-${down ? 'down' : family}`, text: e.kind }),
      h('span', { class: 'obj', text: e.object ? `${e.object.kind}/${e.object.name}` : '–' }),
      h('span', { class: 'detail', text: describe(e) }),
    );
  };

  const paint = () => {
    const shown = items.filter(matches);
    replace(
      feed,
      shown.length === 0
        ? h('li', { class: 'empty', text: items.length === 0 ? 'No events yet.' : 'No event matches these filters.' })
        : shown.slice(0, 300).map((e) => line(e, false)),
    );
    setText(count, `${shown.length} of ${items.length}`);
  };

  const add = (e) => {
    if (ids.has(e.id)) return;
    ids.add(e.id);
    items.unshift(e);
    if (items.length > KEEP) ids.delete(items.pop().id);
    const newKind = !kinds.has(e.kind);
    kinds.add(e.kind);
    if (newKind) fillKinds();
    if (!matches(e)) {
      setText(count, `${items.filter(matches).length} of ${items.length}`);
      return;
    }
    feed.querySelector('li.empty')?.remove();
    feed.prepend(line(e, true));
    while (feed.children.length > 300) feed.lastElementChild.remove();
    setText(count, `${items.filter(matches).length} of ${items.length}`);
  };

  const setFilter = () => {
    filter.kind = kindSelect.value;
    filter.object = objectInput.value.trim();
    const q = new URLSearchParams();
    if (filter.kind) q.set('kind', filter.kind);
    if (filter.object) q.set('object', filter.object);
    const hash = `#/events${q.size ? `?${q}` : ''}`;
    // Keep the filter in the URL without re-rendering the page.
    if (location.hash !== hash) history.replaceState(null, '', hash);
    paint();
  };
  kindSelect.addEventListener('change', setFilter);
  objectInput.addEventListener('input', setFilter);

  // Live events arriving while the history loads are queued, then merged by id.
  const pending = [];
  let loaded = false;
  const unsubscribe = subscribe((e) => {
    if (loaded) add(e);
    else pending.push(e);
  });
  const ctl = new AbortController();
  get('/v1/events?order=desc&limit=200', { signal: ctl.signal }).then(
    (page) => {
      for (const e of page.items.reverse()) {
        ids.add(e.id);
        items.unshift(e);
        kinds.add(e.kind);
      }
      loaded = true;
      fillKinds();
      paint();
      for (const e of pending.splice(0)) add(e);
    },
    (err) => {
      if (ctl.signal.aborted) return;
      notice.hidden = false;
      notice.textContent = `Cannot load events: ${err.message}`;
      loaded = true;
    },
  );
  fillKinds();
  paint();
  return () => {
    ctl.abort();
    unsubscribe();
  };
}

function describe(e) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'service.state_changed':
      return `${d.state} (UP on ${d.up} of ${d.voters} agents), reported by ${d.agent}`;
    case 'threshold.changed':
      return `limit ${d.from ?? '∞'} → ${d.to ?? '∞'}${d.method ? ` (${d.method})` : ''}`;
    case 'quota.rebalanced':
      return String(d.reason ?? '');
    case 'config.applied':
      return `version ${d.version} applied`;
    case 'config.rejected':
      return `version ${d.version} rejected: ${d.code} ${d.message ?? ''}`;
    case 'agent.connected':
      return `${d.workers} workers`;
    case 'agent.disconnected':
      return String(d.reason ?? '');
    default: {
      const parts = [`by ${e.actor}`];
      if (e.configVersion !== null && e.configVersion !== undefined) parts.push(`config v${e.configVersion}`);
      if (Array.isArray(d.fields) && d.fields.length) parts.push(`fields ${d.fields.join(', ')}`);
      return parts.join(' · ');
    }
  }
}
