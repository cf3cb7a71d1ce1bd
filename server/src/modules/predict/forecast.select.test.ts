import { describe, expect, it } from 'vitest';
import { smape } from './forecast.model.ts';
import { backtest, membersFor, selectForecast } from './forecast.select.ts';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('candidates', () => {
  it('intermittent series (ADI > 1.32) get SES, Croston–SBA and TSB; regular ones SES, damped Holt and, with two seasons, Holt–Winters', () => {
    const sparse = Array.from({ length: 40 }, (_, t) => (t % 2 ? 0 : 3));
    expect(membersFor(sparse, 52, true)).toEqual(['ses', 'croston-sba', 'tsb']);
    expect(membersFor(sparse, 52, false)).toEqual(['ses', 'holt-damped']);
    expect(membersFor(new Array<number>(40).fill(5), 52, true)).toEqual(['ses', 'holt-damped']);
    expect(membersFor(new Array<number>(120).fill(5), 52, true)).toEqual(['ses', 'holt-damped', 'hw-damped']);
  });
});

describe('selection on held-out weeks', () => {
  it('the winner is the lowest mean held-out sMAPE, naive included, and is what gets fitted', () => {
    const u = rng(5);
    const y = Array.from({ length: 52 }, (_, t) => 20 + 0.4 * t + 6 * (u() - 0.5));
    const s = selectForecast(y, 52)!;
    const scores = Object.entries(s.scores);
    expect(scores.map(([k]) => k).sort()).toEqual(['combination', 'holt-damped', 'naive', 'ses']);
    const min = Math.min(...scores.map(([, v]) => v));
    expect(s.scores[s.model.method]).toBe(min);
  });

  it('a product that stopped selling gets the naive forecast: 0, which no smoothing model matches on the weeks held out', () => {
    const y = [...Array.from({ length: 30 }, (_, t) => 8 + (t % 3)), ...new Array<number>(22).fill(0)];
    const s = selectForecast(y, 52)!;
    expect(s.model.method).toBe('naive');
    expect(s.scores.naive).toBe(0);
    const f = s.model.forecast(4);
    expect(f.mean).toEqual([0, 0, 0, 0]);
    expect(f.upper.every((v) => v >= 0)).toBe(true);
  });

  it('a product selling 3 weeks in 4 whose last week before each origin was empty: the smoothing rate beats naive’s zeros', () => {
    const y = Array.from({ length: 52 }, (_, t) => (t % 4 === 3 ? 0 : 4 + (t % 3)));
    expect(membersFor(y, 52, true)).toEqual(['ses', 'croston-sba', 'tsb']);
    const s = selectForecast(y, 52)!;
    // Naive forecasts 0 for 8 weeks with sales in 6 of them: 150%.
    expect(s.scores.naive).toBeCloseTo(150, 6);
    expect(['ses', 'croston-sba', 'tsb', 'combination']).toContain(s.model.method);
    expect(s.model.forecast(1).mean[0]!).toBeGreaterThan(2);
  });

  it('naive wins only when strictly better: a constant series keeps SES', () => {
    const s = selectForecast(new Array<number>(30).fill(7), 52)!;
    expect(s.model.method).toBe('ses');
  });

  it('a combination forecasts the average of its members', () => {
    const u = rng(9);
    const y = Array.from({ length: 60 }, (_, t) => 30 + 10 * Math.sin(t / 3) + 8 * (u() - 0.5));
    const s = selectForecast(y, 52, { withoutNaive: true })!;
    expect(s.scores.combination).toBeDefined();
    if (s.model.method === 'combination') expect(s.model.members).toEqual(['ses', 'holt-damped']);
  });

  it('too short to hold weeks out: chosen without scoring, never naive', () => {
    const s = selectForecast([4, 5, 4, 6, 5], 52)!;
    expect(s.model.method).toBe('ses');
    expect(s.scores).toEqual({});
    expect(selectForecast([1, 2, 3], 52)).toBeNull();
  });

  it('the backtest chooses on the weeks before the holdout only: changing the held-out weeks changes the score, not the choice', () => {
    const u = rng(2);
    const y = Array.from({ length: 52 }, () => 10 + 4 * u());
    const a = backtest(y, 8, 52)!;
    const b = backtest([...y.slice(0, 44), ...new Array<number>(8).fill(100)], 8, 52)!;
    expect(b.method).toBe(a.method);
    expect(b.forecast).toEqual(a.forecast);
    expect(a.smape).toBeCloseTo(smape(y.slice(44), a.forecast), 10);
    expect(b.smape).not.toBeCloseTo(a.smape, 3);
    a.forecast.forEach((f, i) => {
      expect(a.lower[i]!).toBeGreaterThanOrEqual(0);
      expect(a.lower[i]!).toBeLessThanOrEqual(f);
      expect(a.upper[i]!).toBeGreaterThanOrEqual(f);
    });
  });
});
