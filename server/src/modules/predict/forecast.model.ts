/**
 * Demand forecasting numerics (pure, no I/O): exponential smoothing in innovations form (Hyndman, Koehler,
 * Ord & Snyder 2008, "Forecasting with Exponential Smoothing", class 1, additive errors), fitted by
 * minimising the one-step-ahead sum of squared errors with a bounded Nelder–Mead search; prediction intervals
 * from the residual variance; sMAPE and the (seasonal) naive baseline. Which forecast a series gets (these, the
 * intermittent-demand methods of forecast.intermittent.ts, a combination or naive) and the backtest: forecast.select.ts.
 *
 *   ŷ_t = ℓ_{t−1} + φ·b_{t−1} + s_{t−m}          e_t = y_t − ŷ_t
 *   ℓ_t = ℓ_{t−1} + φ·b_{t−1} + α·e_t            b_t = φ·b_{t−1} + β·e_t          s_t = s_{t−m} + γ·e_t
 *
 * 'ses' is ETS(A,N,N) (b ≡ 0, no season), 'holt-damped' ETS(A,Ad,N), 'hw-damped' ETS(A,Ad,A) (additive
 * Holt–Winters with damped trend). See docs/predictions.md#demand-forecast for why and when each is used.
 */

export const METHODS = ['ses', 'holt-damped', 'hw-damped'] as const;
export type Method = (typeof METHODS)[number];

export interface EtsParams {
  alpha: number;
  /** Trend smoothing in innovations form (0 < β < α); 0 for 'ses'. */
  beta: number;
  /** Season smoothing (0 < γ < 1 − α); 0 without a season. */
  gamma: number;
  /** Trend damping; 1 for 'ses' (unused there). */
  phi: number;
}

export interface EtsState {
  level: number;
  trend: number;
  /** The last m seasonal terms, oldest first (s_{n−m+1} … s_n); empty without a season. */
  season: number[];
}

export interface EtsRun {
  sse: number;
  /** One-step-ahead fitted values ŷ_1 … ŷ_n. */
  fitted: number[];
  final: EtsState;
}

export interface EtsFit {
  method: Method;
  period: number;
  params: EtsParams;
  initial: EtsState;
  final: EtsState;
  n: number;
  sse: number;
  /** Residual variance SSE / (n − k), k = estimated parameters (smoothing, damping and initial states). */
  sigma2: number;
  aicc: number;
  /** Number of estimated parameters. */
  k: number;
}

export interface Forecast {
  mean: number[];
  lower: number[];
  upper: number[];
}

/** Bounds that keep the model forecastable (Hyndman et al. 2008, §10.2 "usual" region) and away from the edges. */
export const BOUNDS = { alpha: [1e-4, 0.9999], phi: [0.8, 0.98] } as const;

/** Runs the recursions with given parameters and initial state: the SSE, fitted values and the final state. */
export function runEts(y: readonly number[], method: Method, p: EtsParams, init: EtsState): EtsRun {
  const m = init.season.length;
  const damped = method !== 'ses';
  let level = init.level;
  let trend = damped ? init.trend : 0;
  const season = [...init.season];
  const fitted: number[] = new Array<number>(y.length);
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = m ? season[t % m]! : 0;
    const lt = level + (damped ? p.phi * trend : 0);
    const yhat = lt + s;
    const e = y[t]! - yhat;
    fitted[t] = yhat;
    sse += e * e;
    level = lt + p.alpha * e;
    if (damped) trend = p.phi * trend + p.beta * e;
    if (m) season[t % m] = s + p.gamma * e;
  }
  // Rotate so the season array is s_{n−m+1} … s_n.
  const rotated = m ? Array.from({ length: m }, (_, i) => season[(y.length + i) % m]!) : [];
  return { sse, fitted, final: { level, trend, season: rotated } };
}

let scratch = new Float64Array(64);

/** The same recursions as runEts, SSE only and without allocating: the optimiser's objective, called thousands of times per fit. */
export function sseEts(y: readonly number[], damped: boolean, alpha: number, beta: number, gamma: number, phi: number, level0: number, trend0: number, season0: readonly number[]): number {
  const m = season0.length;
  if (scratch.length < m) scratch = new Float64Array(m);
  const season = scratch;
  for (let i = 0; i < m; i++) season[i] = season0[i]!;
  let level = level0;
  let trend = damped ? trend0 : 0;
  let sse = 0;
  let j = 0;
  for (let t = 0; t < y.length; t++) {
    const s = m ? season[j]! : 0;
    const lt = damped ? level + phi * trend : level;
    const e = y[t]! - lt - s;
    sse += e * e;
    level = lt + alpha * e;
    if (damped) trend = phi * trend + beta * e;
    if (m) {
      season[j] = s + gamma * e;
      if (++j === m) j = 0;
    }
  }
  return sse;
}

