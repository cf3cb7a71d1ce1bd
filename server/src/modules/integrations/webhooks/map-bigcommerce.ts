import { cartInputSchema, orderInputSchema, type CustomerRef, type OrderInput } from '../../commerce/commerce.schemas.ts';
import type { IdentityClaim } from '../../customers/identity.ts';
import type { BigCommerceClient } from './bigcommerce.client.ts';
import {
  address, arr, country, currencyOf, date, email, idOf, ignore, int, money, obj, requireDate, requireId, root, str, validated, type Json, type Operation, type Plan,
} from './plan.ts';

const SOURCE = 'bigcommerce';
export const NO_CREDENTIALS = 'Stored event, details not fetched (no API credentials).';

/**
 * BigCommerce webhooks are thin (scope, data.type, data.id): the full record comes from the REST
 * API when the connection has credentials; without them the event is only logged.
 */
export async function planBigCommerce(topic: string, body: unknown, client: BigCommerceClient | undefined): Promise<Plan> {
  const data = obj(root(body, 'webhook').data) ?? {};
  const [, type] = topic.split('/');
  const known = /^store\/(order\/(created|updated|statusUpdated)|customer\/(created|updated)|cart\/(created|updated|abandoned|converted))$/.test(topic);
  if (!known || !type) return ignore(`Patron does not use the BigCommerce scope "${topic}".`);
  const id = requireId(data.id, 'data.id');
  const resource = { type, id };
  if (!client) return { ...ignore(NO_CREDENTIALS), resource };

  if (type === 'order') {
    const found = await client.order(id);
    if (!found) return { ...ignore(`Order ${id} no longer exists in BigCommerce.`), resource };
    const input = bcOrder(found.order, found.products);
    return { operations: [{ kind: 'order', input }], resource: { ...resource, updatedAt: input.updatedAt } };
  }
  if (type === 'customer') {
    const c = await client.customer(id);
    if (!c) return { ...ignore(`Customer ${id} no longer exists in BigCommerce.`), resource };
    const op = bcCustomer(c, topic.endsWith('/created'));
    return { operations: [op], resource: { ...resource, updatedAt: op.updatedAt } };
  }
  if (topic === 'store/cart/converted') {
    // A converted cart is gone from the Carts API; its order carries the cart id and converts it.
    const orderId = idOf(data.orderId);
    const found = orderId ? await client.order(orderId) : undefined;
    if (!found) return { ...ignore(`Cart ${id} converted, but its order ${orderId ?? '(none named)'} could not be fetched.`), resource };
    const input = bcOrder(found.order, found.products, id);
    return { operations: [{ kind: 'order', input }], resource, note: `Cart converted into order ${input.externalId}.` };
  }
  const cart = await client.cart(id);
  if (!cart) return { ...ignore(`Cart ${id} no longer exists in BigCommerce (converted or expired).`), resource };
  const input = bcCart(cart, topic === 'store/cart/abandoned');
  return { operations: [{ kind: 'cart', input }], resource: { ...resource, updatedAt: input.updatedAt } };
}

// status_id: 0 Incomplete, 5 Cancelled, 6 Declined, 7 Awaiting Payment; the rest are placed orders.
function orderStatus(statusId: number): OrderInput['status'] {
  if (statusId === 5 || statusId === 6) return 'cancelled';
  if (statusId === 0 || statusId === 7) return 'open';
  return 'completed';
}

