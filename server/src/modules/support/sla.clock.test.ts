import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type WeekHours } from './hours.ts';
import { computeClock, pauses } from './sla.clock.ts';

const day = [{ start: '09:00', end: '17:00' }];
const week: WeekHours = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] };
const cal = new BusinessCalendar({ timeZone: 'UTC', week, holidays: [] });
const d = (s: string) => new Date(`2026-06-${s}Z`);
const base = { createdAt: d('01T09:00:00'), status: 'open', firstResponseAt: null, solvedAt: null, events: [], firstResponseTarget: 60, resolutionTarget: 480 };

describe('SLA clock', () => {
  it('runs from creation in business hours; next deadline is the first response, at risk at 75 %', () => {
    const c = computeClock(cal, base, d('01T09:10:00'));
    expect(c.firstResponse?.dueAt.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(c.firstResponse?.warnAt.toISOString()).toBe('2026-06-01T09:45:00.000Z');
    expect(c.resolution?.dueAt.toISOString()).toBe('2026-06-01T17:00:00.000Z');
    expect(c.nextDue?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(c.pausedAt).toBeNull();
  });

  it('records the first response as met or missed, then the resolution is next', () => {
    const met = computeClock(cal, { ...base, firstResponseAt: d('01T09:30:00') }, d('01T09:40:00'));
    expect(met.firstResponse).toMatchObject({ achievedMs: 30 * 60_000, met: true });
    expect(met.nextDue?.toISOString()).toBe('2026-06-01T17:00:00.000Z');
    const late = computeClock(cal, { ...base, firstResponseAt: d('01T10:30:00') }, d('01T11:00:00'));
    expect(late.firstResponse).toMatchObject({ achievedMs: 90 * 60_000, met: false });
  });

  it('pauses while pending and shifts deadlines by the business time paused', () => {
    // Pending from 10:00 to 12:00 Monday: both deadlines move two business hours later.
    const events = [{ at: d('01T10:00:00'), from: 'open', to: 'pending' }, { at: d('01T12:00:00'), from: 'pending', to: 'open' }];
    const c = computeClock(cal, { ...base, events, firstResponseAt: d('01T09:20:00') }, d('01T13:00:00'));
    expect(c.pausedMs).toBe(2 * 3600_000);
    expect(c.resolution?.dueAt.toISOString()).toBe('2026-06-02T11:00:00.000Z');
    // Paused right now: no next deadline, nothing can breach.
    const p = computeClock(cal, { ...base, status: 'pending', events: events.slice(0, 1) }, d('01T16:00:00'));
    expect(p.pausedAt?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(p.nextDue).toBeNull();
    expect(p.pausedMs).toBe(6 * 3600_000);
  });

  it('measures resolution as work until solved; a reopened ticket runs on', () => {
    const solvedEv = [{ at: d('01T15:00:00'), from: 'open', to: 'solved' }];
    const s = computeClock(cal, { ...base, status: 'solved', solvedAt: d('01T15:00:00'), events: solvedEv }, d('02T10:00:00'));
    expect(s.resolution).toMatchObject({ achievedMs: 6 * 3600_000, met: true });
    const reopened = [...solvedEv, { at: d('02T09:00:00'), from: 'solved', to: 'open' }];
    const r = computeClock(cal, { ...base, status: 'open', events: reopened }, d('02T10:00:00'));
    expect(r.resolution?.achievedMs).toBeNull();
    // 6 h worked Monday, Monday 15:00–17:00 paused (solved), so 2 h left from Tuesday 09:00.
    expect(r.resolution?.dueAt.toISOString()).toBe('2026-06-02T11:00:00.000Z');
  });

  it('derives pauses from the status history', () => {
    expect(pauses({ createdAt: d('01T09:00:00'), status: 'on_hold', events: [{ at: d('01T10:00:00'), from: 'new', to: 'on_hold' }] }))
      .toEqual([[d('01T10:00:00'), null]]);
    expect(pauses({ createdAt: d('01T09:00:00'), status: 'open', events: [] })).toEqual([]);
  });
});
