const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const abs = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago", "in 2 hours", "just now". */
export function relativeTime(iso: string | Date, now = Date.now()): string {
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  const diff = Math.round((t - now) / 1000);
  if (Math.abs(diff) < 45) return 'just now';
  for (const [unit, secs] of UNITS) {
    if (Math.abs(diff) >= secs || unit === 'second') return rtf.format(Math.round(diff / secs), unit);
  }
  return rtf.format(diff, 'second');
}

/** Full local date and time, for title attributes. */
export function absoluteTime(iso: string | Date): string {
  return abs.format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function shortDate(iso: string | Date): string {
  return day.format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
