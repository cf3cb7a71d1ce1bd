import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';

/**
 * The rollups' SQL. Every figure of the dashboard derives from `analytics_customer_days` (one row per
 * customer and store day) plus per-day facts about guests, so one code path serves both a full rebuild
 * (contributions of every row, added to empty tables) and an incremental refresh (the contributions of
 * a few customers' new rows minus those of their old rows, added to the tables as they are).
 */

/** The store's time zone (day boundaries) and currency (money figures count only orders in it). */
export interface Scope {
  tz: string;
  currency: string;
}

/** Which customers: everyone, or a batch. */
export type Who = { all: true } | { ids: string[] };

const filter = (who: Who, col: string): RawBuilder<unknown> =>
  'all' in who ? sql.raw(`${col} is not null`) : sql`${sql.raw(col)} = any(${who.ids}::uuid[])`;

/** A store day of a timestamp column. */
const dayOf = (col: string, s: Scope) => sql`(${sql.raw(col)} at time zone ${s.tz})::date`;

/** How long after a session's last event an order still counts as placed in it (the snippet's inactivity timeout). */
export const SESSION_GRACE = '30 minutes';

/** Customer-day rows computed from the source tables (the columns of analytics_customer_days). */
export function customerDays(s: Scope, who: Who): RawBuilder<unknown> {
  return sql`
    with o as (
      select o.customer_id, ${dayOf('o.placed_at', s)} as day, count(*)::int as orders, sum(o.total)::bigint as revenue
      from orders o
      where ${filter(who, 'o.customer_id')} and o.status <> 'cancelled' and o.currency = ${s.currency}
      group by 1, 2
    ), ow as (
      select customer_id, day, orders, revenue,
        min(day) over (partition by customer_id) as first_day,
        lag(day) over (partition by customer_id order by day) as prev_day,
        lead(day) over (partition by customer_id order by day) as next_day
      from o
    ), f as (
      select customer_id, min(day) as first_day from o group by 1
    ), r as (
      select x.customer_id, ${dayOf('x.refunded_at', s)} as day, sum(x.amount)::bigint as refunds, count(*)::int as refund_count
      from refunds x left join orders xo on xo.id = x.order_id
      where ${filter(who, 'x.customer_id')} and x.currency = ${s.currency} and (xo.id is null or xo.status <> 'cancelled')
      group by 1, 2
    ), k as (
      select c.customer_id, ${dayOf('c.checkout_started_at', s)} as day, count(*)::int as checkouts,
        count(*) filter (where c.status = 'converted' or c.order_id is not null)::int as converted
      from carts c
      where ${filter(who, 'c.customer_id')} and c.checkout_started_at is not null
      group by 1, 2
    ), ev as (
      select a.customer_id, coalesce(a.context->>'sessionId', a.properties->>'session_id') as sid,
        min(a.occurred_at) as started, max(a.occurred_at) as ended, bool_or(a.type = 'Order Completed') as ordered
      from activities a
      where ${filter(who, 'a.customer_id')} and (a.context ? 'sessionId' or a.properties ? 'session_id')
      group by 1, 2
    ), ss as (
      select ev.customer_id, ${dayOf('ev.started', s)} as day, count(*)::int as sessions,
        count(*) filter (where ev.ordered or exists (
          select 1 from orders so where so.customer_id = ev.customer_id and so.status <> 'cancelled'
            and so.placed_at >= ev.started and so.placed_at <= ev.ended + interval '${sql.raw(SESSION_GRACE)}'))::int as converted
      from ev where ev.sid is not null and ev.sid <> ''
      group by 1, 2
    ), keys as (
      select customer_id, day from ow union select customer_id, day from r union select customer_id, day from k union select customer_id, day from ss
    )
    select keys.customer_id, keys.day,
      coalesce(ow.orders, 0) as orders, coalesce(ow.revenue, 0)::bigint as revenue,
      coalesce(r.refunds, 0)::bigint as refunds, coalesce(r.refund_count, 0) as refund_count,
      coalesce(k.checkouts, 0) as checkouts, coalesce(k.converted, 0) as checkouts_converted,
      coalesce(ss.sessions, 0) as sessions, coalesce(ss.converted, 0) as sessions_converted,
      f.first_day, ow.prev_day, ow.next_day
    from keys
    left join ow on ow.customer_id = keys.customer_id and ow.day = keys.day
    left join r on r.customer_id = keys.customer_id and r.day = keys.day
    left join k on k.customer_id = keys.customer_id and k.day = keys.day
    left join ss on ss.customer_id = keys.customer_id and ss.day = keys.day
    left join f on f.customer_id = keys.customer_id`;
}

