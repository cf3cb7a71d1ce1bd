import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateStore } from '../../demo/synthetic.ts';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

it('the demo store gets fitted models and every customer with orders scored', async () => {
  const db = app.patron.dbh.db;
  await generateStore(db, { customers: 600, seed: 7, until: new Date('2026-10-31T00:00:00Z') });
  const out = await app.patron.modules.predict.clv.demo(CLI_ACTOR);
  expect(out, String(out.reason)).toMatchObject({ status: 'fitted' });
  const withOrders = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('order_count', '>', 0).where('merged_into', 'is', null).executeTakeFirstOrThrow();
  expect(out.scored).toBeGreaterThan(Number(withOrders.n) * 0.9);
  const overview = await app.patron.modules.predict.clv.service.overview();
  expect(overview.scoring!.gammaGamma).not.toBeNull();
  expect(overview.scoring!.bgnbd!.se).not.toBeNull();
  const top = await app.patron.modules.predict.clv.service.top(3);
  expect(top.items[0]!.clv).toBeGreaterThan(0);

  // The nightly job refits with the last scoring fit's settings.
  const nightly = await app.patron.modules.predict.clv.service.runJob('nightly');
  expect(nightly).toMatchObject({ status: 'fitted', purpose: 'scoring', trigger: 'nightly', unit: 'week', horizonMonths: 12, scored: out.scored });
});
