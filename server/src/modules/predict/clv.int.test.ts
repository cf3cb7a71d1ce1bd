import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { useTestApp } from '../../testing/harness.ts';
import { removeTmpFiles, tmpFile } from '../integrations/imports/uci.fixture.ts';

const fixture = useTestApp(['owner', 'support'], { afterClose: removeTmpFiles });
const owner = 'owner';
const support = 'support';
const call = fixture.call;

/** Orders as CDNOW lines (customer yyyymmdd cds dollars), imported through the normal order import. */
async function importOrders(name: string, rows: [number, string, number][]): Promise<void> {
  const text = rows.map(([c, d, v]) => `${c} ${d} 1 ${v.toFixed(2)}`).join('\n') + '\n';
  const r = await fixture.app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile(name, text), { kind: 'orders', preset: 'cdnow', dryRun: false });
  expect(r.issues).toEqual([]);
}

/** Every number anywhere in a JSON body is finite (JSON cannot carry NaN, but a serialiser may write null or fail). */
function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v && typeof v === 'object') return Object.values(v).every(allFinite);
  return true;
}

const day = (offset: number) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

describe('CLV API: bad input and degenerate stores', () => {
  it('says why there is no model in an empty store, and answers for customers without NaN', async () => {
    const fit = await call(owner, 'POST', '/api/predict/clv/fit', {});
    expect(fit.statusCode).toBe(200);
    expect(fit.json()).toMatchObject({ status: 'insufficient-data', customers: 0, bgnbd: null, gammaGamma: null });
    expect(fit.json().reason).toMatch(/No customer had a purchase/);
    const over = await call(support, 'GET', '/api/predict/clv');
    expect(over.json().scoring.status).toBe('insufficient-data');
  });

  it('rejects a bad calibration end, unit, horizon or rate with problem+json naming the field', async () => {
    for (const [body, pointer] of [
      [{ until: '2024-13-01' }, '/body/until'],
      [{ until: 'yesterday' }, '/body/until'],
      [{ unit: 'month' }, '/body/unit'],
      [{ horizonMonths: 0 }, '/body/horizonMonths'],
      [{ discountRate: -0.1 }, '/body/discountRate'],
      [{ bogus: 1 }, '/body'],
    ] as const) {
      const r = await call(owner, 'POST', '/api/predict/clv/fit', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json().type).toBe('/problems/validation-error');
      expect(JSON.stringify(r.json().errors)).toContain(pointer);
    }
    const future = await call(owner, 'POST', '/api/predict/clv/fit', { until: '2999-01-01' });
    // (today is the limit; the default is the day of the latest order)
    expect(future.statusCode).toBe(400);
    expect(future.json().detail).toMatch(/in the future/);
    expect(future.json().errors[0].pointer).toBe('/body/until');
  });

  it('documents every route in OpenAPI under the Predict tag', async () => {
    const doc = (await fixture.app.patron.http!.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, method] of [['/api/predict/clv', 'get'], ['/api/predict/clv/fit', 'post'], ['/api/predict/clv/diagnostics', 'get'], ['/api/predict/clv/top', 'get'], ['/api/customers/{id}/predictions', 'get']] as const) {
      expect(doc.paths[path]?.[method]?.tags, path).toEqual(['Predict']);
    }
  });

  it('lets support read predictions but not fit', async () => {
    expect((await call(support, 'POST', '/api/predict/clv/fit', {})).statusCode).toBe(403);
    expect((await call(support, 'GET', '/api/predict/clv/top')).statusCode).toBe(200);
    expect((await call(support, 'GET', '/api/customers/0190a0a0-0000-7000-8000-000000000000/predictions')).statusCode).toBe(404);
    expect((await call(support, 'GET', '/api/predict/clv/diagnostics?model=nope')).statusCode).toBe(400);
    expect((await call(support, 'GET', '/api/predict/clv/top?cursor=garbage')).statusCode).toBe(400);
  });

  it('explains a store where everyone bought once (same-day repeats are one purchase)', async () => {
    const rows: [number, string, number][] = [];
    for (let c = 1; c <= 40; c++) rows.push([c, day(c), 20], [c, day(c), 5]);
    await importOrders('once.txt', rows);
    const fit = (await call(owner, 'POST', '/api/predict/clv/fit', { unit: 'day' })).json();
    expect(fit).toMatchObject({ status: 'insufficient-data', customers: 40, repeatCustomers: 0, scored: 0 });
    expect(fit.reason).toMatch(/bought once only/);
    const someone = await fixture.app.patron.dbh.db.selectFrom('customers').select('id').executeTakeFirstOrThrow();
    const p = (await call(support, 'GET', `/api/customers/${someone.id}/predictions`)).json();
    expect(p.prediction).toBeNull();
    expect(p.reason).toMatch(/bought once only/);
  });

  it('fits with refunds, free orders and future-dated orders, says what it left out, and returns only finite numbers', async () => {
    const rows: [number, string, number][] = [];
    for (let c = 1; c <= 40; c++) {
      // Customers 1-40 already bought on day c; some come back, more often the lower their number.
      const visits = c % 5;
      for (let k = 1; k <= visits; k++) rows.push([c, day(c + k * (20 + c)), 10 + (c % 7) * 3 + k]);
    }
    rows.push([41, day(3), 0], [41, day(40), 0]); // free orders: purchases worth nothing
    rows.push([42, '20990101', 99]); // dated in the future
    await importOrders('repeat.txt', rows);
    // A fully refunded order is not a purchase.
    await sql`update orders set refunded_total = total where external_id = ${`2-${day(2 + 22)}-1`}`.execute(fixture.app.patron.dbh.db);

    const r = await call(owner, 'POST', '/api/predict/clv/fit', { unit: 'day', horizonMonths: 6 });
    expect(r.statusCode).toBe(200);
    const m = r.json();
    expect(m.status, m.reason).toBe('fitted');
    expect(m.customers).toBe(41);
    expect(m.warnings.join(' ')).toMatch(/1 order dated in the future/);
    expect(m.warnings.join(' ')).toMatch(/1 fully refunded order/);
    expect(m.warnings.join(' ')).toMatch(/2 free \(zero-value\) orders/);
    expect(allFinite(m)).toBe(true);
    expect(m.scored).toBe(41);

    const dr = await call(support, 'GET', '/api/predict/clv/diagnostics');
    expect(dr.statusCode, dr.body).toBe(200);
    const diag = dr.json();
    expect(allFinite(diag)).toBe(true);
    expect(diag.histogram.reduce((a: number, b: { actual: number }) => a + b.actual, 0)).toBe(41);

    const top = (await call(support, 'GET', '/api/predict/clv/top?limit=3')).json();
    expect(top.items).toHaveLength(3);
    expect(allFinite(top)).toBe(true);
    const next = (await call(support, 'GET', `/api/predict/clv/top?limit=3&cursor=${top.nextCursor}`)).json();
    expect(next.items[0].id).not.toBe(top.items[0].id);
    expect(next.items[0].clv).toBeLessThanOrEqual(top.items[2].clv);

    const p = (await call(support, 'GET', `/api/customers/${top.items[0].id}/predictions`)).json();
    expect(p.reason).toBeNull();
    expect(allFinite(p)).toBe(true);
    expect(p.prediction.pAlive).toBeGreaterThan(0);
    expect(p.prediction.pAlive).toBeLessThanOrEqual(1);
    expect(['low', 'medium', 'high']).toContain(p.prediction.churnRisk);
    expect(p.prediction.expectedOrders365).toBeGreaterThanOrEqual(p.prediction.expectedOrders90);

    // The customer with only a future-dated order has no prediction, and is told why.
    const future = await fixture.app.patron.dbh.db.selectFrom('orders').select('customer_id').where('external_id', '=', '42-20990101-1').executeTakeFirstOrThrow();
    const fp = (await call(support, 'GET', `/api/customers/${future.customer_id}/predictions`)).json();
    expect(fp.prediction).toBeNull();
    expect(fp.reason).toMatch(/no purchase/);

    // Segments can test the predictions: churn risk and predicted value match exactly the stored predictions.
    const db = fixture.app.patron.dbh.db;
    const def = (conditions: unknown[]) => ({ definition: { version: 1, root: { kind: 'group', match: 'all', conditions } } });
    const high = await call(owner, 'POST', '/api/segments/preview', def([{ kind: 'field', field: 'churnRisk', op: 'in', value: ['high', 'medium'] }]));
    expect(high.statusCode, high.body).toBe(200);
    const stored = await db.selectFrom('customer_predictions').select((eb) => eb.fn.countAll<number>().as('n')).where('churn_risk', 'in', ['high', 'medium']).executeTakeFirstOrThrow();
    expect(high.json().count).toBe(Number(stored.n));
    const valuable = await call(owner, 'POST', '/api/segments/preview', def([{ kind: 'field', field: 'predictedClv', op: 'gt', value: 0 }]));
    expect(valuable.statusCode, valuable.body).toBe(200);
    const positive = await db.selectFrom('customer_predictions').select((eb) => eb.fn.countAll<number>().as('n')).where('clv', '>', 0).executeTakeFirstOrThrow();
    expect(valuable.json().count).toBe(Number(positive.n));
    expect(Number(positive.n)).toBeGreaterThan(20);

    // Email templates see the predictions: `{{ predictions.churn_risk }}`, `{{ predictions.clv | money }}`.
    const ctx = await fixture.app.patron.modules.messaging.contexts.build(db, [top.items[0].id, future.customer_id!]);
    expect(ctx.get(top.items[0].id)!.predictions).toMatchObject({ churn_risk: p.prediction.churnRisk, clv: p.prediction.clv, currency: 'USD' });
    expect(ctx.get(future.customer_id!)!.predictions).toBeUndefined();

    // Erasure removes a customer's predictions; export lists them first.
    const clv = fixture.app.patron.modules.predict.clv.service;
    expect((await clv.exportCustomer(top.items[0].id)).predictions).toHaveLength(1);
    expect(await clv.eraseCustomer(top.items[0].id)).toEqual({ predictions: 1 });

    // An evaluation fit leaves the predictions alone, and pruning the history never drops the scoring fit they came from.
    const ev = (await call(owner, 'POST', '/api/predict/clv/fit', { until: '2024-06-30', unit: 'day' })).json();
    expect(ev).toMatchObject({ purpose: 'evaluation', holdoutEnd: m.calibrationEnd, scored: 0 });
    const { clvRepo } = await import('./clv.repo.ts');
    await clvRepo.prune(db, 1);
    expect((await db.selectFrom('clv_models').select('id').execute()).map((r) => r.id).sort()).toEqual([m.id, ev.id].sort());
    expect((await clv.forCustomer(top.items[1].id)).prediction?.modelId).toBe(m.id);

    const audit = await fixture.app.patron.dbh.db.selectFrom('audit_log').select('action').where('action', '=', 'predict.clv.fitted').execute();
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it('refits at a worker’s start when a database crash emptied the (unlogged) predictions', async () => {
    const db = fixture.app.patron.dbh.db;
    const module = fixture.app.patron.modules.predict.clv;
    const { clvRepo } = await import('./clv.repo.ts');
    const persistence = await sql<{ p: string }>`select relpersistence as p from pg_class where oid = 'customer_predictions'::regclass`.execute(db);
    expect(persistence.rows[0]!.p).toBe('u');
    const before = Number((await sql<{ n: string }>`select count(*) as n from customer_predictions`.execute(db)).rows[0]!.n);
    expect(before).toBeGreaterThan(0);
    const job = sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'predict.clv-fit' and key = 'clv-recovery'`;
    // Nothing lost: nothing to do.
    expect(await clvRepo.lostInCrash(db)).toBe(false);
    await module.recover();
    expect((await job.execute(db)).rows[0]!.n).toBe(0);
    // Crash recovery resets an unlogged table to empty; the next worker start queues a refit, once.
    await sql`truncate customer_predictions`.execute(db);
    expect(await clvRepo.lostInCrash(db)).toBe(true);
    const someone = (await db.selectFrom('orders').select('customer_id').where('customer_id', 'is not', null).limit(1).executeTakeFirstOrThrow()).customer_id!;
    const meanwhile = (await call(support, 'GET', `/api/customers/${someone}/predictions`)).json();
    expect(meanwhile).toMatchObject({ prediction: null, reason: expect.stringMatching(/being recomputed/) });
    await module.recover();
    await module.recover();
    expect((await job.execute(db)).rows[0]!.n).toBe(1);
    const m = await module.service.runJob('recovery');
    expect(m).toMatchObject({ status: 'fitted', trigger: 'recovery' });
    expect(m.scored).toBeGreaterThanOrEqual(before);
    expect(await clvRepo.lostInCrash(db)).toBe(false);
  });
});
