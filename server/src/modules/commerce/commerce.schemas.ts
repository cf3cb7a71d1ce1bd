import { z } from 'zod';
import { isCurrency } from '../../platform/money.ts';

// Shared with the web client and the integrations: commerce inputs and outputs. Money is integer minor units.

const money = z.number().int('must be an integer amount in minor units (cents)').min(-1e15).max(1e15);
const currency = z.string().trim().toUpperCase().refine(isCurrency, 'must be an ISO 4217 currency code such as USD or GBP');
const sourceSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9_-]{1,50}$/, 'lowercase letters, digits, - and _').default('api');
const when = z.coerce.date({ error: 'must be a date-time (ISO 8601)' });

/** Who the customer is, as the source knows them. */
export const customerRefSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().toLowerCase().max(320).pipe(z.email({ error: 'must be an email address' })).optional(),
  phone: z.string().trim().max(50).optional(),
  firstName: z.string().trim().max(200).optional(),
  lastName: z.string().trim().max(200).optional(),
  country: z.string().trim().length(2).toUpperCase().optional(),
});
export type CustomerRef = z.infer<typeof customerRefSchema>;

export const orderLineInputSchema = z.strictObject({
  productExternalId: z.string().trim().min(1).max(200).optional(),
  variantExternalId: z.string().trim().min(1).max(200).optional(),
  sku: z.string().trim().max(200).optional(),
  title: z.string().trim().min(1, 'is required').max(500),
  quantity: z.number().int('must be a whole number'),
  unitPrice: money,
  /** Defaults to quantity × unitPrice. */
  total: money.optional(),
});

export const orderInputSchema = z.strictObject({
  source: sourceSchema,
  externalId: z.string().trim().min(1, 'is required').max(200),
  number: z.string().trim().max(100).optional(),
  customer: customerRefSchema.optional(),
  status: z.enum(['open', 'completed', 'cancelled']).default('completed'),
  financialStatus: z.string().trim().max(50).optional(),
  fulfillmentStatus: z.string().trim().max(50).optional(),
  currency,
  subtotal: money.optional(),
  discountTotal: money.default(0),
  taxTotal: money.default(0),
  shippingTotal: money.default(0),
  /** Defaults to lines − discounts + tax + shipping. */
  total: money.optional(),
  lines: z.array(orderLineInputSchema).max(1000).default([]),
  shippingAddress: z.record(z.string(), z.unknown()).optional(),
  discountCodes: z.array(z.string().trim().max(100)).max(50).default([]),
  placedAt: when,
  cancelledAt: when.optional(),
  /** The source's own last-modified time: an older update than the stored one is ignored. */
  updatedAt: when.optional(),
  /** The cart/checkout this order converts. */
  cartExternalId: z.string().trim().max(200).optional(),
});
export type OrderInput = z.infer<typeof orderInputSchema>;

export const refundInputSchema = z.strictObject({
  source: sourceSchema,
  externalId: z.string().trim().min(1).max(200),
  orderExternalId: z.string().trim().max(200).optional(),
  customer: customerRefSchema.optional(),
  kind: z.enum(['refund', 'cancellation']).default('refund'),
  /** Positive amount returned to the customer. */
  amount: money.refine((v) => v >= 0, 'must not be negative'),
  currency,
  reason: z.string().trim().max(500).optional(),
  lines: z.array(z.strictObject({ sku: z.string().max(200).optional(), title: z.string().max(500), quantity: z.number().int(), amount: money })).max(1000).default([]),
  refundedAt: when,
});
export type RefundInput = z.infer<typeof refundInputSchema>;

export const cartItemSchema = z.strictObject({
  productExternalId: z.string().max(200).optional(),
  sku: z.string().max(200).optional(),
  title: z.string().max(500),
  quantity: z.number().int().min(0),
  unitPrice: money,
  imageUrl: z.string().max(2000).optional(),
  url: z.string().max(2000).optional(),
});

