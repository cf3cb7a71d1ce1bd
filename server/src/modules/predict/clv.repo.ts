import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isUuidString } from '../../platform/http/cursor.ts';

const isTopCursor = (v: unknown): v is { clv: string; id: string } =>
  typeof v === 'object' && v !== null && /^-?\d+$/.test(String((v as { clv?: unknown }).clv)) && isUuidString((v as { id?: unknown }).id);

export interface ClvModelsTable {
  id: string;
  status: 'fitted' | 'insufficient-data';
  reason: string | null;
  purpose: 'scoring' | 'evaluation';
  trigger: string;
  calibration_end: string;
  holdout_end: string | null;
  unit: 'day' | 'week';
  horizon_months: number;
  discount_rate: number;
  currency: string;
  customers: number;
  repeat_customers: number;
  transactions: number;
  bgnbd: unknown;
  gamma_gamma: unknown;
  diagnostics: unknown;
  warnings: unknown;
  scored: number;
  duration_ms: number;
  created_at: Date;
  created_by: string | null;
}

export interface CustomerPredictionsTable {
  customer_id: string;
  model_id: string;
  p_alive: number;
  churn_risk: 'low' | 'medium' | 'high';
  expected_orders_30: number;
  expected_orders_90: number;
  expected_orders_365: number;
  expected_aov: number | null;
  clv: number | null;
  next_order_on: string | null;
  repeat_orders: number;
  computed_at: Date;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    clv_models: ClvModelsTable;
    customer_predictions: CustomerPredictionsTable;
  }
}

/** Serialises fits across processes (the nightly job, the button, the CLI). */
const LOCK_KEY = 0x43_4c_56_01;

export interface SummaryScope {
  /** Last calibration day (inclusive), in the store's time zone. */
  until: string;
  /** Last holdout day (inclusive); equal to `until` when there is no holdout. */
  holdoutEnd: string;
  timeZone: string;
  currency: string;
  /** No order is dated after `holdoutEnd` (a scoring fit as of the latest order): the date filter can go. */
  everything?: boolean;
}

export interface Groups {
  x: number[];
  tx: number[];
  T: number[];
  n: number[];
  /** Holdout transactions of the group's customers, summed. */
  xStar: number[];
}

/** Which orders are purchases the models see (see `summarise`). */
const purchase = (s: SummaryScope) => sql`o.customer_id is not null and o.status <> 'cancelled' and o.currency = ${s.currency}
  and o.total - o.refunded_total >= 0 and not (o.refunded_total > 0 and o.total - o.refunded_total = 0) and o.placed_at <= now()
  ${s.everything ? sql`` : sql`and (o.placed_at at time zone ${s.timeZone})::date <= ${s.holdoutEnd}::date`}`;

/** A comma-separated column of integers (null: no rows). */
const ints = (csv: string | null): number[] => (csv ? csv.split(',').map(Number) : []);

/** Numbers come back from Postgres as numbers (int) or strings (bigint, numeric): one place to coerce. */
const num = (v: unknown) => Number(v);

