import type { Logger } from 'pino';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isUuidString } from '../../platform/http/cursor.ts';
import { badRequest, HttpError, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { addWeeks, computeForecasts, MAX_WEEKS } from './forecast.compute.ts';
import { DEFAULT_LEAD_WEEKS, forecastRepo, type ListedRow } from './forecast.repo.ts';
import type { Overview, Risk, Run, RunSummary, SeriesDetail, SeriesKind, SeriesList, SeriesListQuery, SeriesSummary, StockBody, StockInfo, StockResult } from './forecast.schemas.ts';
import type { ForecastRunRow } from './forecast.tables.ts';

export const FORECAST_JOB = 'predict.forecast';
export const DEFAULT_HORIZON = 12;
export const HOLDOUT = 8;
/** A run still 'running' after this long died with its process. */
const STALE_MS = 60 * 60 * 1000;

const notComputed = () =>
  new HttpError(404, 'forecast-not-computed', 'No forecast yet', 'No demand forecast has been computed yet: start one (POST /api/predict/forecast/runs, or “Recompute” on the Demand forecast page) or wait for the weekly run.');

const r1 = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Math.round(Number(v) * 10) / 10);
const r2 = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Math.round(Number(v) * 100) / 100);
const num = (v: unknown): number => (Number.isFinite(Number(v)) ? Number(v) : 0);
const isCursor = (v: unknown): v is [number, string] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isFinite(v[0]) && typeof v[1] === 'string';

function riskOf(r: Pick<ListedRow, 'status' | 'quantity' | 'total' | 'lead_demand' | 'lead_upper'>): Risk {
  if (r.status !== 'ok') return 'no-forecast';
  if (r.quantity === 0 && num(r.total) > 0) return 'out';
  if (num(r.lead_demand) > r.quantity!) return 'short';
  if (num(r.lead_upper) > r.quantity!) return 'at-risk';
  return 'ok';
}

function stockOf(r: ListedRow): StockInfo | null {
  if (r.quantity === null || r.quantity === undefined || !r.stock_updated_at) return null;
  const ok = r.status === 'ok';
  return {
    quantity: r.quantity, leadTimeWeeks: r.lead ?? DEFAULT_LEAD_WEEKS,
    demandOverLeadTime: ok ? (r1(r.lead_demand) ?? 0) : 0, demandOverLeadTimeUpper: ok ? (r1(r.lead_upper) ?? 0) : 0,
    weeksOfCover: ok ? r2(r.cover) : null, risk: riskOf(r), updatedAt: r.stock_updated_at,
  };
}

function summaryOf(r: ListedRow): SeriesSummary {
  const hist = (r.history ?? []).map(num);
  return {
    kind: r.kind, key: r.key, productId: r.product_id, label: r.label, sku: r.sku, status: r.status, reason: r.reason, method: r.method,
    forecastUnits: r1(r.total) ?? 0, forecastRevenue: r.currency && r.status === 'ok' ? { amount: Math.round(num(r.revenue_total)), currency: r.currency } : null,
    recentUnits: r1(hist.slice(-8).reduce((a, b) => a + b, 0)) ?? 0,
    smape: r1(r.smape), naiveSmape: r1(r.naive_smape), naiveKind: (r.naive_kind as SeriesSummary['naiveKind']) ?? null, stock: stockOf(r),
  };
}

