import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../../testing/harness.ts';
import { hmacSha256Base64 } from './signatures.ts';

const DATA = '../shared/data/webhooks';
const fixture = (p: string) => JSON.parse(fs.readFileSync(`${DATA}/${p}`, 'utf8')) as Record<string, unknown>;
const raw = (p: string) => fs.readFileSync(`${DATA}/${p}`, 'utf8');

let app: TestApp;
let owner: Session;
const db = () => app.patron.dbh.db;
const inject = (o: InjectOptions) => app.patron.http!.inject(o);

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  owner = await loginAs(app, 'owner');
});
afterAll(async () => app?.close());

interface Conn { id: string; webhookUrl: string; secretHint: string; storeUrl: string; api: unknown }
async function connect(body: Record<string, unknown>): Promise<Conn> {
  const res = await inject({ method: 'POST', url: '/api/store-connections', headers: owner.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Conn;
}

let seq = 0;
function shopify(conn: Conn, topic: string, body: string, o: { id?: string; secret?: string; signature?: string | null; contentType?: string } = {}) {
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/json', 'x-shopify-topic': topic, 'x-shopify-webhook-id': o.id ?? `wh-${++seq}`,
    'x-shopify-shop-domain': 'jsmith.myshopify.com', 'x-shopify-api-version': '2025-07',
  };
  if (o.signature !== null) headers['x-shopify-hmac-sha256'] = o.signature ?? hmacSha256Base64(o.secret ?? 'test_secret_key', body);
  return inject({ method: 'POST', url: `/v1/webhooks/shopify/${conn.id}`, headers, payload: body });
}

/** Waits for the worker to finish a delivery; returns its row. */
async function settled(deliveryId: string, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const d = await db().selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
    if (d.outcome !== 'pending') return d;
    if (Date.now() > end) throw new Error(`delivery ${deliveryId} still pending: ${d.error ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const deliveryCount = async () => Number((await db().selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const order = (source: string, externalId: string) => db().selectFrom('orders').selectAll().where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst();

describe('store connections API', () => {
  it('returns the webhook URL and a hint, never the secret; audits; validates', async () => {
    const c = await connect({ platform: 'shopify', name: 'Main shop', storeUrl: 'https://JSmith.myshopify.com/admin', webhookSecret: 'test_secret_key' });
    expect(c.storeUrl).toBe('jsmith.myshopify.com');
    expect(c.webhookUrl).toMatch(new RegExp(`^http://localhost(:\\d+)?/v1/webhooks/shopify/${c.id}$`));
    expect(c.secretHint).toBe('…_key');
    const list = await inject({ url: '/api/store-connections', headers: owner.headers });
    expect(list.body).not.toContain('test_secret_key');
    const audit = await db().selectFrom('audit_log').selectAll().where('entity_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['store_connection.created']);
    expect(JSON.stringify(audit)).not.toContain('test_secret_key');

    const woo = await inject({ method: 'POST', url: '/api/store-connections', headers: owner.headers, payload: { platform: 'woocommerce', name: 'W', storeUrl: 'shop.example.com', webhookSecret: 'wc-secret-1', api: { storeHash: 'abc', accessToken: 't' } } });
    expect(woo.statusCode).toBe(400);
    expect(woo.json().errors).toEqual([{ pointer: '/body/api', detail: 'only for platform bigcommerce' }]);
    const short = await inject({ method: 'POST', url: '/api/store-connections', headers: owner.headers, payload: { platform: 'magento', name: '', storeUrl: 'x', webhookSecret: 'abc' } });
    expect(short.statusCode).toBe(400);
    expect((short.json().errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/body/name', '/body/platform', '/body/webhookSecret']);

    const patched = await inject({ method: 'PATCH', url: `/api/store-connections/${c.id}`, headers: owner.headers, payload: { name: 'Renamed', webhookSecret: 'rotated-secret-9999' } });
    expect(patched.json()).toMatchObject({ name: 'Renamed', secretHint: '…9999' });
    const marketer = await loginAs(app, 'marketer');
    expect((await inject({ url: '/api/store-connections', headers: marketer.headers })).statusCode).toBe(200);
    expect((await inject({ method: 'DELETE', url: `/api/store-connections/${c.id}`, headers: marketer.headers })).statusCode).toBe(403);
    expect((await inject({ method: 'DELETE', url: `/api/store-connections/${c.id}`, headers: owner.headers })).statusCode).toBe(204);
    expect((await inject({ url: `/api/store-connections/${c.id}`, headers: owner.headers })).statusCode).toBe(404);
  });
});

describe('Shopify webhooks', () => {
  let conn: Conn;
  beforeAll(async () => {
    conn = await connect({ platform: 'shopify', name: 'jsmith', storeUrl: 'jsmith.myshopify.com', webhookSecret: 'test_secret_key' });
  });

  it('stores and processes a signed order; a redelivery changes nothing', async () => {
    const body = raw('shopify/order.rest-fixture.json');
    const res = await shopify(conn, 'orders/create', body, { id: 'b54557e4-order-1' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ received: true, duplicate: false });
    const d = await settled(res.json().deliveryId as string);
    expect(d).toMatchObject({ outcome: 'processed', topic: 'orders/create', resource_type: 'order', resource_id: '450789469', attempts: 1, error: null });
    const o = await order('shopify', '450789469');
    expect(o).toMatchObject({ number: '#1001', total: 59894, subtotal: 59700, tax_total: 1194, discount_total: 1000, currency: 'USD', email: 'bob.norman@mail.example.com', item_count: 3 });
    const acts = await app.patron.activities.forCustomer(db(), o!.customer_id!, { limit: 10 });
    expect(acts.map((a) => a.type)).toContain('Order Completed');

    const again = await shopify(conn, 'orders/create', body, { id: 'b54557e4-order-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true, deliveryId: d.id });
    expect(await db().selectFrom('webhook_deliveries').select('id').where('delivery_id', '=', 'b54557e4-order-1').execute()).toHaveLength(1);
    const acts2 = await app.patron.activities.forCustomer(db(), o!.customer_id!, { limit: 10 });
    expect(acts2).toHaveLength(acts.length);
  });

  it('refuses unsigned and mis-signed webhooks with 401 and stores nothing', async () => {
    const before = await deliveryCount();
    const body = raw('shopify/order.rest-fixture.json');
    for (const res of [
      await shopify(conn, 'orders/create', body, { signature: null }),
      await shopify(conn, 'orders/create', body, { secret: 'wrong-secret' }),
      await shopify(conn, 'orders/create', body, { signature: 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=' }),
      await shopify(conn, 'orders/create', body, { signature: 'not base64 at all!!' }),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().type).toBe('/problems/invalid-signature');
    }
    // The body is signed, then changed in transit.
    const sig = hmacSha256Base64('test_secret_key', body);
    expect((await shopify(conn, 'orders/create', body.replace('598.94', '1.00'), { signature: sig })).statusCode).toBe(401);
    expect(await deliveryCount()).toBe(before);
  });

  it('answers bad requests with precise problems: unknown connection, wrong content type, malformed JSON, missing headers', async () => {
    const body = '{"id": 1}';
    const unknown = await inject({ method: 'POST', url: '/v1/webhooks/shopify/0190a4c2-0000-7000-8000-000000000001', headers: { 'content-type': 'application/json' }, payload: body });
    expect(unknown.statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: `/v1/webhooks/woocommerce/${conn.id}`, headers: { 'content-type': 'application/json' }, payload: body })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: '/v1/webhooks/shopify/not-a-uuid', payload: body })).statusCode).toBe(400);
    const before = await deliveryCount();
    const text = await shopify(conn, 'orders/create', 'id=1', { contentType: 'application/x-www-form-urlencoded' });
    expect(text.statusCode).toBe(415);
    expect(text.json().type).toBe('/problems/unsupported-media-type');
    const noTopic = await inject({ method: 'POST', url: `/v1/webhooks/shopify/${conn.id}`, headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': hmacSha256Base64('test_secret_key', body), 'x-shopify-webhook-id': 'x1' }, payload: body });
    expect(noTopic.statusCode).toBe(400);
    expect(noTopic.json().errors).toEqual([{ pointer: '/headers/x-shopify-topic', detail: 'is required' }]);
    const empty = await inject({ method: 'POST', url: `/v1/webhooks/shopify/${conn.id}`, headers: { 'x-shopify-hmac-sha256': hmacSha256Base64('test_secret_key', ''), 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'x2' } });
    expect(empty.statusCode).toBe(415);
    expect(await deliveryCount()).toBe(before);

    // Signed but not JSON: refused, and recorded so it shows in the delivery log.
    const bad = await shopify(conn, 'orders/create', '{"id": 1,', { id: 'malformed-1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: '/problems/malformed-json', detail: expect.stringMatching(/not valid JSON/) });
    const rec = await db().selectFrom('webhook_deliveries').selectAll().where('delivery_id', '=', 'malformed-1').executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ outcome: 'rejected', payload: null, error: expect.stringMatching(/not valid JSON/) });
  });

  it('never lets an older update overwrite newer state', async () => {
    const base = fixture('shopify/order.rest-fixture.json');
    const newer = { ...base, id: 9001, name: '#9001', financial_status: 'refunded', updated_at: '2024-05-02T10:00:00Z' };
    const older = { ...base, id: 9001, name: '#9001', financial_status: 'paid', updated_at: '2024-05-01T10:00:00Z' };
    const r1 = await shopify(conn, 'orders/updated', JSON.stringify(newer));
    expect((await settled(r1.json().deliveryId)).outcome).toBe('processed');
    const r2 = await shopify(conn, 'orders/updated', JSON.stringify(older));
    const d2 = await settled(r2.json().deliveryId);
    expect(d2).toMatchObject({ outcome: 'stale', note: expect.stringMatching(/older update/) });
    expect(await order('shopify', '9001')).toMatchObject({ financial_status: 'refunded' });
  });

  it('records payloads it cannot use as visible failures, with nothing half-written', async () => {
    const base = fixture('shopify/order.rest-fixture.json');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, id: 9101, currency: 'XYZ' }, /currency: must be an ISO 4217/],
      [{ ...base, id: 9102, currency: undefined }, /currency is missing/],
      [{ ...base, id: 9103, line_items: [{ title: 'x', quantity: 'many', price: '1.00' }] }, /line_items\[0\]\.quantity must be a whole number/],
      [{ ...base, id: 9104, total_price: '12,34,5' }, /total_price/],
      [{ ...base, id: undefined }, /id is missing/],
    ];
    for (const [payload, error] of cases) {
      const res = await shopify(conn, 'orders/create', JSON.stringify(payload));
      expect(res.statusCode).toBe(200);
      const d = await settled(res.json().deliveryId);
      expect(d.outcome).toBe('failed');
      expect(d.error).toMatch(error);
      expect(d.attempts).toBe(1); // not retried: the data will not improve
    }
    for (const id of ['9101', '9102', '9103', '9104']) expect(await order('shopify', id)).toBeUndefined();
    const list = await inject({ url: `/api/store-connections/${conn.id}/deliveries?outcome=failed`, headers: owner.headers });
    expect(list.json().items.length).toBeGreaterThanOrEqual(5);
    expect(list.json().items[0]).toMatchObject({ outcome: 'failed', error: expect.any(String), topic: 'orders/create' });
  });

  it('customers, refunds and checkouts reach the customers and commerce services', async () => {
    const cust = await shopify(conn, 'customers/create', raw('shopify/customer.rest-fixture.json'));
    expect((await settled(cust.json().deliveryId)).outcome).toBe('processed');
    const ident = await db().selectFrom('customer_identities').selectAll().where('source', '=', 'shopify').where('value', '=', '1073339462').executeTakeFirstOrThrow();
    const c = await app.patron.modules.customers.service.get(ident.customer_id);
    expect(c).toMatchObject({ firstName: 'Steve', lastName: 'Lastnameson', email: 'steve.lastnameson@example.com', country: 'CA', attributes: {} });
    // "not_subscribed" gives no consent: nothing is recorded (docs/consent.md).
    expect(c.consent).toEqual({ email: { status: 'none', source: null, updatedAt: null }, sms: { status: 'none', source: null, updatedAt: null }, tracking: { status: 'none', source: null, updatedAt: null } });
    expect(c.addresses).toHaveLength(1);
    const olderUpdate = { ...fixture('shopify/customer.rest-fixture.json'), first_name: 'Old', updated_at: '2020-01-01T00:00:00Z' };
    const stale = await shopify(conn, 'customers/update', JSON.stringify(olderUpdate));
    expect((await settled(stale.json().deliveryId)).outcome).toBe('stale');
    expect((await app.patron.modules.customers.service.get(ident.customer_id)).firstName).toBe('Steve');

    const refund = (fixture('shopify/order.rest-fixture.json').refunds as unknown[])[0];
    const r = await shopify(conn, 'refunds/create', JSON.stringify(refund));
    expect((await settled(r.json().deliveryId)).outcome).toBe('processed');
    expect(await order('shopify', '450789469')).toMatchObject({ refunded_total: 20900, financial_status: 'partially_refunded' });

    const checkout = fixture('shopify/abandoned_checkout.rest-fixture.json');
    const ch = await shopify(conn, 'checkouts/create', JSON.stringify(checkout));
    expect((await settled(ch.json().deliveryId)).outcome).toBe('processed');
    const cart = await db().selectFrom('carts').selectAll().where('source', '=', 'shopify').where('external_id', '=', '2a1ace52255252df566af0faaedfbfa7').executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ status: 'open', value: 37969, checkout_url: expect.stringContaining('/recover') });
    expect(cart.checkout_started_at).not.toBeNull();
    // The order placed from that checkout converts the cart.
    const placed = { ...fixture('shopify/order.rest-fixture.json'), id: 9200, name: '#9200', checkout_token: '2a1ace52255252df566af0faaedfbfa7' };
    const p = await shopify(conn, 'orders/create', JSON.stringify(placed));
    expect((await settled(p.json().deliveryId)).outcome).toBe('processed');
    expect(await db().selectFrom('carts').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow()).toEqual({ status: 'converted' });
  });

  it('logs topics it does not use as ignored', async () => {
    const res = await shopify(conn, 'products/create', '{"id": 5}');
    expect(await settled(res.json().deliveryId)).toMatchObject({ outcome: 'ignored', note: expect.stringMatching(/does not use/) });
  });
});

