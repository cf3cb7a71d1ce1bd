import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { fromMinor } from '../../platform/money.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import type { IdentityClaim } from '../customers/identity.ts';
import type { CartInput, CustomerRef, OrderInput, ProductInput, RefundInput, UpsertResult } from './commerce.schemas.ts';
import type { OrderRow } from './commerce.repo.ts';

export interface WriteOptions {
  /** Append the canonical activities (tracking passes false: the tracked event is the activity). */
  emit?: boolean;
  /** Identities from this source are trusted (store platforms, imports, secret keys). */
  verified?: boolean;
  occurredAt?: Date;
  /** The profile the caller has already resolved (tracking): used instead of resolving the customer reference. */
  customerId?: string;
}

/** Builds identity claims for a customer reference from `source`. */
export function claimsFor(source: string, ref: CustomerRef, verified: boolean): IdentityClaim[] {
  const out: IdentityClaim[] = [];
  if (ref.externalId) out.push({ kind: 'external', source, value: ref.externalId, verified });
  if (ref.email) out.push({ kind: 'email', value: ref.email, verified });
  if (ref.phone) out.push({ kind: 'phone', value: ref.phone, verified });
  return out;
}

/** Segment E-commerce v2 `products` array for an order's lines. */
function segmentProducts(lines: OrderInput['lines'], currency: string) {
  return lines.map((l, i) => ({ product_id: l.productExternalId, sku: l.sku, name: l.title, quantity: l.quantity, price: Number(fromMinor(l.unitPrice, currency)), position: i + 1 }));
}

/** Products, orders, refunds and carts: each write updates state, appends activities and refreshes customer figures. */
export class CommerceService {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly customers: CustomersService;

  constructor(db: Db, activities: Activities, customers: CustomersService) {
    this.db = db;
    this.activities = activities;
    this.customers = customers;
  }

  private async customerFor(tx: Tx, source: string, ref: CustomerRef | undefined, email: string | undefined, actor: Actor, opts: WriteOptions): Promise<string | null> {
    if (opts.customerId) return opts.customerId;
    const r: CustomerRef = { ...(ref ?? {}), ...(email && !ref?.email ? { email } : {}) };
    const claims = claimsFor(source, r, opts.verified ?? true);
    if (!claims.length) return null;
    const res = await this.customers.resolve(tx, {
      identities: claims, source, actor, occurredAt: opts.occurredAt, emit: opts.emit,
      profile: { firstName: r.firstName, lastName: r.lastName, country: r.country },
    });
    return res.customerId;
  }

