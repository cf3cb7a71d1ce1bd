import { sql } from 'kysely';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { useTestApp } from '../../testing/harness.ts';
import { removeTmpFiles, tmpFile } from '../integrations/imports/uci.fixture.ts';
import { DEFAULT_PARAMS, type RecsModel } from './recs.model.ts';
import { recsRepo } from './recs.repo.ts';

const fixture = useTestApp(['owner', 'support'], { afterClose: removeTmpFiles });
const owner = 'owner';
const support = 'support';
const call = fixture.call;

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');

/** A small camping shop in the UCI Online Retail format: tents go with stoves, gas is bought again, socks sell to everyone. */
function shopCsv(): string {
  const lines = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  let inv = 1000;
  const add = (customer: number, days: number, country: string, ...codes: string[]) => {
    inv++;
    for (const code of codes) lines.push(`${inv},${code},${code === 'POST' ? 'POSTAGE' : `${code} ITEM`},1,${ago(days)},${code === 'TENT' ? '120.00' : '4.50'},${customer}.0,${country}`);
  };
  for (let c = 1; c <= 8; c++) add(c, 60, 'United Kingdom', 'TENT', 'STOVE', 'POST');
  for (let c = 1; c <= 6; c++) {
    add(c, 59, 'United Kingdom', 'GAS');
    add(c, 20, 'United Kingdom', 'GAS', 'POST');
  }
  for (let c = 9; c <= 12; c++) add(c, 50, 'France', 'TENT', 'MAT');
  for (let c = 13; c <= 24; c++) add(c, 10 + c, 'Germany', 'SOCKS', 'POST');
  add(30, 5, 'Germany', 'MUG');
  return lines.join('\n') + '\n';
}

async function customerOf(ref: string): Promise<string> {
  return (await sql<{ id: string }>`select customer_id as id from orders o join customers c on c.id = o.customer_id
    where exists (select 1 from customer_identities i where i.customer_id = c.id and i.value = ${ref}) limit 1`.execute(fixture.app.patron.dbh.db)).rows[0]!.id;
}
async function productOf(code: string): Promise<string> {
  return (await sql<{ id: string }>`select id from products where external_id = ${code}`.execute(fixture.app.patron.dbh.db)).rows[0]!.id;
}

function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v && typeof v === 'object') return Object.values(v).every(allFinite);
  return true;
}

describe('recommendations API: bad input and an empty store', () => {
  it('answers 404 problems for unknown customers and products', async () => {
    const id = '018f0000-0000-7000-8000-000000000000';
    for (const url of [`/api/predict/recommendations/customer/${id}`, `/api/predict/recommendations/product/${id}`]) {
      const r = await call(owner, 'GET', url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json()).toMatchObject({ type: '/problems/not-found' });
    }
    const cart = await call(owner, 'POST', '/api/predict/recommendations/cart', { productIds: [id] });
    expect(cart.statusCode).toBe(404);
    expect(cart.json().errors).toEqual([{ pointer: '/body/productIds/0', detail: 'no product with this id' }]);
  });

  it('rejects malformed ids, limits and carts with per-field errors', async () => {
    for (const [method, url, body, pointer] of [
      ['GET', '/api/predict/recommendations/customer/not-a-uuid', undefined, '/params/id'],
      ['GET', '/api/predict/recommendations/product/018f0000-0000-7000-8000-000000000000?limit=0', undefined, '/querystring/limit'],
      ['GET', '/api/predict/recommendations/product/018f0000-0000-7000-8000-000000000000?limit=abc', undefined, '/querystring/limit'],
      ['POST', '/api/predict/recommendations/cart', { productIds: [] }, '/body/productIds'],
      ['POST', '/api/predict/recommendations/cart', { productIds: ['x'] }, '/body/productIds/0'],
      ['POST', '/api/predict/recommendations/cart', { productIds: ['018f0000-0000-7000-8000-000000000000'], limit: 500 }, '/body/limit'],
    ] as const) {
      const r = await call(owner, method, url, body);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors.map((e: { pointer: string }) => e.pointer), url).toContain(pointer);
    }
  });

  it('says there is no model yet rather than failing, and an empty build says why', async () => {
    const over = await call(owner, 'GET', '/api/predict/recommendations');
    expect(over.json()).toMatchObject({ latest: null, builds: [] });
    const m = await fixture.app.patron.modules.predict.recs.service.build('manual');
    expect(m.status).toBe('empty');
    expect(m.stats.reason).toMatch(/no orders/i);
    expect(allFinite(m)).toBe(true);
  });
});

