import { backtest, selectForecast, type Model } from './forecast.select.ts';
import type { WeekRow } from './forecast.repo.ts';
import type { Accuracy, RunSummary } from './forecast.schemas.ts';
import type { NewForecastRow, SeriesKind } from './forecast.tables.ts';

/** Weekly data: a season is a year. */
export const PERIOD = 52;
/** At most this many weeks of history are used (three seasons). */
export const MAX_WEEKS = 156;
/** Fewest weeks since a series' first sale for any forecast (SES needs its level and α). */
export const MIN_WEEKS = 4;
/** Fewest weeks before the holdout for a backtest. */
export const MIN_BACKTEST_TRAIN = 12;

export type SeriesOut = Omit<NewForecastRow, 'run_id'> & { history: number[]; status: NewForecastRow['status']; kind: SeriesKind; smape: number | null; naive_smape: number | null; naive_kind: string | null };

export interface ComputeInput {
  firstWeek: string;
  weeks: number;
  horizon: number;
  holdout: number;
  currency: string;
  orders: WeekRow[];
  cancellations: WeekRow[];
  products: Map<string, { title: string; sku: string | null; external_id: string; categories: string[] }>;
  /** Products with a stock level: they get a row even without sales, saying so. */
  stocked: ReadonlySet<string>;
}

