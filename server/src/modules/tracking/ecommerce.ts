import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { isCurrency, MoneyError, toMinor } from '../../platform/money.ts';
import type { CommerceService } from '../commerce/commerce.service.ts';
import { cartItemSchema, orderInputSchema, refundInputSchema, type CartInput, type OrderInput, type RefundInput } from '../commerce/commerce.schemas.ts';
import type { Message } from './tracking.schemas.ts';

type CartItem = CartInput['items'][number];
type OrderLine = OrderInput['lines'][number];

/** What an E-commerce spec v2 event changes besides the activity stream. */
export type CommercePlan =
  | { kind: 'order'; order: OrderInput; cartKey: string | undefined }
  | { kind: 'refund'; refund: RefundInput }
  | { kind: 'cart'; op: 'add' | 'remove' | 'replace'; cartKey: string | undefined; items: CartItem[] | undefined; currency: string; currencyGiven: boolean; checkoutStarted: boolean; checkoutUrl: string | undefined; value: number | undefined };

export const SOURCE = 'tracking';
const CART_EVENTS = new Set(['Product Added', 'Product Removed', 'Cart Viewed', 'Checkout Started']);
const ORDER_EVENTS = new Set(['Order Completed', 'Order Updated', 'Order Cancelled', 'Order Refunded']);

export const isCommerceEvent = (m: Message): boolean => m.type === 'track' && (CART_EVENTS.has(m.event!) || ORDER_EVENTS.has(m.event!));

const text = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns an E-commerce v2 track event into the commerce write it implies. Money in events is
 * decimal (27.5 dollars); commerce takes integer minor units. A bad amount or a missing order_id
 * skips the state change (the event itself is still stored) and is explained in `warnings`.
 */
export function planCommerce(m: Message, storeCurrency: string): { plan?: CommercePlan; warnings: string[] } {
  const { plan, warnings, bad } = draftPlan(m, storeCurrency);
  const out = { plan, warnings };
  if (!plan) return { warnings };
  // A wrong amount would be stored as a wrong total: better no state change than a wrong one.
  if (bad?.length) return { warnings: [...warnings, `${plan.kind} not stored: an amount is not valid`] };
  // Commerce's own input rules (amount ranges, lengths) apply to tracked events as to its API.
  const check = plan.kind === 'order' ? orderInputSchema.safeParse(plan.order) : plan.kind === 'refund' ? refundInputSchema.safeParse(plan.refund) : cartItemSchema.array().safeParse(plan.items ?? []);
  if (check.success) return out;
  const issue = check.error.issues[0]!;
  out.warnings.push(`${plan.kind} not stored: ${issue.path.join('.') || 'value'}: ${issue.message}`);
  return { warnings: out.warnings };
}

