import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../platform/audit/audit.ts';
import type { Db } from '../../../platform/db/db.ts';
import { startTestApp, type TestApp } from '../../../testing/harness.ts';
import { CDNOW_DIR, removeTmpFiles, tmpFile } from './uci.fixture.ts';

let app: TestApp;
let db: Db;
beforeAll(async () => {
  app = await startTestApp();
  db = app.patron.dbh.db;
});
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

const imports = () => app.patron.modules.integrations.imports.service;
const count = async (table: 'orders' | 'refunds' | 'customers' | 'products' | 'order_lines', where?: [string, string]) => {
  let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) q = q.where(where[0] as never, '=', where[1] as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

// First: the store has no orders yet when the Shopify export comes in.
const SHOPIFY_ORDER_HEADER = 'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References'.split(',');
const shopifyRow = (v: Record<string, string>) => SHOPIFY_ORDER_HEADER.map((h) => {
  const x = v[h] ?? '';
  return /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}).join(',');

describe('Shopify exports', () => {
  const orders = [
    SHOPIFY_ORDER_HEADER.join(','),
    shopifyRow({
      Name: '#1001', Email: 'jane@example.com', 'Financial Status': 'paid', 'Paid at': '2024-05-01 10:00:05 +0200', 'Fulfillment Status': 'fulfilled', Currency: 'EUR',
      Subtotal: '100.90', Shipping: '5.00', Taxes: '0.00', Total: '95.90', 'Discount Code': 'WELCOME10', 'Discount Amount': '10.00', 'Created at': '2024-05-01 10:00:00 +0200',
      'Lineitem quantity': '1', 'Lineitem name': 'Matcha 100 g', 'Lineitem price': '62.95', 'Lineitem sku': 'MAT-100', 'Billing Name': 'Jane van Doe', 'Billing Country': 'NL',
      'Shipping Name': 'Jane van Doe', 'Shipping Address1': 'Laan 2', 'Shipping City': 'Gouda', 'Shipping Zip': '2801AA', 'Shipping Country': 'NL', Id: '5001', Phone: '+31 6 12345678',
    }),
    shopifyRow({ Name: '#1001', Email: 'jane@example.com', 'Lineitem quantity': '1', 'Lineitem name': 'Matcha 50 g', 'Lineitem price': '37.95', 'Lineitem sku': 'MAT-50' }),
    shopifyRow({
      Name: '#1002', Email: 'bob@example.com', 'Financial Status': 'refunded', Currency: 'EUR', Subtotal: '20.00', Total: '20.00', 'Created at': '2024-05-02 09:00:00 +0200',
      'Cancelled at': '2024-05-03 12:00:00 +0200', 'Refunded Amount': '20.00', 'Lineitem quantity': '2', 'Lineitem name': 'Tea sampler', 'Lineitem price': '10.00', 'Lineitem sku': 'TEA-S',
      'Billing Name': 'Bob Stone', 'Billing Country': 'Germany', Id: '5002',
    }),
    shopifyRow({ Name: '#1003', Currency: 'EUR', Subtotal: '5.00', Total: '5.00', 'Created at': '2024-05-04 16:30:00 +0200', 'Lineitem quantity': '1', 'Lineitem name': 'Gift wrap', 'Lineitem price': '5.00', Id: '5003' }),
  ].join('\r\n') + '\r\n';

  it('orders: one order per Name, order fields from its first row, refunds and cancellations, guest orders', async () => {
    const r = await imports().runFile(CLI_ACTOR, tmpFile('orders_export.csv', orders), { kind: 'orders', preset: 'shopify-orders', dryRun: false });
    expect(r.issues).toEqual([]);
    expect(r.summary).toMatchObject({ rowsRead: 4, orders: { created: 2 }, guestOrders: { created: 1 }, refunds: { created: 1 }, customers: { created: 2 } });
    const o = await db.selectFrom('orders').selectAll().where('source', '=', 'shopify').where('external_id', '=', '5001').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ number: '#1001', email: 'jane@example.com', currency: 'EUR', subtotal: 10090, discount_total: 1000, shipping_total: 500, tax_total: 0, total: 9590, item_count: 2, financial_status: 'paid', fulfillment_status: 'fulfilled', discount_codes: ['WELCOME10'], status: 'completed' });
    expect(o.placed_at.toISOString()).toBe('2024-05-01T08:00:00.000Z');
    expect(o.shipping_address).toMatchObject({ name: 'Jane van Doe', line1: 'Laan 2', city: 'Gouda', postalCode: '2801AA', country: 'NL' });
    expect((await db.selectFrom('order_lines').select(['sku', 'title', 'quantity', 'unit_price', 'total']).where('order_id', '=', o.id).orderBy('position').execute())).toEqual([
      { sku: 'MAT-100', title: 'Matcha 100 g', quantity: 1, unit_price: 6295, total: 6295 }, { sku: 'MAT-50', title: 'Matcha 50 g', quantity: 1, unit_price: 3795, total: 3795 },
    ]);
    const cancelled = await db.selectFrom('orders').selectAll().where('external_id', '=', '5002').executeTakeFirstOrThrow();
    expect(cancelled).toMatchObject({ status: 'cancelled', refunded_total: 2000, financial_status: 'refunded' });
    expect(await db.selectFrom('refunds').select(['external_id', 'kind', 'amount', 'order_id']).where('source', '=', 'shopify').execute()).toEqual([{ external_id: '5002:refunded', kind: 'refund', amount: 2000, order_id: cancelled.id }]);
    expect((await db.selectFrom('orders').select('customer_id').where('external_id', '=', '5003').executeTakeFirstOrThrow()).customer_id).toBeNull();
    const jane = await db.selectFrom('customers').selectAll().where('email', '=', 'jane@example.com').executeTakeFirstOrThrow();
    expect(jane).toMatchObject({ first_name: 'Jane', last_name: 'van Doe', country: 'NL', phone: '+31612345678', order_count: 1, total_spent: 9590 });
    // The store had no orders before this file: it took the file's currency, so the customers' figures are in EUR.
    expect((await db.selectFrom('settings').select('value').where('key', '=', 'store').executeTakeFirstOrThrow()).value).toMatchObject({ currency: 'EUR' });
    const bob = await db.selectFrom('customers').selectAll().where('email', '=', 'bob@example.com').executeTakeFirstOrThrow();
    expect(bob).toMatchObject({ country: 'DE', refunded: 2000, order_count: 0 });
    const types = await db.selectFrom('activities').select('type').where('customer_id', '=', bob.id).orderBy('occurred_at').execute();
    expect(types.map((t) => t.type)).toEqual(['Customer Created', 'Order Completed', 'Order Cancelled', 'Order Refunded']);

    const again = await imports().runFile(CLI_ACTOR, tmpFile('orders_export.csv', orders), { kind: 'orders', preset: 'shopify-orders', dryRun: false });
    expect(again.summary).toMatchObject({ orders: { created: 0, updated: 0, skipped: 2 }, guestOrders: { skipped: 1 }, refunds: { created: 0 }, customers: { created: 0, updated: 0 } });
  });

  it('customers: the export overwrites what it says, adds the Shopify id, tags and address', async () => {
    const csv = [
      'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags',
      "'7210448301122,Teodoro,Villaseñor,teo@example.com,no,Villaseñor Ranch,HC 31 Box 4500,,Elko,NV,US,89801,(775) 555-0154,+1 775 555 0154,no,7790.44,6,Cattle ranch.,yes,\"vip, wholesale\"",
      "'7210448301123,Jane,Doe,JANE@example.com,yes,,Laan 2,,Gouda,,NL,2801AA,,,no,95.90,1,,no,",
      ',No,Email,,no,,,,,,,,,,no,0,0,,no,',
    ].join('\n');
    const r = await imports().runFile(CLI_ACTOR, tmpFile('customers_export.csv', csv), { kind: 'customers', preset: 'shopify-customers', dryRun: false });
    expect(r.issues.map((i) => [i.line, i.message])).toEqual([[4, 'has no customer id, email or phone: the customer could not be found again']]);
    expect(r.summary.customers).toMatchObject({ found: 2, created: 1, updated: 1 });
    const teo = await db.selectFrom('customers').selectAll().where('email', '=', 'teo@example.com').executeTakeFirstOrThrow();
    expect(teo).toMatchObject({ first_name: 'Teodoro', last_name: 'Villaseñor', phone: '+17755550154', country: 'US', tags: ['vip', 'wholesale'] });
    expect(teo.addresses).toEqual([{ kind: 'shipping', isDefault: true, name: 'Teodoro Villaseñor', line1: 'HC 31 Box 4500', company: 'Villaseñor Ranch', city: 'Elko', region: 'NV', postalCode: '89801', country: 'US', phone: '+1 775 555 0154' }]);
    const jane = await db.selectFrom('customers').selectAll().where('email', '=', 'jane@example.com').executeTakeFirstOrThrow();
    expect(jane.last_name).toBe('Doe');
    expect(await db.selectFrom('customer_identities').select(['kind', 'source', 'value']).where('customer_id', '=', jane.id).orderBy('kind').execute()).toEqual([
      { kind: 'email', source: '', value: 'jane@example.com' }, { kind: 'external', source: 'shopify', value: '7210448301123' }, { kind: 'phone', source: '', value: '+31612345678' },
    ]);
    const again = await imports().runFile(CLI_ACTOR, tmpFile('customers_export.csv', csv), { kind: 'customers', preset: 'shopify-customers', dryRun: false });
    expect(again.summary.customers).toMatchObject({ created: 0, updated: 0, skipped: 2 });
  });
});

