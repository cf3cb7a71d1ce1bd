import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDemo } from '../../demo/demo.ts';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { UCI_FILE } from '../integrations/imports/uci.fixture.ts';
import type { Cohorts, Dashboard, KpiSet } from './analytics.schemas.ts';

// The UCI Online Retail data loaded as `patron demo` loads it (the import, then browsing and checkout
// behaviour consistent with the orders), and every KPI of the dashboard checked against a plain fold over
// the raw rows of orders, refunds, carts and activities: no rollup, no SQL date arithmetic.
let app: TestApp;
let owner: Session;
const TZ = 'Europe/London';

interface Raw {
  orders: { id: string; customer_id: string | null; status: string; currency: string; total: number; placed_at: Date }[];
  refunds: { customer_id: string | null; order_id: string | null; amount: number; currency: string; refunded_at: Date }[];
  carts: { customer_id: string | null; checkout_started_at: Date; converted: boolean }[];
  events: { customer_id: string; sid: string; occurred_at: Date; type: string }[];
}
let raw: Raw;

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  await runDemo(app.patron, CLI_ACTOR, { file: UCI_FILE });
  const db = app.patron.dbh.db;
  raw = {
    orders: (await sql<Raw['orders'][number]>`select id, customer_id, status, currency, total, placed_at from orders`.execute(db)).rows,
    refunds: (await sql<Raw['refunds'][number]>`select customer_id, order_id, amount, currency, refunded_at from refunds`.execute(db)).rows,
    carts: (await sql<Raw['carts'][number]>`select customer_id, checkout_started_at, (status = 'converted' or order_id is not null) as converted from carts where checkout_started_at is not null`.execute(db)).rows,
    events: (await sql<Raw['events'][number]>`
      select customer_id, coalesce(context->>'sessionId', properties->>'session_id') as sid, occurred_at, type from activities
      where context ? 'sessionId' or properties ? 'session_id'`.execute(db)).rows,
  };
  for (const [channel, month, amount] of [['google', '2011-03', 250_000], ['newsletter', '2011-03', 40_000], ['google', '2011-11', 999_999], ['google', '2010-12', 12_345]] as const) {
    const r = await app.patron.http!.inject({ method: 'PUT', url: '/api/analytics/spend', headers: owner.headers, payload: { channel, month, amount } });
    expect(r.statusCode, r.body).toBe(201);
  }
}, 600_000);
afterAll(async () => app?.close());

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const dayCache = new Map<number, string>();
/** The store day of an instant, by the platform's time zone database (not Postgres's). */
function day(t: Date): string {
  const k = t.getTime();
  let d = dayCache.get(k);
  if (!d) dayCache.set(k, (d = dayFmt.format(t)));
  return d;
}
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const span = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000) + 1;
const within = (d: string, r: { from: string; to: string }) => d >= r.from && d <= r.to;
const half = (num: number, den: number) => (den === 0 ? null : Math.floor((2 * num + den) / (2 * den)));
const rate = (num: number, den: number) => (den === 0 ? null : num / den);
const SPEND: [string, string, number][] = [['google', '2011-03', 250_000], ['newsletter', '2011-03', 40_000], ['google', '2011-11', 999_999], ['google', '2010-12', 12_345]];

