import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { getSetting, getStoreSettings } from '../../platform/settings.ts';
import type { ContextBuilder } from './send.types.ts';

/**
 * The Liquid scope of a message: who the customer is, their consent, last order, cart and the store.
 * Built for a whole batch of customers in a handful of set-based queries (the dispatcher renders
 * hundreds of messages a second), reading the customers and commerce tables read-only.
 * The variables are documented in docs/messaging.md ("Templates"); keep the two in step.
 */

/** A line of an order or an item of a cart, as templates see it. Money in minor units. */
export interface ItemVars {
  name: string;
  sku: string | null;
  quantity: number;
  price: number;
  total: number;
  image_url: string | null;
  url: string | null;
}

export interface CustomerVars {
  id: string;
  first_name: string | null;
  last_name: string | null;
  /** First and last name, else null. */
  name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  locale: string | null;
  /** The customer's own IANA time zone, else the store's. */
  time_zone: string;
  /** 'YYYY-MM-DD' or null. */
  birthday: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  order_count: number;
  total_spent: number;
  aov: number | null;
  currency: string;
  first_order_at: string | null;
  last_order_at: string | null;
  created_at: string;
}

export interface OrderVars {
  id: string;
  number: string;
  external_id: string;
  placed_at: string;
  status: string;
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  subtotal: number;
  discount_total: number;
  shipping_total: number;
  tax_total: number;
  total: number;
  item_count: number;
  discount_codes: string[];
  items: ItemVars[];
}

export interface CartVars {
  id: string;
  status: string;
  currency: string;
  value: number;
  item_count: number;
  checkout_url: string | null;
  updated_at: string;
  items: ItemVars[];
}

export interface StoreVars {
  name: string;
  currency: string;
  /** The shop's web address, when a store connection or the settings say it. */
  url: string | null;
  /** Postal address for the footer of marketing mail (CAN-SPAM), when set. */
  address: string | null;
  /** Colour (#rrggbb) and logo the starters use, when set; templates fall back with `| default`. */
  brand_color: string | null;
  logo_url: string | null;
}

export interface ContextVars {
  customer: CustomerVars;
  consent: { email: string; sms: string };
  last_order: OrderVars | null;
  cart: CartVars | null;
  store: StoreVars;
  [section: string]: unknown;
}

/**
 * A later module's part of the scope (recommendations from predict, loyalty balance from loyalty):
 * values for the customers it knows, built set-based like the rest. See `CustomerContexts.addSection`.
 */
export type ContextSection = (db: Executor, customerIds: string[]) => Promise<Map<string, unknown>>;

/** Names reserved for modules that have not landed yet; they appear in the scope only once a module registers them. */
export const RESERVED_SECTIONS = ['recommendations', 'loyalty'] as const;

interface CustomerRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  locale: string | null;
  time_zone: string | null;
  birthday: string | null;
  tags: string[];
  attributes: Record<string, unknown> | null;
  order_count: number;
  total_spent: number;
  aov: number | null;
  first_order_at: Date | null;
  last_order_at: Date | null;
  created_at: Date;
  email_consent: string | null;
  sms_consent: string | null;
}

/** An order as lastOrders reads it: the template's columns, with the number and time as stored and no items yet. */
interface OrderRow extends Omit<OrderVars, 'number' | 'placed_at' | 'items'> {
  customer_id: string;
  number: string | null;
  placed_at: Date;
}

interface LineRow {
  order_id: string;
  title: string;
  sku: string | null;
  quantity: number;
  unit_price: number;
  total: number;
  image_url: string | null;
  url: string | null;
}

interface CartRow {
  customer_id: string;
  id: string;
  source: string;
  status: string;
  currency: string | null;
  value: number;
  items: unknown;
  checkout_url: string | null;
  updated_at: Date;
}

