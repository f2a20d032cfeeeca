// One vserver: its backup chain as boxes filling toward their limits, its services (state,
// connections against capacity, monitor response times), a chart of connections, limit and
// spillovers per second over the last minutes (uPlot), the limit's derivation and the quota by
// agent. Status of every vserver of the chain polled every second.
import uPlot from '../../vendor/uPlot.esm.js';
import { get } from '../api.js';
import { badge, h, meter, replace, setBadge, setText } from '../dom.js';
import { kbps, ms, percent, rate } from '../format.js';
import { every, fetchStatus, mapLimit, samples, subscribe } from '../live.js';

const WINDOW_S = 300;

export default function vserver(root, { name }) {
  document.title = `${name} · Spillway`;
  const head = {
    state: badge('…'),
    spilling: badge('…'),
    meta: h('span', { class: 'sub' }),
  };
  const tiles = { active: tile('Connections'), spills: tile('Spills/s'), bw: tile('Bandwidth in / out'), health: tile('Health') };
  const activeMeter = meter();
  tiles.active.el.append(activeMeter.el);
  const notice = h('div', { class: 'notice', hidden: true });
  const chainEl = h('div', { class: 'chain', id: 'chain' });
  const chartEl = h('div', { class: 'chart', id: 'chart' });
  const servicesBody = h('tbody');
  const quotaBody = h('tbody');
  const quotaFoot = h('div', { class: 'body muted' });
  const derivation = h('dl', { class: 'facts' });
  const config = h('dl', { class: 'facts' });

  replace(
    root,
    h('div', { class: 'page-head' }, h('a', { href: '#/', text: '← Overview' }), h('h1', { text: name }), head.state, head.spilling, head.meta),
    notice,
    h(
      'div',
      { class: 'tiles' },
      Object.values(tiles).map((t) => t.el),
    ),
    h(
      'section',
      { class: 'panel' },
      h('header', {}, h('h2', { text: 'Backup chain' }), h('span', { class: 'sub', text: 'new connections go to the first vserver below its limit' })),
      h('div', { class: 'body' }, chainEl),
    ),
    h(
      'section',
      { class: 'panel' },
      h('header', {}, h('h2', { text: 'Connections, limit and spillovers' }), h('span', { class: 'sub', text: 'last 5 minutes' })),
      h('div', { class: 'body' }, chartEl),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel' },
        h('header', {}, h('h2', { text: 'Services' })),
        h(
          'table',
          { class: 'data cards', id: 'services' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Service', 'State', 'Connections', 'Monitors'].map((t) => h('th', { text: t })),
            ),
          ),
          servicesBody,
        ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('header', {}, h('h2', { text: 'Quota by agent' })),
        h(
          'table',
          { class: 'data cards', id: 'quota' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Agent', 'Exclusive', 'Borrowed', 'Active'].map((t) => h('th', { text: t })),
            ),
          ),
          quotaBody,
        ),
        quotaFoot,
      ),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h('section', { class: 'panel' }, h('header', {}, h('h2', { text: 'Limit' })), h('div', { class: 'body' }, derivation)),
      h('section', { class: 'panel' }, h('header', {}, h('h2', { text: 'Configuration' })), h('div', { class: 'body' }, config)),
    ),
  );

  let chain = [];
  let doc = null;
  const boxes = new Map();
  const chart = makeChart(chartEl);

  const loadChain = async (signal) => {
    const out = [];
    let next = name;
    const seen = new Set();
    while (next && !seen.has(next) && out.length < 16) {
      seen.add(next);
      const v = await get(`/v1/vservers/${encodeURIComponent(next)}`, { signal });
      out.push(v);
      next = v.spillover?.backup ?? null;
    }
    chain = out;
    doc = out[0];
    boxes.clear();
    const parts = [];
    out.forEach((v, i) => {
      if (i > 0) parts.push(h('div', { class: 'link', 'aria-hidden': 'true', text: '→' }));
      const b = chainBox(v, i === 0);
      boxes.set(v.name, b);
      parts.push(b.el);
    });
    const last = out[out.length - 1];
    const action = last.spillover?.action ?? 'drop';
    parts.push(
      h('div', { class: 'link', 'aria-hidden': 'true', text: '→' }),
      h('div', { class: 'chain-end', text: action === 'redirect' ? `then redirect to ${last.spillover.redirectUrl}` : `then ${action}` }),
    );
    replace(chainEl, parts);
    paintConfig();
  };

  const paintConfig = () => {
    if (!doc) return;
    const so = doc.spillover ?? {};
    const methods =
      (so.methods ?? [])
        .map(
          (m) =>
            m.type +
            (m.threshold !== undefined
              ? ` ${m.threshold}`
              : m.thresholdKbps !== undefined
                ? ` ${m.thresholdKbps} kbps`
                : m.thresholdPercent !== undefined
                  ? ` ${m.thresholdPercent}%`
                  : ''),
        )
        .join(', ') || 'none';
    setText(head.meta, `${doc.protocol} · ${doc.listen ? `port ${doc.listen.port}` : 'backup only'} · ${doc.lbMethod ?? ''}`);
    replace(
      config,
      facts([
        ['Protocol', doc.protocol],
        ['Listen', doc.listen ? `${doc.listen.host ?? ''}:${doc.listen.port}` : 'none (backup only)'],
        ['Balancing', doc.lbMethod ?? '–'],
        ['Spillover', `${methods} (${so.combine ?? 'any'})`],
        ['Backup', so.backup ?? 'none'],
        ['When exhausted', so.action ?? 'drop'],
        ['Version', doc.version],
      ]),
    );
  };

  const paint = (s) => {
    const st = s.status;
    setBadge(head.state, st.state, st.state === 'UP' ? 'up' : 'down');
    setBadge(head.spilling, st.spilling ? 'Spilling' : 'Not spilling', st.spilling ? 'spill' : '');
    head.spilling.dataset.spilling = String(st.spilling);
    activeMeter.update(st.activeConnections.total, st.threshold.value);
    setText(tiles.active.value, st.activeConnections.total);
    setText(tiles.spills.value, rate(s.spillRate));
    setText(tiles.bw.value, `${kbps(st.bandwidthKbps.in)} / ${kbps(st.bandwidthKbps.out)}`);
    setText(tiles.health.value, percent(st.healthPercent));

    const capacity = new Map(st.threshold.derivation.map((d) => [d.service, d.capacity]));
    // Tables are rebuilt only when what they show changed (hover and selection survive).
    if (changed(servicesBody, [st.services, [...capacity]]))
      replace(
        servicesBody,
        st.services.length === 0
          ? h('tr', {}, h('td', { class: 'empty', colspan: 4, text: 'No services bound.' }))
          : st.services.map((svc) => {
              const m = meter();
              m.update(svc.activeConnections, capacity.get(svc.name) ?? null);
              const monitors = svc.monitors ?? [];
              return h(
                'tr',
                { dataset: { service: svc.name, state: svc.state } },
                h(
                  'td',
                  { class: 'name', dataset: { label: 'Service' } },
                  h('div', {}, h('strong', { text: svc.name }), h('div', { class: 'meta', text: `UP on ${svc.agentsUp} of ${svc.agentsMonitoring} agents` })),
                ),
                h('td', { dataset: { label: 'State' } }, badge(svc.state, svc.state === 'UP' ? 'up' : 'down')),
                h('td', { dataset: { label: 'Connections' } }, m.el),
                h(
                  'td',
                  { dataset: { label: 'Monitors' } },
                  monitors.length === 0
                    ? h('span', { class: 'muted', text: 'none' })
                    : h(
                        'div',
                        {},
                        monitors.map((mo) =>
                          h(
                            'div',
                            { class: 'mono' },
                            `${mo.monitor} `,
                            h('span', { class: mo.state === 'DOWN' ? 'badge down plain' : 'muted', text: mo.state === 'DOWN' ? 'DOWN' : ms(mo.responseMs) }),
                          ),
                        ),
                      ),
                ),
              );
            }),
      );

    const q = st.quota;
    const agentsSeen = new Set([...Object.keys(q?.byAgent ?? {}), ...Object.keys(st.activeConnections.byAgent)]);
    if (changed(quotaBody, [q, st.activeConnections.byAgent]))
      replace(
        quotaBody,
        agentsSeen.size === 0
          ? h('tr', {}, h('td', { class: 'empty', colspan: 4, text: 'No agent serves this vserver.' }))
          : [...agentsSeen].sort().map((a) => {
              const share = q?.byAgent[a];
              const m = meter();
              const active = st.activeConnections.byAgent[a] ?? 0;
              m.update(active, share ? share.exclusive + share.borrowed : null);
              return h(
                'tr',
                { dataset: { agent: a } },
                h('td', { class: 'name', dataset: { label: 'Agent' } }, h('strong', { text: a })),
                h('td', { class: 'num', dataset: { label: 'Exclusive' }, text: share?.exclusive ?? '–' }),
                h('td', { class: 'num', dataset: { label: 'Borrowed' }, text: share?.borrowed ?? '–' }),
                h('td', { dataset: { label: 'Active' } }, m.el),
              );
            }),
      );
    setText(quotaFoot, q ? `Global limit ${q.limit}; ${q.shared} in the shared pool, lent on demand.` : 'No global quota: the limit is unbounded.');

    if (changed(derivation, st.threshold))
      replace(
        derivation,
        facts([
          ['Method', st.threshold.method ?? 'none'],
          ['Limit', st.threshold.value ?? 'unbounded'],
          ...st.threshold.derivation.map((d) => [d.service, `${d.capacity} · ${d.state}${d.counted ? '' : ' · not counted'}`]),
        ]),
      );
  };

  const paintBox = (n, s) => {
    const b = boxes.get(n);
    if (!b || !s) return;
    b.update(s.status);
  };

  const showError = (err) => {
    notice.hidden = !err;
    if (err) notice.textContent = err.status === 404 ? `No vserver named ${name}.` : `Cannot load: ${err.message}`;
  };
  const chainLoader = every(60_000, loadChain, showError);
  const poller = every(
    1000,
    async (signal) => {
      if (chain.length === 0) return;
      const names = chain.map((v) => v.name);
      const results = await mapLimit(names, 8, (n) => fetchStatus(n, signal));
      results.forEach((s, i) => paintBox(names[i], s));
      if (results[0]) {
        paint(results[0]);
        chart.update(samples(name));
      }
    },
    showError,
  );
  const unsubscribe = subscribe((e) => {
    if (e.kind.startsWith('vserver.') && chain.some((v) => v.name === e.object?.name)) chainLoader.kick();
    if (e.kind === 'threshold.changed' || e.kind === 'service.state_changed') poller.kick();
  });
  return () => {
    chainLoader.stop();
    poller.stop();
    unsubscribe();
    chart.destroy();
  };
}

