import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';

// The real client libraries, unchanged, pointed at a Patron listening on 127.0.0.1.
let app: TestApp;
let key: string;
beforeAll(async () => {
  app = await startTestApp({ listen: true });
  key = (await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'backend', kind: 'secret', scopes: ['tracking:write'] })).key;
});
afterAll(async () => app?.close());

const db = () => app.patron.dbh.db;
async function activitiesOfUser(userId: string) {
  const id = await db().selectFrom('customer_identities').select('customer_id').where('kind', '=', 'user_id').where('value', '=', userId).executeTakeFirstOrThrow();
  return db().selectFrom('activities').selectAll().where('customer_id', '=', id.customer_id).orderBy('occurred_at').execute();
}

describe('Segment client library', () => {
  it('@segment/analytics-node delivers identify, track, page, screen, group and alias', async () => {
    const analytics = new Analytics({ writeKey: key, host: app.url, flushAt: 50, flushInterval: 200, maxRetries: 1 });
    const errors: unknown[] = [];
    analytics.on('error', (e) => errors.push(e));
    const userId = `seg-${Date.now()}`;
    analytics.identify({ userId, anonymousId: 'seg-anon-1', traits: { email: `${userId}@example.com`, firstName: 'Sigrid', plan: 'pro' } });
    analytics.track({ userId, event: 'Order Completed', properties: { order_id: `o-${userId}`, total: 27.5, currency: 'EUR', products: [{ product_id: 'p-1', name: 'Mug', price: 12.5, quantity: 2 }, { product_id: 'p-2', name: 'Tea', price: 2.5, quantity: 1 }] } });
    analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing' } });
    analytics.screen({ userId, name: 'Home screen' });
    analytics.group({ userId, groupId: 'acme', traits: { name: 'Acme Ltd' } });
    analytics.alias({ userId, previousId: 'seg-old-id' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    const acts = await activitiesOfUser(userId);
    expect(acts.map((a) => a.type).sort()).toEqual(['Aliased', 'Group', 'Identified', 'Order Completed', 'Page Viewed', 'Screen Viewed']);
    expect(acts.every((a) => (a.dedupe_key ?? '').startsWith('seg:'))).toBe(true);
    expect(acts[0]!.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
    const c = await app.patron.modules.customers.service.get(acts[0]!.customer_id);
    expect(c).toMatchObject({ firstName: 'Sigrid', email: `${userId}@example.com`, orderCount: 1, attributes: { plan: 'pro', company: 'Acme Ltd', group_id: 'acme' } });
    const order = await db().selectFrom('orders').selectAll().where('external_id', '=', `o-${userId}`).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ source: 'tracking', currency: 'EUR', total: 2750, item_count: 3, customer_id: c.id });
  });
});

// RudderStack's node SDK sends every call through POST /v1/batch, gzip-compressed, with the write key
// as the Basic user name, plus RudderStack's own fields (channel, _metadata, originalTimestamp).
describe('RudderStack client library', () => {
  it('@rudderstack/rudder-sdk-node delivers identify, track, page, screen, group and alias in one gzip batch', async () => {
    const errors: unknown[] = [];
    const client = new RudderAnalytics(key, { dataPlaneUrl: app.url, flushAt: 20, flushInterval: 10_000, retryCount: 0, logLevel: 'error', errorHandler: (e) => errors.push(e) });
    const userId = `rs-${Date.now()}`;
    client.identify({ userId, anonymousId: 'rs-anon-1', traits: { email: `${userId}@example.com`, firstName: 'Rune', plan: 'team' } });
    client.track({ userId, event: 'Order Completed', properties: { order_id: `o-${userId}`, total: 40, currency: 'GBP', products: [{ product_id: 'p-9', name: 'Kettle', price: 40, quantity: 1 }] } });
    client.page({ userId, name: 'Checkout', properties: { path: '/checkout' } });
    client.screen({ userId, name: 'Basket' });
    client.group({ userId, groupId: 'rs-co', traits: { name: 'Rune & Co' } });
    client.alias({ userId, previousId: 'rs-old-id' });
    client.track({ userId, event: 'Loyalty Card Scanned', properties: { store: 'Leeds' } });
    await client.flush();
    expect(errors).toEqual([]);
    const acts = await activitiesOfUser(userId);
    expect(acts.map((a) => a.type).sort()).toEqual(['Aliased', 'Group', 'Identified', 'Loyalty Card Scanned', 'Order Completed', 'Page Viewed', 'Screen Viewed']);
    expect(acts[0]!.context).toMatchObject({ library: { name: 'analytics-node' } });
    expect(acts.find((a) => a.type === 'Loyalty Card Scanned')!.properties).toMatchObject({ store: 'Leeds' });
    const c = await app.patron.modules.customers.service.get(acts[0]!.customer_id);
    expect(c).toMatchObject({ firstName: 'Rune', email: `${userId}@example.com`, orderCount: 1, attributes: { plan: 'team', company: 'Rune & Co', group_id: 'rs-co' } });
    const order = await db().selectFrom('orders').selectAll().where('external_id', '=', `o-${userId}`).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ source: 'tracking', currency: 'GBP', total: 4000, item_count: 1, customer_id: c.id });
    // Sending the same batch again (a retry after a lost response) stores nothing twice: the messageId dedupes.
    const before = acts.length;
    const again = new RudderAnalytics(key, { dataPlaneUrl: app.url, flushAt: 1, retryCount: 0, logLevel: 'error', errorHandler: (e) => errors.push(e) });
    const messageId = `rs-msg-${userId}`;
    again.track({ userId, event: 'Retried Event', properties: {}, ...({ messageId } as object) });
    await again.flush();
    again.track({ userId, event: 'Retried Event', properties: {}, ...({ messageId } as object) });
    await again.flush();
    expect(errors).toEqual([]);
    expect((await activitiesOfUser(userId)).length).toBe(before + 1);
  });
});
