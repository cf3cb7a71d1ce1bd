import { describe, expect, it } from 'vitest';
import { buckets, divRound, granularityFor, mulDivRound, splitMonths, windows } from './analytics.dates.ts';
import { addYears } from './analytics.schemas.ts';

describe('store-day arithmetic', () => {
  it('puts the previous period and the one before it right before the range, leap days included', () => {
    expect(windows('2024-03-01', '2024-03-31')).toEqual({
      w: { from: '2024-03-01', to: '2024-03-31' }, p: { from: '2024-01-30', to: '2024-02-29' }, q: { from: '2023-12-30', to: '2024-01-29' }, days: 31,
    });
    expect(windows('2011-12-09', '2011-12-09').p).toEqual({ from: '2011-12-08', to: '2011-12-08' });
  });

  it('splits a range into whole months and the days around them', () => {
    expect(splitMonths('2011-01-01', '2011-12-31')).toEqual({ months: ['2011-01-01', '2011-12-01'], edges: [] });
    expect(splitMonths('2010-12-10', '2011-12-09')).toEqual({ months: ['2011-01-01', '2011-11-01'], edges: [['2010-12-10', '2010-12-31'], ['2011-12-01', '2011-12-09']] });
    expect(splitMonths('2011-03-05', '2011-03-20')).toEqual({ months: null, edges: [['2011-03-05', '2011-03-20']] });
    expect(splitMonths('2024-02-01', '2024-02-29')).toEqual({ months: ['2024-02-01', '2024-02-01'], edges: [] });
  });

  it('cuts buckets at the range ends; weeks start on Monday', () => {
    expect(buckets('2024-03-01', '2024-03-14', 'week')).toEqual([
      { bucket: '2024-02-26', from: '2024-03-01', to: '2024-03-03' },
      { bucket: '2024-03-04', from: '2024-03-04', to: '2024-03-10' },
      { bucket: '2024-03-11', from: '2024-03-11', to: '2024-03-14' },
    ]);
    expect(buckets('2010-12-10', '2011-02-02', 'month').map((b) => [b.from, b.to])).toEqual([['2010-12-10', '2010-12-31'], ['2011-01-01', '2011-01-31'], ['2011-02-01', '2011-02-02']]);
    expect([granularityFor(31), granularityFor(90), granularityFor(365)]).toEqual(['day', 'week', 'month']);
  });

  it('rounds money halves up, exactly, beyond 2^53 intermediate products', () => {
    expect(mulDivRound(31000, 15, 31)).toBe(15000);
    expect(mulDivRound(1, 1, 2)).toBe(1);
    expect(mulDivRound(9_000_000_000_000, 29, 31)).toBe(8_419_354_838_710);
    expect(divRound(31000, 7)).toBe(4429);
    expect(divRound(-5, 2)).toBe(-3);
    expect(divRound(1, 0)).toBeNull();
  });

  it('adds years the calendar way (29 February becomes 28 February)', () => {
    expect(addYears('2024-02-29', 5)).toBe('2029-02-28');
    expect(addYears('2015-01-01', 5)).toBe('2020-01-01');
  });
});
