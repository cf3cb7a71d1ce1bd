import { describe, expect, it } from 'vitest';
import { nextLocalTime, wallTime, zonedToUtc, zoneOr } from './zoned.ts';

describe('zoned time', () => {
  it('converts wall time to UTC on both sides of DST changes', () => {
    expect(zonedToUtc({ year: 2026, month: 3, day: 28, hour: 9, minute: 0 }, 'Europe/London').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 9, minute: 0 }, 'Europe/London').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(zonedToUtc({ year: 2026, month: 11, day: 1, hour: 9, minute: 0 }, 'America/New_York').toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(zonedToUtc({ year: 2026, month: 10, day: 31, hour: 9, minute: 0 }, 'America/New_York').toISOString()).toBe('2026-10-31T13:00:00.000Z');
    expect(zonedToUtc({ year: 2026, month: 6, day: 1, hour: 23, minute: 30 }, 'Asia/Kolkata').toISOString()).toBe('2026-06-01T18:00:00.000Z');
  });

  it('maps a skipped spring-forward time after the jump and a repeated autumn time to its first occurrence', () => {
    // New York 2026-03-08: 02:00 → 03:00.
    expect(zonedToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // New York 2026-11-01: 01:30 happens twice (EDT then EST); the first is 05:30Z.
    expect(zonedToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('finds the next local time of day', () => {
    const after = new Date('2026-03-28T22:00:00Z'); // 22:00 London (GMT)
    expect(nextLocalTime(after, '08:00', 'Europe/London').toISOString()).toBe('2026-03-29T07:00:00.000Z'); // BST by then
    expect(nextLocalTime(new Date('2026-03-28T07:00:00Z'), '08:00', 'Europe/London').toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(wallTime(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toMatchObject({ hour: 14, minute: 0 });
  });

  it('falls back on a bad zone', () => {
    expect(zoneOr('Mars/Olympus', 'UTC')).toBe('UTC');
    expect(zoneOr(null, 'Europe/Paris')).toBe('Europe/Paris');
    expect(zoneOr('Asia/Tokyo', 'UTC')).toBe('Asia/Tokyo');
  });
});
