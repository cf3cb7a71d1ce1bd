import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../platform/audit/audit.ts';
import type { Db } from '../../../platform/db/db.ts';
import { startTestApp, type TestApp } from '../../../testing/harness.ts';
import { CommerceBulkService } from '../../commerce/index.ts';
import { CustomerBulkService, CustomerImportService } from '../../customers/index.ts';
import { runImport, type EngineDeps } from './engine.ts';
import type { ImportSummary } from './imports.schemas.ts';
import { localFile } from './source.ts';
import { foldUci, splitCsv, removeTmpFiles, tmpFile, uciSlice, type UciFold } from './uci.fixture.ts';

let app: TestApp;
let db: Db;
let slice: string[];
let fold: UciFold;
let file: string;

beforeAll(async () => {
  app = await startTestApp();
  db = app.patron.dbh.db;
  // The first 5,000 lines of the real file and 40 cancellation lines from further on, gzipped as uploaded.
  slice = await uciSlice(5000, 40);
  fold = foldUci(slice);
  file = tmpFile('uci-slice.csv.gz', slice.join('\n') + '\n', true);
});
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

const imports = () => app.patron.modules.integrations.imports.service;
/** A line the importer must reject: a negative quantity outside a C invoice. */
const rejectedLine = (l: string) => {
  const f = splitCsv(l);
  return !f[0]!.startsWith('C') && Number(f[3]) < 0;
};

async function snapshot() {
  const r = await sql<Record<string, string | number>>`select
    (select count(*) from customers)::int as customers, (select count(*) from customer_identities)::int as identities,
    (select count(*) from orders)::int as orders, (select count(*) from order_lines)::int as lines, (select count(*) from refunds)::int as refunds,
    (select count(*) from products)::int as products, (select count(*) from activities)::int as activities,
    (select coalesce(sum(total), 0) from orders)::bigint as total, (select coalesce(sum(amount), 0) from refunds)::bigint as refunded,
    (select max(updated_at)::text from orders) as orders_updated, (select max(updated_at)::text from customers) as customers_updated,
    (select max(updated_at)::text from products) as products_updated`.execute(db);
  return r.rows[0]!;
}