/** Each customer's first order and acquisition channel: the earliest UTM source seen up to that order, else the order's source. */
export function customerInfo(s: Scope, who: Who): RawBuilder<unknown> {
  return sql`
    with f as (
      select distinct on (o.customer_id) o.customer_id, o.placed_at, o.source
      from orders o
      where ${filter(who, 'o.customer_id')} and o.status <> 'cancelled' and o.currency = ${s.currency}
      order by o.customer_id, o.placed_at, o.id
    ), t as (
      select distinct on (a.customer_id) a.customer_id, a.occurred_at, left(lower(trim(a.context->'campaign'->>'source')), 100) as source
      from activities a
      where ${filter(who, 'a.customer_id')} and nullif(trim(a.context->'campaign'->>'source'), '') is not null
      order by a.customer_id, a.occurred_at, a.id
    )
    select f.customer_id, ${dayOf('f.placed_at', s)} as first_day, f.placed_at as first_order_at,
      coalesce(t.source, lower(f.source)) as channel, case when t.source is null then 'order_source' else 'utm' end as channel_kind
    from f left join t on t.customer_id = f.customer_id and t.occurred_at <= f.placed_at`;
}

/**
 * Adds the contributions of `src` rows to the derived tables. `src` yields the columns of
 * analytics_customer_days plus `sg` (+1 to add a row, -1 to take it away); `info` yields
 * analytics_customers columns plus `sg`.
 */
export async function applyContributions(db: Executor, src: RawBuilder<unknown>, info: RawBuilder<unknown>): Promise<void> {
  await sql`
    insert into analytics_days (day, customer_days, customer_orders, customer_revenue, new_customers, new_multi, refunds, refund_count, checkouts, checkouts_converted, sessions, sessions_converted)
    select day, sum(sg * (orders > 0)::int), sum(sg * orders), sum(sg * revenue), sum(sg * (orders > 0 and prev_day is null)::int), sum(sg * (orders > 1 and prev_day is null)::int),
      sum(sg * refunds), sum(sg * refund_count), sum(sg * checkouts), sum(sg * checkouts_converted), sum(sg * sessions), sum(sg * sessions_converted)
    from (${src}) t group by day
    on conflict (day) do update set
      customer_days = analytics_days.customer_days + excluded.customer_days, customer_orders = analytics_days.customer_orders + excluded.customer_orders,
      customer_revenue = analytics_days.customer_revenue + excluded.customer_revenue, new_customers = analytics_days.new_customers + excluded.new_customers,
      new_multi = analytics_days.new_multi + excluded.new_multi, refunds = analytics_days.refunds + excluded.refunds, refund_count = analytics_days.refund_count + excluded.refund_count,
      checkouts = analytics_days.checkouts + excluded.checkouts, checkouts_converted = analytics_days.checkouts_converted + excluded.checkouts_converted,
      sessions = analytics_days.sessions + excluded.sessions, sessions_converted = analytics_days.sessions_converted + excluded.sessions_converted`.execute(db);

  // Pairs of days: G = consecutive order days; F = a first order day with one order, to the next order day;
  // R = first order day to each order day (weighted by orders and revenue).
  await sql`drop table if exists analytics_pc`.execute(db);
  await sql`
    create temp table analytics_pc as
    select kind, x, y, sum(n)::bigint as n, sum(amount)::bigint as amount from (
      select 'G' as kind, prev_day as x, day as y, sg as n, 0::bigint as amount from (${src}) t where orders > 0 and prev_day is not null
      union all
      select 'F', day, next_day, sg, 0 from (${src}) t where orders = 1 and prev_day is null and next_day is not null
      union all
      select 'R', first_day, day, sg * orders, sg * revenue from (${src}) t where orders > 0
    ) p group by 1, 2, 3 having sum(n) <> 0 or sum(amount) <> 0`.execute(db);
  const add = (table: string, keys: string) =>
    sql.raw(`on conflict (${keys}) do update set n = ${table}.n + excluded.n, amount = ${table}.amount + excluded.amount`);
  await sql`insert into analytics_pairs (kind, x, y, n, amount) select kind, x, y, n, amount from analytics_pc ${add('analytics_pairs', 'kind, x, y')}`.execute(db);
  await sql`insert into analytics_pairs_dm (kind, x, ym, n, amount) select kind, x, date_trunc('month', y)::date, sum(n), sum(amount) from analytics_pc group by 1, 2, 3
    ${add('analytics_pairs_dm', 'kind, x, ym')}`.execute(db);
  await sql`insert into analytics_pairs_md (kind, y, xm, n, amount) select kind, y, date_trunc('month', x)::date, sum(n), sum(amount) from analytics_pc group by 1, 2, 3
    ${add('analytics_pairs_md', 'kind, y, xm')}`.execute(db);
  await sql`insert into analytics_pairs_mm (kind, xm, ym, n, amount) select kind, date_trunc('month', x)::date, date_trunc('month', y)::date, sum(n), sum(amount) from analytics_pc group by 1, 2, 3
    ${add('analytics_pairs_mm', 'kind, xm, ym')}`.execute(db);
  await sql`drop table analytics_pc`.execute(db);

  // Cohorts: each customer counts once per month they ordered in, under the month of their first order.
  await sql`
    insert into analytics_cohorts (first_month, month, customers, revenue)
    select fm, m, sum(sg)::int, sum(sg * revenue)::bigint from (
      select sg, customer_id, date_trunc('month', first_day)::date as fm, date_trunc('month', day)::date as m, sum(revenue) as revenue
      from (${src}) t where orders > 0 group by sg, customer_id, 3, 4
    ) c group by fm, m
    on conflict (first_month, month) do update set customers = analytics_cohorts.customers + excluded.customers, revenue = analytics_cohorts.revenue + excluded.revenue`.execute(db);

  await sql`
    insert into analytics_channel_days (day, channel, new_customers)
    select first_day, channel, sum(sg)::int from (${info}) i group by 1, 2
    on conflict (day, channel) do update set new_customers = analytics_channel_days.new_customers + excluded.new_customers`.execute(db);
}

