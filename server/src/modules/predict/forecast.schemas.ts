import { z } from 'zod';

/** Request and response schemas of the demand forecast (shared with the web app). */

export const SERIES_KINDS = ['product', 'category', 'store'] as const;
export const seriesKindSchema = z.enum(SERIES_KINDS);
export type SeriesKind = z.infer<typeof seriesKindSchema>;

export const RISKS = ['out', 'short', 'at-risk', 'ok', 'no-forecast'] as const;
export const riskSchema = z.enum(RISKS).describe(
  'out: no stock and demand expected; short: expected demand over the lead time exceeds stock; at-risk: the upper 95% bound of demand over the lead time exceeds stock; ok: enough cover; no-forecast: stock given but no forecast for the product',
);
export type Risk = z.infer<typeof riskSchema>;

const week = z.string().describe('Monday of the week (YYYY-MM-DD, store time zone)');
const money = z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() });

export const stockInfoSchema = z.object({
  quantity: z.number().int(),
  leadTimeWeeks: z.number().int().describe('The product’s lead time, or the default of 2 weeks'),
  demandOverLeadTime: z.number().describe('Expected units sold over the lead time'),
  demandOverLeadTimeUpper: z.number().describe('Upper 95% bound of units over the lead time (sum of the weekly upper bounds: conservative)'),
  weeksOfCover: z.number().nullable().describe('Stock ÷ expected weekly demand over the horizon; null when no demand is expected'),
  risk: riskSchema,
  updatedAt: z.date(),
});
export type StockInfo = z.infer<typeof stockInfoSchema>;

export const seriesSummarySchema = z.object({
  kind: seriesKindSchema,
  key: z.string().describe('Product id, category name, or "all" for the store'),
  productId: z.string().nullable(),
  label: z.string(),
  sku: z.string().nullable(),
  status: z.enum(['ok', 'too-little-history', 'no-sales']),
  reason: z.string().nullable().describe('Why there is no forecast (status other than ok)'),
  method: z.string().nullable().describe('ses (simple exponential smoothing), holt-damped, hw-damped (additive Holt–Winters, damped trend), croston-sba (Croston with the Syntetos–Boylan correction), tsb (Teunter–Syntetos–Babai), combination (average of the smoothing candidates), naive (last week repeated: nothing beat it on held-out weeks), seasonal-naive'),
  forecastUnits: z.number().describe('Expected units over the horizon'),
  forecastRevenue: money.nullable().describe('Expected units × the average price of the last 8 weeks'),
  recentUnits: z.number().describe('Units in the last 8 weeks of history'),
  smape: z.number().nullable().describe('sMAPE (%) of the model on the backtest (last holdout weeks)'),
  naiveSmape: z.number().nullable().describe('sMAPE (%) of the naive baseline on the same weeks'),
  naiveKind: z.enum(['seasonal-naive', 'naive']).nullable(),
  stock: stockInfoSchema.nullable(),
});
export type SeriesSummary = z.infer<typeof seriesSummarySchema>;

