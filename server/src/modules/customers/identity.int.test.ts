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

describe('resolveMany (a tracking batch of identify calls)', () => {
  /** The same people, set up in their own namespace, then resolved either all at once or one by one. */
  async function run(ns: string, many: boolean, phone: string) {
    const t = (kind: 'anonymous' | 'user_id', value: string): IdentityClaim => ({ kind, source: 'tracking', value: `${ns}${value}`, verified: false });
    await resolve([{ kind: 'email', value: `${ns}owner@example.com`, verified: true }], { firstName: 'Owner' });
    for (const a of ['anon-a', 'anon-b', 'anon-c']) await resolve([t('anonymous', a)]);
    await resolve([t('user_id', 'ux')], { firstName: 'Xavier' });
    await resolve([t('user_id', 'pp'), t('anonymous', 'pa'), t('anonymous', 'pa2')]);
    await resolve([t('user_id', 'qq'), t('anonymous', 'qa')], { firstName: 'Quinn' });
    const inputs = [
      { identities: [t('user_id', 'new1')], profile: { email: `${ns}new1@example.com`, firstName: 'New', tags: ['vip'], attributes: { plan: 'a' } } },
      { identities: [t('anonymous', 'anon-a'), t('user_id', 'ua')], profile: { email: `${ns}ua@example.com`, firstName: 'Ann' } },
      // Someone else's verified email typed in a browser: never joins, never attached.
      { identities: [t('anonymous', 'anon-b'), t('user_id', 'ub')], profile: { email: `${ns}owner@example.com`, lastName: 'Intruder' } },
      // Two profiles proved one person: a merge (resolved on its own).
      { identities: [t('anonymous', 'anon-c'), t('user_id', 'ux')], profile: { locale: 'fr-FR' } },
      // Two people of the batch claiming one email: one after the other.
      { identities: [t('user_id', 's1')], profile: { email: `${ns}shared@example.com` } },
      { identities: [t('user_id', 's2')], profile: { email: `${ns}shared@example.com`, firstName: 'Second' } },
      // One merges two profiles (the other survives), then another joins the merged-away one: in that order.
      { identities: [t('anonymous', 'pa2'), t('user_id', 'qq')], profile: { lastName: 'Merged' } },
      { identities: [t('anonymous', 'pa')], profile: { firstName: 'Pat' } },
      { identities: [t('anonymous', 'new2')], profile: { phone, birthday: '1990-04-01', timeZone: 'Europe/London', addresses: [{ kind: 'shipping' as const, isDefault: true, city: 'London', country: 'GB' }] } },
    ].map((x) => ({ ...x, source: 'tracking', actor: SYSTEM_ACTOR, emit: false }));
    const results = await app.patron.dbh.db.transaction().execute(async (tx) => {
      if (many) return svc().resolveMany(tx, inputs);
      const out = [];
      for (const input of inputs) out.push(await svc().resolve(tx, input));
      return out;
    });
    const e164 = `+${phone.replace(/\D/g, '')}`;
    const strip = (v: string | null) => v?.replace(ns, '').replace(e164, 'PHONE') ?? null;
    const shapes = [];
    for (const r of results) {
      const c = await svc().get(r.customerId);
      shapes.push({
        created: r.created, merged: r.merged.length, firstName: c.firstName, lastName: c.lastName, email: strip(c.email), phone: strip(c.phone), birthday: c.birthday, timeZone: c.timeZone,
        addresses: c.addresses, tags: c.tags, attributes: c.attributes, locale: c.locale, anonymous: c.anonymous,
        identities: c.identities.map((i) => `${i.kind}:${strip(i.value)}:${i.verified}`).sort(),
      });
    }
    const sameAs = results.map((r) => results.findIndex((x) => x.customerId === r.customerId));
    return { shapes, sameAs };
  }

  it('ends exactly where resolving them one by one ends', async () => {
    const one = await run(`seq${Date.now()}-`, false, '+44 20 7946 0958');
    const all = await run(`bulk${Date.now()}-`, true, '+44 20 7946 0959');
    expect(all).toEqual(one);
    // And the rules held: the intruder did not get the owner's email identity; the merge happened.
    expect(all.shapes[2]!.identities).toEqual(['anonymous:anon-b:false', 'user_id:ub:false']);
    expect(all.shapes[3]!.merged).toBe(1);
    expect(all.shapes[6]!.merged).toBe(1);
    expect(all.sameAs[7]).toBe(6);
    expect(all.shapes[7]).toMatchObject({ firstName: 'Pat', lastName: 'Merged' }); // on the survivor
    expect(all.shapes[0]).toMatchObject({ created: true, firstName: 'New', email: 'new1@example.com', tags: ['vip'], anonymous: false });
    expect(all.shapes[8]).toMatchObject({ created: true, anonymous: false, phone: 'PHONE', birthday: '1990-04-01', timeZone: 'Europe/London' });
  });
});