/** Point forecasts and a central `level` (e.g. 0.95) prediction interval for h = 1 … horizon. */
export function forecastEts(fit: EtsFit, horizon: number, level = 0.95): Forecast {
  const { alpha, beta, gamma, phi } = fit.params;
  const damped = fit.method !== 'ses';
  const m = fit.final.season.length;
  const z = normalQuantile(0.5 + level / 2);
  const mean: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  let phiH = 0; // φ + φ² + … + φ^h
  let sumC2 = 0; // Σ_{j=1}^{h−1} c_j²
  for (let h = 1; h <= horizon; h++) {
    if (damped) phiH += phi ** h;
    const s = m ? fit.final.season[(h - 1) % m]! : 0;
    const f = fit.final.level + (damped ? phiH * fit.final.trend : 0) + s;
    const sd = Math.sqrt(fit.sigma2 * (1 + sumC2));
    mean.push(f);
    lower.push(f - z * sd);
    upper.push(f + z * sd);
    // c_h for the next step's variance (Hyndman et al. 2008, Table 6.1, class 1).
    const c = alpha + (damped ? beta * phiH : 0) + (m && h % m === 0 ? gamma : 0);
    sumC2 += c * c;
  }
  return { mean, lower, upper };
}

/** Heuristic initial states (Hyndman et al. 2008, §2.6.1): level and slope from the first observations; season from the first two cycles. */
export function initialState(y: readonly number[], method: Method, m: number): EtsState {
  if (method === 'hw-damped') {
    // Classical decomposition on the first two seasons: trend = 2×m moving average, season = mean detrended value per position.
    const season = new Array<number>(m).fill(0);
    const cnt = new Array<number>(m).fill(0);
    const half = Math.floor(m / 2);
    for (let t = half; t < 2 * m - half && t + half < y.length; t++) {
      let ma = 0;
      for (let j = t - half; j < t - half + m; j++) ma += y[j]!;
      let ma2 = 0;
      for (let j = t - half + 1; j <= t - half + m && j < y.length; j++) ma2 += y[j]!;
      const trendT = m % 2 === 0 ? (ma + ma2) / (2 * m) : ma / m;
      season[t % m]! += y[t]! - trendT;
      cnt[t % m]!++;
    }
    for (let i = 0; i < m; i++) season[i] = cnt[i] ? season[i]! / cnt[i]! : 0;
    const mean = season.reduce((a, b) => a + b, 0) / m;
    const s = season.map((v) => v - mean);
    const deseason = y.slice(0, Math.min(y.length, 2 * m)).map((v, t) => v - s[t % m]!);
    const { intercept, slope } = lineFit(deseason.slice(0, Math.min(10, deseason.length)));
    return { level: intercept, trend: slope, season: s };
  }
  if (method === 'holt-damped') {
    const { intercept, slope } = lineFit(y.slice(0, Math.min(10, y.length)));
    return { level: intercept, trend: slope, season: [] };
  }
  const first = y.slice(0, Math.min(5, y.length));
  return { level: first.reduce((a, b) => a + b, 0) / Math.max(1, first.length), trend: 0, season: [] };
}

