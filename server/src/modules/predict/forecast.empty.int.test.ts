import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { orderInputSchema } from '../commerce/commerce.schemas.ts';
import type { Overview, SeriesList } from './forecast.schemas.ts';

// Degenerate stores: no orders at all, then one order this week (no complete week yet). The run succeeds with
// 0 weeks and the API says there is nothing to forecast rather than inventing numbers.
let app: TestApp;
let owner: Session;
beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
});
afterAll(async () => app?.close());

const get = async <T>(url: string) => {
  const r = await app.patron.http!.inject({ method: 'GET', url, headers: owner.headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as T;
};

it('a store without orders, then with one order this week: a run of 0 weeks, empty lists, no numbers made up', async () => {
  const svc = app.patron.modules.predict.forecast.service;
  expect(await svc.compute('test')).toMatchObject({ status: 'done', weeks: 0, firstWeek: null, lastWeek: null });
  await app.patron.modules.commerce.service.upsertOrder(CLI_ACTOR, orderInputSchema.parse({
    source: 'test', externalId: 'only', currency: 'USD', placedAt: new Date().toISOString(), lines: [{ productExternalId: 'A', title: 'A', quantity: 2, unitPrice: 100 }],
  }));
  const run = await svc.compute('test');
  expect(run).toMatchObject({ status: 'done', weeks: 0 });
  expect(run.summary!.accuracy.store).toEqual({ series: 0, backtested: 0, smape: null, naiveSmape: null, beatsNaive: 0, tiesNaive: 0, coverage: null });
  const o = await get<Overview>('/api/predict/forecast');
  expect(o.run!.weeks).toBe(0);
  expect((await get<SeriesList>('/api/predict/forecast/series?kind=store')).items).toEqual([]);
  expect((await get<SeriesList>('/api/predict/forecast/series?kind=product')).items).toEqual([]);
});
