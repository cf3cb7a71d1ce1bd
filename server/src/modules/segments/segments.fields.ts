import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { BOOLEAN_OPS, DATE_OPS, LIST_OPS, NUMBER_OPS, RANK_OPS, TEXT_OPS, type FieldOp } from './segments.definition.ts';

export type FieldType = 'text' | 'number' | 'money' | 'boolean' | 'date' | 'timestamp' | 'list';

/** A field a segment condition can test, with the SQL expression that reads it from customers `c`. */
export interface FieldDef {
  key: string;
  label: string;
  group: 'Profile' | 'Commerce' | 'Custom attributes' | 'Predictions';
  type: FieldType;
  /** Birthdays and anniversaries: "in the next 7 days" means the next occurrence of the day. */
  recurring?: boolean;
  /** Values to pick from (countries in use, list options). */
  options?: string[];
  /** Rank operators (top 10 % by spend) apply. */
  ranked?: boolean;
  /** What kind of write changes it. */
  changesWith: 'profile' | 'commerce' | 'time';
  help?: string;
  expr: RawBuilder<unknown>;
}

const col = (c: string) => sql.raw(`c.${c}`);

/** Built-in fields. The expressions are constants of this file: no input ever reaches them. */
export const BUILTIN_FIELDS: FieldDef[] = [
  { key: 'firstName', label: 'First name', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('first_name') },
  { key: 'lastName', label: 'Last name', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('last_name') },
  { key: 'email', label: 'Email', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('email') },
  { key: 'phone', label: 'Phone', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('phone') },
  { key: 'country', label: 'Country', group: 'Profile', type: 'text', changesWith: 'profile', help: 'ISO 3166 code, e.g. GB', expr: col('country') },
  { key: 'locale', label: 'Locale', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('locale') },
  { key: 'timeZone', label: 'Time zone', group: 'Profile', type: 'text', changesWith: 'profile', expr: col('time_zone') },
  { key: 'source', label: 'Source', group: 'Profile', type: 'text', changesWith: 'profile', help: 'Where the profile came from: shopify, csv, tracking, api, …', expr: col('source') },
  { key: 'tags', label: 'Tags', group: 'Profile', type: 'list', changesWith: 'profile', expr: col('tags') },
  { key: 'birthday', label: 'Birthday', group: 'Profile', type: 'date', recurring: true, changesWith: 'profile', expr: col('birthday') },
  { key: 'createdAt', label: 'Created', group: 'Profile', type: 'timestamp', changesWith: 'profile', expr: col('created_at') },
  { key: 'lastSeenAt', label: 'Last seen', group: 'Profile', type: 'timestamp', changesWith: 'time', help: 'Last tracked visit or activity', expr: col('last_seen_at') },
  { key: 'orderCount', label: 'Number of orders', group: 'Commerce', type: 'number', ranked: true, changesWith: 'commerce', expr: col('order_count') },
  { key: 'totalSpent', label: 'Total spent', group: 'Commerce', type: 'money', ranked: true, changesWith: 'commerce', expr: col('total_spent') },
  { key: 'averageOrderValue', label: 'Average order value', group: 'Commerce', type: 'money', ranked: true, changesWith: 'commerce', expr: col('aov') },
  { key: 'refunded', label: 'Refunded', group: 'Commerce', type: 'money', changesWith: 'commerce', expr: col('refunded') },
  { key: 'firstOrderAt', label: 'First order date', group: 'Commerce', type: 'timestamp', changesWith: 'commerce', expr: col('first_order_at') },
  { key: 'lastOrderAt', label: 'Last order date', group: 'Commerce', type: 'timestamp', changesWith: 'commerce', expr: col('last_order_at') },
  {
    key: 'orderIntervalRatio',
    label: 'Time since last order ÷ usual interval',
    group: 'Commerce',
    type: 'number',
    changesWith: 'time',
    help: 'Time since the last order divided by the customer\'s average time between orders (customers with 2+ orders). Above 2: overdue by twice their usual rhythm.',
    // Filled in by the compiler with "now" (see compileField): a placeholder expression here.
    expr: sql`null`,
  },
  // Predictions (CLV and churn): read-only reads of the predict module's customer_predictions, refreshed nightly.
  // A customer the models have not scored has no value (so "churn risk is high" never matches them).
  ...predictionFields(),
];

