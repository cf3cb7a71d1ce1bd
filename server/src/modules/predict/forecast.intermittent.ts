/**
 * Forecasts for intermittent demand and the naive forecasts (pure, no I/O), with prediction intervals.
 *
 * Croston with the Syntetos–Boylan correction (SBA; Syntetos & Boylan 2005, IJF 21:303): demand sizes z and
 * intervals between demands p are smoothed separately, only in weeks with a sale:
 *   y_t > 0:  z ← z + α(y_t − z),  p ← p + α(q − p),  q ← 1        y_t = 0:  q ← q + 1
 *   forecast (every future week) = (1 − α/2) · z / p
 *
 * TSB (Teunter, Syntetos & Babai 2011, EJOR 214:606): the probability of a sale d is smoothed every week, so
 * a product that stopped selling sees its forecast decay towards 0 (obsolescence), which Croston never does:
 *   y_t > 0:  d ← d + β(1 − d),  z ← z + α(y_t − z)                y_t = 0:  d ← d − β·d
 *   forecast = d · z
 *
 * Initial states: z₀ = mean non-zero week, p₀ = weeks per sale (n / non-zero weeks), d₀ = 1 / p₀. Smoothing
 * constants are chosen on a grid by the one-step-ahead SSE. Intervals: see `intervals`.
 */
import { normalQuantile, type Forecast } from './forecast.model.ts';

export interface IntermittentRun {
  sse: number;
  /** One-step-ahead forecasts ŷ_1 … ŷ_n. */
  fitted: number[];
  /** The forecast for every week after the last. */
  rate: number;
}

function nonZeroStats(y: readonly number[]): { size: number; interval: number } {
  let s = 0;
  let c = 0;
  for (const v of y) {
    if (v > 0) {
      s += v;
      c++;
    }
  }
  return { size: c ? s / c : 0, interval: c ? y.length / c : Math.max(1, y.length) };
}

/** Croston–SBA recursions with a given α (and optional initial size and interval; default from the data). */
export function runSba(y: readonly number[], alpha: number, init?: { size: number; interval: number }): IntermittentRun {
  const st = init ?? nonZeroStats(y);
  let z = st.size;
  let p = st.interval;
  let q = 1;
  const k = 1 - alpha / 2;
  const fitted: number[] = [];
  let sse = 0;
  for (const v of y) {
    const f = p > 0 ? (k * z) / p : 0;
    fitted.push(f);
    sse += (v - f) ** 2;
    if (v > 0) {
      z += alpha * (v - z);
      p += alpha * (q - p);
      q = 1;
    } else q++;
  }
  return { sse, fitted, rate: p > 0 ? (k * z) / p : 0 };
}

/** TSB recursions with given α (size) and β (probability). */
export function runTsb(y: readonly number[], alpha: number, beta: number, init?: { size: number; prob: number }): IntermittentRun {
  const st = nonZeroStats(y);
  let z = init?.size ?? st.size;
  let d = init?.prob ?? 1 / st.interval;
  const fitted: number[] = [];
  let sse = 0;
  for (const v of y) {
    const f = d * z;
    fitted.push(f);
    sse += (v - f) ** 2;
    if (v > 0) {
      d += beta * (1 - d);
      z += alpha * (v - z);
    } else d -= beta * d;
  }
  return { sse, fitted, rate: d * z };
}

/** The grid the smoothing constants are chosen from (the literature's usual range is 0.05–0.3). */
export const GRID = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

export interface IntermittentFit {
  method: 'croston-sba' | 'tsb';
  params: Record<string, number>;
  rate: number;
  sigma2: number;
  /** The constant that moves the forecast each week (α for SBA, β for TSB): the interval widens with it. */
  drift: number;
}

export function fitSba(y: readonly number[]): IntermittentFit {
  let best = { alpha: GRID[0]!, run: runSba(y, GRID[0]!) };
  for (const alpha of GRID.slice(1)) {
    const run = runSba(y, alpha);
    if (run.sse < best.run.sse) best = { alpha, run };
  }
  return { method: 'croston-sba', params: { alpha: best.alpha }, rate: best.run.rate, sigma2: best.run.sse / Math.max(1, y.length - 1), drift: best.alpha };
}

export function fitTsb(y: readonly number[]): IntermittentFit {
  let best: { alpha: number; beta: number; run: IntermittentRun } | null = null;
  for (const alpha of GRID) {
    for (const beta of GRID) {
      const run = runTsb(y, alpha, beta);
      if (!best || run.sse < best.run.sse) best = { alpha, beta, run };
    }
  }
  return { method: 'tsb', params: { alpha: best!.alpha, beta: best!.beta }, rate: best!.run.rate, sigma2: best!.run.sse / Math.max(1, y.length - 2), drift: best!.beta };
}

/**
 * A flat forecast with a normal interval whose variance grows like SES's, σ²(1 + (h − 1)a²), a = `drift`
 * (an approximation: the rate of SBA/TSB moves by about a·e per week). Lower bounds are clamped at 0 by the caller.
 */
export function flatForecast(rate: number, sigma2: number, drift: number, horizon: number, level = 0.95): Forecast {
  const z = normalQuantile(0.5 + level / 2);
  const mean: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const sd = Math.sqrt(sigma2 * (1 + (h - 1) * drift * drift));
    mean.push(rate);
    lower.push(rate - z * sd);
    upper.push(rate + z * sd);
  }
  return { mean, lower, upper };
}

/**
 * Naive (every week = the last one; a random walk, h-step variance h·σ², σ² = mean squared week-on-week
 * change) or seasonal naive when a full season `m` is available (every week = the same week a season
 * earlier; variance σ²·(⌊(h − 1)/m⌋ + 1), σ² = mean squared change over m weeks).
 */
export function naiveWithIntervals(y: readonly number[], horizon: number, m: number, level = 0.95): Forecast & { kind: 'naive' | 'seasonal-naive' } {
  const seasonal = m > 1 && y.length >= m;
  const lag = seasonal ? m : 1;
  let s = 0;
  let c = 0;
  for (let t = lag; t < y.length; t++) {
    s += (y[t]! - y[t - lag]!) ** 2;
    c++;
  }
  const sigma2 = c ? s / c : 0;
  const z = normalQuantile(0.5 + level / 2);
  const mean: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const f = seasonal ? y[y.length - m + ((h - 1) % m)]! : (y[y.length - 1] ?? 0);
    const sd = Math.sqrt(sigma2 * (seasonal ? Math.floor((h - 1) / m) + 1 : h));
    mean.push(f);
    lower.push(f - z * sd);
    upper.push(f + z * sd);
  }
  return { kind: seasonal ? 'seasonal-naive' : 'naive', mean, lower, upper };
}

/** Average inter-demand interval: weeks per week with a sale (Infinity without sales). Above 1.32 demand is intermittent (Syntetos, Boylan & Croston 2005). */
export function adi(y: readonly number[]): number {
  const c = y.filter((v) => v > 0).length;
  return c ? y.length / c : Infinity;
}
export const ADI_CUTOFF = 1.32;
