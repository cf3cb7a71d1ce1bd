import { nextLocalTime, wallTime } from '../../platform/zoned.ts';
import { durationMs, type Step } from './flows.definition.ts';

/** Day of the week (0 = Sunday) on the clock of `tz` at `at`. */
export function localWeekday(at: Date, tz: string): number {
  const w = wallTime(at, tz);
  return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
}

/**
 * The next time the clock in `tz` shows `hhmm` at or after `after`, on one of `days` (0 = Sunday) when
 * given. DST-correct: 09:00 is 09:00 local on both sides of a change; a time skipped by a
 * spring-forward gap becomes the same clock time after the jump (zoned.ts).
 */
export function nextLocalTimeOn(after: Date, hhmm: string, tz: string, days?: readonly number[]): Date {
  let from = after;
  for (let i = 0; i < 8; i++) {
    const at = nextLocalTime(from, hhmm, tz);
    if (!days?.length || days.includes(localWeekday(at, tz))) return at;
    from = new Date(at.getTime() + 60_000);
  }
  throw new Error(`no ${hhmm} on days ${days?.join(',')} in ${tz}`);
}

/** When a run that reaches a wait step at `now` is due to leave it (a wait-for step: its timeout). */
export function waitDueAt(s: Extract<Step, { type: 'wait' | 'waitUntil' | 'waitFor' }>, now: Date, tz: string): Date {
  switch (s.type) {
    case 'wait': return new Date(now.getTime() + durationMs(s.duration));
    case 'waitFor': return new Date(now.getTime() + durationMs(s.timeout));
    case 'waitUntil': return nextLocalTimeOn(now, s.time, tz, s.days);
  }
}
