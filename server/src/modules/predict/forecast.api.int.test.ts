import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { orderInputSchema, productInputSchema, refundInputSchema } from '../commerce/commerce.schemas.ts';
import type { Overview, SeriesDetail, SeriesList } from './forecast.schemas.ts';

// Bad input and the stock flags on a small store made through the commerce service: a steady seller, a product
// that started two weeks ago, one whose cancellations exceed its orders in a week, one that never sold, an order
// dated in the future.
let app: TestApp;
let owner: Session;
let support: Session;
const WEEK = 7 * 86_400_000;
const now = Date.now();
const ids: Record<string, string> = {};

const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, s: Session, payload?: unknown) => {
  const r = await app.patron.http!.inject({ method, url, headers: s.headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  if (r.statusCode === 500) console.log(r.body);
  expect(r.body).not.toMatch(/NaN|Infinity/);
  return r;
};
const get = async <T>(url: string) => {
  const r = await call('GET', url, owner);
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json() as T;
};

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  support = await loginAs(app, 'support');
  const commerce = app.patron.modules.commerce.service;
  let n = 0;
  const order = async (sku: string, qty: number, at: number) => {
    n++;
    await commerce.upsertOrder(CLI_ACTOR, orderInputSchema.parse({
      source: 'test', externalId: `o${n}`, currency: 'USD', placedAt: new Date(at).toISOString(),
      lines: [{ productExternalId: sku, sku, title: `Product ${sku}`, quantity: qty, unitPrice: 250 }],
    }));
  };
  for (let w = 30; w >= 1; w--) await order('STEADY', 10, now - w * WEEK);
  for (let w = 20; w >= 1; w--) await order('CANC', 5, now - w * WEEK);
  await order('NEW', 3, now - 2 * WEEK);
  await order('NEW', 4, now - 1 * WEEK);
  await order('STEADY', 1, now - 60_000);
  await order('STEADY', 99, now + 30 * 86_400_000);
  await commerce.upsertRefund(CLI_ACTOR, refundInputSchema.parse({
    source: 'test', externalId: 'c1', kind: 'cancellation', amount: 12_500, currency: 'USD', refundedAt: new Date(now - 5 * WEEK).toISOString(),
    lines: [{ sku: 'CANC', title: 'Product CANC', quantity: 50, amount: 12_500 }],
  }));
  await commerce.upsertProduct(CLI_ACTOR, productInputSchema.parse({ source: 'test', externalId: 'IDLE', sku: 'IDLE', title: 'Never sold' }));
  const rows = await app.patron.dbh.db.selectFrom('products').select(['id', 'external_id']).execute();
  for (const r of rows) ids[r.external_id] = r.id;
}, 60_000);
afterAll(async () => app?.close());

describe('before any forecast', () => {
  it('says so: no run in the overview, a 404 with its own type for the series', async () => {
    const o = await get<Overview>('/api/predict/forecast');
    expect(o).toMatchObject({ run: null, flagged: 0, stockLevels: 0 });
    const r = await call('GET', '/api/predict/forecast/series', owner);
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ type: '/problems/forecast-not-computed' });
    expect(r.json().detail).toMatch(/POST \/api\/predict\/forecast\/runs/);
  });
});

