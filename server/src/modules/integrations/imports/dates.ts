/**
 * Dates as spreadsheets and store exports write them. A date with an offset (`Z`, `+02:00`,
 * `-0500`) is absolute; one without is wall-clock time in the import's time zone.
 *
 *   2010-12-01T08:26:00Z · 2010-12-01 08:26:00 · 2019-05-15 12:34:56 -0400 · 2010-12-01
 *   12/1/2010 8:26 · 01/12/2010 · 1.12.2010 · 01-12-2010 14:05 · 12/1/2010 8:26 PM · 20101201
 *
 * Slash, dot and dash dates with the year last are day-first or month-first: `order` says which
 * (dates like 13/01/2011 or 01/13/2011 decide it when `auto`; see `DateOrderSniffer`).
 */
export type DateOrder = 'dmy' | 'mdy';

export interface DateOptions {
  order: DateOrder;
  timeZone: string;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;

/** Parses a date; returns an error message instead of throwing. */
export function parseDate(text: string, opts: DateOptions): Date | string {
  const t = text.trim();
  if (!t) return 'is empty';
  let m = ISO.exec(t);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, m[8], opts.timeZone, t);
  }
  m = COMPACT.exec(t);
  if (m) return build(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0, 0, undefined, opts.timeZone, t);
  m = DMY.exec(t);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    let y = +m[3]!;
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
    let h = +(m[4] ?? 0);
    const ampm = m[7]?.toLowerCase();
    if (ampm) {
      if (h < 1 || h > 12) return `"${t}" has an hour ${h} that does not go with ${ampm.toUpperCase()}`;
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    const [day, month] = opts.order === 'dmy' ? [a, b] : [b, a];
    return build(y, month, day, h, +(m[5] ?? 0), +(m[6] ?? 0), 0, undefined, opts.timeZone, t, opts.order);
  }
  return `"${t}" is not a date in a known format (2010-12-01 08:26:00, 12/1/2010 8:26, 01/12/2010, 20101201, ISO 8601)`;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: string | undefined, tz: string, text: string, order?: DateOrder): Date | string {
  const how = order ? ` read ${order === 'dmy' ? 'day-first' : 'month-first'}` : '';
  if (mo < 1 || mo > 12) return `"${text}"${how} has no month ${mo}`;
  if (d < 1 || d > daysIn(y, mo)) return `"${text}"${how} has no day ${d} in month ${mo}`;
  if (h > 23 || mi > 59 || s > 59) return `"${text}" has an impossible time of day`;
  if (y < 1900 || y > 2200) return `"${text}" has an unlikely year ${y}`;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (offset) {
    if (/^z$/i.test(offset)) return new Date(wall);
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    return new Date(wall - sign * minutes * 60_000);
  }
  return new Date(zonedToUtc(wall, tz));
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

/** The UTC offset of `tz` at an instant, in ms; cached per zone and hour (imports repeat hours a lot). */
function offsetAt(tz: string, utcMs: number): number {
  let byHour = offsets.get(tz);
  if (!byHour) offsets.set(tz, (byHour = new Map()));
  const hour = Math.floor(utcMs / 3_600_000);
  const hit = byHour.get(hour);
  if (hit !== undefined) return hit;
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(hour * 3_600_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const off = asUtc - hour * 3_600_000;
  if (byHour.size > 100_000) byHour.clear();
  byHour.set(hour, off);
  return off;
}

/** Wall-clock time in `tz` (as if it were UTC) to the real UTC instant. */
export function zonedToUtc(wallMs: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return wallMs;
  const first = offsetAt(tz, wallMs);
  const guess = wallMs - first;
  const second = offsetAt(tz, guess);
  return second === first ? guess : wallMs - second;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides day-first or month-first from the dates of a file: a first number above 12 proves
 * day-first, a second above 12 month-first. Returns undefined while nothing proves either.
 */
export class DateOrderSniffer {
  private dmy = 0;
  private mdy = 0;
  seen = 0;

  add(text: string): void {
    const m = DMY.exec(text.trim());
    if (!m) return;
    this.seen++;
    const a = +m[1]!;
    const b = +m[2]!;
    if (a > 12 && b <= 12) this.dmy++;
    else if (b > 12 && a <= 12) this.mdy++;
  }

  get decided(): DateOrder | undefined {
    if (this.dmy > this.mdy) return 'dmy';
    if (this.mdy > this.dmy) return 'mdy';
    return undefined;
  }
}
