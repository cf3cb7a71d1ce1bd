// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013, "The Gamma-Gamma
// model of monetary value"): the likelihood of customers' average transaction values, its fit, and the
// conditional expected average transaction value.
import type { FitResult } from './bgnbd.ts';
import { fitMaxLik } from './optimize.ts';
import { digamma, lnGamma } from './special.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Customers with x ≥ 1 transactions whose values average m (> 0). */
export interface SpendData {
  x: ArrayLike<number>;
  m: ArrayLike<number>;
}

class Prepared {
  readonly size: number;
  readonly xs: number[];
  readonly xIdx: Int32Array;
  readonly m: Float64Array;
  readonly lnM: Float64Array;
  readonly sumLnM: number;
  readonly meanM: number;

  constructor(d: SpendData) {
    this.size = d.x.length;
    this.xs = [...new Set(Array.from(d.x))].sort((a, b) => a - b);
    const pos = new Map(this.xs.map((v, i) => [v, i]));
    this.xIdx = new Int32Array(this.size);
    this.m = Float64Array.from(d.m);
    this.lnM = new Float64Array(this.size);
    let s = 0;
    let sm = 0;
    for (let i = 0; i < this.size; i++) {
      this.xIdx[i] = pos.get(d.x[i]!)!;
      this.lnM[i] = Math.log(this.m[i]!);
      s += this.lnM[i]!;
      sm += this.m[i]!;
    }
    this.sumLnM = s;
    this.meanM = this.size ? sm / this.size : 1;
  }
}

/**
 * Σ ln f(m̄ | x): Γ(px+q)/(Γ(px)Γ(q)) · γ^q · m̄^(px−1) · x^(px) / (γ + m̄x)^(px+q), in log space.
 */
export function gammaGammaLogLik(par: GammaGammaParams, data: SpendData | Prepared): number {
  const d = data instanceof Prepared ? data : new Prepared(data);
  const { p, q, gamma } = par;
  if (!(p > 0 && q > 0 && gamma > 0)) return NaN;
  const perX = d.xs.map((x) => lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x));
  const pxs = d.xs.map((x) => p * x);
  let ll = d.size * (q * Math.log(gamma) - lnGamma(q));
  for (let i = 0; i < d.size; i++) {
    const k = d.xIdx[i]!;
    const px = pxs[k]!;
    const x = d.xs[k]!;
    ll += perX[k]! + (px - 1) * d.lnM[i]! - (px + q) * Math.log(gamma + d.m[i]! * x);
  }
  return ll;
}

/** The log-likelihood and its gradient in (p, q, γ). */
export function gammaGammaLogLikGrad(par: GammaGammaParams, data: SpendData | Prepared): { ll: number; grad: [number, number, number] } {
  const d = data instanceof Prepared ? data : new Prepared(data);
  const { p, q, gamma } = par;
  if (!(p > 0 && q > 0 && gamma > 0)) return { ll: NaN, grad: [NaN, NaN, NaN] };
  const nx = d.xs.length;
  const perX = new Float64Array(nx);
  const dP = new Float64Array(nx);
  const dQ = new Float64Array(nx);
  const psiQ = digamma(q);
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k]!;
    const psiPXQ = digamma(p * x + q);
    perX[k] = lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x);
    dP[k] = x * (psiPXQ - digamma(p * x) + Math.log(x));
    dQ[k] = psiPXQ - psiQ;
  }
  const lnG = Math.log(gamma);
  let ll = d.size * (q * lnG - lnGamma(q));
  let gp = 0, gq = d.size * lnG, gg = (d.size * q) / gamma;
  for (let i = 0; i < d.size; i++) {
    const k = d.xIdx[i]!;
    const x = d.xs[k]!;
    const px = p * x;
    const den = gamma + d.m[i]! * x;
    const lnDen = Math.log(den);
    ll += perX[k]! + (px - 1) * d.lnM[i]! - (px + q) * lnDen;
    gp += dP[k]! + x * (d.lnM[i]! - lnDen);
    gq += dQ[k]! - lnDen;
    gg -= (px + q) / den;
  }
  return { ll, grad: [gp, gq, gg] };
}

const BOUND = 12;
const toParams = (u: number[]): GammaGammaParams => ({ p: Math.exp(u[0]!), q: Math.exp(u[1]!), gamma: Math.exp(u[2]!) });

/** Maximum likelihood: projected BFGS with the analytic gradient from three starts, Nelder–Mead if it did not converge. */
export function fitGammaGamma(data: SpendData): FitResult<GammaGammaParams> {
  const d = new Prepared(data);
  const m = Math.max(d.meanM, 1e-6);
  const starts = [
    [1, 1, m],
    [6, 4, m / 2],
    [2, 10, m * 4],
  ].map((s) => s.map(Math.log));
  const fgOn = (dd: Prepared) => (u: number[]) => {
    const par = toParams(u);
    const { ll, grad } = gammaGammaLogLikGrad(par, dd);
    return { f: -ll, g: [-grad[0] * par.p, -grad[1] * par.q, -grad[2] * par.gamma] };
  };
  // Big stores: the starts race on a systematic sample of the customers, and only the winner runs on all of them.
  let sample: Prepared | undefined;
  if (d.size > 40_000) {
    const step = Math.ceil(d.size / 20_000);
    const idx = Array.from({ length: Math.ceil(d.size / step) }, (_, i) => i * step);
    sample = new Prepared({ x: idx.map((i) => data.x[i]!), m: idx.map((i) => data.m[i]!) });
  }
  const fit = fitMaxLik({
    data: d, sample, starts, fg: fgOn,
    negLL: (u) => -gammaGammaLogLik(toParams(u), d),
    lower: -BOUND, upperEach: [BOUND, BOUND, BOUND + 6], nmMaxEvals: 3000,
  });
  return {
    params: toParams(fit.x),
    se: fit.se ? { p: fit.se[0]!, q: fit.se[1]!, gamma: fit.se[2]! } : null,
    logLik: -fit.f,
    evals: fit.evals,
    converged: fit.converged,
    atBound: fit.atBound,
  };
}

/**
 * E(M | x, m̄): the customer's expected average transaction value, a weighted mean of the population mean
 * pγ/(q−1) and their own average, weight px/(px+q−1) on their own. For x = 0 it is the population mean.
 * Needs q > 1 (otherwise the population mean is infinite): NaN then, which callers turn into "no prediction".
 */
export function expectedSpend(par: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = par;
  if (!(q > 1)) return NaN;
  if (x <= 0) return (p * gamma) / (q - 1);
  return (p * gamma + p * x * m) / (p * x + q - 1);
}
