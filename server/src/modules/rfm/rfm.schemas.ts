import { z } from 'zod';
import { RFM_CLASSES } from './rfm.classes.ts';

// Shared with the web client and other modules: the RFM API's shapes.

export const rfmClassSchema = z.enum(RFM_CLASSES, { error: `must be one of ${RFM_CLASSES.join(', ')}` });
const score = z.coerce.number({ error: 'must be a whole number from 1 to 5' }).int('must be a whole number from 1 to 5').min(1, 'must be a whole number from 1 to 5').max(5, 'must be a whole number from 1 to 5');

/** Which customers: a cell (r and f), a row or column of the grid (r or f alone), a class, or any mix of them. */
export const rfmFilterSchema = z.strictObject({
  r: score.optional(),
  f: score.optional(),
  class: rfmClassSchema.optional(),
});
export type RfmFilter = z.infer<typeof rfmFilterSchema>;

export const rfmCustomersQuerySchema = rfmFilterSchema.extend({
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const rfmRunSchema = z.object({
  id: z.string(),
  computedAt: z.date(),
  /** Recency is counted in days back from this moment: the store's latest order when the run started. */
  asOf: z.date().nullable(),
  customers: z.number(),
  /** Net revenue (spent minus refunded) of the scored customers, minor units of `currency`. */
  revenue: z.number(),
  currency: z.string(),
  durationMs: z.number(),
  trigger: z.string(),
});
export type RfmRun = z.infer<typeof rfmRunSchema>;

/** The values that got one score: recency in days, frequency in orders, monetary in minor units. */
export const cutPointSchema = z.object({ score: z.number(), min: z.number(), max: z.number(), customers: z.number() });
export const cutPointsSchema = z.object({ recency: z.array(cutPointSchema), frequency: z.array(cutPointSchema), monetary: z.array(cutPointSchema) });
export type CutPoints = z.infer<typeof cutPointsSchema>;

export const rfmCellSchema = z.object({ r: z.number(), f: z.number(), class: rfmClassSchema, customers: z.number(), revenue: z.number(), orders: z.number() });
export type RfmCell = z.infer<typeof rfmCellSchema>;

export const rfmClassSummarySchema = z.object({
  class: rfmClassSchema,
  label: z.string(),
  description: z.string(),
  action: z.string(),
  customers: z.number(),
  /** Of the scored customers, 0–1. */
  share: z.number(),
  revenue: z.number(),
  revenueShare: z.number(),
  orders: z.number(),
  /** Net revenue per order, minor units; null without orders. */
  averageOrderValue: z.number().nullable(),
});

export const rfmOverviewSchema = z.object({
  run: rfmRunSchema.nullable(),
  currency: z.string(),
  /** Always 25 cells, R then F ascending (zeros before the first run). */
  cells: z.array(rfmCellSchema),
  /** Always the 11 classes, best first. */
  classes: z.array(rfmClassSummarySchema),
  cutPoints: cutPointsSchema.nullable(),
});
export type RfmOverview = z.infer<typeof rfmOverviewSchema>;

const scores = { recency: z.number(), frequency: z.number(), monetary: z.number(), class: rfmClassSchema, label: z.string() };

export const rfmCustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  country: z.string().nullable(),
  ...scores,
  recencyDays: z.number(),
  orderCount: z.number(),
  netSpent: z.number(),
  lastOrderAt: z.date().nullable(),
});
export type RfmCustomer = z.infer<typeof rfmCustomerSchema>;

export const rfmCustomerPageSchema = z.object({ items: z.array(rfmCustomerSchema), nextCursor: z.string().nullable(), currency: z.string() });

/** One customer's scores (the 360° page's badge). */
export const customerRfmSchema = z.object({
  ...scores,
  recencyDays: z.number(),
  orderCount: z.number(),
  netSpent: z.number(),
  currency: z.string(),
  computedAt: z.date(),
});
export type CustomerRfm = z.infer<typeof customerRfmSchema>;
