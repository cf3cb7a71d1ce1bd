import { z } from 'zod';
import { customerConsentSchema, upsertConsentSchema } from './consent.schemas.ts';

// Shared with the web client and other modules: the customers API's shapes.

export const identityKindSchema = z.enum(['email', 'phone', 'external', 'user_id', 'anonymous']);
export type IdentityKind = z.infer<typeof identityKindSchema>;

export const identityInputSchema = z.strictObject({
  kind: identityKindSchema,
  /** For external ids: shopify, woocommerce, bigcommerce, csv, api, … (empty for email and phone). */
  source: z.string().trim().max(50).default(''),
  value: z.string().trim().min(1).max(320),
});

export const addressSchema = z.strictObject({
  kind: z.enum(['shipping', 'billing', 'other']).default('shipping'),
  name: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  line1: z.string().max(300).optional(),
  line2: z.string().max(300).optional(),
  city: z.string().max(200).optional(),
  region: z.string().max(200).optional(),
  postalCode: z.string().max(40).optional(),
  country: z.string().length(2).toUpperCase().optional(),
  phone: z.string().max(50).optional(),
  isDefault: z.boolean().default(false),
});
export type Address = z.infer<typeof addressSchema>;

const attrValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(200)).max(100), z.null()]);

export const profileFieldsSchema = z.strictObject({
  firstName: z.string().trim().max(200).nullish(),
  lastName: z.string().trim().max(200).nullish(),
  email: z.string().trim().toLowerCase().max(320).pipe(z.email({ error: 'must be an email address' })).nullish(),
  phone: z.string().trim().max(50).nullish(),
  birthday: z.iso.date({ error: 'must be a date like 1990-04-30' }).nullish(),
  locale: z.string().trim().max(35).nullish(),
  timeZone: z.string().trim().max(64).nullish(),
  country: z.string().trim().length(2, 'must be an ISO 3166-1 alpha-2 code like GB').toUpperCase().nullish(),
  tags: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
  attributes: z.record(z.string().max(100), attrValue).optional(),
  addresses: z.array(addressSchema).max(50).optional(),
});
export type ProfileFields = z.infer<typeof profileFieldsSchema>;

export const upsertCustomerBodySchema = profileFieldsSchema.extend({
  /** External ids that identify this customer in other systems, e.g. {source: "shopify", id: "123"}. */
  externalIds: z.array(z.strictObject({ source: z.string().trim().min(1).max(50), id: z.string().trim().min(1).max(200) })).max(20).optional(),
  emails: z.array(z.string().trim().toLowerCase().pipe(z.email())).max(20).optional(),
  phones: z.array(z.string().trim().max(50)).max(20).optional(),
  /** Marketing consent the caller collected, per channel (recorded in the consent ledger, method "api"). */
  consent: upsertConsentSchema.optional(),
}).refine((b) => b.email || b.phone || b.externalIds?.length || b.emails?.length || b.phones?.length, {
  message: 'send at least one of email, phone, emails, phones or externalIds, so the customer can be found again',
});

export const identitySchema = z.object({
  id: z.string(), kind: identityKindSchema, source: z.string(), value: z.string(), verified: z.boolean(), createdAt: z.date(),
});

