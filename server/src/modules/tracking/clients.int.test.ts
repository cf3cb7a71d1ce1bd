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

// RudderStack's node SDK speaks the same wire format (gzip bodies are covered in tracking.int.test.ts);
// its package is not a dependency because its optional native parts break `npm ci` lock files.
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
