import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { addMonths, buckets, divRound, granularityFor, monthEnd, monthOf, splitMonths, windows, type Granularity } from './analytics.dates.ts';
import { containment, daySums, spendIn } from './analytics.query.ts';
import type { Breakdowns, Cohorts, Series } from './analytics.schemas.ts';

type Point = Series['points'][number];

async function seriesOf(db: Executor, from: string, to: string, g: Granularity): Promise<Point[]> {
  const bs = buckets(from, to, g);
  const [sums, g2, r2] = await Promise.all([
    daySums(db, bs),
    containment(db, bs.map((b) => ({ kind: 'G' as const, s: b.from, t: b.to }))),
    containment(db, bs.map((b) => ({ kind: 'R' as const, s: b.from, t: b.to }))),
  ]);
  return bs.map((b, i) => {
    const s = sums[i]!;
    const gross = s.customerRevenue + s.guestRevenue;
    const customers = s.customerDays - g2[i]!.n;
    return {
      ...b, grossRevenue: gross, refunds: s.refunds, netRevenue: gross - s.refunds, orders: s.customerOrders + s.guestOrders,
      newCustomers: s.newCustomers, returningCustomers: customers - s.newCustomers, newCustomerRevenue: r2[i]!.amount,
      returningCustomerRevenue: s.customerRevenue - r2[i]!.amount, guestRevenue: s.guestRevenue,
    };
  });
}

/** Revenue, orders and new vs returning customers per day, week or month (by the range's length), with the previous period's. */
export async function series(db: Executor, from: string, to: string): Promise<Series> {
  const { p, days } = windows(from, to);
  const g = granularityFor(days);
  const [points, previous] = await Promise.all([seriesOf(db, from, to, g), seriesOf(db, p.from, p.to, g)]);
  return { granularity: g, points, previous };
}

/** A union of month rows for the whole months of [from, to] and day rows for the days outside them. */
function productRows(from: string, to: string) {
  const { months, edges } = splitMonths(from, to);
  const parts = [];
  if (months) parts.push(sql`select product_key, product_id, title, orders, quantity, revenue from analytics_product_months where month between ${months[0]}::date and ${months[1]}::date`);
  for (const [a, b] of edges) parts.push(sql`select product_key, product_id, title, orders, quantity, revenue from analytics_product_days where day between ${a}::date and ${b}::date`);
  return sql.join(parts, sql` union all `);
}

/** Top products, categories, countries and acquisition channels of [from, to], and CAC per month. */
export async function breakdowns(db: Executor, from: string, to: string): Promise<Breakdowns> {
  const rows = productRows(from, to);
  const [products, categories, countries, channels, spend, cacMonths] = await Promise.all([
    sql<Breakdowns['products'][number]>`
      select r.product_key as key, r.product_id::text as "productId", coalesce(min(p.title), min(r.title)) as title,
        sum(r.orders)::bigint as orders, sum(r.quantity)::bigint as quantity, sum(r.revenue)::bigint as revenue
      from (${rows}) r left join products p on p.id = r.product_id
      group by r.product_key, r.product_id order by revenue desc, key limit 10`.execute(db),
    sql<Breakdowns['categories'][number]>`
      select c as category, sum(r.quantity)::bigint as quantity, sum(r.revenue)::bigint as revenue
      from (select product_id, sum(quantity) as quantity, sum(revenue) as revenue from (${rows}) x where product_id is not null group by product_id) r
      join products p on p.id = r.product_id cross join unnest(p.categories) c
      group by c order by revenue desc, c limit 10`.execute(db),
    sql<Breakdowns['countries'][number]>`
      select country, sum(orders)::bigint as orders, sum(revenue)::bigint as revenue from analytics_country_days
      where day between ${from}::date and ${to}::date group by country order by revenue desc, country`.execute(db),
    sql<{ channel: string; n: number }>`
      select channel, sum(new_customers)::bigint as n from analytics_channel_days where day between ${from}::date and ${to}::date group by channel having sum(new_customers) <> 0`.execute(db),
    spendIn(db, from, to),
    cacByMonth(db, from, to),
  ]);
  const byChannel = new Map(channels.rows.map((c) => [c.channel, c.n]));
  const names = [...new Set([...byChannel.keys(), ...spend.keys()])];
  const ch = names.map((c) => ({ channel: c, newCustomers: byChannel.get(c) ?? 0, spend: spend.get(c) ?? 0, cac: spend.has(c) ? divRound(spend.get(c)!, byChannel.get(c) ?? 0) : null }))
    .sort((a, b) => b.spend - a.spend || b.newCustomers - a.newCustomers || a.channel.localeCompare(b.channel));
  return { products: products.rows, categories: categories.rows, countries: countries.rows, channels: ch, cac: cacMonths };
}

