import { button, DISCOUNT, email, hero, itemsTable, MARKETING_FOOTER } from './starters/layout.ts';

/**
 * Email bodies the ready-made flows need beyond the template gallery (starters/): built from the
 * same layout pieces, so they look like the rest. Each becomes an ordinary, editable template when
 * its flow is switched on.
 */

const FIRST = `{{ customer.first_name | default: 'there' }}`;
const shopButton = (label: string) => `<mj-raw>{% if store.url %}</mj-raw>
        ${button(label, '{{ store.url }}')}
        <mj-raw>{% endif %}</mj-raw>`;

/** Browse abandonment: the product viewed is the trigger's (Product Viewed properties: name, price, image_url, url). */
export const browseAbandonment = email(
  'Still interested?',
  `${hero('Still thinking about it?')}
        <mj-text>Hi ${FIRST}, we noticed you were looking at {% if trigger.name %}<strong>{{ trigger.name }}</strong>{% else %}something you liked{% endif %}. It is still here if you want another look.</mj-text>
        <mj-raw>{% if trigger.image_url %}</mj-raw>
        <mj-image src="{{ trigger.image_url }}" alt="{{ trigger.name }}" width="320px" border-radius="10px" padding="8px 40px 16px" />
        <mj-raw>{% endif %}</mj-raw>
        <mj-raw>{% if trigger.price %}</mj-raw>
        <mj-text align="center" font-size="18px" font-weight="700">{{ trigger.name }}<br /><span style="font-weight:400;color:#6b7280;">{{ trigger.price }} {{ trigger.currency }}</span></mj-text>
        <mj-raw>{% endif %}</mj-raw>
        ${button('Take another look', `{{ trigger.url | default: store.url }}`)}
        <mj-text font-size="14px" line-height="22px" color="#6b7280">Questions about sizes, materials or delivery? Reply to this email and we will help.</mj-text>`,
  MARKETING_FOOTER,
);

export const welcomeFirstOrder = email(
  'A little something for your first order',
  `${hero(`A welcome gift, ${FIRST}`)}
        <mj-text>A few days ago you joined {{ store.name }}. If you have been waiting for the right moment to place your first order, here is a reason to do it now.</mj-text>
        ${DISCOUNT}
        ${shopButton('Find something you love')}
        <mj-text font-size="14px" line-height="22px" color="#6b7280">The code works once{% if discount.expires_at %} and expires on {{ discount.expires_at | date: '%-d %B', customer.time_zone }}{% endif %}.</mj-text>`,
  MARKETING_FOOTER,
);

export const crossSell = email(
  'Made to go together',
  `${hero('Made to go together')}
        <mj-text>Hi ${FIRST}, we hope you are enjoying {% if last_order.items.size > 0 %}your {{ last_order.items.first.name }}{% else %}your order{% endif %}. Customers who bought the same often come back for the pieces that go with it.</mj-text>
        <mj-raw>{% if last_order.items.size > 0 %}</mj-raw>
        <mj-text font-size="13px" line-height="18px" font-weight="600" color="#6b7280" padding="8px 40px 0"><span style="letter-spacing:0.08em;text-transform:uppercase;">Your order</span></mj-text>
        ${itemsTable('last_order.items', 'last_order.currency', ' limit: 3')}
        <mj-raw>{% endif %}</mj-raw>
        ${shopButton('Complete the set')}`,
  MARKETING_FOOTER,
);

export const reviewRequest = email(
  'How was your order?',
  `${hero(`How was it, ${FIRST}?`)}
        <mj-text>Your order {% if last_order.number %}<strong>{{ last_order.number }}</strong> {% endif %}should have arrived by now. Would you tell us and other customers what you think? It takes a minute and helps a small shop a lot.</mj-text>
        <mj-raw>{% if last_order.items.size > 0 %}</mj-raw>
        <mj-table cellpadding="0" cellspacing="0">
          {% for item in last_order.items limit: 4 %}
          <tr>
            <td width="80" style="padding:14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;">{% if item.image_url %}<img src="{{ item.image_url }}" width="64" height="64" alt="" style="display:block;width:64px;height:64px;object-fit:cover;border-radius:8px;border:1px solid #eef0f3;" />{% endif %}</td>
            <td style="padding:14px 12px 14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;font-weight:600;">{{ item.name }}</td>
            <td align="right" style="padding:14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;white-space:nowrap;">{% if item.url %}<a href="{{ item.url }}#reviews" style="color:{{ brand }};font-weight:600;">Write a review</a>{% endif %}</td>
          </tr>
          {% endfor %}
        </mj-table>
        <mj-raw>{% endif %}</mj-raw>
        <mj-text font-size="14px" line-height="22px" color="#6b7280">Something not right? Reply to this email and we will make it right.</mj-text>`,
  MARKETING_FOOTER,
);

export const birthday = email(
  'Happy birthday',
  `${hero(`Happy birthday, ${FIRST}!`)}
        <mj-text>Everyone at {{ store.name }} wishes you a wonderful day. To celebrate, here is a gift from us.</mj-text>
        ${DISCOUNT}
        ${shopButton('Treat yourself')}
        <mj-text font-size="14px" line-height="22px" color="#6b7280">{% if discount.expires_at %}Valid until {{ discount.expires_at | date: '%-d %B', customer.time_zone }}. {% endif %}One use, just for you.</mj-text>`,
  MARKETING_FOOTER,
);

export const vipWelcome = email(
  'You are one of our best customers',
  `${hero(`Thank you, ${FIRST}`)}
        <mj-text>You are now one of {{ store.name }}'s most valued customers{% if customer.order_count > 1 %}: {{ customer.order_count }} orders and counting{% endif %}. That means a lot to a shop like ours.</mj-text>
        <mj-text>As a VIP you will hear about new arrivals before anyone else, and from time to time we will keep something special aside for you. If there is anything we can do better, reply to this email: it comes straight to us.</mj-text>
        ${shopButton('See what is new')}`,
  MARKETING_FOOTER,
);