/** Guests' orders, refunds and checkouts per store day: recomputed for these days (all days when `days` is undefined). */
export async function recomputeGuestDays(db: Executor, s: Scope, days: string[] | undefined): Promise<void> {
  if (days && !days.length) return;
  const inDays = (col: string) => (days ? sql`and ${dayOf(col, s)} = any(${days}::date[])` : sql``);
  // Orders by day range so the placed_at index is used; the others are small (refunds) or filtered by customer_id is null (carts).
  const orders = days
    ? sql`select d.day, count(o.id)::int as orders, coalesce(sum(o.total), 0)::bigint as revenue
        from unnest(${days}::date[]) d(day)
        join orders o on o.placed_at >= (d.day::timestamp at time zone ${s.tz}) and o.placed_at < ((d.day + 1)::timestamp at time zone ${s.tz})
        where o.customer_id is null and o.status <> 'cancelled' and o.currency = ${s.currency} group by d.day`
    : sql`select ${dayOf('o.placed_at', s)} as day, count(*)::int as orders, sum(o.total)::bigint as revenue
        from orders o where o.customer_id is null and o.status <> 'cancelled' and o.currency = ${s.currency} group by 1`;
  await sql`
    with go as (${orders}),
    gr as (
      select ${dayOf('x.refunded_at', s)} as day, sum(x.amount)::bigint as refunds, count(*)::int as refund_count
      from refunds x left join orders xo on xo.id = x.order_id
      where x.customer_id is null and x.currency = ${s.currency} and (xo.id is null or xo.status <> 'cancelled') ${inDays('x.refunded_at')}
      group by 1
    ), gk as (
      select ${dayOf('c.checkout_started_at', s)} as day, count(*)::int as checkouts, count(*) filter (where c.status = 'converted' or c.order_id is not null)::int as converted
      from carts c where c.customer_id is null and c.checkout_started_at is not null ${inDays('c.checkout_started_at')}
      group by 1
    ), d as (
      ${days ? sql`select unnest(${days}::date[]) as day` : sql`select day from go union select day from gr union select day from gk`}
    )
    insert into analytics_days (day, guest_orders, guest_revenue, guest_refunds, guest_refund_count, guest_checkouts, guest_checkouts_converted)
    select d.day, coalesce(go.orders, 0), coalesce(go.revenue, 0), coalesce(gr.refunds, 0), coalesce(gr.refund_count, 0), coalesce(gk.checkouts, 0), coalesce(gk.converted, 0)
    from d left join go on go.day = d.day left join gr on gr.day = d.day left join gk on gk.day = d.day
    on conflict (day) do update set guest_orders = excluded.guest_orders, guest_revenue = excluded.guest_revenue, guest_refunds = excluded.guest_refunds,
      guest_refund_count = excluded.guest_refund_count, guest_checkouts = excluded.guest_checkouts, guest_checkouts_converted = excluded.guest_checkouts_converted`.execute(db);
}

