import { orderInputSchema, refundInputSchema, type CustomerRef, type OrderInput } from '../../commerce/commerce.schemas.ts';
import type { IdentityClaim } from '../../customers/identity.ts';
import {
  address, arr, country, currencyOf, date, email, idOf, ignore, int, money, obj, requireDate, requireId, root, str, validated, type Json, type Operation, type Plan,
} from './plan.ts';

const SOURCE = 'woocommerce';

/** WooCommerce (REST API v3 shapes) webhook payloads → operations. Prices are decimal strings. */
export function mapWooCommerce(topic: string, body: unknown): Plan {
  switch (topic) {
    case 'order.created': case 'order.updated': case 'order.restored': {
      const o = root(body, 'order');
      const input = wooOrder(o);
      const refunds = wooRefunds(o, input);
      return {
        operations: [{ kind: 'order', input }, ...refunds.map((r) => ({ kind: 'refund' as const, input: r }))],
        resource: { type: 'order', id: input.externalId, updatedAt: input.updatedAt },
      };
    }
    case 'order.deleted': {
      const id = requireId(root(body, 'order').id, 'id');
      return { operations: [{ kind: 'cancel-order', externalId: id, at: new Date() }], resource: { type: 'order', id }, note: 'Order deleted or trashed in WooCommerce: marked cancelled.' };
    }
    case 'customer.created': case 'customer.updated': {
      const op = wooCustomer(root(body, 'customer'), topic === 'customer.created');
      return { operations: [op], resource: { type: 'customer', id: op.externalId, updatedAt: op.updatedAt } };
    }
    case 'customer.deleted':
      return ignore('Customer deleted in WooCommerce: the Patron profile and its history are kept (erase it in Patron if the person asked for erasure).');
    default:
      return ignore(`Patron does not use the WooCommerce topic "${topic}".`);
  }
}

// pending and checkout-draft are unpaid carts turned orders; failed and trash never became sales.
const STATUS: Record<string, OrderInput['status']> = {
  pending: 'open', 'checkout-draft': 'open', 'on-hold': 'open', processing: 'completed', completed: 'completed', refunded: 'completed',
  cancelled: 'cancelled', failed: 'cancelled', trash: 'cancelled',
};

export function wooOrder(o: Json): OrderInput {
  const externalId = requireId(o.id, 'id');
  const currency = currencyOf(o.currency, 'currency');
  const m = (v: unknown, f: string) => money(v, currency, f);
  const lines = arr(o.line_items).map((l, i) => {
    const quantity = int(l.quantity, `line_items[${i}].quantity`);
    // subtotal is the line before coupons; Woo's price is a rounded float, so derive the unit price from it.
    const lineTotal = m(l.subtotal, `line_items[${i}].subtotal`) ?? m(l.total, `line_items[${i}].total`) ?? 0;
    return {
      productExternalId: idOf(l.product_id), variantExternalId: idOf(l.variation_id), sku: str(l.sku), title: str(l.name) ?? 'Item',
      quantity, unitPrice: quantity ? Math.round(lineTotal / quantity) : lineTotal, total: lineTotal,
    };
  });
  const billing = obj(o.billing) ?? {};
  const customer: CustomerRef = {
    externalId: idOf(o.customer_id), email: email(billing.email), phone: str(billing.phone), firstName: str(billing.first_name), lastName: str(billing.last_name), country: country(billing.country),
  };
  for (const k of Object.keys(customer) as (keyof CustomerRef)[]) if (customer[k] === undefined) delete customer[k];
  const status = STATUS[str(o.status) ?? ''] ?? 'completed';
  const paid = !!str(o.date_paid_gmt) || !!str(o.date_paid);
  return validated(orderInputSchema, {
    source: SOURCE, externalId, number: str(o.number), customer: Object.keys(customer).length ? customer : undefined, status,
    financialStatus: o.status === 'refunded' ? 'refunded' : paid ? 'paid' : 'pending', fulfillmentStatus: o.status === 'completed' ? 'fulfilled' : undefined,
    currency, subtotal: lines.reduce((n, l) => n + l.total, 0), discountTotal: m(o.discount_total, 'discount_total') ?? 0, taxTotal: m(o.total_tax, 'total_tax') ?? 0,
    shippingTotal: m(o.shipping_total, 'shipping_total') ?? 0, total: m(o.total, 'total'), lines, shippingAddress: address(obj(o.shipping), 'shipping'),
    discountCodes: arr(o.coupon_lines).map((c) => str(c.code)).filter((c): c is string => !!c),
    placedAt: requireDate(o.date_created_gmt ?? o.date_created, 'date_created_gmt', { utc: o.date_created_gmt != null }),
    cancelledAt: status === 'cancelled' ? date(o.date_modified_gmt, 'date_modified_gmt', { utc: true }) : undefined,
    updatedAt: date(o.date_modified_gmt, 'date_modified_gmt', { utc: true }) ?? date(o.date_modified, 'date_modified'),
  }, 'WooCommerce order');
}

/** Woo lists an order's refunds (id, reason, negative total) inside the order. */
function wooRefunds(o: Json, order: OrderInput) {
  return arr(o.refunds).map((r, i) => validated(refundInputSchema, {
    source: SOURCE, externalId: requireId(r.id, `refunds[${i}].id`), orderExternalId: order.externalId, kind: 'refund',
    amount: Math.abs(money(r.total, order.currency, `refunds[${i}].total`) ?? 0), currency: order.currency, reason: str(r.reason),
    refundedAt: order.updatedAt ?? order.placedAt,
  }, 'WooCommerce refund'));
}

export function wooCustomer(c: Json, created: boolean): Extract<Operation, { kind: 'customer' }> {
  const externalId = requireId(c.id, 'id');
  const billing = obj(c.billing);
  const mail = email(c.email) ?? email(billing?.email);
  const identities: IdentityClaim[] = [{ kind: 'external', source: SOURCE, value: externalId, verified: true }];
  if (mail) identities.push({ kind: 'email', value: mail, verified: true });
  const addresses = [address(billing, 'billing'), address(obj(c.shipping), 'shipping')].filter((a) => a !== undefined);
  return {
    kind: 'customer', externalId, identities,
    profile: { firstName: str(c.first_name) ?? str(billing?.first_name), lastName: str(c.last_name) ?? str(billing?.last_name), email: mail, phone: str(billing?.phone), country: country(billing?.country), addresses },
    occurredAt: created ? date(c.date_created_gmt, 'date_created_gmt', { utc: true }) : undefined,
    updatedAt: date(c.date_modified_gmt, 'date_modified_gmt', { utc: true }),
  };
}
