import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { IdentityClaim } from './identity.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const svc = () => app.patron.modules.customers.service;
const resolve = (identities: IdentityClaim[], profile = {}, source = 'test') =>
  app.patron.dbh.db.transaction().execute((tx) => svc().resolve(tx, { identities, profile, source, actor: SYSTEM_ACTOR }));
const count = async () => Number((await app.patron.dbh.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('merged_into', 'is', null).executeTakeFirstOrThrow()).n);

describe('identity resolution', () => {
  it('the same verified email from another source is the same customer', async () => {
    const a = await resolve([{ kind: 'external', source: 'shopify', value: '1001', verified: true }, { kind: 'email', value: 'Ann@Example.com', verified: true }], { firstName: 'Ann' }, 'shopify');
    expect(a.created).toBe(true);
    const b = await resolve([{ kind: 'external', source: 'woocommerce', value: '77', verified: true }, { kind: 'email', value: 'ann@example.com ', verified: true }], {}, 'woocommerce');
    expect(b).toMatchObject({ customerId: a.customerId, created: false });
    const c = await svc().get(a.customerId);
    expect(c.identities.map((i) => `${i.kind}:${i.source}:${i.value}`).sort()).toEqual(['email::ann@example.com', 'external:shopify:1001', 'external:woocommerce:77']);
    expect(c.email).toBe('ann@example.com');
    expect(c.firstName).toBe('Ann');
  });

  it('an unverified email (client-side tracking) never joins a profile that owns it', async () => {
    const owner = await resolve([{ kind: 'email', value: 'victim@example.com', verified: true }]);
    const before = await count();
    const attacker = await resolve([{ kind: 'user_id', source: 'tracking', value: 'u-evil' }, { kind: 'email', value: 'victim@example.com', verified: false }]);
    expect(attacker.customerId).not.toBe(owner.customerId);
    expect(await count()).toBe(before + 1);
    const ids = (await svc().get(attacker.customerId)).identities.map((i) => i.kind);
    expect(ids).toEqual(['user_id']);
  });

  it('never merges on a name alone', async () => {
    const x = await resolve([{ kind: 'email', value: 'john1@example.com', verified: true }], { firstName: 'John', lastName: 'Smith' });
    const y = await resolve([{ kind: 'email', value: 'john2@example.com', verified: true }], { firstName: 'John', lastName: 'Smith' });
    expect(x.customerId).not.toBe(y.customerId);
  });

  it('an anonymous visitor who identifies becomes that known customer, history and all', async () => {
    const anon = await resolve([{ kind: 'anonymous', source: 'tracking', value: 'anon-1' }], {}, 'tracking');
    expect((await svc().get(anon.customerId)).anonymous).toBe(true);
    await app.patron.dbh.db.transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId: anon.customerId, type: 'Page Viewed', source: 'tracking', properties: { path: '/shoes' } }]));
    // Case 1: the user id is new: the anonymous profile becomes the known one.
    const known = await resolve([{ kind: 'user_id', source: 'tracking', value: 'user-1' }, { kind: 'anonymous', source: 'tracking', value: 'anon-1' }], { email: 'u1@example.com' }, 'tracking');
    expect(known.customerId).toBe(anon.customerId);
    expect((await svc().get(known.customerId)).anonymous).toBe(false);

    // Case 2: a second device's anonymous profile joins the existing customer: merged, activities moved.
    const anon2 = await resolve([{ kind: 'anonymous', source: 'tracking', value: 'anon-2' }], {}, 'tracking');
    await app.patron.dbh.db.transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId: anon2.customerId, type: 'Product Viewed', source: 'tracking' }]));
    const joined = await resolve([{ kind: 'user_id', source: 'tracking', value: 'user-1' }, { kind: 'anonymous', source: 'tracking', value: 'anon-2' }], {}, 'tracking');
    expect(joined.customerId).toBe(anon.customerId);
    expect(joined.merged).toEqual([anon2.customerId]);
    const acts = await app.patron.activities.forCustomer(app.patron.dbh.db, joined.customerId, { limit: 50 });
    expect(acts.map((a) => a.type)).toEqual(expect.arrayContaining(['Page Viewed', 'Product Viewed', 'Profiles Merged']));
    const gone = await svc().get(anon2.customerId);
    expect(gone.mergedInto).toBe(anon.customerId);
    const merges = await app.patron.dbh.db.selectFrom('customer_merges').selectAll().where('merged_id', '=', anon2.customerId).execute();
    expect(merges).toHaveLength(1);
    expect(merges[0]!.reason).toMatch(/^identity/);
    expect((merges[0]!.moved as Record<string, number>).activities).toBeGreaterThanOrEqual(1);
  });

  it('rejects a request with no usable identity', async () => {
    await expect(resolve([{ kind: 'email', value: 'not an email', verified: true }])).rejects.toThrow(/No usable identity/);
  });
});

describe('manual merge over HTTP', () => {
  it('keeps chosen values, moves orders and recomputes the figures', async () => {
    const { loginAs } = await import('../../testing/harness.ts');
    const s = await loginAs(app, 'support');
    const commerce = app.patron.modules.commerce.service;
    const a = await commerce.upsertOrder(SYSTEM_ACTOR, { source: 'shopify', externalId: 'o-1', currency: 'USD', status: 'completed', discountTotal: 0, taxTotal: 0, shippingTotal: 0, discountCodes: [], lines: [{ title: 'Mug', quantity: 2, unitPrice: 1250 }], placedAt: new Date('2026-01-05T10:00:00Z'), customer: { email: 'mia@example.com', firstName: 'Mia' } });
    const b = await commerce.upsertOrder(SYSTEM_ACTOR, { source: 'woocommerce', externalId: 'w-9', currency: 'USD', status: 'completed', discountTotal: 0, taxTotal: 0, shippingTotal: 0, discountCodes: [], lines: [{ title: 'Tee', quantity: 1, unitPrice: 2000 }], placedAt: new Date('2026-02-01T10:00:00Z'), customer: { email: 'mia.work@example.com', firstName: 'Mia', lastName: 'Rossi' } });
    expect(a.customerId).not.toBe(b.customerId);
    const res = await app.patron.http!.inject({ method: 'POST', url: '/api/customers/merge', headers: s.headers, payload: { survivorId: a.customerId, mergedId: b.customerId, choose: { email: 'merged' } } });
    expect(res.statusCode, res.body).toBe(200);
    const merged = res.json();
    expect(merged).toMatchObject({ email: 'mia.work@example.com', firstName: 'Mia', lastName: 'Rossi', orderCount: 2, totalSpent: 4500 });
    expect(merged.identities.map((i: { value: string }) => i.value).sort()).toEqual(['mia.work@example.com', 'mia@example.com']);
    const history = await app.patron.http!.inject({ url: `/api/customers/${a.customerId}/merges`, headers: s.headers });
    expect(history.json().items[0]).toMatchObject({ reason: 'manual', moved: { orders: 1 } });
    const again = await app.patron.http!.inject({ method: 'POST', url: '/api/customers/merge', headers: s.headers, payload: { survivorId: a.customerId, mergedId: b.customerId } });
    expect(again.statusCode).toBe(409);
    const self = await app.patron.http!.inject({ method: 'POST', url: '/api/customers/merge', headers: s.headers, payload: { survivorId: a.customerId, mergedId: a.customerId } });
    expect(self.statusCode).toBe(400);
  });
});
