import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { daysInMonth, divRound, monthEnd, monthOf, mulDivRound, ratio, spanDays, windows } from './analytics.dates.ts';
import type { KpiSet } from './analytics.schemas.ts';

/** A pair kind of analytics_pairs: G consecutive order days, F first day (one order) to next, R first day to order day. */
export type PairKind = 'G' | 'F' | 'R';

/**
 * How many pairs (x, y) of a kind lie inside [s, t] (s <= x <= y <= t), and their amounts. Reads the
 * day-grain cells only in the partial months at either end and month-grain cells in between, so the
 * cost is a few thousand index entries whatever the range (see docs/analytics.md).
 */
export async function containment(db: Executor, qs: { kind: PairKind; s: string; t: string }[]): Promise<{ n: number; amount: number }[]> {
  if (!qs.length) return [];
  // Each day-grain part is a lateral aggregate per day of x, so it is an index probe on (kind, x, y) per day
  // (a join would let the planner hash a large share of the table instead).
  const perDay = (from: RawBuilder<unknown>, to: RawBuilder<unknown>, yFrom: RawBuilder<unknown>, yTo: RawBuilder<unknown>, when: RawBuilder<unknown>) => sql`
    cross join lateral (
      select coalesce(sum(c.n), 0)::bigint as n, coalesce(sum(c.amount), 0)::bigint as amount
      from generate_series(${from}, ${to}, interval '1 day') gx(d)
      cross join lateral (select sum(p.n) as n, sum(p.amount) as amount from analytics_pairs p
        where p.kind = q.kind and p.x = gx.d::date and p.y >= ${yFrom} and p.y <= ${yTo}) c
      where ${when}
    )`;
  const r = await sql<{ i: number; n: number; amount: number }>`
    with q as (
      select i::int, kind, s, t, date_trunc('month', s)::date as ms, date_trunc('month', t)::date as mt,
        least(t, (date_trunc('month', s) + interval '1 month' - interval '1 day')::date) as e1
      from unnest(${qs.map((q) => q.kind)}::text[], ${qs.map((q) => q.s)}::date[], ${qs.map((q) => q.t)}::date[]) with ordinality as u(kind, s, t, i)
      where s <= t
    )
    select q.i, (a1.n + a2.n + b.n + c.n + d.n + e.n)::bigint as n, (a1.amount + a2.amount + b.amount + c.amount + d.amount + e.amount)::bigint as amount
    from q
    -- x in the first (partial) month, y up to its end (all of [s, t] when both ends share a month)
    ${perDay(sql`q.s`, sql`q.e1`, sql`gx.d::date`, sql`q.e1`, sql`true`)} a1
    -- x in the first month, y in the last month
    ${perDay(sql`q.s`, sql`q.e1`, sql`q.mt`, sql`q.t`, sql`q.ms < q.mt`)} a2
    -- x in the first month, y in a whole month between
    cross join lateral (select coalesce(sum(p.n), 0)::bigint as n, coalesce(sum(p.amount), 0)::bigint as amount from analytics_pairs_dm p
      where p.kind = q.kind and p.x between q.s and q.e1 and p.ym > q.ms and p.ym < q.mt) b
    -- x and y in whole months between
    cross join lateral (select coalesce(sum(p.n), 0)::bigint as n, coalesce(sum(p.amount), 0)::bigint as amount from analytics_pairs_mm p
      where p.kind = q.kind and p.xm > q.ms and p.xm < q.mt and p.ym < q.mt) c
    -- x in a whole month between, y in the last month
    cross join lateral (select coalesce(sum(p.n), 0)::bigint as n, coalesce(sum(p.amount), 0)::bigint as amount from analytics_pairs_md p
      where p.kind = q.kind and p.y between q.mt and q.t and p.xm > q.ms and p.xm < q.mt) d
    -- x and y in the last month
    ${perDay(sql`q.mt`, sql`q.t`, sql`gx.d::date`, sql`q.t`, sql`q.ms < q.mt`)} e`.execute(db);
  const out = qs.map(() => ({ n: 0, amount: 0 }));
  for (const row of r.rows) out[row.i - 1] = { n: row.n, amount: row.amount };
  return out;
}

interface DaySums {
  customerDays: number; customerOrders: number; customerRevenue: number; newCustomers: number; newMulti: number;
  refunds: number; checkouts: number; checkoutsConverted: number; sessions: number; sessionsConverted: number;
  guestOrders: number; guestRevenue: number;
}

