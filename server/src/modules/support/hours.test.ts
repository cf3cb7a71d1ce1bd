import { describe, expect, it } from 'vitest';
import { BusinessCalendar, ALWAYS_OPEN, type CalendarSpec, type WeekHours } from './hours.ts';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays: WeekHours = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] };
const cal = (o: Partial<CalendarSpec> = {}) => new BusinessCalendar({ timeZone: 'Europe/London', week: weekdays, holidays: [], ...o });
const iso = (d: Date) => d.toISOString();
const min = 60_000;

describe('business hours: adding business minutes', () => {
  it('adds within one working day', () => {
    // Monday 2026-06-01 10:00 BST = 09:00Z.
    expect(iso(cal().add(new Date('2026-06-01T09:00:00Z'), 60))).toBe('2026-06-01T10:00:00.000Z');
  });

  it('starts at the next opening when outside hours, and carries over to the next day', () => {
    // Monday 07:00 BST: nothing until 09:00 BST (08:00Z); 60 minutes → 10:00 BST.
    expect(iso(cal().add(new Date('2026-06-01T06:00:00Z'), 60))).toBe('2026-06-01T09:00:00.000Z');
    // Monday 16:30 BST + 60 → Tuesday 09:30 BST.
    expect(iso(cal().add(new Date('2026-06-01T15:30:00Z'), 60))).toBe('2026-06-02T08:30:00.000Z');
  });

  it('skips the weekend', () => {
    // Friday 2026-06-05 16:00 BST + 120 → Monday 10:00 BST.
    expect(iso(cal().add(new Date('2026-06-05T15:00:00Z'), 120))).toBe('2026-06-08T09:00:00.000Z');
  });

  it('skips holidays, once-only and yearly', () => {
    const c = cal({ holidays: [{ date: '2026-06-02', name: 'Company day', yearly: false }, { date: '2020-06-03', name: 'Founders', yearly: true }] });
    // Monday 16:00 BST + 120 → Tue and Wed are holidays → Thursday 10:00 BST.
    expect(iso(c.add(new Date('2026-06-01T15:00:00Z'), 120))).toBe('2026-06-04T09:00:00.000Z');
    // A once-only holiday in another year is a working day.
    expect(c.isOpen(new Date('2027-06-02T10:00:00Z'))).toBe(true);
    expect(c.isOpen(new Date('2027-06-03T10:00:00Z'))).toBe(false);
  });

  it('keeps wall-clock hours across DST changes', () => {
    // London springs forward Sunday 2026-03-29. Friday 27th 16:00 GMT (16:00Z) + 120 → Monday 30th 10:00 BST = 09:00Z.
    expect(iso(cal().add(new Date('2026-03-27T16:00:00Z'), 120))).toBe('2026-03-30T09:00:00.000Z');
    // New York falls back Sunday 2026-11-01; a 24/7 calendar counts real minutes (25 hours that Sunday).
    const ny = new BusinessCalendar({ timeZone: 'America/New_York', week: ALWAYS_OPEN, holidays: [] });
    expect(ny.between(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T05:00:00Z')) / min).toBe(25 * 60);
    expect(iso(ny.add(new Date('2026-11-01T04:00:00Z'), 25 * 60))).toBe('2026-11-02T05:00:00.000Z');
  });

  it('handles overnight hours (22:00–06:00) belonging to the day they start', () => {
    const night = [{ start: '22:00', end: '06:00' }];
    const c = new BusinessCalendar({ timeZone: 'UTC', week: { mon: night, tue: night, wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] });
    // Monday 23:00 + 240 → Tuesday 03:00.
    expect(iso(c.add(new Date('2026-06-01T23:00:00Z'), 240))).toBe('2026-06-02T03:00:00.000Z');
    // Tuesday 05:00 + 120: one hour left of Monday's night, then Tuesday 22:00 + 60 → 23:00.
    expect(iso(c.add(new Date('2026-06-02T05:00:00Z'), 120))).toBe('2026-06-02T23:00:00.000Z');
    // Tuesday's night runs into Wednesday (no hours of its own).
    expect(c.isOpen(new Date('2026-06-03T05:59:00Z'))).toBe(true);
    expect(c.isOpen(new Date('2026-06-03T06:00:00Z'))).toBe(false);
  });

  it('counts 24/7 as plain elapsed time', () => {
    const c = new BusinessCalendar({ timeZone: 'Europe/Berlin', week: ALWAYS_OPEN, holidays: [] });
    expect(iso(c.add(new Date('2026-06-01T10:00:00Z'), 3 * 24 * 60))).toBe('2026-06-04T10:00:00.000Z');
    expect(c.between(new Date('2026-06-01T10:00:00Z'), new Date('2026-06-01T10:30:00Z'))).toBe(30 * min);
  });

  it('adding zero returns the instant itself; fractional minutes keep seconds', () => {
    expect(iso(cal().add(new Date('2026-06-06T10:00:00Z'), 0))).toBe('2026-06-06T10:00:00.000Z');
    expect(iso(cal().add(new Date('2026-06-01T09:00:00Z'), 1.5))).toBe('2026-06-01T09:01:30.000Z');
  });

  it('merges overlapping intervals of a day', () => {
    const c = new BusinessCalendar({ timeZone: 'UTC', week: { ...weekdays, mon: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] }, holidays: [] });
    expect(c.between(new Date('2026-06-01T00:00:00Z'), new Date('2026-06-02T00:00:00Z')) / min).toBe(240);
  });

  it('refuses a calendar without any open hour instead of looping', () => {
    const c = new BusinessCalendar({ timeZone: 'UTC', week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] });
    expect(() => c.add(new Date('2026-06-01T00:00:00Z'), 10)).toThrow(/no business hours/);
  });
});

describe('business hours: minutes between two instants', () => {
  it('counts only open time', () => {
    // Monday 08:00 BST → Tuesday 10:00 BST: Monday 8h + Tuesday 1h.
    expect(cal().between(new Date('2026-06-01T07:00:00Z'), new Date('2026-06-02T09:00:00Z')) / min).toBe(9 * 60);
    // Friday 16:00 → Monday 10:00 BST: 2h.
    expect(cal().between(new Date('2026-06-05T15:00:00Z'), new Date('2026-06-08T09:00:00Z')) / min).toBe(120);
  });

  it('is zero for reversed or closed spans', () => {
    expect(cal().between(new Date('2026-06-02T09:00:00Z'), new Date('2026-06-01T09:00:00Z'))).toBe(0);
    expect(cal().between(new Date('2026-06-06T09:00:00Z'), new Date('2026-06-07T20:00:00Z'))).toBe(0);
  });

  it('inverts add over a long span', () => {
    const c = cal({ holidays: [{ date: '2026-12-25', name: 'Christmas', yearly: true }] });
    const from = new Date('2026-12-20T13:17:00Z');
    for (const m of [1, 59, 480, 481, 5000, 20_000]) expect(c.between(from, c.add(from, m)) / min).toBeCloseTo(m, 6);
  });
});
