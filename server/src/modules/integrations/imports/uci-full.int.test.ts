import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../platform/audit/audit.ts';
import { startTestApp, type TestApp } from '../../../testing/harness.ts';
import { foldUci, UCI_FILE, uciLines } from './uci.fixture.ts';

// The whole UCI Online Retail file (541,909 lines), imported as a user would, checked against a plain fold
// over the same file. Takes 20–60 s depending on the machine and what else runs: the bench reports the speed.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

it('imports the whole UCI file: every count and the money match the file, to the penny', async () => {
  const lines: string[] = [];
  for await (const l of uciLines()) lines.push(l);
  const fold = foldUci(lines);
  // The file as its README describes it.
  expect(fold.lines).toBe(541_909);
  expect(fold.invoices.size).toBe(25_900);
  expect(fold.customers.size).toBe(4_372);
  expect(fold.products.size).toBe(4_070);
  // Σ Quantity × UnitPrice is £9,747,747.934 exactly: the README's 9,747,747.93 plus four lines of 1 × £0.001
  // (PADS and BANK CHARGES). Each of those is a tenth of a penny, which rounds (half to even) to 0 pence per line,
  // so the lines as stored add up to exactly 974,774,793 pence.
  expect(fold.exactMilli).toBe(9_747_747_934n);
  expect(fold.subPenny).toBe(4);
  expect(fold.pence).toBe(974_774_793n);
  // The importer rejects the 1,336 stock adjustments (negative quantity, no C, no customer, price 0): 1,336 invoices and
  // 113 stock codes appear only in them. They carry no money, so the totals are unchanged.
  expect(fold.rejectedLines).toBe(1_336);
  expect(fold.invoices.size - fold.acceptedInvoices.size).toBe(1_336);
  expect(fold.products.size - fold.acceptedProducts.size).toBe(113);

  const started = performance.now();
  const r = await app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, UCI_FILE, { kind: 'orders', preset: 'uci', dryRun: false });
  const seconds = (performance.now() - started) / 1000;
  console.log(`[uci-full] ${fold.lines} lines imported in ${seconds.toFixed(1)} s (${Math.round(fold.lines / seconds)} rows/s)`);
  const s = r.summary;
  expect(s).toMatchObject({ rowsRead: fold.lines, rowsRejected: fold.rejectedLines, warnings: 0 });
  expect(s.customers).toMatchObject({ created: fold.customers.size, found: fold.customers.size });
  expect(s.products).toMatchObject({ created: fold.acceptedProducts.size });
  expect(s.orders.created + s.guestOrders.created + s.refunds.created).toBe(fold.acceptedInvoices.size);
  expect(s.refunds.created).toBe(fold.acceptedCancellations.size);
  expect(s.money.GBP!.net).toBe(974_774_793);

  const db = app.patron.dbh.db;
  const q = await sql<{ customers: number; orders: number; guest: number; refunds: number; products: number; lines: number; total: number; refunded: number; completed: number }>`select
    (select count(*) from customers)::int as customers, (select count(*) from orders)::int as orders, (select count(*) from orders where customer_id is null)::int as guest,
    (select count(*) from refunds where kind = 'cancellation')::int as refunds, (select count(*) from products)::int as products, (select count(*) from order_lines)::int as lines,
    (select sum(total) from orders)::bigint as total, (select sum(amount) from refunds)::bigint as refunded,
    (select count(*) from activities where type = 'Order Completed')::int as completed`.execute(db);
  const d = q.rows[0]!;
  expect(d.customers).toBe(4_372);
  expect(d.orders + d.refunds).toBe(25_900 - 1_336);
  expect(d.refunds).toBe(fold.acceptedCancellations.size);
  expect(d.products).toBe(fold.acceptedProducts.size);
  expect(d.lines).toBe(fold.acceptedOrderLines);
  expect(d.total - d.refunded).toBe(974_774_793);
  expect(d.completed).toBe(d.orders - d.guest);
  // Customer figures were refreshed once at the end: they add up to the customers' share of the orders.
  const spent = await sql<{ spent: number; refunded: number; orders: number }>`select sum(total_spent)::bigint as spent, sum(refunded)::bigint as refunded, sum(order_count)::int as orders from customers`.execute(db);
  const own = await sql<{ total: number }>`select sum(total)::bigint as total from orders where customer_id is not null`.execute(db);
  expect(spent.rows[0]!.spent).toBe(own.rows[0]!.total);
  expect(spent.rows[0]!.orders).toBe(d.orders - d.guest);
}, 600_000);
