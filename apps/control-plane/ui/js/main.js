// The dashboard: sign-in with a pasted token, then hash routes
//   #/                  overview of every vserver
//   #/vservers/<name>   one vserver: backup chain, services, chart, quota
//   #/agents            agents
//   #/events?kind=&object=   live event feed with filters
import { ApiError, get, onUnauthorized, session } from './api.js';
import { h, replace } from './dom.js';
import { onStreamState, startStream, stopStream } from './live.js';
import agents from './views/agents.js';
import events from './views/events.js';
import overview from './views/overview.js';
import vserver from './views/vserver.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const sessionBar = document.getElementById('session');
let current = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

function route() {
  const { parts, query } = parseHash();
  if (parts.length === 0) return { page: overview, nav: 'overview', params: {} };
  if (parts[0] === 'vservers' && parts[1]) return { page: vserver, nav: 'overview', params: { name: parts[1] } };
  if (parts[0] === 'agents') return { page: agents, nav: 'agents', params: {} };
  if (parts[0] === 'events') return { page: events, nav: 'events', params: { kind: query.get('kind') ?? '', object: query.get('object') ?? '' } };
  return { page: null, nav: '', params: {} };
}

function unmount() {
  try {
    current?.();
  } catch (err) {
    console.warn('leaving the page failed', err);
  }
  current = null;
}

function render() {
  unmount();
  if (!session.token) {
    showSignIn();
    return;
  }
  nav.hidden = false;
  sessionBar.hidden = false;
  const r = route();
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!r.page) {
    replace(view, h('section', { class: 'panel' }, h('div', { class: 'empty' }, 'No such page. ', h('a', { href: '#/', text: 'Back to the overview' }))));
    document.title = 'Spillway';
    return;
  }
  replace(view);
  current = r.page(view, r.params);
}

function showSignIn(message = '') {
  unmount();
  stopStream();
  nav.hidden = true;
  sessionBar.hidden = true;
  document.title = 'Sign in · Spillway';
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'spw_…', required: true });
  const error = h('p', { class: 'error', role: 'alert', text: message });
  const button = h('button', { type: 'submit', class: 'primary', text: 'Connect' });
  const form = h(
    'form',
    { class: 'panel login', id: 'signin' },
    h('h1', { text: 'Connect to Spillway' }),
    h('p', { text: 'Paste an API token. A reader token is enough: the dashboard only reads. It is kept in this tab only (session storage).' }),
    h('label', { for: 'token', text: 'API token' }),
    input,
    error,
    button,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    error.textContent = '';
    get('/v1/vservers?limit=1', { token }).then(
      () => {
        session.token = token;
        startStream();
        render();
      },
      (err) => {
        button.disabled = false;
        error.textContent = err instanceof ApiError && err.status === 401 ? 'This token is not valid.' : `Cannot reach the control plane: ${err.message}`;
      },
    );
  });
  replace(view, form);
  input.focus();
}

onUnauthorized(() => {
  session.token = null;
  showSignIn('The token was refused (revoked or expired). Paste a valid one.');
});

document.getElementById('signout').addEventListener('click', () => {
  session.token = null;
  showSignIn();
});

const live = document.getElementById('live');
onStreamState((s) => {
  live.dataset.state = s;
  live.querySelector('.label').textContent = s === 'live' ? 'Live' : s === 'down' ? 'Reconnecting' : 'Connecting';
});

window.addEventListener('hashchange', render);
if (session.token) startStream();
render();
