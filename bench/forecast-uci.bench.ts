import { computeForecasts } from '../server/src/modules/predict/forecast.compute.ts';
import { allLines } from '../server/src/modules/predict/forecast.fixture.ts';
import type { WeekRow } from '../server/src/modules/predict/forecast.repo.ts';
import { splitCsv } from '../server/src/modules/integrations/imports/uci.fixture.ts';
import { fmt, type Bench } from './lib.ts';

/** Monday of a UCI date "2010-12-01 08:26:00" (London wall time, the store's zone). */
function mondayOf(s: string): string {
  const t = Date.parse(`${s.slice(0, 10)}T00:00:00Z`);
  return new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The whole UCI Online Retail file folded into weekly rows the way the import + forecast SQL see it (orders:
 * lines of non-C invoices with quantity ≥ 0; cancellations: C lines; each stock code a product), without Postgres.
 */
function foldWeeks(first: string, last: string) {
  const ord = new Map<string, WeekRow>();
  const can = new Map<string, WeekRow>();
  const products = new Map<string, { title: string; sku: string | null; external_id: string; categories: string[] }>();
  const lines = allLines();
  for (let i = 1; i < lines.length; i++) {
    const [inv, code, desc, qty, date, price] = splitCsv(lines[i]!);
    const q = Number(qty);
    const c = inv!.startsWith('C');
    if (!c && q < 0) continue;
    const week = mondayOf(date!);
    if (week < first || week > last) continue;
    if (!products.has(code!)) products.set(code!, { title: desc!, sku: code!, external_id: code!, categories: [] });
    const m = c ? can : ord;
    const k = `${code}|${week}`;
    const r = m.get(k) ?? { product_id: code!, week, units: 0, revenue: 0 };
    r.units += Math.abs(q);
    if (!c) r.revenue += Math.round(q * Number(price) * 100);
    m.set(k, r);
  }
  return { orders: [...ord.values()], cancellations: [...can.values()], products };
}

/**
 * The accuracy table of docs/predictions.md: the forecast run on the real Online Retail data, backtested on its
 * last 8 complete weeks (the test), and — what design choices were made on — on the 8 weeks before those with the
 * data cut there (development: weeks 36–43, nothing after them seen).
 */
export const bench: Bench = {
  name: 'forecast-uci',
  description: 'Demand forecast accuracy on the real UCI Online Retail file (sMAPE vs naive on the last 8 weeks, and on the 8 weeks before as a development check); no database',
  async run() {
    const rows: Record<string, string>[] = [];
    const notes: string[] = [];
    const f = foldWeeks('2010-12-06', '2011-11-28');
    for (const [label, weeks] of [['test: 2011-10-10 … 11-28', 52], ['development: 2011-08-15 … 10-03', 44]] as const) {
      const t0 = performance.now();
      const out = await computeForecasts({ firstWeek: '2010-12-06', weeks, horizon: 12, holdout: 8, currency: 'GBP', ...f, stocked: new Set() });
      const secs = (performance.now() - t0) / 1000;
      const a = out.summary.accuracy;
      for (const [what, x] of [['store', a.store], ['regular products', a.regular], ['intermittent products', a.intermittent], ['all products', a.product]] as const) {
        const worse = x.backtested - x.beatsNaive - (x.tiesNaive ?? 0);
        rows.push({ backtest: label, series: what, n: fmt(x.backtested), model: `${x.smape}%`, naive: `${x.naiveSmape}%`, 'better / same / worse': `${fmt(x.beatsNaive)} / ${fmt(x.tiesNaive ?? 0)} / ${fmt(worse)}`, 'in 95% interval': `${x.coverage ?? '—'}%` });
      }
      const methods = new Map<string, number>();
      for (const r of out.rows) if (r.kind === 'product' && r.method) methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
      notes.push(`${label}: ${fmt(out.rows.length)} series in ${fmt(secs, 1)} s; product methods: ${[...methods].map(([m, n]) => `${m} ${fmt(n)}`).join(', ')}`);
    }
    return { rows, notes };
  },
};
