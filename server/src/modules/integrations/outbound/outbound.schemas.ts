import { z } from 'zod';

// Shared with the web client: outbound webhook subscriptions (the activity stream, signed with Standard Webhooks).

/** Activity names (platform/activities/activity-types.ts, or a custom event name), or '*' for every activity. */
const activityTypes = z.array(z.string().trim().min(1, 'must not be empty').max(200)).min(1, 'choose at least one activity type, or "*" for all').max(200);

export const createSubscriptionBodySchema = z.strictObject({
  /** https://…; http:// only to localhost / 127.0.0.1 / [::1] while PATRON_PUBLIC_URL is unset or local (development). */
  url: z.string().trim().min(1, 'is required').max(2000),
  description: z.string().trim().max(500).default(''),
  activityTypes,
  enabled: z.boolean().default(true),
});
export type CreateSubscriptionBody = z.infer<typeof createSubscriptionBodySchema>;

export const updateSubscriptionBodySchema = z.strictObject({
  url: z.string().trim().min(1).max(2000).optional(),
  description: z.string().trim().max(500).optional(),
  activityTypes: activityTypes.optional(),
  /** Re-enabling a subscription that was disabled after failures clears its failure count. */
  enabled: z.boolean().optional(),
});
export type UpdateSubscriptionBody = z.infer<typeof updateSubscriptionBodySchema>;

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  activityTypes: z.array(z.string()),
  enabled: z.boolean(),
  /** whsec_… with all but the last characters hidden; the secret is shown once, when created. */
  secretHint: z.string(),
  consecutiveFailures: z.number(),
  failingSince: z.date().nullable(),
  lastSuccessAt: z.date().nullable(),
  lastFailureAt: z.date().nullable(),
  disabledAt: z.date().nullable(),
  /** Why Patron disabled it (repeated failures); null when enabled or disabled by a person. */
  disabledReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const createdSubscriptionSchema = z.object({
  subscription: subscriptionSchema,
  /** The Standard Webhooks signing secret (whsec_…): shown in this response only. */
  secret: z.string(),
});

export const outboundDeliverySchema = z.object({
  id: z.string(),
  /** The webhook-id header: the activity id (the same on every retry). */
  messageId: z.string(),
  activityId: z.string().nullable(),
  eventType: z.string(),
  attempt: z.number(),
  test: z.boolean(),
  succeeded: z.boolean(),
  statusCode: z.number().nullable(),
  responseMs: z.number().nullable(),
  error: z.string().nullable(),
  /** The first characters of the endpoint's answer. */
  responseExcerpt: z.string().nullable(),
  createdAt: z.date(),
});
export type OutboundDelivery = z.infer<typeof outboundDeliverySchema>;

export const outboundDeliveriesQuerySchema = z.strictObject({
  before: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const testResultSchema = z.object({
  succeeded: z.boolean(),
  statusCode: z.number().nullable(),
  responseMs: z.number().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
});
export type TestResult = z.infer<typeof testResultSchema>;

export type CreatedSubscription = z.infer<typeof createdSubscriptionSchema>;
export const subscriptionsPageSchema = z.object({ items: z.array(subscriptionSchema) });
export type SubscriptionsPage = z.infer<typeof subscriptionsPageSchema>;
export const outboundDeliveriesPageSchema = z.object({ items: z.array(outboundDeliverySchema), nextCursor: z.string().nullable() });
export type OutboundDeliveriesPage = z.infer<typeof outboundDeliveriesPageSchema>;