/** Sales per product and per country for these store days (all days when undefined), and the months they fall in. */
export async function recomputeSalesDays(db: Executor, s: Scope, days: string[] | undefined): Promise<void> {
  if (days && !days.length) return;
  // The day's orders first, with their country (a per-row customer lookup: estimates of a parameterised
  // day range are far off, and a hash join would read every customer), then lines and countries from them.
  await sql`drop table if exists analytics_sales`.execute(db);
  await sql`
    create temp table analytics_sales as
    select o.day, o.id, o.total, coalesce(nullif(upper(o.shipping_address->>'country'), ''), c.country, '') as country
    from (${days
      ? sql`select d.day, o.* from unnest(${days}::date[]) d(day)
          join orders o on o.placed_at >= (d.day::timestamp at time zone ${s.tz}) and o.placed_at < ((d.day + 1)::timestamp at time zone ${s.tz})
          where o.status <> 'cancelled' and o.currency = ${s.currency}`
      : sql`select ${dayOf('o.placed_at', s)} as day, o.* from orders o where o.status <> 'cancelled' and o.currency = ${s.currency}`}) o
    ${days
      ? sql`left join lateral (select c.country from customers c where c.id = o.customer_id limit 1) c on true`
      : sql`left join customers c on c.id = o.customer_id`}`.execute(db);
  await sql`analyze analytics_sales`.execute(db);
  if (days) {
    await sql`delete from analytics_product_days where day = any(${days}::date[])`.execute(db);
    await sql`delete from analytics_country_days where day = any(${days}::date[])`.execute(db);
  }
  await sql`
    insert into analytics_product_days (day, product_key, product_id, title, orders, quantity, revenue)
    select o.day, coalesce(l.product_id::text, 'sku:' || l.sku, 'title:' || l.title), min(l.product_id::text)::uuid, min(l.title), count(distinct o.id)::int, sum(l.quantity)::bigint, sum(l.total)::bigint
    from analytics_sales o join order_lines l on l.order_id = o.id
    group by 1, 2`.execute(db);
  await sql`
    insert into analytics_country_days (day, country, orders, revenue)
    select day, country, count(*)::int, sum(total)::bigint from analytics_sales group by 1, 2`.execute(db);
  await sql`drop table analytics_sales`.execute(db);
  const months = days ? [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))] : undefined;
  if (months) await sql`delete from analytics_product_months where month = any(${months}::date[])`.execute(db);
  await sql`
    insert into analytics_product_months (month, product_key, product_id, title, orders, quantity, revenue)
    select date_trunc('month', day)::date, product_key, min(product_id::text)::uuid, min(title), sum(orders)::int, sum(quantity)::bigint, sum(revenue)::bigint
    from analytics_product_days
    ${months ? sql`where day >= ${months.reduce((a, b) => (a < b ? a : b))}::date and day < ${nextMonth(months.reduce((a, b) => (a > b ? a : b)))}::date and date_trunc('month', day)::date = any(${months}::date[])` : sql``}
    group by 1, 2`.execute(db);
}

const nextMonth = (m: string) => {
  const d = new Date(`${m}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 1);
  return d.toISOString().slice(0, 10);
};

/** Every derived table, emptied (a rebuild starts from here). */
export const DERIVED_TABLES = [
  'analytics_customer_days', 'analytics_customers', 'analytics_days', 'analytics_pairs', 'analytics_pairs_dm', 'analytics_pairs_md', 'analytics_pairs_mm',
  'analytics_cohorts', 'analytics_channel_days', 'analytics_product_days', 'analytics_product_months', 'analytics_country_days',
] as const;