/** Every KPI of one range, by a plain fold over the raw rows. */
function fold(r: { from: string; to: string }): KpiSet {
  const len = span(r.from, r.to);
  const prev = { from: addDays(r.from, -len), to: addDays(r.from, -1) };
  const counted = raw.orders.filter((o) => o.status !== 'cancelled' && o.currency === 'GBP');
  const cancelled = new Set(raw.orders.filter((o) => o.status === 'cancelled').map((o) => o.id));
  const first = new Map<string, string>();
  for (const o of counted) if (o.customer_id) {
    const d = day(o.placed_at);
    if (!first.has(o.customer_id) || d < first.get(o.customer_id)!) first.set(o.customer_id, d);
  }
  const inW = counted.filter((o) => within(day(o.placed_at), r));
  const gross = inW.reduce((a, o) => a + o.total, 0);
  const ident = inW.filter((o) => o.customer_id);
  const customers = new Set(ident.map((o) => o.customer_id!));
  const isNew = (c: string) => within(first.get(c)!, r);
  const newCustomers = [...customers].filter(isNew).length;
  const newRevenue = ident.filter((o) => isNew(o.customer_id!)).reduce((a, o) => a + o.total, 0);
  const upTo = new Map<string, number>();
  for (const o of counted) if (o.customer_id && day(o.placed_at) <= r.to) upTo.set(o.customer_id, (upTo.get(o.customer_id) ?? 0) + 1);
  const repeat = [...customers].filter((c) => upTo.get(c)! >= 2).length;
  const refundsCounted = raw.refunds.filter((x) => x.currency === 'GBP' && !(x.order_id && cancelled.has(x.order_id)));
  const refunds = refundsCounted.filter((x) => within(day(x.refunded_at), r)).reduce((a, x) => a + x.amount, 0);
  const carts = raw.carts.filter((k) => within(day(k.checkout_started_at), r));
  const sessions = new Map<string, { c: string; start: Date; end: Date; ordered: boolean }>();
  for (const e of raw.events) {
    if (!e.sid) continue;
    const k = `${e.customer_id}|${e.sid}`;
    const s = sessions.get(k) ?? { c: e.customer_id, start: e.occurred_at, end: e.occurred_at, ordered: false };
    if (e.occurred_at < s.start) s.start = e.occurred_at;
    if (e.occurred_at > s.end) s.end = e.occurred_at;
    s.ordered ||= e.type === 'Order Completed';
    sessions.set(k, s);
  }
  const byCustomer = new Map<string, Date[]>();
  for (const o of raw.orders) if (o.customer_id && o.status !== 'cancelled') byCustomer.set(o.customer_id, [...(byCustomer.get(o.customer_id) ?? []), o.placed_at]);
  const sess = [...sessions.values()].filter((s) => within(day(s.start), r));
  const converted = sess.filter((s) => s.ordered || (byCustomer.get(s.c) ?? []).some((t) => t >= s.start && t.getTime() <= s.end.getTime() + 30 * 60_000)).length;
  const prevCustomers = new Set(counted.filter((o) => o.customer_id && within(day(o.placed_at), prev)).map((o) => o.customer_id!));
  const churned = [...prevCustomers].filter((c) => !customers.has(c)).length;
  const lifeRevenue = counted.filter((o) => o.customer_id && day(o.placed_at) <= r.to).reduce((a, o) => a + o.total, 0)
    - refundsCounted.filter((x) => x.customer_id && day(x.refunded_at) <= r.to).reduce((a, x) => a + x.amount, 0);
  const lifeCustomers = [...first.values()].filter((d) => d <= r.to).length;
  let spend = 0;
  for (const [, month, amount] of SPEND) {
    const m0 = `${month}-01`;
    const mEnd = addDays(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 1)).toISOString().slice(0, 10), -1);
    const a = m0 < r.from ? r.from : m0;
    const b = mEnd > r.to ? r.to : mEnd;
    if (a <= b) spend += Math.floor((2 * amount * span(a, b) + span(m0, mEnd)) / (2 * span(m0, mEnd)));
  }
  const customerOrders = ident.length;
  const checkoutsConverted = carts.filter((k) => k.converted).length;
  return {
    grossRevenue: gross, refunds, netRevenue: gross - refunds, orders: inW.length, aov: half(gross, inW.length),
    customerOrders, guestOrders: inW.length - customerOrders, guestRevenue: inW.filter((o) => !o.customer_id).reduce((a, o) => a + o.total, 0),
    customers: customers.size, newCustomers, returningCustomers: customers.size - newCustomers, newCustomerRevenue: newRevenue,
    returningCustomerRevenue: ident.reduce((a, o) => a + o.total, 0) - newRevenue,
    repeatCustomers: repeat, repeatPurchaseRate: rate(repeat, customers.size), purchaseFrequency: rate(customerOrders, customers.size),
    sessions: sess.length, convertedSessions: converted, conversionRate: rate(converted, sess.length),
    checkouts: carts.length, abandonedCheckouts: carts.length - checkoutsConverted, cartAbandonmentRate: rate(carts.length - checkoutsConverted, carts.length),
    refundRate: rate(refunds, gross), churnBase: prevCustomers.size, churnedCustomers: churned, churnRate: rate(churned, prevCustomers.size),
    clvCustomers: lifeCustomers, clvRevenue: lifeRevenue, clv: half(lifeRevenue, lifeCustomers), spend, cac: half(spend, newCustomers),
  };
}