  async upsertProduct(actor: Actor, p: ProductInput, tx?: Tx): Promise<UpsertResult> {
    const run = async (t: Tx) => {
      const existing = await t.selectFrom('products').select('id').where('source', '=', p.source).where('external_id', '=', p.externalId).executeTakeFirst();
      const values = {
        title: p.title, sku: p.sku ?? null, categories: p.categories, price: p.price ?? null, currency: p.currency ?? null, image_url: p.imageUrl ?? null,
        url: p.url ?? null, vendor: p.vendor ?? null, status: p.status, updated_at: new Date(),
      };
      const id = existing?.id ?? newId();
      if (existing) await t.updateTable('products').set(values).where('id', '=', id).execute();
      else await t.insertInto('products').values({ id, source: p.source, external_id: p.externalId, ...values }).execute();
      for (const v of p.variants) {
        await t.insertInto('product_variants').values({ id: newId(), product_id: id, external_id: v.externalId, title: v.title, sku: v.sku ?? null, price: v.price ?? null })
          .onConflict((oc) => oc.columns(['product_id', 'external_id']).doUpdateSet({ title: v.title, sku: v.sku ?? null, price: v.price ?? null })).execute();
      }
      if (actor.type === 'user' || actor.type === 'api_key') {
        await audit.record(t, actor, { action: existing ? 'product.updated' : 'product.created', entityType: 'product', entityId: id, summary: `${existing ? 'Updated' : 'Created'} product ${p.title}`, after: p });
      }
      return { id, created: !existing, stale: false, customerId: null };
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }

  /** Creates or updates an order by (source, externalId); an update older than the stored one changes nothing. */
  async upsertOrder(actor: Actor, o: OrderInput, opts: WriteOptions = {}, tx?: Tx): Promise<UpsertResult> {
    const run = async (t: Tx): Promise<UpsertResult> => {
      const existing = await t.selectFrom('orders').selectAll().where('source', '=', o.source).where('external_id', '=', o.externalId).forUpdate().executeTakeFirst();
      if (existing && o.updatedAt && existing.source_updated_at && o.updatedAt < existing.source_updated_at) {
        return { id: existing.id, created: false, stale: true, customerId: existing.customer_id };
      }
      const customerId = (await this.customerFor(t, o.source, o.customer, o.customer?.email, actor, { ...opts, occurredAt: opts.occurredAt ?? o.placedAt })) ?? existing?.customer_id ?? null;
      const linesTotal = o.lines.reduce((n, l) => n + (l.total ?? l.quantity * l.unitPrice), 0);
      const subtotal = o.subtotal ?? linesTotal;
      const total = o.total ?? subtotal - o.discountTotal + o.taxTotal + o.shippingTotal;
      const productIds = await this.productIdsFor(t, o.source, o.lines, o.currency);
      const values = {
        customer_id: customerId, number: o.number ?? existing?.number ?? null, email: o.customer?.email ?? existing?.email ?? null, status: o.status,
        financial_status: o.financialStatus ?? null, fulfillment_status: o.fulfillmentStatus ?? null, currency: o.currency, subtotal,
        discount_total: o.discountTotal, tax_total: o.taxTotal, shipping_total: o.shippingTotal, total, item_count: o.lines.reduce((n, l) => n + l.quantity, 0),
        shipping_address: o.shippingAddress ? JSON.stringify(o.shippingAddress) : null, discount_codes: o.discountCodes, placed_at: o.placedAt,
        cancelled_at: o.cancelledAt ?? (o.status === 'cancelled' ? (existing?.cancelled_at ?? new Date()) : null), source_updated_at: o.updatedAt ?? null, updated_at: new Date(),
      };
      const id = existing?.id ?? newId();
      if (existing) {
        await t.updateTable('orders').set(values).where('id', '=', id).execute();
        await t.deleteFrom('order_lines').where('order_id', '=', id).execute();
      } else {
        await t.insertInto('orders').values({ id, source: o.source, external_id: o.externalId, refunded_total: 0, ...values }).execute();
      }
      if (o.lines.length) {
        await t.insertInto('order_lines').values(o.lines.map((l, i) => ({
          id: newId(), order_id: id, position: i + 1, product_id: productIds[i] ?? null, variant_id: null, sku: l.sku ?? null, title: l.title,
          quantity: l.quantity, unit_price: l.unitPrice, total: l.total ?? l.quantity * l.unitPrice,
        }))).execute();
      }
      if (o.cartExternalId) {
        await t.updateTable('carts').set({ status: 'converted', order_id: id, updated_at: new Date() }).where('source', '=', o.source).where('external_id', '=', o.cartExternalId).execute();
      }
      if (customerId && opts.emit !== false) await this.activities.append(t, this.orderActivities(o, existing, id, customerId, total));
      await this.customers.refreshCommerceStats(t, [customerId, existing?.customer_id].filter((x): x is string => !!x));
      if (actor.type === 'user' || actor.type === 'api_key') {
        await audit.record(t, actor, { action: existing ? 'order.updated' : 'order.created', entityType: 'order', entityId: id, summary: `${existing ? 'Updated' : 'Created'} order ${o.number ?? o.externalId} (${o.source})`, after: { ...o, lines: o.lines.length } });
      }
      return { id, created: !existing, stale: false, customerId };
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }

  private orderActivities(o: OrderInput, before: OrderRow | undefined, orderId: string, customerId: string, total: number): NewActivity[] {
    const props = {
      order_id: o.externalId, patron_order_id: orderId, number: o.number, source: o.source, total: Number(fromMinor(total, o.currency)), total_minor: total,
      revenue: Number(fromMinor(total - o.taxTotal - o.shippingTotal, o.currency)), tax: Number(fromMinor(o.taxTotal, o.currency)),
      shipping: Number(fromMinor(o.shippingTotal, o.currency)), discount: Number(fromMinor(o.discountTotal, o.currency)),
      coupon: o.discountCodes[0], currency: o.currency, products: segmentProducts(o.lines, o.currency),
    };
    const key = `order:${o.source}:${o.externalId}`;
    if (!before) {
      const out: NewActivity[] = [{ customerId, type: 'Order Completed', source: o.source, occurredAt: o.placedAt, properties: props, dedupeKey: `${key}:completed` }];
      if (o.status === 'cancelled') out.push({ customerId, type: 'Order Cancelled', source: o.source, occurredAt: o.cancelledAt ?? o.placedAt, properties: props, dedupeKey: `${key}:cancelled` });
      return out;
    }
    if (o.status === 'cancelled' && before.status !== 'cancelled') {
      return [{ customerId, type: 'Order Cancelled', source: o.source, occurredAt: o.cancelledAt ?? o.updatedAt ?? new Date(), properties: props, dedupeKey: `${key}:cancelled` }];
    }
    const changed = before.total !== total || before.status !== o.status || before.financial_status !== (o.financialStatus ?? null) || before.fulfillment_status !== (o.fulfillmentStatus ?? null);
    return changed ? [{ customerId, type: 'Order Updated', source: o.source, occurredAt: o.updatedAt ?? new Date(), properties: { ...props, financial_status: o.financialStatus, fulfillment_status: o.fulfillmentStatus } }] : [];
  }

  /** Product ids for lines that name one; unknown products are created from the line (title, SKU, price). */
  private async productIdsFor(t: Tx, source: string, lines: OrderInput['lines'], currency: string): Promise<(string | null)[]> {
    const ext = [...new Set(lines.map((l) => l.productExternalId).filter((x): x is string => !!x))];
    if (!ext.length) return lines.map(() => null);
    const rows = ext.map((e) => {
      const l = lines.find((x) => x.productExternalId === e)!;
      return { id: newId(), source, external_id: e, title: l.title, sku: l.sku ?? null, categories: [], price: l.unitPrice, currency, image_url: null, url: null, vendor: null, status: 'active' };
    });
    await t.insertInto('products').values(rows).onConflict((oc) => oc.columns(['source', 'external_id']).doNothing()).execute();
    const found = await t.selectFrom('products').select(['id', 'external_id']).where('source', '=', source).where('external_id', 'in', ext).execute();
    const byExt = new Map(found.map((f) => [f.external_id, f.id]));
    return lines.map((l) => (l.productExternalId ? (byExt.get(l.productExternalId) ?? null) : null));
  }

  /** Records a refund or cancellation (idempotent by source + externalId) and updates its order and customer. */
  async upsertRefund(actor: Actor, r: RefundInput, opts: WriteOptions = {}, tx?: Tx): Promise<UpsertResult> {
    const run = async (t: Tx): Promise<UpsertResult> => {
      const existing = await t.selectFrom('refunds').select(['id', 'customer_id']).where('source', '=', r.source).where('external_id', '=', r.externalId).executeTakeFirst();
      if (existing) return { id: existing.id, created: false, stale: false, customerId: existing.customer_id };
      const order = r.orderExternalId
        ? await t.selectFrom('orders').selectAll().where('source', '=', r.source).where('external_id', '=', r.orderExternalId).forUpdate().executeTakeFirst()
        : undefined;
      const customerId = order?.customer_id ?? (await this.customerFor(t, r.source, r.customer, r.customer?.email, actor, { ...opts, occurredAt: r.refundedAt }));
      const id = newId();
      await t.insertInto('refunds').values({
        id, source: r.source, external_id: r.externalId, order_id: order?.id ?? null, customer_id: customerId, kind: r.kind, amount: r.amount, currency: r.currency,
        reason: r.reason ?? null, lines: JSON.stringify(r.lines), refunded_at: r.refundedAt,
      }).execute();
      if (order) {
        const sum = await t.selectFrom('refunds').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('s')).where('order_id', '=', order.id).executeTakeFirstOrThrow();
        const refunded = Number(sum.s);
        await t.updateTable('orders').set({ refunded_total: refunded, financial_status: refunded >= order.total ? 'refunded' : 'partially_refunded', updated_at: new Date() }).where('id', '=', order.id).execute();
      }
      if (customerId && opts.emit !== false) {
        await this.activities.append(t, [{
          customerId, type: 'Order Refunded', source: r.source, occurredAt: r.refundedAt, dedupeKey: `refund:${r.source}:${r.externalId}`,
          properties: { order_id: r.orderExternalId, kind: r.kind, total: Number(fromMinor(r.amount, r.currency)), total_minor: r.amount, currency: r.currency, reason: r.reason, products: r.lines.map((l) => ({ sku: l.sku, name: l.title, quantity: l.quantity })) },
        }]);
      }
      if (customerId) await this.customers.refreshCommerceStats(t, [customerId]);
      if (actor.type === 'user' || actor.type === 'api_key') {
        await audit.record(t, actor, { action: 'refund.created', entityType: 'refund', entityId: id, summary: `Recorded ${r.kind} of ${fromMinor(r.amount, r.currency)} ${r.currency}`, after: r });
      }
      return { id, created: true, stale: false, customerId };
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }

  /** Creates or updates a cart/checkout; the first time a checkout starts, `Checkout Started` is appended. */
  async upsertCart(actor: Actor, c: CartInput, opts: WriteOptions = {}, tx?: Tx): Promise<UpsertResult> {
    const run = async (t: Tx): Promise<UpsertResult> => {
      const existing = await t.selectFrom('carts').selectAll().where('source', '=', c.source).where('external_id', '=', c.externalId).forUpdate().executeTakeFirst();
      if (existing && c.updatedAt && existing.source_updated_at && c.updatedAt < existing.source_updated_at) {
        return { id: existing.id, created: false, stale: true, customerId: existing.customer_id };
      }
      const customerId = (await this.customerFor(t, c.source, c.customer, c.customer?.email, actor, opts)) ?? existing?.customer_id ?? null;
      const value = c.value ?? c.items.reduce((n, i) => n + i.quantity * i.unitPrice, 0);
      const startedNow = c.checkoutStarted && !existing?.checkout_started_at;
      const values = {
        customer_id: customerId, status: existing?.status === 'converted' ? 'converted' as const : c.status, currency: c.currency ?? existing?.currency ?? null, value,
        items: JSON.stringify(c.items), checkout_url: c.checkoutUrl ?? existing?.checkout_url ?? null,
        checkout_started_at: startedNow ? (opts.occurredAt ?? c.updatedAt ?? new Date()) : (existing?.checkout_started_at ?? null), source_updated_at: c.updatedAt ?? null, updated_at: new Date(),
      };
      const id = existing?.id ?? newId();
      if (existing) await t.updateTable('carts').set(values).where('id', '=', id).execute();
      else await t.insertInto('carts').values({ id, source: c.source, external_id: c.externalId, order_id: null, ...values }).execute();
      if (customerId && startedNow && opts.emit !== false) {
        await this.activities.append(t, [{
          customerId, type: 'Checkout Started', source: c.source, occurredAt: values.checkout_started_at ?? new Date(), dedupeKey: `checkout:${c.source}:${c.externalId}:started`,
          properties: { checkout_id: c.externalId, value: c.currency ? Number(fromMinor(value, c.currency)) : value, value_minor: value, currency: c.currency, checkout_url: c.checkoutUrl, products: c.items.map((i) => ({ product_id: i.productExternalId, sku: i.sku, name: i.title, quantity: i.quantity, image_url: i.imageUrl, url: i.url })) },
        }]);
      }
      return { id, created: !existing, stale: false, customerId };
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }

  /** A cart's current state: by (source, externalId), or else the customer's latest open cart from `source`. */
  async cartState(tx: Tx, source: string, key: { externalId?: string; customerId?: string }): Promise<{ externalId: string; status: string; currency: string | null; items: CartInput['items'] } | undefined> {
    let q = tx.selectFrom('carts').select(['external_id', 'status', 'currency', 'items']).where('source', '=', source);
    if (key.externalId) q = q.where('external_id', '=', key.externalId);
    else if (key.customerId) q = q.where('customer_id', '=', key.customerId).where('status', '=', 'open').orderBy('updated_at', 'desc').limit(1);
    else return undefined;
    const row = await q.executeTakeFirst();
    return row ? { externalId: row.external_id, status: row.status, currency: row.currency, items: (row.items ?? []) as CartInput['items'] } : undefined;
  }

  /** Marks an order cancelled (the store deleted or trashed it); false when the order is unknown. */
  async cancelOrder(actor: Actor, source: string, externalId: string, at: Date, tx?: Tx): Promise<boolean> {
    const run = async (t: Tx): Promise<boolean> => {
      const o = await t.selectFrom('orders').selectAll().where('source', '=', source).where('external_id', '=', externalId).forUpdate().executeTakeFirst();
      if (!o) return false;
      if (o.status === 'cancelled') return true;
      await t.updateTable('orders').set({ status: 'cancelled', cancelled_at: at, updated_at: new Date() }).where('id', '=', o.id).execute();
      if (o.customer_id) {
        await this.activities.append(t, [{
          customerId: o.customer_id, type: 'Order Cancelled', source, occurredAt: at, dedupeKey: `order:${source}:${externalId}:cancelled`,
          properties: { order_id: externalId, patron_order_id: o.id, number: o.number, source, total: Number(fromMinor(o.total, o.currency)), total_minor: o.total, currency: o.currency },
        }]);
        await this.customers.refreshCommerceStats(t, [o.customer_id]);
      }
      if (actor.type === 'user' || actor.type === 'api_key') {
        await audit.record(t, actor, { action: 'order.cancelled', entityType: 'order', entityId: o.id, summary: `Cancelled order ${o.number ?? externalId} (${source})` });
      }
      return true;
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }

  /** Moves a merged customer's orders, refunds and carts to the survivor (registered as a merge listener). */
  async moveCustomer(tx: Tx, e: { survivorId: string; mergedId: string }): Promise<Record<string, number>> {
    const orders = await tx.updateTable('orders').set({ customer_id: e.survivorId }).where('customer_id', '=', e.mergedId).executeTakeFirst();
    const refunds = await tx.updateTable('refunds').set({ customer_id: e.survivorId }).where('customer_id', '=', e.mergedId).executeTakeFirst();
    const carts = await tx.updateTable('carts').set({ customer_id: e.survivorId }).where('customer_id', '=', e.mergedId).executeTakeFirst();
    return { orders: Number(orders.numUpdatedRows), refunds: Number(refunds.numUpdatedRows), carts: Number(carts.numUpdatedRows) };
  }
}
