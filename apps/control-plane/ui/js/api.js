// The REST API with the token the user pasted (kept in sessionStorage: gone when the tab closes),
// and the event stream read with fetch (EventSource cannot send Authorization).
const KEY = 'spillway.token';

export const session = {
  get token() {
    return sessionStorage.getItem(KEY);
  },
  set token(t) {
    if (t) sessionStorage.setItem(KEY, t);
    else sessionStorage.removeItem(KEY);
  },
};

/** An answer of the API other than 2xx, with its error code and message. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
  }
}

const unauthorizedHandlers = new Set();
/** `fn` runs when the API refuses the token (401): the app shows the sign-in again. */
export function onUnauthorized(fn) {
  unauthorizedHandlers.add(fn);
}

function headers(token, accept) {
  return { authorization: `Bearer ${token}`, accept };
}

/** GET a JSON document of the API. */
export async function get(path, { signal, token = session.token } = {}) {
  const res = await fetch(path, { headers: headers(token, 'application/json'), signal, cache: 'no-store' });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    if (res.status === 401 && token === session.token) for (const fn of unauthorizedHandlers) fn();
    throw new ApiError(res.status, body);
  }
  return body;
}

/** Every item of a paginated list (`items`, `nextCursor`). */
export async function all(path, opts) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, opts);
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/**
 * Reads Server-Sent Events from `path` until `signal` aborts, reconnecting (after the last id
 * seen) when the stream ends or fails. `onEvent({id, event, data})`; `onState('live'|'down')`.
 */
export async function stream(path, { signal, onEvent, onState, after = null }) {
  let lastId = after;
  let retryMs = 2000;
  while (!signal.aborted) {
    try {
      const h = headers(session.token, 'text/event-stream');
      if (lastId) h['last-event-id'] = lastId;
      const res = await fetch(path, { headers: h, signal, cache: 'no-store' });
      if (res.status === 401) {
        for (const fn of unauthorizedHandlers) fn();
        return;
      }
      if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
      onState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      let ev = { id: null, event: 'message', data: [] };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (ev.data.length > 0) {
              if (ev.id) lastId = ev.id;
              let data = ev.data.join('\n');
              try {
                data = JSON.parse(data);
              } catch {
                /* not JSON: passed as text */
              }
              onEvent({ id: ev.id, event: ev.event, data });
            }
            ev = { id: null, event: 'message', data: [] };
            continue;
          }
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'data') ev.data.push(val);
          else if (field === 'id') ev.id = val;
          else if (field === 'event') ev.event = val;
          else if (field === 'retry' && /^[0-9]+$/.test(val)) retryMs = Number(val);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      void err;
    }
    if (signal.aborted) return;
    onState('down');
    await new Promise((resolve) => {
      const t = setTimeout(resolve, retryMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }
}
