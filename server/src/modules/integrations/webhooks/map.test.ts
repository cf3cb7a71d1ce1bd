import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bcCart, bcCustomer, bcOrder } from './map-bigcommerce.ts';
import { mapShopify } from './map-shopify.ts';
import { mapWooCommerce } from './map-woocommerce.ts';
import { PayloadError, type Json } from './plan.ts';

const DATA = '../shared/data/webhooks';
const load = (p: string) => JSON.parse(fs.readFileSync(`${DATA}/${p}`, 'utf8')) as Json;

describe('Shopify payloads (official REST fixtures)', () => {
  it('maps an order: exact money, lines, customer, discounts, checkout token', () => {
    const plan = mapShopify('orders/create', load('shopify/order.rest-fixture.json'));
    const op = plan.operations[0]!;
    expect(op.kind).toBe('order');
    if (op.kind !== 'order') return;
    expect(op.input).toMatchObject({
      source: 'shopify', externalId: '450789469', number: '#1001', currency: 'USD', status: 'completed', financialStatus: 'partially_refunded',
      subtotal: 59700, discountTotal: 1000, taxTotal: 1194, shippingTotal: 0, total: 59894, discountCodes: ['TENOFF'], cartExternalId: 'bd5a8aa1ecd019dd3520ff791ee3a24c',
      customer: { externalId: '207119551', email: 'bob.norman@mail.example.com', firstName: 'Bob', lastName: 'Norman', country: 'US' },
    });
    expect(op.input.lines).toHaveLength(3);
    expect(op.input.lines[0]).toMatchObject({ productExternalId: '632910392', variantExternalId: '39072856', sku: 'IPOD2008GREEN', title: 'IPod Nano - 8gb', quantity: 1, unitPrice: 19900 });
    expect(op.input.placedAt.toISOString()).toBe('2008-01-10T16:00:00.000Z');
    expect(op.input.updatedAt?.toISOString()).toBe('2008-01-10T16:00:00.000Z');
    expect(plan.resource).toMatchObject({ type: 'order', id: '450789469' });
  });

  it('maps the refund inside the order fixture (transactions are the money returned)', () => {
    const refund = (load('shopify/order.rest-fixture.json').refunds as Json[])[0]!;
    const op = mapShopify('refunds/create', refund).operations[0]!;
    expect(op).toMatchObject({ kind: 'refund', input: { externalId: '509562969', orderExternalId: '450789469', amount: 20900, currency: 'USD', reason: 'it broke during shipping' } });
    if (op.kind === 'refund') expect(op.input.lines.map((l) => l.amount)).toEqual([19566, 19567]);
  });

  it('maps a customer: verified identities, tags, addresses, marketing consent per channel', () => {
    const op = mapShopify('customers/create', load('shopify/customer.rest-fixture.json')).operations[0]!;
    expect(op.kind).toBe('customer');
    if (op.kind !== 'customer') return;
    expect(op.identities).toEqual([
      { kind: 'external', source: 'shopify', value: '1073339462', verified: true },
      { kind: 'email', value: 'steve.lastnameson@example.com', verified: true },
      { kind: 'phone', value: '+15142546011', verified: true },
    ]);
    expect(op.profile).toMatchObject({ firstName: 'Steve', lastName: 'Lastnameson', country: 'CA', tags: [] });
    expect(op.profile.attributes).toBeUndefined();
    // not_subscribed with no consent time: the customer's updated_at (customers/consent.sources.int.test.ts has the rules).
    expect(op.consent?.map((s) => [s.channel, s.status, s.method, s.occurredAt?.toISOString()])).toEqual([
      ['email', 'not_subscribed', 'single_opt_in', '2025-04-02T16:27:00.000Z'], ['sms', 'not_subscribed', 'single_opt_in', '2025-04-02T16:27:00.000Z'],
    ]);
    expect(op.profile.addresses).toEqual([{ kind: 'shipping', name: 'Mother Lastnameson', line1: '123 Oak St', city: 'Ottawa', region: 'Ontario', postalCode: '123 ABC', country: 'CA', phone: '555-1212', isDefault: true }]);
  });

  it('maps an abandoned checkout to a started checkout with its recovery URL', () => {
    const op = mapShopify('checkouts/create', load('shopify/abandoned_checkout.rest-fixture.json')).operations[0]!;
    expect(op).toMatchObject({ kind: 'cart', input: { externalId: '2a1ace52255252df566af0faaedfbfa7', status: 'open', checkoutStarted: true, value: 37969, currency: 'USD',
      checkoutUrl: 'https://checkout.local/548380009/checkouts/2a1ace52255252df566af0faaedfbfa7/recover', customer: { email: 'bob.norman@mail.example.com', externalId: '207119551' } } });
    if (op.kind === 'cart') expect(op.input.items.map((i) => [i.sku, i.unitPrice])).toEqual([['IPOD2008RED', 19900], ['IPOD2008PINK', 19900]]);
  });

  it('ignores topics it does not use; names the field that is missing or wrong', () => {
    expect(mapShopify('products/create', {}).ignored).toMatch(/products\/create/);
    const order = load('shopify/order.rest-fixture.json');
    expect(() => mapShopify('orders/create', { ...order, currency: undefined })).toThrow(/currency is missing/);
    expect(() => mapShopify('orders/create', { ...order, currency: 'XYZ' })).toThrow(/currency: must be an ISO 4217/);
    expect(() => mapShopify('orders/create', { ...order, total_price: 'lots' })).toThrow(/total_price: "lots" is not a decimal amount/);
    expect(() => mapShopify('orders/create', { ...order, id: null })).toThrow(PayloadError);
    expect(() => mapShopify('orders/create', [1, 2])).toThrow(/not a JSON object/);
  });
});

