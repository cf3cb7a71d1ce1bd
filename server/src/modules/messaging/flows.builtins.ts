import type { Channel, MessageKind } from './messaging.tables.ts';
import type { FlowDefinitionInput } from './flows.definition.ts';
import { birthday, browseAbandonment, crossSell, reviewRequest, vipWelcome, welcomeFirstOrder } from './flows.templates.ts';

/**
 * Ready-made flows a store switches on in one click (the gallery). Each is an ordinary flow once
 * enabled: every step can be edited. Templates are made from the gallery starters (starters/) or from
 * flows.templates.ts; `tpl:<key>` and `segment:<builtin key>` in a definition are filled in when enabled.
 */

export interface TemplateSpec {
  key: string;
  name: string;
  /** A gallery starter to copy (its body, format, channel and kind). */
  starter?: string;
  channel?: Channel;
  kind?: MessageKind;
  subject?: string;
  preheader?: string;
  body?: string;
}

export interface BuiltinFlow {
  key: string;
  name: string;
  description: string;
  /** What it needs from the store beyond templates: the built-in segment it listens to. */
  segment?: string;
  templates: TemplateSpec[];
  definition: FlowDefinitionInput;
}

const ORDER_GOAL = (days: number) => ({ activity: 'Order Completed', withinDays: days });
const noOrders = { version: 1 as const, root: { kind: 'group' as const, match: 'all' as const, conditions: [{ kind: 'field' as const, field: 'orderCount', op: 'eq' as const, value: 0 }] } };

