import { parseHhmm, wallTime, zonedToUtc } from '../../platform/zoned.ts';

/**
 * Business-time arithmetic for SLA targets: "8 business hours after this ticket arrived" in a calendar of weekly
 * opening hours in one time zone, minus holidays. Pure (no database), DST-correct through platform/zoned.ts.
 *
 * Rules: hours are wall-clock times in the calendar's zone; an interval whose end is not after its start
 * (22:00–06:00) runs overnight and belongs to the day it starts on (a holiday on that day removes it);
 * '24:00' ends at the next midnight; overlapping intervals count once. On DST days an interval keeps its
 * wall-clock ends, so it is an hour shorter or longer in real time, which is what an agent on shift lives.
 */

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export interface Span {
  /** "HH:MM", 00:00–23:59 */
  start: string;
  /** "HH:MM", 00:00–24:00; not after start = the next day */
  end: string;
}
export type WeekHours = Record<Day, Span[]>;
export interface Holiday {
  /** YYYY-MM-DD in the calendar's zone */
  date: string;
  name: string;
  /** Every year on the same month and day. */
  yearly: boolean;
}
export interface CalendarSpec {
  timeZone: string;
  week: WeekHours;
  holidays: Holiday[];
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** A calendar that finds no open hour in this many days is refused rather than searched for ever. */
const MAX_EMPTY_DAYS = 800;

export const ALWAYS_OPEN: WeekHours = Object.fromEntries(DAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])) as WeekHours;

type Interval = [start: number, end: number];

export class BusinessCalendar {
  private readonly spec: CalendarSpec;
  private readonly once: Set<string>;
  private readonly yearly: Set<string>;
  private readonly cache = new Map<number, Interval[]>();

  constructor(spec: CalendarSpec) {
    this.spec = spec;
    this.once = new Set(spec.holidays.filter((h) => !h.yearly).map((h) => h.date));
    this.yearly = new Set(spec.holidays.filter((h) => h.yearly).map((h) => h.date.slice(5)));
  }

  get timeZone(): string {
    return this.spec.timeZone;
  }

  /** The instant `minutes` business minutes after `at` (fractions keep seconds). Zero or less: `at` itself. */
  add(at: Date, minutes: number): Date {
    if (!(minutes > 0)) return new Date(at.getTime());
    let remaining = minutes * MIN_MS;
    const t = at.getTime();
    for (const [s, e] of this.stream(t)) {
      if (e <= t) continue;
      const from = Math.max(s, t);
      if (e - from >= remaining) return new Date(from + remaining);
      remaining -= e - from;
    }
    throw new Error('unreachable');
  }

  /** Business milliseconds in [a, b); 0 when b is not after a. */
  between(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (to <= from) return 0;
    let sum = 0;
    for (const [s, e] of this.stream(from)) {
      if (s >= to) break;
      if (e <= from) continue;
      sum += Math.min(e, to) - Math.max(s, from);
    }
    return sum;
  }

  /** Whether `at` is within business hours. */
  isOpen(at: Date): boolean {
    const t = at.getTime();
    for (const [s, e] of this.stream(t)) {
      if (s > t) return false;
      if (e > t) return true;
    }
    return false;
  }

  /**
   * Open intervals in order, without overlaps, from the local day before `t` (its overnight hours may reach into
   * `t`'s day). Starts never go back in time (each day's intervals start within that day), so clipping each
   * interval against the furthest end so far is enough; touching pieces are fine for every caller.
   */
  private *stream(t: number): Generator<Interval> {
    let day = this.localDay(t) - 1;
    let reach = -Infinity;
    let empty = 0;
    for (;;) {
      const list = this.dayIntervals(day++);
      if (!list.length && ++empty > MAX_EMPTY_DAYS) throw new Error(`The calendar has no business hours in ${MAX_EMPTY_DAYS} days: give it opening hours.`);
      if (list.length) empty = 0;
      for (const [s, e] of list) {
        if (e <= reach) continue;
        yield [Math.max(s, reach), e];
        reach = e;
      }
    }
  }

  /** Days since the epoch of the local date at `t`. */
  private localDay(t: number): number {
    const w = wallTime(new Date(t), this.spec.timeZone);
    return Date.UTC(w.year, w.month - 1, w.day) / DAY_MS;
  }

  /** The intervals that start on local day `day` (days since the epoch), sorted. */
  private dayIntervals(day: number): Interval[] {
    const hit = this.cache.get(day);
    if (hit) return hit;
    const d = new Date(day * DAY_MS);
    const ymd = d.toISOString().slice(0, 10);
    let out: Interval[] = [];
    if (!this.once.has(ymd) && !this.yearly.has(ymd.slice(5))) {
      const spans = this.spec.week[DAYS[(d.getUTCDay() + 6) % 7]!] ?? [];
      const at = (dayOffset: number, mins: number) => {
        const x = new Date((day + dayOffset) * DAY_MS);
        return zonedToUtc({ year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate(), hour: Math.floor(mins / 60), minute: mins % 60 }, this.spec.timeZone).getTime();
      };
      for (const sp of spans) {
        const s = parseHhmm(sp.start);
        const e = parseHhmm(sp.end);
        const start = at(0, s);
        const end = e >= 24 * 60 ? at(1, 0) : e <= s ? at(1, e) : at(0, e);
        if (end > start) out.push([start, end]);
      }
      out = out.sort((a, b) => a[0] - b[0]);
    }
    if (this.cache.size > 4000) this.cache.clear();
    this.cache.set(day, out);
    return out;
  }
}
