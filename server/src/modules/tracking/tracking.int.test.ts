import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type TestApp } from '../../testing/harness.ts';

const SPEC = '../shared/data/segment-spec';
let app: TestApp;
let pk: string;
let sk: string;

beforeAll(async () => {
  app = await startTestApp();
  const users = app.patron.modules.users.service;
  pk = (await users.createApiKey(CLI_ACTOR, { name: 'web', kind: 'public', scopes: [] })).key;
  sk = (await users.createApiKey(CLI_ACTOR, { name: 'server', kind: 'secret', scopes: ['tracking:write'] })).key;
});
afterAll(async () => app?.close());

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const post = (url: string, payload: unknown, headers: Record<string, string> = basic(sk)) =>
  app.patron.http!.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });
const db = () => app.patron.dbh.db;
const spec = (name: string, key: string) => JSON.parse(fs.readFileSync(`${SPEC}/${name}.json`, 'utf8').replace('YOUR_WRITE_KEY', key)) as Record<string, unknown>;
const customerOf = async (kind: 'user_id' | 'anonymous', value: string) => {
  const row = await db().selectFrom('customer_identities').select('customer_id').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
  return row ? app.patron.modules.customers.service.liveId(db(), row.customer_id) : undefined;
};
const activitiesOf = (customerId: string) => db().selectFrom('activities').selectAll().where('customer_id', '=', customerId).orderBy('occurred_at').execute();
let n = 0;
const uid = (p = 'u') => `${p}-${Date.now().toString(36)}-${n++}`;

