import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { orderInputSchema } from '../commerce/commerce.schemas.ts';

let app: TestApp;
let s: Session;
const ids: Record<string, string> = {};
const get = (url: string) => app.patron.http!.inject({ url, headers: s.headers });

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
  const people = [
    { email: 'alice@shop.test', firstName: 'Alice', lastName: 'Archer', country: 'GB', orders: 3, ext: 'a-1' },
    { email: 'bob@shop.test', firstName: 'Bob', lastName: 'Baker', country: 'FR', orders: 1, ext: 'b-2' },
    { email: 'carol@shop.test', firstName: 'Carol', lastName: 'Cooper', country: 'GB', orders: 0, ext: 'c-3' },
    { email: '=cmd@shop.test', firstName: '=HYPERLINK("x")', lastName: 'Evil', country: 'DE', orders: 0, ext: 'e-4' },
  ];
  for (const p of people) {
    const r = await app.patron.dbh.db.transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
      identities: [{ kind: 'external', source: 'shopify', value: p.ext, verified: true }, { kind: 'email', value: p.email, verified: true }],
      profile: { firstName: p.firstName, lastName: p.lastName, country: p.country, phone: p.ext === 'a-1' ? '+44 20 7946 0958' : undefined }, source: 'test', actor: SYSTEM_ACTOR,
    }));
    ids[p.firstName] = r.customerId;
    for (let i = 0; i < p.orders; i++) {
      await app.patron.modules.commerce.service.upsertOrder(SYSTEM_ACTOR, orderInputSchema.parse({
        source: 'shopify', externalId: `${p.ext}-o${i}`, currency: 'USD', placedAt: new Date(Date.UTC(2026, 0, 10 + i)).toISOString(),
        lines: [{ title: 'Thing', quantity: 1, unitPrice: 1000 * (i + 1) }], customer: { externalId: p.ext },
      }));
    }
  }
});
afterAll(async () => app?.close());

