/**
 * Which forecast a series gets: every candidate the history allows — exponential smoothing (SES, damped Holt,
 * Holt–Winters), Croston–SBA and TSB for intermittent series, an equal-weight combination of those, and the
 * naive forecast itself — is fitted on the weeks before a few forecast origins and scored by sMAPE on the weeks
 * after them; the lowest mean wins and is refitted on all weeks. So a series on which nothing beats naive on its
 * own history gets the naive forecast, and says so (`method: 'naive'`).
 */
import { adi, ADI_CUTOFF, fitSba, fitTsb, flatForecast, naiveWithIntervals } from './forecast.intermittent.ts';
import { chooseModel, fitEts, forecastEts, minLength, naiveForecast, smape, type Forecast, type Method, type NaiveKind } from './forecast.model.ts';

export const FORECASTERS = ['ses', 'holt-damped', 'hw-damped', 'croston-sba', 'tsb', 'combination', 'naive', 'seasonal-naive'] as const;
export type Forecaster = (typeof FORECASTERS)[number];
type Member = Method | 'croston-sba' | 'tsb';

export interface Model {
  method: Forecaster;
  /** Fitted smoothing parameters (α, β, γ, φ), or for a combination the members (in `members`). */
  params: Record<string, number> | null;
  members: Member[] | null;
  forecast: (horizon: number, level?: number) => Forecast;
}

function fitMember(y: readonly number[], method: Member, m: number, effort: 'full' | 'quick'): Model {
  if (method === 'croston-sba' || method === 'tsb') {
    const f = method === 'tsb' ? fitTsb(y) : fitSba(y);
    return { method, params: f.params, members: null, forecast: (h, level) => flatForecast(f.rate, f.sigma2, f.drift, h, level) };
  }
  const fit = fitEts(y, method, m, effort);
  const p = fit.params;
  const params: Record<string, number> = method === 'ses' ? { alpha: p.alpha } : method === 'holt-damped' ? { alpha: p.alpha, beta: p.beta, phi: p.phi } : { alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi };
  return { method, params, members: null, forecast: (h, level) => forecastEts(fit, h, level) };
}

/** Equal-weight average of the members' forecasts and of their interval bounds (an approximation of the combination's interval). */
function combine(models: Model[]): Model {
  return {
    method: 'combination', params: null, members: models.map((x) => x.method as Member),
    forecast: (h, level) => {
      const fs = models.map((x) => x.forecast(h, level));
      const avg = (k: keyof Forecast) => Array.from({ length: h }, (_, i) => fs.reduce((s, f) => s + f[k][i]!, 0) / fs.length);
      return { mean: avg('mean'), lower: avg('lower'), upper: avg('upper') };
    },
  };
}

/** The naive forecast of the kind that was scored: plain naive stays plain even when the full history reaches a season. */
function naiveModel(y: readonly number[], m: number, kind: NaiveKind): Model {
  const season = kind === 'seasonal-naive' ? m : 0;
  return { method: kind, params: null, members: null, forecast: (h, level) => naiveWithIntervals(y, h, season, level) };
}

const memberMin = (method: Member, m: number): number => (method === 'croston-sba' || method === 'tsb' ? 4 : minLength(method, m));

/** The smoothing candidates for a series: intermittent (ADI > 1.32) → SES, SBA, TSB; else SES, damped Holt, Holt–Winters. */
export function membersFor(y: readonly number[], m: number, intermittentOk: boolean): Member[] {
  const list: Member[] = intermittentOk && adi(y) > ADI_CUTOFF ? ['ses', 'croston-sba', 'tsb'] : ['ses', 'holt-damped', 'hw-damped'];
  return list.filter((x) => y.length >= memberMin(x, m));
}

export interface SelectOptions {
  /** Weeks scored after each origin (default 8). */
  validation?: number;
  /** Forecast origins, 4 weeks apart (default 3). */
  origins?: number;
  /** Whether intermittent methods may be used (products yes; categories and the store no). Default true. */
  intermittentOk?: boolean;
  /** Leave the naive forecast out of the candidates (for tests of the smoothing models). */
  withoutNaive?: boolean;
}

export interface Selection {
  model: Model;
  /** Mean held-out sMAPE per candidate that was scored (empty when the history was too short to hold weeks out). */
  scores: Partial<Record<Forecaster, number>>;
}