describe('UCI slice', () => {
  it('a dry run validates every row, reports the bad ones with their line numbers, and writes nothing', async () => {
    const before = await snapshot();
    const r = await imports().runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: true });
    expect(r.importId).toBeNull();
    expect(r.summary).toMatchObject({ dryRun: true, rowsRead: fold.lines, rowsRejected: fold.rejectedLines });
    const rejected = slice.flatMap((l, i) => (i > 0 && rejectedLine(l) ? [i + 1] : []));
    expect(rejected.length).toBe(fold.rejectedLines);
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.line)).toEqual(rejected);
    expect(r.issues[0]?.message).toMatch(/negative quantity -\d+ outside a cancellation/);
    expect(r.summary.orders.found + r.summary.guestOrders.found + r.summary.refunds.found).toBe(fold.acceptedInvoices.size);
    expect(r.summary.money.GBP).toEqual({ orders: expect.any(Number), refunds: expect.any(Number), net: Number(fold.pence) });
    expect(await snapshot()).toEqual(before);
    expect(await db.selectFrom('imports').select('id').execute()).toEqual([]);
  });

  it('imports the slice: customers, products, orders, cancellations and money match a fold over the file', async () => {
    const r = await imports().runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: false });
    const s = r.summary;
    expect(s.customers).toMatchObject({ created: fold.customers.size, updated: 0, skipped: 0 });
    expect(s.products).toMatchObject({ created: fold.acceptedProducts.size });
    expect(s.orders.created + s.guestOrders.created).toBe(fold.acceptedInvoices.size - fold.acceptedCancellations.size);
    expect(s.refunds.created).toBe(fold.acceptedCancellations.size);
    const snap = await snapshot();
    expect(snap).toMatchObject({
      customers: fold.customers.size, identities: fold.customers.size, products: fold.acceptedProducts.size,
      orders: fold.acceptedInvoices.size - fold.acceptedCancellations.size, refunds: fold.acceptedCancellations.size, lines: fold.acceptedOrderLines,
    });
    expect(Number(snap.total) - Number(snap.refunded)).toBe(Number(fold.pence));
    expect(s.money.GBP!.net).toBe(Number(fold.pence));

    // An order as the brief describes it: InvoiceNo is the external id, a customer without email, country as ISO code.
    // 536365: 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39 + 2×7.65 + 6×4.25 = 139.12.
    const o = await db.selectFrom('orders').selectAll().where('source', '=', 'uci').where('external_id', '=', '536365').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ currency: 'GBP', number: '536365', status: 'completed', email: null, total: 13912, item_count: 40 });
    expect(o.placed_at.toISOString()).toBe('2010-12-01T08:26:00.000Z');
    const c = await db.selectFrom('customers').innerJoin('customer_identities as i', 'i.customer_id', 'customers.id')
      .select(['customers.id', 'customers.country', 'customers.email', 'customers.order_count', 'customers.total_spent', 'i.kind', 'i.source', 'i.value'])
      .where('i.value', '=', '17850').executeTakeFirstOrThrow();
    expect(c).toMatchObject({ kind: 'external', source: 'uci', country: 'GB', email: null });
    expect(c.id).toBe(o.customer_id);
    expect(c.order_count).toBeGreaterThan(0);
    const line = await db.selectFrom('order_lines').selectAll().where('order_id', '=', o.id).where('position', '=', 1).executeTakeFirstOrThrow();
    expect(line).toMatchObject({ sku: '85123A', title: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, unit_price: 255, total: 1530 });
    expect(await db.selectFrom('products').select(['title']).where('source', '=', 'uci').where('external_id', '=', '85123A').executeTakeFirst()).toEqual({ title: 'WHITE HANGING HEART T-LIGHT HOLDER' });
    // One Order Completed per customer order, with the same dedupe key a webhook or API write would use.
    const acts = await db.selectFrom('activities').select(['type', 'dedupe_key', 'occurred_at']).where('dedupe_key', '=', 'order:uci:536365:completed').execute();
    expect(acts).toHaveLength(1);
    // C invoices: refunds of kind cancellation, no order, the customer set, the positive amount.
    const cancel = await db.selectFrom('refunds').selectAll().where('kind', '=', 'cancellation').orderBy('refunded_at').executeTakeFirstOrThrow();
    expect(cancel).toMatchObject({ source: 'uci', order_id: null, currency: 'GBP' });
    expect(cancel.external_id.startsWith('C')).toBe(true);
    expect(cancel.amount).toBeGreaterThan(0);
    // The store had no orders: it adopted the file's currency.
    expect((await db.selectFrom('settings').select('value').where('key', '=', 'store').executeTakeFirstOrThrow()).value).toMatchObject({ currency: 'GBP' });
    // Audit: the run is recorded, once.
    expect(await db.selectFrom('audit_log').select('action').where('action', 'like', 'import.%').orderBy('at').execute()).toEqual([{ action: 'import.started' }, { action: 'import.completed' }]);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await snapshot();
    const r = await imports().runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: false });
    for (const k of ['customers', 'products', 'orders', 'guestOrders', 'refunds'] as const) expect([k, r.summary[k].created, r.summary[k].updated]).toEqual([k, 0, 0]);
    expect(r.summary.orders.skipped).toBe(r.summary.orders.found);
    expect(await snapshot()).toEqual(before);
  });

  it('the command line resumes an interrupted run of the same file where it stopped', async () => {
    const last = await db.selectFrom('imports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    // As a process killed mid-run leaves it: running, its lease run out, a checkpoint half-way.
    await db.updateTable('imports').set({ status: 'running', lease_until: new Date(Date.now() - 1000), checkpoint: 2500, finished_at: null }).where('id', '=', last.id).execute();
    const before = await snapshot();
    const r = await imports().runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: false });
    expect(r.importId).toBe(last.id);
    expect(r.summary.orders.created + r.summary.guestOrders.created).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(await db.selectFrom('imports').select(['status', 'checkpoint']).where('id', '=', last.id).executeTakeFirstOrThrow()).toEqual({ status: 'completed', checkpoint: fold.lines + 1 });
    // While another process holds it, a second run is refused rather than run twice.
    await db.updateTable('imports').set({ status: 'running', lease_until: new Date(Date.now() + 60_000) }).where('id', '=', last.id).execute();
    await expect(imports().runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: false })).rejects.toMatchObject({ status: 409 });
    await db.updateTable('imports').set({ status: 'completed', lease_until: null }).where('id', '=', last.id).execute();
  });

  it('a changed line updates that order only, and appends Order Updated', async () => {
    const i = slice.findIndex((l) => l.startsWith('536365,71053,'));
    const changed = [...slice];
    changed[i] = changed[i]!.replace(',6,2010-12-01 08:26:00,3.39,', ',7,2010-12-01 08:26:00,3.39,');
    const before = await snapshot();
    const r = await imports().runFile(CLI_ACTOR, tmpFile('changed.csv', changed.join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
    expect(r.summary.orders).toMatchObject({ created: 0, updated: 1 });
    expect(r.summary.guestOrders).toMatchObject({ created: 0, updated: 0 });
    const after = await snapshot();
    expect(Number(after.total) - Number(before.total)).toBe(339);
    expect(after.lines).toBe(before.lines);
    expect(after.activities).toBe(Number(before.activities) + 1);
    const o = await db.selectFrom('orders').select(['total', 'item_count']).where('external_id', '=', '536365').executeTakeFirstOrThrow();
    expect(o).toEqual({ total: 13912 + 339, item_count: 41 });
  });
});

