import { z } from 'zod';

/** The longest range a dashboard covers (with the previous period, ten years of days are read). */
export const MAX_RANGE_YEARS = 5;

const validDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2011-12-31').refine(validDay, 'is not a calendar date');
const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2011-12');

/** `to` plus `years` years (same day of month, clamped), as YYYY-MM-DD. */
export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const range = { from: isoDay.describe('First store day (inclusive), YYYY-MM-DD'), to: isoDay.describe('Last store day (inclusive), YYYY-MM-DD') };

function checkRange(v: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be on or after from (${v.from}): the range is reversed` });
  else if (v.to >= addYears(v.from, MAX_RANGE_YEARS)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be less than ${MAX_RANGE_YEARS} years after from: pick a shorter range` });
}

export const rangeQuerySchema = z.strictObject(range).superRefine(checkRange);
export type RangeQuery = z.infer<typeof rangeQuerySchema>;

/** What a drill-down lists: the orders, customers, refunds or checkouts behind a figure. */
export const DRILL_METRICS = [
  'orders', 'guest_orders', 'refunds', 'customers', 'new_customers', 'returning_customers', 'repeat_customers', 'churned_customers',
  'clv_customers', 'checkouts', 'abandoned_checkouts', 'sessions', 'converted_sessions',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

const drillFields = {
  ...range,
  metric: z.enum(DRILL_METRICS).describe('The figure to list the rows of'),
  channel: z.string().trim().min(1).max(100).optional().describe('new_customers: only those acquired through this channel'),
  product: z.string().min(1).max(300).optional().describe('orders: only those with this product (product key from /api/analytics/breakdowns)'),
  category: z.string().min(1).max(200).optional().describe('orders: only those with a product in this category'),
  country: z.string().max(2).optional().describe('orders: only those from this country (ISO code; empty for unknown)'),
  cohort: isoMonth.optional().describe('customer metrics: only those whose first order was in this month (a cohort cell: customers with from/to set to the later month)'),
  segment: z.uuid().optional().describe('customers: only members of this segment'),
};
export const drillQuerySchema = z.strictObject({
  ...drillFields,
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).superRefine(checkRange);
export type DrillQuery = z.infer<typeof drillQuerySchema>;
export const drillCsvQuerySchema = z.strictObject(drillFields).superRefine(checkRange);

const n = z.number();
const rate = z.number().nullable();

/** Every figure of one period (money in minor units of the store currency; rates as fractions, null when undefined). */
export const kpiSetSchema = z.object({
  grossRevenue: n, refunds: n, netRevenue: n, orders: n, aov: n.nullable(),
  customerOrders: n, guestOrders: n, guestRevenue: n,
  customers: n, newCustomers: n, returningCustomers: n, newCustomerRevenue: n, returningCustomerRevenue: n,
  repeatCustomers: n, repeatPurchaseRate: rate, purchaseFrequency: rate,
  sessions: n, convertedSessions: n, conversionRate: rate,
  checkouts: n, abandonedCheckouts: n, cartAbandonmentRate: rate,
  refundRate: rate,
  churnBase: n, churnedCustomers: n, churnRate: rate,
  clvCustomers: n, clvRevenue: n, clv: n.nullable(),
  spend: n, cac: n.nullable(),
});
export type KpiSet = z.infer<typeof kpiSetSchema>;

const period = z.object({ from: z.string(), to: z.string(), days: z.number() });

export const dashboardSchema = z.object({
  range: period,
  previousRange: period,
  currency: z.string(),
  timeZone: z.string(),
  current: kpiSetSchema,
  previous: kpiSetSchema,
  /** How each figure is computed, in a sentence (shown beside it). */
  definitions: z.record(z.string(), z.string()),
  refreshedAt: z.date().nullable(),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const statusSchema = z.object({
  currency: z.string(),
  timeZone: z.string(),
  today: z.string(),
  firstOrderDay: z.string().nullable(),
  lastOrderDay: z.string().nullable(),
  refreshedAt: z.date().nullable(),
  builtAt: z.date().nullable(),
  /** Whether a spend entry exists (CAC needs one). */
  hasSpend: z.boolean(),
  /** Campaign and flow ROI need the messaging module; false until it is installed. */
  messagingAvailable: z.boolean(),
});

export const seriesPointSchema = z.object({
  bucket: z.string(), from: z.string(), to: z.string(),
  grossRevenue: n, refunds: n, netRevenue: n, orders: n,
  newCustomers: n, returningCustomers: n, newCustomerRevenue: n, returningCustomerRevenue: n, guestRevenue: n,
});
export const seriesSchema = z.object({
  granularity: z.enum(['day', 'week', 'month']),
  points: z.array(seriesPointSchema),
  previous: z.array(seriesPointSchema),
});
export type Series = z.infer<typeof seriesSchema>;

export const breakdownsSchema = z.object({
  products: z.array(z.object({ key: z.string(), productId: z.string().nullable(), title: z.string(), orders: n, quantity: n, revenue: n })),
  categories: z.array(z.object({ category: z.string(), quantity: n, revenue: n })),
  countries: z.array(z.object({ country: z.string(), orders: n, revenue: n })),
  channels: z.array(z.object({ channel: z.string(), newCustomers: n, spend: n, cac: n.nullable() })),
  cac: z.array(z.object({ month: z.string(), spend: n, newCustomers: n, cac: n.nullable(), byChannel: z.record(z.string(), n.nullable()) })),
});
export type Breakdowns = z.infer<typeof breakdownsSchema>;

export const cohortsSchema = z.object({
  months: z.array(z.object({
    month: z.string(),
    customers: n,
    /** Index k: customers of this cohort who bought in month +k (k = 0 is everyone), and what they spent then. */
    retained: z.array(n),
    revenue: z.array(n),
  })),
  maxOffset: n,
});
export type Cohorts = z.infer<typeof cohortsSchema>;

export const segmentSharesSchema = z.object({
  available: z.boolean(),
  customers: n,
  items: z.array(z.object({ id: z.string(), name: z.string(), members: n })),
});

export const roiItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['campaign', 'flow']),
  name: z.string(),
  deleted: z.boolean().describe('The campaign or flow was deleted; its attributed orders still count'),
  revenue: n.describe('Total of the orders attributed to it, placed in the range (store currency, minor units)'),
  orders: n.describe('Attributed orders placed in the range'),
  cost: n.describe('Messages it sent in the range × cost per email / SMS (engagement settings)'),
  roi: rate.describe('(revenue − cost) ÷ cost; null when the cost is 0'),
});
export const roiSchema = z.object({
  /** False when the messaging module is not installed (no campaigns or flows to measure). */
  available: z.boolean(),
  currency: z.string(),
  range: z.object({ from: z.string(), to: z.string() }),
  /** Orders within `clickDays` of a click (else `openDays` of an open) are credited to that message. */
  attribution: z.object({ clickDays: n, openDays: n }).nullable(),
  items: z.array(roiItemSchema),
  totals: z.object({ revenue: n, cost: n, orders: n, roi: rate }),
});
export type Roi = z.infer<typeof roiSchema>;

const orderRow = z.object({ id: z.string(), number: z.string().nullable(), placedAt: z.date(), status: z.string(), total: n, refunded: n, customerId: z.string().nullable(), customerName: z.string().nullable(), country: z.string().nullable() });
const customerRow = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), country: z.string().nullable(), firstOrderDay: z.string().nullable(), orders: n, revenue: n, extra: z.string().nullable() });
const refundRow = z.object({ id: z.string(), refundedAt: z.date(), kind: z.string(), amount: n, reason: z.string().nullable(), orderId: z.string().nullable(), orderNumber: z.string().nullable(), customerId: z.string().nullable(), customerName: z.string().nullable() });
const checkoutRow = z.object({ id: z.string(), startedAt: z.date(), status: z.string(), value: n, currency: z.string().nullable(), converted: z.boolean(), orderId: z.string().nullable(), customerId: z.string().nullable(), customerName: z.string().nullable() });

