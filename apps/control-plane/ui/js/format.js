// Numbers as an operator reads them.

export function kbps(v) {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1_000_000) return `${(v / 1_000_000).toFixed(1)} Gbps`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)} Mbps`;
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} kbps`;
}

export function rate(v) {
  if (!Number.isFinite(v)) return '–';
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}

export function percent(v) {
  return Number.isFinite(v) ? `${Math.round(v)}%` : '–';
}

export function ms(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
}

/** "0.4 s ago", "12 s ago", "3 min ago" from an ISO time. */
export function age(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (now - t) / 1000);
  if (s < 10) return `${s.toFixed(1)} s ago`;
  if (s < 120) return `${Math.round(s)} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false });
}