describe('a forecast of the small store', () => {
  beforeAll(async () => {
    await app.patron.modules.predict.forecast.service.compute('test', 10);
  });

  it('forecasts the steady seller at its rate, ignores the order in the future, counts it', async () => {
    const o = await get<Overview>('/api/predict/forecast');
    expect(o.run!.summary!.futureOrdersIgnored).toBe(1);
    const s = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.STEADY}`);
    expect(s.status).toBe('ok');
    expect(s.history.every((h) => h.units === 10)).toBe(true);
    expect(s.forecast).toHaveLength(10);
    for (const f of s.forecast) expect(f.mean).toBeCloseTo(10, 1);
    expect(s.forecastUnits).toBeCloseTo(100, 0);
    expect(s.forecastRevenue).toEqual({ amount: 25_000, currency: 'USD' });
  });

  it('too little history: a status and a reason instead of a number', async () => {
    const s = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.NEW}`);
    expect(s).toMatchObject({ status: 'too-little-history', method: null, forecastUnits: 0, smape: null, forecast: [] });
    expect(s.reason).toMatch(/needs at least 4/);
  });

  it('cancellations beyond the week’s orders count as 0 units that week, never negative', async () => {
    const s = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.CANC}`);
    expect(s.history.some((h) => h.units === 0)).toBe(true);
    expect(s.history.every((h) => h.units >= 0)).toBe(true);
    expect(s.forecast.every((f) => f.lower >= 0 && f.mean >= 0)).toBe(true);
    const o = await get<Overview>('/api/predict/forecast');
    expect(o.run!.summary!.clampedWeeks).toBe(1);
  });

  it('a product that never sold: 200 with status no-sales; unknown ids and keys are 400/404', async () => {
    const s = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.IDLE}`);
    expect(s).toMatchObject({ status: 'no-sales', forecast: [], history: [] });
    expect((await call('GET', '/api/predict/forecast/series/product/not-a-uuid', owner)).statusCode).toBe(400);
    expect((await call('GET', '/api/predict/forecast/series/product/0190f5d2-0000-7000-8000-000000000000', owner)).statusCode).toBe(404);
    expect((await call('GET', '/api/predict/forecast/series/category/Nope', owner)).statusCode).toBe(404);
    expect((await call('GET', '/api/predict/forecast/series/weekly/x', owner)).statusCode).toBe(400);
    const bad = await call('GET', '/api/predict/forecast/series?cursor=garbage', owner);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/querystring/cursor');
  });
});