describe('WooCommerce webhooks', () => {
  let conn: Conn;
  const secret = 'woo-webhook-secret';
  const post = (topic: string, body: string, id = `wc-${++seq}`) => inject({
    method: 'POST', url: `/v1/webhooks/woocommerce/${conn.id}`, payload: body,
    headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': id, 'x-wc-webhook-signature': hmacSha256Base64(secret, body), 'x-wc-webhook-source': 'https://shop.example.com/' },
  });
  beforeAll(async () => {
    conn = await connect({ platform: 'woocommerce', name: 'Woo', storeUrl: 'https://shop.example.com/', webhookSecret: secret });
  });

  it('answers the creation ping without storing anything', async () => {
    const before = await deliveryCount();
    const res = await inject({ method: 'POST', url: `/v1/webhooks/woocommerce/${conn.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'webhook_id=17' });
    expect(res.statusCode).toBe(200);
    expect(await deliveryCount()).toBe(before);
  });

  it('orders (created, deleted, restored) and customers', async () => {
    const res = await post('order.created', raw('woocommerce/order.created.json'));
    expect(res.statusCode).toBe(200);
    expect((await settled(res.json().deliveryId)).outcome).toBe('processed');
    expect(await order('woocommerce', '727')).toMatchObject({ total: 2935, shipping_total: 1000, tax_total: 135, status: 'completed', email: 'john.doe@example.com' });
    const del = await post('order.deleted', '{"id":727}');
    expect((await settled(del.json().deliveryId)).outcome).toBe('processed');
    expect(await order('woocommerce', '727')).toMatchObject({ status: 'cancelled' });
    const restored = { ...fixture('woocommerce/order.created.json'), date_modified_gmt: '2017-03-23T10:00:00' };
    const rs = await post('order.restored', JSON.stringify(restored));
    expect((await settled(rs.json().deliveryId)).outcome).toBe('processed');
    expect(await order('woocommerce', '727')).toMatchObject({ status: 'completed', cancelled_at: null });
    const unknownDelete = await post('order.deleted', '{"id":999999}');
    expect((await settled(unknownDelete.json().deliveryId)).outcome).toBe('ignored');

    const cu = await post('customer.created', raw('woocommerce/customer.created.json'));
    expect((await settled(cu.json().deliveryId)).outcome).toBe('processed');
    const ident = await db().selectFrom('customer_identities').select('customer_id').where('source', '=', 'woocommerce').where('value', '=', '25').executeTakeFirstOrThrow();
    // The guest order's email and the registered customer are the same person.
    expect((await order('woocommerce', '727'))!.customer_id).toBe(ident.customer_id);
  });
});

describe('BigCommerce webhooks', () => {
  const clientSecret = 'bc-app-client-secret-0001';
  const signer = new Webhook(`whsec_${Buffer.from(clientSecret).toString('base64')}`);
  let conn: Conn;
  let api: http.Server;
  let apiUrl = '';
  let failNext = 0;
  const seen: string[] = [];

  const post = (file: string, o: { id?: string; at?: Date; body?: string } = {}) => {
    const body = o.body ?? raw(`bigcommerce/${file}`);
    const id = o.id ?? `bc-${++seq}`;
    const signature = signer.sign(id, o.at ?? new Date(), body);
    return inject({ method: 'POST', url: `/v1/webhooks/bigcommerce/${conn.id}`, payload: body,
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor((o.at ?? new Date()).getTime() / 1000)), 'webhook-signature': signature } });
  };

  beforeAll(async () => {
    // The documented response shapes of the v2 Orders and v3 Customers/Carts APIs, served locally.
    const order = {
      id: 250, customer_id: 32, date_created: 'Tue, 25 Jun 2019 16:15:35 +0000', date_modified: 'Tue, 25 Jun 2019 16:20:00 +0000', status_id: 11, status: 'Awaiting Fulfillment',
      subtotal_ex_tax: '35.6300', subtotal_inc_tax: '38.1300', total_tax: '2.5000', shipping_cost_ex_tax: '12.7200', total_ex_tax: '48.3500', total_inc_tax: '50.8500',
      discount_amount: '0.0000', coupon_discount: '0.0000', currency_code: 'USD', default_currency_code: 'USD', payment_status: 'captured', cart_id: 'd30016e2-23c0-4a90-884f-2e92ac135476',
      billing_address: { first_name: 'Jane', last_name: 'Doe', street_1: '123 Main Street', city: 'Austin', state: 'Texas', zip: '78751', country: 'United States', country_iso2: 'US', email: 'jane@example.com' },
    };
    const products = [{ id: 1, order_id: 250, product_id: 77, variant_id: 5, name: 'BigCommerce Coffee Mug', sku: 'MUG-GRY', quantity: 2, base_price: '17.8150', price_ex_tax: '17.8150', price_inc_tax: '19.0650', total_ex_tax: '35.6300', total_inc_tax: '38.1300' }];
    const customer = { id: 32, email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe', phone: '', date_created: '2019-06-25T16:00:00Z', date_modified: '2019-06-25T16:00:00Z', addresses: [{ first_name: 'Jane', last_name: 'Doe', address1: '123 Main Street', city: 'Austin', state_or_province: 'Texas', postal_code: '78751', country_code: 'US' }] };
    const cart = { id: '09346904-4175-44fd-be53-f7e598531b6c', customer_id: 32, email: 'jane@example.com', currency: { code: 'USD' }, base_amount: 17.82, cart_amount: 17.82, created_time: '2019-06-25T17:00:00+00:00', updated_time: '2019-06-25T17:10:00+00:00',
      line_items: { physical_items: [{ id: 'li1', product_id: 77, variant_id: 5, sku: 'MUG-GRY', name: 'BigCommerce Coffee Mug', quantity: 1, list_price: 17.82, sale_price: 17.82, image_url: 'https://cdn.example/mug.jpg', url: 'https://shop.example/mug' }], digital_items: [], custom_items: [], gift_certificates: [] },
      redirect_urls: { cart_url: 'https://shop.example/cart.php?action=load&id=0934', checkout_url: 'https://shop.example/cart.php?action=loadInCheckout&id=0934' } };
    api = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers['x-auth-token'] !== 'bc-token') return send(401, { status: 401, title: 'Unauthorized' });
      if (failNext > 0) {
        failNext--;
        return send(500, { title: 'Internal Server Error' });
      }
      const url = req.url ?? '';
      if (url === '/stores/abc123/v2/orders/250') return send(200, order);
      if (url.startsWith('/stores/abc123/v2/orders/250/products')) return send(200, products);
      if (url === '/stores/abc123/v3/customers?id:in=32&include=addresses') return send(200, { data: [customer], meta: { pagination: { total: 1 } } });
      if (url === `/stores/abc123/v3/carts/${cart.id}?include=redirect_urls`) return send(200, { data: cart });
      return send(404, { status: 404, title: 'Not found' });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    conn = await connect({ platform: 'bigcommerce', name: 'BC', storeUrl: 'https://store-abc123.mybigcommerce.com', webhookSecret: clientSecret });
  });
  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise((r) => api?.close(r));
  });

  it('verifies Standard Webhooks signatures (made by the standardwebhooks library) and refuses stale or forged ones', async () => {
    const before = await deliveryCount();
    expect((await post('store_order_created.json', { at: new Date(Date.now() - 10 * 60_000) })).statusCode).toBe(401);
    const forged = new Webhook(`whsec_${Buffer.from('someone-else').toString('base64')}`);
    const body = raw('bigcommerce/store_order_created.json');
    const now = new Date();
    const res = await inject({ method: 'POST', url: `/v1/webhooks/bigcommerce/${conn.id}`, payload: body, headers: { 'content-type': 'application/json', 'webhook-id': 'f1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': forged.sign('f1', now, body) } });
    expect(res.statusCode).toBe(401);
    expect(await deliveryCount()).toBe(before);
  });

  it('without API credentials, logs the event; with them, fetches and upserts; a retry reprocesses', async () => {
    const res = await post('store_order_created.json', { id: 'bc-order-250-created' });
    expect(res.statusCode).toBe(200);
    const d = await settled(res.json().deliveryId);
    expect(d).toMatchObject({ outcome: 'ignored', note: 'Stored event, details not fetched (no API credentials).', topic: 'store/order/created', resource_id: '250' });

    const patched = await inject({ method: 'PATCH', url: `/api/store-connections/${conn.id}`, headers: owner.headers, payload: { api: { storeHash: 'abc123', accessToken: 'bc-token', apiBaseUrl: apiUrl } } });
    expect(patched.json().api).toMatchObject({ storeHash: 'abc123', apiBaseUrl: apiUrl, tokenHint: '…oken' });
    const retry = await inject({ method: 'POST', url: `/api/store-connections/${conn.id}/deliveries/${d.id}/retry`, headers: owner.headers });
    expect(retry.statusCode, retry.body).toBe(200);
    expect((await settled(d.id)).outcome).toBe('processed');
    expect(await order('bigcommerce', '250')).toMatchObject({ total: 5085, subtotal: 3563, shipping_total: 1272, tax_total: 250, email: 'jane@example.com', financial_status: 'captured' });
  });

  it('customers and carts (created, abandoned, converted)', async () => {
    const cu = await post('store_customer_created.json');
    expect((await settled(cu.json().deliveryId)).outcome).toBe('processed');
    const ident = await db().selectFrom('customer_identities').select('customer_id').where('source', '=', 'bigcommerce').where('value', '=', '32').executeTakeFirstOrThrow();
    expect((await order('bigcommerce', '250'))!.customer_id).toBe(ident.customer_id);

    const ab = await post('store_cart_abandoned.json');
    expect((await settled(ab.json().deliveryId)).outcome).toBe('processed');
    const cart = await db().selectFrom('carts').selectAll().where('source', '=', 'bigcommerce').where('external_id', '=', '09346904-4175-44fd-be53-f7e598531b6c').executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ status: 'abandoned', value: 1782, checkout_url: expect.stringContaining('loadInCheckout'), customer_id: ident.customer_id });

    const conv = await post('store_cart_converted.json');
    // Its order (252) is not served: logged, not failed.
    expect(await settled(conv.json().deliveryId)).toMatchObject({ outcome: 'ignored', note: expect.stringMatching(/order 252/) });
  });

  it('retries when the BigCommerce API fails, and shows the error meanwhile', async () => {
    failNext = 1;
    const res = await post('store_order_updated.json');
    const id = res.json().deliveryId as string;
    const end = Date.now() + 10_000;
    let mid;
    do {
      mid = await db().selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      await new Promise((r) => setTimeout(r, 20));
    } while (mid.attempts === 0 && Date.now() < end);
    expect(mid).toMatchObject({ outcome: 'pending', attempts: 1, error: expect.stringMatching(/HTTP 500/) });
    const jobs = await app.patron.jobs.list(db(), { task: 'integrations.webhook-process', limit: 50 });
    expect(jobs.some((j) => j.lastError?.includes('HTTP 500'))).toBe(true);
    // The queue's backoff brings the retry a few seconds later.
    const done = await settled(id, 25_000);
    expect(done).toMatchObject({ outcome: 'processed', attempts: 2, error: null });
  }, 40_000);
});

describe('a configured public URL', () => {
  it('is the base of the webhook URL', async () => {
    const other = await startTestApp({ config: { publicUrl: 'https://crm.example.com' } });
    try {
      const s = await loginAs(other, 'owner');
      const res = await other.patron.http!.inject({ method: 'POST', url: '/api/store-connections', headers: s.headers, payload: { platform: 'woocommerce', name: 'W', storeUrl: 'shop.example.com', webhookSecret: 'secret-123' } });
      expect(res.json().webhookUrl).toBe(`https://crm.example.com/v1/webhooks/woocommerce/${res.json().id}`);
    } finally {
      await other.close();
    }
  });
});
