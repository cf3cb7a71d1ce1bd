/** SMS starters: short, the store named first, an opt-out on marketing ones (carrier rules and TCPA). */

export const abandonedCartSms =
  `{{ store.name }}: {{ customer.first_name | default: 'Hi' }}, your cart is saved ({{ cart.item_count }} item{% if cart.item_count != 1 %}s{% endif %}, {{ cart.value | money: cart.currency }}). ` +
  `{% assign link = cart.checkout_url | default: store.url %}{% if link %}Complete your order: {{ link }} {% endif %}` +
  `{% if discount_code %}Code {{ discount_code }} takes something off. {% endif %}Reply STOP to opt out.`;

export const orderShippedSms =
  `{{ store.name }}: good news{% if customer.first_name %}, {{ customer.first_name }}{% endif %}! Order {{ last_order.number }} is on its way.` +
  `{% if tracking_url %} Track it: {{ tracking_url }}{% endif %}`;