const shown = new WeakMap();
/** Whether `data` differs from what `el` showed last (and remembers it). */
function changed(el, data) {
  const sig = JSON.stringify(data);
  if (shown.get(el) === sig) return false;
  shown.set(el, sig);
  return true;
}

function tile(label) {
  const value = h('div', { class: 'value', text: '–' });
  return { el: h('div', { class: 'panel tile' }, h('div', { class: 'label', text: label }), value), value };
}

function facts(pairs) {
  return pairs.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: String(v) })]);
}

function chainBox(v, current) {
  const level = h('div', { class: 'level' });
  const pct = h('div', { class: 'pct', text: '–' });
  const state = badge('…');
  const foot = h('div', { class: 'foot', text: '' });
  const el = h(
    'div',
    { class: `chain-box${current ? ' current' : ''}`, dataset: { vserver: v.name } },
    h('div', { class: 'title' }, current ? h('span', { text: v.name }) : h('a', { href: `#/vservers/${encodeURIComponent(v.name)}`, text: v.name }), state),
    h('div', { class: 'tank' }, level, pct),
    foot,
  );
  return {
    el,
    update(st) {
      const limit = st.threshold.value;
      const active = st.activeConnections.total;
      const p = limit === null ? 0 : limit <= 0 ? 100 : Math.min(100, (active / limit) * 100);
      level.style.height = `${p}%`;
      setText(pct, limit === null ? `${active}` : `${Math.round(p)}%`);
      setText(foot, `${active} / ${limit ?? '∞'} connections${st.spilling ? ' · spilling' : ''}`);
      setBadge(state, st.spilling ? 'Spilling' : st.state, st.spilling ? 'spill' : st.state === 'UP' ? 'up' : 'down');
      el.classList.toggle('spilling', st.spilling);
      el.dataset.spilling = String(st.spilling);
    },
  };
}

