import { describe, expect, it } from 'vitest';
import { chooseWinner, localSendAt, LOCAL_START_LEAD_MS, planSendTimes, scheduleProblem, splitAudience, startAtFor } from './campaigns.plan.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `0190${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`);
const campaign = '01900000-aaaa-7000-8000-000000000001';

describe('A/B split', () => {
  const ab = (k: number, testPercent: number) => ({ variants: Array.from({ length: k }, () => ({})), testPercent });

  it('is the same on every run for a campaign, whatever the order of the audience', () => {
    const audience = ids(1000);
    const a = splitAudience(campaign, audience, ab(2, 20));
    const b = splitAudience(campaign, [...audience].reverse(), ab(2, 20));
    expect(b).toEqual(a);
    // Another campaign draws another sample.
    const other = splitAudience('01900000-bbbb-7000-8000-000000000002', audience, ab(2, 20));
    expect(other.test.map((t) => t.customerId)).not.toEqual(a.test.map((t) => t.customerId));
  });

  it('takes the test share and splits it evenly among the variants; the rest is held', () => {
    const s = splitAudience(campaign, ids(1001), ab(3, 30));
    expect(s.test).toHaveLength(300);
    expect(s.held).toHaveLength(701);
    const counts = ['A', 'B', 'C'].map((k) => s.test.filter((t) => t.variant === k).length);
    expect(counts).toEqual([100, 100, 100]);
    const odd = splitAudience(campaign, ids(1000), ab(3, 10));
    const c = ['A', 'B', 'C'].map((k) => odd.test.filter((t) => t.variant === k).length);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    expect(c.reduce((x, y) => x + y, 0)).toBe(100);
    // Nobody twice, nobody lost.
    expect(new Set([...s.test.map((t) => t.customerId), ...s.held]).size).toBe(1001);
  });

  it('is random, not the first customers by id', () => {
    const s = splitAudience(campaign, ids(1000), ab(2, 10));
    const positions = s.test.map((t) => Number(t.customerId.slice(4, 8)));
    expect(Math.max(...positions)).toBeGreaterThan(500);
    expect(Math.min(...positions)).toBeLessThan(500);
  });

  it('puts at least one recipient in each variant, and 100 % means no held group', () => {
    expect(splitAudience(campaign, ids(10), ab(3, 1)).test).toHaveLength(3);
    const all = splitAudience(campaign, ids(10), ab(2, 100));
    expect(all.test).toHaveLength(10);
    expect(all.held).toEqual([]);
    expect(splitAudience(campaign, ids(5), null)).toEqual({ test: ids(5).map((customerId) => ({ customerId, variant: '' })), held: [] });
  });
});

describe('winner', () => {
  const r = (key: string, sent: number, opened: number, clicked: number, revenueMinor: number) => ({ key, sent, opened, clicked, revenueMinor });

  it('is the best rate of the chosen metric per message sent', () => {
    const results = [r('A', 100, 30, 5, 10_000), r('B', 100, 25, 9, 4_000), r('C', 50, 10, 2, 9_000)];
    expect(chooseWinner(results, 'opens')).toBe('A');
    expect(chooseWinner(results, 'clicks')).toBe('B');
    expect(chooseWinner(results, 'revenue')).toBe('C'); // 180 per recipient beats 100
  });

  it('goes to A on a tie or when nothing happened', () => {
    expect(chooseWinner([r('A', 100, 20, 0, 0), r('B', 50, 10, 0, 0)], 'opens')).toBe('A');
    expect(chooseWinner([r('A', 0, 0, 0, 0), r('B', 0, 0, 0, 0)], 'clicks')).toBe('A');
    expect(chooseWinner([r('A', 10, 0, 0, 0), r('B', 0, 0, 0, 0)], 'revenue')).toBe('A');
  });
});

