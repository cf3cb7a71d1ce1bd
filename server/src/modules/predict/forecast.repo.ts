import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { SeriesListQuery } from './forecast.schemas.ts';
import type { ForecastRow, ForecastRunRow, NewForecastRow, SeriesKind } from './forecast.tables.ts';

/** Default lead time when a stock level gives none. */
export const DEFAULT_LEAD_WEEKS = 2;

export interface StoreBounds {
  /** Monday of the first complete week after the first order, and of the last week that ended before the latest one. */
  firstWeek: string | null;
  lastWeek: string | null;
  future: number;
}

export interface WeekRow {
  product_id: string;
  week: string;
  units: number;
  revenue: number;
}

/** A row of the series list: the stored series plus its stock level and the flags computed from both. */
export interface ListedRow extends Pick<ForecastRow, 'kind' | 'key' | 'product_id' | 'label' | 'sku' | 'status' | 'reason' | 'method' | 'total' | 'revenue_total' | 'currency' | 'smape' | 'naive_smape' | 'naive_kind' | 'history'> {
  quantity: number | null;
  lead: number | null;
  lead_demand: number | null;
  lead_upper: number | null;
  cover: number | null;
  stock_updated_at: Date | null;
}

/** Expected demand over the lead time L from the running sums (extrapolated at the horizon's mean rate past it). */
const leadDemand = (col: 'cum_mean' | 'cum_upper') => sql<number>`(case when coalesce(s.lead_time_weeks, ${DEFAULT_LEAD_WEEKS}) <= cardinality(f.${sql.ref(col)})
  then f.${sql.ref(col)}[coalesce(s.lead_time_weeks, ${DEFAULT_LEAD_WEEKS})]
  else f.${sql.ref(col)}[cardinality(f.${sql.ref(col)})] * coalesce(s.lead_time_weeks, ${DEFAULT_LEAD_WEEKS}) / cardinality(f.${sql.ref(col)}) end)`;

const cover = sql<number>`(case when f.total > 0 and cardinality(f.mean) > 0 then s.quantity / (f.total / cardinality(f.mean)) end)`;
const flagged = sql<boolean>`(s.product_id is not null and f.status = 'ok' and (${leadDemand('cum_upper')} > s.quantity or (s.quantity = 0 and f.total > 0)))`;

