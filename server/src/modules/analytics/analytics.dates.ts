/** Calendar arithmetic on store days ('YYYY-MM-DD' strings): no time zones involved once a day is a day. */

const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fmt(d);
}

/** Days from a to b, both included. */
export function spanDays(a: string, b: string): number {
  return Math.round((toDate(b).getTime() - toDate(a).getTime()) / 86_400_000) + 1;
}

export const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

export function addMonths(month: string, n: number): string {
  const d = toDate(month);
  d.setUTCMonth(d.getUTCMonth() + n, 1);
  return fmt(d);
}

export const monthEnd = (month: string) => addDays(addMonths(month, 1), -1);
export const daysInMonth = (month: string) => spanDays(month, monthEnd(month));

/** A period and the two before it of the same length (the comparison, and the one churn of the comparison needs). */
export interface Windows {
  w: { from: string; to: string };
  p: { from: string; to: string };
  q: { from: string; to: string };
  days: number;
}

export function windows(from: string, to: string): Windows {
  const days = spanDays(from, to);
  const p = { from: addDays(from, -days), to: addDays(from, -1) };
  const q = { from: addDays(p.from, -days), to: addDays(p.from, -1) };
  return { w: { from, to }, p, q, days };
}

export type Granularity = 'day' | 'week' | 'month';

export function granularityFor(days: number): Granularity {
  if (days <= 45) return 'day';
  if (days <= 190) return 'week';
  return 'month';
}

/** The start of the bucket a day falls in (weeks start on Monday). */
export function bucketStart(day: string, g: Granularity): string {
  if (g === 'day') return day;
  if (g === 'month') return monthOf(day);
  const wd = (toDate(day).getUTCDay() + 6) % 7;
  return addDays(day, -wd);
}

/** The buckets covering [from, to], each clipped to the range. */
export function buckets(from: string, to: string, g: Granularity): { bucket: string; from: string; to: string }[] {
  const out: { bucket: string; from: string; to: string }[] = [];
  let start = bucketStart(from, g);
  while (start <= to) {
    const next = g === 'day' ? addDays(start, 1) : g === 'week' ? addDays(start, 7) : addMonths(start, 1);
    out.push({ bucket: start, from: start < from ? from : start, to: addDays(next, -1) > to ? to : addDays(next, -1) });
    start = next;
  }
  return out;
}

/** Whole months inside [from, to], and the days of [from, to] outside them. */
export function splitMonths(from: string, to: string): { months: [string, string] | null; edges: [string, string][] } {
  const first = from === monthOf(from) ? from : addMonths(monthOf(from), 1);
  const lastEnd = to === monthEnd(monthOf(to)) ? to : addDays(monthOf(to), -1);
  if (first > lastEnd) return { months: null, edges: [[from, to]] };
  const edges: [string, string][] = [];
  if (from < first) edges.push([from, addDays(first, -1)]);
  if (lastEnd < to) edges.push([addDays(lastEnd, 1), to]);
  return { months: [first, monthOf(lastEnd)], edges };
}

/** a × num / den rounded half up (a ≥ 0), exactly. */
export function mulDivRound(a: number, num: number, den: number): number {
  const n = BigInt(a) * BigInt(num) * 2n + BigInt(den);
  return Number(n / (2n * BigInt(den)));
}

/** num / den rounded to the nearest integer, halves away from zero; null when den is 0. */
export function divRound(num: number, den: number): number | null {
  if (den === 0) return null;
  const neg = num < 0 !== den < 0;
  const a = BigInt(Math.abs(num));
  const b = BigInt(Math.abs(den));
  const q = Number((a * 2n + b) / (2n * b));
  return neg ? -q : q;
}

export const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