/** The uPlot chart of a vserver's samples; rebuilt when the colour scheme changes. */
function makeChart(el) {
  let u = null;
  let last = [];
  const css = (v) => getComputedStyle(document.documentElement).getPropertyValue(v).trim();
  const size = () => ({ width: Math.max(240, el.clientWidth), height: 260 });
  const build = () => {
    u?.destroy();
    const muted = css('--muted');
    const grid = css('--grid');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    u = new uPlot(
      {
        ...size(),
        cursor: { drag: { x: false, y: false } },
        scales: {
          // At least a minute across, so the first seconds do not stretch over the whole width.
          x: {
            time: true,
            range: (_u, min, max) => (min === null || max === null ? [Date.now() / 1000 - 60, Date.now() / 1000] : [Math.min(min, max - 60), max]),
          },
          cx: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.15))] },
          rate: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil((max ?? 0) * 1.2))] },
        },
        series: [
          { value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString([], { hour12: false })) },
          { label: 'Active', scale: 'cx', stroke: css('--accent'), fill: css('--accent-soft'), width: 2, value: (_u, v) => (v === null ? '–' : String(v)) },
          { label: 'Limit', scale: 'cx', stroke: muted, width: 1.5, dash: [6, 4], value: (_u, v) => (v === null ? '–' : String(v)) },
          { label: 'Spills/s', scale: 'rate', stroke: css('--spill'), width: 2, value: (_u, v) => (v === null ? '–' : rate(v)) },
        ],
        axes: [
          { ...axis },
          { ...axis, scale: 'cx', label: 'connections', labelSize: 20 },
          { ...axis, scale: 'rate', side: 1, grid: { show: false }, label: 'spills/s', labelSize: 20 },
        ],
      },
      data(last),
      el,
    );
  };
  const data = (s) => {
    const cut = Date.now() - WINDOW_S * 1000;
    const w = s.filter((x) => x.t >= cut);
    return [w.map((x) => x.t / 1000), w.map((x) => x.active), w.map((x) => x.limit), w.map((x) => x.spillRate)];
  };
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => build();
  const onResize = () => u?.setSize(size());
  scheme.addEventListener('change', onScheme);
  window.addEventListener('resize', onResize);
  build();
  return {
    update(s) {
      last = s;
      u?.setData(data(s));
    },
    destroy() {
      scheme.removeEventListener('change', onScheme);
      window.removeEventListener('resize', onResize);
      u?.destroy();
      u = null;
    },
  };
}