const get = async <T>(url: string): Promise<T> => {
  const res = await app.patron.http!.inject({ method: 'GET', url, headers: owner.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};

it('the data is what the demo loads: UCI orders with cancellations, guest orders, sessions and abandoned checkouts', () => {
  expect(raw.orders.length).toBeGreaterThan(20_000);
  expect(raw.orders.some((o) => !o.customer_id)).toBe(true);
  expect(raw.refunds.filter((x) => !x.order_id).length).toBeGreaterThan(3_000);
  expect(raw.events.length).toBeGreaterThan(100_000);
  expect(raw.carts.some((k) => !k.converted)).toBe(true);
});

it('the demo looks like a real store: some sessions convert, most checkouts are abandoned', async () => {
  const d = await get<Dashboard>('/api/analytics/dashboard?from=2011-01-01&to=2011-12-31');
  const conversion = d.current.conversionRate ?? 0;
  const abandonment = d.current.cartAbandonmentRate ?? 0;
  expect(conversion).toBeGreaterThan(0.05);
  expect(conversion).toBeLessThan(0.5);
  expect(abandonment).toBeGreaterThan(0.4);
  expect(abandonment).toBeLessThan(0.85);
});

const RANGES = [
  { from: '2011-01-01', to: '2011-12-31' }, // a year: the previous one holds December 2010 only
  { from: '2011-03-01', to: '2011-03-31' }, // a month (with spend)
  { from: '2011-03-20', to: '2011-04-02' }, // across the spring clock change
  { from: '2011-09-15', to: '2011-12-13' }, // 90 days to the end of the data
  { from: '2011-10-30', to: '2011-10-30' }, // one day (the autumn clock change)
  { from: '2010-06-01', to: '2011-12-09' }, // more than all the data
];

it.each(RANGES)('every KPI of $from … $to matches the fold over the raw rows, to the penny', async (r) => {
  const d = await get<Dashboard>(`/api/analytics/dashboard?from=${r.from}&to=${r.to}`);
  expect(d.current).toEqual(fold(r));
  expect(d.previous).toEqual(fold(d.previousRange));
});

it('the monthly cohorts match the fold', async () => {
  const c = await get<Cohorts>('/api/analytics/cohorts?from=2010-12-01&to=2011-12-31');
  const counted = raw.orders.filter((o) => o.status !== 'cancelled' && o.currency === 'GBP' && o.customer_id);
  const months = new Map<string, Set<string>>();
  const firstMonth = new Map<string, string>();
  for (const o of counted) {
    const m = day(o.placed_at).slice(0, 7);
    months.set(o.customer_id!, (months.get(o.customer_id!) ?? new Set()).add(m));
    if (!firstMonth.has(o.customer_id!) || m < firstMonth.get(o.customer_id!)!) firstMonth.set(o.customer_id!, m);
  }
  const monthPlus = (m: string, k: number) => { const t = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1)); return t.toISOString().slice(0, 7); };
  expect(c.months).toHaveLength(13);
  for (const row of c.months) {
    const m = row.month.slice(0, 7);
    const cohort = [...firstMonth].filter(([, f]) => f === m).map(([id]) => id);
    expect(row.retained, m).toEqual(row.retained.map((_, k) => cohort.filter((id) => months.get(id)!.has(monthPlus(m, k))).length));
  }
  // December 2010: the first cohort, followed for the twelve months after it.
  expect(c.months[0]!.retained).toHaveLength(13);
  expect(c.months[0]!.customers).toBe(885);
});

it('drill-downs list exactly the rows behind the figures', async () => {
  const r = RANGES[1]!;
  const d = await get<Dashboard>(`/api/analytics/dashboard?from=${r.from}&to=${r.to}`);
  const total = async (metric: string) => (await get<{ total: number }>(`/api/analytics/drilldown?from=${r.from}&to=${r.to}&metric=${metric}&limit=1`)).total;
  expect(await total('orders')).toBe(d.current.orders);
  expect(await total('refunds')).toBe(raw.refunds.filter((x) => within(day(x.refunded_at), r)).length);
  expect(await total('customers')).toBe(d.current.customers);
  expect(await total('new_customers')).toBe(d.current.newCustomers);
  expect(await total('returning_customers')).toBe(d.current.returningCustomers);
  expect(await total('repeat_customers')).toBe(d.current.repeatCustomers);
  expect(await total('churned_customers')).toBe(d.current.churnedCustomers);
  expect(await total('clv_customers')).toBe(d.current.clvCustomers);
  expect(await total('checkouts')).toBe(d.current.checkouts);
  expect(await total('abandoned_checkouts')).toBe(d.current.abandonedCheckouts);
  expect(await total('guest_orders')).toBe(d.current.guestOrders);
  const countries = await get<{ countries: { country: string; revenue: number }[] }>(`/api/analytics/breakdowns?from=${r.from}&to=${r.to}`);
  expect(countries.countries.reduce((a, c) => a + c.revenue, 0)).toBe(d.current.grossRevenue);
  expect(countries.countries[0]!.country).toBe('GB');
});

it('counts pairs inside any range exactly, whatever the months its ends fall in', async () => {
  const { containment } = await import('./analytics.query.ts');
  const db = app.patron.dbh.db;
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
  const qs = Array.from({ length: 300 }, () => {
    const a = addDays('2010-11-15', rnd(420));
    // Month-aligned ends now and then: the first and last day of a month are the edge cases.
    const s = rnd(4) === 0 ? `${a.slice(0, 7)}-01` : a;
    return { kind: (['G', 'F', 'R'] as const)[rnd(3)]!, s, t: addDays(s, rnd(4) === 0 ? 0 : rnd(500)) };
  });
  const got = await containment(db, qs);
  for (const [i, q] of qs.entries()) {
    const r = await sql<{ n: number; amount: number }>`select coalesce(sum(n), 0)::bigint as n, coalesce(sum(amount), 0)::bigint as amount from analytics_pairs
      where kind = ${q.kind} and x >= ${q.s}::date and y <= ${q.t}::date`.execute(db);
    expect(got[i], `${q.kind} ${q.s} … ${q.t}`).toEqual(r.rows[0]);
  }
});