const ZERO: DaySums = { customerDays: 0, customerOrders: 0, customerRevenue: 0, newCustomers: 0, newMulti: 0, refunds: 0, checkouts: 0, checkoutsConverted: 0, sessions: 0, sessionsConverted: 0, guestOrders: 0, guestRevenue: 0 };

/** Sums of analytics_days over each range. */
export async function daySums(db: Executor, ranges: { from: string; to: string }[]): Promise<DaySums[]> {
  if (!ranges.length) return [];
  const r = await sql<DaySums & { i: number }>`
    select r.i::int, sum(d.customer_days)::bigint as "customerDays", sum(d.customer_orders)::bigint as "customerOrders", sum(d.customer_revenue)::bigint as "customerRevenue",
      sum(d.new_customers)::bigint as "newCustomers", sum(d.new_multi)::bigint as "newMulti", sum(d.refunds + d.guest_refunds)::bigint as refunds,
      sum(d.checkouts + d.guest_checkouts)::bigint as checkouts, sum(d.checkouts_converted + d.guest_checkouts_converted)::bigint as "checkoutsConverted",
      sum(d.sessions)::bigint as sessions, sum(d.sessions_converted)::bigint as "sessionsConverted", sum(d.guest_orders)::bigint as "guestOrders", sum(d.guest_revenue)::bigint as "guestRevenue"
    from unnest(${ranges.map((x) => x.from)}::date[], ${ranges.map((x) => x.to)}::date[]) with ordinality as r(a, b, i)
    join analytics_days d on d.day between r.a and r.b
    group by r.i`.execute(db);
  const out = ranges.map(() => ({ ...ZERO }));
  for (const { i, ...row } of r.rows) out[i - 1] = row;
  return out;
}

/** Identified customers' net revenue and count up to (and including) each day: historical CLV. */
async function lifetime(db: Executor, days: string[]): Promise<{ revenue: number; customers: number }[]> {
  const r = await sql<{ i: number; revenue: number; customers: number }>`
    select u.i::int, coalesce(sum(d.customer_revenue - d.refunds), 0)::bigint as revenue, coalesce(sum(d.new_customers), 0)::bigint as customers
    from unnest(${days}::date[]) with ordinality as u(b, i) left join analytics_days d on d.day <= u.b group by u.i`.execute(db);
  const out = days.map(() => ({ revenue: 0, customers: 0 }));
  for (const row of r.rows) out[row.i - 1] = { revenue: row.revenue, customers: row.customers };
  return out;
}

/** Marketing spend per channel within [from, to]: each month's amount shared out by the days of it in the range (rounded half up). */
export async function spendIn(db: Executor, from: string, to: string): Promise<Map<string, number>> {
  const rows = await sql<{ channel: string; month: string; amount: number }>`
    select channel, month, amount from marketing_spend where month between ${monthOf(from)}::date and ${to}::date`.execute(db);
  const out = new Map<string, number>();
  for (const r of rows.rows) {
    const a = r.month < from ? from : r.month;
    const end = monthEnd(r.month);
    const b = end > to ? to : end;
    if (a > b) continue;
    out.set(r.channel, (out.get(r.channel) ?? 0) + mulDivRound(r.amount, spanDays(a, b), daysInMonth(r.month)));
  }
  return out;
}

type Pair = { n: number; amount: number };
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Every KPI of [from, to] and of the period of the same length before it. */
export async function kpis(db: Executor, from: string, to: string): Promise<{ current: KpiSet; previous: KpiSet }> {
  const { w, p, q } = windows(from, to);
  const [sums, pairs, life, spendW, spendP] = await Promise.all([
    daySums(db, [w, p, q]),
    containment(db, [
      { kind: 'G', s: w.from, t: w.to }, { kind: 'G', s: p.from, t: p.to }, { kind: 'G', s: q.from, t: q.to },
      { kind: 'G', s: p.from, t: w.to }, { kind: 'G', s: q.from, t: p.to },
      { kind: 'F', s: w.from, t: w.to }, { kind: 'F', s: p.from, t: p.to },
      { kind: 'R', s: w.from, t: w.to }, { kind: 'R', s: p.from, t: p.to },
    ]),
    lifetime(db, [w.to, p.to]),
    spendIn(db, w.from, w.to),
    spendIn(db, p.from, p.to),
  ]);
  const [sw, sp, sq] = sums as [DaySums, DaySums, DaySums];
  const [gW, gP, gQ, gPW, gQP, fW, fP, rW, rP] = pairs as [Pair, Pair, Pair, Pair, Pair, Pair, Pair, Pair, Pair];
  // Customers of a range = their order days in it minus the consecutive order-day pairs inside it.
  const distinct = (s: DaySums, g: Pair) => s.customerDays - g.n;
  // Retained = customers whose next order day after the previous range falls in this one: pairs spanning the two.
  const current = assemble(sw, distinct(sw, gW), fW.n, rW.amount, { base: distinct(sp, gP), retained: gPW.n - gP.n - gW.n }, life[0]!, total(spendW));
  const previous = assemble(sp, distinct(sp, gP), fP.n, rP.amount, { base: distinct(sq, gQ), retained: gQP.n - gQ.n - gP.n }, life[1]!, total(spendP));
  return { current, previous };
}

