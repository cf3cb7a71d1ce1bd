import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { badRequest, notFound, unavailable } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { exponentOf } from '../../platform/money.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { wallTime } from '../../platform/zoned.ts';
import { fitBgnbd } from './bgnbd.ts';
import { conditionalByFrequency, frequencyHistogram, scorePairs, tracking, UNIT_DAYS, type TimeUnit } from './clv.compute.ts';
import { clvRepo, type ClvModelsTable, type CustomerPredictionsTable } from './clv.repo.ts';
import type { ClvDiagnostics, ClvFitRequest, ClvModel, CustomerPrediction } from './clv.schemas.ts';
import { expectedSpend, fitGammaGamma } from './gammagamma.ts';
import { finiteOrNull } from './special.ts';

export const CLV_FIT_JOB = 'predict.clv-fit';
const KEEP_MODELS = 50;
/** Below these the likelihood is too flat to trust (and the papers' models are about customer bases, not handfuls). */
export const MIN_CUSTOMERS = 30;
export const MIN_REPEAT_CUSTOMERS = 10;

export type FitTrigger = 'nightly' | 'manual' | 'cli' | 'demo' | 'recovery';

interface StoredDiagnostics {
  histogram: ClvDiagnostics['histogram'];
  tracking: ClvDiagnostics['tracking'];
  conditional: ClvDiagnostics['conditional'];
  holdoutDays: number;
  spendReason: string | null;
  timings?: { summaryMs: number; fitMs: number; scoreMs: number };
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
function today(timeZone: string): string {
  const w = wallTime(new Date(), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Lifetime value and churn: fits BG/NBD + Gamma-Gamma on the store's orders and scores every customer. */
export class ClvService {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Fits both models with calibration ending `until` (default: the day of the store's latest order) and returns
   * the model. Without `until` (or with a day on or after the latest order) every customer's predictions are
   * rebuilt from it; with an earlier day it is an evaluation fit whose diagnostics compare the model with the
   * orders after `until` (the holdout).
   */
  async fit(req: ClvFitRequest, trigger: FitTrigger, actor?: Actor): Promise<ClvModel> {
    const started = performance.now();
    const { currency, timeZone } = await getStoreSettings(this.db);
    const now = today(timeZone);
    if (req.until && req.until > now) {
      throw badRequest(`The calibration end ${req.until} is in the future (today is ${now} in the store's time zone). Pick a day on or before today.`, [{ pointer: '/body/until', detail: 'must be today or earlier' }]);
    }
    // Predictions are as of the store's latest order (as RFM's recency is): an archive imported years later is
    // scored as of its own end, not as if every customer had vanished since. An earlier day is an evaluation.
    const lastDay = await clvRepo.lastOrderDay(this.db, timeZone);
    const until = req.until ?? lastDay ?? now;
    const purpose = lastDay && until < lastDay ? 'evaluation' : 'scoring';
    const holdoutEnd = purpose === 'evaluation' ? lastDay! : until;
    const u = UNIT_DAYS[req.unit];
    try {
      return await this.db.transaction().execute(async (tx) => {
        await clvRepo.lock(tx);
        const t0 = performance.now();
        const scope = { until, holdoutEnd, timeZone, currency, everything: !lastDay || holdoutEnd >= lastDay };
        const counts = await clvRepo.summarise(tx, scope);
        const summaryMs = Math.round(performance.now() - t0);
        const insufficient = insufficiency(counts, until);
        // The left-out orders are counted for the page's warnings, on a connection of their own and one core (no
        // parallel workers), while this one groups the customers and Node fits the purchase model.
        const excludedP = this.db.transaction().execute(async (side) => {
          await clvRepo.serialQueries(side);
          return clvRepo.excluded(side, currency);
        });
        excludedP.catch(() => undefined);
        const groups = insufficient ? null : await clvRepo.groups(tx);
        const bg = groups ? fitBgnbd({ x: groups.x, tx: groups.tx.map((v) => v / u), T: groups.T.map((v) => v / u), n: groups.n }) : null;
        const excluded = await excludedP;
        const warnings: string[] = [];
        if (excluded.future) warnings.push(`${plural(excluded.future, 'order')} dated in the future ${excluded.future === 1 ? 'was' : 'were'} left out.`);
        if (excluded.otherCurrency) warnings.push(`${plural(excluded.otherCurrency, 'order')} in currencies other than ${currency} ${excluded.otherCurrency === 1 ? 'was' : 'were'} left out.`);
        if (excluded.refunded) warnings.push(`${plural(excluded.refunded, 'fully refunded order')} ${excluded.refunded === 1 ? 'does' : 'do'} not count as ${excluded.refunded === 1 ? 'a purchase' : 'purchases'}.`);
        if (excluded.free) warnings.push(`${plural(excluded.free, 'free (zero-value) order')} ${excluded.free === 1 ? 'counts' : 'count'} as ${excluded.free === 1 ? 'a visit' : 'visits'} that bought something but ${excluded.free === 1 ? 'adds' : 'add'} nothing to spend.`);

        const row: ClvModelsTable = {
          id: newId(), status: 'fitted', reason: null, purpose, trigger, calibration_end: until, holdout_end: purpose === 'evaluation' ? holdoutEnd : null,
          unit: req.unit, horizon_months: req.horizonMonths, discount_rate: req.discountRate, currency,
          customers: counts.customers, repeat_customers: counts.repeatCustomers, transactions: counts.transactions,
          bgnbd: null, gamma_gamma: null, diagnostics: {}, warnings, scored: 0, duration_ms: 0, created_at: new Date(), created_by: actor?.label ?? null,
        };
        row.reason = insufficient;
        let scored: { pairs: ReturnType<typeof scorePairs>; bg: { r: number; alpha: number; a: number; b: number } } | null = null;
        let spend: { p: number; q: number; gamma: number; scale: number } | null = null;
        if (!row.reason && groups && bg) {
          const finite = Number.isFinite(bg.logLik) && Object.values(bg.params).every(Number.isFinite);
          if (!finite) {
            row.reason = 'The purchase model could not be fitted to these orders (the likelihood has no finite maximum). This happens with very irregular data; it usually resolves as more customers order again.';
          } else {
            if (bg.atBound) warnings.push('A purchase-model parameter ran to the optimiser\'s bound: the data do not pin it down, so treat the predictions as rough.');
            if (!bg.se) warnings.push('Standard errors are not available: the likelihood is flat in some direction (a parameter is not identified by these data).');
            row.bgnbd = { params: bg.params, se: bg.se, logLik: bg.logLik, converged: bg.converged, atBound: bg.atBound };
            const s = await clvRepo.spend(tx);
            const scale = 10 ** exponentOf(currency);
            let spendReason: string | null = null;
            if (s.x.length < MIN_REPEAT_CUSTOMERS) {
              spendReason = `Only ${plural(s.x.length, 'customer')} ordered again with a positive value; the spend model needs at least ${MIN_REPEAT_CUSTOMERS}, so there is no expected order value or CLV yet.`;
            } else {
              const gg = fitGammaGamma({ x: s.x, m: s.sum.map((v, i) => v / scale / s.x[i]!) });
              const mean = expectedSpend(gg.params, 0, 0);
              if (!Number.isFinite(gg.logLik) || !Number.isFinite(mean) || !Object.values(gg.params).every(Number.isFinite)) {
                spendReason = 'Order values vary so widely that the spend model has no finite average (q ≤ 1), so there is no expected order value or CLV. A few extreme orders (wholesale, test orders) often cause this.';
              } else {
                if (gg.atBound) warnings.push('A spend-model parameter ran to the optimiser\'s bound: treat expected order values as rough.');
                row.gamma_gamma = { params: gg.params, se: gg.se, logLik: gg.logLik, converged: gg.converged, atBound: gg.atBound, customers: s.x.length, populationMean: mean };
                spend = { ...gg.params, scale };
              }
            }
            const holdoutDays = daysBetween(until, holdoutEnd);
            const diag: StoredDiagnostics = {
              histogram: frequencyHistogram(bg.params, groups, req.unit),
              // The tracking chart is the holdout check's: only evaluation fits pay for its second pass over the orders.
              tracking: purpose === 'evaluation'
                ? tracking(bg.params, await clvRepo.cohorts(tx), await clvRepo.dailyRepeats(tx, scope), holdoutDays, req.unit).map((p) => ({ date: addDays(until, p.day), actual: p.actual, expected: p.expected }))
                : [],
              conditional: holdoutDays > 0 ? conditionalByFrequency(bg.params, groups, holdoutDays, req.unit) : [],
              holdoutDays,
              spendReason,
            };
            const before = diag.histogram.length + diag.tracking.length + diag.conditional.length;
            diag.histogram = diag.histogram.filter(finiteRow);
            diag.tracking = diag.tracking.filter(finiteRow);
            diag.conditional = diag.conditional.filter(finiteRow);
            if (diag.histogram.length + diag.tracking.length + diag.conditional.length < before) warnings.push('Some diagnostic chart points could not be computed for these parameters and are not shown.');
            row.diagnostics = diag;
            if (purpose === 'scoring') scored = { pairs: scorePairs(bg.params, groups, { unit: req.unit, horizonMonths: req.horizonMonths, discountRate: req.discountRate }), bg: bg.params };
          }
        }
        if (row.reason) row.status = 'insufficient-data';
        const t1 = performance.now();
        if (purpose === 'scoring') {
          // An insufficient fit clears the old predictions: stale numbers from a model that no longer holds are worse than none.
          if (scored) row.scored = await clvRepo.writePredictions(tx, { modelId: row.id, until, computedAt: row.created_at, unitDays: u, bg: scored.bg, pairs: scored.pairs, spend });
          else await clvRepo.clear(tx);
        }
        row.duration_ms = Math.round(performance.now() - started);
        const timings = { summaryMs, fitMs: Math.round(t1 - t0) - summaryMs, scoreMs: Math.round(performance.now() - t1) };
        row.diagnostics = { ...(row.diagnostics as object), timings };
        await clvRepo.insertModel(tx, row);
        await clvRepo.prune(tx, KEEP_MODELS);
        if (actor) {
          await audit.record(tx, actor, {
            action: 'predict.clv.fitted', entityType: 'clv_model', entityId: row.id,
            summary: row.status === 'fitted' ? `Fitted the CLV models on ${plural(row.customers, 'customer')} (calibration to ${until}, ${req.unit}s)` : `CLV fit found too little data: ${row.reason}`,
            after: { purpose, until, unit: req.unit, status: row.status, scored: row.scored },
          });
        }
        return toModel(row);
      });
    } catch (e) {
      if (['55P03', '40P01'].includes((e as { code?: string }).code ?? '')) throw unavailable('The predictions are in use right now; fit again in a few seconds.');
      throw e;
    }
  }

  /** The latest scoring and evaluation fits and the range of order days a calibration end can be chosen in. */
  async overview() {
    const { timeZone } = await getStoreSettings(this.db);
    const [scoring, evaluation, last] = await Promise.all([clvRepo.latestModel(this.db, 'scoring'), clvRepo.latestModel(this.db, 'evaluation'), clvRepo.lastOrderDay(this.db, timeZone)]);
    const first = last ? await clvRepo.firstOrderDay(this.db, timeZone) : null;
    return { scoring: scoring ? toModel(scoring) : null, evaluation: evaluation ? toModel(evaluation) : null, dataRange: first && last ? { first, last } : null };
  }

  /** A model's diagnostics (the latest scoring fit's when no id is given). */
  async diagnostics(id?: string): Promise<ClvDiagnostics> {
    const row = id ? await clvRepo.model(this.db, id) : await clvRepo.latestModel(this.db, 'scoring');
    if (!row) throw notFound(id ? `No CLV model with id ${id}.` : 'No CLV model has been fitted yet: POST /api/predict/clv/fit.');
    const d = (row.diagnostics ?? {}) as Partial<StoredDiagnostics>;
    return { model: toModel(row), histogram: d.histogram ?? [], tracking: d.tracking ?? [], conditional: d.conditional ?? [], holdoutDays: d.holdoutDays ?? 0 };
  }

  /** One customer's predictions, or why there are none. */
  async forCustomer(id: string): Promise<{ prediction: CustomerPrediction | null; reason: string | null }> {
    const row = await clvRepo.forCustomer(this.db, id);
    const model = row ? await clvRepo.model(this.db, row.model_id) : await clvRepo.latestModel(this.db, 'scoring');
    if (row && model) return { prediction: toPrediction(row, model), reason: null };
    if (!(await this.db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst())) throw notFound(`No customer with id ${id}.`);
    if (!model) return { prediction: null, reason: 'No predictions yet: the models have not been fitted. They fit nightly, or from Predictions → Refit now.' };
    if (model.status !== 'fitted') return { prediction: null, reason: `No predictions: ${model.reason}` };
    if (await clvRepo.lostInCrash(this.db)) return { prediction: null, reason: 'No predictions at the moment: the database restarted after a crash and they are being recomputed (a refit was queued when the worker started).' };
    return { prediction: null, reason: `No prediction for this customer: they had no purchase in ${model.currency} (with a value above zero) up to ${model.calibration_end}, when the models were last fitted.` };
  }

  /** Customers by predicted CLV, highest first. */
  async top(limit: number, cursor?: string) {
    const model = await clvRepo.latestModel(this.db, 'scoring');
    const page = await clvRepo.top(this.db, limit, cursor);
    return {
      items: page.rows.map((r) => ({
        id: r.customer_id, name: [r.first_name, r.last_name].filter(Boolean).join(' ') || r.email || r.phone || (r.ref ? `Customer ${r.ref}` : 'Unnamed customer'), email: r.email,
        pAlive: r.p_alive, churnRisk: r.churn_risk, expectedOrders365: r.expected_orders_365, expectedAov: r.expected_aov === null ? null : Number(r.expected_aov),
        clv: r.clv === null ? null : Number(r.clv), nextOrderOn: r.next_order_on, orders: r.order_count, lastOrderAt: r.last_order_at,
      })),
      nextCursor: page.nextCursor,
      currency: model?.currency ?? (await getStoreSettings(this.db)).currency,
    };
  }

  /** The nightly job: refits with the latest scoring fit's unit, horizon and discount rate. */
  async runJob(trigger: FitTrigger): Promise<ClvModel> {
    const last = await clvRepo.latestModel(this.db, 'scoring');
    return this.fit({ unit: last?.unit ?? 'week', horizonMonths: last?.horizon_months ?? 12, discountRate: last?.discount_rate ?? 0.1 }, trigger);
  }

  /**
   * `predictions` in email templates: `{{ predictions.churn_risk }}`, `{{ predictions.clv | money }}`, … per recipient,
   * set-based for a batch. Customers without a prediction get no entry (so `{% if predictions %}` is false).
   */
  async contextSection(db: Executor, customerIds: string[]): Promise<Map<string, PredictionVars>> {
    const out = new Map<string, PredictionVars>();
    if (!customerIds.length) return out;
    const rows = await db.selectFrom('customer_predictions as p').innerJoin('clv_models as m', 'm.id', 'p.model_id')
      .select(['p.customer_id', 'p.p_alive', 'p.churn_risk', 'p.expected_orders_30', 'p.expected_orders_90', 'p.expected_orders_365', 'p.expected_aov', 'p.clv', 'p.next_order_on', 'm.currency'])
      .where('p.customer_id', 'in', customerIds).execute();
    for (const r of rows) {
      out.set(r.customer_id, {
        churn_risk: r.churn_risk, probability_alive: Math.round(r.p_alive * 1000) / 1000,
        expected_orders_30: Math.round(r.expected_orders_30 * 100) / 100, expected_orders_90: Math.round(r.expected_orders_90 * 100) / 100, expected_orders_365: Math.round(r.expected_orders_365 * 100) / 100,
        expected_order_value: r.expected_aov === null ? null : Number(r.expected_aov), clv: r.clv === null ? null : Number(r.clv), currency: r.currency, next_order_date: r.next_order_on,
      });
    }
    return out;
  }

  /** Personal data held about the customer: their predictions. */
  async exportCustomer(customerId: string): Promise<{ predictions: CustomerPredictionsTable[] }> {
    const row = await clvRepo.forCustomer(this.db, customerId);
    return { predictions: row ? [row] : [] };
  }

  async eraseCustomer(customerId: string, tx?: Tx): Promise<{ predictions: number }> {
    return { predictions: await clvRepo.erase(tx ?? this.db, customerId) };
  }
}

/** A recipient's predictions as template variables (money in minor units of `currency`, like the rest of the context). */
export interface PredictionVars {
  churn_risk: 'low' | 'medium' | 'high';
  probability_alive: number;
  expected_orders_30: number;
  expected_orders_90: number;
  expected_orders_365: number;
  expected_order_value: number | null;
  clv: number | null;
  currency: string;
  next_order_date: string | null;
}

const finiteRow = (r: object) => Object.values(r).every((v) => typeof v !== 'number' || Number.isFinite(v));

function insufficiency(c: { customers: number; repeatCustomers: number }, until: string): string | null {
  if (c.customers === 0) return `No customer had a purchase by ${until}, so there is nothing to learn from yet. Import orders or pick a later calibration end.`;
  if (c.repeatCustomers === 0) return `All ${plural(c.customers, 'customer')} bought once only (repeat purchases on the same day count as one), so the models cannot tell how often people come back. Predictions appear once some customers order again on a later day.`;
  if (c.customers < MIN_CUSTOMERS) return `Only ${plural(c.customers, 'customer')} with purchases; the models need at least ${MIN_CUSTOMERS} to say anything reliable.`;
  if (c.repeatCustomers < MIN_REPEAT_CUSTOMERS) return `Only ${plural(c.repeatCustomers, 'customer')} of ${c.customers.toLocaleString('en')} ordered again on a later day; the purchase model needs at least ${MIN_REPEAT_CUSTOMERS} repeat customers.`;
  return null;
}

function toModel(r: ClvModelsTable): ClvModel {
  const bg = r.bgnbd as ClvModel['bgnbd'];
  const gg = r.gamma_gamma as ClvModel['gammaGamma'];
  const d = (r.diagnostics ?? {}) as Partial<StoredDiagnostics>;
  return {
    id: r.id, status: r.status, reason: r.reason, purpose: r.purpose, trigger: r.trigger, calibrationEnd: r.calibration_end, holdoutEnd: r.holdout_end,
    unit: r.unit as TimeUnit, horizonMonths: r.horizon_months, discountRate: r.discount_rate, currency: r.currency,
    customers: r.customers, repeatCustomers: r.repeat_customers, transactions: r.transactions,
    bgnbd: bg, gammaGamma: gg, spendReason: d.spendReason ?? null, warnings: (r.warnings ?? []) as string[], scored: r.scored, durationMs: r.duration_ms, timings: d.timings ?? null, createdAt: r.created_at,
  };
}

function toPrediction(r: CustomerPredictionsTable, m: ClvModelsTable): CustomerPrediction {
  return {
    pAlive: finiteOrNull(r.p_alive) ?? 0, churnRisk: r.churn_risk,
    expectedOrders30: finiteOrNull(r.expected_orders_30) ?? 0, expectedOrders90: finiteOrNull(r.expected_orders_90) ?? 0, expectedOrders365: finiteOrNull(r.expected_orders_365) ?? 0,
    expectedAov: r.expected_aov === null ? null : Number(r.expected_aov), clv: r.clv === null ? null : Number(r.clv), currency: m.currency,
    horizonMonths: m.horizon_months, discountRate: m.discount_rate, nextOrderOn: r.next_order_on, repeatOrders: r.repeat_orders, computedAt: r.computed_at, modelId: r.model_id,
  };
}
