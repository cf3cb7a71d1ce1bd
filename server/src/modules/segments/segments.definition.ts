import { z } from 'zod';
// The RFM module's class list (a plain-data file, importable here and by the web app; its index is not).
import { RFM_CLASSES, type RfmClass } from '../rfm/rfm.classes.ts';

/**
 * A segment definition: a typed, nestable AND/OR tree of conditions, stored as JSON and versioned
 * (`version` is the format version, not the segment's edit count). The shapes here are structural;
 * segments.validate.ts checks the meaning (known fields, operators that fit the field's type,
 * values of the right type, no cycles) and names the exact node that is wrong.
 */

export const TIME_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** "30 days", "4 hours". */
export const durationSchema = z.strictObject({
  amount: z.number().int().min(0).max(100_000),
  unit: z.enum(TIME_UNITS),
});
export type Duration = z.infer<typeof durationSchema>;

/** A calendar date (YYYY-MM-DD, in the store's time zone) or an instant (ISO 8601 with zone). */
const dateValue = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/, 'a date as YYYY-MM-DD or an ISO 8601 time with a zone');

// Operators per value type. Comparisons on money fields use minor units (pence, cents).
export const TEXT_OPS = ['is', 'isNot', 'contains', 'notContains', 'startsWith', 'endsWith', 'in', 'notIn', 'exists', 'notExists'] as const;
export const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'exists', 'notExists'] as const;
/** Rank operators: the top / bottom N % of customers with orders by this figure (e.g. VIP = top 10 % by spend). */
export const RANK_OPS = ['topPercent', 'bottomPercent'] as const;
export const BOOLEAN_OPS = ['isTrue', 'isFalse', 'exists', 'notExists'] as const;
export const DATE_OPS = ['before', 'after', 'on', 'between', 'inLast', 'notInLast', 'inNext', 'exists', 'notExists'] as const;
export const LIST_OPS = ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'] as const;
export const ALL_FIELD_OPS = [...new Set([...TEXT_OPS, ...NUMBER_OPS, ...RANK_OPS, ...BOOLEAN_OPS, ...DATE_OPS, ...LIST_OPS])] as [string, ...string[]];
export type FieldOp = (typeof TEXT_OPS)[number] | (typeof NUMBER_OPS)[number] | (typeof RANK_OPS)[number] | (typeof BOOLEAN_OPS)[number] | (typeof DATE_OPS)[number] | (typeof LIST_OPS)[number];

/** The value of a field condition; which shape is allowed depends on the operator (validated later). */
const fieldValue = z.union([
  z.string().max(1000),
  z.number().finite(),
  z.boolean(),
  z.array(z.union([z.string().max(1000), z.number().finite()])).max(1000),
  durationSchema,
]);
export type FieldValue = z.infer<typeof fieldValue>;

/** Profile attributes (built-in, or `custom.<key>` for custom attributes) and commerce figures. */
export const fieldConditionSchema = z.strictObject({
  kind: z.literal('field'),
  field: z.string().min(1).max(100),
  op: z.enum(ALL_FIELD_OPS),
  value: fieldValue.optional(),
});

export const COUNT_OPS = ['atLeast', 'atMost', 'exactly'] as const;
export const countSchema = z.strictObject({ op: z.enum(COUNT_OPS), value: z.number().int().min(0).max(1_000_000) });
export type CountRule = z.infer<typeof countSchema>;

/** When: ever, in the last N units, or between two dates. */
export const windowSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ever') }),
  z.strictObject({ type: z.literal('inLast'), amount: durationSchema.shape.amount.min(1), unit: durationSchema.shape.unit }),
  z.strictObject({ type: z.literal('between'), from: dateValue, to: dateValue }),
]);
export type Window = z.infer<typeof windowSchema>;

export const PROPERTY_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'notExists'] as const;
export const propertyFilterSchema = z.strictObject({
  /** A property of the activity, dotted for nested ones: `total`, `products.0.sku`, `campaign.source`. */
  property: z.string().min(1).max(200).regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'property names are letters, digits, _ $ - joined by dots'),
  op: z.enum(PROPERTY_OPS),
  value: z.union([z.string().max(1000), z.number().finite(), z.boolean()]).optional(),
});
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

/** Performed activity X at least / at most / exactly N times within a window, where properties match. */
export const activityConditionSchema = z.strictObject({
  kind: z.literal('activity'),
  activity: z.string().min(1).max(200),
  count: countSchema,
  window: windowSchema,
  where: z.array(propertyFilterSchema).max(10).optional(),
});