describe('bad rows', () => {
  const UCI_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
  const bytes = Buffer.concat([
    Buffer.from([
      UCI_HEADER,
      '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
      '536366,22633,"HAND WARMER "UNION" JACK",6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom',
      '536367,84879,',
    ].join('\n')),
    Buffer.from([0x43, 0x41, 0x46, 0xc9, 0x20, 0x53, 0x45, 0x54]), // "CAFÉ SET" in Latin-1
    Buffer.from(',32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom\n'),
    Buffer.from([
      '536368,22960,JAM MAKING SET,six,2010-12-01 08:34:00,4.25,13047.0,United Kingdom',
      '536369,21756,BATH BUILDING BLOCK WORD,3,2010-13-01 08:35:00,5.95,13047.0,United Kingdom',
      '536370,22728,ALARM CLOCK,24,2010-12-01 08:45:00,3.75,12583.0',
      '536371,22086,"PAPER CHAIN KIT,80,2010-12-01 09:00:00,2.55,13748.0,United Kingdom',
      '536372,22632,HAND WARMER RED POLKA DOT,6,2010-12-01 09:01:00,1.85,17850.0,United Kingdom',
      '536366,22632,HAND WARMER RED,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom',
      '536373,21730,GLASS STAR,6,12/1/2010 9:02,4.25,17850.0,EIRE',
      '536374,21731,RED TOADSTOOL,1,2010-12-01 09:09:00,1.65,99999.0,Atlantis',
      '',
    ].join('\n')),
  ]);

  it('reports each bad row with its line and reason, imports the good ones, and never half an order', async () => {
    const r = await imports().runFile(CLI_ACTOR, tmpFile('bad.csv', bytes), { kind: 'orders', preset: 'uci', dryRun: false });
    const errors = r.issues.filter((i) => i.severity === 'error').map((i) => [i.line, i.message]);
    expect(errors).toEqual([
      [3, expect.stringContaining('broken quoting: text after the closing quote of field 3')],
      [5, 'quantity "six" is not a whole number'],
      [6, expect.stringContaining('has no month 13')],
      [7, 'has 7 fields where the header has 8 (a missing or extra delimiter, or an unquoted "," in a value)'],
      [8, expect.stringContaining('a quoted field is never closed')],
      [3, 'order "536366" not imported: its row on line 3 was rejected (1 other row of it left out too)'],
    ]);
    expect(r.issues.filter((i) => i.severity === 'warning').map((i) => [i.line, i.message])).toEqual([
      [4, expect.stringContaining('not valid UTF-8: read as Windows-1252')],
      [12, 'country "Atlantis" is not recognised: left empty (this and later rows)'],
    ]);
    expect(r.summary).toMatchObject({ rowsRead: 11, rowsRejected: 5, warnings: 2 });
    const orders = await db.selectFrom('orders').select(['external_id', 'total', 'placed_at']).where('source', '=', 'uci').orderBy('external_id').execute();
    expect(orders.map((o) => o.external_id)).toEqual(['536365', '536367', '536372', '536373', '536374']);
    expect(orders[3]!.placed_at.toISOString()).toBe('2010-12-01T09:02:00.000Z');
    expect(await db.selectFrom('order_lines').select('title').where('sku', '=', '84879').execute()).toEqual([{ title: 'CAFÉ SET' }]);
    // Fill-only: an order file does not overwrite what is known of a customer (17850 stays GB although a later row says EIRE).
    const c = await db.selectFrom('customer_identities as i').innerJoin('customers as c', 'c.id', 'i.customer_id').select(['c.country']).where('i.value', 'in', ['17850', '99999']).orderBy('i.value').execute();
    expect(c).toEqual([{ country: 'GB' }, { country: null }]);
  });

  it('with the utf-8 encoding, a Latin-1 row is rejected instead', async () => {
    const r = await imports().runFile(CLI_ACTOR, tmpFile('bad.csv', bytes), { kind: 'orders', preset: 'uci', mapping: { encoding: 'utf-8' }, dryRun: true });
    expect(r.issues.find((i) => i.line === 4)).toMatchObject({ severity: 'error', message: expect.stringContaining('invalid UTF-8') });
  });

  it('a generic mapping: unknown currency rejected, day-first dates detected, missing columns refused', async () => {
    const csv = 'Order;Date;Email;Currency;Total;Item\nA-1;13/01/2011;a@example.com;EUR;10,50;Thing\nA-2;02/01/2011;b@example.com;XYZ;3,00;Thing\nA-3;02/01/2011;b@example.com;eur;3,00;\n';
    const mapping = { columns: { orderId: 'Order', placedAt: 'Date', email: 'Email', currency: 'Currency', total: 'Total', title: 'Item' }, decimalComma: true, source: 'legacy' };
    const r = await imports().runFile(CLI_ACTOR, tmpFile('orders.csv', csv), { kind: 'orders', preset: 'generic', mapping, dryRun: false });
    expect(r.issues.map((i) => [i.line, i.column, i.message])).toEqual([[3, 'Currency', 'unknown currency "XYZ" (ISO 4217 codes such as GBP, EUR, USD)']]);
    const orders = await db.selectFrom('orders').select(['external_id', 'total', 'currency', 'placed_at']).where('source', '=', 'legacy').orderBy('external_id').execute();
    expect(orders.map((o) => [o.external_id, o.total, o.currency, o.placed_at.toISOString().slice(0, 10)])).toEqual([['A-1', 1050, 'EUR', '2011-01-13'], ['A-3', 300, 'EUR', '2011-01-02']]);
    await expect(imports().runFile(CLI_ACTOR, tmpFile('orders.csv', csv), { kind: 'orders', preset: 'generic', mapping: { columns: { orderId: 'Order', placedAt: 'When', total: 'Total' } }, dryRun: true }))
      .rejects.toThrow(/Missing required column: placedAt \("When"\)\. The file's columns are: Order, Date, Email, Currency, Total, Item/);
    await expect(imports().runFile(CLI_ACTOR, tmpFile('orders.csv', csv), { kind: 'orders', preset: 'shopify-customers', dryRun: true })).rejects.toThrow(/imports customers, not orders/);
  });
});

describe('CDNOW', () => {
  it('master: one order per row with one "CDs" line; the sample file then changes nothing', async () => {
    const r = await imports().runFile(CLI_ACTOR, path.join(CDNOW_DIR, 'CDNOW_master.txt.gz'), { kind: 'orders', preset: 'cdnow', dryRun: false });
    expect(r.issues).toEqual([]);
    // Known totals (../shared/data/README.md): 69,659 transactions, 23,570 customers, $2,500,315.63.
    expect(r.summary).toMatchObject({ rowsRead: 69_659, orders: { created: 69_659 }, customers: { created: 23_570 }, money: { USD: { orders: 250_031_563, refunds: 0, net: 250_031_563 } } });
    expect(await count('orders', ['source', 'cdnow'])).toBe(69_659);
    const sum = await db.selectFrom('orders').select((eb) => eb.fn.sum<number>('total').as('s')).where('source', '=', 'cdnow').executeTakeFirstOrThrow();
    expect(Number(sum.s)).toBe(250_031_563);
    const o = await db.selectFrom('orders').selectAll().where('source', '=', 'cdnow').where('external_id', '=', '4-19970101-1').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ total: 2933, item_count: 2, currency: 'USD' });
    expect(o.placed_at.toISOString()).toBe('1997-01-01T00:00:00.000Z');
    expect(await db.selectFrom('order_lines').select(['title', 'quantity', 'unit_price', 'total']).where('order_id', '=', o.id).execute()).toEqual([{ title: 'CDs', quantity: 2, unit_price: 1467, total: 2933 }]);

    // The papers' sample (no header, master_id sample_id date cds dollars; ids written 00004) is the same transactions.
    const s = await imports().runFile(CLI_ACTOR, path.join(CDNOW_DIR, 'CDNOW_sample.txt'), { kind: 'orders', preset: 'cdnow', dryRun: false });
    expect(s.summary).toMatchObject({ rowsRead: 6_919, orders: { found: 6_919, created: 0, updated: 0, skipped: 6_919 }, customers: { found: 2_357, created: 0 }, money: { USD: { orders: 24_409_194 } } });
  }, 120_000);
});
