import { describe, expect, it } from 'vitest';
import { chooseModel, fitEts, forecastEts, naiveForecast, nelderMead, normalQuantile, runEts, smape, type EtsFit } from './forecast.model.ts';
import { backtest } from './forecast.select.ts';

/** A seeded PRNG (mulberry32) and Box–Muller normals, so the simulations are reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, normal: () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u()) };
}

describe('recursions, checked by hand', () => {
  it('SES: α = ½, ℓ₀ = 10 on 12, 8, 10', () => {
    // ℓ₁ = 10 + ½·2 = 11 (e = 2); ℓ₂ = 11 + ½·(−3) = 9.5 (e = −3); ℓ₃ = 9.5 + ½·0.5 = 9.75 (e = 0.5). SSE = 4 + 9 + 0.25.
    const r = runEts([12, 8, 10], 'ses', { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, { level: 10, trend: 0, season: [] });
    expect(r.fitted).toEqual([10, 11, 9.5]);
    expect(r.sse).toBeCloseTo(13.25, 12);
    expect(r.final.level).toBeCloseTo(9.75, 12);
  });

  it('damped Holt: α = .5, β = .2, φ = .9, ℓ₀ = 9, b₀ = 1 on 10, 12, 13', () => {
    // t1: ŷ = 9 + .9 = 9.9, e = .1, ℓ = 9.95, b = .92
    // t2: ŷ = 9.95 + .828 = 10.778, e = 1.222, ℓ = 11.389, b = 1.0724
    // t3: ŷ = 11.389 + .96516 = 12.35416, e = .64584, ℓ = 12.67708, b = 1.094328
    const p = { alpha: 0.5, beta: 0.2, gamma: 0, phi: 0.9 };
    const r = runEts([10, 12, 13], 'holt-damped', p, { level: 9, trend: 1, season: [] });
    expect(r.fitted[2]).toBeCloseTo(12.35416, 10);
    expect(r.sse).toBeCloseTo(0.01 + 1.222 ** 2 + 0.64584 ** 2, 10);
    expect(r.final.level).toBeCloseTo(12.67708, 10);
    expect(r.final.trend).toBeCloseTo(1.094328, 10);
    const fit: EtsFit = { method: 'holt-damped', period: 0, params: p, initial: { level: 9, trend: 1, season: [] }, final: r.final, n: 3, sse: r.sse, sigma2: 1, aicc: 0, k: 5 };
    const f = forecastEts(fit, 2);
    expect(f.mean[0]).toBeCloseTo(12.67708 + 0.9 * 1.094328, 10);
    expect(f.mean[1]).toBeCloseTo(12.67708 + 1.71 * 1.094328, 10);
  });

  it('additive Holt–Winters, damped, m = 2: α = .5, β = .1, γ = .2, φ = .9 on 5, 3, 6, 4', () => {
    // ℓ₀ = 4, b₀ = 0, s = (1, −1). t1, t2: exact (e = 0). t3: ŷ = 5, e = 1 → ℓ = 4.5, b = .1, s₁ = 1.2.
    // t4: ŷ = 4.5 + .09 − 1 = 3.59, e = .41 → ℓ = 4.795, b = .131, s₂ = −.918.
    const p = { alpha: 0.5, beta: 0.1, gamma: 0.2, phi: 0.9 };
    const r = runEts([5, 3, 6, 4], 'hw-damped', p, { level: 4, trend: 0, season: [1, -1] });
    expect(r.sse).toBeCloseTo(1 + 0.41 ** 2, 12);
    expect(r.final.season[0]).toBeCloseTo(1.2, 12);
    expect(r.final.season[1]).toBeCloseTo(-0.918, 12);
    const fit: EtsFit = { method: 'hw-damped', period: 2, params: p, initial: { level: 4, trend: 0, season: [1, -1] }, final: r.final, n: 4, sse: r.sse, sigma2: 1, aicc: 0, k: 7 };
    const f = forecastEts(fit, 2);
    expect(f.mean[0]).toBeCloseTo(4.795 + 0.9 * 0.131 + 1.2, 10);
    expect(f.mean[1]).toBeCloseTo(4.795 + 1.71 * 0.131 - 0.918, 10);
  });
});

describe('prediction intervals', () => {
  it('SES: the h-step variance is σ²(1 + (h − 1)α²), the closed form of Hyndman et al. (2008), Table 6.1', () => {
    const fit: EtsFit = { method: 'ses', period: 0, params: { alpha: 0.3, beta: 0, gamma: 0, phi: 1 }, initial: { level: 0, trend: 0, season: [] }, final: { level: 100, trend: 0, season: [] }, n: 50, sse: 0, sigma2: 4, aicc: 0, k: 2 };
    const f = forecastEts(fit, 5);
    for (let h = 1; h <= 5; h++) expect(f.upper[h - 1]! - 100).toBeCloseTo(normalQuantile(0.975) * Math.sqrt(4 * (1 + (h - 1) * 0.09)), 9);
  });

  it('damped Holt: the 95% interval matches simulated paths of the same model (Monte Carlo, 20,000 paths)', () => {
    const p = { alpha: 0.4, beta: 0.1, gamma: 0, phi: 0.9 };
    const fit: EtsFit = { method: 'holt-damped', period: 0, params: p, initial: { level: 0, trend: 0, season: [] }, final: { level: 50, trend: 2, season: [] }, n: 50, sse: 0, sigma2: 9, aicc: 0, k: 5 };
    const H = 8;
    const f = forecastEts(fit, H);
    const r = rng(42);
    const paths: number[][] = Array.from({ length: H }, () => []);
    for (let i = 0; i < 20_000; i++) {
      let l = 50;
      let b = 2;
      for (let h = 0; h < H; h++) {
        const e = 3 * r.normal();
        const lt = l + p.phi * b;
        paths[h]!.push(lt + e);
        l = lt + p.alpha * e;
        b = p.phi * b + p.beta * e;
      }
    }
    for (let h = 0; h < H; h++) {
      const s = paths[h]!.sort((a, b) => a - b);
      const half = (f.upper[h]! - f.lower[h]!) / 2;
      expect(s[Math.floor(0.975 * s.length)]!).toBeGreaterThan(f.upper[h]! - 0.06 * half);
      expect(s[Math.floor(0.975 * s.length)]!).toBeLessThan(f.upper[h]! + 0.06 * half);
      expect(s[Math.floor(0.025 * s.length)]!).toBeGreaterThan(f.lower[h]! - 0.06 * half);
      expect(s[Math.floor(0.025 * s.length)]!).toBeLessThan(f.lower[h]! + 0.06 * half);
    }
  });

  it('normal quantiles: the textbook values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
  });
});

describe('fitting', () => {
  it('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], [0.5, 0.5], { maxEvals: 5000, tol: 1e-16 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('recovers α of a long series simulated from SES with α = 0.3', () => {
    const r = rng(7);
    const y: number[] = [];
    let l = 100;
    for (let t = 0; t < 2000; t++) {
      const e = 5 * r.normal();
      y.push(l + e);
      l += 0.3 * e;
    }
    const fit = fitEts(y, 'ses');
    expect(fit.params.alpha).toBeGreaterThan(0.26);
    expect(fit.params.alpha).toBeLessThan(0.34);
    expect(Math.sqrt(fit.sigma2)).toBeCloseTo(5, 0);
  });

  it('a constant series is fitted exactly and forecast flat', () => {
    const fit = fitEts(new Array<number>(30).fill(7), 'holt-damped');
    expect(fit.sse).toBeLessThan(1e-6);
    const f = forecastEts(fit, 4);
    for (const v of f.mean) expect(v).toBeCloseTo(7, 3);
  });

  it('chooses on held-out weeks among what the history allows: nothing on 3 weeks, a season only with two full ones', () => {
    expect(chooseModel([1, 2, 3], 52)).toBeNull();
    expect(chooseModel([4, 5, 4, 6, 5], 52)!.method).toBe('ses');
    const r = rng(3);
    // 3 years of weekly demand with a strong yearly season and a mild trend.
    const y = Array.from({ length: 156 }, (_, t) => 200 + 0.3 * t + 80 * Math.sin((2 * Math.PI * t) / 52) + 8 * r.normal());
    const fit = chooseModel(y, 52)!;
    expect(fit.method).toBe('hw-damped');
    const bt = backtest(y, 8, 52)!;
    expect(bt.naiveKind).toBe('seasonal-naive');
    expect(bt.smape).toBeLessThan(bt.naiveSmape);
  });
});

describe('accuracy measures', () => {
  it('sMAPE: hand values, zero weeks, never NaN', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo(50 * (20 / 210 + 40 / 380), 10);
    expect(smape([0, 0], [0, 0])).toBe(0);
    expect(smape([0, 10], [5, 10])).toBe(100);
    expect(smape([], [])).toBe(0);
  });

  it('naive: seasonal when a season of history exists, else the last week', () => {
    expect(naiveForecast([1, 2, 3, 4, 5], 3, 4)).toEqual({ kind: 'seasonal-naive', mean: [2, 3, 4] });
    expect(naiveForecast([1, 2, 3], 3, 52)).toEqual({ kind: 'naive', mean: [3, 3, 3] });
  });
});

describe('the optimiser’s objective', () => {
  it('sseEts gives the same SSE as runEts', async () => {
    const { sseEts } = await import('./forecast.model.ts');
    const y = [5, 3, 6, 4, 7, 2, 8, 5];
    const p = { alpha: 0.4, beta: 0.1, gamma: 0.2, phi: 0.9 };
    const init = { level: 4, trend: 0.2, season: [1, -1] };
    expect(sseEts(y, true, p.alpha, p.beta, p.gamma, p.phi, init.level, init.trend, init.season)).toBeCloseTo(runEts(y, 'hw-damped', p, init).sse, 12);
    expect(sseEts(y, false, 0.3, 0, 0, 1, 5, 0, [])).toBeCloseTo(runEts(y, 'ses', { alpha: 0.3, beta: 0, gamma: 0, phi: 1 }, { level: 5, trend: 0, season: [] }).sse, 12);
  });
});