export const seriesListQuery = z.strictObject({
  kind: seriesKindSchema.default('product'),
  risk: z.enum(['any', 'flagged']).default('any').describe('flagged: only products that are out, short or at risk, fewest weeks of cover first'),
  q: z.string().trim().max(200).optional().describe('Part of the title, SKU or category'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SeriesListQuery = z.infer<typeof seriesListQuery>;
export const seriesListSchema = z.object({ items: z.array(seriesSummarySchema), nextCursor: z.string().nullable() });
export type SeriesList = z.infer<typeof seriesListSchema>;

export const seriesDetailSchema = seriesSummarySchema.extend({
  params: z.record(z.string(), z.number()).nullable().describe('Fitted smoothing parameters (alpha, beta, gamma, phi)'),
  history: z.array(z.object({ week, units: z.number(), revenue: z.number().int() })),
  forecast: z.array(z.object({ week, mean: z.number(), lower: z.number(), upper: z.number() })),
  backtest: z.array(z.object({ week, actual: z.number(), forecast: z.number(), naive: z.number() })).nullable(),
});
export type SeriesDetail = z.infer<typeof seriesDetailSchema>;

export const accuracySchema = z.object({
  series: z.number().int().describe('Series with a forecast'),
  backtested: z.number().int().describe('…long enough for a backtest'),
  smape: z.number().nullable().describe('Mean sMAPE (%) of the model over the backtested series'),
  naiveSmape: z.number().nullable().describe('Mean sMAPE (%) of the naive baseline over the same series'),
  beatsNaive: z.number().int().describe('Backtested series where the model’s sMAPE is lower than the baseline’s'),
  coverage: z.number().nullable().optional().describe('Share (%) of the backtest weeks whose actual units fell within the forecast’s 95% interval (95 would be calibrated)'),
  tiesNaive: z.number().int().optional().describe('Backtested series where both score the same (mostly: naive was chosen on the weeks before the holdout); absent in runs before it was counted'),
});
export type Accuracy = z.infer<typeof accuracySchema>;

export const runSummarySchema = z.object({
  accuracy: z.object({
    product: accuracySchema,
    regular: accuracySchema.describe('Products that sold in at least half of the weeks before the holdout'),
    intermittent: accuracySchema.describe('The other products: mostly zero weeks, where sMAPE counts any non-zero forecast of a zero week as 200%'),
    category: accuracySchema,
    store: accuracySchema,
  }),
  counts: z.object({ ok: z.number().int(), tooLittleHistory: z.number().int(), noSales: z.number().int() }),
  naiveKind: z.enum(['seasonal-naive', 'naive']).nullable(),
  clampedWeeks: z.number().int().describe('Product-weeks where cancellations exceeded orders; counted as 0'),
  futureOrdersIgnored: z.number().int().describe('Orders dated after the run started (ignored)'),
  seconds: z.number(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  trigger: z.string(),
  horizon: z.number().int(),
  holdout: z.number().int(),
  firstWeek: z.string().nullable(),
  lastWeek: z.string().nullable(),
  weeks: z.number().int(),
  summary: runSummarySchema.nullable(),
  error: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});
export type Run = z.infer<typeof runSchema>;

export const overviewSchema = z.object({
  run: runSchema.nullable().describe('The latest finished run (its series are what the API serves)'),
  running: z.boolean().describe('A computation is queued or running'),
  lastFailure: z.string().nullable(),
  categories: z.array(z.string()),
  flagged: z.number().int().describe('Products out, short or at risk'),
  stockLevels: z.number().int(),
});
export type Overview = z.infer<typeof overviewSchema>;

export const runBody = z.strictObject({
  horizon: z.number().int().min(1, { error: 'must be at least 1 week' }).max(52, { error: 'must be at most 52 weeks' }).default(12).describe('Weeks to forecast'),
});
export type RunBody = z.infer<typeof runBody>;

const stockItem = z
  .strictObject({
    sku: z.string().trim().min(1).max(200).optional().describe('The product’s SKU (or its id in the store it came from)'),
    productId: z.guid({ error: 'must be a product id (UUID)' }).optional(),
    quantity: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number of units' }).min(0, { error: 'cannot be negative: send 0 for out of stock' }).max(1_000_000_000),
    leadTimeWeeks: z.number().int().min(1).max(52).nullable().optional().describe('Weeks from reordering to stock on the shelf (default 2)'),
  })
  .refine((v) => !!v.sku !== !!v.productId, { error: 'give either sku or productId (one of them)' });

export const stockBody = z.strictObject({
  items: z.array(stockItem).min(1, { error: 'needs at least one item' }).max(20_000, { error: 'allows at most 20,000 items per request' }),
  skipUnknown: z.boolean().default(false).describe('Save the known products and report the unknown ones, instead of rejecting the whole request'),
});
export type StockBody = z.infer<typeof stockBody>;
export const stockResultSchema = z.object({
  updated: z.number().int(),
  skipped: z.array(z.object({ index: z.number().int(), given: z.string(), reason: z.string() })),
});
export type StockResult = z.infer<typeof stockResultSchema>;

export const stockListSchema = z.object({
  items: z.array(z.object({ productId: z.string(), title: z.string(), sku: z.string().nullable(), quantity: z.number().int(), leadTimeWeeks: z.number().int().nullable(), updatedAt: z.date() })),
  nextCursor: z.string().nullable(),
});
