import type { BulkProduct, BulkRefund } from '../../commerce/commerce.bulk.ts';
import type { ProfileImport } from '../../customers/customers.import.ts';
import type { CustomerValue, LineValue, OrderHeader, RowValue } from './rows.ts';

/** The rows of one order, customer or product, folded as they are read (first non-empty value wins). */
export type Draft =
  | { kind: 'order'; group: string; line: number; cancellation: boolean; currency: string; customer?: CustomerValue; header: OrderHeader; lines: LineValue[] }
  | { kind: 'customer'; group: string; line: number; customer: CustomerValue }
  | { kind: 'product'; group: string; line: number; product: Extract<RowValue, { kind: 'product' }>['product'] };

export function startDraft(v: RowValue): Draft {
  if (v.kind === 'order') return { kind: 'order', group: v.group, line: v.line, cancellation: v.cancellation, currency: v.currency, customer: v.customer, header: { ...v.header }, lines: v.item ? [v.item] : [] };
  if (v.kind === 'customer') return { kind: 'customer', group: v.group, line: v.line, customer: { ...v.customer } };
  return { kind: 'product', group: v.group, line: v.line, product: { ...v.product } };
}

export function addToDraft(d: Draft, v: RowValue): void {
  if (d.kind === 'order' && v.kind === 'order') {
    d.customer = v.customer ? mergeCustomer(d.customer ?? {}, v.customer) : d.customer;
    fill(d.header, v.header);
    if (v.item) d.lines.push(v.item);
  } else if (d.kind === 'customer' && v.kind === 'customer') {
    d.customer = mergeCustomer(d.customer, v.customer);
  } else if (d.kind === 'product' && v.kind === 'product') {
    const { price, currency, ...rest } = v.product;
    fill(d.product, rest);
    // The latest price wins: line-level files are in time order.
    if (price !== undefined) {
      d.product.price = price;
      d.product.currency = currency;
    }
  }
}

function fill<T extends object>(into: T, from: Partial<T>): void {
  for (const [k, v] of Object.entries(from) as [keyof T, T[keyof T]][]) {
    if (v !== undefined && v !== null && v !== '' && (into[k] === undefined || into[k] === null || into[k] === '')) into[k] = v;
  }
}

function mergeCustomer(a: CustomerValue, b: CustomerValue): CustomerValue {
  const out = { ...a };
  fill(out, { ...b, tags: undefined });
  if (b.tags?.length) out.tags = [...new Set([...(a.tags ?? []), ...b.tags])];
  return out;
}

/** The key the import knows a customer by within one file. */
export function customerKey(c: CustomerValue): string | undefined {
  if (c.externalId) return `x:${c.externalId}`;
  if (c.email) return `e:${c.email}`;
  if (c.phone) return `p:${c.phone}`;
  return undefined;
}

export function profileImport(c: CustomerValue, source: string, occurredAt: Date | undefined): ProfileImport | undefined {
  const key = customerKey(c);
  if (!key) return undefined;
  return {
    key,
    identities: c.externalId ? [{ kind: 'external', source, value: c.externalId, verified: true }] : [],
    profile: {
      firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, country: c.country, locale: c.locale, birthday: c.birthday, tags: c.tags,
      addresses: c.address ? [c.address] : undefined,
    },
    occurredAt,
  };
}

/** An order or cancellation ready to write, customer and products still by key. */
export interface OrderEntity {
  kind: 'order';
  customerKey: string | undefined;
  order: {
    externalId: string; number: string | null; email: string | null; status: 'completed' | 'cancelled'; financialStatus: string | null; fulfillmentStatus: string | null;
    currency: string; subtotal: number; discountTotal: number; taxTotal: number; shippingTotal: number; total: number; shippingAddress: Record<string, unknown> | null;
    discountCodes: string[]; placedAt: Date; cancelledAt: Date | null; lines: LineValue[];
  };
  refund?: Omit<BulkRefund, 'customerId'>;
}
export interface RefundEntity { kind: 'refund'; customerKey: string | undefined; refund: Omit<BulkRefund, 'customerId'> }

/** Turns a complete order draft into what to write; a string says why it cannot be. */
export function finishOrder(d: Extract<Draft, { kind: 'order' }>): OrderEntity | RefundEntity | string {
  const h = d.header;
  const placedAt = h.placedAt;
  if (!placedAt) return `order ${d.group} has no date on any row`;
  const linesTotal = d.lines.reduce((n, l) => n + l.total, 0);
  const key = d.customer ? customerKey(d.customer) : undefined;
  if (d.cancellation) {
    const amount = -linesTotal;
    if (amount < 0) return `cancellation ${d.group} adds up to ${linesTotal} (a charge, not money given back)`;
    return {
      kind: 'refund', customerKey: key,
      refund: {
        externalId: h.externalId ?? d.group, orderExternalId: null, kind: 'cancellation', amount, currency: d.currency, reason: 'cancelled invoice', refundedAt: placedAt,
        lines: d.lines.map((l) => ({ sku: l.productExternalId ?? l.sku, title: l.title, quantity: -l.quantity, amount: -l.total })),
      },
    };
  }
  const externalId = h.externalId ?? d.group;
  const subtotal = h.subtotal ?? linesTotal;
  const discountTotal = h.discountTotal ?? 0;
  const taxTotal = h.taxTotal ?? 0;
  const shippingTotal = h.shippingTotal ?? 0;
  const out: OrderEntity = {
    kind: 'order', customerKey: key,
    order: {
      externalId, number: h.number ?? d.group, email: d.customer?.email ?? null, status: h.cancelledAt ? 'cancelled' : 'completed',
      financialStatus: h.financialStatus ?? null, fulfillmentStatus: h.fulfillmentStatus ?? null, currency: d.currency, subtotal, discountTotal, taxTotal, shippingTotal,
      total: h.total ?? subtotal - discountTotal + taxTotal + shippingTotal, shippingAddress: h.shippingAddress ?? null, discountCodes: h.discountCodes ?? [],
      placedAt, cancelledAt: h.cancelledAt ?? null, lines: d.lines,
    },
  };
  if (h.refundedAmount && h.refundedAmount > 0) {
    out.refund = {
      externalId: `${externalId}:refunded`, orderExternalId: externalId, kind: 'refund', amount: h.refundedAmount, currency: d.currency,
      reason: 'refunded amount of the order export', refundedAt: h.cancelledAt ?? placedAt, lines: [],
    };
  }
  return out;
}

export function finishProduct(d: Extract<Draft, { kind: 'product' }>): BulkProduct {
  const p = d.product;
  return {
    externalId: p.externalId, title: p.title ?? p.externalId, sku: p.sku ?? null, price: p.price ?? null, currency: p.price !== undefined ? (p.currency ?? null) : null,
    categories: p.category ? [p.category] : [], vendor: p.vendor ?? null, status: (p.status as BulkProduct['status']) ?? 'active', url: p.url ?? null, imageUrl: p.imageUrl ?? null,
  };
}