export const clvRepo = {
  async lock(tx: Tx): Promise<void> {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY}::bigint)`.execute(tx);
    // Everything a fit writes can be recomputed: its commit need not wait for the WAL flush (a crash in that
    // instant loses the fit, never consistency: the previous predictions stay).
    await sql`set local synchronous_commit = off`.execute(tx);
  },

  /**
   * The BG/NBD sufficient statistics of every customer, in days, into a temporary table, in one pass over the
   * orders: first a row per customer and calendar day (the papers merge same-day purchases) valued at what the
   * store kept (total − refunded) in the store's currency, then a row per customer. Cancelled and fully refunded
   * orders are not purchases; orders dated in the future are not yet. A free (zero-value) order is a purchase
   * worth nothing, as in the papers' CDNOW data. Orders of merged profiles were moved to the survivor by the merge.
   */
  async summarise(tx: Tx, s: SummaryScope): Promise<{ customers: number; repeatCustomers: number; transactions: number }> {
    await sql`set local work_mem = '256MB'`.execute(tx);
    // A (customer, day) group per purchase day: millions of groups, which a hash aggregate spills to disk in
    // batches while a (parallel) sort streams them in order to both aggregates — measured 2.4× faster at 4.8M orders.
    await sql`set local enable_hashagg = off`.execute(tx);
    await sql`drop table if exists clv_summary`.execute(tx);
    // Values are summed as float8: exact for integers below 2⁵³ (ninety trillion dollars in cents, per customer), and
    // its partial sums pass between parallel workers as plain numbers, where bigint's sum (numeric) is serialised per
    // (customer, day) group — measured 30% of the summary at 4.8M orders.
    // The first day's value without a window or arrays: (days since 1900) · 2⁴⁰ + value packs both into one
    // bigint whose minimum is the first day's, its low 40 bits the value (a day's value is capped at 2⁴⁰ − 1
    // minor units, eleven billion dollars).
    await sql`
      create temp table clv_summary on commit drop as
      select customer_id, min(day) as first_day,
        (count(*) filter (where day <= ${s.until}::date) - 1)::int as x,
        (max(day) filter (where day <= ${s.until}::date) - min(day))::int as tx,
        (${s.until}::date - min(day))::int as t,
        (count(*) filter (where day > ${s.until}::date))::int as x_star,
        (coalesce(sum(value) filter (where day <= ${s.until}::date), 0)::bigint - (min(((day - date '1900-01-01')::bigint << 40) | least(value::bigint, 1099511627775)) & 1099511627775))::bigint as repeat_sum
      from (
        select o.customer_id, (o.placed_at at time zone ${s.timeZone})::date as day, sum((o.total - o.refunded_total)::float8) as value
        from orders o
        where ${purchase(s)}
        group by 1, 2
      ) d
      group by customer_id
      having min(day) <= ${s.until}::date`.execute(tx);
    await sql`set local enable_hashagg = on`.execute(tx);
    // Temporary tables get no statistics by themselves: without them the joins below plan as nested loops.
    await sql`analyze clv_summary`.execute(tx);
    const r = await sql<{ customers: number; repeaters: number; transactions: string }>`
      select count(*)::int as customers, (count(*) filter (where x > 0))::int as repeaters, coalesce(sum(x + 1), 0)::bigint as transactions from clv_summary`.execute(tx);
    const row = r.rows[0]!;
    return { customers: row.customers, repeatCustomers: row.repeaters, transactions: num(row.transactions) };
  },

  /**
   * Customers grouped by identical (x, t_x, T) in days, with their holdout transactions summed. Each column
   * travels as one comma-separated text (hundreds of thousands of groups at a million customers: one row, not
   * that many row objects).
   */
  async groups(tx: Tx): Promise<Groups> {
    const r = await sql<{ x: string | null; tx: string | null; t: string | null; n: string | null; xs: string | null }>`
      select string_agg(x::text, ',') as x, string_agg(tx::text, ',') as tx, string_agg(t::text, ',') as t, string_agg(n::text, ',') as n, string_agg(xs::text, ',') as xs
      from (select x, tx, t, count(*) as n, sum(x_star) as xs from clv_summary group by x, tx, t) g`.execute(tx);
    const row = r.rows[0]!;
    return { x: ints(row.x), tx: ints(row.tx), T: ints(row.t), n: ints(row.n), xStar: ints(row.xs) };
  },

  /** Repeat customers' repeat transactions: how many and their total value (minor units). */
  async spend(tx: Tx): Promise<{ x: number[]; sum: number[] }> {
    const r = await sql<{ x: string | null; s: string | null }>`
      select string_agg(x::text, ',') as x, string_agg(repeat_sum::text, ',') as s from clv_summary where x > 0 and repeat_sum > 0`.execute(tx);
    return { x: ints(r.rows[0]!.x), sum: ints(r.rows[0]!.s) };
  },

  /** New customers per first-purchase day (days before the calibration end), for the tracking chart. */
  async cohorts(tx: Tx): Promise<{ daysBefore: number; n: number }[]> {
    const r = await sql<{ t: number; n: number }>`select t, count(*)::int as n from clv_summary group by t`.execute(tx);
    return r.rows.map((row) => ({ daysBefore: row.t, n: row.n }));
  },

  /**
   * Repeat transactions per day (days after the calibration end; negative = before) of the summarised customers:
   * their purchase days minus each one's first. A second pass over the orders, so only evaluation fits draw it.
   */
  async dailyRepeats(tx: Tx, s: SummaryScope): Promise<{ day: number; n: number }[]> {
    const r = await sql<{ d: number; n: number }>`
      with days as (
        select (day - ${s.until}::date)::int as d, count(*)::int as n from (
          select o.customer_id, (o.placed_at at time zone ${s.timeZone})::date as day from orders o where ${purchase(s)} group by 1, 2
        ) x group by day
      ), firsts as (
        select (first_day - ${s.until}::date)::int as d, count(*)::int as n from clv_summary group by first_day
      )
      select days.d, (days.n - coalesce(firsts.n, 0))::int as n from days left join firsts using (d)
      where days.d >= (select -max(t) from clv_summary) order by days.d`.execute(tx);
    return r.rows.filter((row) => row.n > 0).map((row) => ({ day: row.d, n: row.n }));
  },

  /** No parallel workers for the rest of the transaction. */
  async serialQueries(tx: Tx): Promise<void> {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
  },

  /** Orders the models left out, by reason, so the page can say so. */
  async excluded(db: Executor, currency: string): Promise<{ future: number; otherCurrency: number; refunded: number; free: number }> {
    const r = await sql<{ future: number; other: number; refunded: number; free: number }>`
      select (count(*) filter (where placed_at > now()))::int as future,
        (count(*) filter (where currency <> ${currency}))::int as other,
        (count(*) filter (where status <> 'cancelled' and refunded_total > 0 and total - refunded_total <= 0))::int as refunded,
        (count(*) filter (where status <> 'cancelled' and total = 0 and refunded_total = 0))::int as free
      from orders where customer_id is not null`.execute(db);
    const row = r.rows[0]!;
    return { future: row.future, otherCurrency: row.other, refunded: row.refunded, free: row.free };
  },

  /** The latest order day (store time zone) that is not in the future; null without orders. */
  async lastOrderDay(db: Executor, timeZone: string): Promise<string | null> {
    // max(placed_at) first, then its day: the latest order comes off the placed_at index (a max over the
    // converted expression would read every order).
    const r = await sql<{ d: string | null }>`select to_char(max(placed_at) at time zone ${timeZone}, 'YYYY-MM-DD') as d from orders where placed_at <= now() and customer_id is not null`.execute(db);
    return r.rows[0]?.d ?? null;
  },

  /**
   * Writes every summarised customer's predictions into a fresh table and swaps it in. `pairs` carries what
   * depends on (x, T) only — every ₂F₁ series, computed once per distinct pair in Node; P(alive), the next-order
   * day and the spend model are closed forms evaluated here in SQL, so a million rows never travel to Node and back.
   */
  async writePredictions(tx: Tx, w: {
    modelId: string;
    until: string;
    computedAt: Date;
    unitDays: number;
    bg: { r: number; alpha: number; a: number; b: number };
    pairs: { x: number[]; t: number[]; e30: number[]; e90: number[]; e365: number[]; disc: number[] };
    /** Gamma-Gamma parameters with γ in major units, and the currency's minor-unit scale (100 for USD); null = no spend model. */
    spend: { p: number; q: number; gamma: number; scale: number } | null;
  }): Promise<number> {
    await sql`drop table if exists clv_pairs`.execute(tx);
    await sql`create temp table clv_pairs (x int, t int, e30 float8, e90 float8, e365 float8, disc float8) on commit drop`.execute(tx);
    const P = w.pairs;
    const CHUNK = 50_000;
    for (let i = 0; i < P.x.length; i += CHUNK) {
      const sl = (a: number[]) => a.slice(i, i + CHUNK);
      await sql`
        insert into clv_pairs select * from unnest(${sl(P.x)}::int[], ${sl(P.t)}::int[], ${sl(P.e30)}::float8[], ${sl(P.e90)}::float8[], ${sl(P.e365)}::float8[], ${sl(P.disc)}::float8[])`.execute(tx);
    }
    await sql`analyze clv_pairs`.execute(tx);
    // Unlogged: every row is recomputed by the next fit, so writing a million of them to the WAL as well (a second
    // copy, ~200 MB per fit) buys nothing. A crash empties an unlogged table; `lostInCrash` notices and the worker refits.
    await sql`create unlogged table customer_predictions_next (like customer_predictions including defaults including constraints)`.execute(tx);
    const { r, alpha, a, b } = w.bg;
    const u = w.unitDays;
    const f = (v: number) => sql`${v}::float8`;
    const g = w.spend;
    // E(M | x, m̄) = (pγ + p·x·m̄) / (px + q − 1) with x·m̄ the repeat spend (major units); pγ/(q−1) without repeats.
    const aov = g
      ? sql`round(${f(g.scale)} * case when s.x > 0 and s.repeat_sum > 0
          then (${f(g.p)} * ${f(g.gamma)} + ${f(g.p)} * s.repeat_sum / ${f(g.scale)}) / (${f(g.p)} * s.x + ${f(g.q)} - 1)
          else ${f(g.p)} * ${f(g.gamma)} / (${f(g.q)} - 1) end)::bigint`
      : sql`null::bigint`;
    // P(alive) = 1 / (1 + e^k), k = ln a − ln(b+x−1) + (r+x)·ln((α+T)/(α+t_x)); k clamped where exp would leave float8.
    const k = sql`greatest(-700, least(700, ln(${f(a)}) - ln(${f(b)} + s.x - 1) + (${f(r)} + s.x) * (ln(${f(alpha)} + s.t / ${f(u)}) - ln(${f(alpha)} + s.tx / ${f(u)}))))`;
    // Days until an order is more likely than not: (α+T)·((1 − ½/P(alive))^(−1/(r+x)) − 1) units, if under ten years.
    const grow = sql`(-ln(1 - 0.5 / q.pa) / (${f(r)} + q.x))`;
    // The (x, T) pairs are a few thousand rows: hashing them beats sorting a million customers for a merge join.
    await sql`set local enable_mergejoin = off`.execute(tx);
    const res = await sql`
      insert into customer_predictions_next (customer_id, model_id, p_alive, churn_risk, expected_orders_30, expected_orders_90, expected_orders_365,
        expected_aov, clv, next_order_on, repeat_orders, computed_at)
      select q.customer_id, ${w.modelId}::uuid, q.pa,
        case when q.pa > 0.7 then 'low' when q.pa > 0.3 then 'medium' else 'high' end,
        q.pa * q.e30, q.pa * q.e90, q.pa * q.e365, q.aov, round(q.aov * q.pa * q.disc)::bigint,
        case when q.pa > 0.5 and ${grow} <= ln(1 + 3650 / (${f(u)} * (${f(alpha)} + q.t / ${f(u)})))
          then ${w.until}::date + greatest(1, ceil(${f(u)} * (${f(alpha)} + q.t / ${f(u)}) * (exp(${grow}) - 1)))::int end,
        q.x, ${w.computedAt}::timestamptz
      from (
        select s.customer_id, s.x, s.t, p.e30, p.e90, p.e365, p.disc, ${aov} as aov,
          case when s.x = 0 then 1::float8 else 1 / (1 + exp(${k})) end as pa
        from clv_summary s join clv_pairs p on p.x = s.x and p.t = s.t
        -- offset 0 keeps the subquery a subquery: pulled up, its P(alive) would be computed again at each of its nine uses.
        offset 0
      ) q`.execute(tx);
    await sql`set local enable_mergejoin = on`.execute(tx);
    await sql`alter table customer_predictions_next add constraint customer_predictions_next_pkey primary key (customer_id)`.execute(tx);
    await sql`create index customer_predictions_next_clv_idx on customer_predictions_next (clv desc nulls last, customer_id)`.execute(tx);
    await sql`analyze customer_predictions_next`.execute(tx);
    await sql`lock table customer_predictions in access exclusive mode`.execute(tx);
    await sql`drop table customer_predictions`.execute(tx);
    await sql`alter table customer_predictions_next rename to customer_predictions`.execute(tx);
    await sql`alter table customer_predictions rename constraint customer_predictions_next_pkey to customer_predictions_pkey`.execute(tx);
    await sql`alter index customer_predictions_next_clv_idx rename to customer_predictions_clv_idx`.execute(tx);
    return Number(res.numAffectedRows ?? 0);
  },

  async insertModel(tx: Executor, row: ClvModelsTable): Promise<void> {
    await tx.insertInto('clv_models').values({ ...row, bgnbd: JSON.stringify(row.bgnbd), gamma_gamma: JSON.stringify(row.gamma_gamma), diagnostics: JSON.stringify(row.diagnostics), warnings: JSON.stringify(row.warnings) }).execute();
  },

  async latestModel(db: Executor, purpose?: 'scoring' | 'evaluation'): Promise<ClvModelsTable | undefined> {
    let q = db.selectFrom('clv_models').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1);
    if (purpose) q = q.where('purpose', '=', purpose);
    return q.executeTakeFirst();
  },

  async model(db: Executor, id: string): Promise<ClvModelsTable | undefined> {
    return db.selectFrom('clv_models').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Keeps the latest `keep` models, and always the latest scoring fit (the stored predictions come from it). */
  async prune(tx: Executor, keep: number): Promise<void> {
    await sql`
      delete from clv_models where id in (select id from clv_models order by created_at desc, id desc offset ${keep})
        and id is distinct from (select id from clv_models where purpose = 'scoring' order by created_at desc, id desc limit 1)`.execute(tx);
  },

  async forCustomer(db: Executor, customerId: string): Promise<CustomerPredictionsTable | undefined> {
    return db.selectFrom('customer_predictions').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  },

  /** Live customers by predicted CLV, highest first (keyset on clv, id). */
  async top(db: Executor, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor, isTopCursor) : null;
    let q = db.selectFrom('customer_predictions as p').innerJoin('customers as c', 'c.id', 'p.customer_id')
      .select(['p.customer_id', 'p.p_alive', 'p.churn_risk', 'p.expected_orders_365', 'p.expected_aov', 'p.clv', 'p.next_order_on', 'p.repeat_orders',
        'c.first_name', 'c.last_name', 'c.email', 'c.phone', 'c.order_count', 'c.last_order_at',
        // Profiles without a name, email or phone (imports by customer number) are shown by their external id.
        sql<string | null>`case when c.first_name is null and c.last_name is null and c.email is null and c.phone is null then
          (select i.source || ' ' || i.value from customer_identities i where i.customer_id = c.id and i.kind in ('external', 'user_id') order by i.created_at limit 1) end`.as('ref')])
      .where('c.merged_into', 'is', null).where('p.clv', 'is not', null)
      .orderBy('p.clv', 'desc').orderBy('p.customer_id', 'asc').limit(limit + 1);
    if (after) q = q.where((eb) => eb.or([eb('p.clv', '<', Number(after.clv)), eb.and([eb('p.clv', '=', Number(after.clv)), eb('p.customer_id', '>', String(after.id))])]));
    const rows = await q.execute();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: more && last ? encodeCursor({ clv: String(last.clv), id: last.customer_id }) : null };
  },

  /**
   * True when the latest scoring fit scored customers but their predictions are gone: the table is unlogged and
   * Postgres empties such tables when it recovers from a crash.
   */
  async lostInCrash(db: Executor): Promise<boolean> {
    const r = await sql<{ lost: boolean }>`
      select coalesce((select m.status = 'fitted' and m.scored > 0 from clv_models m where m.purpose = 'scoring' order by m.created_at desc, m.id desc limit 1), false)
        and not exists (select 1 from customer_predictions)
        and (select c.relpersistence = 'u' from pg_class c where c.oid = 'customer_predictions'::regclass) as lost`.execute(db);
    return r.rows[0]?.lost === true;
  },

  async clear(tx: Executor): Promise<void> {
    await sql`delete from customer_predictions`.execute(tx);
  },

  async firstOrderDay(db: Executor, timeZone: string): Promise<string | null> {
    const r = await sql<{ d: string | null }>`select to_char(min(placed_at at time zone ${timeZone}), 'YYYY-MM-DD') as d from orders where customer_id is not null`.execute(db);
    return r.rows[0]?.d ?? null;
  },

  async erase(db: Executor, customerId: string): Promise<number> {
    const r = await db.deleteFrom('customer_predictions').where('customer_id', '=', customerId).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