describe('customers list and search', () => {
  it('finds customers by name, email fragment, phone digits and external id', async () => {
    const names = async (q: string) => (await get(`/api/customers?q=${encodeURIComponent(q)}`)).json().items.map((c: { firstName: string }) => c.firstName);
    expect(await names('archer')).toEqual(['Alice']);
    expect(await names('bob@')).toEqual(['Bob']);
    expect(await names('7946 0958')).toEqual(['Alice']);
    expect(await names('c-3')).toEqual(['Carol']);
    expect(await names('100%_')).toEqual([]);
  });

  it('filters by country, orders and spend, and sorts', async () => {
    const res = (await get('/api/customers?country=gb&minOrders=1')).json();
    expect(res.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Alice']);
    expect(res.items[0]).toMatchObject({ orderCount: 3, totalSpent: 6000, averageOrderValue: 2000, currency: 'USD' });
    const bySpend = (await get('/api/customers?sort=total_spent_desc')).json().items.map((c: { firstName: string }) => c.firstName);
    expect(bySpend.slice(0, 2)).toEqual(['Alice', 'Bob']);
    const byLast = (await get('/api/customers?sort=last_order_desc')).json().items.map((c: { lastOrderAt: string | null }) => c.lastOrderAt);
    expect(byLast.slice(2)).toEqual([null, null]);
  });

  it('pages with a cursor without skipping or repeating, in every sort', async () => {
    for (const sort of ['created_desc', 'last_order_desc', 'total_spent_desc', 'order_count_desc', 'name_asc']) {
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 10; i++) {
        const page = (await get(`/api/customers?sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
        seen.push(...page.items.map((c: { id: string }) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(new Set(seen).size, sort).toBe(4);
      expect(seen.length, sort).toBe(4);
    }
    const bad = await get('/api/customers?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/querystring/cursor');
  });

  it('exports CSV with formula cells neutralised', async () => {
    const res = await get('/api/customers/export?sort=name_asc');
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('total_spent_USD');
    const evil = lines.find((l) => l.includes('Evil'))!;
    expect(evil).toContain(`"'=HYPERLINK(""x"")"`);
    expect(evil).toContain(`'=cmd@shop.test`);
  });
});

describe('editing', () => {
  it('bulk-tags, and tags filter the list', async () => {
    const res = await app.patron.http!.inject({ method: 'POST', url: '/api/customers/bulk-tag', headers: s.headers, payload: { ids: [ids.Alice, ids.Bob], add: ['vip', 'newsletter'] } });
    expect(res.json()).toEqual({ updated: 2, job: null });
    await app.patron.http!.inject({ method: 'POST', url: '/api/customers/bulk-tag', headers: s.headers, payload: { ids: [ids.Bob], remove: ['newsletter'] } });
    const vip = (await get('/api/customers?tag=vip&sort=name_asc')).json().items.map((c: { firstName: string }) => c.firstName);
    expect(vip).toEqual(['Alice', 'Bob']);
    const both = (await get('/api/customers?tag=vip&tag=newsletter')).json().items.map((c: { firstName: string }) => c.firstName);
    expect(both).toEqual(['Alice']);
    const tags = (await get('/api/customers/tags')).json().items;
    expect(tags).toEqual([{ tag: 'vip', count: 2 }, { tag: 'newsletter', count: 1 }]);
  });

  it('edits a profile with validation, typed custom attributes, and refuses a taken email', async () => {
    const owner = await loginAs(app, 'owner');
    await app.patron.http!.inject({ method: 'POST', url: '/api/settings/attributes', headers: owner.headers, payload: { key: 'shoe_size', label: 'Shoe size', type: 'number' } });
    const bad = await app.patron.http!.inject({ method: 'PATCH', url: `/api/customers/${ids.Carol}`, headers: s.headers, payload: { attributes: { shoe_size: 'large' }, timeZone: 'Mars/Base' } });
    expect(bad.statusCode).toBe(400);
    const ok = await app.patron.http!.inject({ method: 'PATCH', url: `/api/customers/${ids.Carol}`, headers: s.headers, payload: { attributes: { shoe_size: 38, favourite: 'tea' }, timeZone: 'Europe/London', birthday: '1990-04-30' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ attributes: { shoe_size: 38, favourite: 'tea' }, timeZone: 'Europe/London', birthday: '1990-04-30' });
    const taken = await app.patron.http!.inject({ method: 'PATCH', url: `/api/customers/${ids.Carol}`, headers: s.headers, payload: { email: 'alice@shop.test' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().type).toBe('/problems/identity-taken');
  });

  it('adds notes with mentions, visible on the timeline', async () => {
    const res = await app.patron.http!.inject({ method: 'POST', url: `/api/customers/${ids.Bob}/notes`, headers: s.headers, payload: { body: 'Called about the late parcel. cc @' + 'nobody@nowhere.test' } });
    expect(res.statusCode).toBe(201);
    const notes = (await get(`/api/customers/${ids.Bob}/notes`)).json().items;
    expect(notes[0].body).toContain('late parcel');
    const timeline = (await get(`/api/customers/${ids.Bob}/activities?types=Note Added`)).json().items;
    expect(timeline).toHaveLength(1);
    const all = (await get(`/api/customers/${ids.Alice}/activities?limit=2`)).json();
    expect(all.items).toHaveLength(2);
    const next = (await get(`/api/customers/${ids.Alice}/activities?limit=50&cursor=${encodeURIComponent(all.nextCursor)}`)).json();
    expect(next.items.length).toBeGreaterThan(0);
    expect(next.items.map((a: { id: string }) => a.id)).not.toContain(all.items[0].id);
  });

  it('saved views belong to their owner unless shared', async () => {
    const v = await app.patron.http!.inject({ method: 'POST', url: '/api/customer-views', headers: s.headers, payload: { name: 'UK buyers', filters: { country: 'GB', minOrders: 1 } } });
    expect(v.statusCode, v.body).toBe(201);
    const other = await loginAs(app, 'support');
    const theirs = (await app.patron.http!.inject({ url: '/api/customer-views', headers: other.headers })).json().items;
    expect(theirs).toEqual([]);
    const mine = (await get('/api/customer-views')).json().items;
    expect(mine[0]).toMatchObject({ name: 'UK buyers', filters: { country: 'GB', minOrders: 1 } });
  });
});
