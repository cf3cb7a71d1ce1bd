import { decodeCursor, encodeCursor, isUuidString } from '../../platform/http/cursor.ts';
import { sql, type SqlBool, type Expression } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { CartRow, OrderLineRow, OrderRow, ProductRow, RefundRow } from './commerce.repo.ts';

interface KeyCursor {
  t: string;
  id: string;
}

const enc = (c: KeyCursor) => encodeCursor(c);
const dec = (s: string): KeyCursor => decodeCursor(s, (v): v is KeyCursor => typeof v === 'object' && v !== null && typeof (v as KeyCursor).t === 'string' && isUuidString((v as KeyCursor).id));

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => '\\' + ch);

export function orderOut(r: OrderRow & { customer_name?: string | null }) {
  return {
    id: r.id, source: r.source, externalId: r.external_id, customerId: r.customer_id, customerName: r.customer_name ?? null, number: r.number, email: r.email,
    status: r.status, financialStatus: r.financial_status, fulfillmentStatus: r.fulfillment_status, currency: r.currency, subtotal: r.subtotal,
    discountTotal: r.discount_total, taxTotal: r.tax_total, shippingTotal: r.shipping_total, total: r.total, refundedTotal: r.refunded_total,
    itemCount: r.item_count, placedAt: r.placed_at, cancelledAt: r.cancelled_at, updatedAt: r.updated_at,
  };
}