describe('recommendations from a store’s orders', () => {
  let tent: string;
  let stove: string;
  let gas: string;
  beforeAll(async () => {
    const r = await fixture.app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile('camping.csv', shopCsv()), { kind: 'orders', preset: 'uci', dryRun: false });
    expect(r.issues).toEqual([]);
    [tent, stove, gas] = await Promise.all([productOf('TENT'), productOf('STOVE'), productOf('GAS')]);
    const built = await call(owner, 'POST', '/api/predict/recommendations/build');
    expect(built.statusCode).toBe(202);
    await fixture.app.patron.modules.predict.recs.service.build('manual');
  });

  it('shows the build: figures, and the backtest table', async () => {
    const r = await call(support, 'GET', '/api/predict/recommendations');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.latest).toMatchObject({ status: 'built', trigger: 'manual' });
    expect(body.latest.stats.products).toBe(6);
    expect(body.builds.length).toBe(2);
    expect(allFinite(body)).toBe(true);
  });

  it('a product: similar products and products bought together, never postage', async () => {
    const r = await call(owner, 'GET', `/api/predict/recommendations/product/${tent}`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.similar.map((x: { productId: string }) => x.productId)).toContain(stove);
    expect(body.boughtTogether[0]).toMatchObject({ productId: stove, title: 'STOVE ITEM', reason: 'bought-together', currency: 'GBP', price: 450 });
    expect(body.boughtTogether[0].confidence).toBeGreaterThan(0.5);
    expect(body.boughtTogether[0].lift).toBeGreaterThan(1);
    const titles = [...body.similar, ...body.boughtTogether].map((x: { title: string }) => x.title);
    expect(titles).not.toContain('POSTAGE');
    expect(allFinite(body)).toBe(true);
  });

  it('once a process holds a build’s lists, it answers without reading them from the database', async () => {
    const service = fixture.app.patron.modules.predict.recs.service;
    await service.warm();
    // Empty the per-request cache (earlier tests filled it): only the preloaded lists can answer now.
    (service as unknown as { itemCache: { clear(): void } }).itemCache.clear();
    const reads = vi.spyOn(recsRepo, 'items');
    try {
      const r = await call(owner, 'GET', `/api/predict/recommendations/product/${tent}`);
      expect(r.json().similar.map((x: { productId: string }) => x.productId)).toContain(stove);
      const cart = await call(owner, 'POST', '/api/predict/recommendations/cart', { productIds: [tent] });
      expect(cart.json().items.map((x: { productId: string }) => x.productId)).toContain(stove);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('a customer: what goes with what they bought, gas again, not the tent they have', async () => {
    const c = await customerOf('1');
    const r = await call(support, 'GET', `/api/predict/recommendations/customer/${c}?limit=5`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const ids = body.items.map((x: { productId: string }) => x.productId);
    expect(ids).not.toContain(tent);
    expect(body.items.find((x: { productId: string }) => x.productId === gas)?.reason).toBe('buy-again');
    expect(body.items.length).toBeLessThanOrEqual(5);
    expect(body.reason).toBeNull();
    expect(allFinite(body)).toBe(true);
  });

  it('splits a customer’s list into products to buy again and products they have not bought', async () => {
    const c = await customerOf('1');
    const again = (await call(owner, 'GET', `/api/predict/recommendations/customer/${c}?kind=again`)).json();
    expect(again.items.map((x: { productId: string }) => x.productId)).toEqual([gas]);
    const fresh = (await call(owner, 'GET', `/api/predict/recommendations/customer/${c}?kind=new`)).json();
    expect(fresh.items.length).toBeGreaterThan(0);
    expect(fresh.items.every((x: { reason: string }) => x.reason !== 'buy-again')).toBe(true);
    expect(fresh.items.map((x: { productId: string }) => x.productId)).not.toContain(gas);
    const bad = await call(owner, 'GET', `/api/predict/recommendations/customer/${c}?kind=everything`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/querystring/kind');
  });

  it('a customer with no orders gets best-sellers and a reason', async () => {
    const created = await call(owner, 'POST', '/api/customers', { email: 'new@example.com' });
    expect(created.statusCode, created.body).toBe(201);
    const r = await call(owner, 'GET', `/api/predict/recommendations/customer/${created.json().id as string}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().items.length).toBeGreaterThan(0);
    expect(r.json().items.every((x: { reason: string }) => x.reason === 'popular')).toBe(true);
    expect(r.json().reason).toMatch(/new customer/i);
  });

  it('a visitor who only viewed a product (tracked by the store’s product id) gets what goes with it', async () => {
    const created = await call(owner, 'POST', '/api/customers', { email: 'viewer@example.com' });
    const id = created.json().id as string;
    await sql`insert into activities (id, customer_id, type, occurred_at, source, properties)
      values (gen_random_uuid(), ${id}::uuid, 'Product Viewed', now() - interval '1 hour', 'test', '{"product_id":"MAT","name":"MAT ITEM"}')`.execute(fixture.app.patron.dbh.db);
    const r = await call(owner, 'GET', `/api/predict/recommendations/customer/${id}`);
    expect(r.json().items[0]).toMatchObject({ productId: tent, reason: 'similar' });
    expect(r.json().reason).toBeNull();
    // The next build learns from the view too (resolved by the store's product id).
    const before = (await fixture.app.patron.modules.predict.recs.service.overview()).latest!.stats.interactions;
    const after = await fixture.app.patron.modules.predict.recs.service.build('manual', { evaluate: false });
    expect(after.stats.interactions).toBe(before + 1);
  });

  it('a cart: what is bought with its products, not what is in it', async () => {
    const r = await call(owner, 'POST', '/api/predict/recommendations/cart', { productIds: [tent], limit: 3 });
    expect(r.statusCode).toBe(200);
    const ids = r.json().items.map((x: { productId: string }) => x.productId);
    expect(ids[0]).toBe(stove);
    expect(ids).not.toContain(tent);
  });

  it('fills the `recommendations` block of an email template', async () => {
    const c = await customerOf('9');
    const r = await call(owner, 'POST', '/api/messaging/templates/preview', {
      format: 'html', subject: 'For you', customerId: c,
      // The example of docs/predictions.md ("In an email").
      body: [
        '{% if recommendations.size > 0 %}', '<h2>Picked for you</h2>', '{% for p in recommendations %}',
        '<a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="{{ p.title }}" width="120"></a>',
        '<p><a href="{{ p.url }}">{{ p.title }}</a> — {{ p.price | money: p.currency }}</p>', '{% endfor %}', '{% endif %}',
      ].join('\n'),
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().html).toContain('Picked for you');
    expect(r.json().html).toContain('STOVE ITEM');
    expect(r.json().html).toMatch(/£4\.50/);
  });

  it('a build skips a product deleted while it ran instead of failing', async () => {
    const gone = '018f0000-0000-7000-8000-0000000000ff';
    const item = { product: gone, buyers: 1, orders: 1, repurchaseRate: 0.1, replenishable: false, similar: [{ product: tent, score: 0.5 }], boughtTogether: [] };
    const model = { params: DEFAULT_PARAMS, asOf: Date.now(), items: [item, { ...item, product: tent, similar: [] }], popular: new Map(), stats: {} as RecsModel['stats'] };
    await fixture.app.patron.dbh.db.transaction().execute(async (tx) => {
      await recsRepo.replace(tx, model, () => true);
      const ids = (await sql<{ product_id: string }>`select product_id from recs_items`.execute(tx)).rows.map((r) => r.product_id);
      expect(ids).toEqual([tent]);
      // Leave the real lists as they were for the other tests.
      throw new Error('rollback');
    }).catch((e: Error) => expect(e.message).toBe('rollback'));
  });

  it('serves a new build’s lists at once, not the ones kept in memory from the last build', async () => {
    const mug = await productOf('MUG');
    const socks = await productOf('SOCKS');
    const similarOf = async (id: string) => (await call(owner, 'GET', `/api/predict/recommendations/product/${id}`)).json().similar.map((x: { productId: string }) => x.productId) as string[];
    // Read once: the process now holds the mug's (empty) lists.
    expect(await similarOf(mug)).not.toContain(socks);
    const db = fixture.app.patron.dbh.db;
    for (let k = 0; k < 6; k++) {
      const c = await customerOf(String(13 + k));
      const order = (await sql<{ id: string }>`insert into orders (id, source, external_id, customer_id, status, currency, total, item_count, placed_at)
        values (gen_random_uuid(), 'test', ${`mugsocks-${k}`}, ${c}::uuid, 'completed', 'GBP', 900, 2, now() - interval '2 days') returning id`.execute(db)).rows[0]!.id;
      await sql`insert into order_lines (id, order_id, position, product_id, title, quantity, unit_price, total)
        values (gen_random_uuid(), ${order}::uuid, 1, ${mug}::uuid, 'MUG ITEM', 1, 450, 450), (gen_random_uuid(), ${order}::uuid, 2, ${socks}::uuid, 'SOCKS ITEM', 1, 450, 450)`.execute(db);
    }
    await fixture.app.patron.modules.predict.recs.service.build('manual', { evaluate: false });
    expect(await similarOf(mug)).toContain(socks);
  });

  it('only people with predict:write may rebuild', async () => {
    const r = await call(support, 'POST', '/api/predict/recommendations/build');
    expect(r.statusCode).toBe(403);
  });
});
