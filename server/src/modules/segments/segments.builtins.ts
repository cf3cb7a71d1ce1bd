import type { Definition } from './segments.definition.ts';

/** The segments every store starts with. They are ordinary segments once installed: edit, rename or delete them. */
export interface Builtin {
  key: string;
  name: string;
  description: string;
  definition: Definition;
}

const all = (...conditions: Definition['root']['conditions']): Definition => ({ version: 1, root: { kind: 'group', match: 'all', conditions } });

export const BUILTINS: Builtin[] = [
  {
    key: 'new-customers',
    name: 'New customers',
    description: 'Bought exactly once so far.',
    definition: all({ kind: 'field', field: 'orderCount', op: 'eq', value: 1 }),
  },
  {
    key: 'repeat-customers',
    name: 'Repeat customers',
    description: 'Bought two or more times.',
    definition: all({ kind: 'field', field: 'orderCount', op: 'gte', value: 2 }),
  },
  {
    key: 'vip',
    name: 'VIP',
    description: 'The top 10 % of customers by total spent.',
    definition: all({ kind: 'field', field: 'totalSpent', op: 'topPercent', value: 10 }),
  },
  {
    key: 'at-risk',
    name: 'At risk',
    description: 'Repeat customers whose last order is more than twice their usual time between orders ago.',
    definition: all({ kind: 'field', field: 'orderIntervalRatio', op: 'gt', value: 2 }),
  },
  {
    key: 'lapsed',
    name: 'Lapsed',
    description: 'No order in the last 180 days.',
    definition: all({ kind: 'field', field: 'lastOrderAt', op: 'notInLast', value: { amount: 180, unit: 'days' } }),
  },
  {
    key: 'cart-abandoners',
    name: 'Cart abandoners',
    description: 'Started a checkout in the last 30 days and did not complete an order within 4 hours of it.',
    definition: all({ kind: 'sequence', did: 'Checkout Started', didNot: 'Order Completed', notWithin: { amount: 4, unit: 'hours' }, window: { type: 'inLast', amount: 30, unit: 'days' } }),
  },
  {
    key: 'subscribers-never-bought',
    name: 'Subscribers who never bought',
    description: 'Subscribed to email marketing, no order yet.',
    definition: all({ kind: 'consent', channel: 'email', statuses: ['subscribed'] }, { kind: 'field', field: 'orderCount', op: 'eq', value: 0 }),
  },
];