/** Did X (within the window) but not Y within `notWithin` after it: checkout started, no order within 4 hours. */
export const sequenceConditionSchema = z.strictObject({
  kind: z.literal('sequence'),
  did: z.string().min(1).max(200),
  didWhere: z.array(propertyFilterSchema).max(10).optional(),
  didNot: z.string().min(1).max(200),
  notWithin: durationSchema,
  window: windowSchema,
});

/** The first or last time of an activity, compared like a date field. */
export const activityTimeConditionSchema = z.strictObject({
  kind: z.literal('activityTime'),
  activity: z.string().min(1).max(200),
  which: z.enum(['first', 'last']),
  op: z.enum(DATE_OPS),
  value: fieldValue.optional(),
});

/** Bought a product / SKU / category at least / at most / exactly N times (orders), optionally within a window. */
export const purchaseConditionSchema = z.strictObject({
  kind: z.literal('purchased'),
  target: z.enum(['product', 'sku', 'category']),
  /** Product ids, SKUs or category names; any of them counts. */
  values: z.array(z.string().min(1).max(300)).min(1).max(500),
  count: countSchema,
  window: windowSchema,
});

export const CONSENT_STATUSES = ['subscribed', 'unsubscribed', 'pending', 'none'] as const;
export const consentConditionSchema = z.strictObject({
  kind: z.literal('consent'),
  channel: z.enum(['email', 'sms', 'tracking']),
  /** The customer's current status is one of these ('none': never asked or never answered). */
  statuses: z.array(z.enum(CONSENT_STATUSES)).min(1).max(4),
});

export { RFM_CLASSES, type RfmClass };
export const rfmConditionSchema = z.discriminatedUnion('field', [
  z.strictObject({ kind: z.literal('rfm'), field: z.literal('class'), op: z.enum(['in', 'notIn']), value: z.array(z.enum(RFM_CLASSES)).min(1).max(11) }),
  z.strictObject({
    kind: z.literal('rfm'),
    field: z.enum(['recency', 'frequency', 'monetary']),
    op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between']),
    value: z.union([z.number().int().min(1).max(5), z.array(z.number().int().min(1).max(5)).length(2)]),
  }),
]);

export const segmentConditionSchema = z.strictObject({
  kind: z.literal('segment'),
  segmentId: z.uuid(),
  op: z.enum(['in', 'notIn']),
});

export type FieldCondition = z.infer<typeof fieldConditionSchema>;
export type ActivityCondition = z.infer<typeof activityConditionSchema>;
export type SequenceCondition = z.infer<typeof sequenceConditionSchema>;
export type ActivityTimeCondition = z.infer<typeof activityTimeConditionSchema>;
export type PurchaseCondition = z.infer<typeof purchaseConditionSchema>;
export type ConsentCondition = z.infer<typeof consentConditionSchema>;
export type RfmCondition = z.infer<typeof rfmConditionSchema>;
export type SegmentRefCondition = z.infer<typeof segmentConditionSchema>;
export type Condition = FieldCondition | ActivityCondition | SequenceCondition | ActivityTimeCondition | PurchaseCondition | ConsentCondition | RfmCondition | SegmentRefCondition;

/** all = AND, any = OR, none = NOT (a OR b). */
export interface Group {
  kind: 'group';
  match: 'all' | 'any' | 'none';
  conditions: Node[];
}
export type Node = Group | Condition;

export const MAX_DEPTH = 6;
export const MAX_NODES = 100;

const conditionSchema = z.union([
  fieldConditionSchema, activityConditionSchema, sequenceConditionSchema, activityTimeConditionSchema, purchaseConditionSchema,
  consentConditionSchema, rfmConditionSchema, segmentConditionSchema,
]);

export const groupSchema: z.ZodType<Group> = z.lazy(() =>
  z.strictObject({
    kind: z.literal('group'),
    match: z.enum(['all', 'any', 'none']),
    conditions: z.array(nodeSchema).max(50),
  }),
);
export const nodeSchema: z.ZodType<Node> = z.lazy(() => z.union([groupSchema, conditionSchema]));

export const definitionSchema = z.strictObject({
  version: z.literal(1),
  root: groupSchema,
});
export type Definition = z.infer<typeof definitionSchema>;

/** The empty definition a new segment starts from: everyone. */
export const EMPTY_DEFINITION: Definition = { version: 1, root: { kind: 'group', match: 'all', conditions: [] } };

/** Walks every node with its JSON pointer (relative to the definition). */
export function walk(def: Definition, visit: (node: Node, pointer: string, depth: number) => void): void {
  const rec = (n: Node, p: string, d: number) => {
    visit(n, p, d);
    if (n.kind === 'group') n.conditions.forEach((c, i) => rec(c, `${p}/conditions/${i}`, d + 1));
  };
  rec(def.root, '/root', 1);
}