function predictionFields(): FieldDef[] {
  const pred = (column: string) => sql`(select p.${sql.raw(column)} from customer_predictions p where p.customer_id = c.id)`;
  const f = (key: string, label: string, type: FieldType, column: string, help: string, extra: Partial<FieldDef> = {}): FieldDef =>
    ({ key, label, group: 'Predictions', type, changesWith: 'time', help, expr: pred(column), ...extra });
  return [
    f('churnRisk', 'Churn risk', 'text', 'churn_risk', 'low, medium or high: 1 − the probability the customer is still active (BG/NBD)', { options: ['low', 'medium', 'high'] }),
    f('probabilityAlive', 'Probability still active', 'number', 'p_alive', 'From 0 to 1, e.g. less than 0.3'),
    f('expectedOrders90', 'Expected orders, next 90 days', 'number', 'expected_orders_90', 'The model\'s expected number of orders in the next 90 days', { ranked: true }),
    f('expectedOrders365', 'Expected orders, next 365 days', 'number', 'expected_orders_365', 'The model\'s expected number of orders in the next year', { ranked: true }),
    f('predictedClv', 'Predicted lifetime value', 'money', 'clv', 'Discounted value of the customer\'s expected orders over the model\'s horizon (12 months by default)', { ranked: true }),
    f('expectedOrderValue', 'Expected order value', 'money', 'expected_aov', 'The spend model\'s expected value of the customer\'s next orders'),
    f('expectedNextOrder', 'Expected next order date', 'date', 'next_order_on', 'The day by which the customer is more likely than not to have ordered again'),
  ];
}

export const BUILTIN_BY_KEY = new Map(BUILTIN_FIELDS.map((f) => [f.key, f]));

export const OPS_BY_TYPE: Record<FieldType, readonly FieldOp[]> = {
  text: TEXT_OPS,
  number: NUMBER_OPS,
  money: NUMBER_OPS,
  boolean: BOOLEAN_OPS,
  date: DATE_OPS,
  timestamp: DATE_OPS,
  list: LIST_OPS,
};

export function opsFor(f: FieldDef): readonly FieldOp[] {
  return f.ranked ? [...OPS_BY_TYPE[f.type], ...RANK_OPS] : OPS_BY_TYPE[f.type];
}

export interface CustomAttribute {
  key: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'list';
  options: string[];
}

/** A custom attribute as a field: its JSON value read safely (a malformed value is "no value", never an error). */
export function customField(a: CustomAttribute): FieldDef {
  const raw = sql`(c.attributes -> ${a.key})`;
  const text = sql`(c.attributes ->> ${a.key})`;
  const expr =
    a.type === 'number' ? sql`(case when jsonb_typeof(${raw}) = 'number' then ${text}::numeric end)`
    : a.type === 'boolean' ? sql`(case when jsonb_typeof(${raw}) = 'boolean' then ${text}::boolean end)`
    : a.type === 'date' ? sql`patron_try_date(${text})`
    : a.type === 'list' ? sql`(case jsonb_typeof(${raw}) when 'array' then ${raw} when 'string' then jsonb_build_array(${raw}) end)`
    : sql`(case when jsonb_typeof(${raw}) in ('string', 'number', 'boolean') then ${text} end)`;
  return {
    key: `custom.${a.key}`, label: a.label, group: 'Custom attributes', type: a.type, changesWith: 'profile',
    options: a.type === 'list' ? a.options : undefined, expr,
  };
}

/** Everything the validator and compiler need to know about the store's fields. */
export interface Catalogue {
  fields: Map<string, FieldDef>;
  /** Segments that exist: id → name and the ids they reference. */
  segments: Map<string, { name: string; refs: string[] }>;
}

export async function loadCatalogue(db: Executor): Promise<Catalogue> {
  const [attrs, segs] = await Promise.all([
    db.selectFrom('attribute_definitions').select(['key', 'label', 'type', 'options']).execute(),
    db.selectFrom('segments').select(['id', 'name', 'definition']).execute(),
  ]);
  const fields = new Map(BUILTIN_FIELDS.map((f) => [f.key, f] as [string, FieldDef]));
  for (const a of attrs) fields.set(`custom.${a.key}`, customField(a));
  const segments = new Map<string, { name: string; refs: string[] }>();
  for (const s of segs) segments.set(s.id, { name: s.name, refs: segmentRefs(s.definition) });
  return { fields, segments };
}

/** The segment ids a stored definition references (tolerant of malformed JSON: it is checked elsewhere). */
export function segmentRefs(def: unknown): string[] {
  const out: string[] = [];
  const rec = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.kind === 'segment' && typeof o.segmentId === 'string') out.push(o.segmentId);
    if (Array.isArray(o.conditions)) o.conditions.forEach(rec);
  };
  rec((def as { root?: unknown } | null)?.root);
  return out;
}
