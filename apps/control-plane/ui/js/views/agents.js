// Agents: connected or not, applied against desired config version, workers, heartbeat age,
// active connections. Polled every two seconds; agent events poll at once.
import { all } from '../api.js';
import { badge, h, replace, setText } from '../dom.js';
import { age } from '../format.js';
import { every, subscribe } from '../live.js';

export default function agents(root) {
  document.title = 'Agents · Spillway';
  const tbody = h('tbody');
  const notice = h('div', { class: 'notice', hidden: true });
  const sub = h('span', { class: 'sub' });
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', { text: 'Agents' }), sub),
    notice,
    h(
      'section',
      { class: 'panel' },
      h(
        'table',
        { class: 'data cards', id: 'agents' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Agent', 'Connection', 'Config version', 'Workers', 'Heartbeat', 'Active connections'].map((t) => h('th', { text: t })),
          ),
        ),
        tbody,
      ),
    ),
  );

  let list = [];
  let shown = '';
  // Heartbeat cells by agent, with the time they count from.
  const ages = new Map();
  const paint = () => {
    const connected = list.filter((a) => a.connected).length;
    setText(sub, `${connected} of ${list.length} connected`);
    // Rows are rebuilt only when something other than the heartbeat time changed.
    const sig = JSON.stringify(list.map((a) => ({ ...a, lastHeartbeatAt: undefined })));
    if (sig === shown) {
      for (const a of list) {
        const x = ages.get(a.id);
        if (x) x.t = a.lastHeartbeatAt;
      }
      return;
    }
    shown = sig;
    ages.clear();
    replace(
      tbody,
      list.length === 0
        ? h(
            'tr',
            {},
            h('td', { class: 'empty', colspan: 6, text: 'No agent has connected yet. Start one with SPILLWAY_CONTROL_PLANE_URL and an agent token.' }),
          )
        : list.map((a) => {
            const hb = h('span', { class: 'num', text: age(a.lastHeartbeatAt) });
            ages.set(a.id, { el: hb, t: a.lastHeartbeatAt });
            const active = Object.values(a.activeConnections ?? {}).reduce((s, n) => s + n, 0);
            const version = a.appliedVersion === null ? 'none' : `v${a.appliedVersion}`;
            const sync = a.desiredVersion === null ? null : a.inSync ? badge('in sync', 'up') : badge(`desired v${a.desiredVersion}`, 'warn');
            return h(
              'tr',
              { dataset: { agent: a.id, connected: String(a.connected) } },
              h('td', { class: 'name', dataset: { label: 'Agent' } }, h('strong', { text: a.id })),
              h('td', { dataset: { label: 'Connection' } }, a.connected ? badge('Connected', 'up') : badge('Disconnected', 'down')),
              h(
                'td',
                { dataset: { label: 'Config version' } },
                h(
                  'div',
                  {},
                  h('span', { class: 'num', text: `${version} ` }),
                  sync,
                  a.lastNack ? h('div', { class: 'meta', text: `rejected v${a.lastNack.version}: ${a.lastNack.code}` }) : null,
                ),
              ),
              h('td', { class: 'num', dataset: { label: 'Workers' }, text: a.workers }),
              h('td', { dataset: { label: 'Heartbeat' } }, hb),
              h('td', { class: 'num', dataset: { label: 'Active connections' }, text: active }),
            );
          }),
    );
  };
  const showError = (err) => {
    notice.hidden = !err;
    if (err) notice.textContent = `Cannot load: ${err.message}`;
  };
  const poller = every(
    2000,
    async (signal) => {
      list = await all('/v1/agents', { signal });
      paint();
    },
    showError,
  );
  // Heartbeat ages tick between polls.
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const { el, t } of ages.values()) setText(el, age(t, now));
  }, 500);
  const unsubscribe = subscribe((e) => {
    if (e.kind.startsWith('agent.') || e.kind.startsWith('config.')) poller.kick();
  });
  return () => {
    poller.stop();
    clearInterval(ticker);
    unsubscribe();
  };
}
