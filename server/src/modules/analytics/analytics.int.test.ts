import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { Dashboard, KpiSet } from './analytics.schemas.ts';

// A small store with known answers, worked out by hand below. The store is in New York: an order at
// 2024-03-01 03:00 UTC was placed on 29 February there. Period: March 2024; previous: 30 Jan – 29 Feb;
// the one before: 30 Dec – 29 Jan.
let app: TestApp;
let owner: Session;
let sk: string;

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  sk = (await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'server', kind: 'secret', scopes: ['tracking:write'] })).key;
  await call('PUT', '/api/settings/store', { currency: 'USD', timeZone: 'America/New_York' });
  await seed();
});
afterAll(async () => app?.close());

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, expectStatus?: number) {
  const res = await app.patron.http!.inject({ method, url, headers: owner.headers, payload: payload as Record<string, unknown> });
  if (expectStatus !== undefined) expect(res.statusCode, res.body).toBe(expectStatus);
  else if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res;
}
const track = async (batch: Record<string, unknown>[]) => {
  const res = await app.patron.http!.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: `Bearer ${sk}` }, payload: { batch } });
  expect(res.json()).toMatchObject({ accepted: batch.length });
};
const who = (c: string) => ({ email: `${c.toLowerCase()}@fixture.test`, externalId: c });
let n = 0;
const order = (c: string | null, placedAt: string, total: number, extra: Record<string, unknown> = {}) =>
  call('POST', '/api/orders', {
    source: 'shop', externalId: `o${++n}`, currency: 'USD', placedAt, ...(c ? { customer: who(c) } : {}),
    lines: [{ productExternalId: `p${n % 3}`, title: `Product ${n % 3}`, quantity: 1, unitPrice: total }], ...extra,
  });

async function seed() {
  // D arrives from a Google campaign (tracked before the first order); A browses in sessions s1, s2, s4.
  await track([
    { type: 'identify', userId: 'user-a', traits: { email: 'a@fixture.test' }, timestamp: '2024-01-01T12:00:00Z' },
    { type: 'identify', userId: 'user-d', traits: { email: 'd@fixture.test' }, timestamp: '2024-03-10T11:00:00Z' },
    { type: 'page', userId: 'user-d', timestamp: '2024-03-10T11:00:00Z', context: { campaign: { source: 'Google', medium: 'cpc' } } },
    { type: 'page', userId: 'user-a', timestamp: '2024-02-10T14:50:00Z', context: { sessionId: 's4' } },
    { type: 'page', userId: 'user-a', timestamp: '2024-03-05T14:50:00Z', context: { sessionId: 's1' } },
    { type: 'page', userId: 'user-a', timestamp: '2024-03-05T14:55:00Z', context: { sessionId: 's1' } },
    { type: 'page', userId: 'user-a', timestamp: '2024-03-20T10:00:00Z', context: { sessionId: 's2' } },
    { type: 'page', anonymousId: 'anon-x', timestamp: '2024-03-22T10:00:00Z', context: { sessionId: 's3' } },
  ]);
  await order('A', '2024-01-15T15:00:00Z', 10000);
  await order('A', '2024-02-10T15:00:00Z', 5000);
  await call('POST', '/api/carts', { source: 'shop', externalId: 'k-a', customer: who('A'), currency: 'USD', checkoutStarted: true, updatedAt: '2024-03-05T14:58:00Z', items: [{ title: 'x', quantity: 1, unitPrice: 3000 }] });
  await order('A', '2024-03-05T15:00:00Z', 3000, { cartExternalId: 'k-a' });
  await order('A', '2024-03-06T15:00:00Z', 99900, { currency: 'EUR' });
  await order('B', '2024-02-20T15:00:00Z', 20000);
  await order('C', '2024-03-01T03:00:00Z', 4000);
  await order('C', '2024-03-20T15:00:00Z', 6000);
  await order('C', '2024-03-20T16:00:00Z', 1000);
  await order('D', '2024-03-10T12:00:00Z', 8000);
  await order('D', '2024-04-02T12:00:00Z', 2000);
  await order('E', '2024-03-15T12:00:00Z', 2500);
  await order('E', '2024-03-25T12:00:00Z', 3500);
  await order('F', '2024-03-12T12:00:00Z', 50000, { status: 'cancelled', externalId: 'f-cancelled' });
  await order(null, '2024-03-03T12:00:00Z', 7000);
  await order(null, '2024-02-05T12:00:00Z', 1500);
  await call('POST', '/api/refunds', { source: 'shop', externalId: 'r1', orderExternalId: 'o2', amount: 1000, currency: 'USD', refundedAt: '2024-03-08T12:00:00Z' });
  await call('POST', '/api/refunds', { source: 'shop', externalId: 'r2', orderExternalId: 'f-cancelled', amount: 50000, currency: 'USD', refundedAt: '2024-03-13T12:00:00Z' });
  await call('POST', '/api/refunds', { source: 'shop', externalId: 'r3', kind: 'cancellation', customer: who('B'), amount: 500, currency: 'USD', refundedAt: '2024-03-09T12:00:00Z' });
  await call('POST', '/api/refunds', { source: 'shop', externalId: 'r4', amount: 700, currency: 'USD', refundedAt: '2024-03-04T12:00:00Z' });
  await call('POST', '/api/carts', { source: 'shop', externalId: 'k-b', customer: who('B'), currency: 'USD', checkoutStarted: true, status: 'abandoned', updatedAt: '2024-03-07T12:00:00Z' });
  await call('POST', '/api/carts', { source: 'shop', externalId: 'k-guest', currency: 'USD', checkoutStarted: true, status: 'abandoned', updatedAt: '2024-03-08T12:00:00Z' });
  await call('POST', '/api/carts', { source: 'shop', externalId: 'k-c', customer: who('C'), currency: 'USD', checkoutStarted: true, status: 'abandoned', updatedAt: '2024-02-25T12:00:00Z' });
  await call('PUT', '/api/analytics/spend', { channel: 'google', month: '2024-03', amount: 31000 }, 201);
  await call('PUT', '/api/analytics/spend', { channel: 'Facebook', month: '2024-02', amount: 29000 }, 201);
  // E's name starts with "=": exports must not let a spreadsheet run it.
  const e = (await call('GET', '/api/customers?q=e%40fixture.test')).json() as { items: { id: string }[] };
  await call('PATCH', `/api/customers/${e.items[0]!.id}`, { firstName: '=HYPERLINK("http://x")' });
}

