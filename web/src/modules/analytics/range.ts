/** Date ranges of the analytics page: presets relative to an anchor day, in the store's calendar ('YYYY-MM-DD'). */

export const PRESETS = [
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '12m', label: 'Last 12 months' },
  { value: 'ytd', label: 'Year to date' },
] as const;
export type Preset = (typeof PRESETS)[number]['value'];

export interface AnalyticsSearch {
  preset?: Preset | 'custom';
  from?: string;
  to?: string;
  /** 'data': presets end on the day of the latest order (a store with no recent orders); 'today' otherwise. */
  anchor?: 'today' | 'data';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseAnalyticsSearch(s: Record<string, unknown>): AnalyticsSearch {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const preset = [...PRESETS.map((p) => p.value), 'custom'].find((p) => p === s.preset) as AnalyticsSearch['preset'];
  const from = str(s.from);
  const to = str(s.to);
  const anchor = s.anchor === 'today' || s.anchor === 'data' ? s.anchor : undefined;
  return { preset, from: from && DAY.test(from) ? from : undefined, to: to && DAY.test(to) ? to : undefined, anchor };
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function spanDays(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000) + 1;
}

export function presetRange(p: Preset, anchor: string): { from: string; to: string } {
  switch (p) {
    case '30d':
      return { from: addDays(anchor, -29), to: anchor };
    case '90d':
      return { from: addDays(anchor, -89), to: anchor };
    case '12m': {
      const y = Number(anchor.slice(0, 4)) - 1;
      const sameDay = `${y}-${anchor.slice(5)}`;
      // 29 February a year back does not exist: start on 1 March.
      const start = Number.isNaN(Date.parse(`${sameDay}T00:00:00Z`)) || new Date(`${sameDay}T00:00:00Z`).toISOString().slice(0, 10) !== sameDay ? `${y}-03-01` : addDays(sameDay, 1);
      return { from: start, to: anchor };
    }
    case 'ytd':
      return { from: `${anchor.slice(0, 4)}-01-01`, to: anchor };
  }
}

/** Whether the store has had no order in the 30 days up to today (the demo data ends in 2011, say). */
export function staleData(today: string, lastOrderDay: string | null): boolean {
  return !!lastOrderDay && lastOrderDay < addDays(today, -30);
}

const fmtDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const fmtShort = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

export const dayLabel = (d: string) => fmtDay.format(new Date(`${d}T00:00:00Z`));

/** "1 Mar – 31 Mar 2024", "12 Dec 2010 – 9 Dec 2011", "9 Dec 2011". */
export function rangeLabel(from: string, to: string): string {
  if (from === to) return dayLabel(from);
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  return `${sameYear ? fmtShort.format(new Date(`${from}T00:00:00Z`)) : dayLabel(from)} – ${dayLabel(to)}`;
}

const fmtMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const fmtMonthOnly = new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' });
const fmtWeek = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

export const monthLabel = (d: string) => fmtMonth.format(new Date(`${d.slice(0, 7)}-01T00:00:00Z`));

/** A chart axis label for a bucket start. */
export function bucketLabel(day: string, g: 'day' | 'week' | 'month', multiYear: boolean): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (g === 'month') return multiYear ? fmtMonth.format(d) : fmtMonthOnly.format(d);
  return fmtWeek.format(d);
}