export const BUILTIN_FLOWS: readonly BuiltinFlow[] = [
  {
    key: 'welcome-series',
    name: 'Welcome series',
    description: 'Greets every new customer at once; three days later, those who have not ordered yet get a single-use 10 % code for their first order.',
    templates: [
      { key: 'welcome', name: 'Welcome series: welcome', starter: 'welcome' },
      { key: 'first-order', name: 'Welcome series: first-order gift', kind: 'marketing', subject: 'A gift for your first order at {{ store.name }}', preheader: 'Your single-use code is inside.', body: welcomeFirstOrder },
    ],
    definition: {
      version: 1, trigger: { type: 'activity', activity: 'Customer Created' }, reentry: { mode: 'never' }, goal: ORDER_GOAL(14), start: 'welcome',
      steps: [
        { id: 'welcome', name: 'Welcome email', type: 'email', templateId: 'tpl:welcome', next: 'wait-3d' },
        { id: 'wait-3d', name: 'Wait 3 days', type: 'wait', duration: { amount: 3, unit: 'days' }, next: 'has-ordered' },
        { id: 'has-ordered', name: 'No order yet?', type: 'split', condition: noOrders, yes: 'code', no: null },
        { id: 'code', name: '10 % first-order code', type: 'discount', kind: 'percent', value: 10, expiresInDays: 14, prefix: 'WELCOME', next: 'gift' },
        { id: 'gift', name: 'First-order gift email', type: 'email', templateId: 'tpl:first-order', next: null },
      ],
    },
  },
  {
    key: 'abandoned-cart',
    name: 'Abandoned cart',
    description: 'Reminds a customer of the checkout they left: after 1 hour, after 24 hours with a single-use 10 % code, and a last reminder at 72 hours. A new cart restarts it; an order ends it.',
    templates: [
      { key: 'cart-1', name: 'Abandoned cart: reminder', starter: 'abandoned-cart' },
      { key: 'cart-2', name: 'Abandoned cart: 10 % code', starter: 'abandoned-cart', subject: 'Your cart, and 10 % off to complete it', preheader: 'A single-use code, just for you.' },
      { key: 'cart-3', name: 'Abandoned cart: last reminder', starter: 'abandoned-cart', subject: 'Last chance: your cart and your code', preheader: 'We cannot hold your cart much longer.' },
    ],
    definition: {
      version: 1, trigger: { type: 'activity', activity: 'Checkout Started' }, keyBy: ['checkout_id', 'cart_id'], reentry: { mode: 'always' }, exitOn: ['Order Completed'], goal: ORDER_GOAL(7), start: 'wait-1h',
      steps: [
        { id: 'wait-1h', name: 'Wait 1 hour', type: 'wait', duration: { amount: 1, unit: 'hours' }, next: 'reminder' },
        { id: 'reminder', name: 'Reminder email', type: 'email', templateId: 'tpl:cart-1', next: 'wait-23h' },
        { id: 'wait-23h', name: 'Wait until 24 hours', type: 'wait', duration: { amount: 23, unit: 'hours' }, next: 'code' },
        { id: 'code', name: '10 % single-use code', type: 'discount', kind: 'percent', value: 10, expiresInDays: 7, prefix: 'CART', next: 'offer' },
        { id: 'offer', name: 'Email with the code', type: 'email', templateId: 'tpl:cart-2', next: 'wait-48h' },
        { id: 'wait-48h', name: 'Wait until 72 hours', type: 'wait', duration: { amount: 48, unit: 'hours' }, next: 'last' },
        { id: 'last', name: 'Last reminder', type: 'email', templateId: 'tpl:cart-3', next: null },
      ],
    },
  },
  {
    key: 'browse-abandonment',
    name: 'Browse abandonment',
    description: 'When someone views a product and does not add anything to the cart within 4 hours, shows them the product again. At most once a week per customer.',
    templates: [{ key: 'browse', name: 'Browse abandonment', kind: 'marketing', subject: 'Still thinking about {{ trigger.name | default: "it" }}?', preheader: 'It is still here for you.', body: browseAbandonment }],
    definition: {
      version: 1, trigger: { type: 'activity', activity: 'Product Viewed' }, reentry: { mode: 'afterDays', days: 7 }, exitOn: ['Order Completed'], goal: ORDER_GOAL(7), start: 'added',
      steps: [
        { id: 'added', name: 'Added to cart within 4 hours?', type: 'waitFor', activities: ['Product Added', 'Checkout Started', 'Order Completed'], timeout: { amount: 4, unit: 'hours' }, next: null, timeoutNext: 'email' },
        { id: 'email', name: 'Product reminder', type: 'email', templateId: 'tpl:browse', next: null },
      ],
    },
  },
  {
    key: 'post-purchase',
    name: 'Post-purchase: thank-you, cross-sell, review',
    description: 'Thanks the customer right after each order (transactional), suggests what goes with it three days later, and asks for a review ten days after the order.',
    templates: [
      { key: 'thanks', name: 'Post-purchase: thank-you', starter: 'order-thank-you' },
      { key: 'cross-sell', name: 'Post-purchase: cross-sell', kind: 'marketing', subject: 'Made to go with your {{ last_order.items.first.name | default: "order" }}', preheader: 'A few things our customers pair with it.', body: crossSell },
      { key: 'review', name: 'Post-purchase: review request', kind: 'marketing', subject: 'How was your order, {{ customer.first_name | default: "friend" }}?', preheader: 'A minute of your time helps a lot.', body: reviewRequest },
    ],
    definition: {
      version: 1, trigger: { type: 'activity', activity: 'Order Completed' }, keyBy: ['order_id'], reentry: { mode: 'always' }, goal: ORDER_GOAL(30), start: 'thanks',
      steps: [
        { id: 'thanks', name: 'Thank-you email', type: 'email', templateId: 'tpl:thanks', kind: 'transactional', next: 'wait-3d' },
        { id: 'wait-3d', name: 'Wait 3 days', type: 'wait', duration: { amount: 3, unit: 'days' }, next: 'cross-sell' },
        { id: 'cross-sell', name: 'Cross-sell email', type: 'email', templateId: 'tpl:cross-sell', next: 'wait-7d' },
        { id: 'wait-7d', name: 'Wait 7 days', type: 'wait', duration: { amount: 7, unit: 'days' }, next: 'morning' },
        { id: 'morning', name: 'Next 10:00 their time', type: 'waitUntil', time: '10:00', next: 'review' },
        { id: 'review', name: 'Review request', type: 'email', templateId: 'tpl:review', next: null },
      ],
    },
  },
  {
    key: 'win-back',
    name: 'Win-back at 90 days',
    description: 'Ninety days after a customer\'s last order, invites them back with a single-use 15 % code, and reminds them once a week later. An order ends it.',
    templates: [
      { key: 'win-back', name: 'Win-back: we miss you', starter: 'win-back' },
      { key: 'win-back-2', name: 'Win-back: reminder', starter: 'win-back', subject: 'Your 15 % code is waiting, {{ customer.first_name | default: "friend" }}', preheader: 'It expires soon.' },
    ],
    definition: {
      version: 1, trigger: { type: 'date', field: 'lastOrderAt', offsetDays: 90, time: '10:00', yearly: false }, reentry: { mode: 'always' }, exitOn: ['Order Completed'], goal: ORDER_GOAL(14), start: 'code',
      steps: [
        { id: 'code', name: '15 % single-use code', type: 'discount', kind: 'percent', value: 15, expiresInDays: 14, prefix: 'BACK', next: 'invite' },
        { id: 'invite', name: 'We miss you', type: 'email', templateId: 'tpl:win-back', next: 'wait-7d' },
        { id: 'wait-7d', name: 'Wait 7 days', type: 'wait', duration: { amount: 7, unit: 'days' }, next: 'reminder' },
        { id: 'reminder', name: 'Reminder', type: 'email', templateId: 'tpl:win-back-2', next: null },
      ],
    },
  },
  {
    key: 'birthday',
    name: 'Birthday',
    description: 'On each customer\'s birthday at 09:00 their time, wishes them a happy birthday with a single-use 15 % code.',
    templates: [{ key: 'birthday', name: 'Birthday', kind: 'marketing', subject: 'Happy birthday, {{ customer.first_name | default: "friend" }}! A gift inside', preheader: 'A little something from all of us.', body: birthday }],
    definition: {
      version: 1, trigger: { type: 'date', field: 'birthday', offsetDays: 0, time: '09:00', yearly: true }, reentry: { mode: 'always' }, goal: ORDER_GOAL(14), start: 'code',
      steps: [
        { id: 'code', name: '15 % birthday code', type: 'discount', kind: 'percent', value: 15, expiresInDays: 14, prefix: 'BDAY', next: 'wish' },
        { id: 'wish', name: 'Birthday email', type: 'email', templateId: 'tpl:birthday', next: null },
      ],
    },
  },
  {
    key: 'vip-welcome',
    name: 'VIP welcome',
    description: 'When a customer enters the VIP segment (top 10 % by spend), thanks them personally, tags them and asks the team to say hello.',
    segment: 'vip',
    templates: [{ key: 'vip', name: 'VIP welcome', kind: 'marketing', subject: 'You are one of our best customers', preheader: 'A personal thank-you from {{ store.name }}.', body: vipWelcome }],
    definition: {
      version: 1, trigger: { type: 'segment', segmentId: 'segment:vip', on: 'entered' }, reentry: { mode: 'never' }, goal: ORDER_GOAL(30), start: 'thanks',
      steps: [
        { id: 'thanks', name: 'VIP thank-you', type: 'email', templateId: 'tpl:vip', next: 'tag' },
        { id: 'tag', name: 'Tag as VIP', type: 'tag', add: ['vip'], remove: [], next: 'hello' },
        { id: 'hello', name: 'Team says hello', type: 'task', title: 'Say hello to a new VIP customer', body: 'Send a personal note or a small gift: they just became one of the top 10 % of customers by spend.', next: null },
      ],
    },
  },
];

export function builtinFlow(key: string): BuiltinFlow | undefined {
  return BUILTIN_FLOWS.find((b) => b.key === key);
}

/** Fills `tpl:<key>` and `segment:<key>` placeholders with real ids. */
export function resolveBuiltin(def: FlowDefinitionInput, templates: Map<string, string>, segments: Map<string, string>, fallback?: string): unknown {
  return JSON.parse(JSON.stringify(def), (_k, v: unknown) => {
    if (typeof v !== 'string') return v;
    if (v.startsWith('tpl:')) return templates.get(v.slice(4)) ?? fallback ?? v;
    if (v.startsWith('segment:')) return segments.get(v.slice(8)) ?? fallback ?? v;
    return v;
  });
}