export const drillPageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('orders'), total: n, items: z.array(orderRow) }),
  z.object({ kind: z.literal('customers'), total: n, items: z.array(customerRow), extraLabel: z.string().nullable() }),
  z.object({ kind: z.literal('refunds'), total: n, items: z.array(refundRow) }),
  z.object({ kind: z.literal('checkouts'), total: n, items: z.array(checkoutRow) }),
]);
export type DrillPage = z.infer<typeof drillPageSchema>;

const channelName = z.string().trim().toLowerCase().min(1, 'is required').max(100).regex(/^[^\s,;][^,;]*$/, 'may not contain commas or semicolons');

export const spendSchema = z.object({ id: z.string(), channel: z.string(), month: z.string(), amount: n, currency: z.string(), note: z.string().nullable(), createdBy: z.string(), updatedAt: z.date() });
export type Spend = z.infer<typeof spendSchema>;
export const spendListQuerySchema = z.strictObject({ from: isoMonth.optional(), to: isoMonth.optional() });
export const upsertSpendBodySchema = z.strictObject({
  channel: channelName.describe('Marketing channel, matched to UTM sources (case-insensitive), e.g. google, facebook, newsletter'),
  month: isoMonth,
  amount: z.number().int('must be in minor units (cents), a whole number').min(0).max(1e13),
  currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('Must be the store currency when given'),
  note: z.string().trim().max(500).nullish(),
});
export const importSpendBodySchema = z.strictObject({
  csv: z.string().min(1, 'is empty: send the file text').max(1_000_000).describe('CSV text with a header: channel, month (YYYY-MM), amount (in major units, e.g. 1250.00), optional note'),
  replace: z.boolean().default(false).describe('Also delete entries of the months in the file that the file does not list'),
});
export const importSpendResultSchema = z.object({ created: n, updated: n, deleted: n, rows: n });