describe('Segment HTTP API: the documented requests', () => {
  it('accepts every example request of the HTTP API docs (write key in the body) and stores what they say', async () => {
    for (const name of ['identify_request', 'identify_request_2', 'track_request', 'page_request', 'screen_request', 'group_request', 'alias_request']) {
      const type = name.split('_')[0];
      const res = await post(`/v1/${type}`, spec(`http-api_${name}`, pk), {});
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      expect(res.json()).toMatchObject({ success: true });
    }
    const id = (await customerOf('user_id', '019mr8mf4r'))!;
    const c = await app.patron.modules.customers.service.get(id);
    expect(c).toMatchObject({ firstName: 'Peter', lastName: 'Gibbons', email: 'pgibbons@example.com', anonymous: false });
    expect(c.attributes).toMatchObject({ industry: 'Technology', company: 'Initech', group_id: '8e9df332ac' });
    // The alias's previousId is now one of this person's identities.
    expect(c.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(expect.arrayContaining(['user_id:019mr8mf4r', 'anonymous:39239-239239-239239-23923']));
    const acts = await activitiesOf(id);
    expect(acts.map((a) => a.type)).toEqual(expect.arrayContaining(['Identified', 'Item Purchased', 'Page Viewed', 'Screen Viewed', 'Group', 'Aliased']));
    const track = acts.find((a) => a.type === 'Item Purchased')!;
    expect(track.occurred_at.toISOString()).toBe('2012-12-02T00:30:12.984Z');
    expect(track.properties).toEqual({ name: 'Leap to Conclusions Mat', revenue: 14.99 });
    expect(track.context).toMatchObject({ ip: '24.5.68.47' });
    expect(acts.find((a) => a.type === 'Page Viewed')!.properties).toMatchObject({ name: 'Tracking HTTP API' });
    // Events from 2012 do not make the visitor "last seen" now.
    expect(c.lastSeenAt?.toISOString().slice(0, 4)).toBe('2012');
  });

  it('stores the batch example, odd timestamps ("2015-2-02T00:30:08.276Z") and batch context included', async () => {
    const res = await post('/v1/batch', spec('http-api_batch_request', pk), {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ success: true, accepted: 4, rejected: 0 });
    const cindy = (await customerOf('user_id', '971mj8mk7p'))!;
    const acts = await activitiesOf(cindy);
    expect(acts.map((a) => [a.type, a.occurred_at.toISOString()])).toEqual([
      ['Identified', '2015-02-02T00:30:08.276Z'],
      ['Song Played', '2015-02-02T00:30:12.984Z'],
    ]);
    expect(acts[1]!.context).toMatchObject({ device: { type: 'phone', name: 'Apple iPhone 6' } });
    const c = await app.patron.modules.customers.service.get(cindy);
    expect(c).toMatchObject({ firstName: 'Cindy', lastName: 'Gonzalez', email: 'cindy@example.com' });
    expect(c.attributes).toMatchObject({ age: 23 });
  });
});

describe('identity', () => {
  it('an anonymous visitor who identifies becomes that customer, history and all; last seen and session kept', async () => {
    const anon = uid('anon');
    const user = uid('user');
    const t0 = new Date(Date.now() - 5 * 60_000).toISOString();
    let res = await post('/v1/batch', { batch: [
      { type: 'page', anonymousId: anon, name: 'Home', context: { page: { path: '/', url: 'https://shop.test/', title: 'Shop' }, sessionId: 's-1' }, timestamp: t0 },
      { type: 'track', anonymousId: anon, event: 'Product Viewed', properties: { product_id: 'p1', session_id: 's-1' }, timestamp: t0 },
    ] }, basic(pk));
    expect(res.statusCode, res.body).toBe(200);
    const anonCustomer = (await customerOf('anonymous', anon))!;
    expect((await app.patron.modules.customers.service.get(anonCustomer)).anonymous).toBe(true);
    // A new visitor is created already last seen at its latest event.
    expect((await app.patron.modules.customers.service.get(anonCustomer)).lastSeenAt?.toISOString()).toBe(t0);
    res = await post('/v1/identify', { anonymousId: anon, userId: user, traits: { email: `${user}@example.com`, first_name: 'Ada' } }, basic(pk));
    expect(res.statusCode, res.body).toBe(200);
    const known = (await customerOf('user_id', user))!;
    expect(known).toBe(anonCustomer);
    const c = await app.patron.modules.customers.service.get(known);
    expect(c).toMatchObject({ anonymous: false, firstName: 'Ada' });
    // Client-side (public key) emails are unverified.
    expect(c.identities.find((i) => i.kind === 'email')?.verified).toBe(false);
    expect(c.lastSeenAt!.getTime()).toBeGreaterThan(Date.now() - 30_000);
    const acts = await activitiesOf(known);
    expect(acts.map((a) => a.type)).toEqual(['Page Viewed', 'Product Viewed', 'Identified']);
    expect(acts[0]!.properties).toMatchObject({ path: '/', url: 'https://shop.test/', title: 'Shop', name: 'Home' });
    expect(acts.map((a) => (a.context as { sessionId?: string }).sessionId)).toEqual(['s-1', 's-1', undefined]);
  });

  it('never attaches new activities to a merged-away profile, even when the id is cached', async () => {
    const a = uid('anon');
    const b = uid('anon');
    const user = uid('user');
    await post('/v1/track', { anonymousId: a, event: 'Viewed A' });
    await post('/v1/track', { anonymousId: b, event: 'Viewed B' });
    const ca = (await customerOf('anonymous', a))!;
    const cb = (await customerOf('anonymous', b))!;
    expect(app.patron.modules.tracking.service.cache.get(`anonymous:tracking:${b}`)).toBe(cb);
    // Another path (a store webhook, a person) merges the two profiles behind the cache's back.
    await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
      identities: [{ kind: 'anonymous', source: 'tracking', value: a }, { kind: 'anonymous', source: 'tracking', value: b }, { kind: 'user_id', source: 'tracking', value: user }], source: 'test', actor: SYSTEM_ACTOR,
    }));
    const survivor = (await customerOf('anonymous', b))!;
    const gone = survivor === ca ? cb : ca;
    expect(app.patron.modules.tracking.service.cache.get(`anonymous:tracking:${gone === cb ? b : a}`)).toBe(gone);
    const res = await post('/v1/batch', { batch: [{ type: 'track', anonymousId: a, event: 'After merge' }, { type: 'track', anonymousId: b, event: 'After merge' }] });
    expect(res.statusCode, res.body).toBe(200);
    const onGone = await db().selectFrom('activities').select('type').where('customer_id', '=', gone).execute();
    expect(onGone).toEqual([]);
    expect((await activitiesOf(survivor)).filter((x) => x.type === 'After merge')).toHaveLength(2);
  });

  it('a secret key vouches for the email it sends; concurrent batches for the same new visitor make one profile', async () => {
    const user = uid('user');
    await post('/v1/identify', { userId: user, traits: { email: `${user}@example.com` } });
    const c = await app.patron.modules.customers.service.get((await customerOf('user_id', user))!);
    expect(c.identities.find((i) => i.kind === 'email')?.verified).toBe(true);

    const anon = uid('anon');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post('/v1/batch', { batch: [{ type: 'page', anonymousId: anon, properties: { i } }, { type: 'track', anonymousId: `${anon}-${i}`, event: 'Other' }] })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const owners = await db().selectFrom('customer_identities').select('customer_id').where('value', '=', anon).execute();
    expect(owners).toHaveLength(1);
    expect(await activitiesOf(owners[0]!.customer_id)).toHaveLength(6);
  });
});

