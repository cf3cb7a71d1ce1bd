import { z } from 'zod';
import { isCurrency } from '../../../platform/money.ts';

// Shared with the web client: CSV imports (presets, column mappings, runs and their progress).

export const IMPORT_KINDS = ['customers', 'products', 'orders'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const importKindSchema = z.enum(IMPORT_KINDS);

export const PRESETS = ['uci', 'shopify-orders', 'shopify-customers', 'cdnow', 'generic'] as const;
export type PresetName = (typeof PRESETS)[number];
export const presetSchema = z.enum(PRESETS);

/** What a column can be mapped to, per kind. Order-level fields may sit on the first row of an order only. */
export const ORDER_FIELDS = [
  'orderId', 'externalId', 'orderNumber', 'placedAt', 'customerId', 'email', 'phone', 'firstName', 'lastName', 'fullName', 'country', 'currency',
  'productId', 'sku', 'title', 'quantity', 'unitPrice', 'lineTotal', 'subtotal', 'discountTotal', 'taxTotal', 'shippingTotal', 'total',
  'financialStatus', 'fulfillmentStatus', 'cancelledAt', 'discountCodes', 'refundedAmount', 'emailConsent',
  'shipName', 'shipAddress1', 'shipAddress2', 'shipCompany', 'shipCity', 'shipRegion', 'shipPostalCode', 'shipCountry', 'shipPhone',
] as const;
export const CUSTOMER_FIELDS = [
  'customerId', 'email', 'phone', 'firstName', 'lastName', 'fullName', 'country', 'company', 'address1', 'address2', 'city', 'region', 'postalCode',
  'tags', 'locale', 'birthday', 'emailConsent', 'smsConsent',
] as const;
export const PRODUCT_FIELDS = ['productId', 'title', 'sku', 'price', 'currency', 'vendor', 'category', 'status', 'url', 'imageUrl'] as const;
export const ALL_FIELDS = [...new Set([...ORDER_FIELDS, ...CUSTOMER_FIELDS, ...PRODUCT_FIELDS])] as [string, ...string[]];
export type Field = (typeof ORDER_FIELDS)[number] | (typeof CUSTOMER_FIELDS)[number] | (typeof PRODUCT_FIELDS)[number];

/** A column header (case and surrounding spaces ignored), `#3` for the third column of a file without a header, or a list of alternatives. */
const columnRef = z.string().trim().min(1).max(200);

/**
 * How to read a file. With a preset, every key is optional and overrides the preset's own;
 * with `generic`, `columns` says where each field is.
 */
export const mappingSchema = z.strictObject({
  columns: z.partialRecord(z.enum(ALL_FIELDS), z.union([columnRef, z.array(columnRef).min(1).max(10)])).optional(),
  /** Whose ids these are (orders, products and customer external ids are keyed by source + id). */
  source: z.string().trim().toLowerCase().regex(/^[a-z0-9_-]{1,50}$/, 'lowercase letters, digits, - and _').optional(),
  /** Currency of amounts when the file has no currency column (default: the store currency). */
  currency: z.string().trim().toUpperCase().refine(isCurrency, 'must be an ISO 4217 currency code such as GBP').optional(),
  /** Day-first (01/12/2010 = 1 December) or month-first; auto decides from dates like 13/01/2011. */
  dateOrder: z.enum(['auto', 'dmy', 'mdy']).optional(),
  /** IANA time zone of dates written without an offset (default: the store time zone). */
  timeZone: z.string().trim().min(1).max(64).optional(),
  delimiter: z.enum([',', ';', '\t', '|', 'whitespace']).optional(),
  /** auto: UTF-8, and any line that is not valid UTF-8 is read as Windows-1252 with a warning. */
  encoding: z.enum(['auto', 'utf-8', 'windows-1252']).optional(),
  /** False when the first line is data, not column names (refer to columns as #1, #2, …). */
  header: z.boolean().optional(),
  /** Amounts written 1.234,56 (decimal comma). */
  decimalComma: z.boolean().optional(),
  /** Order ids starting with this are cancellations (UCI: "C"): recorded as refunds of kind cancellation. */
  cancellationPrefix: z.string().min(1).max(10).optional(),
  /** A negative quantity outside a cancellation: reject the row (default), or keep it as a line. */
  negativeQuantity: z.enum(['reject', 'keep']).optional(),
  /** Set the store currency to the file's when the store has no orders yet (default true). */
  adoptStoreCurrency: z.boolean().optional(),
  /** One order per row with no order id (CDNOW): the id is customer-yyyymmdd-n. */
  syntheticOrderId: z.boolean().optional(),
});
export type Mapping = z.infer<typeof mappingSchema>;

/** found: valid in the file; created/updated: written; skipped: already there and unchanged; invalid: not imported because of rejected rows. */
const counts = z.object({ found: z.number(), created: z.number(), updated: z.number(), skipped: z.number(), invalid: z.number() });
export type KindCounts = z.infer<typeof counts>;

/** Progress and outcome of a run: rows read, per kind created/updated/skipped, money totals. */
export const importSummarySchema = z.object({
  phase: z.enum(['validating', 'writing', 'finishing', 'done']),
  dryRun: z.boolean(),
  rowsRead: z.number(),
  rowsRejected: z.number(),
  /** Rows that are not about this kind (UCI guest lines when importing customers). */
  rowsIgnored: z.number(),
  warnings: z.number(),
  customers: counts,
  products: counts,
  /** Orders of known customers. */
  orders: counts,
  /** Orders with no customer (store revenue, no profile). */
  guestOrders: counts,
  /** Cancellations and refunds. */
  refunds: counts,
  /** Minor units per currency: orders (all valid orders of the file) and refunds. */
  money: z.record(z.string(), z.object({ orders: z.number(), refunds: z.number(), net: z.number() })),
  seconds: z.number(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

export const importIssueSchema = z.object({ line: z.number().nullable(), severity: z.enum(['error', 'warning']), column: z.string().nullable(), message: z.string() });
export type ImportIssue = z.infer<typeof importIssueSchema>;

export const detectedSchema = z.object({
  format: z.object({ compressed: z.boolean(), delimiter: z.string(), encoding: z.string(), header: z.boolean() }),
  columns: z.array(z.string()),
  preview: z.array(z.array(z.string())),
  suggestion: z.object({ kind: importKindSchema.nullable(), preset: presetSchema, mapping: mappingSchema.nullable(), confidence: z.enum(['high', 'low']) }),
});
export type Detected = z.infer<typeof detectedSchema>;

export const IMPORT_STATUSES = ['uploading', 'uploaded', 'queued', 'running', 'completed', 'failed'] as const;

export const importSchema = z.object({
  id: z.string(),
  origin: z.enum(['upload', 'cli']),
  fileName: z.string(),
  size: z.number(),
  status: z.enum(IMPORT_STATUSES),
  kind: importKindSchema.nullable(),
  preset: presetSchema.nullable(),
  mapping: mappingSchema.nullable(),
  dryRun: z.boolean(),
  detected: detectedSchema.nullable(),
  progress: importSummarySchema.nullable(),
  issueCount: z.number(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type ImportView = z.infer<typeof importSchema>;
export const importDetailSchema = importSchema.extend({ issues: z.array(importIssueSchema) });

export const startImportBodySchema = z.strictObject({
  kind: importKindSchema,
  preset: presetSchema.default('generic'),
  mapping: mappingSchema.optional(),
  dryRun: z.boolean().default(false),
});
export type StartImportBody = z.infer<typeof startImportBodySchema>;

export const savedMappingSchema = z.object({ id: z.string(), name: z.string(), kind: importKindSchema, preset: presetSchema, mapping: mappingSchema, createdBy: z.string(), createdAt: z.date(), updatedAt: z.date() });
export const saveMappingBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100), kind: importKindSchema, preset: presetSchema.default('generic'), mapping: mappingSchema });
export type SaveMappingBody = z.infer<typeof saveMappingBodySchema>;
