import { z } from 'zod';

// Shared with the web client: the recommendations API's shapes.

export const REC_REASONS = ['similar', 'bought-together', 'buy-again', 'popular'] as const;

/** A recommended product, ready to show: title, price (minor units), image and link. */
export const recommendationSchema = z.object({
  productId: z.string(),
  title: z.string(),
  sku: z.string().nullable(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  price: z.number().nullable(),
  currency: z.string(),
  category: z.string().nullable(),
  /** Relative strength within this list (0 for best-sellers filling places). */
  score: z.number(),
  /** Why it is here: similar to what they bought or viewed, bought together with it, they may buy it again, or a best-seller. */
  reason: z.enum(REC_REASONS),
  /** For "bought together": share of orders with the product that also hold this one, and how much likelier than chance. */
  confidence: z.number().optional(),
  lift: z.number().optional(),
});
export type Recommendation = z.infer<typeof recommendationSchema>;

export const recommendationListSchema = z.object({
  items: z.array(recommendationSchema),
  /** Set when the list is empty or only best-sellers, saying why (no model yet, too little data, new customer). */
  reason: z.string().nullable(),
  modelBuiltAt: z.date().nullable(),
});
export type RecommendationList = z.infer<typeof recommendationListSchema>;

export const productRecommendationsSchema = z.object({
  similar: z.array(recommendationSchema),
  boughtTogether: z.array(recommendationSchema),
  reason: z.string().nullable(),
  modelBuiltAt: z.date().nullable(),
});
export type ProductRecommendations = z.infer<typeof productRecommendationsSchema>;

const limit = z.coerce.number({ error: 'must be a whole number from 1 to 50' }).int('must be a whole number from 1 to 50').min(1, 'must be a whole number from 1 to 50').max(50, 'must be a whole number from 1 to 50').default(10);
export const recsQuerySchema = z.strictObject({ limit });
export const customerRecsQuerySchema = z.strictObject({
  limit,
  kind: z.enum(['all', 'new', 'again'], { error: 'must be all, new (products they have not bought) or again (products to buy again)' }).default('all')
    .describe('all: one ranking; new: only products they have not bought; again: only products they may buy again'),
});

export const cartBodySchema = z.strictObject({
  productIds: z.array(z.guid({ error: 'must be a product id (a UUID)' }), { error: 'must be a list of product ids' })
    .min(1, 'must hold at least one product id').max(100, 'must hold at most 100 product ids'),
  limit,
});
export type CartBody = z.infer<typeof cartBodySchema>;

export const evalMetricsSchema = z.object({
  method: z.string(),
  hitRate: z.number(),
  recall: z.number(),
  ndcg: z.number(),
  coverage: z.number(),
  customers: z.number(),
});

export const recsEvaluationSchema = z.object({
  /** First day of the held-out period (ISO date); the model was trained on what came before. */
  split: z.string(),
  testCustomers: z.number(),
  coldCustomers: z.number(),
  rows: z.array(evalMetricsSchema),
  warmRows: z.array(evalMetricsSchema),
});
export type RecsEvaluation = z.infer<typeof recsEvaluationSchema>;

export const recsStatsSchema = z.object({
  interactions: z.number(),
  orders: z.number(),
  customers: z.number(),
  products: z.number(),
  productsWithNeighbours: z.number(),
  boughtTogetherRules: z.number(),
  replenishable: z.number(),
  meanRepurchaseRate: z.number(),
  reason: z.string().nullable(),
});

export const recsModelSchema = z.object({
  id: z.string(),
  status: z.enum(['built', 'empty']),
  trigger: z.string(),
  builtAt: z.date(),
  asOf: z.date().nullable(),
  durationMs: z.number(),
  stats: recsStatsSchema,
  params: z.record(z.string(), z.unknown()),
  evaluation: recsEvaluationSchema.nullable(),
});
export type RecsModelOut = z.infer<typeof recsModelSchema>;

export const recsOverviewSchema = z.object({
  latest: recsModelSchema.nullable(),
  builds: z.array(recsModelSchema.omit({ params: true, evaluation: true })),
  /** A build is waiting or running. */
  building: z.boolean(),
});
export type RecsOverview = z.infer<typeof recsOverviewSchema>;

export const buildAcceptedSchema = z.object({ queued: z.boolean(), detail: z.string() });
