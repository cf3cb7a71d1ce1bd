import { sql } from 'kysely';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import type { Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { fromMinor } from '../../platform/money.ts';

/** A product of an import (money in minor units). */
export interface BulkProduct {
  externalId: string;
  title: string;
  sku?: string | null;
  price?: number | null;
  currency?: string | null;
  categories?: string[];
  vendor?: string | null;
  status?: 'active' | 'draft' | 'archived';
  url?: string | null;
  imageUrl?: string | null;
}

export interface BulkLine { productId: string | null; productExternalId?: string | null; sku: string | null; title: string; quantity: number; unitPrice: number; total: number }

/** An order of an import: customer and products already resolved to ids. */
export interface BulkOrder {
  externalId: string;
  number: string | null;
  customerId: string | null;
  email: string | null;
  status: 'open' | 'completed' | 'cancelled';
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  currency: string;
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  shippingTotal: number;
  total: number;
  shippingAddress: Record<string, unknown> | null;
  discountCodes: string[];
  placedAt: Date;
  cancelledAt: Date | null;
  /** The source's last-modified time: an older one than stored changes nothing. */
  updatedAt: Date | null;
  lines: BulkLine[];
}

export interface BulkRefund {
  externalId: string;
  /** The order it belongs to, if the source says (same source); null for UCI's C invoices. */
  orderExternalId: string | null;
  customerId: string | null;
  kind: 'refund' | 'cancellation';
  amount: number;
  currency: string;
  reason: string | null;
  lines: { sku?: string; title: string; quantity: number; amount: number }[];
  refundedAt: Date;
}

/** What became of each external id: created, updated, or left alone (unchanged, or stale). */
export interface BulkOutcome {
  ids: Map<string, string>;
  created: Set<string>;
  updated: Set<string>;
}

const CHUNK = 1000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Set-based writes of products, orders (with lines) and refunds for file imports: one batch in a
 * few statements. Upserts by (source, external id) and compares before writing, so importing
 * the same rows again writes nothing; activities carry the same dedupe keys as the one-by-one
 * CommerceService writes, so an import and a webhook for one order never double its activity.
 * Customer figures are not refreshed here: the caller refreshes them once at the end. Activities carry
 * `imported: true`: listeners (flows) can tell a historical import from a live order.
 */
export class CommerceBulkService {
  private readonly activities: Activities;

  constructor(activities: Activities) {
    this.activities = activities;
  }

  /** Whether the store holds at least one order (a first import may set the store currency). */
  async hasOrders(tx: Tx): Promise<boolean> {
    return !!(await tx.selectFrom('orders').select('id').limit(1).executeTakeFirst());
  }

  /** `missing`: create unknown products only (products named by order lines); `upsert`: the file is the catalogue. */
  async upsertProducts(tx: Tx, source: string, products: BulkProduct[], mode: 'missing' | 'upsert'): Promise<BulkOutcome> {
    const out: BulkOutcome = { ids: new Map(), created: new Set(), updated: new Set() };
    const list = [...new Map(products.map((p) => [p.externalId, p])).values()];
    if (!list.length) return out;
    const col = <T>(f: (p: BulkProduct) => T) => list.map(f);
    const values = sql`select * from unnest(${col(() => newId())}::uuid[], ${col((p) => p.externalId)}::text[], ${col((p) => p.title)}::text[], ${col((p) => p.sku ?? null)}::text[],
      ${col((p) => JSON.stringify(p.categories ?? []))}::jsonb[], ${col((p) => p.price ?? null)}::bigint[], ${col((p) => p.currency ?? null)}::text[], ${col((p) => p.imageUrl ?? null)}::text[],
      ${col((p) => p.url ?? null)}::text[], ${col((p) => p.vendor ?? null)}::text[], ${col((p) => p.status ?? 'active')}::text[])
      as t(id, external_id, title, sku, categories, price, currency, image_url, url, vendor, status)`;
    const insert = sql`insert into products (id, source, external_id, title, sku, categories, price, currency, image_url, url, vendor, status)
      select t.id, ${source}, t.external_id, t.title, t.sku, array(select jsonb_array_elements_text(t.categories)), t.price, t.currency, t.image_url, t.url, t.vendor, t.status
      from (${values}) t`;
    const r = mode === 'missing'
      ? await sql<{ id: string; external_id: string; inserted: boolean }>`${insert} on conflict (source, external_id) do nothing returning id, external_id, true as inserted`.execute(tx)
      : await sql<{ id: string; external_id: string; inserted: boolean }>`${insert}
          on conflict (source, external_id) do update set title = excluded.title, sku = excluded.sku, categories = excluded.categories, price = excluded.price,
            currency = excluded.currency, image_url = excluded.image_url, url = excluded.url, vendor = excluded.vendor, status = excluded.status, updated_at = now()
          where (products.title, products.sku, products.categories, products.price, products.currency, products.image_url, products.url, products.vendor, products.status)
            is distinct from (excluded.title, excluded.sku, excluded.categories, excluded.price, excluded.currency, excluded.image_url, excluded.url, excluded.vendor, excluded.status)
          returning id, external_id, (xmax = 0) as inserted`.execute(tx);
    for (const row of r.rows) {
      out.ids.set(row.external_id, row.id);
      (row.inserted ? out.created : out.updated).add(row.external_id);
    }
    const rest = list.map((p) => p.externalId).filter((e) => !out.ids.has(e));
    if (rest.length) {
      const found = await sql<{ id: string; external_id: string }>`select id, external_id from products where source = ${source} and external_id = any(${rest}::text[])`.execute(tx);
      for (const row of found.rows) out.ids.set(row.external_id, row.id);
    }
    return out;
  }

  /** Creates or updates orders and their lines; appends Order Completed (new), Order Updated / Cancelled (changed). */
  async upsertOrders(tx: Tx, source: string, orders: BulkOrder[], opts: { emit?: boolean } = {}): Promise<BulkOutcome> {
    const out: BulkOutcome = { ids: new Map(), created: new Set(), updated: new Set() };
    const list = [...new Map(orders.map((o) => [o.externalId, o])).values()];
    if (!list.length) return out;
    const col = <T>(f: (o: BulkOrder) => T) => list.map(f);
    const r = await sql<{ id: string; external_id: string; inserted: boolean }>`
      insert into orders (id, source, external_id, customer_id, number, email, status, financial_status, fulfillment_status, currency, subtotal, discount_total,
        tax_total, shipping_total, total, refunded_total, item_count, shipping_address, discount_codes, placed_at, cancelled_at, source_updated_at)
      select t.id, ${source}, t.external_id, t.customer_id, t.number, t.email, t.status, t.financial_status, t.fulfillment_status, t.currency, t.subtotal, t.discount_total,
        t.tax_total, t.shipping_total, t.total, 0, t.item_count, t.shipping_address, array(select jsonb_array_elements_text(t.discount_codes)), t.placed_at, t.cancelled_at, t.updated_at
      from unnest(${col(() => newId())}::uuid[], ${col((o) => o.externalId)}::text[], ${col((o) => o.customerId)}::uuid[], ${col((o) => o.number)}::text[],
        ${col((o) => o.email)}::text[], ${col((o) => o.status)}::text[], ${col((o) => o.financialStatus)}::text[], ${col((o) => o.fulfillmentStatus)}::text[],
        ${col((o) => o.currency)}::text[], ${col((o) => o.subtotal)}::bigint[], ${col((o) => o.discountTotal)}::bigint[], ${col((o) => o.taxTotal)}::bigint[],
        ${col((o) => o.shippingTotal)}::bigint[], ${col((o) => o.total)}::bigint[], ${col((o) => o.lines.reduce((n, l) => n + l.quantity, 0))}::int[],
        ${col((o) => (o.shippingAddress ? JSON.stringify(o.shippingAddress) : null))}::jsonb[], ${col((o) => JSON.stringify(o.discountCodes))}::jsonb[],
        ${col((o) => o.placedAt.toISOString())}::timestamptz[], ${col((o) => iso(o.cancelledAt))}::timestamptz[], ${col((o) => iso(o.updatedAt))}::timestamptz[])
        as t(id, external_id, customer_id, number, email, status, financial_status, fulfillment_status, currency, subtotal, discount_total, tax_total, shipping_total,
          total, item_count, shipping_address, discount_codes, placed_at, cancelled_at, updated_at)
      on conflict (source, external_id) do update set
        customer_id = coalesce(excluded.customer_id, orders.customer_id), number = coalesce(excluded.number, orders.number), email = coalesce(excluded.email, orders.email),
        status = excluded.status, financial_status = excluded.financial_status, fulfillment_status = excluded.fulfillment_status, currency = excluded.currency,
        subtotal = excluded.subtotal, discount_total = excluded.discount_total, tax_total = excluded.tax_total, shipping_total = excluded.shipping_total,
        total = excluded.total, item_count = excluded.item_count, shipping_address = excluded.shipping_address, discount_codes = excluded.discount_codes,
        placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at, source_updated_at = excluded.source_updated_at, updated_at = now()
      where (orders.source_updated_at is null or excluded.source_updated_at >= orders.source_updated_at)
        and (orders.customer_id, orders.number, orders.email, orders.status, orders.financial_status, orders.fulfillment_status, orders.currency, orders.subtotal,
          orders.discount_total, orders.tax_total, orders.shipping_total, orders.total, orders.item_count, orders.shipping_address, orders.discount_codes,
          orders.placed_at, orders.cancelled_at)
        is distinct from (coalesce(excluded.customer_id, orders.customer_id), coalesce(excluded.number, orders.number), coalesce(excluded.email, orders.email),
          excluded.status, excluded.financial_status, excluded.fulfillment_status, excluded.currency, excluded.subtotal, excluded.discount_total, excluded.tax_total,
          excluded.shipping_total, excluded.total, excluded.item_count, excluded.shipping_address, excluded.discount_codes, excluded.placed_at, excluded.cancelled_at)
      returning id, external_id, (xmax = 0) as inserted`.execute(tx);
    for (const row of r.rows) {
      out.ids.set(row.external_id, row.id);
      (row.inserted ? out.created : out.updated).add(row.external_id);
    }
    // Orders left alone: their lines may still differ (a changed line with the same totals).
    const rest = list.filter((o) => !out.ids.has(o.externalId));
    if (rest.length) {
      const found = await sql<{ id: string; external_id: string; source_updated_at: Date | null }>`
        select id, external_id, source_updated_at from orders where source = ${source} and external_id = any(${rest.map((o) => o.externalId)}::text[])`.execute(tx);
      const byId = new Map(list.map((o) => [o.externalId, o]));
      // A stale order (the stored version is newer than the file's) keeps its lines too.
      const fresh = found.rows.filter((f) => {
        const u = byId.get(f.external_id)!.updatedAt;
        return !f.source_updated_at || (u !== null && u >= f.source_updated_at);
      });
      for (const row of found.rows) out.ids.set(row.external_id, row.id);
      const diff = await this.changedLines(tx, fresh.map((f) => ({ id: f.id, lines: byId.get(f.external_id)!.lines })));
      if (diff.size) {
        await sql`update orders set updated_at = now() where id = any(${[...diff]}::uuid[])`.execute(tx);
        for (const f of fresh) if (diff.has(f.id)) out.updated.add(f.external_id);
      }
    }
    const rewrite = list.filter((o) => out.created.has(o.externalId) || out.updated.has(o.externalId));
    const replaced = rewrite.filter((o) => out.updated.has(o.externalId)).map((o) => out.ids.get(o.externalId)!);
    if (replaced.length) await sql`delete from order_lines where order_id = any(${replaced}::uuid[])`.execute(tx);
    await this.insertLines(tx, rewrite.map((o) => ({ orderId: out.ids.get(o.externalId)!, lines: o.lines })));
    if (opts.emit !== false) await this.appendInChunks(tx, rewrite.flatMap((o) => this.orderActivities(source, o, out.ids.get(o.externalId)!, out.created.has(o.externalId))));
    return out;
  }

  /** Records refunds and cancellations once each (an existing external id is left as it is, like upsertRefund). */
  async upsertRefunds(tx: Tx, source: string, refunds: BulkRefund[], opts: { emit?: boolean } = {}): Promise<BulkOutcome> {
    const out: BulkOutcome = { ids: new Map(), created: new Set(), updated: new Set() };
    const list = [...new Map(refunds.map((x) => [x.externalId, x])).values()];
    if (!list.length) return out;
    const col = <T>(f: (x: BulkRefund) => T) => list.map(f);
    const r = await sql<{ id: string; external_id: string; order_id: string | null; customer_id: string | null }>`
      insert into refunds (id, source, external_id, order_id, customer_id, kind, amount, currency, reason, lines, refunded_at)
      select t.id, ${source}, t.external_id, o.id, coalesce(o.customer_id, t.customer_id), t.kind, t.amount, t.currency, t.reason, t.lines, t.refunded_at
      from unnest(${col(() => newId())}::uuid[], ${col((x) => x.externalId)}::text[], ${col((x) => x.orderExternalId)}::text[], ${col((x) => x.customerId)}::uuid[],
        ${col((x) => x.kind)}::text[], ${col((x) => x.amount)}::bigint[], ${col((x) => x.currency)}::text[], ${col((x) => x.reason)}::text[],
        ${col((x) => JSON.stringify(x.lines))}::jsonb[], ${col((x) => x.refundedAt.toISOString())}::timestamptz[])
        as t(id, external_id, order_external_id, customer_id, kind, amount, currency, reason, lines, refunded_at)
      left join orders o on o.source = ${source} and o.external_id = t.order_external_id
      on conflict (source, external_id) do nothing
      returning id, external_id, order_id, customer_id`.execute(tx);
    const orderIds = [...new Set(r.rows.map((x) => x.order_id).filter((x): x is string => !!x))];
    if (orderIds.length) {
      await sql`update orders o set refunded_total = s.amount, financial_status = case when s.amount >= o.total then 'refunded' else 'partially_refunded' end, updated_at = now()
        from (select order_id, sum(amount)::bigint as amount from refunds where order_id = any(${orderIds}::uuid[]) group by order_id) s where o.id = s.order_id`.execute(tx);
    }
    const byExt = new Map(list.map((x) => [x.externalId, x]));
    const activities: NewActivity[] = [];
    for (const row of r.rows) {
      out.ids.set(row.external_id, row.id);
      out.created.add(row.external_id);
      const x = byExt.get(row.external_id)!;
      if (row.customer_id && opts.emit !== false) {
        activities.push({
          customerId: row.customer_id, type: 'Order Refunded', source, occurredAt: x.refundedAt, dedupeKey: `refund:${source}:${x.externalId}`,
          properties: { imported: true, order_id: x.orderExternalId ?? undefined, kind: x.kind, total: Number(fromMinor(x.amount, x.currency)), total_minor: x.amount, currency: x.currency, reason: x.reason ?? undefined, products: x.lines.map((l) => ({ sku: l.sku, name: l.title, quantity: l.quantity })) },
        });
      }
    }
    await this.appendInChunks(tx, activities);
    return out;
  }

  private async insertLines(tx: Tx, orders: { orderId: string; lines: BulkLine[] }[]): Promise<void> {
    const rows = orders.flatMap((o) => o.lines.map((l, i) => ({ ...l, orderId: o.orderId, position: i + 1 })));
    for (let k = 0; k < rows.length; k += 20_000) {
      const part = rows.slice(k, k + 20_000);
      const col = <T>(f: (l: (typeof part)[number]) => T) => part.map(f);
      await sql`insert into order_lines (id, order_id, position, product_id, variant_id, sku, title, quantity, unit_price, total)
        select t.id, t.order_id, t.position, t.product_id, null, t.sku, t.title, t.quantity, t.unit_price, t.total
        from unnest(${col(() => newId())}::uuid[], ${col((l) => l.orderId)}::uuid[], ${col((l) => l.position)}::int[], ${col((l) => l.productId)}::uuid[],
          ${col((l) => l.sku)}::text[], ${col((l) => l.title)}::text[], ${col((l) => l.quantity)}::int[], ${col((l) => l.unitPrice)}::bigint[], ${col((l) => l.total)}::bigint[])
          as t(id, order_id, position, product_id, sku, title, quantity, unit_price, total)`.execute(tx);
    }
  }

  /** Orders (of those given) whose stored lines differ from the given ones. */
  private async changedLines(tx: Tx, orders: { id: string; lines: BulkLine[] }[]): Promise<Set<string>> {
    if (!orders.length) return new Set();
    const rows = orders.flatMap((o) => o.lines.map((l, i) => ({ ...l, orderId: o.id, position: i + 1 })));
    const col = <T>(f: (l: (typeof rows)[number]) => T) => rows.map(f);
    const r = await sql<{ order_id: string }>`
      with v as (
        select * from unnest(${col((l) => l.orderId)}::uuid[], ${col((l) => l.position)}::int[], ${col((l) => l.productId)}::uuid[], ${col((l) => l.sku)}::text[],
          ${col((l) => l.title)}::text[], ${col((l) => l.quantity)}::int[], ${col((l) => l.unitPrice)}::bigint[], ${col((l) => l.total)}::bigint[])
          as t(order_id, position, product_id, sku, title, quantity, unit_price, total)
      ), e as (
        select order_id, position, product_id, sku, title, quantity, unit_price, total from order_lines where order_id = any(${orders.map((o) => o.id)}::uuid[])
      )
      select distinct coalesce(v.order_id, e.order_id) as order_id from v full join e on e.order_id = v.order_id and e.position = v.position
      where v.order_id is null or e.order_id is null
        or (v.product_id, v.sku, v.title, v.quantity, v.unit_price, v.total) is distinct from (e.product_id, e.sku, e.title, e.quantity, e.unit_price, e.total)`.execute(tx);
    return new Set(r.rows.map((x) => x.order_id));
  }

  /** The activities of a written order, in the shape and with the dedupe keys of CommerceService.upsertOrder. */
  private orderActivities(source: string, o: BulkOrder, orderId: string, created: boolean): NewActivity[] {
    if (!o.customerId) return [];
    const cur = o.currency;
    const props = {
      order_id: o.externalId, patron_order_id: orderId, number: o.number ?? undefined, source, total: Number(fromMinor(o.total, cur)), total_minor: o.total,
      revenue: Number(fromMinor(o.total - o.taxTotal - o.shippingTotal, cur)), tax: Number(fromMinor(o.taxTotal, cur)), shipping: Number(fromMinor(o.shippingTotal, cur)),
      discount: Number(fromMinor(o.discountTotal, cur)), coupon: o.discountCodes[0], currency: cur, imported: true,
      products: o.lines.map((l, i) => ({ product_id: l.productExternalId ?? undefined, sku: l.sku ?? undefined, name: l.title, quantity: l.quantity, price: Number(fromMinor(l.unitPrice, cur)), position: i + 1 })),
    };
    const key = `order:${source}:${o.externalId}`;
    const out: NewActivity[] = [];
    if (created) out.push({ customerId: o.customerId, type: 'Order Completed', source, occurredAt: o.placedAt, properties: props, dedupeKey: `${key}:completed` });
    else out.push({ customerId: o.customerId, type: 'Order Updated', source, occurredAt: o.updatedAt ?? new Date(), properties: { ...props, financial_status: o.financialStatus ?? undefined, fulfillment_status: o.fulfillmentStatus ?? undefined } });
    if (o.status === 'cancelled') out.push({ customerId: o.customerId, type: 'Order Cancelled', source, occurredAt: o.cancelledAt ?? o.placedAt, properties: props, dedupeKey: `${key}:cancelled` });
    return out;
  }

  private async appendInChunks(tx: Tx, items: NewActivity[]): Promise<void> {
    for (let k = 0; k < items.length; k += CHUNK) await this.activities.append(tx, items.slice(k, k + CHUNK));
  }
}