/**
 * Chooses and fits the forecast of one series (see the file comment). Every candidate is scored on the same
 * windows: origins stop at the first one where a candidate no longer fits. Held-out scoring needs a smoothing
 * candidate that fits before the latest origin and one more candidate (naive counts); otherwise the ETS model
 * is chosen by AICc among what fits and naive is not considered. Null when even SES has too little data.
 */
export function selectForecast(y: readonly number[], m: number, opts: SelectOptions = {}): Selection | null {
  const validation = opts.validation ?? 8;
  const origins = opts.origins ?? 3;
  const members = membersFor(y, m, opts.intermittentOk ?? true);
  if (!members.length) return null;
  const inner = members.filter((x) => y.length - validation >= memberMin(x, m));
  if (inner.length < 2 && !(inner.length === 1 && !opts.withoutNaive)) {
    const ets = members.filter((x): x is Method => x === 'ses' || x === 'holt-damped' || x === 'hw-damped');
    if (ets.length) {
      const fit = chooseModel(y, m, { methods: ets, validation, origins });
      if (fit) return { model: fitMember(y, fit.method, m, 'full'), scores: {} };
    }
    return { model: fitMember(y, members[0]!, m, 'full'), scores: {} };
  }
  const total = new Map<Forecaster, { s: number; n: number }>();
  const add = (k: Forecaster, v: number) => {
    const t = total.get(k) ?? { s: 0, n: 0 };
    total.set(k, { s: t.s + v, n: t.n + 1 });
  };
  for (let o = 0; o < origins; o++) {
    const end = y.length - validation - 4 * o;
    const train = y.slice(0, end);
    const actual = y.slice(end, end + validation);
    if (o > 0 && inner.some((x) => end < memberMin(x, m))) break;
    const fits = inner;
    const means = fits.map((x) => fitMember(train, x, m, 'quick').forecast(validation).mean.map((v) => Math.max(0, v)));
    fits.forEach((x, i) => add(x, smape(actual, means[i]!)));
    if (fits.length >= 2) add('combination', smape(actual, Array.from({ length: validation }, (_, i) => means.reduce((s, f) => s + f[i]!, 0) / means.length)));
    if (!opts.withoutNaive) add(naiveForecast(train, 1, m).kind, smape(actual, naiveForecast(train, validation, m).mean));
  }
  const scores: Selection['scores'] = {};
  for (const [k, t] of total) scores[k] = t.s / t.n;
  // Lowest mean sMAPE; ties go to the earlier candidate (naive is scored last, so it wins only when strictly better).
  let best: Forecaster | null = null;
  for (const [k, v] of Object.entries(scores) as [Forecaster, number][]) if (best === null || v < scores[best]!) best = k;
  let model: Model;
  if (best === 'naive' || best === 'seasonal-naive') model = naiveModel(y, m, best);
  else if (best === 'combination') model = combine(inner.map((x) => fitMember(y, x, m, 'full')));
  else model = fitMember(y, best as Member, m, 'full');
  return { model, scores };
}

export interface Backtest {
  holdout: number;
  method: Forecaster;
  smape: number;
  naiveKind: NaiveKind;
  naiveSmape: number;
  actual: number[];
  forecast: number[];
  /** The 95% interval of the forecast (clamped at 0). */
  lower: number[];
  upper: number[];
  naive: number[];
}

/** Holds out the last `holdout` observations, chooses and fits on the rest only, and scores the forecast and the naive baseline. */
export function backtest(y: readonly number[], holdout: number, m: number, opts: SelectOptions = {}): Backtest | null {
  if (y.length <= holdout) return null;
  const train = y.slice(0, y.length - holdout);
  const actual = y.slice(y.length - holdout);
  const sel = selectForecast(train, m, { validation: holdout, ...opts });
  if (!sel) return null;
  const f = sel.model.forecast(holdout);
  const forecast = f.mean.map((v) => Math.max(0, v));
  const naive = naiveForecast(train, holdout, m);
  return {
    holdout, method: sel.model.method, smape: smape(actual, forecast), naiveKind: naive.kind, naiveSmape: smape(actual, naive.mean), actual, forecast,
    lower: f.lower.map((v) => Math.max(0, v)), upper: f.upper.map((v, i) => Math.max(forecast[i]!, v)), naive: naive.mean,
  };
}
