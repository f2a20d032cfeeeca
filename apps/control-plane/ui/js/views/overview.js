// Every vserver at a glance: state, spilling, connections against the limit, spillovers per
// second, bandwidth, health. Status polled every second; the list reloads on config events and
// a threshold or service change polls at once.
import { all } from '../api.js';
import { badge, h, meter, replace, setBadge, setText } from '../dom.js';
import { kbps, percent, rate } from '../format.js';
import { every, fetchStatus, mapLimit, subscribe } from '../live.js';

export default function overview(root) {
  document.title = 'Overview · Spillway';
  const tiles = {
    vservers: tile('Vservers'),
    spilling: tile('Spilling'),
    active: tile('Active connections'),
    agents: tile('Agents connected'),
  };
  const tbody = h('tbody');
  const notice = h('div', { class: 'notice', hidden: true });
  const table = h(
    'table',
    { class: 'data cards', id: 'vservers' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Vserver', 'State', 'Spilling', 'Connections', 'Spills/s', 'Bandwidth in / out', 'Health'].map((t) => h('th', { text: t })),
      ),
    ),
    tbody,
  );
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', { text: 'Overview' }), h('span', { class: 'sub', text: 'Live: every vserver, updated each second' })),
    notice,
    h(
      'div',
      { class: 'tiles' },
      Object.values(tiles).map((t) => t.el),
    ),
    h('section', { class: 'panel' }, table),
  );

  const rows = new Map();
  let names = [];
  let listed = false;

  const row = (v) => {
    const m = meter();
    const cells = {
      state: badge('…'),
      spilling: badge('…'),
      spills: h('span', { class: 'num' }),
      bw: h('span', { class: 'num' }),
      health: h('span', { class: 'num' }),
    };
    const listen = v.listen ? `${v.protocol} :${v.listen.port}` : `${v.protocol} · backup only`;
    const backup = v.spillover?.backup ? ` → ${v.spillover.backup}` : '';
    const tr = h(
      'tr',
      { dataset: { vserver: v.name } },
      h(
        'td',
        { class: 'name', dataset: { label: 'Vserver' } },
        h('div', {}, h('a', { href: `#/vservers/${encodeURIComponent(v.name)}`, text: v.name }), h('div', { class: 'meta', text: `${listen}${backup}` })),
      ),
      h('td', { dataset: { label: 'State' } }, cells.state),
      h('td', { dataset: { label: 'Spilling' } }, cells.spilling),
      h('td', { dataset: { label: 'Connections' } }, m.el),
      h('td', { dataset: { label: 'Spills/s' } }, cells.spills),
      h('td', { dataset: { label: 'Bandwidth in / out' } }, cells.bw),
      h('td', { dataset: { label: 'Health' } }, cells.health),
    );
    return { tr, m, cells, sample: null };
  };

  const paint = () => {
    let spilling = 0;
    let active = 0;
    for (const name of names) {
      const r = rows.get(name);
      const s = r?.sample;
      if (!r || !s) continue;
      const st = s.status;
      setBadge(r.cells.state, st.state, st.state === 'UP' ? 'up' : 'down');
      setBadge(r.cells.spilling, st.spilling ? 'Spilling' : 'No', st.spilling ? 'spill' : '');
      r.tr.classList.toggle('spilling', st.spilling);
      r.tr.dataset.spilling = String(st.spilling);
      r.m.update(st.activeConnections.total, st.threshold.value);
      setText(r.cells.spills, rate(s.spillRate));
      setText(r.cells.bw, `${kbps(st.bandwidthKbps.in)} / ${kbps(st.bandwidthKbps.out)}`);
      setText(r.cells.health, percent(st.healthPercent));
      if (st.spilling) spilling += 1;
      active += st.activeConnections.total;
    }
    setText(tiles.vservers.value, names.length);
    setText(tiles.spilling.value, spilling);
    tiles.spilling.el.classList.toggle('hot', spilling > 0);
    setText(tiles.active.value, active);
  };

  const load = async (signal) => {
    const list = await all('/v1/vservers', { signal });
    names = list.map((v) => v.name);
    const keep = new Set(names);
    for (const [n, r] of rows)
      if (!keep.has(n)) {
        r.tr.remove();
        rows.delete(n);
      }
    for (const v of list) if (!rows.has(v.name)) rows.set(v.name, row(v));
    replace(
      tbody,
      names.length === 0
        ? h('tr', {}, h('td', { class: 'empty', colspan: 7, text: 'No vservers yet. Create one through the API (PUT /v1/config).' }))
        : names.map((n) => rows.get(n).tr),
    );
    listed = true;
  };

  const showError = (err) => {
    notice.hidden = !err;
    if (err) notice.textContent = `Cannot load: ${err.message}`;
  };
  const lister = every(30_000, load, showError);
  const poller = every(
    1000,
    async (signal) => {
      if (!listed) return;
      const results = await mapLimit(names, 8, (n) => fetchStatus(n, signal));
      results.forEach((s, i) => {
        const r = rows.get(names[i]);
        if (r && s) r.sample = s;
      });
      paint();
    },
    showError,
  );
  const agents = every(2000, async (signal) => {
    const list = await all('/v1/agents', { signal });
    setText(tiles.agents.value, `${list.filter((a) => a.connected).length} / ${list.length}`);
  });
  const unsubscribe = subscribe((e) => {
    if (/^vserver\.|^config\./.test(e.kind) && e.object?.kind !== 'agent') lister.kick();
    if (e.kind === 'threshold.changed' || e.kind === 'service.state_changed') poller.kick();
    if (e.kind.startsWith('agent.')) agents.kick();
  });
  return () => {
    lister.stop();
    poller.stop();
    agents.stop();
    unsubscribe();
  };
}

function tile(label) {
  const value = h('div', { class: 'value', text: '–' });
  return { el: h('div', { class: 'panel tile', dataset: { tile: label } }, h('div', { class: 'label', text: label }), value), value };
}