/** A v2 order and its products → an order input. Amounts are decimal strings like "225.0000". */
export function bcOrder(o: Json, products: Json[], cartId?: string): OrderInput {
  const externalId = requireId(o.id, 'id');
  // default_currency_code is the transactional currency the shopper paid in; currency_code only the display one.
  const currency = currencyOf(o.default_currency_code ?? o.currency_code, 'default_currency_code');
  const m = (v: unknown, f: string) => money(v, currency, f);
  const billing = obj(o.billing_address) ?? {};
  const customer: CustomerRef = {
    externalId: idOf(o.customer_id), email: email(billing.email), phone: str(billing.phone), firstName: str(billing.first_name), lastName: str(billing.last_name), country: country(billing.country_iso2),
  };
  for (const k of Object.keys(customer) as (keyof CustomerRef)[]) if (customer[k] === undefined) delete customer[k];
  const lines = products.map((p, i) => ({
    productExternalId: idOf(p.product_id), variantExternalId: idOf(p.variant_id), sku: str(p.sku), title: str(p.name) ?? 'Item', quantity: int(p.quantity, `products[${i}].quantity`),
    unitPrice: m(p.price_ex_tax ?? p.base_price, `products[${i}].price_ex_tax`) ?? 0, total: m(p.total_ex_tax ?? p.base_total, `products[${i}].total_ex_tax`),
  }));
  const status = orderStatus(Number(o.status_id ?? 1));
  return validated(orderInputSchema, {
    source: SOURCE, externalId, number: externalId, customer: Object.keys(customer).length ? customer : undefined, status,
    financialStatus: str(o.payment_status), fulfillmentStatus: str(o.status), currency, subtotal: m(o.subtotal_ex_tax, 'subtotal_ex_tax'),
    discountTotal: (m(o.discount_amount, 'discount_amount') ?? 0) + (m(o.coupon_discount, 'coupon_discount') ?? 0), taxTotal: m(o.total_tax, 'total_tax') ?? 0,
    shippingTotal: m(o.shipping_cost_ex_tax, 'shipping_cost_ex_tax') ?? 0, total: m(o.total_inc_tax, 'total_inc_tax'), lines,
    placedAt: requireDate(o.date_created, 'date_created'), updatedAt: date(o.date_modified, 'date_modified'), cartExternalId: str(o.cart_id) ?? cartId,
    cancelledAt: status === 'cancelled' ? date(o.date_modified, 'date_modified') : undefined,
  }, 'BigCommerce order');
}

export function bcCustomer(c: Json, created: boolean): Extract<Operation, { kind: 'customer' }> {
  const externalId = requireId(c.id, 'id');
  const mail = email(c.email);
  const identities: IdentityClaim[] = [{ kind: 'external', source: SOURCE, value: externalId, verified: true }];
  if (mail) identities.push({ kind: 'email', value: mail, verified: true });
  const addresses = arr(c.addresses).map((a) => address(a, 'shipping')).filter((a) => a !== undefined);
  return {
    kind: 'customer', externalId, identities,
    profile: { firstName: str(c.first_name), lastName: str(c.last_name), email: mail, phone: str(c.phone), country: addresses[0]?.country, addresses: addresses.slice(0, 50) },
    occurredAt: created ? date(c.date_created, 'date_created') : undefined, updatedAt: date(c.date_modified, 'date_modified'),
  };
}

/** A v3 cart → a cart input; an abandoned cart is one whose shopper reached checkout and left. */
export function bcCart(c: Json, abandoned: boolean) {
  const externalId = requireId(c.id, 'id');
  const currency = currencyOf(obj(c.currency)?.code, 'currency.code');
  const li = obj(c.line_items) ?? {};
  const items = [...arr(li.physical_items), ...arr(li.digital_items), ...arr(li.custom_items)].map((i, n) => ({
    productExternalId: idOf(i.product_id), sku: str(i.sku), title: str(i.name) ?? 'Item', quantity: int(i.quantity, `line_items[${n}].quantity`),
    unitPrice: money(i.sale_price ?? i.list_price, currency, `line_items[${n}].sale_price`) ?? 0, imageUrl: str(i.image_url), url: str(i.url),
  }));
  const customer: CustomerRef = { externalId: idOf(c.customer_id), email: email(c.email) };
  for (const k of Object.keys(customer) as (keyof CustomerRef)[]) if (customer[k] === undefined) delete customer[k];
  return validated(cartInputSchema, {
    source: SOURCE, externalId, customer: Object.keys(customer).length ? customer : undefined, status: abandoned ? 'abandoned' : 'open', currency, items,
    value: money(c.cart_amount, currency, 'cart_amount'), checkoutUrl: str(obj(c.redirect_urls)?.checkout_url), checkoutStarted: abandoned, updatedAt: date(c.updated_time, 'updated_time'),
  }, 'BigCommerce cart');
}