/** Spend, new customers and CAC for each month of [from, to] (clipped to the range), overall and per channel with spend. */
async function cacByMonth(db: Executor, from: string, to: string): Promise<Breakdowns['cac']> {
  const months: { month: string; from: string; to: string }[] = [];
  for (let m = monthOf(from); m <= to; m = addMonths(m, 1)) months.push({ month: m, from: m < from ? from : m, to: monthEnd(m) > to ? to : monthEnd(m) });
  const n = await sql<{ month: string; channel: string; n: number }>`
    select date_trunc('month', day)::date as month, channel, sum(new_customers)::bigint as n from analytics_channel_days
    where day between ${from}::date and ${to}::date group by 1, 2`.execute(db);
  const out: Breakdowns['cac'] = [];
  for (const m of months) {
    const spend = await spendIn(db, m.from, m.to);
    const rows = n.rows.filter((r) => r.month === m.month);
    const newCustomers = rows.reduce((a, r) => a + r.n, 0);
    const total = [...spend.values()].reduce((a, b) => a + b, 0);
    const byChannel: Record<string, number | null> = {};
    for (const [c, s] of spend) byChannel[c] = divRound(s, rows.find((r) => r.channel === c)?.n ?? 0);
    out.push({ month: m.month, spend: total, newCustomers, cac: spend.size ? divRound(total, newCustomers) : null, byChannel });
  }
  return out;
}

const monthsBetween = (a: string, b: string) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));

/** Monthly cohorts whose first order falls in [from, to]: who bought again in month +1, +2, … (as far as the data goes, at most 12). */
export async function cohorts(db: Executor, from: string, to: string): Promise<Cohorts> {
  const first = monthOf(from);
  const last = monthOf(to);
  const r = await sql<{ first_month: string; month: string; customers: number; revenue: number }>`
    select first_month, month, customers, revenue from analytics_cohorts
    where first_month between ${first}::date and ${last}::date and month <= first_month + interval '12 months' and customers <> 0
    order by first_month, month`.execute(db);
  const lastData = await sql<{ m: string | null }>`select date_trunc('month', max(day))::date as m from analytics_days where customer_orders > 0 or guest_orders > 0`.execute(db);
  const dataEnd = lastData.rows[0]?.m ?? last;
  const months: Cohorts['months'] = [];
  let maxOffset = 0;
  for (let m = first; m <= last; m = addMonths(m, 1)) {
    const upTo = Math.min(12, monthsBetween(m, dataEnd));
    maxOffset = Math.max(maxOffset, upTo);
    const retained: number[] = [];
    const revenue: number[] = [];
    for (let k = 0; k <= upTo; k++) {
      const row = r.rows.find((x) => x.first_month === m && x.month === addMonths(m, k));
      retained.push(row?.customers ?? 0);
      revenue.push(row?.revenue ?? 0);
    }
    months.push({ month: m, customers: retained[0] ?? 0, retained, revenue });
  }
  return { months, maxOffset };
}

/** Members of each segment, largest first (the segments module may not be installed: then `available` is false). */
export async function segmentShares(db: Executor): Promise<{ available: boolean; customers: number; items: { id: string; name: string; members: number }[] }> {
  const has = await sql<{ ok: boolean }>`select to_regclass('segments') is not null and to_regclass('segment_members') is not null as ok`.execute(db);
  if (!has.rows[0]?.ok) return { available: false, customers: 0, items: [] };
  const [items, customers] = await Promise.all([
    sql<{ id: string; name: string; members: number }>`
      select s.id::text, s.name, count(m.customer_id)::bigint as members from segments s left join segment_members m on m.segment_id = s.id
      group by s.id, s.name order by members desc, s.name limit 50`.execute(db),
    sql<{ n: number }>`select count(*)::bigint as n from customers where merged_into is null and not anonymous`.execute(db),
  ]);
  return { available: true, customers: customers.rows[0]!.n, items: items.rows };
}
