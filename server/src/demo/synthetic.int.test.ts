import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/harness.ts';
import { generateStore } from './synthetic.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

it('generates a varied store: power-law order counts, different baskets, abandoned checkouts', async () => {
  const db = app.patron.dbh.db;
  const g = await generateStore(db, { customers: 3000, seed: 1, until: new Date('2026-10-31T00:00:00Z') });
  expect(g.customers).toBe(3000);
  const r = (await sql<{ buyers: number; repeat: number; heavy: number; totals: number; items: number; abandoned: number; converted: number }>`
    select (select count(*) from customers where order_count > 0)::int as buyers,
      (select count(*) from customers where order_count > 1)::int as repeat,
      (select count(*) from customers where order_count >= 10)::int as heavy,
      (select count(distinct total) from orders)::int as totals,
      (select count(distinct item_count) from orders)::int as items,
      (select count(*) from carts where status = 'abandoned')::int as abandoned,
      (select count(*) from carts where status = 'converted')::int as converted`.execute(db)).rows[0]!;
  // About 72 % buy; of those a good share come back, a few buy a lot.
  expect(r.buyers / 3000).toBeGreaterThan(0.6);
  expect(r.buyers / 3000).toBeLessThan(0.8);
  expect(r.repeat / r.buyers).toBeGreaterThan(0.2);
  expect(r.heavy).toBeGreaterThan(0);
  // Every order its own basket (a once-evaluated random() would make them all alike).
  expect(r.totals).toBeGreaterThan(500);
  expect(r.items).toBeGreaterThan(5);
  // Checkouts abandoned at the usual ~70 %.
  const rate = r.abandoned / (r.abandoned + r.converted);
  expect(rate).toBeGreaterThan(0.6);
  expect(rate).toBeLessThan(0.8);
});
