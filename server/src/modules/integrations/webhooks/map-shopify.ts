import { cartInputSchema, orderInputSchema, refundInputSchema, type CustomerRef } from '../../commerce/commerce.schemas.ts';
import type { ConsentMethod, ConsentSignal, ConsentSignalStatus } from '../../customers/index.ts';
import type { IdentityClaim } from '../../customers/identity.ts';
import {
  address, arr, country, currencyOf, date, email, idOf, ignore, int, money, obj, requireDate, requireId, root, str, validated, type Json, type Operation, type Plan,
} from './plan.ts';

const SOURCE = 'shopify';

/** Shopify REST webhook payloads (orders, refunds, customers, checkouts) → operations. */
export function mapShopify(topic: string, body: unknown): Plan {
  switch (topic) {
    case 'orders/create': case 'orders/updated': case 'orders/paid': case 'orders/cancelled': case 'orders/fulfilled': case 'orders/partially_fulfilled': {
      const o = root(body, 'order');
      const input = shopifyOrder(o);
      return { operations: [{ kind: 'order', input, consent: shopifyOrderConsent(o, input.placedAt) }], resource: { type: 'order', id: input.externalId, updatedAt: input.updatedAt } };
    }
    case 'refunds/create': {
      const input = shopifyRefund(root(body, 'refund'));
      return input ? { operations: [{ kind: 'refund', input }], resource: { type: 'refund', id: input.externalId } } : ignore('A refund of no money (restock only): nothing to record.');
    }
    case 'customers/create': case 'customers/update': {
      const op = shopifyCustomer(root(body, 'customer'), topic === 'customers/create');
      return { operations: [op], resource: { type: 'customer', id: op.externalId, updatedAt: op.updatedAt } };
    }
    case 'checkouts/create': case 'checkouts/update': {
      const input = shopifyCheckout(root(body, 'checkout'));
      return { operations: [{ kind: 'cart', input }], resource: { type: 'checkout', id: input.externalId, updatedAt: input.updatedAt } };
    }
    default:
      return ignore(`Patron does not use the Shopify topic "${topic}".`);
  }
}

function customerRef(o: Json): CustomerRef | undefined {
  const c = obj(o.customer);
  const addr = obj(o.shipping_address) ?? obj(o.billing_address) ?? obj(c?.default_address);
  const ref: CustomerRef = {
    externalId: idOf(c?.id), email: email(o.email) ?? email(o.contact_email) ?? email(c?.email), phone: str(c?.phone) ?? str(o.phone),
    firstName: str(c?.first_name) ?? str(addr?.first_name), lastName: str(c?.last_name) ?? str(addr?.last_name), country: country(addr?.country_code),
  };
  for (const k of Object.keys(ref) as (keyof CustomerRef)[]) if (ref[k] === undefined) delete ref[k];
  return Object.keys(ref).length ? ref : undefined;
}

export function shopifyOrder(o: Json) {
  const externalId = requireId(o.id, 'id');
  const currency = currencyOf(o.currency, 'currency');
  const m = (v: unknown, f: string) => money(v, currency, f);
  const lines = arr(o.line_items).map((l, i) => ({
    productExternalId: idOf(l.product_id), variantExternalId: idOf(l.variant_id), sku: str(l.sku), title: str(l.title) ?? str(l.name) ?? 'Item',
    quantity: int(l.quantity, `line_items[${i}].quantity`), unitPrice: m(l.price, `line_items[${i}].price`) ?? 0,
  }));
  const shipping = m(obj(obj(o.total_shipping_price_set)?.shop_money)?.amount, 'total_shipping_price_set')
    ?? arr(o.shipping_lines).reduce((n, s, i) => n + (m(s.price, `shipping_lines[${i}].price`) ?? 0), 0);
  const discounts = m(o.total_discounts, 'total_discounts') ?? 0;
  // Patron's subtotal is before discounts (lines − discounts + tax + shipping = total).
  const subtotal = m(o.total_line_items_price, 'total_line_items_price') ?? ((m(o.subtotal_price, 'subtotal_price') ?? 0) + discounts);
  const cancelledAt = date(o.cancelled_at, 'cancelled_at');
  return validated(orderInputSchema, {
    source: SOURCE, externalId, number: str(o.name) ?? str(o.order_number), customer: customerRef(o),
    status: cancelledAt ? 'cancelled' : 'completed', financialStatus: str(o.financial_status), fulfillmentStatus: str(o.fulfillment_status),
    currency, subtotal, discountTotal: discounts, taxTotal: m(o.total_tax, 'total_tax') ?? 0, shippingTotal: shipping, total: m(o.total_price, 'total_price'),
    lines, shippingAddress: address(obj(o.shipping_address), 'shipping'), discountCodes: arr(o.discount_codes).map((d) => str(d.code)).filter((c): c is string => !!c),
    placedAt: requireDate(o.processed_at ?? o.created_at, 'created_at'), cancelledAt, updatedAt: date(o.updated_at, 'updated_at'), cartExternalId: str(o.checkout_token),
  }, 'Shopify order');
}