const dashboard = async (from = '2024-03-01', to = '2024-03-31') => (await call('GET', `/api/analytics/dashboard?from=${from}&to=${to}`)).json() as Dashboard;

describe('analytics on a hand-made store', () => {
  it('computes every KPI of the period and of the previous one as worked out by hand', async () => {
    const d = await dashboard();
    expect(d.range).toEqual({ from: '2024-03-01', to: '2024-03-31', days: 31 });
    expect(d.previousRange).toEqual({ from: '2024-01-30', to: '2024-02-29', days: 31 });
    expect(d.currency).toBe('USD');
    const march: KpiSet = {
      // A 30 + C 60 + C 10 + D 80 + E 25 + E 35 + guest 70; A's EUR order and F's cancelled order are left out.
      grossRevenue: 31000, orders: 7, aov: 4429, customerOrders: 6, guestOrders: 1, guestRevenue: 7000,
      // A's refund (10), B's cancellation without an order (5), a guest's refund (7); the refund of F's cancelled order is not counted.
      refunds: 2200, netRevenue: 28800,
      // A, C, D, E ordered; D and E for the first time. C's first order was on 29 Feb, New York time.
      customers: 4, newCustomers: 2, returningCustomers: 2, newCustomerRevenue: 14000, returningCustomerRevenue: 10000,
      // A and C had ordered before; E ordered twice in March; D's second order is in April.
      repeatCustomers: 3, repeatPurchaseRate: 0.75, purchaseFrequency: 1.5,
      // s1 ended in A's order, s2 and s3 did not.
      sessions: 3, convertedSessions: 1, conversionRate: 1 / 3,
      checkouts: 3, abandonedCheckouts: 2, cartAbandonmentRate: 2 / 3,
      refundRate: 2200 / 31000,
      // A, B and C ordered in the previous period; B did not come back.
      churnBase: 3, churnedCustomers: 1, churnRate: 1 / 3,
      // A 180 − 10, B 200 − 5, C 110, D 80, E 60 over 5 customers.
      clvCustomers: 5, clvRevenue: 61500, clv: 12300,
      spend: 31000, cac: 15500,
    };
    expect(d.current).toEqual(march);
    expect(d.previous).toEqual({
      grossRevenue: 30500, orders: 4, aov: 7625, customerOrders: 3, guestOrders: 1, guestRevenue: 1500, refunds: 0, netRevenue: 30500,
      customers: 3, newCustomers: 2, returningCustomers: 1, newCustomerRevenue: 24000, returningCustomerRevenue: 5000,
      repeatCustomers: 1, repeatPurchaseRate: 1 / 3, purchaseFrequency: 1,
      sessions: 1, convertedSessions: 1, conversionRate: 1, checkouts: 1, abandonedCheckouts: 1, cartAbandonmentRate: 1, refundRate: 0,
      churnBase: 1, churnedCustomers: 0, churnRate: 0, clvCustomers: 3, clvRevenue: 39000, clv: 13000, spend: 29000, cac: 14500,
    } satisfies KpiSet);
    expect(d.definitions.churnRate).toMatch(/previous period/);
  });

  it('breaks down by channel, product and country, with CAC per channel', async () => {
    const b = (await call('GET', '/api/analytics/breakdowns?from=2024-03-01&to=2024-03-31')).json() as { channels: unknown[]; products: { revenue: number }[]; countries: { country: string; orders: number; revenue: number }[] };
    // D came from Google (first-touch UTM source before the first order); E from the order's source.
    expect(b.channels).toEqual([
      { channel: 'google', newCustomers: 1, spend: 31000, cac: 31000 },
      { channel: 'shop', newCustomers: 1, spend: 0, cac: null },
    ]);
    expect(b.products.reduce((a, p) => a + p.revenue, 0)).toBe(31000);
    expect(b.countries).toEqual([{ country: '', orders: 7, revenue: 31000 }]);
  });

  it('drills into the customers and orders behind figures, and exports them as CSV with formulas neutralised', async () => {
    const page = async (q: string) => (await call('GET', `/api/analytics/drilldown?from=2024-03-01&to=2024-03-31&${q}`)).json() as { kind: string; total: number; items: Record<string, unknown>[] };
    const neu = await page('metric=new_customers');
    expect(neu.kind).toBe('customers');
    expect(neu.items.map((c) => c.email).sort()).toEqual(['d@fixture.test', 'e@fixture.test']);
    expect((await page('metric=churned_customers')).items.map((c) => c.email)).toEqual(['b@fixture.test']);
    expect((await page('metric=repeat_customers')).total).toBe(3);
    expect((await page('metric=new_customers&channel=google')).items.map((c) => c.email)).toEqual(['d@fixture.test']);
    const orders = await page('metric=orders&limit=5');
    expect(orders).toMatchObject({ kind: 'orders', total: 7 });
    expect(orders.items).toHaveLength(5);
    expect((await page('metric=refunds')).total).toBe(3);
    expect((await page('metric=abandoned_checkouts')).total).toBe(2);
    expect((await page('metric=converted_sessions')).items.map((c) => c.email)).toEqual(['a@fixture.test']);
    const csv = await call('GET', '/api/analytics/drilldown.csv?from=2024-03-01&to=2024-03-31&metric=new_customers');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv.body.split('\r\n')[0]).toBe('customer_id,name,email,country,first_order_day,orders,revenue_USD');
    expect(csv.body).toMatch(/,e@fixture\.test,,2024-03-15,2,60\.00\r\n/);
  });

  it('follows new orders, guest orders and merges at once, and agrees with a full rebuild', async () => {
    await order('B', '2024-03-28T15:00:00Z', 4000);
    await order(null, '2024-03-29T15:00:00Z', 900);
    let d = await dashboard();
    expect(d.current).toMatchObject({ orders: 9, grossRevenue: 35900, customers: 5, returningCustomers: 3, churnedCustomers: 0, guestOrders: 2 });
    // Merging E into D: D now has E's orders; the figures follow.
    const id = async (email: string) => ((await call('GET', `/api/customers?q=${encodeURIComponent(email)}`)).json() as { items: { id: string }[] }).items[0]!.id;
    await call('POST', '/api/customers/merge', { survivorId: await id('d@fixture.test'), mergedId: await id('e@fixture.test') });
    d = await dashboard();
    expect(d.current).toMatchObject({ customers: 4, newCustomers: 1, repeatCustomers: 4 });
    const incremental = await Promise.all([dashboard(), dashboard('2024-01-01', '2024-12-31'), call('GET', '/api/analytics/cohorts?from=2024-01-01&to=2024-04-30'), call('GET', '/api/analytics/series?from=2024-01-01&to=2024-06-30')]);
    await call('POST', '/api/analytics/rebuild');
    const rebuilt = await Promise.all([dashboard(), dashboard('2024-01-01', '2024-12-31'), call('GET', '/api/analytics/cohorts?from=2024-01-01&to=2024-04-30'), call('GET', '/api/analytics/series?from=2024-01-01&to=2024-06-30')]);
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'refreshedAt' ? undefined : v))) as unknown;
    expect(strip(rebuilt[0])).toEqual(strip(incremental[0]));
    expect(strip(rebuilt[1])).toEqual(strip(incremental[1]));
    expect(rebuilt[2].json()).toEqual(incremental[2].json());
    expect(rebuilt[3].json()).toEqual(incremental[3].json());
  });

  it('recounts day boundaries when the store time zone changes', async () => {
    await call('PUT', '/api/settings/store', { timeZone: 'UTC' });
    const d = await dashboard('2024-03-01', '2024-03-31');
    // C's 2024-03-01 03:00 UTC order is now a March order.
    expect(d.current.orders).toBe(10);
    await call('PUT', '/api/settings/store', { timeZone: 'America/New_York' });
    expect((await dashboard()).current.orders).toBe(9);
  });
});

