import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { conditionalExpected, pAlive } from './bgnbd.ts';
import { nextOrderDays, scorePairs } from './clv.compute.ts';
import { expectedSpend } from './gammagamma.ts';

const CDNOW_DIR = path.resolve(import.meta.dirname, '../../../../../shared/data/cdnow');

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  const r = await app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, path.join(CDNOW_DIR, 'CDNOW_sample.txt'), { kind: 'orders', preset: 'cdnow', dryRun: false });
  expect(r.summary).toMatchObject({ rowsRead: 6_919, customers: { created: 2_357 } });
}, 120_000);
afterAll(async () => app?.close());

const clv = () => app.patron.modules.predict.clv.service;

// The papers' set-up, end to end: the CDNOW 1/10 sample imported through the normal order import (preset cdnow),
// calibration to 1997-09-30 in weeks, same-day purchases merged. Oracles:
// - BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2):
//   r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
// - Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (brucehardie.com/notes/025), after
//   Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4): p = 6.25, q = 3.74, γ = 15.44 on 946 repeat customers;
//   LL = −4055.9177 per CLVTools' correctness test for the same fit (bachmannpatrick/CLVTools, tests/testthat).
describe('CLV on the CDNOW sample, imported and fitted end to end', () => {
  it('reproduces the published BG/NBD and Gamma-Gamma fits', async () => {
    const m = await clv().fit({ until: '1997-09-30', unit: 'week', horizonMonths: 12, discountRate: 0.1 }, 'cli');
    expect(m).toMatchObject({ status: 'fitted', purpose: 'evaluation', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', customers: 2357, currency: 'USD' });
    const bg = m.bgnbd!;
    expect(bg.params.r).toBeCloseTo(0.243, 3);
    expect(bg.params.alpha).toBeCloseTo(4.414, 3);
    expect(bg.params.a).toBeCloseTo(0.793, 3);
    expect(bg.params.b).toBeCloseTo(2.426, 3);
    expect(Math.round(bg.logLik * 10) / 10).toBe(-9582.4);
    expect(bg.se).not.toBeNull();

    const gg = m.gammaGamma!;
    expect(gg.customers).toBe(946);
    expect(gg.params.p).toBeCloseTo(6.25, 2);
    expect(gg.params.q).toBeCloseTo(3.74, 2);
    expect(gg.params.gamma).toBeCloseTo(15.44, 2);
    expect(gg.logLik).toBeCloseTo(-4055.9177, 3);
    expect(gg.populationMean).toBeCloseTo(expectedSpend(gg.params, 0, 0), 10);
  }, 60_000);

  it('draws the diagnostics from the holdout: 39 weeks of orders after the calibration end', async () => {
    const d = await clv().diagnostics((await clv().overview()).evaluation!.id);
    expect(d.holdoutDays).toBe(273);
    // The histogram's actual column is the sample's calibration frequencies; the model's adds up to the same customers.
    expect(d.histogram.reduce((a, b) => a + b.actual, 0)).toBe(2357);
    expect(d.histogram.reduce((a, b) => a + b.expected, 0)).toBeCloseTo(2357, 6);
    expect(d.histogram[0]).toMatchObject({ x: '0', actual: 1411 });
    // 78 weeks of tracking, ending at the last order day with the calibration end among the points.
    expect(d.tracking.at(-1)!.date).toBe('1998-06-30');
    expect(d.tracking.some((p) => p.date === '1997-09-30')).toBe(true);
    const end = d.tracking.at(-1)!;
    // The paper (Figure 2): the model tracks cumulative repeat sales closely over the holdout, within a few percent.
    expect(Math.abs(end.expected - end.actual) / end.actual).toBeLessThan(0.05);
    expect(d.conditional.map((b) => b.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    for (const b of d.conditional) expect(Number.isFinite(b.expected) && Number.isFinite(b.actual)).toBe(true);
  });

  it('scores every customer as of the latest order (1998-06-30) when no calibration end is given', async () => {
    const m = await clv().fit({ unit: 'week', horizonMonths: 12, discountRate: 0.1 }, 'cli');
    expect(m).toMatchObject({ status: 'fitted', purpose: 'scoring', calibrationEnd: '1998-06-30', scored: 2357 });
    const top = await clv().top(5);
    expect(top.items).toHaveLength(5);
    expect(top.items[0]!.clv!).toBeGreaterThanOrEqual(top.items[1]!.clv!);
    const p = (await clv().forCustomer(top.items[0]!.id)).prediction!;
    expect(p.expectedOrders365).toBeGreaterThan(p.expectedOrders90);
    expect(p.clv!).toBeGreaterThan(p.expectedAov!);
    // The sum of expected transactions over the year ahead is a sane share of the base's past rate (no runaway numbers).
    const sum = await app.patron.dbh.db.selectFrom('customer_predictions').select((eb) => eb.fn.sum<number>('expected_orders_365').as('s')).executeTakeFirstOrThrow();
    expect(Number(sum.s)).toBeGreaterThan(300);
    expect(Number(sum.s)).toBeLessThan(3000);
  });

  // The predictions are closed forms evaluated in SQL (P(alive), next order, spend) on series computed in Node:
  // they must agree with the pure functions the unit tests check against the papers.
  it('stores for the papers’ customer 4 exactly what the pure functions compute', async () => {
    const m = (await clv().overview()).scoring!;
    const ident = await app.patron.dbh.db.selectFrom('customer_identities').select('customer_id').where('kind', '=', 'external').where('source', '=', 'cdnow').where('value', '=', '4').executeTakeFirstOrThrow();
    const p = (await clv().forCustomer(ident.customer_id)).prediction!;
    // Purchases 1997-01-01, 01-18, 08-02, 12-12 ($29.73 + $14.96 + $26.48 repeat spend); scored as of 1998-06-30.
    const bg = m.bgnbd!.params;
    const [x, tx, T] = [3, 345 / 7, 545 / 7];
    const pa = pAlive(bg, x, tx, T);
    expect(p.pAlive).toBeCloseTo(pa, 12);
    expect(p.expectedOrders365).toBeCloseTo(conditionalExpected(bg, 365 / 7, x, tx, T), 10);
    const aov = Math.round(expectedSpend(m.gammaGamma!.params, 3, 71.17 / 3) * 100);
    expect(p.expectedAov).toBe(aov);
    const disc = scorePairs(bg, { x: [x], T: [545] }, { unit: 'week', horizonMonths: 12, discountRate: 0.1 }).disc[0]!;
    expect(p.clv).toBe(Math.round(aov * pa * disc));
    const days = nextOrderDays(bg, x, T, pa, 7);
    expect(p.nextOrderOn).toBe(days === null ? null : new Date(Date.UTC(1998, 5, 30) + days * 86_400_000).toISOString().slice(0, 10));
    expect(p.churnRisk).toBe(pa > 0.7 ? 'low' : pa > 0.3 ? 'medium' : 'high');
  });
});