function lineFit(v: readonly number[]): { intercept: number; slope: number } {
  const n = v.length;
  if (n < 2) return { intercept: v[0] ?? 0, slope: 0 };
  // x = 1 … n; the intercept is the value at x = 0 (the state before the first observation).
  const mx = (n + 1) / 2;
  const my = v.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  v.forEach((y, i) => {
    sxy += (i + 1 - mx) * (y - my);
    sxx += (i + 1 - mx) ** 2;
  });
  const slope = sxx ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Fits one method by minimising the one-step SSE over the smoothing parameters, the damping and the initial
 * level (and trend). Bounds are kept by mapping each bounded parameter through a logistic: α ∈ [1e-4, 0.9999],
 * β = α·u (0 < β < α), γ = (1 − α)·v, φ ∈ [0.8, 0.98]. Nelder–Mead from two starts (one for 'quick'); the better one wins.
 */
export function fitEts(y: readonly number[], method: Method, m = 0, effort: 'full' | 'quick' = 'full'): EtsFit {
  const period = method === 'hw-damped' ? m : 0;
  const init0 = initialState(y, method, period);
  const [aLo, aHi] = BOUNDS.alpha;
  const [pLo, pHi] = BOUNDS.phi;
  const scale = Math.max(1e-6, stdev(y));
  const decode = (x: readonly number[]): { p: EtsParams; init: EtsState } => {
    const alpha = aLo + (aHi - aLo) * logistic(x[0]!);
    if (method === 'ses') return { p: { alpha, beta: 0, gamma: 0, phi: 1 }, init: { level: x[1]!, trend: 0, season: [] } };
    const beta = alpha * logistic(x[1]!);
    const phi = pLo + (pHi - pLo) * logistic(x[2]!);
    const gamma = period ? (1 - alpha) * logistic(x[5]!) : 0;
    return { p: { alpha, beta, gamma, phi }, init: { level: x[3]!, trend: x[4]!, season: init0.season } };
  };
  const objective = (x: readonly number[]) => {
    const { p, init } = decode(x);
    const r = sseEts(y, method !== 'ses', p.alpha, p.beta, p.gamma, p.phi, init.level, init.trend, init.season);
    return Number.isFinite(r) ? r : Number.MAX_VALUE;
  };
  const starts: number[][] = [];
  // 'quick' (for scoring candidates on held-out weeks): one start and a looser stop; the final fit gets two starts.
  for (const a of effort === 'full' ? [0.2, 0.6] : [0.3]) {
    const base = [logit((a - aLo) / (aHi - aLo))];
    if (method === 'ses') starts.push([...base, init0.level]);
    else starts.push([...base, logit(0.1), logit((0.95 - pLo) / (pHi - pLo)), init0.level, init0.trend, ...(period ? [logit(0.1)] : [])]);
  }
  let best: { x: number[]; f: number } | null = null;
  for (const s of starts) {
    const steps = s.map((_, i) => ((method === 'ses' && i === 1) || i === 3 ? scale : i === 4 ? scale / 10 : 1));
    const r = nelderMead(objective, s, steps, effort === 'full' ? { maxEvals: 150 * s.length, tol: 1e-8 } : { maxEvals: 80 * s.length, tol: 1e-6 });
    if (!best || r.f < best.f) best = r;
  }
  const { p, init } = decode(best!.x);
  const run = runEts(y, method, p, init);
  const n = y.length;
  // Estimated: smoothing/damping, initial level (and trend), and m − 1 free seasonal initials.
  const k = method === 'ses' ? 2 : 5 + (period ? 1 + (period - 1) : 0);
  const sigma2 = run.sse / Math.max(1, n - k);
  return { method, period, params: p, initial: init, final: run.final, n, sse: run.sse, sigma2, aicc: aicc(run.sse, n, k), k };
}

/** AICc of a Gaussian one-step error model with SSE over n observations and k parameters (σ² counted too). */
export function aicc(sse: number, n: number, k: number): number {
  const kk = k + 1;
  if (n - kk - 1 <= 0) return Infinity;
  const ll = n * Math.log(Math.max(sse, 1e-12) / n);
  return ll + 2 * kk + (2 * kk * (kk + 1)) / (n - kk - 1);
}

/** The minimum history a method needs: enough observations for its parameters, and two full seasons for a seasonal one. */
export function minLength(method: Method, m: number): number {
  if (method === 'hw-damped') return m > 1 ? 2 * m + 4 : Infinity;
  if (method === 'holt-damped') return 10;
  return 4;
}

export interface ChooseOptions {
  /** Weeks held out after each origin (default 8). */
  validation?: number;
  /** Forecast origins, 4 weeks apart (default 3). */
  origins?: number;
  /** The methods to choose from (default all). */
  methods?: readonly Method[];
}

/**
 * Picks the method on held-out weeks, then fits it on the whole history. From up to `origins` forecast origins
 * (the last `validation` weeks, then windows ending 4, 8 … weeks earlier), every method the shorter history
 * allows is fitted on the weeks before the origin and scored on the `validation` weeks after it; the lowest mean
 * squared error over all origins wins. (AICc was tried first: with m = 52 it charges the 51 seasonal initial
 * states so heavily that a clearly seasonal series never gets a season; R's ets() refuses m > 24 for the same
 * reason. One origin alone picks by the luck of one window.) When the history is too short to hold weeks out,
 * AICc decides among what fits. Null when even SES has too little data.
 */
export function chooseModel(y: readonly number[], m: number, opts: ChooseOptions = {}): EtsFit | null {
  const validation = opts.validation ?? 8;
  const origins = opts.origins ?? 3;
  const eligible = (opts.methods ?? METHODS).filter((method) => y.length >= minLength(method, m));
  if (!eligible.length) return null;
  const inner = eligible.filter((method) => y.length - validation >= minLength(method, m));
  if (inner.length >= 2) {
    let best: { method: Method; mse: number } | null = null;
    for (const method of inner) {
      let se = 0;
      let count = 0;
      for (let o = 0; o < origins; o++) {
        const end = y.length - validation - 4 * o;
        if (end < minLength(method, m)) break;
        const f = forecastEts(fitEts(y.slice(0, end), method, m, 'quick'), validation).mean;
        for (let i = 0; i < validation; i++) se += (y[end + i]! - Math.max(0, f[i]!)) ** 2;
        count += validation;
      }
      const mse = se / count;
      if (!best || mse < best.mse) best = { method, mse };
    }
    return fitEts(y, best!.method, m);
  }
  if (eligible.length === 1) return fitEts(y, eligible[0]!, m);
  let best: EtsFit | null = null;
  for (const method of eligible) {
    const f = fitEts(y, method, m);
    if (!best || f.aicc < best.aicc) best = f;
  }
  return best;
}

/** Symmetric MAPE in percent, 0–200: mean of 2|F − A| / (|A| + |F|), a term where both are 0 counting as 0 (a correct "no sales"). */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  if (!actual.length) return 0;
  let s = 0;
  actual.forEach((a, i) => {
    const f = forecast[i]!;
    const d = Math.abs(a) + Math.abs(f);
    s += d === 0 ? 0 : (2 * Math.abs(f - a)) / d;
  });
  return (100 * s) / actual.length;
}