/** SQL of the demand forecast (orders are read, never written). */
export const forecastRepo = {
  async bounds(db: Executor, tz: string, now: Date): Promise<StoreBounds> {
    const r = await sql<StoreBounds>`with b as (
        select min(placed_at) as lo, max(placed_at) as hi from orders where status <> 'cancelled' and placed_at <= ${now}
      ), w as (
        select date_trunc('week', lo at time zone ${tz}) as lo_week, lo at time zone ${tz} as lo_local, date_trunc('week', hi at time zone ${tz}) as hi_week from b
      )
      select to_char(case when lo_local = lo_week then lo_week else lo_week + interval '7 days' end, 'YYYY-MM-DD') as "firstWeek",
        to_char(hi_week - interval '7 days', 'YYYY-MM-DD') as "lastWeek",
        (select count(*) from orders where placed_at > ${now})::int as future
      from w`.execute(db);
    return r.rows[0] ?? { firstWeek: null, lastWeek: null, future: 0 };
  },

  /** Units and revenue (in `currency`) per product and week from `from` (a Monday) up to the end of `to`'s week. */
  async orderWeeks(db: Executor, tz: string, currency: string, from: string, to: string): Promise<WeekRow[]> {
    const r = await sql<WeekRow>`select l.product_id, to_char(date_trunc('week', o.placed_at at time zone ${tz}), 'YYYY-MM-DD') as week,
        sum(l.quantity)::float8 as units, coalesce(sum(l.total) filter (where o.currency = ${currency}), 0)::bigint as revenue
      from orders o join order_lines l on l.order_id = o.id
      where o.status <> 'cancelled' and l.product_id is not null
        and o.placed_at >= (${from}::date::timestamp at time zone ${tz}) and o.placed_at < ((${to}::date + 7)::timestamp at time zone ${tz})
      group by 1, 2`.execute(db);
    return r.rows;
  },

  /** Cancelled units per product and week (lines of cancellation records, matched to products by store id or SKU). */
  async cancellationWeeks(db: Executor, tz: string, from: string, to: string): Promise<WeekRow[]> {
    const r = await sql<WeekRow>`select coalesce(p1.id, p2.id) as product_id, to_char(date_trunc('week', r.refunded_at at time zone ${tz}), 'YYYY-MM-DD') as week,
        sum(abs((e->>'quantity')::float8)) as units, 0::bigint as revenue
      from refunds r cross join lateral jsonb_array_elements(case when jsonb_typeof(r.lines) = 'array' then r.lines else '[]'::jsonb end) e
        left join products p1 on p1.source = r.source and p1.external_id = e->>'sku'
        left join lateral (select id from products p where p.sku = e->>'sku' and p1.id is null limit 1) p2 on true
      where r.kind = 'cancellation' and jsonb_typeof(e->'quantity') = 'number'
        and r.refunded_at >= (${from}::date::timestamp at time zone ${tz}) and r.refunded_at < ((${to}::date + 7)::timestamp at time zone ${tz})
        and coalesce(p1.id, p2.id) is not null
      group by 1, 2`.execute(db);
    return r.rows;
  },

  async products(db: Executor, ids: readonly string[]): Promise<{ id: string; title: string; sku: string | null; external_id: string; categories: string[] }[]> {
    if (!ids.length) return [];
    return db.selectFrom('products').select(['id', 'title', 'sku', 'external_id', 'categories']).where('id', 'in', [...ids]).execute();
  },

  async stockedProductIds(db: Executor): Promise<string[]> {
    return (await db.selectFrom('predict_stock_levels').select('product_id').execute()).map((r) => r.product_id);
  },

  async startRun(db: Executor, run: { id: string; trigger: string; horizon: number; holdout: number }): Promise<void> {
    await db.insertInto('predict_forecast_runs').values({ ...run, status: 'running', first_week: null, last_week: null, summary: null, error: null, finished_at: null }).execute();
  },

  async insertSeries(db: Executor, rows: NewForecastRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('predict_forecasts').values(rows.slice(i, i + 500)).execute();
  },

  /** Marks the run done and drops the series of every older run (only the latest is served). */
  async finishRun(db: Executor, id: string, f: { firstWeek: string | null; lastWeek: string | null; weeks: number; summary: unknown }): Promise<void> {
    await db.updateTable('predict_forecast_runs').set({ status: 'done', first_week: f.firstWeek, last_week: f.lastWeek, weeks: f.weeks, summary: JSON.stringify(f.summary), finished_at: new Date() }).where('id', '=', id).execute();
    await db.deleteFrom('predict_forecasts').where('run_id', '<>', id).execute();
  },

  async failRun(db: Executor, id: string, error: string): Promise<void> {
    await db.updateTable('predict_forecast_runs').set({ status: 'failed', error, finished_at: new Date() }).where('id', '=', id).execute();
  },

  async latestRun(db: Executor, status?: 'done' | 'failed' | 'running'): Promise<ForecastRunRow | undefined> {
    let q = db.selectFrom('predict_forecast_runs').selectAll();
    if (status) q = q.where('status', '=', status);
    return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  },

  async categories(db: Executor, runId: string): Promise<string[]> {
    return (await db.selectFrom('predict_forecasts').select('key').where('run_id', '=', runId).where('kind', '=', 'category').orderBy('key').execute()).map((r) => r.key);
  },

  async flaggedCount(db: Executor, runId: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from predict_forecasts f join predict_stock_levels s on s.product_id = f.product_id
      where f.run_id = ${runId} and f.kind = 'product' and ${flagged}`.execute(db);
    return r.rows[0]?.n ?? 0;
  },

  async stockCount(db: Executor): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from predict_stock_levels`.execute(db);
    return r.rows[0]?.n ?? 0;
  },

  /** A page of series: by expected demand (largest first), or, for `flagged`, by weeks of cover (fewest first). */
  async list(db: Executor, runId: string, q: SeriesListQuery, after: [number, string] | null): Promise<ListedRow[]> {
    const byCover = q.risk === 'flagged';
    const sortVal = byCover ? sql<number>`coalesce(${cover}, 0)` : sql<number>`f.total`;
    const where = [sql`f.run_id = ${runId}`, sql`f.kind = ${q.kind}`];
    if (byCover) where.push(flagged);
    if (q.q) {
      const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`(lower(f.label) like ${like} or lower(coalesce(f.sku, '')) like ${like})`);
    }
    if (after) where.push(byCover ? sql`(${sortVal}, f.key) > (${after[0]}, ${after[1]})` : sql`(${sortVal} < ${after[0]} or (${sortVal} = ${after[0]} and f.key > ${after[1]}))`);
    const r = await sql<ListedRow>`select f.kind, f.key, f.product_id, f.label, f.sku, f.status, f.reason, f.method, f.total, f.revenue_total, f.currency,
        f.smape, f.naive_smape, f.naive_kind, f.history[greatest(1, cardinality(f.history) - 7):] as history,
        s.quantity, s.lead_time_weeks as lead, ${leadDemand('cum_mean')} as lead_demand, ${leadDemand('cum_upper')} as lead_upper, ${cover} as cover, s.updated_at as stock_updated_at
      from predict_forecasts f left join predict_stock_levels s on s.product_id = f.product_id
      where ${sql.join(where, sql` and `)}
      order by ${sortVal} ${byCover ? sql`asc` : sql`desc`}, f.key asc
      limit ${q.limit + 1}`.execute(db);
    return r.rows;
  },

  async get(db: Executor, runId: string, kind: SeriesKind, key: string): Promise<(ForecastRow & Omit<ListedRow, keyof ForecastRow>) | undefined> {
    const r = await sql<ForecastRow & Omit<ListedRow, keyof ForecastRow>>`select f.*, s.quantity, s.lead_time_weeks as lead, ${leadDemand('cum_mean')} as lead_demand, ${leadDemand('cum_upper')} as lead_upper,
        ${cover} as cover, s.updated_at as stock_updated_at
      from predict_forecasts f left join predict_stock_levels s on s.product_id = f.product_id
      where f.run_id = ${runId} and f.kind = ${kind} and f.key = ${key}`.execute(db);
    return r.rows[0];
  },

  async productExists(db: Executor, id: string): Promise<{ id: string; title: string; sku: string | null } | undefined> {
    return db.selectFrom('products').select(['id', 'title', 'sku']).where('id', '=', id).executeTakeFirst();
  },

  /** Products by SKU (product or variant SKU, or the id the store gave it), and by id. */
  async resolve(db: Executor, skus: readonly string[], ids: readonly string[]): Promise<{ bySku: Map<string, string[]>; ids: Set<string> }> {
    const bySku = new Map<string, string[]>();
    if (skus.length) {
      const r = await sql<{ given: string; id: string }>`select distinct g.given, p.id from unnest(${[...skus]}::text[]) as g(given)
          join products p on p.sku = g.given or p.external_id = g.given
        union
        select distinct g.given, v.product_id from unnest(${[...skus]}::text[]) as g(given) join product_variants v on v.sku = g.given`.execute(db);
      for (const row of r.rows) bySku.set(row.given, [...(bySku.get(row.given) ?? []), row.id]);
    }
    const found = ids.length ? new Set((await db.selectFrom('products').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id)) : new Set<string>();
    return { bySku, ids: found };
  },

  async upsertStock(db: Executor, rows: { productId: string; quantity: number; leadTimeWeeks: number | null | undefined; givenAs: string }[], by: string): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      const c = rows.slice(i, i + 2000);
      // An omitted lead time keeps the one on file; null clears it.
      await sql`insert into predict_stock_levels (product_id, quantity, lead_time_weeks, given_as, updated_by, updated_at)
        select u.product_id, u.quantity, case when u.keep_lead then (select x.lead_time_weeks from predict_stock_levels x where x.product_id = u.product_id) else u.lead end,
          u.given_as, ${by}, now()
        from unnest(${c.map((r) => r.productId)}::uuid[], ${c.map((r) => r.quantity)}::int[], ${c.map((r) => r.leadTimeWeeks ?? null)}::int[], ${c.map((r) => r.leadTimeWeeks === undefined)}::bool[], ${c.map((r) => r.givenAs)}::text[])
          as u(product_id, quantity, lead, keep_lead, given_as)
        on conflict (product_id) do update set quantity = excluded.quantity, lead_time_weeks = excluded.lead_time_weeks, given_as = excluded.given_as,
          updated_by = excluded.updated_by, updated_at = now()`.execute(db);
    }
  },

  async listStock(db: Executor, after: string | null, limit: number) {
    let q = db.selectFrom('predict_stock_levels as s').innerJoin('products as p', 'p.id', 's.product_id')
      .select(['s.product_id as productId', 'p.title', 'p.sku', 's.quantity', 's.lead_time_weeks as leadTimeWeeks', 's.updated_at as updatedAt']);
    if (after) q = q.where('s.product_id', '>', after);
    return q.orderBy('s.product_id').limit(limit + 1).execute();
  },

  async deleteStock(db: Executor, productId: string): Promise<boolean> {
    const r = await db.deleteFrom('predict_stock_levels').where('product_id', '=', productId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
