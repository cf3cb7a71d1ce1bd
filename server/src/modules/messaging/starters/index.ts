import type { Channel, MessageKind, TemplateFormat } from '../messaging.tables.ts';
import { abandonedCart, newsletter, orderThankYou, welcome, winBack } from './email.ts';
import { abandonedCartSms, orderShippedSms } from './sms.ts';

/** A gallery template: a complete, editable template a store starts from. */
export interface Starter {
  key: string;
  name: string;
  description: string;
  channel: Channel;
  kind: MessageKind;
  format: TemplateFormat;
  subject: string;
  preheader: string;
  body: string;
  /** Variables a flow or campaign may hand it beyond the customer's own (shown in the gallery). */
  optionalVars: string[];
}

export const STARTERS: readonly Starter[] = [
  {
    key: 'welcome', name: 'Welcome', channel: 'email', kind: 'marketing', format: 'mjml',
    description: 'Greets a new subscriber, says what to expect and, if the flow gives one, shows a welcome code.',
    subject: 'Welcome to {{ store.name }}', preheader: 'Thanks for joining us. Here is what to expect.', body: welcome, optionalVars: ['discount_code'],
  },
  {
    key: 'abandoned-cart', name: 'Abandoned cart', channel: 'email', kind: 'marketing', format: 'mjml',
    description: 'Shows the items left in the cart with their pictures and a button back to checkout; an optional discount code.',
    subject: '{{ customer.first_name | default: "Hi" }}, you left something in your cart', preheader: 'Your cart is saved. Complete your order whenever you are ready.',
    body: abandonedCart, optionalVars: ['discount_code'],
  },
  {
    key: 'order-thank-you', name: 'Order thank-you', channel: 'email', kind: 'transactional', format: 'mjml',
    description: 'Thanks the customer after an order with its items and totals. Transactional: sent without marketing consent.',
    subject: 'Thank you for your order {{ last_order.number }}', preheader: 'A summary of what you bought from {{ store.name }}.', body: orderThankYou, optionalVars: [],
  },
  {
    key: 'win-back', name: 'Win-back', channel: 'email', kind: 'marketing', format: 'mjml',
    description: 'Invites a lapsed customer back, reminds them what they bought and, if given, offers a code.',
    subject: 'We miss you, {{ customer.first_name | default: "friend" }}', preheader: 'It has been a while. Here is what is new.', body: winBack, optionalVars: ['discount_code'],
  },
  {
    key: 'newsletter', name: 'Newsletter', channel: 'email', kind: 'marketing', format: 'mjml',
    description: 'A clean layout for news: an introduction, a main story with a button and a second item.',
    subject: 'News from {{ store.name }}', preheader: 'What is new this month.', body: newsletter, optionalVars: [],
  },
  {
    key: 'abandoned-cart-sms', name: 'Abandoned cart (SMS)', channel: 'sms', kind: 'marketing', format: 'text',
    description: 'A short reminder with the cart value and a link to checkout; opt-out line included.',
    subject: '', preheader: '', body: abandonedCartSms, optionalVars: ['discount_code'],
  },
  {
    key: 'order-shipped-sms', name: 'Order shipped (SMS)', channel: 'sms', kind: 'transactional', format: 'text',
    description: 'Tells the customer their last order is on its way, with a tracking link when the flow gives one.',
    subject: '', preheader: '', body: orderShippedSms, optionalVars: ['tracking_url'],
  },
];

export function starterByKey(key: string): Starter | undefined {
  return STARTERS.find((s) => s.key === key);
}
