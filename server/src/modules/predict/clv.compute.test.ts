import { describe, expect, it } from 'vitest';
import { conditionalExpected, pAlive } from './bgnbd.ts';
import { conditionalByFrequency, frequencyHistogram, nextOrderDays, scorePairs, tracking } from './clv.compute.ts';

// The CDNOW parameters (Fader, Hardie & Lee 2005), in weeks.
const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('per-customer predictions', () => {
  it('the next-order day is when an order becomes more likely than not', () => {
    const [x, T] = [4, 30];
    const pa = pAlive(P, x, 28, T);
    const days = nextOrderDays(P, x, T, pa, 7)!;
    expect(days).toBeGreaterThan(0);
    // P(order by T+s) = P(alive)·(1 − ((α+T)/(α+T+s))^(r+x)) crosses ½ at that day (to within the day's rounding).
    const prob = (d: number) => pa * (1 - ((P.alpha + T) / (P.alpha + T + d / 7)) ** (P.r + x));
    expect(prob(days)).toBeGreaterThanOrEqual(0.5);
    expect(prob(days - 1)).toBeLessThan(0.5);
  });

  it('has no next-order day when an order is never more likely than not', () => {
    expect(nextOrderDays(P, 2, 70, 0.5, 7)).toBeNull();
    expect(nextOrderDays(P, 2, 70, 0.2, 7)).toBeNull();
    // Over ten years away: none either.
    expect(nextOrderDays({ ...P, r: 0.01, alpha: 500 }, 0, 100, 0.51, 7)).toBeNull();
  });

  it('discounted expected orders are below the undiscounted ones and grow with the horizon', () => {
    const one = scorePairs(P, { x: [3], T: [300] }, { unit: 'week', horizonMonths: 12, discountRate: 0.1 });
    const free = scorePairs(P, { x: [3], T: [300] }, { unit: 'week', horizonMonths: 12, discountRate: 0 });
    const two = scorePairs(P, { x: [3], T: [300] }, { unit: 'week', horizonMonths: 24, discountRate: 0.1 });
    expect(one.disc[0]).toBeLessThan(free.disc[0]!);
    expect(two.disc[0]).toBeGreaterThan(one.disc[0]!);
    // Undiscounted over 12 months of 365.25/12 days = E[Y(365.25 days)] if alive.
    expect(free.disc[0]).toBeCloseTo(conditionalExpected(P, 365.25 / 7, 3, 0, 300 / 7) / pAlive(P, 3, 0, 300 / 7), 8);
    expect(one.e30[0]).toBeLessThan(one.e90[0]!);
    expect(one.e90[0]).toBeLessThan(one.e365[0]!);
  });

  it('scores each distinct (x, T) once', () => {
    const s = scorePairs(P, { x: [0, 0, 1, 1], T: [10, 10, 10, 20] }, { unit: 'day', horizonMonths: 3, discountRate: 0.1 });
    expect(s.x).toEqual([0, 1, 1]);
    expect(s.t).toEqual([10, 10, 20]);
  });
});

describe('diagnostics', () => {
  const groups = { x: [0, 0, 1, 2, 9], tx: [0, 0, 70, 140, 200], T: [210, 260, 260, 240, 250], n: [50, 30, 10, 6, 2], xStar: [5, 2, 4, 5, 9] };

  it('the histogram counts every customer once, actual and model', () => {
    const h = frequencyHistogram(P, groups, 'day');
    expect(h.map((b) => b.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(h.reduce((a, b) => a + b.actual, 0)).toBe(98);
    expect(h.reduce((a, b) => a + b.expected, 0)).toBeCloseTo(98, 8);
    expect(h[7]!.actual).toBe(2);
  });

  it('conditional expectations average per customer within each frequency', () => {
    const c = conditionalByFrequency(P, groups, 91, 'day');
    expect(c.find((b) => b.x === '0')).toMatchObject({ customers: 80, actual: 7 / 80 });
    expect(c.find((b) => b.x === '7+')).toMatchObject({ customers: 2, actual: 4.5 });
    for (const b of c) expect(Number.isFinite(b.expected)).toBe(true);
  });

  it('tracking accumulates actual repeats and the model from each cohort’s first purchase', () => {
    const t = tracking(P, [{ daysBefore: 70, n: 10 }, { daysBefore: 35, n: 5 }], [{ day: -60, n: 1 }, { day: -10, n: 2 }, { day: 5, n: 3 }], 14, 'week');
    expect(t[0]!.day).toBeGreaterThan(-70);
    expect(t.at(-1)).toMatchObject({ day: 14, actual: 6 });
    expect(t.some((p) => p.day === 0)).toBe(true);
    for (let i = 1; i < t.length; i++) expect(t[i]!.expected).toBeGreaterThanOrEqual(t[i - 1]!.expected);
  });
});