function assemble(s: DaySums, customers: number, newRepeatAfter: number, newRevenue: number, churn: { base: number; retained: number }, life: { revenue: number; customers: number }, spend: number): KpiSet {
  const grossRevenue = s.customerRevenue + s.guestRevenue;
  const orders = s.customerOrders + s.guestOrders;
  const returningCustomers = customers - s.newCustomers;
  const repeatCustomers = returningCustomers + s.newMulti + newRepeatAfter;
  const churned = churn.base - churn.retained;
  return {
    grossRevenue, refunds: s.refunds, netRevenue: grossRevenue - s.refunds, orders, aov: divRound(grossRevenue, orders),
    customerOrders: s.customerOrders, guestOrders: s.guestOrders, guestRevenue: s.guestRevenue,
    customers, newCustomers: s.newCustomers, returningCustomers, newCustomerRevenue: newRevenue, returningCustomerRevenue: s.customerRevenue - newRevenue,
    repeatCustomers, repeatPurchaseRate: ratio(repeatCustomers, customers), purchaseFrequency: ratio(s.customerOrders, customers),
    sessions: s.sessions, convertedSessions: s.sessionsConverted, conversionRate: ratio(s.sessionsConverted, s.sessions),
    checkouts: s.checkouts, abandonedCheckouts: s.checkouts - s.checkoutsConverted, cartAbandonmentRate: ratio(s.checkouts - s.checkoutsConverted, s.checkouts),
    refundRate: ratio(s.refunds, grossRevenue),
    churnBase: churn.base, churnedCustomers: churned, churnRate: ratio(churned, churn.base),
    clvCustomers: life.customers, clvRevenue: life.revenue, clv: divRound(life.revenue, life.customers),
    spend, cac: divRound(spend, s.newCustomers),
  };
}

/** How each KPI is computed, in the words shown beside it. */
export const DEFINITIONS: Record<string, string> = {
  netRevenue: 'Order totals of the period (open and completed orders in the store currency, tax and shipping included) minus refunds dated in the period.',
  grossRevenue: 'Order totals of the period before refunds.',
  refunds: 'Refunds and cancellations dated in the period (refunds of orders that were themselves cancelled are not counted: their orders never were).',
  orders: 'Orders placed in the period, guest orders included; cancelled orders are not counted.',
  aov: 'Order totals ÷ orders (refunds do not lower it).',
  customers: 'Customers with at least one order in the period (guest orders have no customer).',
  newCustomers: 'Customers whose first order ever was placed in the period.',
  returningCustomers: 'Customers who ordered in the period and had ordered before it.',
  newCustomerRevenue: 'Order totals of new customers’ orders in the period.',
  returningCustomerRevenue: 'Order totals of returning customers’ orders in the period.',
  repeatPurchaseRate: 'Share of the period’s customers who have placed two or more orders in all, by the end of the period.',
  purchaseFrequency: 'Orders of identified customers ÷ customers, in the period.',
  conversionRate: 'Tracked sessions started in the period during which the visitor placed an order (or within 30 minutes of its last event) ÷ sessions.',
  cartAbandonmentRate: 'Checkouts started in the period that did not become an order ÷ checkouts started.',
  refundRate: 'Refunds dated in the period ÷ order totals of the period.',
  churnRate: 'Customers who ordered in the previous period of the same length but not in this one ÷ customers who ordered in the previous period.',
  clv: 'Historical CLV: what identified customers have spent, net of refunds, from their first order to the end of the period ÷ customers with an order by then.',
  cac: 'Marketing spend of the period ÷ new customers of the period. Spend is entered per month and shared out by the days of the month in the period.',
};