export function productOut(r: ProductRow) {
  return {
    id: r.id, source: r.source, externalId: r.external_id, title: r.title, sku: r.sku, categories: r.categories, price: r.price, currency: r.currency,
    imageUrl: r.image_url, url: r.url, vendor: r.vendor, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function refundOut(r: RefundRow) {
  return { id: r.id, source: r.source, externalId: r.external_id, orderId: r.order_id, customerId: r.customer_id, kind: r.kind, amount: r.amount, currency: r.currency, reason: r.reason, refundedAt: r.refunded_at };
}

export function cartOut(r: CartRow) {
  return {
    id: r.id, source: r.source, externalId: r.external_id, customerId: r.customer_id, status: r.status, currency: r.currency, value: r.value,
    items: (r.items ?? []) as Record<string, unknown>[], checkoutUrl: r.checkout_url, checkoutStartedAt: r.checkout_started_at, orderId: r.order_id, updatedAt: r.updated_at,
  };
}

const lineOut = (l: OrderLineRow) => ({ id: l.id, position: l.position, productId: l.product_id, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unit_price, total: l.total });

export interface OrderFilter {
  q?: string | undefined;
  customerId?: string | undefined;
  productId?: string | undefined;
  status?: 'open' | 'completed' | 'cancelled' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Orders newest first, keyset-paginated by (placed_at, id). */
export async function listOrders(db: Executor, f: OrderFilter, limit: number, cursor?: string) {
  const where: Expression<SqlBool>[] = [sql<SqlBool>`true`];
  if (f.q) {
    const q = f.q.trim();
    where.push(sql<SqlBool>`(o.number = ${q} or o.external_id = ${q} or lower(o.email) = ${q.toLowerCase()} or o.number like ${escapeLike(q) + '%'})`);
  }
  if (f.customerId) where.push(sql<SqlBool>`o.customer_id = ${f.customerId}`);
  if (f.productId) where.push(sql<SqlBool>`o.id in (select order_id from order_lines where product_id = ${f.productId})`);
  if (f.status) where.push(sql<SqlBool>`o.status = ${f.status}`);
  if (f.from) where.push(sql<SqlBool>`o.placed_at >= ${f.from}`);
  if (f.to) where.push(sql<SqlBool>`o.placed_at < ${f.to}`);
  if (cursor) {
    const c = dec(cursor);
    where.push(sql<SqlBool>`(o.placed_at, o.id) < (${new Date(c.t)}, ${c.id}::uuid)`);
  }
  const rows = await sql<OrderRow & { customer_name: string | null }>`
    select o.*, nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') as customer_name
    from orders o left join customers c on c.id = o.customer_id
    where ${sql.join(where, sql` and `)}
    order by o.placed_at desc, o.id desc limit ${limit + 1}`.execute(db);
  const items = rows.rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(orderOut), nextCursor: rows.rows.length > limit && last ? enc({ t: last.placed_at.toISOString(), id: last.id }) : null };
}

export async function getOrder(db: Executor, id: string) {
  const o = await sql<OrderRow & { customer_name: string | null }>`
    select o.*, nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') as customer_name
    from orders o left join customers c on c.id = o.customer_id where o.id = ${id}`.execute(db);
  const row = o.rows[0];
  if (!row) throw notFound(`No order with id ${id}.`);
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('position').execute();
  const refunds = await db.selectFrom('refunds').selectAll().where('order_id', '=', id).orderBy('refunded_at').execute();
  return { ...orderOut(row), lines: lines.map(lineOut), refunds: refunds.map(refundOut), shippingAddress: row.shipping_address, discountCodes: row.discount_codes };
}

/** Every order of a customer with its lines (the 360° page), newest first. */
export async function customerOrders(db: Executor, customerId: string, limit: number) {
  const orders = await db.selectFrom('orders').selectAll().where('customer_id', '=', customerId).orderBy('placed_at', 'desc').limit(limit).execute();
  if (!orders.length) return [];
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', 'in', orders.map((o) => o.id)).orderBy('position').execute();
  return orders.map((o) => ({ ...orderOut(o), lines: lines.filter((l) => l.order_id === o.id).map(lineOut) }));
}

export async function customerRefunds(db: Executor, customerId: string) {
  return (await db.selectFrom('refunds').selectAll().where('customer_id', '=', customerId).orderBy('refunded_at', 'desc').limit(200).execute()).map(refundOut);
}

export async function customerCarts(db: Executor, customerId: string) {
  return (await db.selectFrom('carts').selectAll().where('customer_id', '=', customerId).orderBy('updated_at', 'desc').limit(50).execute()).map(cartOut);
}

/** Products by title/SKU search, newest first. */
export async function listProducts(db: Executor, f: { q?: string | undefined; category?: string | undefined }, limit: number, cursor?: string) {
  const where: Expression<SqlBool>[] = [sql<SqlBool>`true`];
  if (f.q) {
    const q = f.q.trim();
    where.push(sql<SqlBool>`(lower(p.title) like ${'%' + escapeLike(q.toLowerCase()) + '%'} or p.sku = ${q} or p.external_id = ${q})`);
  }
  if (f.category) where.push(sql<SqlBool>`${f.category} = any(p.categories)`);
  if (cursor) {
    const c = dec(cursor);
    where.push(sql<SqlBool>`(p.created_at, p.id) < (${new Date(c.t)}, ${c.id}::uuid)`);
  }
  const rows = await sql<ProductRow>`select p.* from products p where ${sql.join(where, sql` and `)} order by p.created_at desc, p.id desc limit ${limit + 1}`.execute(db);
  const items = rows.rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(productOut), nextCursor: rows.rows.length > limit && last ? enc({ t: last.created_at.toISOString(), id: last.id }) : null };
}

export async function getProduct(db: Executor, id: string) {
  const p = await db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound(`No product with id ${id}.`);
  const variants = await db.selectFrom('product_variants').selectAll().where('product_id', '=', id).orderBy('created_at').execute();
  const sales = await sql<{ orders: number; units: number; revenue: number; customers: number }>`
    select count(distinct l.order_id)::int as orders, coalesce(sum(l.quantity), 0)::bigint as units, coalesce(sum(l.total), 0)::bigint as revenue,
           count(distinct o.customer_id)::int as customers
    from order_lines l join orders o on o.id = l.order_id where l.product_id = ${id} and o.status <> 'cancelled'`.execute(db);
  return {
    ...productOut(p),
    variants: variants.map((v) => ({ id: v.id, externalId: v.external_id, title: v.title, sku: v.sku, price: v.price })),
    sales: sales.rows[0] ?? { orders: 0, units: 0, revenue: 0, customers: 0 },
  };
}