/** The money a refund returned: its successful refund transactions (else its lines' subtotals). */
export function shopifyRefund(r: Json) {
  const externalId = requireId(r.id, 'id');
  const tx = arr(r.transactions).filter((t) => (str(t.kind) ?? 'refund') === 'refund' && (str(t.status) ?? 'success') === 'success');
  const lineItems = arr(r.refund_line_items);
  const currency = str(tx[0]?.currency) ?? str(obj(obj(lineItems[0]?.subtotal_set)?.shop_money)?.currency_code);
  if (!currency) return undefined;
  const cur = currencyOf(currency, 'transactions[0].currency');
  const lines = lineItems.map((l, i) => {
    const item = obj(l.line_item) ?? {};
    return { sku: str(item.sku), title: str(item.title) ?? str(item.name) ?? 'Item', quantity: int(l.quantity ?? 0, `refund_line_items[${i}].quantity`), amount: money(obj(obj(l.subtotal_set)?.shop_money)?.amount ?? l.subtotal, cur, `refund_line_items[${i}].subtotal`) ?? 0 };
  });
  const amount = tx.length ? tx.reduce((n, t, i) => n + (money(t.amount, cur, `transactions[${i}].amount`) ?? 0), 0) : lines.reduce((n, l) => n + l.amount, 0);
  if (!amount && !lines.length) return undefined;
  return validated(refundInputSchema, {
    source: SOURCE, externalId, orderExternalId: requireId(r.order_id, 'order_id'), kind: 'refund', amount, currency: cur, reason: str(r.note),
    lines, refundedAt: requireDate(r.processed_at ?? r.created_at, 'created_at'),
  }, 'Shopify refund');
}

export function shopifyCustomer(c: Json, created: boolean): Extract<Operation, { kind: 'customer' }> {
  const externalId = requireId(c.id, 'id');
  const mail = email(c.email);
  const phone = str(c.phone);
  const identities: IdentityClaim[] = [{ kind: 'external', source: SOURCE, value: externalId, verified: true }];
  if (mail) identities.push({ kind: 'email', value: mail, verified: true });
  if (phone) identities.push({ kind: 'phone', value: phone, verified: true });
  const def = obj(c.default_address);
  const addresses = arr(c.addresses).map((a) => address(a, 'shipping', a.default === true)).filter((a) => a !== undefined);
  const tags = (str(c.tags) ?? '').split(',').map((t) => t.trim()).filter(Boolean).slice(0, 200);
  return {
    kind: 'customer', externalId, identities,
    profile: { firstName: str(c.first_name), lastName: str(c.last_name), email: mail, phone, country: country(def?.country_code), tags, addresses: addresses.slice(0, 50) },
    occurredAt: created ? date(c.created_at, 'created_at') : undefined, updatedAt: date(c.updated_at, 'updated_at'), consent: shopifyConsent(c),
  };
}

