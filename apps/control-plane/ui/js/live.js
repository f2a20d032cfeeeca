// What every page shares: one event stream for the session (subscribers get each event), a
// history of vserver status samples (for spillovers per second and the chart), and pollers that
// stop with their page.
import { get, stream } from './api.js';

const subscribers = new Set();
let streamAbort = null;
let streamState = 'connecting';
const stateListeners = new Set();

/** `fn(event)` for every event of the stream (the event JSON of /v1/events); returns unsubscribe. */
export function subscribe(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}

export function onStreamState(fn) {
  stateListeners.add(fn);
  fn(streamState);
}

function setState(s) {
  streamState = s;
  for (const fn of stateListeners) fn(s);
}

export function startStream() {
  stopStream();
  streamAbort = new AbortController();
  setState('connecting');
  void stream('/v1/events/stream', {
    signal: streamAbort.signal,
    onState: setState,
    onEvent: ({ data }) => {
      if (data === null || typeof data !== 'object') return;
      for (const fn of subscribers) {
        try {
          fn(data);
        } catch (err) {
          console.warn('event subscriber failed', err);
        }
      }
    },
  });
}

export function stopStream() {
  streamAbort?.abort();
  streamAbort = null;
}

// ---- status history ---------------------------------------------------------------------------

/** Samples kept per vserver: 10 minutes at one a second. */
const KEEP = 600;
const history = new Map();

/**
 * Records a status document (GET /v1/vservers/{name}/status) sampled now; returns the sample
 * with `spillRate` (spillovers per second since the previous sample).
 */
export function record(status, t = Date.now()) {
  let h = history.get(status.name);
  if (!h) {
    h = [];
    history.set(status.name, h);
  }
  const prev = h[h.length - 1];
  // Two pages polling the same vserver within a moment: keep one sample.
  if (prev && t - prev.t < 400) return prev;
  const dt = prev ? (t - prev.t) / 1000 : 0;
  const spillRate = prev && dt > 0 ? Math.max(0, status.spillovers - prev.spillovers) / dt : 0;
  const sample = { t, active: status.activeConnections.total, limit: status.threshold.value, spillovers: status.spillovers, spillRate, status };
  h.push(sample);
  if (h.length > KEEP) h.splice(0, h.length - KEEP);
  return sample;
}

export function samples(name) {
  return history.get(name) ?? [];
}

/** GET the status of `name` and record it; null when the vserver is gone (404). */
export async function fetchStatus(name, signal) {
  try {
    const s = await get(`/v1/vservers/${encodeURIComponent(name)}/status`, { signal });
    return record(s);
  } catch (err) {
    if (err?.status === 404) return null;
    throw err;
  }
}

/**
 * Runs `fn(signal)` now and then every `ms` until the returned stop() (never two at once; an
 * error is shown by `onError` and the next round tries again). `kick()` runs it early.
 */
export function every(ms, fn, onError = () => {}) {
  const ctl = new AbortController();
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    if (ctl.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    // A hidden tab asks nothing of the control plane; it catches up when shown again.
    try {
      if (!document.hidden) {
        await fn(ctl.signal);
        onError(null);
      }
    } catch (err) {
      if (!ctl.signal.aborted && err?.name !== 'AbortError') onError(err);
    }
    running = false;
    if (ctl.signal.aborted) return;
    if (again) {
      again = false;
      void run();
      return;
    }
    timer = setTimeout(run, ms);
  };
  const onVisible = () => {
    if (!document.hidden) void run();
  };
  document.addEventListener('visibilitychange', onVisible);
  void run();
  return {
    kick: () => {
      void run();
    },
    stop: () => {
      ctl.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/** `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
