import { describe, expect, it } from 'vitest';
import { planCommerce } from './ecommerce.ts';
import { IdentityCache } from './identity-cache.ts';
import { eventTime, isRejection, jsonLargerThan, normaliseCall, parseTimestamp, type NormaliseOptions } from './normalize.ts';
import type { Message } from './tracking.schemas.ts';
import { mergeProfiles, profileFromTraits } from './traits.ts';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const opts: NormaliseOptions = { pointer: '/body/batch/0', index: 0, receivedAt, ip: '198.51.100.9', checkSize: true };

describe('timestamps', () => {
  it('parses ISO 8601 leniently, epoch numbers, and refuses nonsense', () => {
    expect(parseTimestamp('2015-2-02T00:30:08.276Z')?.toISOString()).toBe('2015-02-02T00:30:08.276Z');
    expect(parseTimestamp('2012-12-02T00:30:08.276Z')?.toISOString()).toBe('2012-12-02T00:30:08.276Z');
    expect(parseTimestamp('2024-05-06 07:08:09')?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseTimestamp('2024-05-06T07:08:09+02:00')?.toISOString()).toBe('2024-05-06T05:08:09.000Z');
    expect(parseTimestamp('2024-05-06T07:08:09.123456-0130')?.toISOString()).toBe('2024-05-06T08:38:09.123Z');
    expect(parseTimestamp(1714979289000)?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseTimestamp(1714979289)?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseTimestamp('Mon, 06 May 2024 07:08:09 GMT')?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseTimestamp('2015-02-31T00:00:00Z')).toBeUndefined();
    // The canonical form (toISOString) is read natively; what that would roll over takes the lenient path.
    expect(parseTimestamp('2026-11-24T03:04:05.678Z')?.toISOString()).toBe('2026-11-24T03:04:05.678Z');
    expect(parseTimestamp('2015-02-31T00:00:00.000Z')).toBeUndefined();
    expect(parseTimestamp('2016-02-29T00:00:00.000Z')?.toISOString()).toBe('2016-02-29T00:00:00.000Z');
    expect(parseTimestamp('2015-02-29T00:00:00.000Z')).toBeUndefined();
    expect(parseTimestamp('2015-02-28T24:00:00.000Z')?.toISOString()).toBe('2015-03-01T00:00:00.000Z');
    expect(parseTimestamp('2015-02-28T23:59:61.000Z')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp({})).toBeUndefined();
  });

  it('corrects clock skew as Segment does: timestamp + (receivedAt − sentAt)', () => {
    const t = eventTime({ timestamp: '2026-03-01T14:00:00.000Z', sentAt: '2026-03-01T14:00:05.000Z', receivedAt });
    expect(t.at.toISOString()).toBe('2026-03-01T11:59:55.000Z');
    expect(t.original?.toISOString()).toBe('2026-03-01T14:00:00.000Z');
    // originalTimestamp (RudderStack) wins over timestamp; without sentAt the time is taken as given.
    expect(eventTime({ originalTimestamp: '2026-03-01T10:00:00Z', timestamp: '2026-03-01T09:00:00Z', receivedAt }).at.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(eventTime({ receivedAt }).at).toBe(receivedAt);
  });

  it('clamps the future and replaces the unparseable, saying so', () => {
    const future = eventTime({ timestamp: '2026-03-02T12:00:00Z', receivedAt });
    expect(future.at).toBe(receivedAt);
    expect(future.notes).toEqual({ timestampClamped: '2026-03-02T12:00:00.000Z' });
    expect(eventTime({ timestamp: '2026-03-01T12:00:30Z', receivedAt }).at.toISOString()).toBe('2026-03-01T12:00:30.000Z');
    const bad = eventTime({ timestamp: 'soon', receivedAt });
    expect(bad).toMatchObject({ at: receivedAt, notes: { timestampInvalid: 'soon' } });
  });
});

describe('normaliseCall', () => {
  it('brings a call to shape: ids as strings, ip from the request, session id, batch context merged', () => {
    const m = normaliseCall({ type: 'Track', userId: 42, event: ' Clicked ', properties: { session_id: 1700000000 }, context: { locale: 'en-GB' } }, { ...opts, batchContext: { device: { type: 'phone' }, locale: 'fr' } }) as Message;
    expect(isRejection(m)).toBe(false);
    expect(m).toMatchObject({ type: 'track', userId: '42', event: 'Clicked', context: { ip: '198.51.100.9', locale: 'en-GB', device: { type: 'phone' }, sessionId: '1700000000' } });
    expect(m.occurredAt).toBe(receivedAt);
  });

  it('names the field that is wrong', () => {
    const bad = (raw: unknown, o: Partial<NormaliseOptions> = {}) => normaliseCall(raw, { ...opts, ...o });
    expect(bad('x')).toMatchObject({ pointer: '/body/batch/0', detail: expect.stringMatching(/JSON object/) });
    expect(bad({ userId: 'u' })).toMatchObject({ pointer: '/body/batch/0/type' });
    expect(bad({ type: 'nope', userId: 'u' })).toMatchObject({ pointer: '/body/batch/0/type', detail: expect.stringMatching(/"nope" is not a call type/) });
    expect(bad({ type: 'track', event: 'E' })).toMatchObject({ pointer: '/body/batch/0/userId' });
    expect(bad({ type: 'track', userId: { id: 1 }, event: 'E' })).toMatchObject({ pointer: '/body/batch/0/userId' });
    expect(bad({ type: 'track', userId: 'u' })).toMatchObject({ pointer: '/body/batch/0/event' });
    expect(bad({ type: 'track', userId: 'u', event: 'E', properties: [1] })).toMatchObject({ pointer: '/body/batch/0/properties' });
    expect(bad({ type: 'group', userId: 'u' })).toMatchObject({ pointer: '/body/batch/0/groupId' });
    expect(bad({ type: 'alias', userId: 'u' })).toMatchObject({ pointer: '/body/batch/0/previousId' });
    expect(bad({ type: 'page', userId: 'u', name: 5 })).toMatchObject({ pointer: '/body/batch/0/name' });
    expect(bad({ type: 'track', userId: 'u', event: 'E', messageId: 'm1', properties: { x: 'y'.repeat(33_000) } })).toMatchObject({ pointer: '/body/batch/0', messageId: 'm1', detail: expect.stringMatching(/32 KB/) });
    expect(bad({ userId: 'u', event: 'E', properties: { x: 'y'.repeat(33_000) } }, { type: 'track', checkSize: false })).not.toHaveProperty('detail');
    // Many small values over the limit, and one deeper than JSON.stringify can go.
    expect(bad({ type: 'track', userId: 'u', event: 'E', properties: { list: Array.from({ length: 5000 }, (_, i) => ({ i })) } })).toMatchObject({ detail: expect.stringMatching(/32 KB/) });
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(bad({ type: 'track', userId: 'u', event: 'E', properties: { deep } })).toMatchObject({ pointer: '/body/batch/0', detail: expect.stringMatching(/nested too deeply/) });
  });

  it('measures a call exactly when the cheap bound says it may be over 32 KB', () => {
    // Escapes count as what they are in JSON: 6,000 control characters are 36,000 bytes, 6,000 letters 6,000.
    expect(jsonLargerThan({ s: '\u0001'.repeat(6000) }, 32 * 1024)).toBe(true);
    expect(jsonLargerThan({ s: 'a'.repeat(6000) }, 32 * 1024)).toBe(false);
    expect(jsonLargerThan({ s: 'é'.repeat(16_000) }, 32 * 1024)).toBe(false);
    expect(jsonLargerThan({ s: 'é'.repeat(16_500) }, 32 * 1024)).toBe(true);
    for (const v of [{ a: 1 }, { a: 'x'.repeat(32_760) }, { a: 'x'.repeat(32_761) }, ['€'.repeat(10_921)], ['€'.repeat(10_922)]]) {
      expect(jsonLargerThan(v, 32 * 1024)).toBe(Buffer.byteLength(JSON.stringify(v)) > 32 * 1024);
    }
  });
});

describe('identify traits', () => {
  it('maps Segment’s reserved traits to the profile and the rest to attributes', () => {
    const p = profileFromTraits({
      email: 'Ada@Example.com', phone: '+44 20 7946 0000', name: 'Ada King Lovelace', birthday: '1815-12-10T00:00:00Z',
      address: { street: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' }, plan: 'pro', logins: 5, vip: true,
      company: { name: 'Analytical Engines', id: 'ae' }, tags: ['a', 'b'], nested: { deep: 1 }, __proto__x: 1, id: 'u1',
    }, { locale: 'en-GB', timezone: 'Europe/London' });
    expect(p).toEqual({
      email: 'ada@example.com', phone: '+44 20 7946 0000', firstName: 'Ada', lastName: 'King Lovelace', birthday: '1815-12-10', locale: 'en-GB', timeZone: 'Europe/London', country: 'GB',
      addresses: [{ kind: 'other', isDefault: false, line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
      attributes: { plan: 'pro', logins: 5, vip: true, company: 'Analytical Engines', tags: ['a', 'b'], nested: '{"deep":1}', __proto__x: 1 },
    });
    expect(profileFromTraits({ email: 'not an email', birthday: '1990-02-30', timezone: 'Mars/Olympus' })).toEqual({});
    expect(mergeProfiles([{ firstName: 'A', attributes: { x: 1 } }, { firstName: 'B', attributes: { y: 2 } }])).toEqual({ firstName: 'B', attributes: { x: 1, y: 2 } });
  });
});

describe('e-commerce events', () => {
  const msg = (event: string, properties: Record<string, unknown>): Message => ({ index: 0, type: 'track', event, properties, traits: {}, context: {}, occurredAt: receivedAt, messageId: 'm-1' });

  it('Order Completed: decimal money to minor units, products to lines, revenue + tax + shipping when no total', () => {
    const { plan, warnings } = planCommerce(msg('Order Completed', { order_id: 'o1', revenue: 25, tax: 2, shipping: 3.5, discount: 2.5, coupon: 'X', currency: 'jpy', products: [{ product_id: 'p', name: 'Mug', price: 1250, quantity: 2 }] }), 'USD');
    expect(warnings).toEqual([]);
    expect(plan).toMatchObject({ kind: 'order', order: { externalId: 'o1', currency: 'JPY', total: 31, taxTotal: 2, shippingTotal: 4, discountTotal: 2, discountCodes: ['X'], lines: [{ productExternalId: 'p', title: 'Mug', quantity: 2, unitPrice: 1250 }], placedAt: receivedAt } });
  });

  it('skips the state change with a warning for bad amounts, missing order ids and out-of-range values', () => {
    expect(planCommerce(msg('Order Completed', { total: 5 }), 'USD')).toEqual({ warnings: ['order_id is missing: no order was stored'] });
    expect(planCommerce(msg('Order Completed', { order_id: 'o', total: 'lots' }), 'USD')).toEqual({ warnings: ['total: "lots" is not a decimal amount', 'order not stored: an amount is not valid'] });
    expect(planCommerce(msg('Order Completed', { order_id: 'o', total: 5e13 }), 'USD')).toEqual({ warnings: [expect.stringMatching(/^order not stored: total/)] });
    expect(planCommerce(msg('Product Added', { product_id: 'p', currency: 'XXX', price: 1 }), 'EUR').warnings).toEqual(['currency "XXX" is not ISO 4217; used EUR']);
    expect(planCommerce(msg('Product Viewed', { product_id: 'p' }), 'USD')).toEqual({ warnings: [] });
  });

  it('cart events: one item for added/removed, the products list for viewed/checkout; refunds default to the total', () => {
    expect(planCommerce(msg('Product Added', { cart_id: 'c1', product_id: 'p', name: 'Mug', price: '12.50', quantity: 3 }), 'GBP').plan).toMatchObject({ kind: 'cart', op: 'add', cartKey: 'c1', items: [{ productExternalId: 'p', quantity: 3, unitPrice: 1250 }] });
    expect(planCommerce(msg('Checkout Started', { checkout_id: 'k', value: 30, checkout_url: 'https://x/c', products: [{ sku: 'S', price: 10, quantity: 3 }] }), 'GBP').plan).toMatchObject({ kind: 'cart', op: 'replace', cartKey: 'k', checkoutStarted: true, checkoutUrl: 'https://x/c', value: 3000, items: [{ sku: 'S', title: 'S', quantity: 3, unitPrice: 1000 }] });
    expect(planCommerce(msg('Order Refunded', { order_id: 'o1', products: [{ price: 4, quantity: 2 }] }), 'USD').plan).toMatchObject({ kind: 'refund', refund: { externalId: 'msg:m-1', orderExternalId: 'o1', amount: 800 } });
  });
});

describe('identity cache', () => {
  it('expires entries and evicts the least recently set beyond its size', () => {
    const c = new IdentityCache(2, 1000);
    c.set('a', '1', 0);
    c.set('b', '2', 0);
    c.set('a', '1', 10);
    c.set('c', '3', 10);
    expect([c.get('a', 20), c.get('b', 20), c.get('c', 20)]).toEqual(['1', undefined, '3']);
    expect(c.get('a', 2000)).toBeUndefined();
  });
});