/** A cart item as commerce stores it (cartItemSchema). */
interface StoredCartItem {
  productExternalId?: string;
  sku?: string;
  title?: string;
  quantity?: number;
  unitPrice?: number;
  imageUrl?: string;
  url?: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Builds the Liquid scope of many customers at once (implements the dispatcher's ContextBuilder). */
export class CustomerContexts implements ContextBuilder {
  private readonly sections = new Map<string, ContextSection>();

  /** Adds a part of the scope under `key` (e.g. 'recommendations', 'loyalty'), built for every batch. */
  addSection(key: string, build: ContextSection): void {
    if (['customer', 'consent', 'last_order', 'cart', 'store'].includes(key)) throw new Error(`"${key}" is a built-in part of the template context`);
    this.sections.set(key, build);
  }

  async build(db: Executor, customerIds: string[]): Promise<Map<string, Record<string, unknown>>> {
    const ids = [...new Set(customerIds)];
    const out = new Map<string, Record<string, unknown>>();
    if (!ids.length) return out;
    const [store, customers, orders, carts] = await Promise.all([storeVars(db), customerRows(db, ids), lastOrders(db, ids), openCarts(db, ids)]);
    const [lines, images] = await Promise.all([orderLines(db, [...orders.values()].map((o) => o.id)), cartProductInfo(db, [...carts.values()])]);
    const extra = await Promise.all([...this.sections].map(async ([key, build]) => [key, await build(db, ids)] as const));

    for (const c of customers) {
      const order = orders.get(c.id);
      const cart = carts.get(c.id);
      const vars: ContextVars = {
        customer: {
          id: c.id, first_name: c.first_name, last_name: c.last_name, name: [c.first_name, c.last_name].filter(Boolean).join(' ') || null,
          email: c.email, phone: c.phone, country: c.country, locale: c.locale, time_zone: c.time_zone ?? store.timeZone, birthday: c.birthday,
          tags: c.tags, attributes: c.attributes ?? {}, order_count: c.order_count, total_spent: Number(c.total_spent), aov: c.aov === null ? null : Number(c.aov),
          currency: store.vars.currency, first_order_at: iso(c.first_order_at), last_order_at: iso(c.last_order_at), created_at: c.created_at.toISOString(),
        },
        consent: { email: c.email_consent ?? 'none', sms: c.sms_consent ?? 'none' },
        last_order: order ? orderVars(order, lines.get(order.id) ?? []) : null,
        cart: cart ? cartVars(cart, store.vars.currency, images) : null,
        store: store.vars,
      };
      for (const [key, values] of extra) if (values.has(c.id)) vars[key] = values.get(c.id);
      out.set(c.id, vars);
    }
    return out;
  }
}

function orderVars(o: OrderRow, lines: LineRow[]): OrderVars {
  return {
    id: o.id, number: o.number ?? o.external_id, external_id: o.external_id, placed_at: o.placed_at.toISOString(), status: o.status,
    financial_status: o.financial_status, fulfillment_status: o.fulfillment_status, currency: o.currency,
    subtotal: Number(o.subtotal), discount_total: Number(o.discount_total), shipping_total: Number(o.shipping_total), tax_total: Number(o.tax_total), total: Number(o.total),
    item_count: o.item_count, discount_codes: o.discount_codes,
    items: lines.map((l) => ({ name: l.title, sku: l.sku, quantity: l.quantity, price: Number(l.unit_price), total: Number(l.total), image_url: l.image_url, url: l.url })),
  };
}

function cartVars(c: CartRow, storeCurrency: string, products: Map<string, { image_url: string | null; url: string | null }>): CartVars {
  const stored = (Array.isArray(c.items) ? c.items : []) as StoredCartItem[];
  const items = stored.map((i): ItemVars => {
    const p = (i.productExternalId ? products.get(`${c.source}\0${i.productExternalId}`) : undefined) ?? (i.sku ? products.get(`sku\0${i.sku}`) : undefined);
    const quantity = Number(i.quantity ?? 0);
    const price = Number(i.unitPrice ?? 0);
    return { name: i.title ?? '', sku: i.sku ?? null, quantity, price, total: quantity * price, image_url: i.imageUrl ?? p?.image_url ?? null, url: i.url ?? p?.url ?? null };
  });
  return {
    id: c.id, status: c.status, currency: c.currency ?? storeCurrency, value: Number(c.value), item_count: items.reduce((n, i) => n + i.quantity, 0),
    checkout_url: c.checkout_url, updated_at: c.updated_at.toISOString(), items,
  };
}

/** The store part of the scope (one read per batch; settings are tiny). */
export async function storeVars(db: Executor): Promise<{ vars: StoreVars; timeZone: string }> {
  const [settings, raw, engagement, conn] = await Promise.all([
    getStoreSettings(db),
    getSetting(db, 'store'),
    // Read raw: the engagement settings own storeUrl; an address or brand may be added there later.
    getSetting(db, 'messaging.engagement'),
    sql<{ store_url: string }>`select store_url from store_connections order by created_at limit 1`.execute(db),
  ]);
  // The store settings win over the messaging ones; a connected shop's domain is the last resort for the web address.
  const pick = (...keys: string[]): string | null => {
    for (const source of [raw, engagement]) for (const k of keys) {
      const v = str((source as Record<string, unknown> | null | undefined)?.[k]);
      if (v) return v;
    }
    return null;
  };
  const host = conn.rows[0]?.store_url;
  const url = pick('url', 'storeUrl') ?? (host ? (/^https?:\/\//.test(host) ? host : `https://${host}`) : null);
  const color = pick('brandColor');
  return {
    vars: {
      name: settings.name, currency: settings.currency, url, address: pick('address', 'physicalAddress'),
      brand_color: color && /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : null, logo_url: pick('logoUrl'),
    },
    timeZone: settings.timeZone,
  };
}

async function customerRows(db: Executor, ids: string[]): Promise<CustomerRow[]> {
  return (await sql<CustomerRow>`
    select c.id, c.first_name, c.last_name, c.email, c.phone, c.country, c.locale, c.time_zone, c.birthday, c.tags, c.attributes,
      c.order_count, c.total_spent, c.aov, c.first_order_at, c.last_order_at, c.created_at, ce.status as email_consent, cs.status as sms_consent
    from customers c
    left join customer_consents ce on ce.customer_id = c.id and ce.channel = 'email'
    left join customer_consents cs on cs.customer_id = c.id and cs.channel = 'sms'
    where c.id = any(${ids}::uuid[])`.execute(db)).rows;
}

/** Each customer's latest order that was not cancelled: one index probe per customer (orders_customer_idx). */
async function lastOrders(db: Executor, ids: string[]): Promise<Map<string, OrderRow>> {
  const rows = (await sql<OrderRow>`
    select u.id as customer_id, o.id, o.number, o.external_id, o.placed_at, o.status, o.financial_status, o.fulfillment_status, o.currency,
      o.subtotal, o.discount_total, o.shipping_total, o.tax_total, o.total, o.item_count, o.discount_codes
    from unnest(${ids}::uuid[]) as u(id)
    cross join lateral (
      select * from orders o where o.customer_id = u.id and o.status <> 'cancelled' order by o.placed_at desc, o.id desc limit 1
    ) o`.execute(db)).rows;
  return new Map(rows.map((r) => [r.customer_id, r]));
}

async function orderLines(db: Executor, orderIds: string[]): Promise<Map<string, LineRow[]>> {
  const out = new Map<string, LineRow[]>();
  if (!orderIds.length) return out;
  const rows = (await sql<LineRow>`
    select l.order_id, l.title, l.sku, l.quantity, l.unit_price, l.total, p.image_url, p.url
    from order_lines l left join products p on p.id = l.product_id
    where l.order_id = any(${orderIds}::uuid[])
    order by l.order_id, l.position`.execute(db)).rows;
  for (const r of rows) {
    const list = out.get(r.order_id);
    if (list) list.push(r);
    else out.set(r.order_id, [r]);
  }
  return out;
}

/** Each customer's latest cart still open or abandoned (not converted into an order). */
async function openCarts(db: Executor, ids: string[]): Promise<Map<string, CartRow>> {
  const rows = (await sql<CartRow>`
    select u.id as customer_id, k.id, k.source, k.status, k.currency, k.value, k.items, k.checkout_url, k.updated_at
    from unnest(${ids}::uuid[]) as u(id)
    cross join lateral (
      select * from carts k where k.customer_id = u.id and k.status in ('open', 'abandoned') order by k.updated_at desc, k.id desc limit 1
    ) k`.execute(db)).rows;
  return new Map(rows.map((r) => [r.customer_id, r]));
}

/** Images and links of the products in carts whose items do not carry their own (one query for the batch). */
async function cartProductInfo(db: Executor, carts: CartRow[]): Promise<Map<string, { image_url: string | null; url: string | null }>> {
  const sources: string[] = [];
  const externals: string[] = [];
  const skus: string[] = [];
  for (const c of carts) {
    for (const i of (Array.isArray(c.items) ? c.items : []) as StoredCartItem[]) {
      if (i.imageUrl && i.url) continue;
      if (i.productExternalId) {
        sources.push(c.source);
        externals.push(i.productExternalId);
      } else if (i.sku) skus.push(i.sku);
    }
  }
  const out = new Map<string, { image_url: string | null; url: string | null }>();
  if (!externals.length && !skus.length) return out;
  const rows = (await sql<{ source: string; external_id: string; sku: string | null; image_url: string | null; url: string | null }>`
    select p.source, p.external_id, p.sku, p.image_url, p.url from products p
    where (p.source, p.external_id) in (select * from unnest(${sources}::text[], ${externals}::text[]))
       or p.sku = any(${skus}::text[])`.execute(db)).rows;
  for (const r of rows) {
    out.set(`${r.source}\0${r.external_id}`, r);
    if (r.sku && !out.has(`sku\0${r.sku}`)) out.set(`sku\0${r.sku}`, r);
  }
  return out;
}
