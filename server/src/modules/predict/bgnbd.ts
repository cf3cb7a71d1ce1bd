// The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"), as pure
// functions: the likelihood on grouped (x, t_x, T) sufficient statistics, its fit, and the per-customer
// quantities (P(alive), conditional and unconditional expected transactions, the fit histogram).
import { fitMaxLik } from './optimize.ts';
import { digamma, lnGamma, logAddExp, oneMinusExpOver } from './special.ts';

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Customers grouped by identical (x, t_x, T): x repeat transactions, the last at t_x, observed for T (time
 * since the first purchase), in the model's unit. `n` is how many customers share the triple.
 */
export interface RfGroups {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  n: ArrayLike<number>;
}

/** Precomputed indexes so that one likelihood evaluation costs a few flops per distinct triple. */
export class BgnbdData {
  readonly size: number;
  readonly customers: number;
  readonly xs: number[];
  readonly xIdx: Int32Array;
  readonly Ts: Float64Array;
  readonly TIdx: Int32Array;
  readonly txs: Float64Array;
  readonly txIdx: Int32Array;
  readonly n: Float64Array;
  readonly meanT: number;

  constructor(g: RfGroups) {
    this.size = g.n.length;
    const uniq = (arr: ArrayLike<number>) => {
      const vals = [...new Set(Array.from(arr))].sort((p, q) => p - q);
      const pos = new Map(vals.map((v, i) => [v, i]));
      const idx = new Int32Array(arr.length);
      for (let i = 0; i < arr.length; i++) idx[i] = pos.get(arr[i]!)!;
      return { vals, idx };
    };
    const ux = uniq(g.x);
    const uT = uniq(g.T);
    const ut = uniq(g.tx);
    this.xs = ux.vals;
    this.xIdx = ux.idx;
    this.Ts = Float64Array.from(uT.vals);
    this.TIdx = uT.idx;
    this.txs = Float64Array.from(ut.vals);
    this.txIdx = ut.idx;
    this.n = Float64Array.from(g.n);
    let c = 0;
    let sT = 0;
    for (let i = 0; i < this.size; i++) { c += this.n[i]!; sT += this.n[i]! * g.T[i]!; }
    this.customers = c;
    this.meanT = c ? sT / c : 1;
  }
}

/** The BG/NBD log-likelihood of every customer in the groups (natural log, summed). */
export function bgnbdLogLik(p: BgnbdParams, d: BgnbdData): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  const common = r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b) - lnGamma(r);
  const lnA = Math.log(a);
  const nx = d.xs.length;
  // Per distinct x: ln Γ(r+x) + ln Γ(b+x) − ln Γ(a+b+x), and ln a − ln(b+x−1) (the dropout-at-t_x branch).
  const perX = new Float64Array(nx);
  const branch = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k]!;
    perX[k] = lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    branch[k] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
  }
  const lnAT = new Float64Array(d.Ts.length);
  for (let k = 0; k < d.Ts.length; k++) lnAT[k] = Math.log(alpha + d.Ts[k]!);
  const lnAtx = new Float64Array(d.txs.length);
  for (let k = 0; k < d.txs.length; k++) lnAtx[k] = Math.log(alpha + d.txs[k]!);
  let ll = 0;
  for (let i = 0; i < d.size; i++) {
    const k = d.xIdx[i]!;
    const rx = r + d.xs[k]!;
    const a3 = -rx * lnAT[d.TIdx[i]!]!;
    const br = branch[k]!;
    const term = br === -Infinity ? a3 : logAddExp(a3, br - rx * lnAtx[d.txIdx[i]!]!);
    ll += d.n[i]! * (perX[k]! + term);
  }
  return ll + common * d.customers;
}

