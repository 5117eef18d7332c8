/** "3m ago", "2h ago", "5d ago"; dates more than a year old show as the date itself. */
export function relativeTime(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '?';
  const s = Math.round((now.getTime() - then) / 1000);
  if (s < 0) return 'just now';
  if (s < 45) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h}h ago`;
  const d = Math.round(h / 24);
  if (d < 365) return `${d}d ago`;
  return iso.slice(0, 10);
}
