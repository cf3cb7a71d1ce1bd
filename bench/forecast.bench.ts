import { computeForecasts } from '../server/src/modules/predict/forecast.compute.ts';
import type { WeekRow } from '../server/src/modules/predict/forecast.repo.ts';
import { addWeeks } from '../server/src/modules/predict/forecast.compute.ts';
import { fmt, type Bench } from './lib.ts';

/** A seeded store: products with a yearly season, a trend, noise, some intermittent sellers and some launched late. */
function store(products: number, weeks: number, seed = 11) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const first = '2023-01-02';
  const orders: WeekRow[] = [];
  const meta = new Map<string, { title: string; sku: string | null; external_id: string; categories: string[] }>();
  for (let p = 0; p < products; p++) {
    const id = `00000000-0000-7000-8000-${String(p).padStart(12, '0')}`;
    meta.set(id, { title: `Product ${p}`, sku: `SKU${p}`, external_id: `P${p}`, categories: [`Category ${p % 20}`] });
    const base = 1 + 40 * u() ** 2;
    const season = 0.6 * u();
    const trend = (u() - 0.5) * 0.01;
    const sparse = u() < 0.3;
    const start = u() < 0.2 ? Math.floor(u() * weeks) : 0;
    for (let w = start; w < weeks; w++) {
      const mean = base * (1 + season * Math.sin((2 * Math.PI * w) / 52)) * (1 + trend * w);
      const units = sparse ? (u() < 0.15 ? Math.round(mean * 3 * u()) : 0) : Math.max(0, Math.round(mean + Math.sqrt(mean) * (u() - 0.5) * 2));
      if (units > 0) orders.push({ product_id: id, week: addWeeks(first, w), units, revenue: units * 1250 });
    }
  }
  return { first, orders, meta };
}

/** Fitting, selecting, backtesting and forecasting every series of a store, vs fitting SES alone on the same series. */
export const bench: Bench = {
  name: 'forecast',
  description: 'Demand forecast run (ETS, Croston–SBA, TSB, combination and naive candidates chosen on held-out weeks, 8-week backtest, 12-week forecast with intervals, per product + 20 categories + store) on a seeded store (--forecast-products N, default 2,000; --forecast-weeks W, default 156)',
  async run(opts) {
    const products = Number(opts.flags['forecast-products'] ?? 2000);
    const weeks = Number(opts.flags['forecast-weeks'] ?? 156);
    const s = store(products, weeks);
    const input = { firstWeek: s.first, weeks, horizon: 12, holdout: 8, currency: 'GBP', orders: s.orders, cancellations: [], products: s.meta, stocked: new Set<string>() };
    const t0 = performance.now();
    const out = await computeForecasts(input);
    const secs = (performance.now() - t0) / 1000;
    const methods = new Map<string, number>();
    for (const r of out.rows) if (r.method) methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
    const mem = process.memoryUsage().rss / 2 ** 20;
    const a = out.summary.accuracy;
    return {
      rows: [
        { what: 'series', value: fmt(out.rows.length) },
        { what: 'seconds', value: fmt(secs, 1) },
        { what: 'series / s', value: fmt(out.rows.length / secs) },
        { what: 'methods chosen', value: [...methods].map(([m, n]) => `${m} ${fmt(n)}`).join(', ') },
        { what: 'sMAPE regular products (model / naive)', value: `${a.regular.smape ?? '—'} / ${a.regular.naiveSmape ?? '—'}` },
        { what: 'sMAPE store (model / naive)', value: `${a.store.smape ?? '—'} / ${a.store.naiveSmape ?? '—'}` },
        { what: 'RSS MiB', value: fmt(mem) },
      ],
      notes: [`${fmt(products)} products × ${weeks} weeks in ${fmt(secs, 1)} s (${fmt((secs * 1000) / out.rows.length, 2)} ms per series); the weekly job budget is minutes, so this leaves room for ~${fmt((products * 600) / secs)} products in 10 minutes.`],
    };
  },
};