export type NaiveKind = 'seasonal-naive' | 'naive';

/**
 * The baseline: seasonal naive (each week = the same week one season earlier) when the history covers a full
 * season before every forecast week, else plain naive (every week = the last observed week).
 */
export function naiveForecast(y: readonly number[], horizon: number, m: number): { kind: NaiveKind; mean: number[] } {
  if (m > 1 && y.length >= m) return { kind: 'seasonal-naive', mean: Array.from({ length: horizon }, (_, h) => y[y.length - m + (h % m)]!) };
  const last = y[y.length - 1] ?? 0;
  return { kind: 'naive', mean: new Array<number>(horizon).fill(last) };
}

function stdev(v: readonly number[]): number {
  if (v.length < 2) return Math.abs(v[0] ?? 0);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
}

/** Nelder–Mead simplex minimisation (standard coefficients 1, 2, ½, ½). */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], steps: readonly number[], opts: { maxEvals?: number; tol?: number } = {}): { x: number[]; f: number } {
  const n = x0.length;
  const maxEvals = opts.maxEvals ?? 200 * n;
  const tol = opts.tol ?? 1e-10;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i]! += steps[i] || 1;
    simplex.push(x);
  }
  let values = simplex.map(f);
  let evals = n + 1;
  while (evals < maxEvals) {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (Math.abs(values[n]! - values[0]!) <= tol * (Math.abs(values[0]!) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const at = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c));
    const xr = at(-1);
    const fr = f(xr);
    evals++;
    if (fr < values[0]!) {
      const xe = at(-2);
      const fe = f(xe);
      evals++;
      if (fe < fr) [simplex[n], values[n]] = [xe, fe];
      else [simplex[n], values[n]] = [xr, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [xr, fr];
    } else {
      const outside = fr < values[n]!;
      const xc = at(outside ? -0.5 : 0.5);
      const fc = f(xc);
      evals++;
      if (fc < (outside ? fr : values[n]!)) [simplex[n], values[n]] = [xc, fc];
      else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          values[i] = f(simplex[i]!);
        }
        evals += n;
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bi]!) bi = i;
  return { x: simplex[bi]!, f: values[bi]! };
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
