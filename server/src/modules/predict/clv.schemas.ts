import { z } from 'zod';

// Shared with the web client: the CLV and churn API's shapes. Every number is finite (a prediction the model
// cannot make is null with a reason, never NaN or Infinity).

export const TIME_UNITS = ['day', 'week'] as const;
export const CHURN_RISKS = ['low', 'medium', 'high'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

export const clvFitRequestSchema = z.strictObject({
  /** Last day of the calibration period (store time zone). Omitted (or on/after the latest order): the latest order's day, and every customer's predictions are refreshed. */
  until: isoDate.optional(),
  unit: z.enum(TIME_UNITS, { error: 'must be "day" or "week"' }).default('week'),
  horizonMonths: z.number({ error: 'must be a whole number of months from 1 to 120' }).int('must be a whole number of months from 1 to 120').min(1, 'must be at least 1 month').max(120, 'must be at most 120 months').default(12),
  discountRate: z.number({ error: 'must be an annual rate from 0 to 1, e.g. 0.1 for 10%' }).min(0, 'must not be negative').max(1, 'must be at most 1 (100% a year)').default(0.1),
});
export type ClvFitRequest = z.infer<typeof clvFitRequestSchema>;

const bgnbdParams = z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() });
const ggParams = z.object({ p: z.number(), q: z.number(), gamma: z.number() });

export const clvModelSchema = z.object({
  id: z.string(),
  status: z.enum(['fitted', 'insufficient-data']),
  /** Why there is no model (status insufficient-data), in words a store owner understands. */
  reason: z.string().nullable(),
  purpose: z.enum(['scoring', 'evaluation']),
  trigger: z.string(),
  calibrationEnd: z.string(),
  holdoutEnd: z.string().nullable(),
  unit: z.enum(TIME_UNITS),
  horizonMonths: z.number(),
  discountRate: z.number(),
  currency: z.string(),
  customers: z.number(),
  repeatCustomers: z.number(),
  transactions: z.number(),
  bgnbd: z.object({
    params: bgnbdParams,
    /** Standard errors from the numeric Hessian; null when it is not positive definite (a parameter is not identified). */
    se: bgnbdParams.nullable(),
    logLik: z.number(),
    converged: z.boolean(),
    atBound: z.boolean(),
  }).nullable(),
  gammaGamma: z.object({
    /** γ in major units of `currency` (dollars, not cents). */
    params: ggParams,
    se: ggParams.nullable(),
    logLik: z.number(),
    converged: z.boolean(),
    atBound: z.boolean(),
    customers: z.number(),
    /** The model's mean order value pγ/(q−1), major units. */
    populationMean: z.number(),
  }).nullable(),
  /** Why there is no spend model (so no expected order value and no CLV), when the purchase model fitted. */
  spendReason: z.string().nullable(),
  warnings: z.array(z.string()),
  scored: z.number(),
  durationMs: z.number(),
  /** Where the time went: the SQL summary, the two fits (and diagnostics), writing the predictions. */
  timings: z.object({ summaryMs: z.number(), fitMs: z.number(), scoreMs: z.number() }).nullable(),
  createdAt: z.date(),
});
export type ClvModel = z.infer<typeof clvModelSchema>;

export const clvDiagnosticsSchema = z.object({
  model: clvModelSchema,
  histogram: z.array(z.object({ x: z.string(), actual: z.number(), expected: z.number() })),
  /** Cumulative repeat transactions; `date` is the end of the point's day, the calibration ends at `calibrationEnd`. */
  tracking: z.array(z.object({ date: z.string(), actual: z.number(), expected: z.number() })),
  /** Mean holdout transactions per customer by calibration frequency; empty without a holdout. */
  conditional: z.array(z.object({ x: z.string(), customers: z.number(), actual: z.number(), expected: z.number() })),
  holdoutDays: z.number(),
});
export type ClvDiagnostics = z.infer<typeof clvDiagnosticsSchema>;

/** The latest scoring and evaluation models, or why there is none yet. */
export const clvOverviewSchema = z.object({
  scoring: clvModelSchema.nullable(),
  evaluation: clvModelSchema.nullable(),
  /** The days a calibration end may be chosen between (first and last order day), null without orders. */
  dataRange: z.object({ first: z.string(), last: z.string() }).nullable(),
});

export const customerPredictionSchema = z.object({
  pAlive: z.number(),
  churnRisk: z.enum(CHURN_RISKS),
  expectedOrders30: z.number(),
  expectedOrders90: z.number(),
  expectedOrders365: z.number(),
  /** Minor units of `currency`; null without a spend model. */
  expectedAov: z.number().nullable(),
  clv: z.number().nullable(),
  currency: z.string(),
  horizonMonths: z.number(),
  discountRate: z.number(),
  nextOrderOn: z.string().nullable(),
  repeatOrders: z.number(),
  computedAt: z.date(),
  modelId: z.string(),
});
export type CustomerPrediction = z.infer<typeof customerPredictionSchema>;

export const customerPredictionResponseSchema = z.object({
  prediction: customerPredictionSchema.nullable(),
  /** Why there is no prediction, when there is none. */
  reason: z.string().nullable(),
});

export const topClvQuerySchema = z.strictObject({
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 200' }).int('must be a whole number from 1 to 200').min(1, 'must be at least 1').max(200, 'must be at most 200').default(20),
});

export const topClvPageSchema = z.object({
  items: z.array(z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    pAlive: z.number(),
    churnRisk: z.enum(CHURN_RISKS),
    expectedOrders365: z.number(),
    expectedAov: z.number().nullable(),
    clv: z.number().nullable(),
    nextOrderOn: z.string().nullable(),
    orders: z.number(),
    lastOrderAt: z.date().nullable(),
  })),
  nextCursor: z.string().nullable(),
  currency: z.string(),
});