describe('stock levels', () => {
  it('unknown SKUs reject the whole request with a pointer per item; nothing is saved', async () => {
    const r = await call('PUT', '/api/predict/stock', owner, { items: [{ sku: 'STEADY', quantity: 5 }, { sku: 'NOPE', quantity: 3 }] });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ type: '/problems/unknown-products', errors: [{ pointer: '/body/items/1/sku', detail: 'no product has SKU “NOPE”' }] });
    expect(r.json().detail).toMatch(/Nothing was saved/);
    expect((await get<{ items: unknown[] }>('/api/predict/stock')).items).toHaveLength(0);
  });

  it('bad quantities and shapes are 400 with per-field errors', async () => {
    for (const [items, pointer] of [
      [[{ sku: 'STEADY', quantity: -1 }], '/body/items/0/quantity'],
      [[{ sku: 'STEADY', quantity: 1.5 }], '/body/items/0/quantity'],
      [[{ sku: 'STEADY', productId: ids.STEADY, quantity: 1 }], '/body/items/0'],
      [[{ quantity: 1 }], '/body/items/0'],
      [[{ sku: 'STEADY', quantity: 1, leadTimeWeeks: 0 }], '/body/items/0/leadTimeWeeks'],
      [[], '/body/items'],
    ] as const) {
      const r = await call('PUT', '/api/predict/stock', owner, { items });
      expect(r.statusCode, JSON.stringify(items)).toBe(400);
      expect(r.json().type).toBe('/problems/validation-error');
      expect(r.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const dup = await call('PUT', '/api/predict/stock', owner, { items: [{ sku: 'STEADY', quantity: 1 }, { productId: ids.STEADY, quantity: 2 }] });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().errors[0].detail).toMatch(/same product as item 0/);
  });

  it('skipUnknown saves the rest and lists what it skipped; a support agent may read but not write', async () => {
    const r = await call('PUT', '/api/predict/stock', owner, {
      items: [{ sku: 'STEADY', quantity: 5 }, { sku: 'NOPE', quantity: 3 }, { productId: ids.CANC!, quantity: 0, leadTimeWeeks: 3 }, { sku: 'IDLE', quantity: 10 }],
      skipUnknown: true,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ updated: 3, skipped: [{ index: 1, given: 'NOPE', reason: 'no product has SKU “NOPE”' }] });
    // Same body again: same state (absolute quantities).
    expect((await call('PUT', '/api/predict/stock', owner, { items: [{ sku: 'STEADY', quantity: 5 }] })).statusCode).toBe(200);
    expect((await get<{ items: unknown[] }>('/api/predict/stock')).items).toHaveLength(3);
    expect((await call('PUT', '/api/predict/stock', support, { items: [{ sku: 'STEADY', quantity: 5 }] })).statusCode).toBe(403);
    expect((await call('GET', '/api/predict/stock', support)).statusCode).toBe(200);
    const audits = await app.patron.dbh.db.selectFrom('audit_log').select('action').where('action', '=', 'predict.stock.updated').execute();
    expect(audits.length).toBe(2);
  });

  it('flags products likely to run short, with weeks of cover, fewest first', async () => {
    await app.patron.modules.predict.forecast.service.compute('test', 10);
    const steady = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.STEADY}`);
    // 10 a week, 2 weeks' lead time: 20 expected against 5 in stock.
    expect(steady.stock).toMatchObject({ quantity: 5, leadTimeWeeks: 2, risk: 'short' });
    expect(steady.stock!.demandOverLeadTime).toBeCloseTo(20, 0);
    expect(steady.stock!.weeksOfCover).toBeCloseTo(0.5, 1);
    const canc = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.CANC}`);
    expect(canc.stock).toMatchObject({ quantity: 0, leadTimeWeeks: 3, risk: 'out', weeksOfCover: 0 });
    const idle = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.IDLE}`);
    expect(idle).toMatchObject({ status: 'no-sales', stock: { quantity: 10, risk: 'no-forecast', weeksOfCover: null } });
    const flagged = await get<SeriesList>('/api/predict/forecast/series?risk=flagged');
    expect(flagged.items.map((i) => i.sku)).toEqual(['CANC', 'STEADY']);
    expect((await get<Overview>('/api/predict/forecast')).flagged).toBe(2);
    // Plenty of stock: no flag.
    await call('PUT', '/api/predict/stock', owner, { items: [{ sku: 'STEADY', quantity: 1000 }] });
    const after = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.STEADY}`);
    expect(after.stock).toMatchObject({ quantity: 1000, risk: 'ok' });
    expect(after.stock!.weeksOfCover).toBeCloseTo(100, -1);
    expect((await get<SeriesList>('/api/predict/forecast/series?risk=flagged')).items.map((i) => i.sku)).toEqual(['CANC']);
    // Removing a level.
    expect((await call('DELETE', `/api/predict/stock/${ids.STEADY}`, owner)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/predict/stock/${ids.STEADY}`, owner)).statusCode).toBe(404);
  });
});

describe('recomputing on demand', () => {
  it('queues one job (deduplicated) and checks the horizon', async () => {
    const r = await call('POST', '/api/predict/forecast/runs', owner, { horizon: 8 });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ queued: true, horizon: 8 });
    await call('POST', '/api/predict/forecast/runs', owner, {});
    const jobs = await app.patron.jobs.list(app.patron.dbh.db, { task: 'predict.forecast', limit: 10 });
    expect(jobs).toHaveLength(1);
    expect((await get<Overview>('/api/predict/forecast')).running).toBe(true);
    for (const horizon of [0, 53, 'x']) {
      const bad = await call('POST', '/api/predict/forecast/runs', owner, { horizon });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].pointer).toBe('/body/horizon');
    }
    expect((await call('POST', '/api/predict/forecast/runs', support, {})).statusCode).toBe(403);
  });

  it('the worker runs the queued job with the asked horizon', async () => {
    await app.patron.jobs.start(1);
    try {
      let o = await get<Overview>('/api/predict/forecast');
      for (let i = 0; i < 100 && (o.run?.trigger !== 'manual' || o.running); i++) {
        await new Promise((r) => setTimeout(r, 200));
        o = await get<Overview>('/api/predict/forecast');
      }
      expect(o.run).toMatchObject({ trigger: 'manual', horizon: 8, status: 'done' });
      expect(o.running).toBe(false);
      const s = await get<SeriesDetail>(`/api/predict/forecast/series/product/${ids.STEADY}`);
      expect(s.forecast).toHaveLength(8);
    } finally {
      await app.patron.jobs.stop();
    }
  }, 60_000);
});