/** The log-likelihood and its gradient in (r, α, a, b), one pass over the groups. */
export function bgnbdLogLikGrad(p: BgnbdParams, d: BgnbdData): { ll: number; grad: [number, number, number, number] } {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return { ll: NaN, grad: [NaN, NaN, NaN, NaN] };
  const lnA = Math.log(a);
  const nx = d.xs.length;
  const perX = new Float64Array(nx);
  const branch = new Float64Array(nx);
  // ∂/∂r, ∂/∂a, ∂/∂b of the per-x terms, and ∂branch/∂b.
  const dR = new Float64Array(nx);
  const dA = new Float64Array(nx);
  const dB = new Float64Array(nx);
  const dBr = new Float64Array(nx);
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k]!;
    perX[k] = lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    branch[k] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
    const psiABX = digamma(a + b + x);
    dR[k] = digamma(r + x) - psiR;
    dA[k] = psiAB - psiABX;
    dB[k] = psiAB - psiB + digamma(b + x) - psiABX;
    dBr[k] = x > 0 ? -1 / (b + x - 1) : 0;
  }
  const lnAT = new Float64Array(d.Ts.length);
  const invAT = new Float64Array(d.Ts.length);
  for (let k = 0; k < d.Ts.length; k++) { lnAT[k] = Math.log(alpha + d.Ts[k]!); invAT[k] = 1 / (alpha + d.Ts[k]!); }
  const lnAtx = new Float64Array(d.txs.length);
  const invAtx = new Float64Array(d.txs.length);
  for (let k = 0; k < d.txs.length; k++) { lnAtx[k] = Math.log(alpha + d.txs[k]!); invAtx[k] = 1 / (alpha + d.txs[k]!); }
  let ll = 0, gr = 0, gal = 0, ga = 0, gb = 0;
  for (let i = 0; i < d.size; i++) {
    const k = d.xIdx[i]!;
    const n = d.n[i]!;
    const rx = r + d.xs[k]!;
    const iT = d.TIdx[i]!;
    const a3 = -rx * lnAT[iT]!;
    const br = branch[k]!;
    let term = a3;
    // w: the share of the "dropped out at t_x" branch in the likelihood.
    let w = 0;
    let itx = 0;
    if (br !== -Infinity) {
      itx = d.txIdx[i]!;
      const a4 = br - rx * lnAtx[itx]!;
      // term = log(e^a3 + e^a4) and w = e^(a4 − term), sharing one exp.
      const dd = a4 - a3;
      if (dd > 0) {
        const e = Math.exp(-dd);
        term = a4 + Math.log1p(e);
        w = 1 / (1 + e);
      } else {
        const e = Math.exp(dd);
        term = a3 + Math.log1p(e);
        w = e / (1 + e);
      }
    }
    ll += n * (perX[k]! + term);
    gr += n * (dR[k]! - (1 - w) * lnAT[iT]! - (w ? w * lnAtx[itx]! : 0));
    gal += n * (-(1 - w) * rx * invAT[iT]! - (w ? w * rx * invAtx[itx]! : 0));
    ga += n * (dA[k]! + w / a);
    gb += n * (dB[k]! + w * dBr[k]!);
  }
  const N = d.customers;
  ll += N * (r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b) - lnGamma(r));
  gal += (N * r) / alpha;
  gr += N * Math.log(alpha);
  return { ll, grad: [gr, gal, ga, gb] };
}

export interface FitResult<P> {
  params: P;
  se: P | null;
  logLik: number;
  evals: number;
  converged: boolean;
  /** A parameter ended at the optimiser's bound: the data do not pin it down. */
  atBound: boolean;
}

const BOUND = 12;
const AB_BOUND = 9;
const toParams = (u: number[]): BgnbdParams => ({ r: Math.exp(u[0]!), alpha: Math.exp(u[1]!), a: Math.exp(u[2]!), b: Math.exp(u[3]!) });

/** A systematic sample of the groups (every k-th, weights kept), for racing the starts cheaply on big stores. */
function subsample(g: RfGroups, max: number): RfGroups {
  const step = Math.ceil(g.n.length / max);
  const pick = (arr: ArrayLike<number>) => Array.from({ length: Math.ceil(g.n.length / step) }, (_, i) => arr[i * step]!);
  return { x: pick(g.x), tx: pick(g.tx), T: pick(g.T), n: pick(g.n) };
}

/**
 * Maximum likelihood: projected BFGS with the analytic gradient on log-parameters (r, α within e^±12; a, b
 * up to e^9, beyond which the dropout rate no longer varies between customers and the series get long), from
 * three starts; Nelder–Mead takes over from the best point if BFGS did not converge.
 */
export function fitBgnbd(groups: RfGroups): FitResult<BgnbdParams> {
  const data = new BgnbdData(groups);
  const scale = Math.max(data.meanT, 1e-3);
  const starts = [
    [1, scale, 1, 1],
    [0.25, scale / 10, 0.8, 2.5],
    [2, scale * 2, 3, 6],
  ].map((s) => s.map(Math.log));
  const fgOn = (d: BgnbdData) => (u: number[]) => {
    const p = toParams(u);
    const { ll, grad } = bgnbdLogLikGrad(p, d);
    return { f: -ll, g: [-grad[0] * p.r, -grad[1] * p.alpha, -grad[2] * p.a, -grad[3] * p.b] };
  };
  const fit = fitMaxLik({
    data,
    // Big stores: the starts race on a systematic sample of the groups, and only the winner runs on all of them.
    sample: data.size > 40_000 ? new BgnbdData(subsample(groups, 20_000)) : undefined,
    starts, fg: fgOn,
    negLL: (u) => (u[2]! > AB_BOUND || u[3]! > AB_BOUND ? Infinity : -bgnbdLogLik(toParams(u), data)),
    lower: -BOUND, upperEach: [BOUND, BOUND, AB_BOUND, AB_BOUND], nmMaxEvals: 4000,
  });
  return {
    params: toParams(fit.x),
    se: fit.se ? { r: fit.se[0]!, alpha: fit.se[1]!, a: fit.se[2]!, b: fit.se[3]! } : null,
    logLik: -fit.f,
    evals: fit.evals,
    converged: fit.converged,
    atBound: fit.atBound,
  };
}