export const customerSchema = z.object({
  id: z.guid(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  birthday: z.string().nullable(),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  country: z.string().nullable(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  addresses: z.array(z.record(z.string(), z.unknown())),
  source: z.string(),
  anonymous: z.boolean(),
  mergedInto: z.string().nullable(),
  orderCount: z.number(),
  totalSpent: z.number(),
  refunded: z.number(),
  averageOrderValue: z.number().nullable(),
  currency: z.string(),
  firstOrderAt: z.date().nullable(),
  lastOrderAt: z.date().nullable(),
  lastSeenAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Customer = z.infer<typeof customerSchema>;

export const customerDetailSchema = customerSchema.extend({ identities: z.array(identitySchema), consent: customerConsentSchema });
export type CustomerDetail = z.infer<typeof customerDetailSchema>;

export const customerSortSchema = z.enum(['created_desc', 'last_order_desc', 'total_spent_desc', 'order_count_desc', 'name_asc']);

export const customerFilterSchema = z.strictObject({
  q: z.string().trim().max(200).optional(),
  tag: z.union([z.string().max(100), z.array(z.string().max(100)).max(20)]).optional(),
  country: z.string().trim().length(2).toUpperCase().optional(),
  minOrders: z.coerce.number().int().min(0).optional(),
  maxOrders: z.coerce.number().int().min(0).optional(),
  minSpent: z.coerce.number().int().optional(),
  maxSpent: z.coerce.number().int().optional(),
  lastOrderFrom: z.coerce.date({ error: 'must be a date (ISO 8601)' }).optional(),
  lastOrderTo: z.coerce.date({ error: 'must be a date (ISO 8601)' }).optional(),
  includeAnonymous: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** Email marketing consent: subscribed, or not subscribed (none, unsubscribed or pending); unsubscribed and pending exactly. */
  emailConsent: z.enum(['subscribed', 'not_subscribed', 'unsubscribed', 'pending'], { error: 'must be subscribed, not_subscribed, unsubscribed or pending' }).optional(),
  smsConsent: z.enum(['subscribed', 'not_subscribed', 'unsubscribed', 'pending'], { error: 'must be subscribed, not_subscribed, unsubscribed or pending' }).optional(),
});
export type CustomerFilter = z.infer<typeof customerFilterSchema>;

export const customerListQuerySchema = customerFilterSchema.extend({
  sort: customerSortSchema.default('created_desc'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const customerPageSchema = z.object({ items: z.array(customerSchema), nextCursor: z.string().nullable() });

export const updateCustomerBodySchema = profileFieldsSchema;

export const noteSchema = z.object({ id: z.string(), customerId: z.string(), authorId: z.string().nullable(), authorLabel: z.string(), body: z.string(), mentions: z.array(z.string()), createdAt: z.date() });
export const createNoteBodySchema = z.strictObject({ body: z.string().trim().min(1, 'is required').max(10_000) });

export const mergeBodySchema = z.strictObject({
  survivorId: z.guid(),
  mergedId: z.guid(),
  /** Per field, whose value survives: "survivor" (default) or "merged". */
  choose: z.partialRecord(z.enum(['firstName', 'lastName', 'email', 'phone', 'birthday', 'locale', 'timeZone', 'country']), z.enum(['survivor', 'merged'])).default({}),
}).refine((b) => b.survivorId !== b.mergedId, { message: 'a profile cannot be merged with itself', path: ['mergedId'] });

export const mergeRecordSchema = z.object({
  id: z.string(), survivorId: z.string(), mergedId: z.string(), reason: z.string(), actorLabel: z.string(), moved: z.record(z.string(), z.unknown()),
  chosen: z.record(z.string(), z.unknown()), mergedSnapshot: z.unknown(), createdAt: z.date(),
});

export const bulkTagBodySchema = z.strictObject({
  /** The selected customers… */
  ids: z.array(z.guid()).min(1).max(10_000).optional(),
  /** …or everyone matching this filter (a background job when there are more than 1,000). */
  filter: customerFilterSchema.optional(),
  add: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  remove: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
}).refine((b) => b.add.length + b.remove.length > 0, { message: 'send tags to add or remove' })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), { message: 'send either ids (the selected customers) or filter (everyone matching it), not both', path: ['ids'] });

/** A change to every customer matching a filter, and how far it got. */
export const bulkJobSchema = z.object({
  id: z.string(),
  kind: z.literal('tag'),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  add: z.array(z.string()),
  remove: z.array(z.string()),
  filter: z.record(z.string(), z.unknown()),
  /** Customers matching when it started. */
  total: z.number(),
  processed: z.number(),
  /** Customers whose tags changed. */
  changed: z.number(),
  error: z.string().nullable(),
  actorLabel: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  finishedAt: z.date().nullable(),
});
export type BulkJob = z.infer<typeof bulkJobSchema>;

export const bulkTagResultSchema = z.object({ updated: z.number(), job: bulkJobSchema.nullable() });

/** How many customers match: exact, or (labelled) the planner's estimate when counting would take too long. */
export const customerCountSchema = z.object({ count: z.number(), approximate: z.boolean() });

export const attributeDefinitionSchema = z.object({ key: z.string(), label: z.string(), type: z.enum(['text', 'number', 'boolean', 'date', 'list']), options: z.array(z.string()), createdAt: z.date() });
export const createAttributeBodySchema = z.strictObject({
  key: z.string().trim().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _, starting with a letter'),
  label: z.string().trim().min(1).max(200),
  type: z.enum(['text', 'number', 'boolean', 'date', 'list']),
  options: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
});

export const savedViewSchema = z.object({ id: z.string(), name: z.string(), shared: z.boolean(), ownerId: z.string().nullable(), filters: z.record(z.string(), z.unknown()), createdAt: z.date() });
export const createViewBodySchema = z.strictObject({ name: z.string().trim().min(1).max(200), shared: z.boolean().default(false), filters: customerFilterSchema.extend({ sort: customerSortSchema.optional() }) });

export const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
