import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { orderInputSchema, type OrderInput } from './commerce.schemas.ts';

let app: TestApp;
let admin: Session;
beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAs(app, 'admin');
});
afterAll(async () => app?.close());

const commerce = () => app.patron.modules.commerce.service;
const order = (o: Partial<OrderInput> & { externalId: string }): OrderInput =>
  orderInputSchema.parse({ source: 'shopify', currency: 'USD', placedAt: '2026-03-01T12:00:00Z', lines: [{ title: 'Mug', quantity: 2, unitPrice: 1250, productExternalId: 'p-mug', sku: 'MUG' }], customer: { email: 'olga@example.com', externalId: 'c-1', firstName: 'Olga' }, ...o });
const types = async (customerId: string) => (await app.patron.activities.forCustomer(app.patron.dbh.db, customerId, { limit: 100 })).map((a) => a.type).reverse();

describe('orders', () => {
  it('an order creates the customer, lines, product, activity and figures', async () => {
    const r = await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1001', number: '#1001', taxTotal: 200, shippingTotal: 500 }));
    expect(r).toMatchObject({ created: true, stale: false });
    const c = await app.patron.modules.customers.service.get(r.customerId!);
    expect(c).toMatchObject({ email: 'olga@example.com', firstName: 'Olga', orderCount: 1, totalSpent: 3200, averageOrderValue: 3200 });
    expect(await types(r.customerId!)).toEqual(['Customer Created', 'Order Completed']);
    const detail = (await app.patron.http!.inject({ url: `/api/orders/${r.id}`, headers: admin.headers })).json();
    expect(detail).toMatchObject({ number: '#1001', subtotal: 2500, total: 3200, itemCount: 2, status: 'completed' });
    expect(detail.lines[0]).toMatchObject({ title: 'Mug', quantity: 2, unitPrice: 1250, total: 2500 });
    const product = (await app.patron.http!.inject({ url: `/api/products/${detail.lines[0].productId}`, headers: admin.headers })).json();
    expect(product.sales).toMatchObject({ orders: 1, units: 2, revenue: 2500, customers: 1 });
  });

  it('a redelivered order changes nothing; an older update is ignored; a newer one applies', async () => {
    const first = await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1002', updatedAt: new Date('2026-03-01T12:00:00Z') }));
    await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1002', updatedAt: new Date('2026-03-01T12:00:00Z') }));
    const acts = (await types(first.customerId!)).filter((t) => t === 'Order Completed');
    expect(acts).toHaveLength(2); // 1001 and 1002, no duplicate
    const newer = await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1002', financialStatus: 'paid', fulfillmentStatus: 'fulfilled', updatedAt: new Date('2026-03-03T12:00:00Z') }));
    expect(newer.stale).toBe(false);
    const stale = await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1002', financialStatus: 'pending', updatedAt: new Date('2026-03-02T12:00:00Z') }));
    expect(stale.stale).toBe(true);
    const row = await app.patron.dbh.db.selectFrom('orders').selectAll().where('external_id', '=', '1002').executeTakeFirstOrThrow();
    expect(row.financial_status).toBe('paid');
    expect(await types(first.customerId!)).toContain('Order Updated');
  });

  it('cancelling removes the order from the figures; refunds are recorded once', async () => {
    const r = await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1003', customer: { email: 'pat@example.com' } }));
    await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1004', customer: { email: 'pat@example.com' } }));
    let c = await app.patron.modules.customers.service.get(r.customerId!);
    expect(c).toMatchObject({ orderCount: 2, totalSpent: 5000 });
    await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1003', customer: { email: 'pat@example.com' }, status: 'cancelled', updatedAt: new Date('2026-03-05T00:00:00Z') }));
    c = await app.patron.modules.customers.service.get(r.customerId!);
    expect(c).toMatchObject({ orderCount: 1, totalSpent: 2500 });
    const refund = { source: 'shopify', externalId: 'rf-1', orderExternalId: '1004', kind: 'refund' as const, amount: 1250, currency: 'USD', lines: [], refundedAt: new Date('2026-03-06T00:00:00Z') };
    await commerce().upsertRefund(SYSTEM_ACTOR, refund);
    await commerce().upsertRefund(SYSTEM_ACTOR, refund);
    c = await app.patron.modules.customers.service.get(r.customerId!);
    expect(c.refunded).toBe(1250);
    const o = await app.patron.dbh.db.selectFrom('orders').selectAll().where('external_id', '=', '1004').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ refunded_total: 1250, financial_status: 'partially_refunded' });
    expect((await types(r.customerId!)).filter((t) => t === 'Order Refunded' || t === 'Order Cancelled')).toEqual(['Order Cancelled', 'Order Refunded']);
  });

  it('a checkout starts once, and the order converts the cart', async () => {
    const cart = { source: 'shopify', externalId: 'chk-1', customer: { email: 'cara@example.com' }, status: 'open' as const, currency: 'USD', items: [{ title: 'Mug', quantity: 1, unitPrice: 1250 }], checkoutUrl: 'https://shop.example/checkouts/chk-1', checkoutStarted: true };
    const c1 = await commerce().upsertCart(SYSTEM_ACTOR, cart);
    await commerce().upsertCart(SYSTEM_ACTOR, { ...cart, items: [{ title: 'Mug', quantity: 2, unitPrice: 1250 }] });
    expect((await types(c1.customerId!)).filter((t) => t === 'Checkout Started')).toHaveLength(1);
    await commerce().upsertOrder(SYSTEM_ACTOR, order({ externalId: '1005', customer: { email: 'cara@example.com' }, cartExternalId: 'chk-1' }));
    const carts = (await app.patron.http!.inject({ url: `/api/customers/${c1.customerId}/carts`, headers: admin.headers })).json().items;
    expect(carts[0]).toMatchObject({ status: 'converted', value: 2500, checkoutUrl: 'https://shop.example/checkouts/chk-1' });
  });

  it('the API validates money, currency and required fields', async () => {
    const bad = await app.patron.http!.inject({ method: 'POST', url: '/api/orders', headers: admin.headers, payload: { externalId: 'x', currency: 'XXY', placedAt: 'yesterday', lines: [{ title: 'A', quantity: 1.5, unitPrice: 9.99 }] } });
    expect(bad.statusCode).toBe(400);
    const pointers = bad.json().errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/body/currency', '/body/lines/0/quantity', '/body/lines/0/unitPrice', '/body/placedAt']);
    const ok = await app.patron.http!.inject({ method: 'POST', url: '/api/orders', headers: admin.headers, payload: { externalId: 'api-1', currency: 'eur', placedAt: '2026-04-01T10:00:00Z', lines: [{ title: 'A', quantity: 1, unitPrice: 999 }], customer: { email: 'api@example.com' } } });
    expect(ok.statusCode, ok.body).toBe(201);
    const again = await app.patron.http!.inject({ method: 'POST', url: '/api/orders', headers: admin.headers, payload: { externalId: 'api-1', currency: 'EUR', placedAt: '2026-04-01T10:00:00Z', lines: [{ title: 'A', quantity: 1, unitPrice: 999 }], customer: { email: 'api@example.com' } } });
    expect(again.statusCode).toBe(200);
    const list = (await app.patron.http!.inject({ url: '/api/orders?q=api@example.com', headers: admin.headers })).json();
    expect(list.items.map((o: { externalId: string }) => o.externalId)).toEqual(['api-1']);
  });
});
