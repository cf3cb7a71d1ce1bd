import { button, DISCOUNT, email, hero, itemsTable, MARKETING_FOOTER, TRANSACTIONAL_FOOTER } from './layout.ts';

const FIRST = `{{ customer.first_name | default: 'there' }}`;
/** Shop links fall back to nothing rather than a made-up address: the button shows only when there is somewhere to go. */
const shopButton = (label: string) => `<mj-raw>{% if store.url %}</mj-raw>
        ${button(label, '{{ store.url }}')}
        <mj-raw>{% endif %}</mj-raw>`;

export const welcome = email(
  'Welcome to {{ store.name }}',
  `${hero(`Welcome, ${FIRST}!`)}
        <mj-text>Thanks for joining {{ store.name }}. We are glad you are here.</mj-text>
        <mj-text>From now on you will be the first to hear about new arrivals, restocks and offers we keep for subscribers. No noise: only what we think is worth your time.</mj-text>
        ${DISCOUNT}
        ${shopButton('Start shopping')}
        <mj-text font-size="14px" line-height="22px" color="#6b7280">Questions? Reply to this email: a real person reads every message.</mj-text>`,
  MARKETING_FOOTER,
);

export const abandonedCart = email(
  'Your cart at {{ store.name }}',
  `${hero('Still thinking it over?')}
        <mj-text>Hi ${FIRST}, you left {% if cart.item_count == 1 %}an item{% else %}a few items{% endif %} in your cart. We saved {% if cart.item_count == 1 %}it{% else %}them{% endif %} for you, so you can pick up right where you left off.</mj-text>
        ${itemsTable('cart.items', 'cart.currency')}
        <mj-text align="right" font-size="16px" padding="0 40px 24px"><span style="color:#6b7280;">Total</span>&nbsp;&nbsp;<strong>{{ cart.value | money: cart.currency }}</strong></mj-text>
        ${DISCOUNT}
        <mj-raw>{% assign checkout = cart.checkout_url | default: store.url %}{% if checkout %}</mj-raw>
        ${button('Return to your cart', '{{ checkout }}')}
        <mj-raw>{% endif %}</mj-raw>
        <mj-text font-size="14px" line-height="22px" color="#6b7280">Need help choosing, or a question about delivery? Reply to this email and we will get back to you.</mj-text>`,
  MARKETING_FOOTER,
);

export const orderThankYou = email(
  'Thank you for your order',
  `${hero(`Thank you for your order, ${FIRST}`)}
        <mj-text>We are grateful you chose {{ store.name }}. Here is a summary of order <strong>{{ last_order.number }}</strong>, placed on {{ last_order.placed_at | date: '%-d %B %Y', customer.time_zone }}.</mj-text>
        ${itemsTable('last_order.items', 'last_order.currency')}
        <mj-table cellpadding="0" cellspacing="0" padding="8px 40px 24px">
          <tr><td style="padding:4px 0;color:#6b7280;">Subtotal</td><td align="right" style="padding:4px 0;">{{ last_order.subtotal | money: last_order.currency }}</td></tr>
          {% if last_order.discount_total > 0 %}<tr><td style="padding:4px 0;color:#6b7280;">Discount</td><td align="right" style="padding:4px 0;">−{{ last_order.discount_total | money: last_order.currency }}</td></tr>{% endif %}
          <tr><td style="padding:4px 0;color:#6b7280;">Shipping</td><td align="right" style="padding:4px 0;">{{ last_order.shipping_total | money: last_order.currency }}</td></tr>
          {% if last_order.tax_total > 0 %}<tr><td style="padding:4px 0;color:#6b7280;">Tax</td><td align="right" style="padding:4px 0;">{{ last_order.tax_total | money: last_order.currency }}</td></tr>{% endif %}
          <tr><td style="padding:12px 0 0;border-top:1px solid #eef0f3;font-weight:700;font-size:17px;">Total</td><td align="right" style="padding:12px 0 0;border-top:1px solid #eef0f3;font-weight:700;font-size:17px;">{{ last_order.total | money: last_order.currency }}</td></tr>
        </mj-table>
        <mj-text font-size="14px" line-height="22px" color="#6b7280">Questions about your order? Reply to this email and we will help.</mj-text>`,
  TRANSACTIONAL_FOOTER,
);

export const winBack = email(
  'We miss you at {{ store.name }}',
  `${hero(`We miss you, ${FIRST}`)}
        <mj-text>It has been a while since your last order{% if customer.last_order_at %} on {{ customer.last_order_at | date: '%-d %B %Y', customer.time_zone }}{% endif %}. A lot has happened at {{ store.name }} since then, and we would love to see you again.</mj-text>
        <mj-raw>{% if last_order.items.size > 0 %}</mj-raw>
        <mj-text font-size="13px" line-height="18px" font-weight="600" color="#6b7280" padding="8px 40px 0"><span style="letter-spacing:0.08em;text-transform:uppercase;">You bought last time</span></mj-text>
        ${itemsTable('last_order.items', 'last_order.currency', ' limit: 3')}
        <mj-raw>{% endif %}</mj-raw>
        ${DISCOUNT}
        ${shopButton('See what is new')}`,
  MARKETING_FOOTER,
);

export const newsletter = email(
  'News from {{ store.name }}',
  `${hero('This month at {{ store.name }}')}
        <mj-text>Hi ${FIRST},</mj-text>
        <mj-text>Write a short introduction here: what is new in the shop, what is coming soon, or a story your customers will enjoy. Keep it to two or three sentences.</mj-text>
        <mj-divider border-width="1px" border-color="#eef0f3" padding="8px 40px 24px" />
        <mj-text font-size="20px" line-height="28px" font-weight="700" color="#111827" padding="0 40px 8px">Your main story</mj-text>
        <mj-text>Tell it in a paragraph: a new collection, the people behind a product, how something is made. End with one clear thing to do.</mj-text>
        ${shopButton('Read more')}
        <mj-divider border-width="1px" border-color="#eef0f3" padding="0 40px 24px" />
        <mj-text font-size="20px" line-height="28px" font-weight="700" color="#111827" padding="0 40px 8px">Also worth a look</mj-text>
        <mj-text>A second, shorter item: a tip, an event, a restock. Link to it from a word in the text.</mj-text>`,
  MARKETING_FOOTER,
);
