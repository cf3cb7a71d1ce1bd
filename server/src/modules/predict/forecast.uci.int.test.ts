import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { removeTmpFiles, splitCsv, tmpFile } from '../integrations/imports/uci.fixture.ts';
import { uciLinesOf, uciRankedProducts } from './forecast.fixture.ts';
import type { Overview, SeriesDetail, SeriesList } from './forecast.schemas.ts';
import { FORECASTERS } from './forecast.select.ts';

// A slice of the real UCI Online Retail file cut at test time (forecast.fixture.ts): every line (orders and cancellations) of the 6
// best-selling stock codes plus 12 from the middle of the ranking, over the whole year. Imported as a user
// would, forecast, and checked against a plain fold of the same lines.
let app: TestApp;
let admin: Session;
let lines: string[];
const get = async <T>(url: string) => {
  const r = await app.patron.http!.inject({ method: 'GET', url, headers: admin.headers });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  expect(r.body).not.toMatch(/NaN|Infinity/);
  return r.json() as T;
};

beforeAll(async () => {
  const ranked = uciRankedProducts();
  lines = uciLinesOf([...ranked.slice(0, 6), ...ranked.slice(400, 412)]);
  app = await startTestApp();
  admin = await loginAs(app, 'owner');
  const { getStoreSettings, putSetting } = await import('../../platform/settings.ts');
  await putSetting(app.patron.dbh.db, 'store', { ...(await getStoreSettings(app.patron.dbh.db)), timeZone: 'Europe/London', currency: 'GBP' });
  await app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile('uci-slice.csv', lines.join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
}, 120_000);
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

/** Monday (YYYY-MM-DD) of a UCI date "2010-12-01 08:26:00" (already London wall time). */
function mondayOf(s: string): string {
  const t = Date.parse(`${s.slice(0, 10)}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * 86_400_000).toISOString().slice(0, 10);
}

it('forecasts the real data: weeks, history to the unit, forecast with intervals, backtest beside the naive baseline', async () => {
  const svc = app.patron.modules.predict.forecast.service;
  const run = await svc.compute('test', 12);
  // Data runs 2010-12-01 (a Wednesday) to 2011-12-09 (a Friday): complete weeks are 2010-12-06 … 2011-11-28.
  expect(run).toMatchObject({ status: 'done', firstWeek: '2010-12-06', lastWeek: '2011-11-28', weeks: 52, horizon: 12, holdout: 8 });

  // The oracle: net units per stock code and week (orders minus C lines; lines without a customer are guest orders), floored at 0; the
  // stock adjustments (negative, not a C invoice) are rejected by the import.
  const net = new Map<string, Map<string, number>>();
  for (const l of lines.slice(1)) {
    const [inv, code, , qty, date] = splitCsv(l);
    const q = Number(qty);
    if (!inv!.startsWith('C') && q < 0) continue;
    const w = mondayOf(date!);
    if (w < '2010-12-06' || w > '2011-11-28') continue;
    const m = net.get(code!) ?? new Map<string, number>();
    m.set(w, (m.get(w) ?? 0) + q);
    net.set(code!, m);
  }
  const weekly = new Map<string, number>();
  for (const m of net.values()) for (const [w, q] of m) weekly.set(w, (weekly.get(w) ?? 0) + Math.max(0, q));

  const store = await get<SeriesDetail>('/api/predict/forecast/series/store/all');
  expect(store.status).toBe('ok');
  expect(store.history).toHaveLength(52);
  for (const h of store.history) expect(h.units).toBe(weekly.get(h.week) ?? 0);
  expect(store.forecast).toHaveLength(12);
  expect(store.forecast[0]!.week).toBe('2011-12-05');
  for (const f of store.forecast) {
    expect(f.lower).toBeGreaterThanOrEqual(0);
    expect(f.lower).toBeLessThanOrEqual(f.mean);
    expect(f.upper).toBeGreaterThanOrEqual(f.mean);
  }
  // Intervals widen with the horizon.
  expect(store.forecast[11]!.upper - store.forecast[11]!.lower).toBeGreaterThan(store.forecast[0]!.upper - store.forecast[0]!.lower);
  // Backtest on the last 8 weeks (2011-10-10 … 2011-11-28); with one year of history the baseline is plain naive.
  expect(store.backtest).toHaveLength(8);
  expect(store.backtest![0]!.week).toBe('2011-10-10');
  expect(store.naiveKind).toBe('naive');
  expect(store.smape).toBeGreaterThan(0);
  expect(store.smape).toBeLessThan(200);

  const products = await get<SeriesList>('/api/predict/forecast/series?kind=product&limit=10');
  expect(products.items).toHaveLength(10);
  expect(products.nextCursor).not.toBeNull();
  const more = await get<SeriesList>(`/api/predict/forecast/series?kind=product&limit=50&cursor=${products.nextCursor}`);
  const keys = [...products.items, ...more.items].map((i) => i.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBe(18);
  // Every product names the method it got: a smoothing model, a combination, or naive when nothing beat it on earlier weeks.
  for (const i of [...products.items, ...more.items]) expect(FORECASTERS).toContain(i.method);
  const totals = [...products.items, ...more.items].map((i) => i.forecastUnits);
  expect(totals).toEqual([...totals].sort((a, b) => b - a));
  // Each product's history is the fold's, to the unit.
  const top = await get<SeriesDetail>(`/api/predict/forecast/series/product/${products.items[0]!.key}`);
  const oracle = net.get(top.sku!)!;
  for (const h of top.history) expect(h.units).toBe(Math.max(0, oracle.get(h.week) ?? 0));
  expect(top.forecastRevenue!.currency).toBe('GBP');
  expect(Number.isInteger(top.forecastRevenue!.amount)).toBe(true);

  const o = await get<Overview>('/api/predict/forecast');
  const acc = o.run!.summary!.accuracy;
  console.log(`[forecast-uci-slice] store sMAPE ${acc.store.smape} vs naive ${acc.store.naiveSmape}; products (${acc.product.backtested}) mean sMAPE ${acc.product.smape} vs naive ${acc.product.naiveSmape}; regular (${acc.regular.backtested}) ${acc.regular.smape} vs ${acc.regular.naiveSmape}, model better on ${acc.regular.beatsNaive}; ${o.run!.summary!.seconds} s`);
  expect(acc.product.backtested).toBeGreaterThanOrEqual(14);
  expect(acc.regular.backtested + acc.intermittent.backtested).toBe(acc.product.backtested);
  // On products that sell most weeks the model beats last-week-again on average.
  expect(acc.regular.smape!).toBeLessThan(acc.regular.naiveSmape!);
}, 120_000);

it('categories (given to the products here) get their own series, the sum of their products', async () => {
  const db = app.patron.dbh.db;
  await sql`update products set categories = case when title ilike '%bag%' or title ilike '%lunch%' then array['Bags'] else array['Home'] end`.execute(db);
  await app.patron.modules.predict.forecast.service.compute('test', 8);
  const cats = await get<SeriesList>('/api/predict/forecast/series?kind=category');
  expect(cats.items.map((c) => c.key).sort()).toEqual(['Bags', 'Home']);
  const all = await get<SeriesDetail>('/api/predict/forecast/series/store/all');
  const bags = await get<SeriesDetail>('/api/predict/forecast/series/category/Bags');
  const home = await get<SeriesDetail>('/api/predict/forecast/series/category/Home');
  const byWeek = (d: SeriesDetail) => new Map(d.history.map((h) => [h.week, h.units]));
  const [b, h] = [byWeek(bags), byWeek(home)];
  for (const w of all.history) expect((b.get(w.week) ?? 0) + (h.get(w.week) ?? 0)).toBeCloseTo(w.units, 6);
  expect(all.forecast).toHaveLength(8);
});
