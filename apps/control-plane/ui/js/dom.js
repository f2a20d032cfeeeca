// Building elements without innerHTML: every value from the API goes in as text.

/**
 * h('td', { class: 'name', dataset: { label: 'Name' } }, child, 'text', …)
 * Attributes: class, text, dataset, on<Event> (functions), anything else via setAttribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Sets text only when it changed (keeps live updates cheap and selection-friendly). */
export function setText(el, text) {
  const t = String(text);
  if (el.textContent !== t) el.textContent = t;
}

/** A state badge: UP/DOWN, spilling, and others (kind: up | down | spill | warn | info). */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim(), text });
}

export function setBadge(el, text, kind) {
  setText(el, text);
  const cls = `badge ${kind}`.trim();
  if (el.className !== cls) el.className = cls;
}

/** A bar filling toward a limit: returns { el, update(value, limit) }. */
export function meter() {
  const fill = h('div', { class: 'fill' });
  const text = h('span', { class: 'text' });
  const el = h('div', { class: 'meter', role: 'meter', 'aria-valuemin': 0 }, h('div', { class: 'track' }, fill), text);
  return {
    el,
    update(value, limit) {
      const pct = limit === null || limit === undefined ? 0 : limit <= 0 ? (value > 0 ? 100 : 0) : Math.min(100, (value / limit) * 100);
      fill.style.width = `${pct}%`;
      el.classList.toggle('hot', limit !== null && limit !== undefined && value >= limit);
      el.setAttribute('aria-valuenow', String(value));
      if (limit !== null && limit !== undefined) el.setAttribute('aria-valuemax', String(limit));
      else el.removeAttribute('aria-valuemax');
      setText(text, `${value} / ${limit === null || limit === undefined ? '∞' : limit}`);
    },
  };
}