const CONSENT_STATES: Record<string, ConsentSignalStatus> = {
  subscribed: 'subscribed', pending: 'pending', unsubscribed: 'unsubscribed',
  // No consent at Shopify; "redacted": Shopify erased the customer's data (GDPR), so no consent either.
  not_subscribed: 'not_subscribed', redacted: 'not_subscribed',
};
const OPT_IN_LEVELS: Record<string, ConsentMethod> = { single_opt_in: 'single_opt_in', confirmed_opt_in: 'double_opt_in' };

/**
 * Marketing consent of a Shopify customer object (customers/* webhooks, and the customer inside orders):
 * `email_marketing_consent` / `sms_marketing_consent` {state, opt_in_level, consent_updated_at}, or the
 * legacy `accepts_marketing` of older API versions. Without a consent time, the customer's updated_at.
 */
export function shopifyConsent(c: Json): ConsentSignal[] {
  const fallback = date(c.updated_at, 'updated_at');
  const out: ConsentSignal[] = [];
  for (const [channel, field] of [['email', 'email_marketing_consent'], ['sms', 'sms_marketing_consent']] as const) {
    const m = obj(c[field]);
    const state = str(m?.state)?.toLowerCase();
    const status = state ? CONSENT_STATES[state] : undefined;
    if (!m || !status) continue;
    const level = str(m.opt_in_level);
    out.push({
      channel, status, method: (level && OPT_IN_LEVELS[level]) || 'webhook', occurredAt: date(m.consent_updated_at, `${field}.consent_updated_at`) ?? fallback,
      reason: state === 'redacted' ? 'the customer’s data was redacted in Shopify' : undefined,
      evidence: { [field]: m },
    });
  }
  if (!obj(c.email_marketing_consent) && typeof c.accepts_marketing === 'boolean') {
    const level = str(c.marketing_opt_in_level);
    out.push({
      channel: 'email', status: c.accepts_marketing ? 'subscribed' : 'not_subscribed', method: (level && OPT_IN_LEVELS[level]) || 'webhook',
      occurredAt: date(c.accepts_marketing_updated_at, 'accepts_marketing_updated_at') ?? fallback,
      evidence: { accepts_marketing: c.accepts_marketing, accepts_marketing_updated_at: c.accepts_marketing_updated_at ?? null, marketing_opt_in_level: c.marketing_opt_in_level ?? null },
    });
  }
  return out;
}

/**
 * An order's customer object says the customer's consent; without one, a ticked "email me" box at
 * checkout (`buyer_accepts_marketing`) is a subscription at the time of the order. An unticked box is
 * not an unsubscribe: Shopify does not show it to customers who are subscribed already.
 */
function shopifyOrderConsent(o: Json, placedAt: Date): ConsentSignal[] | undefined {
  const c = obj(o.customer);
  const fromCustomer = c ? shopifyConsent(c) : [];
  if (fromCustomer.some((s) => s.channel === 'email')) return fromCustomer;
  if (o.buyer_accepts_marketing === true) {
    fromCustomer.push({ channel: 'email', status: 'subscribed', method: 'single_opt_in', occurredAt: placedAt, evidence: { buyer_accepts_marketing: true, order: str(o.name) ?? null } });
  }
  return fromCustomer.length ? fromCustomer : undefined;
}

export function shopifyCheckout(c: Json) {
  const externalId = requireId(c.token, 'token');
  const currency = currencyOf(c.currency ?? c.presentment_currency, 'currency');
  const items = arr(c.line_items).map((l, i) => ({
    productExternalId: idOf(l.product_id), sku: str(l.sku), title: str(l.title) ?? str(l.presentment_title) ?? 'Item',
    quantity: int(l.quantity, `line_items[${i}].quantity`), unitPrice: money(l.price, currency, `line_items[${i}].price`) ?? 0,
  }));
  return validated(cartInputSchema, {
    source: SOURCE, externalId, customer: customerRef(c), status: c.completed_at ? 'converted' : 'open', currency, items,
    value: money(c.total_price, currency, 'total_price'), checkoutUrl: str(c.abandoned_checkout_url), checkoutStarted: true, updatedAt: date(c.updated_at, 'updated_at'),
  }, 'Shopify checkout');
}