describe('local time', () => {
  it('is the same wall time in each zone, across DST change days', () => {
    // London springs forward on 2026-03-29 (GMT → BST): 10:00 is 09:00Z that day, 10:00Z the day before.
    expect(localSendAt('2026-03-28', '10:00', 'Europe/London').toISOString()).toBe('2026-03-28T10:00:00.000Z');
    expect(localSendAt('2026-03-29', '10:00', 'Europe/London').toISOString()).toBe('2026-03-29T09:00:00.000Z');
    // A time skipped by the jump goes at the same clock time after it.
    expect(localSendAt('2026-03-29', '01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // New York falls back on 2026-11-01 (EDT → EST): 10:00 is 15:00Z; a repeated 01:30 is its first occurrence.
    expect(localSendAt('2026-11-01', '10:00', 'America/New_York').toISOString()).toBe('2026-11-01T15:00:00.000Z');
    expect(localSendAt('2026-10-31', '10:00', 'America/New_York').toISOString()).toBe('2026-10-31T14:00:00.000Z');
    expect(localSendAt('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(localSendAt('2026-06-01', '10:00', 'Asia/Kolkata').toISOString()).toBe('2026-06-01T04:30:00.000Z');
  });

  it("gives each recipient their zone's time, the store's when unknown, and at once where it has passed", () => {
    const schedule = { mode: 'local', date: '2026-11-01', time: '10:00' } as const;
    const now = new Date('2026-11-01T12:00:00Z'); // after 10:00 in London, before 10:00 in New York and LA
    const out = planSendTimes(
      [
        { customerId: 'ny', timeZone: 'America/New_York' },
        { customerId: 'la', timeZone: 'America/Los_Angeles' },
        { customerId: 'london', timeZone: 'Europe/London' },
        { customerId: 'unknown', timeZone: null },
        { customerId: 'bad', timeZone: 'Mars/Olympus' },
      ],
      schedule,
      { now, storeZone: 'America/Chicago', throttlePerHour: null },
    );
    const at = Object.fromEntries(out.map((p) => [p.customerId, p.sendAfter.toISOString()]));
    expect(at).toEqual({
      ny: '2026-11-01T15:00:00.000Z',
      la: '2026-11-01T18:00:00.000Z',
      london: '2026-11-01T12:00:00.000Z',
      unknown: '2026-11-01T16:00:00.000Z', // Chicago, CST after the change
      bad: '2026-11-01T16:00:00.000Z',
    });
  });

  it('starts a little before the earliest zone, and refuses a time already past everywhere', () => {
    const s = { mode: 'local', date: '2026-03-29', time: '10:00' } as const;
    const start = startAtFor(s, new Date('2026-03-01T00:00:00Z'), ['Europe/London', 'Asia/Tokyo', 'America/New_York'], 'UTC');
    expect(start.getTime()).toBe(new Date('2026-03-29T01:00:00Z').getTime() - LOCAL_START_LEAD_MS); // 10:00 in Tokyo
    expect(scheduleProblem(s, new Date('2026-03-29T20:00:00Z'))).toBeNull(); // still before 10:00 in UTC−12
    expect(scheduleProblem(s, new Date('2026-03-30T23:00:00Z'))).toContain('already passed in every time zone');
    expect(scheduleProblem({ mode: 'at', sendAt: '2026-01-01T00:00:00Z' }, new Date('2026-02-01T00:00:00Z'))).toContain('in the past');
    expect(scheduleProblem({ mode: 'now' }, new Date())).toBeNull();
  });
});

describe('throttle', () => {
  const people = (n: number) => ids(n).map((customerId) => ({ customerId, timeZone: null }));

  it('spreads messages evenly so that no hour holds more than the limit', () => {
    const now = new Date('2026-05-01T08:00:00Z');
    const out = planSendTimes(people(250), { mode: 'now' }, { now, storeZone: 'UTC', throttlePerHour: 100 });
    const offsets = out.map((p) => (p.sendAfter.getTime() - now.getTime()) / 1000);
    expect(offsets.slice(0, 3)).toEqual([0, 36, 72]);
    expect(offsets.at(-1)).toBe(249 * 36);
    for (let h = 0; h < 3; h++) expect(offsets.filter((o) => o >= h * 3600 && o < (h + 1) * 3600).length).toBeLessThanOrEqual(100);
  });

  it('never sends before a recipient’s local time, and spaces those that share it', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const out = planSendTimes(
      [{ customerId: 'a', timeZone: 'Europe/Paris' }, { customerId: 'b', timeZone: 'Asia/Tokyo' }, { customerId: 'c', timeZone: 'Europe/Paris' }],
      { mode: 'local', date: '2026-06-01', time: '09:00' },
      { now, storeZone: 'UTC', throttlePerHour: 60 },
    );
    expect(out.map((p) => [p.customerId, p.sendAfter.toISOString()])).toEqual([
      ['b', '2026-06-01T00:00:00.000Z'],
      ['a', '2026-06-01T07:00:00.000Z'],
      ['c', '2026-06-01T07:01:00.000Z'],
    ]);
  });

  it('without a limit everyone goes at the chosen time, never in the past', () => {
    const now = new Date('2026-05-01T08:00:00Z');
    const later = planSendTimes(people(3), { mode: 'at', sendAt: '2026-05-02T09:00:00+02:00' }, { now, storeZone: 'UTC', throttlePerHour: null });
    expect(later.map((p) => p.sendAfter.toISOString())).toEqual(Array(3).fill('2026-05-02T07:00:00.000Z'));
  });
});
