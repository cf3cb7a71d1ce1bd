import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { badRequest } from '../../platform/http/problem.ts';
import { addDays, windows } from './analytics.dates.ts';
import type { DrillMetric, DrillPage, DrillQuery } from './analytics.schemas.ts';

type Filters = Omit<DrillQuery, 'offset' | 'limit'>;
type Scope = { tz: string; currency: string };

/** The display name of customer `c` (as the customers list names them). */
const customerName = (c: string) => sql.raw(`coalesce(nullif(concat_ws(' ', ${c}.first_name, ${c}.last_name), ''), ${c}.email, ${c}.phone,
  case when ${c}.anonymous then 'Anonymous visitor' end,
  (select 'Customer ' || i.source || ' ' || i.value from customer_identities i where i.customer_id = ${c}.id and i.kind in ('external', 'user_id') order by i.created_at limit 1),
  'Unnamed customer')`);

/** [from, to] as a timestamptz range of the store's days. */
const bounds = (s: Scope, from: string, to: string) => ({
  lo: sql`(${from}::date::timestamp at time zone ${s.tz})`,
  hi: sql`(${addDays(to, 1)}::date::timestamp at time zone ${s.tz})`,
});

const ORDER_METRICS = new Set<DrillMetric>(['orders', 'guest_orders']);
const CUSTOMER_METRICS = new Set<DrillMetric>(['customers', 'new_customers', 'returning_customers', 'repeat_customers', 'churned_customers', 'clv_customers', 'sessions', 'converted_sessions']);

/** Filters that make sense for the metric asked (a product filter on refunds, say, is refused rather than ignored). */
function checkFilters(f: Filters): void {
  const orderOnly = (['product', 'category', 'country'] as const).filter((k) => f[k] !== undefined);
  if (orderOnly.length && !ORDER_METRICS.has(f.metric)) {
    throw badRequest(`${orderOnly.join(', ')} only narrow the orders metrics (orders, guest_orders), not ${f.metric}.`, orderOnly.map((k) => ({ pointer: `/querystring/${k}`, detail: `does not apply to metric ${f.metric}` })));
  }
  const customerOnly = (['cohort', 'segment', 'channel'] as const).filter((k) => f[k] !== undefined);
  if (customerOnly.length && !CUSTOMER_METRICS.has(f.metric)) {
    throw badRequest(`${customerOnly.join(', ')} only narrow the customer metrics, not ${f.metric}.`, customerOnly.map((k) => ({ pointer: `/querystring/${k}`, detail: `does not apply to metric ${f.metric}` })));
  }
}

/** The rows behind a figure: orders, customers, refunds or checkouts, one page. */
export async function drill(db: Executor, s: Scope, f: Filters, offset: number, limit: number): Promise<DrillPage> {
  checkFilters(f);
  if (ORDER_METRICS.has(f.metric)) return orders(db, s, f, offset, limit);
  if (f.metric === 'refunds') return refunds(db, s, f, offset, limit);
  if (f.metric === 'checkouts' || f.metric === 'abandoned_checkouts') return checkouts(db, s, f, offset, limit);
  return customers(db, s, f, offset, limit);
}

async function orders(db: Executor, s: Scope, f: Filters, offset: number, limit: number): Promise<DrillPage> {
  const { lo, hi } = bounds(s, f.from, f.to);
  const where: RawBuilder<unknown>[] = [sql`o.placed_at >= ${lo} and o.placed_at < ${hi} and o.status <> 'cancelled' and o.currency = ${s.currency}`];
  if (f.metric === 'guest_orders') where.push(sql`o.customer_id is null`);
  if (f.product) where.push(sql`exists (select 1 from order_lines l where l.order_id = o.id and coalesce(l.product_id::text, 'sku:' || l.sku, 'title:' || l.title) = ${f.product})`);
  if (f.category) where.push(sql`exists (select 1 from order_lines l join products p on p.id = l.product_id where l.order_id = o.id and ${f.category} = any(p.categories))`);
  if (f.country !== undefined) where.push(sql`coalesce(nullif(upper(o.shipping_address->>'country'), ''), c.country, '') = ${f.country.toUpperCase()}`);
  const cond = sql.join(where, sql` and `);
  const [rows, count] = await Promise.all([
    sql<DrillOrder>`
      select o.id, o.number, o.placed_at as "placedAt", o.status, o.total, o.refunded_total as refunded, o.customer_id as "customerId",
        case when c.id is null then null else ${customerName('c')} end as "customerName", coalesce(nullif(upper(o.shipping_address->>'country'), ''), c.country) as country
      from orders o left join customers c on c.id = o.customer_id
      where ${cond} order by o.placed_at desc, o.id desc offset ${offset} limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::bigint as n from orders o left join customers c on c.id = o.customer_id where ${cond}`.execute(db),
  ]);
  return { kind: 'orders', total: count.rows[0]!.n, items: rows.rows };
}
type DrillOrder = Extract<DrillPage, { kind: 'orders' }>['items'][number];

async function refunds(db: Executor, s: Scope, f: Filters, offset: number, limit: number): Promise<DrillPage> {
  const { lo, hi } = bounds(s, f.from, f.to);
  const cond = sql`x.refunded_at >= ${lo} and x.refunded_at < ${hi} and x.currency = ${s.currency} and (o.id is null or o.status <> 'cancelled')`;
  const [rows, count] = await Promise.all([
    sql<Extract<DrillPage, { kind: 'refunds' }>['items'][number]>`
      select x.id, x.refunded_at as "refundedAt", x.kind, x.amount, x.reason, x.order_id as "orderId", o.number as "orderNumber", x.customer_id as "customerId",
        case when c.id is null then null else ${customerName('c')} end as "customerName"
      from refunds x left join orders o on o.id = x.order_id left join customers c on c.id = x.customer_id
      where ${cond} order by x.refunded_at desc, x.id desc offset ${offset} limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::bigint as n from refunds x left join orders o on o.id = x.order_id where ${cond}`.execute(db),
  ]);
  return { kind: 'refunds', total: count.rows[0]!.n, items: rows.rows };
}