function draftPlan(m: Message, storeCurrency: string): { plan?: CommercePlan; warnings: string[]; bad?: string[] } {
  const warnings: string[] = [];
  // Fields with an invalid amount (an array: filled in while the plan below is being built).
  const bad: string[] = [];
  if (!isCommerceEvent(m)) return { warnings };
  const p = m.properties;
  const given = text(p.currency, 10)?.toUpperCase();
  if (given && !isCurrency(given)) warnings.push(`currency "${given}" is not ISO 4217; used ${storeCurrency}`);
  const currency = given && isCurrency(given) ? given : storeCurrency;
  const money = (field: string, v: unknown = p[field]): number | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'number' && typeof v !== 'string') {
      warnings.push(`${field} is not an amount`);
      bad.push(field);
      return undefined;
    }
    try {
      return toMinor(v, currency);
    } catch (e) {
      if (!(e instanceof MoneyError)) throw e;
      warnings.push(`${field}: ${e.message}`);
      bad.push(field);
      return undefined;
    }
  };
  const quantity = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 1);
  const item = (x: Record<string, unknown>, path: string): CartItem => ({
    productExternalId: text(x.product_id ?? x.productId), sku: text(x.sku), title: text(x.name, 500) ?? text(x.sku) ?? text(x.product_id) ?? 'Item',
    quantity: quantity(x.quantity), unitPrice: money(`${path}price`, x.price) ?? 0, imageUrl: text(x.image_url, 2000), url: text(x.url, 2000),
  });
  const products = Array.isArray(p.products) ? p.products.filter(isObject).map((x, i) => item(x, `products[${i}].`)) : undefined;
  const cartKey = text(p.cart_id) ?? text(p.checkout_id);
  const event = m.event!;

  if (CART_EVENTS.has(event)) {
    const single = event === 'Product Added' || event === 'Product Removed';
    return {
      warnings, bad,
      plan: {
        kind: 'cart', op: event === 'Product Added' ? 'add' : event === 'Product Removed' ? 'remove' : 'replace', cartKey,
        items: single ? [item(p, '')] : products, currency, currencyGiven: currency === given, checkoutStarted: event === 'Checkout Started', checkoutUrl: text(p.checkout_url, 2000),
        value: event === 'Checkout Started' ? (money('value') ?? money('revenue')) : undefined,
      },
    };
  }

  const orderId = text(p.order_id ?? p.orderId);
  if (!orderId) {
    warnings.push('order_id is missing: no order was stored');
    return { warnings };
  }
  if (event === 'Order Refunded') {
    const amount = money('total') ?? money('revenue') ?? money('value') ?? products?.reduce((n, l) => n + l.quantity * l.unitPrice, 0);
    if (amount === undefined || amount < 0) {
      warnings.push('total is missing: no refund was stored');
      return { warnings };
    }
    return {
      warnings, bad,
      plan: {
        kind: 'refund',
        refund: {
          source: SOURCE, externalId: text(p.refund_id) ?? (m.messageId ? `msg:${m.messageId}` : `order:${orderId}:${m.occurredAt.toISOString()}`), orderExternalId: orderId,
          kind: 'refund', amount, currency, reason: text(p.reason, 500), refundedAt: m.occurredAt,
          lines: (products ?? []).map((l) => ({ sku: l.sku, title: l.title, quantity: l.quantity, amount: l.quantity * l.unitPrice })),
        },
      },
    };
  }
  const tax = money('tax') ?? 0;
  const shipping = money('shipping') ?? 0;
  const revenue = money('revenue');
  const lines: OrderLine[] = (products ?? []).map((l) => ({ productExternalId: l.productExternalId, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice }));
  const coupon = text(p.coupon, 100);
  const cancelled = event === 'Order Cancelled';
  return {
    warnings, bad,
    plan: {
      kind: 'order',
      cartKey: text(p.checkout_id) ?? text(p.cart_id),
      order: {
        source: SOURCE, externalId: orderId, number: text(p.order_number ?? p.number, 100), status: cancelled ? 'cancelled' : 'completed', currency,
        subtotal: money('subtotal'), discountTotal: Math.abs(money('discount') ?? 0), taxTotal: tax, shippingTotal: shipping,
        total: money('total') ?? (revenue !== undefined ? revenue + tax + shipping : undefined), lines, discountCodes: coupon ? [coupon] : [],
        placedAt: m.occurredAt, updatedAt: m.occurredAt, cancelledAt: cancelled ? m.occurredAt : undefined,
      },
    },
  };
}

const itemKey = (i: CartItem) => i.productExternalId ?? i.sku ?? i.title;

/** Applies a plan through the commerce service, in the ingest transaction, to an already resolved profile. */
export async function applyCommerce(tx: Tx, commerce: CommerceService, plan: CommercePlan, ctx: { customerId: string; actor: Actor; verified: boolean; at: Date }): Promise<void> {
  const opts = { emit: false, customerId: ctx.customerId, verified: ctx.verified, occurredAt: ctx.at };
  if (plan.kind === 'refund') {
    await commerce.upsertRefund(ctx.actor, plan.refund, opts, tx);
    return;
  }
  if (plan.kind === 'order') {
    // Without a cart id, the order converts the profile's open cart ("one open cart per profile").
    const cartExternalId = plan.cartKey ?? (await commerce.cartState(tx, SOURCE, { customerId: ctx.customerId }))?.externalId;
    await commerce.upsertOrder(ctx.actor, { ...plan.order, cartExternalId }, opts, tx);
    return;
  }
  const state = await commerce.cartState(tx, SOURCE, plan.cartKey ? { externalId: plan.cartKey } : { customerId: ctx.customerId });
  let items = state?.items ?? [];
  if (plan.op === 'replace') items = plan.items ?? items;
  else {
    const change = plan.items?.[0];
    if (change) {
      const key = itemKey(change);
      const found = items.find((i) => itemKey(i) === key);
      if (plan.op === 'add') {
        items = found ? items.map((i) => (i === found ? { ...i, ...dropUndefined(change), quantity: i.quantity + change.quantity } : i)) : [...items, change];
      } else if (found) {
        const left = found.quantity - change.quantity;
        items = left > 0 ? items.map((i) => (i === found ? { ...i, quantity: left } : i)) : items.filter((i) => i !== found);
      }
    }
  }
  await commerce.upsertCart(ctx.actor, {
    source: SOURCE, externalId: plan.cartKey ?? state?.externalId ?? `auto:${newId()}`, status: 'open', currency: plan.currencyGiven ? plan.currency : (state?.currency ?? plan.currency), items: items.map(dropUndefined) as CartItem[],
    value: plan.value, checkoutUrl: plan.checkoutUrl, checkoutStarted: plan.checkoutStarted, updatedAt: ctx.at,
  }, opts, tx);
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