describe('delivery guarantees', () => {
  it('a replayed messageId changes nothing (also an old identify replayed after a newer one)', async () => {
    const user = uid('user');
    const first = { type: 'identify', messageId: `m-${user}-1`, userId: user, traits: { firstName: 'Old' } };
    expect((await post('/v1/batch', { batch: [first, { type: 'track', messageId: `m-${user}-2`, userId: user, event: 'Clicked' }] })).json()).toMatchObject({ accepted: 2, duplicates: 0 });
    await post('/v1/identify', { messageId: `m-${user}-3`, userId: user, traits: { firstName: 'New' } });
    const again = await post('/v1/batch', { batch: [first, { type: 'track', messageId: `m-${user}-2`, userId: user, event: 'Clicked' }, { type: 'track', messageId: `m-${user}-2`, userId: user, event: 'Clicked' }] });
    expect(again.json()).toMatchObject({ success: true, accepted: 3, duplicates: 3 });
    const id = (await customerOf('user_id', user))!;
    expect((await app.patron.modules.customers.service.get(id)).firstName).toBe('New');
    expect((await activitiesOf(id)).map((a) => a.type)).toEqual(['Identified', 'Clicked', 'Identified']);
  });

  it('corrects device clock skew with sentAt, clamps the future, keeps unparseable times as receivedAt', async () => {
    const user = uid('user');
    const now = Date.now();
    // The device clock is 2 hours fast: its timestamp and sentAt are both 2 hours ahead.
    const skew = 2 * 3600_000;
    await post('/v1/batch', { sentAt: new Date(now + skew).toISOString(), batch: [
      { type: 'track', userId: user, event: 'Skewed', timestamp: new Date(now + skew - 10_000).toISOString() },
      { type: 'track', userId: user, event: 'Future', timestamp: new Date(now + 86400_000).toISOString(), sentAt: new Date(now).toISOString() },
      { type: 'track', userId: user, event: 'Garbage', timestamp: 'yesterday-ish' },
    ] });
    const acts = await activitiesOf((await customerOf('user_id', user))!);
    const at = (t: string) => acts.find((a) => a.type === t)!;
    expect(Math.abs(at('Skewed').occurred_at.getTime() - (now - 10_000))).toBeLessThan(2000);
    expect(at('Skewed').context).toMatchObject({ originalTimestamp: new Date(now + skew - 10_000).toISOString() });
    expect(Math.abs(at('Future').occurred_at.getTime() - now)).toBeLessThan(5000);
    expect(at('Future').context).toHaveProperty('timestampClamped');
    expect(Math.abs(at('Garbage').occurred_at.getTime() - now)).toBeLessThan(5000);
    expect(at('Garbage').context).toMatchObject({ timestampInvalid: 'yesterday-ish' });
  });
});

