import type { Condition } from '../../../../server/src/modules/segments/segments.definition.ts';
import type { Catalogue, CatalogueField } from './api.ts';
import { fieldOps, valueShape } from './ops.ts';

/**
 * "What to test": the first choice of a condition row. A field is one subject; condition kinds that
 * are not fields (activities, purchases, consent, RFM, segments) are subjects of their own.
 */
export interface Subject {
  key: string;
  label: string;
  group: string;
  description?: string;
  /** A new condition of this subject with sensible defaults. */
  make: () => Condition;
}

export const GROUP_ORDER = ['Profile', 'Custom attributes', 'Commerce', 'Behaviour', 'Purchases', 'Consent', 'RFM', 'Predictions', 'Segments'];

const DEFAULT_OP: Record<string, string> = { text: 'is', number: 'gt', money: 'gt', boolean: 'isTrue', date: 'inLast', timestamp: 'inLast', list: 'hasAny' };

/** The condition a field starts with: its most common operator and an empty (or default) value. */
export function newFieldCondition(f: CatalogueField): Condition {
  const ops = fieldOps(f.type, f.ops, Boolean(f.recurring)).map((o) => o.value);
  const preferred = f.recurring ? 'inNext' : DEFAULT_OP[f.type];
  const op = preferred && ops.includes(preferred) ? preferred : (ops[0] ?? 'exists');
  return { kind: 'field', field: f.key, op, value: defaultValue(valueShape(f.type, op, Boolean(f.options?.length))) };
}

/** The value an operator starts with when switched to (durations default to 30 days; the rest empty). */
export function defaultValue(shape: ReturnType<typeof valueShape>) {
  if (shape === 'duration') return { amount: 30, unit: 'days' as const };
  if (shape === 'textList' || shape === 'options') return [];
  return undefined;
}

const has = (cat: Catalogue, type: string) => cat.activities.some((a) => a.type === type);

export function subjects(cat: Catalogue): Subject[] {
  const out: Subject[] = cat.fields.map((f) => ({ key: `field:${f.key}`, label: f.label, group: f.group, description: f.help, make: () => newFieldCondition(f) }));
  const last30 = { type: 'inLast' as const, amount: 30, unit: 'days' as const };
  out.push(
    {
      key: 'activity', label: 'Did an activity', group: 'Behaviour', description: 'How many times someone did something: viewed a page, opened an email, started a checkout',
      make: () => ({ kind: 'activity', activity: '', count: { op: 'atLeast', value: 1 }, window: last30 }),
    },
    {
      key: 'sequence', label: 'Did X but not Y', group: 'Behaviour', description: 'Did one thing and not another soon after: started a checkout but placed no order within 4 hours',
      make: () => ({
        kind: 'sequence', did: has(cat, 'Checkout Started') ? 'Checkout Started' : '', didNot: has(cat, 'Order Completed') ? 'Order Completed' : '',
        notWithin: { amount: 4, unit: 'hours' }, window: last30,
      }),
    },
    {
      key: 'activityTime:first', label: 'First time of an activity', group: 'Behaviour', description: 'When someone first did something',
      make: () => ({ kind: 'activityTime', activity: '', which: 'first', op: 'inLast', value: { amount: 30, unit: 'days' } }),
    },
    {
      key: 'activityTime:last', label: 'Last time of an activity', group: 'Behaviour', description: 'When someone last did something',
      make: () => ({ kind: 'activityTime', activity: '', which: 'last', op: 'inLast', value: { amount: 30, unit: 'days' } }),
    },
    {
      key: 'purchased:category', label: 'Bought from a category', group: 'Purchases', description: 'Orders with a product from these categories',
      make: () => ({ kind: 'purchased', target: 'category', values: [], count: { op: 'atLeast', value: 1 }, window: { type: 'ever' } }),
    },
    {
      key: 'purchased:product', label: 'Bought a product', group: 'Purchases', description: 'Orders with one of these products',
      make: () => ({ kind: 'purchased', target: 'product', values: [], count: { op: 'atLeast', value: 1 }, window: { type: 'ever' } }),
    },
    {
      key: 'purchased:sku', label: 'Bought a SKU', group: 'Purchases', description: 'Orders with one of these SKUs (stock codes)',
      make: () => ({ kind: 'purchased', target: 'sku', values: [], count: { op: 'atLeast', value: 1 }, window: { type: 'ever' } }),
    },
    { key: 'consent:email', label: 'Email marketing', group: 'Consent', description: 'Subscribed, unsubscribed, pending or never asked', make: () => ({ kind: 'consent', channel: 'email', statuses: ['subscribed'] }) },
    { key: 'consent:sms', label: 'SMS marketing', group: 'Consent', description: 'Subscribed, unsubscribed, pending or never asked', make: () => ({ kind: 'consent', channel: 'sms', statuses: ['subscribed'] }) },
    { key: 'consent:tracking', label: 'Website tracking', group: 'Consent', description: 'Accepted or refused in the consent banner, or never asked', make: () => ({ kind: 'consent', channel: 'tracking', statuses: ['subscribed'] }) },
    { key: 'rfm:class', label: 'RFM class', group: 'RFM', description: 'Champions, loyal, at risk, … (customers with orders)', make: () => ({ kind: 'rfm', field: 'class', op: 'in', value: [] }) },
    { key: 'rfm:recency', label: 'RFM recency score', group: 'RFM', description: '1 to 5: how recently they bought (5 = most recent)', make: () => ({ kind: 'rfm', field: 'recency', op: 'gte', value: 4 }) },
    { key: 'rfm:frequency', label: 'RFM frequency score', group: 'RFM', description: '1 to 5: how often they buy (5 = most often)', make: () => ({ kind: 'rfm', field: 'frequency', op: 'gte', value: 4 }) },
    { key: 'rfm:monetary', label: 'RFM monetary score', group: 'RFM', description: '1 to 5: how much they spend (5 = most)', make: () => ({ kind: 'rfm', field: 'monetary', op: 'gte', value: 4 }) },
    { key: 'segment', label: 'In another segment', group: 'Segments', description: 'Is or is not a member of another segment', make: () => ({ kind: 'segment', segmentId: '', op: 'in' }) },
  );
  return out;
}

/** The subject key of a condition (the picker's value). */
export function subjectOf(c: Condition): string {
  switch (c.kind) {
    case 'field':
      return `field:${c.field}`;
    case 'activityTime':
      return `activityTime:${c.which}`;
    case 'purchased':
      return `purchased:${c.target}`;
    case 'consent':
      return `consent:${c.channel}`;
    case 'rfm':
      return `rfm:${c.field}`;
    default:
      return c.kind;
  }
}