describe('browsing', () => {
  it('counts new sessions at the next scheduled refresh, so heavy tracking never slows a dashboard read', async () => {
    const before = (await dashboard()).current.sessions;
    await track([{ type: 'page', userId: 'user-a', timestamp: '2024-03-21T10:00:00Z', context: { sessionId: 's5' } }]);
    expect((await dashboard()).current.sessions).toBe(before);
    await app.patron.modules.analytics.rollups.refresh({ recentGuestDays: 2 });
    expect((await dashboard()).current).toMatchObject({ sessions: before + 1, convertedSessions: 1 });
  });
});

describe('bad input', () => {
  const problem = async (url: string, method: 'GET' | 'POST' = 'GET', payload?: unknown) => {
    const res = await call(method, url, payload, 400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    return res.json() as { type: string; detail: string; errors: { pointer: string; detail: string }[]; lines?: number[] };
  };

  it('refuses reversed, too long and malformed ranges and unknown metrics with a problem that says what to fix', async () => {
    expect((await problem('/api/analytics/dashboard?from=2024-03-31&to=2024-03-01')).errors).toEqual([{ pointer: '/querystring/to', detail: expect.stringMatching(/on or after from/) }]);
    expect((await problem('/api/analytics/dashboard?from=2015-01-01&to=2020-01-01')).errors[0]).toMatchObject({ pointer: '/querystring/to', detail: expect.stringMatching(/5 years/) });
    await call('GET', '/api/analytics/dashboard?from=2015-01-01&to=2019-12-31', undefined, 200);
    expect((await problem('/api/analytics/dashboard?from=2024-13-01&to=2024-12-31')).errors[0]!.pointer).toBe('/querystring/from');
    expect((await problem('/api/analytics/dashboard?from=2024-02-30&to=2024-03-01')).errors[0]!.detail).toMatch(/calendar date/);
    expect((await problem('/api/analytics/dashboard?from=yesterday&to=2024-03-01')).errors[0]!.detail).toMatch(/like 2011-12-31/);
    const bad = await problem('/api/analytics/drilldown?from=2024-03-01&to=2024-03-31&metric=profit');
    expect(bad.errors[0]).toMatchObject({ pointer: '/querystring/metric' });
    expect(bad.detail).toMatch(/new_customers/);
    expect((await problem('/api/analytics/drilldown?from=2024-03-01&to=2024-03-31&metric=refunds&product=x')).errors[0]!.pointer).toBe('/querystring/product');
  });

  it('refuses a bad spend CSV as a whole, naming each bad line', async () => {
    const csv = 'channel,month,amount\ngoogle,2024-01,100.00\n,2024-02,5\nfacebook,2024-13,5\nbing,2024-03,abc\ngoogle,2024-01,7\nbing,2024-04,-5\n';
    const p = await problem('/api/analytics/spend/import', 'POST', { csv });
    expect(p.type).toBe('/problems/invalid-spend-csv');
    expect(p.lines).toEqual([3, 4, 5, 6, 7]);
    expect(p.errors.map((e) => e.detail)).toEqual([
      'line 3: channel is empty',
      'line 4: month "2024-13" is not a month like 2011-12',
      'line 5: amount "abc" is not a decimal amount',
      'line 6: google 2024-01 is already on line 2',
      'line 7: amount "-5" is negative: spend is an amount paid',
    ]);
    expect((await problem('/api/analytics/spend/import', 'POST', { csv: 'when,cost\n2024-01,5\n' })).errors[0]!.detail).toMatch(/line 1: .*missing: channel, month/);
    // Nothing was written.
    expect(((await call('GET', '/api/analytics/spend')).json() as { items: unknown[] }).items).toHaveLength(2);
  });

  it('imports a good spend CSV (semicolons and decimal commas too) and CAC follows', async () => {
    const r = await call('POST', '/api/analytics/spend/import', { csv: 'Channel;Month;Amount;Note\nGoogle;2024-03;"1.240,00";March\nnewsletter;2024-03;100\n' });
    expect(r.json()).toEqual({ created: 1, updated: 1, deleted: 0, rows: 2 });
    const d = await dashboard();
    expect(d.current.spend).toBe(124000 + 10000);
  });
});
