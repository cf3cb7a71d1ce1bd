import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { removeTmpFiles, tmpFile, uciLines } from '../integrations/imports/uci.fixture.ts';
import { classFor } from './rfm.classes.ts';
import type { RfmOverview } from './rfm.schemas.ts';

// Real data: the whole history (orders and cancellations, the whole year) of every third customer of the
// UCI Online Retail file, imported as a user would. The scores are checked against a computation in plain TypeScript straight
// from the orders and refunds, written without the module's code.
let app: TestApp;
let owner: Session;

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  const res = await app.patron.http!.inject({ method: 'PUT', url: '/api/settings/store', headers: owner.headers, payload: { currency: 'GBP', timeZone: 'Europe/London' } });
  expect(res.statusCode).toBe(200);
  const lines: string[] = [];
  for await (const line of uciLines()) {
    // The customer id is the 7th column, after a description that may be quoted and hold commas.
    const customer = /,(\d+)(?:\.0)?,[^,]*$/.exec(line)?.[1];
    if (!lines.length || (customer && Number(customer) % 3 === 0)) lines.push(line);
  }
  const r = await app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile('uci-third.csv', lines.join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
  expect(r.summary.customers.created).toBeGreaterThan(1400);
}, 300_000);
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

/** The oracle: "how many are strictly worse" by counting, value by value. */
function scores(values: Map<string, number>, better: 'higher' | 'lower'): Map<string, number> {
  const counts = new Map<number, number>();
  for (const v of values.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => (better === 'higher' ? a - b : b - a));
  const worse = new Map<number, number>();
  let below = 0;
  for (const v of distinct) {
    worse.set(v, below);
    below += counts.get(v)!;
  }
  const n = values.size;
  return new Map([...values].map(([id, v]) => [id, 1 + Math.floor((5 * worse.get(v)!) / n)]));
}

const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayNumber = (d: Date) => Date.parse(`${londonDay.format(d)}T00:00:00Z`) / 86_400_000;

it('scores every customer as an independent computation over the orders does; the grid adds up', async () => {
  const db = app.patron.dbh.db;
  const run = await app.patron.modules.rfm.service.recompute('manual');

  // The oracle, from the raw orders, refunds and profiles.
  const orders = await sql<{ customer_id: string; total: number; currency: string; status: string; placed_at: Date }>`select customer_id, total, currency, status, placed_at from orders where customer_id is not null`.execute(db);
  const refunds = await sql<{ customer_id: string; amount: number; currency: string }>`select customer_id, amount, currency from refunds where customer_id is not null`.execute(db);
  const live = new Set((await sql<{ id: string }>`select id from customers where merged_into is null and not anonymous`.execute(db)).rows.map((r) => r.id));
  const agg = new Map<string, { n: number; spent: number; refunded: number; last: Date }>();
  for (const o of orders.rows) {
    if (o.status === 'cancelled' || !live.has(o.customer_id)) continue;
    const a = agg.get(o.customer_id) ?? { n: 0, spent: 0, refunded: 0, last: o.placed_at };
    a.n++;
    if (o.currency === 'GBP') a.spent += o.total;
    if (o.placed_at > a.last) a.last = o.placed_at;
    agg.set(o.customer_id, a);
  }
  for (const r of refunds.rows) {
    const a = agg.get(r.customer_id);
    if (a && r.currency === 'GBP') a.refunded += r.amount;
  }
  const asOf = new Date(Math.max(...[...agg.values()].map((a) => a.last.getTime())));
  const days = new Map([...agg].map(([id, a]) => [id, dayNumber(asOf) - dayNumber(a.last)]));
  const net = new Map([...agg].map(([id, a]) => [id, a.spent - a.refunded]));
  const R = scores(days, 'lower');
  const F = scores(new Map([...agg].map(([id, a]) => [id, a.n])), 'higher');
  const M = scores(net, 'higher');

  expect(run.customers).toBe(agg.size);
  expect(run.asOf?.getTime()).toBe(asOf.getTime());
  const stored = await sql<{ customer_id: string; recency: number; frequency: number; monetary: number; class: string; recency_days: number; order_count: number; net_spent: number }>`select * from customer_rfm`.execute(db);
  expect(stored.rows).toHaveLength(agg.size);
  let mismatches = 0;
  for (const s of stored.rows) {
    const id = s.customer_id;
    const want = { recency: R.get(id), frequency: F.get(id), monetary: M.get(id), class: classFor(R.get(id)!, F.get(id)!), recency_days: days.get(id), order_count: agg.get(id)?.n, net_spent: net.get(id) };
    const got = { recency: s.recency, frequency: s.frequency, monetary: s.monetary, class: s.class, recency_days: s.recency_days, order_count: s.order_count, net_spent: s.net_spent };
    if (JSON.stringify(got) !== JSON.stringify(want) && mismatches++ < 5) expect(got, id).toEqual(want);
  }
  expect(mismatches).toBe(0);

  // Real ties: a third of the customers have a single order; they all score F1 and nobody else does.
  const single = [...agg.values()].filter((a) => a.n === 1).length;
  expect(single / agg.size).toBeGreaterThan(0.25);
  expect(stored.rows.filter((s) => s.frequency === 1)).toHaveLength(single);
  // Every score is used on this data.
  for (const dim of ['recency', 'frequency', 'monetary'] as const) expect(new Set(stored.rows.map((s) => s[dim])).size).toBe(5);

  // The grid (the API) adds up to the customers with orders and their net revenue.
  const res = await app.patron.http!.inject({ url: '/api/rfm', headers: owner.headers });
  const o = res.json() as RfmOverview;
  const totalNet = [...net.values()].reduce((a, b) => a + b, 0);
  expect(o.cells.reduce((s, c) => s + c.customers, 0)).toBe(agg.size);
  expect(o.cells.reduce((s, c) => s + c.revenue, 0)).toBe(totalNet);
  expect(o.classes.reduce((s, c) => s + c.revenue, 0)).toBe(totalNet);
  expect(o.run).toMatchObject({ customers: agg.size, revenue: totalNet, currency: 'GBP' });
  for (const c of o.cells) {
    const inCell = stored.rows.filter((s) => s.recency === c.r && s.frequency === c.f);
    expect(c.customers, `R${c.r} F${c.f}`).toBe(inCell.length);
    expect(c.revenue, `R${c.r} F${c.f}`).toBe(inCell.reduce((a, s) => a + s.net_spent, 0));
  }
  // Cut points: contiguous, non-overlapping ranges, F1 is exactly one order.
  expect(o.cutPoints!.frequency[0]).toMatchObject({ score: 1, min: 1, max: 1, customers: single });
  for (const dim of ['recency', 'frequency', 'monetary'] as const) {
    const cuts = o.cutPoints![dim];
    expect(cuts.reduce((a, c) => a + c.customers, 0)).toBe(agg.size);
    for (let i = 1; i < cuts.length; i++) {
      if (dim === 'recency') expect(cuts[i]!.max).toBeLessThan(cuts[i - 1]!.min);
      else expect(cuts[i]!.min).toBeGreaterThan(cuts[i - 1]!.max);
    }
  }
  console.log(`[rfm-uci] ${agg.size} customers scored in ${run.durationMs} ms; classes: ${o.classes.map((c) => `${c.class} ${c.customers}`).join(', ')}`);
}, 120_000);