export const cartInputSchema = z.strictObject({
  source: sourceSchema,
  externalId: z.string().trim().min(1).max(200),
  customer: customerRefSchema.optional(),
  status: z.enum(['open', 'converted', 'abandoned']).default('open'),
  currency: currency.optional(),
  items: z.array(cartItemSchema).max(500).default([]),
  /** Defaults to the sum of the items. */
  value: money.optional(),
  checkoutUrl: z.string().trim().max(2000).optional(),
  checkoutStarted: z.boolean().default(false),
  updatedAt: when.optional(),
});
export type CartInput = z.infer<typeof cartInputSchema>;

export const productInputSchema = z.strictObject({
  source: sourceSchema,
  externalId: z.string().trim().min(1).max(200),
  title: z.string().trim().min(1).max(500),
  sku: z.string().trim().max(200).optional(),
  categories: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  price: money.optional(),
  currency: currency.optional(),
  imageUrl: z.string().trim().max(2000).optional(),
  url: z.string().trim().max(2000).optional(),
  vendor: z.string().trim().max(200).optional(),
  status: z.enum(['active', 'draft', 'archived']).default('active'),
  variants: z.array(z.strictObject({ externalId: z.string().min(1).max(200), title: z.string().min(1).max(500), sku: z.string().max(200).optional(), price: money.optional() })).max(500).default([]),
});
export type ProductInput = z.infer<typeof productInputSchema>;

export const productSchema = z.object({
  id: z.string(), source: z.string(), externalId: z.string(), title: z.string(), sku: z.string().nullable(), categories: z.array(z.string()),
  price: z.number().nullable(), currency: z.string().nullable(), imageUrl: z.string().nullable(), url: z.string().nullable(), vendor: z.string().nullable(),
  status: z.string(), createdAt: z.date(), updatedAt: z.date(),
});
export const productDetailSchema = productSchema.extend({
  variants: z.array(z.object({ id: z.string(), externalId: z.string(), title: z.string(), sku: z.string().nullable(), price: z.number().nullable() })),
  sales: z.object({ orders: z.number(), units: z.number(), revenue: z.number(), customers: z.number() }),
});

export const orderLineSchema = z.object({ id: z.string(), position: z.number(), productId: z.string().nullable(), sku: z.string().nullable(), title: z.string(), quantity: z.number(), unitPrice: z.number(), total: z.number() });
export const refundSchema = z.object({ id: z.string(), source: z.string(), externalId: z.string(), orderId: z.string().nullable(), customerId: z.string().nullable(), kind: z.string(), amount: z.number(), currency: z.string(), reason: z.string().nullable(), refundedAt: z.date() });
export const orderSchema = z.object({
  id: z.string(), source: z.string(), externalId: z.string(), customerId: z.string().nullable(), customerName: z.string().nullable(), number: z.string().nullable(), email: z.string().nullable(),
  status: z.string(), financialStatus: z.string().nullable(), fulfillmentStatus: z.string().nullable(), currency: z.string(),
  subtotal: z.number(), discountTotal: z.number(), taxTotal: z.number(), shippingTotal: z.number(), total: z.number(), refundedTotal: z.number(), itemCount: z.number(),
  placedAt: z.date(), cancelledAt: z.date().nullable(), updatedAt: z.date(),
});
export const orderDetailSchema = orderSchema.extend({ lines: z.array(orderLineSchema), refunds: z.array(refundSchema), shippingAddress: z.unknown(), discountCodes: z.array(z.string()) });
export const cartSchema = z.object({
  id: z.string(), source: z.string(), externalId: z.string(), customerId: z.string().nullable(), status: z.string(), currency: z.string().nullable(), value: z.number(),
  items: z.array(z.record(z.string(), z.unknown())), checkoutUrl: z.string().nullable(), checkoutStartedAt: z.date().nullable(), orderId: z.string().nullable(), updatedAt: z.date(),
});

export const upsertResultSchema = z.object({ id: z.string(), created: z.boolean(), stale: z.boolean(), customerId: z.string().nullable() });
export type UpsertResult = z.infer<typeof upsertResultSchema>;