const DAY = 86_400_000;
export const addWeeks = (week: string, n: number): string => new Date(Date.parse(`${week}T00:00:00Z`) + n * 7 * DAY).toISOString().slice(0, 10);
const weekIndex = (first: string, week: string): number => Math.round((Date.parse(`${week}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / (7 * DAY));
const fin = (v: number): number => (Number.isFinite(v) ? v : 0);
const round3 = (v: number): number => Math.round(fin(v) * 1000) / 1000;
const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

/** Weekly net demand per product (orders minus cancellations, floored at 0) and revenue, as dense arrays from `firstWeek`. */
export function buildProductSeries(input: Pick<ComputeInput, 'firstWeek' | 'weeks' | 'orders' | 'cancellations'>) {
  const units = new Map<string, Float64Array>();
  const gross = new Map<string, Float64Array>();
  const revenue = new Map<string, Float64Array>();
  const arr = (m: Map<string, Float64Array>, id: string) => {
    let a = m.get(id);
    if (!a) m.set(id, (a = new Float64Array(input.weeks)));
    return a;
  };
  for (const r of input.orders) {
    const i = weekIndex(input.firstWeek, r.week);
    if (i < 0 || i >= input.weeks) continue;
    arr(units, r.product_id)[i]! += Number(r.units);
    arr(gross, r.product_id)[i]! += Math.max(0, Number(r.units));
    arr(revenue, r.product_id)[i]! += Number(r.revenue);
  }
  for (const r of input.cancellations) {
    const i = weekIndex(input.firstWeek, r.week);
    if (i < 0 || i >= input.weeks) continue;
    arr(units, r.product_id)[i]! -= Math.abs(Number(r.units));
  }
  let clamped = 0;
  for (const a of units.values()) {
    for (let i = 0; i < a.length; i++) {
      if (a[i]! < 0) {
        a[i] = 0;
        clamped++;
      }
    }
  }
  return { units, gross, revenue, clamped };
}

interface Modelled {
  status: SeriesOut['status'];
  reason: string | null;
  start: number;
  fit: Model | null;
  mean: number[];
  lower: number[];
  upper: number[];
  bt: ReturnType<typeof backtest>;
}

/** Fits one series (from its first sale on), forecasts `horizon` weeks and backtests the last `holdout` ones. */
export function modelSeries(y: readonly number[], opts: { horizon: number; holdout: number; start: number; sparseOk: boolean }): Modelled {
  const none = { fit: null, mean: [], lower: [], upper: [], bt: null };
  const h = y.slice(opts.start);
  if (!h.length || sum(h) <= 0) return { status: 'no-sales', reason: 'No sales in the weeks the forecast looks at.', start: opts.start, ...none };
  if (h.length < MIN_WEEKS) {
    return { status: 'too-little-history', reason: `Only ${h.length} complete week${h.length === 1 ? '' : 's'} since the first sale; a forecast needs at least ${MIN_WEEKS}.`, start: opts.start, ...none };
  }
  // The method is chosen on held-out weeks among the candidates of forecast.select.ts (naive included); the
  // backtest chooses on its own training weeks only, so nothing of the held-out weeks leaks into it.
  const sel = { validation: opts.holdout, intermittentOk: opts.sparseOk };
  const fit = selectForecast(h, PERIOD, sel)!.model;
  const f = fit.forecast(opts.horizon);
  const mean = f.mean.map((v) => Math.max(0, fin(v)));
  const lower = f.lower.map((v) => Math.max(0, fin(v)));
  const upper = f.upper.map((v, i) => Math.max(mean[i]!, fin(v)));
  let bt: Modelled['bt'] = null;
  if (h.length >= opts.holdout + MIN_BACKTEST_TRAIN) bt = backtest(h, opts.holdout, PERIOD, sel);
  return { status: 'ok', reason: null, start: opts.start, fit, mean, lower, upper, bt };
}

function cumulative(v: readonly number[]): number[] {
  let s = 0;
  return v.map((x) => (s += x));
}

function toRow(base: { kind: SeriesKind; key: string; productId: string | null; label: string; sku: string | null }, y: readonly number[], rev: readonly number[], m: Modelled, input: ComputeInput): SeriesOut {
  const hist = y.slice(m.start).map(round3);
  const revenue = rev.slice(m.start).map((v) => Math.round(fin(v)));
  // Expected revenue: expected units × the average price of the last 8 weeks (of the whole history if nothing sold then).
  const recentU = sum(hist.slice(-8));
  const recentR = sum(revenue.slice(-8));
  const price = recentU > 0 ? recentR / recentU : sum(hist) > 0 ? sum(revenue) / sum(hist) : 0;
  const total = round3(sum(m.mean));
  const params = m.fit?.params ?? null;
  return {
    kind: base.kind, key: base.key, product_id: base.productId, label: base.label, sku: base.sku, status: m.status, reason: m.reason,
    method: m.fit?.method ?? null, params: params ? JSON.stringify(params) : null,
    series_start: addWeeks(input.firstWeek, m.start), history: hist, revenue, currency: input.currency,
    mean: m.mean.map(round3), lower: m.lower.map(round3), upper: m.upper.map(round3), cum_mean: cumulative(m.mean).map(round3), cum_upper: cumulative(m.upper).map(round3),
    total, revenue_total: Math.round(fin(total * price)),
    smape: m.bt ? round3(m.bt.smape) : null, naive_smape: m.bt ? round3(m.bt.naiveSmape) : null, naive_kind: m.bt?.naiveKind ?? null,
    backtest: m.bt ? JSON.stringify({ actual: m.bt.actual.map(round3), forecast: m.bt.forecast.map(round3), lower: m.bt.lower.map(round3), upper: m.bt.upper.map(round3), naive: m.bt.naive.map(round3) }) : null,
  };
}

/** Share (%) of the backtest weeks whose actual lies within the forecast's 95% interval. */
function coverage(rows: SeriesOut[]): number | null {
  let inside = 0;
  let n = 0;
  for (const r of rows) {
    const b = JSON.parse(r.backtest as string) as { actual: number[]; lower: number[]; upper: number[] };
    b.actual.forEach((a, i) => {
      n++;
      if (a >= b.lower[i]! - 1e-9 && a <= b.upper[i]! + 1e-9) inside++;
    });
  }
  return n ? round3((100 * inside) / n) : null;
}

function accuracy(rows: SeriesOut[]): Accuracy {
  const ok = rows.filter((r) => r.status === 'ok');
  const bt = ok.filter((r) => r.smape !== null && r.naive_smape !== null);
  const mean = (v: number[]) => (v.length ? round3(sum(v) / v.length) : null);
  return { series: ok.length, backtested: bt.length, smape: mean(bt.map((r) => r.smape!)), naiveSmape: mean(bt.map((r) => r.naive_smape!)), beatsNaive: bt.filter((r) => r.smape! < r.naive_smape!).length, tiesNaive: bt.filter((r) => r.smape === r.naive_smape).length, coverage: coverage(bt) };
}

/** Regular demand: sold in at least half of the weeks before the holdout (average inter-demand interval ≤ 2, Syntetos & Boylan's cut-off is 1.32). */
export const regular = (r: Pick<SeriesOut, 'history'>, holdout: number): boolean => {
  const h = r.history.slice(0, Math.max(1, r.history.length - holdout));
  return h.filter((v) => v > 0).length >= 0.5 * h.length;
};

const firstNonZero = (a: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (a[i]! > 0) return i;
  return a.length;
};

/**
 * Every series of a run: one per product that sold (or has a stock level), one per category, one for the store.
 * Yields to the event loop between series so the API stays responsive while a run computes in the same process.
 */
export async function computeForecasts(input: ComputeInput): Promise<{ rows: SeriesOut[]; summary: Omit<RunSummary, 'seconds' | 'futureOrdersIgnored'> }> {
  const { units, gross, revenue, clamped } = buildProductSeries(input);
  const rows: SeriesOut[] = [];
  const opts = { horizon: input.horizon, holdout: input.holdout };
  const zero = new Float64Array(input.weeks);
  const categories = new Map<string, { units: Float64Array; revenue: Float64Array }>();
  const store = { units: new Float64Array(input.weeks), revenue: new Float64Array(input.weeks) };
  let tick = Date.now();
  const ids = new Set([...units.keys(), ...[...input.stocked].filter((id) => input.products.has(id))]);
  for (const id of ids) {
    const p = input.products.get(id);
    if (!p) continue;
    const y = units.get(id) ?? zero;
    const r = revenue.get(id) ?? zero;
    const g = gross.get(id) ?? zero;
    const start = Math.min(firstNonZero(g), input.weeks);
    const m = modelSeries(Array.from(y), { ...opts, start, sparseOk: true });
    if (m.status === 'no-sales' && !input.stocked.has(id)) continue;
    rows.push(toRow({ kind: 'product', key: id, productId: id, label: p.title, sku: p.sku ?? p.external_id }, Array.from(y), Array.from(r), m, input));
    for (const c of new Set(p.categories.map((x) => x.trim()).filter(Boolean))) {
      let agg = categories.get(c);
      if (!agg) categories.set(c, (agg = { units: new Float64Array(input.weeks), revenue: new Float64Array(input.weeks) }));
      for (let i = 0; i < input.weeks; i++) {
        agg.units[i]! += y[i]!;
        agg.revenue[i]! += r[i]!;
      }
    }
    for (let i = 0; i < input.weeks; i++) {
      store.units[i]! += y[i]!;
      store.revenue[i]! += r[i]!;
    }
    if (Date.now() - tick > 20) {
      await new Promise((res) => setImmediate(res));
      tick = Date.now();
    }
  }
  for (const [c, agg] of categories) {
    const y = Array.from(agg.units);
    const m = modelSeries(y, { ...opts, start: firstNonZero(agg.units), sparseOk: false });
    rows.push(toRow({ kind: 'category', key: c, productId: null, label: c, sku: null }, y, Array.from(agg.revenue), m, input));
    await new Promise((res) => setImmediate(res));
  }
  const sy = Array.from(store.units);
  rows.push(toRow({ kind: 'store', key: 'all', productId: null, label: 'All products', sku: null }, sy, Array.from(store.revenue), modelSeries(sy, { ...opts, start: firstNonZero(store.units), sparseOk: false }), input));
  const of = (k: SeriesKind) => rows.filter((r) => r.kind === k);
  const products = of('product');
  return {
    rows,
    summary: {
      accuracy: {
        product: accuracy(products), regular: accuracy(products.filter((r) => regular(r, input.holdout))), intermittent: accuracy(products.filter((r) => !regular(r, input.holdout))),
        category: accuracy(of('category')), store: accuracy(of('store')),
      },
      counts: { ok: products.filter((r) => r.status === 'ok').length, tooLittleHistory: products.filter((r) => r.status === 'too-little-history').length, noSales: products.filter((r) => r.status === 'no-sales').length },
      naiveKind: (rows.find((r) => r.naive_kind)?.naive_kind as RunSummary['naiveKind'] | undefined) ?? null,
      clampedWeeks: clamped,
    },
  };
}