/** ln of the odds of having dropped out at t_x against being alive: P(alive) = 1 / (1 + e^k). */
function deadOddsLog(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return -Infinity;
  return Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
}

/** P(alive | x, t_x, T): the probability the customer has not dropped out by T. */
export function pAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  const k = deadOddsLog(p, x, tx, T);
  if (k === -Infinity) return 1;
  return k > 0 ? Math.exp(-k) / (1 + Math.exp(-k)) : 1 / (1 + Math.exp(k));
}

/**
 * Expected transactions in (T, T+t] for a customer who is still alive at T, with x repeat transactions.
 * The paper's expression (a+b+x−1)/(a−1)·[1 − ((α+T)/(α+T+t))^(r+x)·₂F₁(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t),
 * is evaluated after Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B)·₂F₁(C−A, C−B; C; z), which turns the
 * huge ₂F₁ times a tiny power into (1−z)^(a−1)·₂F₁(a+b−1−r, a−1; a+b+x−1; z): a series with terms that shrink
 * for every x, and whose (a−1) factor cancels the paper's 1/(a−1) analytically (no blow-up at a = 1).
 */
export function expectedIfAlive(p: BgnbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const eps = a - 1;
  const C = a + b + x - 1;
  const A = a + b - 1 - r;
  const z = t / (alpha + T + t);
  const L = Math.log1p(-z);
  // G = Σ_{n≥1} (A)_n (a)_{n−1} / ((C)_n n!) zⁿ, so that ₂F₁(A, ε; C; z) = 1 + ε·G.
  // When a is large (little heterogeneity in dropout) the terms grow like (a·z)ⁿ/n! before they shrink, so G
  // can overflow while (1−z)^ε underflows; G is kept as G·e^(−scale) and the product formed in log space.
  let term = (A / C) * z;
  let G = term;
  let scale = 0;
  for (let n = 1; n < 1_000_000; n++) {
    term *= ((A + n) * (a + n - 1) * z) / ((C + n) * (n + 1));
    G += term;
    if (Math.abs(G) > 1e250) { G *= 1e-250; term *= 1e-250; scale += 250 * Math.LN10; }
    if (Math.abs(term) <= 1e-16 * Math.abs(G) && n > 2) break;
  }
  const tail = G === 0 ? 0 : Math.sign(G) * Math.exp(eps * L + scale + Math.log(Math.abs(G)));
  return C * (oneMinusExpOver(eps, L) - tail);
}

/** E[Y(t) | x, t_x, T]: expected transactions in the next t units given the customer's history. */
export function conditionalExpected(p: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  return pAlive(p, x, tx, T) * expectedIfAlive(p, t, x, T);
}

/** E[X(t)]: expected repeat transactions in the first t units after a new customer's first purchase. */
export function unconditionalExpected(p: BgnbdParams, t: number): number {
  return expectedIfAlive(p, t, 0, 0);
}

/**
 * P(X(t) = x) for x = 0 … maxX−1 and the rest lumped into the last cell (paper eq. 8): the model's
 * calibration-period frequency distribution for a customer observed for t.
 */
export function frequencyPmf(p: BgnbdParams, t: number, maxX: number): number[] {
  const { r, alpha, a, b } = p;
  const lnBab = lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  const lq = Math.log(alpha / (alpha + t));
  const lw = Math.log(t / (alpha + t));
  const out: number[] = [];
  let cum = 0;
  // Σ_{j<x} Γ(r+j)/(Γ(r) j!) w^j, built up incrementally.
  let partial = 0;
  let lnCoef = 0; // ln[Γ(r+j)/(Γ(r) j!)] for the current j
  for (let x = 0; x < maxX; x++) {
    const lnBx = lnGamma(a) + lnGamma(b + x) - lnGamma(a + b + x) - lnBab;
    const lnPois = lnCoef + r * lq + (t > 0 ? x * lw : x === 0 ? 0 : -Infinity);
    let v = Math.exp(lnBx + lnPois);
    if (x > 0) {
      const lnB1 = lnGamma(a + 1) + lnGamma(b + x - 1) - lnGamma(a + b + x) - lnBab;
      v += Math.exp(lnB1) * Math.max(0, 1 - Math.exp(r * lq) * partial);
    }
    partial += Math.exp(lnCoef + (t > 0 ? x * lw : x === 0 ? 0 : -Infinity));
    lnCoef += Math.log(r + x) - Math.log(x + 1);
    out.push(v);
    cum += v;
  }
  out[maxX - 1] = out[maxX - 1]! + Math.max(0, 1 - cum);
  return out;
}
