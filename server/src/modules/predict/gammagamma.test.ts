import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedSpend, fitGammaGamma, gammaGammaLogLik } from './gammagamma.ts';

/** The papers' CDNOW summary with each customer's repeat transactions and their mean value (zbar, dollars). */
function cdnow(): { x: number; m: number }[] {
  const lines = readFileSync(new URL('../../../../../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [, x, , , zbar] = l.split(',');
    return { x: Number(x), m: Number(zbar) };
  });
}

describe('Gamma-Gamma on the CDNOW sample', () => {
  const rows = cdnow();
  const repeat = rows.filter((r) => r.x > 0);
  const data = { x: repeat.map((r) => r.x), m: repeat.map((r) => r.m) };

  // Oracle: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
  // JMR 42(4), and Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (brucehardie.com/notes/025):
  // p = 6.25, q = 3.74, γ = 15.44 on the 946 CDNOW sample customers with at least one repeat purchase.
  it('fits the published parameters', () => {
    expect(repeat.length).toBe(946);
    const fit = fitGammaGamma(data);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    // This file's zbar is rounded to cents, which moves γ in the third digit (15.448); the end-to-end test on the
    // raw transactions (clv.cdnow.int.test.ts) matches 15.44 and the log-likelihood exactly.
    expect(Math.abs(fit.params.gamma - 15.44)).toBeLessThan(0.01);
    // Oracle: CLVTools' correctness test for its Gamma-Gamma fit on CDNOW (bachmannpatrick/CLVTools, tests/testthat):
    // LL = −4055.9177 at the MLE on the exact transaction values.
    expect(Math.abs(fit.logLik - -4055.9177)).toBeLessThan(0.01);
    expect(fit.converged).toBe(true);
    expect(fit.se).not.toBeNull();
    // The maximum: nudging any parameter lowers the likelihood.
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(gammaGammaLogLik({ ...fit.params, [k]: fit.params[k] * 1.01 }, data)).toBeLessThan(fit.logLik);
      expect(gammaGammaLogLik({ ...fit.params, [k]: fit.params[k] * 0.99 }, data)).toBeLessThan(fit.logLik);
    }
  });

  // Oracle: Hardie's Gamma-Gamma spreadsheet (brucehardie.com/notes/025/), as checked in lifetimes' test suite
  // (CamDavidsonPilon/lifetimes, lifetimes/tests/test_estimation.py, test_conditional_expected_average_profit):
  // E(M | x, m̄) of the first ten customers of the summary, at p = 6.25, q = 3.74, γ = 15.44.
  it('gives the published conditional expected average spend of the first ten customers', () => {
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const par = { p: 6.25, q: 3.74, gamma: 15.44 };
    rows.slice(0, 10).forEach((r, i) => expect(Math.abs(expectedSpend(par, r.x, r.m) - expected[i]!)).toBeLessThan(0.1));
  });

  it('has no finite population mean when q ≤ 1', () => {
    expect(expectedSpend({ p: 1, q: 0.9, gamma: 10 }, 2, 30)).toBeNaN();
  });
});

describe('Gamma-Gamma gradient', () => {
  it('matches central differences of the log-likelihood', async () => {
    const { gammaGammaLogLikGrad } = await import('./gammagamma.ts');
    const data = { x: [1, 2, 2, 5, 9], m: [12.5, 30, 8.2, 41, 19.99] };
    const p = { p: 3.1, q: 2.7, gamma: 14 };
    const { ll, grad } = gammaGammaLogLikGrad(p, data);
    expect(ll).toBeCloseTo(gammaGammaLogLik(p, data), 10);
    (['p', 'q', 'gamma'] as const).forEach((k, i) => {
      const h = 1e-6 * p[k];
      const num = (gammaGammaLogLik({ ...p, [k]: p[k] + h }, data) - gammaGammaLogLik({ ...p, [k]: p[k] - h }, data)) / (2 * h);
      expect(grad[i]).toBeCloseTo(num, 5);
    });
  });
});
