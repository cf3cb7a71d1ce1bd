/** Wall-clock time in IANA time zones, DST-correct, with no dependency beyond Intl. */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone if valid, else the fallback (a customer's bad or missing zone falls back to the store's). */
export function zoneOr(tz: string | null | undefined, fallback: string): string {
  return tz && isTimeZone(tz) ? tz : fallback;
}

/** The wall time in `tz` at instant `at`. */
export function wallTime(at: Date, tz: string): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

function offsetMs(at: Date, tz: string): number {
  const w = wallTime(at, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `tz` shows `w`. A time skipped by a spring-forward gap maps
 * to the same clock time after the jump (02:30 → 03:30); a repeated autumn time maps to its first occurrence.
 */
export function zonedToUtc(w: WallTime, tz: string): Date {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  // The zone's offsets around that day (at most two), each giving a candidate instant.
  const candidates = [...new Set([-36, -12, 0, 12, 36].map((h) => offsetMs(new Date(asUtc + h * 3600_000), tz)))].map((off) => asUtc - off);
  const shows = (t: number) => {
    const x = wallTime(new Date(t), tz);
    return x.year === w.year && x.month === w.month && x.day === w.day && x.hour === w.hour && x.minute === w.minute;
  };
  const matching = candidates.filter(shows).sort((a, b) => a - b);
  // No candidate shows that time: it falls in a spring-forward gap, so take the one after the jump.
  return new Date(matching[0] ?? Math.max(...candidates));
}

/** Minutes since local midnight for "HH:MM". */
export function parseHhmm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The first instant at or after `after` when the clock in `tz` shows `hhmm`. */
export function nextLocalTime(after: Date, hhmm: string, tz: string): Date {
  const mins = parseHhmm(hhmm);
  const w = wallTime(after, tz);
  for (let add = 0; add < 3; add++) {
    const d = new Date(Date.UTC(w.year, w.month - 1, w.day + add));
    const at = zonedToUtc({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: Math.floor(mins / 60), minute: mins % 60 }, tz);
    if (at.getTime() >= after.getTime()) return at;
  }
  throw new Error(`no ${hhmm} in ${tz} after ${after.toISOString()}`);
}