async function checkouts(db: Executor, s: Scope, f: Filters, offset: number, limit: number): Promise<DrillPage> {
  const { lo, hi } = bounds(s, f.from, f.to);
  const converted = sql`(k.status = 'converted' or k.order_id is not null)`;
  const cond = sql`k.checkout_started_at >= ${lo} and k.checkout_started_at < ${hi} ${f.metric === 'abandoned_checkouts' ? sql`and not ${converted}` : sql``}`;
  const [rows, count] = await Promise.all([
    sql<Extract<DrillPage, { kind: 'checkouts' }>['items'][number]>`
      select k.id, k.checkout_started_at as "startedAt", k.status, k.value, k.currency, ${converted} as converted, k.order_id as "orderId", k.customer_id as "customerId",
        case when c.id is null then null else ${customerName('c')} end as "customerName"
      from carts k left join customers c on c.id = k.customer_id
      where ${cond} order by k.checkout_started_at desc, k.id desc offset ${offset} limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::bigint as n from carts k where ${cond}`.execute(db),
  ]);
  return { kind: 'checkouts', total: count.rows[0]!.n, items: rows.rows };
}

/** Customers behind a figure, each with their orders and revenue in the range (lifetime up to `to` for CLV). */
async function customers(db: Executor, s: Scope, f: Filters, offset: number, limit: number): Promise<DrillPage> {
  const { p } = windows(f.from, f.to);
  const inW = sql`d.day between ${f.from}::date and ${f.to}::date`;
  let base: RawBuilder<unknown>;
  let extraLabel: string | null = null;
  switch (f.metric) {
    case 'churned_customers':
      extraLabel = 'Last order';
      base = sql`select d.customer_id, sum(d.orders)::bigint as orders, sum(d.revenue)::bigint as revenue, max(d.day)::text as extra
        from analytics_customer_days d where d.orders > 0 and d.day between ${p.from}::date and ${p.to}::date
          and not exists (select 1 from analytics_customer_days w where w.customer_id = d.customer_id and w.orders > 0 and w.day between ${f.from}::date and ${f.to}::date)
        group by d.customer_id`;
      break;
    case 'clv_customers':
      extraLabel = 'Refunded';
      base = sql`select d.customer_id, sum(d.orders)::bigint as orders, sum(d.revenue - d.refunds)::bigint as revenue, sum(d.refunds)::text as extra
        from analytics_customer_days d where d.day <= ${f.to}::date and d.first_day <= ${f.to}::date group by d.customer_id`;
      break;
    case 'sessions':
    case 'converted_sessions':
      extraLabel = 'Sessions (with an order)';
      base = sql`select d.customer_id, sum(d.orders)::bigint as orders, sum(d.revenue)::bigint as revenue, sum(d.sessions) || ' (' || sum(d.sessions_converted) || ')' as extra
        from analytics_customer_days d where ${inW} and d.sessions > 0 group by d.customer_id
        ${f.metric === 'converted_sessions' ? sql`having sum(d.sessions_converted) > 0` : sql``}`;
      break;
    default: {
      const having = {
        customers: sql`true`,
        new_customers: sql`min(d.first_day) >= ${f.from}::date`,
        returning_customers: sql`min(d.first_day) < ${f.from}::date`,
        repeat_customers: sql`min(d.first_day) < ${f.from}::date or sum(d.orders) >= 2`,
      }[f.metric as 'customers' | 'new_customers' | 'returning_customers' | 'repeat_customers'];
      base = sql`select d.customer_id, sum(d.orders)::bigint as orders, sum(d.revenue)::bigint as revenue, null::text as extra
        from analytics_customer_days d where ${inW} and d.orders > 0 group by d.customer_id having ${having}`;
    }
  }
  const narrow: RawBuilder<unknown>[] = [sql`true`];
  if (f.channel) narrow.push(sql`ac.channel = ${f.channel.toLowerCase()}`);
  if (f.cohort) narrow.push(sql`date_trunc('month', ac.first_day)::date = ${`${f.cohort}-01`}::date`);
  if (f.segment) {
    const has = await sql<{ ok: boolean }>`select to_regclass('segment_members') is not null as ok`.execute(db);
    if (!has.rows[0]?.ok) throw badRequest('There are no segments in this installation.', [{ pointer: '/querystring/segment', detail: 'segments are not available' }]);
    narrow.push(sql`exists (select 1 from segment_members sm where sm.customer_id = b.customer_id and sm.segment_id = ${f.segment}::uuid)`);
  }
  const cond = sql.join(narrow, sql` and `);
  const [rows, count] = await Promise.all([
    sql<Extract<DrillPage, { kind: 'customers' }>['items'][number]>`
      select c.id, ${customerName('c')} as name, c.email, c.country, ac.first_day as "firstOrderDay", b.orders, b.revenue, b.extra
      from (${base}) b join customers c on c.id = b.customer_id left join analytics_customers ac on ac.customer_id = b.customer_id
      where ${cond} order by b.revenue desc, c.id offset ${offset} limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::bigint as n from (${base}) b left join analytics_customers ac on ac.customer_id = b.customer_id where ${cond}`.execute(db),
  ]);
  return { kind: 'customers', total: count.rows[0]!.n, items: rows.rows, extraLabel };
}