function runOut(r: ForecastRunRow): Run {
  return {
    id: r.id, status: r.status, trigger: r.trigger, horizon: r.horizon, holdout: r.holdout, firstWeek: r.first_week, lastWeek: r.last_week, weeks: r.weeks,
    summary: (r.summary as RunSummary | null) ?? null, error: r.error, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

/** Demand forecast: weekly series per product, category and store, computed by a job and served from the latest run; stock levels and flags. */
export class ForecastService {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly log: Logger;

  constructor(deps: { db: Db; jobs: Jobs; log: Logger }) {
    this.db = deps.db;
    this.jobs = deps.jobs;
    this.log = deps.log;
  }

  /** Computes and stores a new run (the job's work; also called directly by the demo and tests). */
  async compute(trigger: string, horizon = DEFAULT_HORIZON, now = new Date()): Promise<Run> {
    const started = performance.now();
    const id = newId();
    await forecastRepo.startRun(this.db, { id, trigger, horizon, holdout: HOLDOUT });
    try {
      const store = await getStoreSettings(this.db);
      const b = await forecastRepo.bounds(this.db, store.timeZone, now);
      let first = b.firstWeek;
      const last = b.lastWeek;
      // No complete week yet (one order, this week) gives first > last: 0 weeks, not a negative count.
      let weeks = first && last ? Math.max(0, Math.round((Date.parse(last) - Date.parse(first)) / (7 * 86_400_000)) + 1) : 0;
      if (weeks > MAX_WEEKS) {
        first = addWeeks(last!, -(MAX_WEEKS - 1));
        weeks = MAX_WEEKS;
      }
      let rows: Awaited<ReturnType<typeof computeForecasts>>['rows'] = [];
      let summary: Omit<RunSummary, 'seconds' | 'futureOrdersIgnored'> | null = null;
      if (weeks > 0 && first && last) {
        const [orders, cancellations, stocked] = await Promise.all([
          forecastRepo.orderWeeks(this.db, store.timeZone, store.currency, first, last),
          forecastRepo.cancellationWeeks(this.db, store.timeZone, first, last),
          forecastRepo.stockedProductIds(this.db),
        ]);
        const products = new Map((await forecastRepo.products(this.db, [...new Set([...orders.map((o) => o.product_id), ...stocked])])).map((p) => [p.id, p]));
        const out = await computeForecasts({ firstWeek: first, weeks, horizon, holdout: HOLDOUT, currency: store.currency, orders, cancellations, products, stocked: new Set(stocked) });
        rows = out.rows;
        summary = out.summary;
      }
      const empty = { series: 0, backtested: 0, smape: null, naiveSmape: null, beatsNaive: 0, tiesNaive: 0, coverage: null };
      const full: RunSummary = {
        ...(summary ?? { accuracy: { product: empty, regular: empty, intermittent: empty, category: empty, store: empty }, counts: { ok: 0, tooLittleHistory: 0, noSales: 0 }, naiveKind: null, clampedWeeks: 0 }),
        futureOrdersIgnored: b.future, seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      await this.db.transaction().execute(async (tx) => {
        await forecastRepo.insertSeries(tx, rows.map((r) => ({ ...r, run_id: id })));
        await forecastRepo.finishRun(tx, id, { firstWeek: weeks > 0 ? first : null, lastWeek: weeks > 0 ? last : null, weeks, summary: full });
      });
      this.log.info({ run: id, weeks, series: rows.length, seconds: full.seconds }, 'demand forecast computed');
      return runOut((await forecastRepo.latestRun(this.db, 'done'))!);
    } catch (e) {
      await forecastRepo.failRun(this.db, id, (e as Error).message);
      throw e;
    }
  }

  /** Queues a run (deduplicated while one waits) and records who asked. */
  async requestRun(actor: Actor, horizon: number): Promise<{ queued: true; horizon: number }> {
    await this.db.transaction().execute(async (tx) => {
      await this.jobs.enqueue(tx, FORECAST_JOB, { trigger: 'manual', horizon }, { jobKey: FORECAST_JOB, maxAttempts: 2 });
      await audit.record(tx, actor, { action: 'predict.forecast.requested', entityType: 'predict_forecast', summary: `Asked for a new demand forecast (${horizon} weeks)`, after: { horizon } });
    });
    return { queued: true, horizon };
  }

  /** The horizon the weekly run uses: the latest run's (so a merchant's choice sticks), else the default. */
  async currentHorizon(): Promise<number> {
    return (await forecastRepo.latestRun(this.db, 'done'))?.horizon ?? DEFAULT_HORIZON;
  }

  async overview(): Promise<Overview> {
    const [run, latest, queued, stockLevels] = await Promise.all([
      forecastRepo.latestRun(this.db, 'done'),
      forecastRepo.latestRun(this.db),
      this.jobs.list(this.db, { task: FORECAST_JOB, limit: 5 }),
      forecastRepo.stockCount(this.db),
    ]);
    const running = queued.some((j) => j.state !== 'failed') || (latest?.status === 'running' && Date.now() - latest.started_at.getTime() < STALE_MS);
    return {
      run: run ? runOut(run) : null, running,
      lastFailure: latest?.status === 'failed' ? latest.error : null,
      categories: run ? await forecastRepo.categories(this.db, run.id) : [],
      flagged: run ? await forecastRepo.flaggedCount(this.db, run.id) : 0,
      stockLevels,
    };
  }

  private async run(): Promise<ForecastRunRow> {
    const run = await forecastRepo.latestRun(this.db, 'done');
    if (!run) throw notComputed();
    return run;
  }

  async list(q: SeriesListQuery): Promise<SeriesList> {
    const run = await this.run();
    const after = q.cursor ? decodeCursor(q.cursor, isCursor) : null;
    const rows = await forecastRepo.list(this.db, run.id, q, after);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const sortVal = (r: ListedRow) => (q.risk === 'flagged' ? num(r.cover) : num(r.total));
    return { items: page.map(summaryOf), nextCursor: rows.length > q.limit && last ? encodeCursor([sortVal(last), last.key]) : null };
  }

  async get(kind: SeriesKind, key: string): Promise<SeriesDetail> {
    const run = await this.run();
    if (kind === 'product' && !isUuidString(key)) throw badRequest('A product series is addressed by the product id (a UUID).', [{ pointer: '/params/key', detail: 'must be a product id' }]);
    const r = await forecastRepo.get(this.db, run.id, kind, key);
    if (!r) {
      if (kind === 'product') {
        const p = await forecastRepo.productExists(this.db, key);
        if (!p) throw notFound(`No product ${key}.`);
        // A product that sold nothing in the weeks looked at has no series: say so rather than 404.
        const none: ListedRow = {
          kind, key, product_id: key, label: p.title, sku: p.sku, status: 'no-sales', reason: `No sales between ${run.first_week ?? '–'} and ${run.last_week ?? '–'} (the weeks the forecast looks at).`,
          method: null, total: 0, revenue_total: 0, currency: null, smape: null, naive_smape: null, naive_kind: null, history: [], quantity: null, lead: null, lead_demand: null, lead_upper: null, cover: null, stock_updated_at: null,
        };
        return { ...summaryOf(none), params: null, history: [], forecast: [], backtest: null };
      }
      throw notFound(kind === 'category' ? `No category “${key}” in the latest forecast.` : 'The store series is only "all".');
    }
    const start = r.series_start ?? run.first_week!;
    const revenue = (r.revenue ?? []).map(num);
    const history = r.history.map((u, i) => ({ week: addWeeks(start, i), units: num(u), revenue: Math.round(revenue[i] ?? 0) }));
    const bt = r.backtest as { actual: number[]; forecast: number[]; naive: number[] } | null;
    const btStart = history.length - (bt?.actual.length ?? 0);
    return {
      ...summaryOf({ ...r, history: r.history }),
      params: (r.params as Record<string, number> | null) ?? null,
      history,
      forecast: r.mean.map((m, i) => ({ week: addWeeks(run.last_week!, i + 1), mean: num(m), lower: num(r.lower[i]), upper: num(r.upper[i]) })),
      backtest: bt ? bt.actual.map((a, i) => ({ week: history[btStart + i]?.week ?? addWeeks(start, btStart + i), actual: num(a), forecast: num(bt.forecast[i]), naive: num(bt.naive[i]) })) : null,
    };
  }

  /** Sets stock levels (absolute quantities: sending the same body twice changes nothing). Unknown products reject the request unless skipUnknown. */
  async putStock(actor: Actor, body: StockBody): Promise<StockResult> {
    const skus = [...new Set(body.items.flatMap((i) => (i.sku ? [i.sku] : [])))];
    const ids = [...new Set(body.items.flatMap((i) => (i.productId ? [i.productId] : [])))];
    const found = await forecastRepo.resolve(this.db, skus, ids);
    const errors: FieldError[] = [];
    const skipped: StockResult['skipped'] = [];
    const rows: { productId: string; quantity: number; leadTimeWeeks: number | null | undefined; givenAs: string; index: number }[] = [];
    const seen = new Map<string, number>();
    body.items.forEach((item, index) => {
      const given = item.sku ?? item.productId!;
      const pointer = `/body/items/${index}/${item.sku ? 'sku' : 'productId'}`;
      let productId: string | undefined;
      let problem: string | null = null;
      if (item.sku) {
        const m = found.bySku.get(item.sku) ?? [];
        if (!m.length) problem = `no product has SKU “${item.sku}”`;
        else if (m.length > 1) problem = `SKU “${item.sku}” matches ${m.length} products: send their productId instead`;
        else productId = m[0];
      } else if (!found.ids.has(item.productId!)) problem = `no product ${item.productId}`;
      else productId = item.productId;
      if (problem) {
        if (body.skipUnknown) skipped.push({ index, given, reason: problem });
        else errors.push({ pointer, detail: problem });
        return;
      }
      const dup = seen.get(productId!);
      if (dup !== undefined) {
        errors.push({ pointer, detail: `is the same product as item ${dup}: give each product once` });
        return;
      }
      seen.set(productId!, index);
      rows.push({ productId: productId!, quantity: item.quantity, leadTimeWeeks: item.leadTimeWeeks, givenAs: given, index });
    });
    if (errors.length) {
      const shown = errors.slice(0, 5).map((e) => `${e.pointer}: ${e.detail}`).join('; ');
      throw new HttpError(422, 'unknown-products', 'Some stock levels name no product', `Nothing was saved: ${errors.length} item${errors.length === 1 ? '' : 's'} cannot be used (${shown}${errors.length > 5 ? '; …' : ''}). Fix them, or send skipUnknown: true to save the others.`, { errors: errors.slice(0, 200) });
    }
    await this.db.transaction().execute(async (tx) => {
      await forecastRepo.upsertStock(tx, rows, actor.label);
      await audit.record(tx, actor, {
        action: 'predict.stock.updated', entityType: 'predict_stock', summary: `Set stock levels of ${rows.length} product${rows.length === 1 ? '' : 's'}${skipped.length ? ` (${skipped.length} unknown skipped)` : ''}`,
        after: { updated: rows.length, skipped: skipped.length, sample: rows.slice(0, 20).map((r) => ({ productId: r.productId, quantity: r.quantity })) },
      });
    });
    return { updated: rows.length, skipped };
  }

  async listStock(cursor: string | undefined, limit: number) {
    const after = cursor ? decodeCursor(cursor, isUuidString) : null;
    const rows = await forecastRepo.listStock(this.db, after, limit);
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.productId) : null };
  }

  async deleteStock(actor: Actor, productId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (!(await forecastRepo.deleteStock(tx, productId))) throw notFound(`No stock level for product ${productId}.`);
      await audit.record(tx, actor, { action: 'predict.stock.deleted', entityType: 'predict_stock', entityId: productId, summary: 'Removed a stock level' });
    });
  }

  /** The forecast tables hold no personal data (products and aggregate weekly demand only): nothing to export. */
  async exportCustomer(_customerId: string): Promise<Record<string, unknown>> {
    return {};
  }

  /** Nothing to erase: see exportCustomer. Aggregates lose nothing identifying when a customer's orders go. */
  async eraseCustomer(_customerId: string): Promise<{ rows: number }> {
    return { rows: 0 };
  }
}
