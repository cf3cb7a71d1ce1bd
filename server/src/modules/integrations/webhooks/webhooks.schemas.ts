import { z } from 'zod';

// Shared with the web client: store connections (inbound webhooks) and their delivery log.

export const PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce'] as const;
export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;

/** The webhook topics Patron acts on, per platform (others are logged as ignored). */
export const PLATFORM_TOPICS: Record<Platform, readonly string[]> = {
  shopify: ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/fulfilled', 'orders/partially_fulfilled', 'refunds/create', 'customers/create', 'customers/update', 'checkouts/create', 'checkouts/update'],
  woocommerce: ['order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated', 'customer.deleted'],
  bigcommerce: ['store/order/created', 'store/order/updated', 'store/order/statusUpdated', 'store/customer/created', 'store/customer/updated', 'store/cart/created', 'store/cart/updated', 'store/cart/abandoned', 'store/cart/converted'],
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500);

export const bigcommerceApiInputSchema = z.strictObject({
  /** The store hash from the API path, e.g. `abc123` in /stores/abc123/v3. */
  storeHash: z.string().trim().regex(/^[a-z0-9]{1,64}$/i, 'must be the store hash (letters and digits), as in /stores/<hash>/'),
  /** An API account access token with read access to orders, customers and carts. */
  accessToken: z.string().trim().min(1, 'is required').max(500),
  /** Defaults to https://api.bigcommerce.com. */
  apiBaseUrl: httpUrl.optional(),
});

export const createStoreConnectionBodySchema = z.strictObject({
  platform: platformSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  /** Shopify: the shop domain (my-shop.myshopify.com); WooCommerce and BigCommerce: the store's URL. */
  storeUrl: z.string().trim().min(1, 'is required').max(500),
  /** Shopify: the app's client secret; WooCommerce: the webhook's secret; BigCommerce: the app's client secret. */
  webhookSecret: z.string().trim().min(8, 'must be at least 8 characters').max(500),
  /** BigCommerce only: API credentials to fetch the full records its thin webhooks point at. */
  api: bigcommerceApiInputSchema.optional(),
});
export type CreateStoreConnectionBody = z.infer<typeof createStoreConnectionBodySchema>;

export const updateStoreConnectionBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  storeUrl: z.string().trim().min(1).max(500).optional(),
  /** Replaces the secret (after rotating it in the store). */
  webhookSecret: z.string().trim().min(8, 'must be at least 8 characters').max(500).optional(),
  /** New API credentials, or null to remove them. */
  api: bigcommerceApiInputSchema.nullable().optional(),
});
export type UpdateStoreConnectionBody = z.infer<typeof updateStoreConnectionBodySchema>;

export const storeConnectionSchema = z.object({
  id: z.string(),
  platform: platformSchema,
  name: z.string(),
  storeUrl: z.string(),
  /** Paste this into the store's webhook settings. */
  webhookUrl: z.string(),
  /** The last characters of the secret; the secret itself is never returned. */
  secretHint: z.string(),
  api: z.object({ storeHash: z.string(), apiBaseUrl: z.string(), tokenHint: z.string() }).nullable(),
  topics: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastDeliveryAt: z.date().nullable(),
});
export type StoreConnection = z.infer<typeof storeConnectionSchema>;

export const DELIVERY_OUTCOMES = ['pending', 'processed', 'ignored', 'stale', 'failed', 'rejected'] as const;
export const deliveryOutcomeSchema = z.enum(DELIVERY_OUTCOMES);

export const inboundDeliverySchema = z.object({
  id: z.string(),
  /** The platform's delivery id (X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID, webhook-id). */
  deliveryId: z.string(),
  topic: z.string(),
  receivedAt: z.date(),
  /** pending (queued or being retried), processed, ignored (topic not used), stale (older than what we have), failed, rejected (unreadable body). */
  outcome: deliveryOutcomeSchema,
  attempts: z.number(),
  error: z.string().nullable(),
  note: z.string().nullable(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  processedAt: z.date().nullable(),
});
export type InboundDelivery = z.infer<typeof inboundDeliverySchema>;

export const inboundDeliveriesQuerySchema = z.strictObject({
  outcome: deliveryOutcomeSchema.optional(),
  /** Cursor: the id of the last delivery of the previous page. */
  before: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookReceiptSchema = z.object({
  received: z.boolean(),
  /** Patron's id of the stored delivery (absent for a WooCommerce ping). */
  deliveryId: z.string().optional(),
  /** True when this delivery id was seen before: nothing changed. */
  duplicate: z.boolean(),
});

export const storeConnectionsPageSchema = z.object({ items: z.array(storeConnectionSchema) });
export type StoreConnectionsPage = z.infer<typeof storeConnectionsPageSchema>;
export const inboundDeliveriesPageSchema = z.object({ items: z.array(inboundDeliverySchema), nextCursor: z.string().nullable() });
export type InboundDeliveriesPage = z.infer<typeof inboundDeliveriesPageSchema>;