describe('WooCommerce payloads (official REST v3 examples)', () => {
  it('maps order.created: decimal strings to minor units, guest customer by billing email', () => {
    const op = mapWooCommerce('order.created', load('woocommerce/order.created.json')).operations[0]!;
    expect(op).toMatchObject({ kind: 'order', input: {
      source: 'woocommerce', externalId: '727', number: '727', status: 'completed', financialStatus: 'paid', currency: 'USD',
      subtotal: 1800, taxTotal: 135, shippingTotal: 1000, discountTotal: 0, total: 2935,
      customer: { email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe', country: 'US', phone: '(555) 555-5555' },
    } });
    if (op.kind !== 'order') return;
    expect(op.input.customer?.externalId).toBeUndefined(); // customer_id 0 = guest
    expect(op.input.lines.map((l) => [l.title, l.quantity, l.unitPrice, l.total, l.sku])).toEqual([['Woo Single #1', 2, 300, 600, undefined], ['Ship Your Idea &ndash; Color: Black, Size: M Test', 1, 1200, 1200, 'Bar3']]);
    expect(op.input.placedAt.toISOString()).toBe('2017-03-22T19:28:02.000Z');
    expect(op.input.updatedAt?.toISOString()).toBe('2017-03-22T19:28:08.000Z');
  });

  it('maps refunds listed in an order, order.deleted and customers', () => {
    const order = { ...load('woocommerce/order.created.json'), status: 'refunded', refunds: [{ id: 730, reason: 'damaged', total: '-5.00' }] };
    const plan = mapWooCommerce('order.updated', order);
    expect(plan.operations.map((o) => o.kind)).toEqual(['order', 'refund']);
    expect(plan.operations[1]).toMatchObject({ input: { externalId: '730', orderExternalId: '727', amount: 500, reason: 'damaged' } });
    expect(mapWooCommerce('order.deleted', { id: 727 }).operations).toEqual([{ kind: 'cancel-order', externalId: '727', at: expect.any(Date) }]);
    const c = mapWooCommerce('customer.created', load('woocommerce/customer.created.json')).operations[0]!;
    expect(c).toMatchObject({ kind: 'customer', externalId: '25', profile: { firstName: 'John', email: 'john.doe@example.com', country: 'US' } });
    if (c.kind === 'customer') expect(c.profile.addresses?.map((a) => a.kind)).toEqual(['billing', 'shipping']);
    expect(mapWooCommerce('customer.deleted', { id: 25 }).ignored).toMatch(/kept/);
  });
});

describe('BigCommerce records (documented REST shapes)', () => {
  it('maps a v2 order with products, a v3 customer and a v3 cart', () => {
    const o = bcOrder({
      id: 250, customer_id: 32, date_created: 'Tue, 25 Jun 2019 16:15:35 +0000', date_modified: 'Tue, 25 Jun 2019 16:20:00 +0000', status_id: 11, status: 'Awaiting Fulfillment',
      subtotal_ex_tax: '35.6300', total_tax: '2.5000', shipping_cost_ex_tax: '12.7200', total_inc_tax: '50.8500', discount_amount: '0.0000', coupon_discount: '0.0000',
      currency_code: 'USD', default_currency_code: 'USD', payment_status: 'captured', cart_id: 'd30016e2-23c0-4a90-884f-2e92ac135476',
      billing_address: { first_name: 'Jane', last_name: 'Doe', email: 'Jane@Example.com', country_iso2: 'US', phone: '555-0100' },
    }, [{ product_id: 77, variant_id: 1, name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: '17.8150', total_ex_tax: '35.6300' }]);
    expect(o).toMatchObject({ externalId: '250', status: 'completed', subtotal: 3563, taxTotal: 250, shippingTotal: 1272, total: 5085, cartExternalId: 'd30016e2-23c0-4a90-884f-2e92ac135476',
      customer: { externalId: '32', email: 'jane@example.com' } });
    // 17.8150 rounds half to even at the cent: 17.82; the line total stays exact.
    expect(o.lines[0]).toMatchObject({ unitPrice: 1782, total: 3563 });
    expect(bcOrder({ id: 1, status_id: 5, date_created: 'Tue, 25 Jun 2019 16:15:35 +0000', default_currency_code: 'EUR' }, []).status).toBe('cancelled');
    expect(bcCustomer({ id: 32, email: 'a@b.co', first_name: 'A', addresses: [{ address1: '1 Main', city: 'Austin', country_code: 'US' }] }, true).profile).toMatchObject({ firstName: 'A', country: 'US' });
    const cart = bcCart({ id: 'c1', currency: { code: 'USD' }, cart_amount: 12.5, email: 'a@b.co', line_items: { physical_items: [{ product_id: 3, name: 'Tee', quantity: 1, sale_price: 12.5 }] }, redirect_urls: { checkout_url: 'https://shop/checkout?t=1' } }, true);
    expect(cart).toMatchObject({ externalId: 'c1', status: 'abandoned', checkoutStarted: true, value: 1250, checkoutUrl: 'https://shop/checkout?t=1', items: [{ unitPrice: 1250 }] });
  });
});