describe('a crash in the middle', () => {
  it('leaves no half-written order, and a rerun continues from the last committed batch', async () => {
    const t = await startTestApp();
    try {
      const p = t.patron;
      const bulk = new CommerceBulkService(p.activities);
      const deps: EngineDeps = {
        db: p.dbh.db, commerceBulk: bulk, customerImport: new CustomerImportService(p.activities, p.modules.customers.service, new CustomerBulkService()), consent: p.modules.customers.consent,
        hasOrders: (tx) => bulk.hasOrders(tx), refreshCustomerStats: (d) => p.modules.customers.service.refreshAllCommerceStats(d), adoptCurrency: async () => undefined,
      };
      const committed: { checkpoint: number; summary: ImportSummary }[] = [];
      const input = { file: localFile(file), kind: 'orders' as const, preset: 'uci' as const, dryRun: false, actor: CLI_ACTOR, issues: { add: async () => undefined }, batchRows: 1000 };
      let calls = 0;
      await expect(runImport(deps, {
        ...input,
        onBatch: async (_tx, checkpoint, summary) => {
          if (++calls === 3) throw new Error('power cut');
          committed.push({ checkpoint, summary });
        },
      })).rejects.toThrow('power cut');
      expect(committed).toHaveLength(2);
      const last = committed[1]!;

      // Every order written has all its lines: the third batch rolled back whole.
      const perOrder = new Map<string, number>();
      for (const l of slice.slice(1)) {
        const inv = l.split(',')[0]!;
        if (!inv.startsWith('C') && !rejectedLine(l)) perOrder.set(inv, (perOrder.get(inv) ?? 0) + 1);
      }
      const written = await p.dbh.db.selectFrom('orders').leftJoin('order_lines', 'order_lines.order_id', 'orders.id')
        .select(['orders.external_id', (eb) => eb.fn.count<number>('order_lines.id').as('n')]).groupBy('orders.external_id').execute();
      expect(written.length).toBeGreaterThan(0);
      expect(written.length).toBeLessThan(perOrder.size);
      for (const w of written) expect([w.external_id, Number(w.n)]).toEqual([w.external_id, perOrder.get(w.external_id)]);
      const ordersSoFar = last.summary.orders.created + last.summary.guestOrders.created;
      expect(written.length).toBe(ordersSoFar);

      // The rerun starts after the checkpoint, and ends where a clean import would.
      const r = await runImport(deps, { ...input, checkpoint: last.checkpoint, resume: last.summary });
      expect(r.orders.created + r.guestOrders.created).toBe(perOrder.size);
      expect(r.refunds.created).toBe(fold.acceptedCancellations.size);
      const total = await sql<{ net: number }>`select ((select sum(total) from orders) - (select coalesce(sum(amount), 0) from refunds))::bigint as net`.execute(p.dbh.db);
      expect(total.rows[0]!.net).toBe(Number(fold.pence));
      expect(Number((await p.dbh.db.selectFrom('order_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(fold.acceptedOrderLines);
    } finally {
      await t.close();
    }
  });
});

describe('the same UCI file as customers, and as products', () => {
  it('customers: one profile per CustomerID (guest lines ignored); products: one per StockCode at its latest price', async () => {
    const t = await startTestApp();
    try {
      const svc = t.patron.modules.integrations.imports.service;
      const c = await svc.runFile(CLI_ACTOR, file, { kind: 'customers', preset: 'uci', dryRun: false });
      const guestLines = slice.slice(1).filter((l) => splitCsv(l)[6] === '').length;
      expect(c.summary).toMatchObject({ rowsRead: fold.lines, rowsRejected: 0, rowsIgnored: guestLines, customers: { found: fold.customers.size, created: fold.customers.size } });
      const row = await t.patron.dbh.db.selectFrom('customers as c').innerJoin('customer_identities as i', 'i.customer_id', 'c.id').select(['c.country', 'c.order_count', 'i.source'])
        .where('i.value', '=', '12583').executeTakeFirstOrThrow();
      expect(row).toEqual({ country: 'FR', order_count: 0, source: 'uci' });
      expect((await svc.runFile(CLI_ACTOR, file, { kind: 'customers', preset: 'uci', dryRun: false })).summary.customers).toMatchObject({ created: 0, updated: 0, skipped: fold.customers.size });

      const p = await svc.runFile(CLI_ACTOR, file, { kind: 'products', preset: 'uci', dryRun: false });
      expect(p.summary.products).toMatchObject({ found: fold.products.size, created: fold.products.size });
      const lastPrice = new Map<string, string>();
      for (const l of slice.slice(1)) {
        const f = splitCsv(l);
        lastPrice.set(f[1]!, f[5]!);
      }
      const post = await t.patron.dbh.db.selectFrom('products').select(['title', 'price', 'currency']).where('source', '=', 'uci').where('external_id', '=', '22423').executeTakeFirstOrThrow();
      expect(post).toEqual({ title: 'REGENCY CAKESTAND 3 TIER', price: Math.round(Number(lastPrice.get('22423')) * 100), currency: 'GBP' });
      expect(await t.patron.dbh.db.selectFrom('orders').select('id').execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