describe('bad input', () => {
  it('answers precise problems: malformed JSON, no identity, wrong types, unknown key, oversize', async () => {
    const bad = await app.patron.http!.inject({ method: 'POST', url: '/v1/track', payload: '{"userId": "x", ', headers: { ...basic(sk), 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toBe('/problems/malformed-json');
    const plain = await app.patron.http!.inject({ method: 'POST', url: '/v1/track', payload: '{"userId": ', headers: { 'content-type': 'text/plain' } });
    expect(plain.statusCode).toBe(400);
    const noId = await post('/v1/track', { event: 'X' });
    expect(noId.statusCode).toBe(400);
    expect(noId.headers['content-type']).toContain('application/problem+json');
    expect(noId.json().errors).toEqual([{ pointer: '/body/userId', detail: expect.stringMatching(/userId or anonymousId is required/) }]);
    const noEvent = await post('/v1/track', { userId: 'u', properties: {} });
    expect(noEvent.json().errors[0].pointer).toBe('/body/event');
    const props = await post('/v1/track', { userId: 'u', event: 'E', properties: 'nope' });
    expect(props.statusCode).toBe(400);
    expect(props.json().errors[0].pointer).toBe('/body/properties');
    const unknownKey = await post('/v1/track', { userId: 'u', event: 'E', writeKey: 'patron_pk_unknownunknownunknownunknown' }, {});
    expect(unknownKey.statusCode).toBe(401);
    expect(unknownKey.json().detail).toMatch(/Unknown write key/);
    const noKey = await post('/v1/track', { userId: 'u', event: 'E' }, {});
    expect(noKey.statusCode).toBe(401);
    const big = await post('/v1/track', { userId: 'u', event: 'E', properties: { blob: 'x'.repeat(33 * 1024) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().type).toBe('/problems/payload-too-large');
    const bigBatch = await post('/v1/batch', { batch: Array.from({ length: 20 }, () => ({ type: 'track', userId: 'u', event: 'E', properties: { blob: 'x'.repeat(30 * 1024) } })) });
    expect(bigBatch.statusCode).toBe(413);
    const notArray = await post('/v1/batch', { batch: {} });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().errors[0].pointer).toBe('/body/batch');
  });

  it('stores the valid calls of a batch and reports the invalid ones; refuses a batch with none valid', async () => {
    const user = uid('user');
    const res = await post('/v1/batch', { batch: [
      { type: 'track', userId: user, event: 'Good' },
      { type: 'track', event: 'No identity' },
      { type: 'frobnicate', userId: user },
      { type: 'track', userId: user, event: 'Big', properties: { blob: 'y'.repeat(33 * 1024) } },
      'not an object',
      { type: 'page', userId: 42, name: 'Numeric user id' },
    ] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, accepted: 2, rejected: 4 });
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/body/batch/1/userId', '/body/batch/2/type', '/body/batch/3', '/body/batch/4']);
    expect((await activitiesOf((await customerOf('user_id', user))!)).map((a) => a.type)).toEqual(['Good']);
    expect(await customerOf('user_id', '42')).toBeDefined();
    const none = await post('/v1/batch', { batch: [{ type: 'track', event: 'x' }] });
    expect(none.statusCode).toBe(400);
    expect(none.json().errors[0].pointer).toBe('/body/batch/0/userId');
    expect((await post('/v1/batch', { batch: [] })).statusCode).toBe(400);
  });
});

describe('e-commerce state', () => {
  it('cart events build the cart; Order Completed stores the order in minor units and converts the cart; refunds and cancellations follow', async () => {
    const anon = uid('anon');
    const user = uid('user');
    const send = (calls: Record<string, unknown>[]) => post('/v1/batch', { batch: calls.map((c) => ({ type: 'track', anonymousId: anon, userId: user, ...c })) });
    let res = await send([
      { event: 'Product Added', properties: { product_id: 'mug', sku: 'MUG-1', name: 'Mug', price: 12.5, quantity: 1, currency: 'GBP' } },
      { event: 'Product Added', properties: { product_id: 'mug', name: 'Mug', price: 12.5, quantity: 2, currency: 'GBP' } },
      { event: 'Product Added', properties: { product_id: 'tea', name: 'Tea', price: '3.10', currency: 'GBP' } },
      { event: 'Product Removed', properties: { product_id: 'mug', quantity: 1 } },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const customerId = (await customerOf('user_id', user))!;
    let cart = await db().selectFrom('carts').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ source: 'tracking', status: 'open', currency: 'GBP', value: 2 * 1250 + 310 });
    expect((cart.items as { productExternalId: string; quantity: number }[]).map((i) => [i.productExternalId, i.quantity])).toEqual([['mug', 2], ['tea', 1]]);
    res = await send([{ event: 'Checkout Started', properties: { value: 28.1, currency: 'GBP', checkout_url: 'https://shop.test/checkout/abc', products: [{ product_id: 'mug', name: 'Mug', price: 12.5, quantity: 2 }, { product_id: 'tea', name: 'Tea', price: 3.1, quantity: 1 }] } }]);
    cart = await db().selectFrom('carts').selectAll().where('id', '=', cart.id).executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ checkout_url: 'https://shop.test/checkout/abc', value: 2810 });
    expect(cart.checkout_started_at).not.toBeNull();

    const orderId = `o-${user}`;
    res = await send([{ event: 'Order Completed', properties: { order_id: orderId, total: 31.1, revenue: 28.1, shipping: 3, tax: 0, discount: 0, coupon: 'SPRING', currency: 'GBP', products: [{ product_id: 'mug', sku: 'MUG-1', name: 'Mug', price: 12.5, quantity: 2 }, { product_id: 'tea', name: 'Tea', price: 3.1, quantity: 1 }] } }]);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const order = await db().selectFrom('orders').selectAll().where('source', '=', 'tracking').where('external_id', '=', orderId).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ customer_id: customerId, currency: 'GBP', total: 3110, shipping_total: 300, item_count: 3, status: 'completed', discount_codes: ['SPRING'] });
    const lines = await db().selectFrom('order_lines').select(['title', 'quantity', 'unit_price']).where('order_id', '=', order.id).orderBy('position').execute();
    expect(lines).toEqual([{ title: 'Mug', quantity: 2, unit_price: 1250 }, { title: 'Tea', quantity: 1, unit_price: 310 }]);
    cart = await db().selectFrom('carts').selectAll().where('id', '=', cart.id).executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ status: 'converted', order_id: order.id });
    const c = await app.patron.modules.customers.service.get(customerId);
    expect(c).toMatchObject({ orderCount: 1 });
    // The tracked event is the only activity: commerce did not add its own Order Completed.
    expect((await activitiesOf(customerId)).filter((a) => a.type === 'Order Completed')).toHaveLength(1);

    res = await send([{ event: 'Order Refunded', properties: { order_id: orderId, total: 12.5, currency: 'GBP', products: [{ product_id: 'mug', name: 'Mug', price: 12.5, quantity: 1 }] } }]);
    const refund = await db().selectFrom('refunds').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ amount: 1250, currency: 'GBP' });
    expect(await db().selectFrom('orders').select(['refunded_total', 'financial_status']).where('id', '=', order.id).executeTakeFirstOrThrow()).toEqual({ refunded_total: 1250, financial_status: 'partially_refunded' });

    // A new cart after the order (one open cart per profile), and a bad amount that only skips the state change.
    res = await send([
      { event: 'Product Added', messageId: `bad-${user}`, properties: { product_id: 'mug', name: 'Mug', price: 'twelve', currency: 'GBP' } },
      { event: 'Order Completed', messageId: `noid-${user}`, properties: { total: 5 } },
      { event: 'Product Added', properties: { product_id: 'cup', name: 'Cup', price: 4, currency: 'GBP' } },
    ]);
    expect(res.json()).toMatchObject({ accepted: 3, rejected: 0 });
    const acts = await activitiesOf(customerId);
    expect(acts.find((a) => a.dedupe_key === `seg:bad-${user}`)!.context).toMatchObject({ commerceWarnings: [expect.stringMatching(/price/), 'cart not stored: an amount is not valid'] });
    expect(acts.find((a) => a.dedupe_key === `seg:noid-${user}`)!.context).toMatchObject({ commerceWarnings: ['order_id is missing: no order was stored'] });
    const carts = await db().selectFrom('carts').select(['status']).where('customer_id', '=', customerId).orderBy('created_at').execute();
    expect(carts.map((x) => x.status)).toEqual(['converted', 'open']);

    res = await send([{ event: 'Order Cancelled', properties: { order_id: orderId, total: 31.1, currency: 'GBP', products: [{ product_id: 'mug', name: 'Mug', price: 12.5, quantity: 2 }, { product_id: 'tea', name: 'Tea', price: 3.1, quantity: 1 }] } }]);
    expect((await db().selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
    expect((await app.patron.modules.customers.service.get(customerId)).orderCount).toBe(0);
  });

  it('a call the database refuses is reported and the rest of the batch is stored', async () => {
    const user = uid('user');
    const res = await post('/v1/batch', { batch: [
      { type: 'track', userId: user, event: 'Fine' },
      // 1e15 minor units × 100,000 overflows a bigint line total: only the database can tell.
      { type: 'track', userId: user, event: 'Order Completed', properties: { order_id: 'huge', currency: 'USD', products: [{ product_id: 'x', name: 'X', price: 1e13, quantity: 100_000 }] } },
      { type: 'track', userId: user, event: 'Also fine' },
    ] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1, pointer: '/body/batch/1', detail: expect.stringMatching(/could not be stored/) }] });
    expect((await activitiesOf((await customerOf('user_id', user))!)).map((a) => a.type).sort()).toEqual(['Also fine', 'Fine']);
  });

  it('strips text Postgres cannot hold (NUL, lone surrogates) and prototype keys instead of failing', async () => {
    const user = uid('user');
    const body = `{"batch":[{"type":"track","userId":"${user}","event":"Odd\\u0000Text","properties":{"a":"x\\u0000y","b":"\\ud800","__proto__":{"admin":true},"k\\u0000":1}}]}`;
    const res = await app.patron.http!.inject({ method: 'POST', url: '/v1/batch', payload: body, headers: { ...basic(sk), 'content-type': 'application/json' } });
    expect(res.statusCode, res.body).toBe(200);
    const [a] = await activitiesOf((await customerOf('user_id', user))!);
    expect(a!.type).toBe('OddText');
    expect(a!.properties).toEqual({ a: 'xy', b: '\ufffd', k: 1 });
  });
});

