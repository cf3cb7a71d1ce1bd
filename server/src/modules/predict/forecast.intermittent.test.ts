import { describe, expect, it } from 'vitest';
import { adi, fitSba, fitTsb, flatForecast, naiveWithIntervals, runSba, runTsb } from './forecast.intermittent.ts';
import { normalQuantile } from './forecast.model.ts';

const z = normalQuantile(0.975);

describe('Croston–SBA, checked by hand', () => {
  it('α = ½ on 0, 3, 0, 0, 5 (z₀ = 4 the mean sale, p₀ = 2.5 weeks per sale)', () => {
    // k = 1 − α/2 = .75. t1: ŷ = .75·4/2.5 = 1.2; no sale, q = 2. t2: ŷ = 1.2; sale 3 → z = 3.5, p = 2.5 + .5(2 − 2.5) = 2.25.
    // t3, t4: ŷ = .75·3.5/2.25 = 1.1667 (q = 2, 3). t5: ŷ = 1.1667; sale 5 → z = 4.25, p = 2.25 + .5(3 − 2.25) = 2.625.
    const r = runSba([0, 3, 0, 0, 5], 0.5);
    expect(r.fitted[0]).toBeCloseTo(1.2, 12);
    expect(r.fitted[1]).toBeCloseTo(1.2, 12);
    for (const i of [2, 3, 4]) expect(r.fitted[i]).toBeCloseTo(0.75 * 3.5 / 2.25, 12);
    expect(r.rate).toBeCloseTo(0.75 * 4.25 / 2.625, 12);
    expect(r.sse).toBeCloseTo(1.44 + 1.8 ** 2 + 2 * (7 / 6) ** 2 + (5 - 7 / 6) ** 2, 10);
  });

  it('α is chosen on the grid by one-step SSE, and a steady rate is forecast flat', () => {
    const y = Array.from({ length: 48 }, (_, t) => (t % 3 === 2 ? 6 : 0));
    const f = fitSba(y);
    const best = Math.min(...[0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5].map((a) => runSba(y, a).sse));
    expect(runSba(y, f.params.alpha!).sse).toBe(best);
    // Sizes 6 every 3 weeks: z/p = 2, SBA's bias correction takes α/2 off.
    expect(f.rate).toBeCloseTo(2 * (1 - f.params.alpha! / 2), 6);
  });
});

describe('TSB, checked by hand', () => {
  it('α = ½, β = .2 on 0, 3, 0, 0, 5 (z₀ = 4, d₀ = .4)', () => {
    // t1: ŷ = 1.6; no sale → d = .32. t2: ŷ = 1.28; sale 3 → d = .456, z = 3.5. t3: ŷ = 1.596 → d = .3648.
    // t4: ŷ = 1.2768 → d = .29184. t5: ŷ = 1.02144; sale 5 → d = .433472, z = 4.25. Rate = .433472 · 4.25.
    const r = runTsb([0, 3, 0, 0, 5], 0.5, 0.2);
    const want = [1.6, 1.28, 1.596, 1.2768, 1.02144];
    want.forEach((w, i) => expect(r.fitted[i]).toBeCloseTo(w, 12));
    expect(r.rate).toBeCloseTo(0.433472 * 4.25, 12);
    expect(r.sse).toBeCloseTo(want.reduce((s, w, i) => s + ([0, 3, 0, 0, 5][i]! - w) ** 2, 0), 10);
  });

  it('a product that stopped selling: TSB’s rate decays towards 0, Croston’s stays where the last sale left it', () => {
    const y = [...new Array<number>(20).fill(5), ...new Array<number>(12).fill(0)];
    const tsb = fitTsb(y);
    const sba = fitSba(y);
    expect(tsb.rate).toBeLessThan(0.2 * sba.rate);
    // From d₀ = 1, z₀ = 5: 20 sales of 5 change nothing, then each of the 12 empty weeks takes 20% off d.
    expect(runTsb(y, 0.5, 0.2, { size: 5, prob: 1 }).rate).toBeCloseTo(5 * 0.8 ** 12, 12);
  });
});

describe('intervals', () => {
  it('flat forecasts: σ²(1 + (h − 1)a²)', () => {
    const f = flatForecast(2, 4, 0.5, 3);
    expect(f.mean).toEqual([2, 2, 2]);
    expect(f.upper[0]! - 2).toBeCloseTo(z * 2, 10);
    expect(f.upper[2]! - 2).toBeCloseTo(z * Math.sqrt(4 * 1.5), 10);
    expect(f.lower[1]!).toBeCloseTo(2 - z * Math.sqrt(4 * 1.25), 10);
  });

  it('naive: a random walk, variance h·σ² with σ² the mean squared weekly change', () => {
    // Changes 2, −1, 2: σ² = 3.
    const f = naiveWithIntervals([1, 3, 2, 4], 2, 52);
    expect(f.kind).toBe('naive');
    expect(f.mean).toEqual([4, 4]);
    expect(f.upper[0]! - 4).toBeCloseTo(z * Math.sqrt(3), 10);
    expect(f.upper[1]! - 4).toBeCloseTo(z * Math.sqrt(6), 10);
  });

  it('seasonal naive: the same week a season ago, variance growing once per season', () => {
    // m = 2, changes over 2 weeks all 1: σ² = 1.
    const f = naiveWithIntervals([1, 3, 2, 4, 3, 5], 4, 2);
    expect(f.kind).toBe('seasonal-naive');
    expect(f.mean).toEqual([3, 5, 3, 5]);
    expect(f.upper[1]! - 5).toBeCloseTo(z, 10);
    expect(f.upper[2]! - 3).toBeCloseTo(z * Math.SQRT2, 10);
  });
});

it('ADI: weeks per week with a sale', () => {
  expect(adi([1, 0, 2, 0])).toBe(2);
  expect(adi([1, 1, 1])).toBe(1);
  expect(adi([0, 0])).toBe(Infinity);
});
