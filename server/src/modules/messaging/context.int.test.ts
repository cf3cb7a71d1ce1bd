import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstInvoices, type Invoice } from '../../../../e2e/data.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { putSetting } from '../../platform/settings.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { CustomerContexts, type CartVars, type ContextVars, type OrderVars } from './context.ts';

let app: TestApp;
const db = () => app.patron.dbh.db;
const commerce = () => app.patron.modules.commerce.service;
const ids: Record<string, string> = {};
let invoices: Invoice[];

async function customer(key: string, profile: Record<string, unknown>): Promise<string> {
  const r = await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: `${key}@shop.test`, verified: true }], profile, source: 'test', actor: SYSTEM_ACTOR,
  }));
  ids[key] = r.customerId;
  return r.customerId;
}

beforeAll(async () => {
  app = await startTestApp();
  await putSetting(db(), 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London' });
  // Real orders: the first invoices of the UCI Online Retail file.
  invoices = await firstInvoices(3);
  await customer('ann', { firstName: 'Ann', lastName: 'Lee', country: 'GB', timeZone: 'America/New_York', birthday: '1990-04-12', locale: 'en-GB' });
  await customer('bob', { firstName: 'Bob', country: 'FR' });
  await customer('cat', {});
  await commerce().upsertProduct(SYSTEM_ACTOR, {
    source: 'uci', externalId: invoices[0]!.lines[0]!.sku, title: invoices[0]!.lines[0]!.title, sku: invoices[0]!.lines[0]!.sku, categories: [], price: invoices[0]!.lines[0]!.unitPrice,
    currency: 'GBP', imageUrl: 'https://cdn.shop.test/holder.jpg', url: 'https://shop.test/p/holder', status: 'active', variants: [],
  });
  // Ann: two orders (the later one is her last order), a cancelled one after them (not her last order), an abandoned cart.
  for (const [i, inv] of invoices.slice(0, 2).entries()) {
    await commerce().upsertOrder(SYSTEM_ACTOR, {
      source: 'uci', externalId: inv.number, number: `#${inv.number}`, customer: { email: 'ann@shop.test' }, status: 'completed', currency: 'GBP',
      discountTotal: 0, taxTotal: 0, shippingTotal: i === 1 ? 495 : 0, discountCodes: i === 1 ? ['SPRING'] : [], placedAt: new Date(inv.placedAt),
      lines: inv.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
    });
  }
  await commerce().upsertOrder(SYSTEM_ACTOR, {
    source: 'uci', externalId: 'X-1', customer: { email: 'ann@shop.test' }, status: 'cancelled', currency: 'GBP', discountTotal: 0, taxTotal: 0, shippingTotal: 0,
    discountCodes: [], placedAt: new Date('2011-12-01T10:00:00Z'), lines: [{ title: 'Cancelled thing', quantity: 1, unitPrice: 100 }],
  });
  await commerce().upsertCart(SYSTEM_ACTOR, {
    source: 'uci', externalId: 'cart-old', customer: { email: 'ann@shop.test' }, status: 'abandoned', currency: 'GBP',
    items: [{ title: 'Old thing', quantity: 1, unitPrice: 100 }], checkoutStarted: false, updatedAt: new Date('2011-01-01T00:00:00Z'),
  });
  await commerce().upsertCart(SYSTEM_ACTOR, {
    source: 'uci', externalId: 'cart-1', customer: { email: 'ann@shop.test' }, status: 'abandoned', currency: 'GBP', checkoutUrl: 'https://shop.test/checkout/cart-1',
    items: [
      { productExternalId: invoices[0]!.lines[0]!.sku, title: invoices[0]!.lines[0]!.title, quantity: 2, unitPrice: 255 },
      { title: 'Gift wrap', quantity: 1, unitPrice: 150, imageUrl: 'https://cdn.shop.test/wrap.png', url: 'https://shop.test/p/wrap' },
    ],
    checkoutStarted: true,
  });
  // Bob: one converted cart (not shown) and no orders; marketing consent on email, unsubscribed from SMS.
  await commerce().upsertCart(SYSTEM_ACTOR, { source: 'api', externalId: 'cart-b', customer: { email: 'bob@shop.test' }, status: 'converted', currency: 'EUR', items: [{ title: 'X', quantity: 1, unitPrice: 1 }], checkoutStarted: true });
  await db().transaction().execute(async (tx) => {
    const consent = app.patron.modules.customers.consent;
    await consent.set(tx, { customerId: ids.bob!, channel: 'email', status: 'subscribed', method: 'single_opt_in', source: 'test', actor: SYSTEM_ACTOR });
    await consent.set(tx, { customerId: ids.bob!, channel: 'sms', status: 'unsubscribed', method: 'admin', source: 'test', actor: SYSTEM_ACTOR });
  });
});
afterAll(async () => app?.close());

describe('CustomerContexts.build', () => {
  it('builds every customer of a batch, with or without orders and carts, equal to what was stored', async () => {
    const unknown = '01890000-0000-7000-8000-000000000000';
    const map = await new CustomerContexts().build(db(), [ids.ann!, ids.bob!, ids.cat!, unknown, ids.ann!]);
    expect([...map.keys()].sort()).toEqual([ids.ann!, ids.bob!, ids.cat!].sort());
    const ann = map.get(ids.ann!) as ContextVars;
    const [inv1, inv2] = [invoices[0]!, invoices[1]!];
    const sum = (inv: Invoice) => inv.lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0);

    expect(ann.customer).toMatchObject({
      id: ids.ann, first_name: 'Ann', last_name: 'Lee', name: 'Ann Lee', email: 'ann@shop.test', country: 'GB', locale: 'en-GB', time_zone: 'America/New_York',
      birthday: '1990-04-12', tags: [], attributes: {}, order_count: 2, total_spent: sum(inv1) + sum(inv2) + 495, currency: 'GBP',
      first_order_at: new Date(inv1.placedAt).toISOString(), last_order_at: new Date(inv2.placedAt).toISOString(),
    });
    expect(ann.customer.aov).toBe(Math.trunc((sum(inv1) + sum(inv2) + 495) / 2));
    expect(ann.consent).toEqual({ email: 'none', sms: 'none' });

    const order = ann.last_order as OrderVars;
    expect(order).toMatchObject({
      number: `#${inv2.number}`, external_id: inv2.number, placed_at: new Date(inv2.placedAt).toISOString(), status: 'completed', currency: 'GBP',
      total: sum(inv2) + 495, shipping_total: 495, discount_codes: ['SPRING'],
    });
    expect(order.items).toEqual(inv2.lines.map((l) => ({ name: l.title, sku: l.sku, quantity: l.quantity, price: l.unitPrice, total: l.quantity * l.unitPrice, image_url: null, url: null })));

    const cart = ann.cart as CartVars;
    expect(cart).toMatchObject({ status: 'abandoned', currency: 'GBP', value: 2 * 255 + 150, item_count: 3, checkout_url: 'https://shop.test/checkout/cart-1' });
    expect(cart.items).toEqual([
      // The cart item had no picture of its own: the product's is used.
      { name: invoices[0]!.lines[0]!.title, sku: null, quantity: 2, price: 255, total: 510, image_url: 'https://cdn.shop.test/holder.jpg', url: 'https://shop.test/p/holder' },
      { name: 'Gift wrap', sku: null, quantity: 1, price: 150, total: 150, image_url: 'https://cdn.shop.test/wrap.png', url: 'https://shop.test/p/wrap' },
    ]);
    expect(ann.store).toEqual({ name: 'Gift Shop', currency: 'GBP', url: null, address: null, brand_color: null, logo_url: null });

    const bob = map.get(ids.bob!) as ContextVars;
    expect(bob.customer).toMatchObject({ first_name: 'Bob', last_name: null, name: 'Bob', order_count: 0, total_spent: 0, aov: null, first_order_at: null, time_zone: 'Europe/London' });
    expect(bob.consent).toEqual({ email: 'subscribed', sms: 'unsubscribed' });
    expect(bob.last_order).toBeNull();
    expect(bob.cart).toBeNull();

    const cat = map.get(ids.cat!) as ContextVars;
    expect(cat.customer).toMatchObject({ first_name: null, name: null, email: 'cat@shop.test' });
    // Parts of later modules are absent until they register, never made up.
    for (const key of ['recommendations', 'loyalty']) expect(cat).not.toHaveProperty(key);
  });

  it('adds the sections other modules register, for the customers they know', async () => {
    const contexts = new CustomerContexts();
    contexts.addSection('loyalty', async (_db, list) => new Map(list.filter((id) => id === ids.bob).map((id) => [id, { points: 120 }])));
    expect(() => contexts.addSection('customer', async () => new Map())).toThrow(/built-in/);
    const map = await contexts.build(db(), [ids.ann!, ids.bob!]);
    expect(map.get(ids.bob!)).toMatchObject({ loyalty: { points: 120 } });
    expect(map.get(ids.ann!)).not.toHaveProperty('loyalty');
  });

  it('reads the store address, brand and web address when they are set', async () => {
    await putSetting(db(), 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London', address: '12 High St, London', brandColor: '#aa3355', url: 'https://giftshop.test' });
    try {
      const map = await new CustomerContexts().build(db(), [ids.cat!]);
      expect((map.get(ids.cat!) as ContextVars).store).toEqual({ name: 'Gift Shop', currency: 'GBP', url: 'https://giftshop.test', address: '12 High St, London', brand_color: '#aa3355', logo_url: null });
    } finally {
      await putSetting(db(), 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London' });
    }
  });
});