describe('transports', () => {
  it('accepts text/plain (browsers, sendBeacon) and gzip bodies (RudderStack), answers CORS preflights', async () => {
    const user = uid('user');
    const plain = await app.patron.http!.inject({ method: 'POST', url: '/v1/batch', payload: JSON.stringify({ writeKey: pk, batch: [{ type: 'track', userId: user, event: 'Beacon' }] }), headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.test' } });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.headers['access-control-allow-origin']).toBe('*');
    const gz = await app.patron.http!.inject({ method: 'POST', url: '/v1/batch', payload: gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: user, event: 'Zipped' }] })), headers: { ...basic(sk), 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(gz.statusCode, gz.body).toBe(200);
    expect((await activitiesOf((await customerOf('user_id', user))!)).map((a) => a.type).sort()).toEqual(['Beacon', 'Zipped']);
    const pre = await app.patron.http!.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://shop.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    const denied = await app.patron.http!.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'u' }, headers: { origin: 'https://shop.test' } });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe('*');
  });

  it('a logged-in person’s session cookie does not get in the way of a write key in the body', async () => {
    const s = await loginAs(app, 'admin');
    const res = await app.patron.http!.inject({ method: 'POST', url: '/v1/track', payload: JSON.stringify({ writeKey: pk, userId: uid(), event: 'X' }), headers: { cookie: s.cookie, 'content-type': 'text/plain' } });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('tracking settings and the script', () => {
  it('serves the snippet, public keys and consent mode; serves patron.js cacheable', async () => {
    const s = await loginAs(app, 'admin');
    const get = await app.patron.http!.inject({ url: '/api/settings/tracking', headers: s.headers });
    expect(get.statusCode, get.body).toBe(200);
    const body = get.json();
    expect(body.scriptUrl).toMatch(/\/sdk\/patron\.js$/);
    expect(body.consentRequired).toBe(false);
    expect(body.snippet).toContain('PUBLIC_WRITE_KEY');
    expect(body.snippet).toContain(body.scriptUrl);
    expect(body.publicKeys.map((k: { name: string }) => k.name)).toContain('web');
    const put = await app.patron.http!.inject({ method: 'PUT', url: '/api/settings/tracking', headers: s.headers, payload: { consentRequired: true } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().consentRequired).toBe(true);
    expect(put.json().snippet).toContain('"consentRequired":true');
    await app.patron.http!.inject({ method: 'PUT', url: '/api/settings/tracking', headers: s.headers, payload: { consentRequired: false } });
    const analyst = await loginAs(app, 'analyst');
    expect((await app.patron.http!.inject({ method: 'PUT', url: '/api/settings/tracking', headers: analyst.headers, payload: { consentRequired: true } })).statusCode).toBe(403);
    expect((await app.patron.http!.inject({ url: '/api/settings/tracking', headers: { authorization: `Bearer ${pk}` } })).statusCode).toBe(403);

    const js = await app.patron.http!.inject({ url: '/sdk/patron.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('public');
    const again = await app.patron.http!.inject({ url: '/sdk/patron.js', headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const doc = (await app.patron.http!.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/alias', '/v1/batch', '/v1/group', '/v1/identify', '/v1/page', '/v1/screen', '/v1/track']));
  });
});
