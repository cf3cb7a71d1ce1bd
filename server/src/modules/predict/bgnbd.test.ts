import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BgnbdData, bgnbdLogLik, bgnbdLogLikGrad, conditionalExpected, expectedIfAlive, fitBgnbd, frequencyPmf, pAlive, unconditionalExpected, type RfGroups } from './bgnbd.ts';
import { hessian, hessianFromGradient, invertSpd, standardErrors } from './optimize.ts';
import { lnGamma } from './special.ts';

/** The papers' CDNOW calibration summary (x, t_x, T in weeks, calibration to 1997-09-30), grouped by triple. */
function cdnowGroups(): RfGroups {
  const lines = readFileSync(new URL('../../../../../shared/data/cdnow/cdnow_customers_summary.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  const counts = new Map<string, number>();
  for (const l of lines) {
    const [, x, tx, T] = l.split(',');
    const k = `${x},${tx},${T}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const g = { x: [] as number[], tx: [] as number[], T: [] as number[], n: [] as number[] };
  for (const [k, n] of counts) {
    const [x, tx, T] = k.split(',').map(Number);
    g.x.push(x!); g.tx.push(tx!); g.T.push(T!); g.n.push(n);
  }
  return g;
}

// Oracle: Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2), §4:
// r = 0.243, α = 4.414, a = 0.793, b = 2.426 and LL = −9582.4 on the 2,357-customer CDNOW sample.
const PAPER = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('special functions', () => {
  it('lnGamma matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    // The reflection branch (x < 0.5) agrees with the recurrence Γ(x+1) = xΓ(x).
    expect(lnGamma(0.243)).toBeCloseTo(lnGamma(1.243) - Math.log(0.243), 13);
    expect(lnGamma(171.5) - lnGamma(170.5)).toBeCloseTo(Math.log(170.5), 10);
  });

  it('inverts an SPD matrix and refuses a singular one', () => {
    const inv = invertSpd([[4, 2], [2, 3]])!;
    expect(inv[0]![0]).toBeCloseTo(3 / 8, 12);
    expect(inv[0]![1]).toBeCloseTo(-2 / 8, 12);
    expect(invertSpd([[1, 1], [1, 1]])).toBeNull();
    const H = hessian((u) => u[0]! ** 2 + 3 * u[0]! * u[1]! + 5 * u[1]! ** 2, [0.3, -0.2]);
    expect(H[0]![1]).toBeCloseTo(3, 5);
    expect(H[1]![1]).toBeCloseTo(10, 5);
    const G = hessianFromGradient((u) => [2 * u[0]! + 3 * u[1]!, 3 * u[0]! + 10 * u[1]!], [0.3, -0.2]);
    expect(G).toEqual([[expect.closeTo(2, 8), expect.closeTo(3, 8)], [expect.closeTo(3, 8), expect.closeTo(10, 8)]]);
  });
});

describe('BG/NBD on the CDNOW sample', () => {
  const groups = cdnowGroups();
  const data = new BgnbdData(groups);

  it('has the papers’ 2,357 customers', () => expect(data.customers).toBe(2357));

  it('gets the same standard errors from the analytic gradient as from function values', () => {
    const toP = (u: number[]) => ({ r: Math.exp(u[0]!), alpha: Math.exp(u[1]!), a: Math.exp(u[2]!), b: Math.exp(u[3]!) });
    const negLL = (u: number[]) => -bgnbdLogLik(toP(u), data);
    const grad = (u: number[]) => {
      const p = toP(u);
      const g = bgnbdLogLikGrad(p, data).grad;
      return [-g[0] * p.r, -g[1] * p.alpha, -g[2] * p.a, -g[3] * p.b];
    };
    const u = [PAPER.r, PAPER.alpha, PAPER.a, PAPER.b].map(Math.log);
    const fromValues = standardErrors(negLL, u)!;
    const fromGradient = standardErrors(negLL, u, grad)!;
    fromValues.forEach((v, i) => expect(fromGradient[i]! / v).toBeCloseTo(1, 3));
  });

  it('evaluates the published log-likelihood at the published parameters', () => {
    expect(bgnbdLogLik(PAPER, data)).toBeCloseTo(-9582.4, 0);
  });

  it('fits the published parameters and log-likelihood', () => {
    const fit = fitBgnbd(groups);
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 3);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 3);
    expect(Math.round(fit.logLik * 10) / 10).toBe(-9582.4);
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toBe(false);
    expect(fit.se).not.toBeNull();
    for (const v of Object.values(fit.se!)) expect(v).toBeGreaterThan(0);
  });

  // Oracle: Hardie's BG/NBD spreadsheet as checked in lifetimes' test suite (CamDavidsonPilon/lifetimes,
  // lifetimes/tests/test_estimation.py, test_conditional_expectation_returns_same_value_as_Hardie_excel_sheeet):
  // the paper's example customer ID 1 (x = 2, t_x = 30.43, T = 38.86) is expected to make 1.226 purchases in the next 39 weeks.
  it('gives the published conditional expectation for the example customer', () => {
    expect(conditionalExpected(PAPER, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  // Oracle: same source, test_expecatation_returns_same_value_minus_one_as_Hardie_excel_sheet: E[X(t)] at these t,
  // computed there with the unrounded maximum-likelihood parameters (so we use ours, not the 3-decimal ones).
  it('gives the published unconditional expectations E[X(t)]', () => {
    const fitted = fitBgnbd(groups).params;
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(Math.abs(unconditionalExpected(fitted, t) - expected[i]!)).toBeLessThan(6e-4));
  });

  it('P(alive) is 1 without repeat purchases and falls with time since the last one', () => {
    expect(pAlive(PAPER, 0, 0, 38)).toBe(1);
    expect(pAlive(PAPER, 3, 30, 38)).toBeGreaterThan(pAlive(PAPER, 3, 10, 38));
    expect(pAlive(PAPER, 3, 38, 38)).toBeLessThanOrEqual(1);
  });

  it('the fit histogram is a distribution that matches E[X(t)]', () => {
    const pmf = frequencyPmf(PAPER, 38.86, 400);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const mean = pmf.reduce((a, v, x) => a + v * x, 0);
    expect(mean).toBeCloseTo(unconditionalExpected(PAPER, 38.86), 4);
  });
});

describe('BG/NBD numerics at the edges', () => {
  it('stays finite and continuous at a = 1 (the paper’s 1/(a−1) singularity)', () => {
    const p = { r: 0.5, alpha: 5, a: 1, b: 2 };
    const at = expectedIfAlive(p, 52, 3, 40);
    const near = expectedIfAlive({ ...p, a: 1 + 1e-7 }, 52, 3, 40);
    expect(Number.isFinite(at)).toBe(true);
    expect(at).toBeCloseTo(near, 6);
  });

  it('stays finite for heavy buyers (x = 500) where the raw ₂F₁ overflows', () => {
    const v = conditionalExpected(PAPER, 52, 500, 77, 78);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  });

  it('stays finite when a and b run to their bounds (no dropout heterogeneity), where the series would overflow', () => {
    const p = { r: 0.73, alpha: 38, a: 113_104, b: 162_736 };
    for (const t of [1, 30, 365, 3650]) {
      const v = unconditionalExpected(p, t);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    // With a/(a+b) fixed and a, b → ∞ the model tends to a fixed dropout probability: the result moves smoothly.
    expect(unconditionalExpected(p, 365)).toBeCloseTo(unconditionalExpected({ ...p, a: p.a * 2, b: p.b * 2 }, 365), 3);
  });

  it('agrees with a direct evaluation of the paper’s formula where that is safe', () => {
    const p = { r: 0.7, alpha: 8, a: 1.6, b: 3.1 };
    const x = 3, T = 30, t = 20;
    const z = t / (p.alpha + T + t);
    let f = 1, term = 1;
    for (let n = 0; n < 2000; n++) { term *= ((p.r + x + n) * (p.b + x + n) * z) / ((p.a + p.b + x - 1 + n) * (n + 1)); f += term; }
    const direct = ((p.a + p.b + x - 1) / (p.a - 1)) * (1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * f);
    expect(expectedIfAlive(p, t, x, T)).toBeCloseTo(direct, 9);
  });
});

describe('BG/NBD gradient', () => {
  it('matches central differences of the log-likelihood', async () => {
    const { bgnbdLogLikGrad } = await import('./bgnbd.ts');
    const groups = { x: [0, 1, 2, 5, 3], tx: [0, 3.2, 10, 30, 12], T: [20, 30, 38, 40, 39], n: [10, 4, 3, 1, 2] };
    const d = new BgnbdData(groups);
    const p = { r: 0.4, alpha: 5, a: 0.9, b: 2.2 };
    const { ll, grad } = bgnbdLogLikGrad(p, d);
    expect(ll).toBeCloseTo(bgnbdLogLik(p, d), 10);
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, i) => {
      const h = 1e-6 * p[k];
      const num = (bgnbdLogLik({ ...p, [k]: p[k] + h }, d) - bgnbdLogLik({ ...p, [k]: p[k] - h }, d)) / (2 * h);
      expect(grad[i]).toBeCloseTo(num, 4);
    });
  });
});

describe('BG/NBD fit on a big store', () => {
  it('races the starts on a sample, then finishes on all the data to the same optimum', () => {
    // The CDNOW triples 50 times over, each copy's T moved by a hair: over 40,000 distinct groups (the sampled path)
    // whose maximum is the paper's (the likelihood is 50 copies of the same one).
    const base = cdnowGroups();
    const big = { x: [] as number[], tx: [] as number[], T: [] as number[], n: [] as number[] };
    for (let j = 0; j < 50; j++) {
      for (let i = 0; i < base.x.length; i++) {
        big.x.push(base.x[i]!); big.tx.push(base.tx[i]!); big.T.push(base.T[i]! + j * 1e-6); big.n.push(base.n[i]!);
      }
    }
    expect(big.x.length).toBeGreaterThan(40_000);
    const fit = fitBgnbd(big);
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 3);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 3);
    expect(fit.logLik / 50).toBeCloseTo(-9582.4, 1);
    expect(fit.se).not.toBeNull();
  });
});
