import { sql } from 'kysely';
import { prepared, type Executor, type Tx } from '../../platform/db/db.ts';
import type { Interaction, ItemModel, Neighbour, RecsModel } from './recs.model.ts';
import type { HistoryEntry } from './recs.score.ts';

export interface RecsModelsTable {
  id: string;
  status: 'built' | 'empty';
  trigger: string;
  built_at: Date;
  as_of: Date | null;
  duration_ms: number;
  stats: unknown;
  params: unknown;
  evaluation: unknown;
}

export interface RecsItemsTable {
  product_id: string;
  buyers: number;
  orders: number;
  repurchase_rate: number;
  replenishable: boolean;
  similar_ids: string[];
  similar_scores: number[];
  fbt_ids: string[];
  fbt_support: number[];
  fbt_confidence: number[];
  fbt_lift: number[];
}

export interface RecsPopularTable {
  segment: string;
  product_ids: string[];
  scores: number[];
}

declare module '../../platform/db/types.ts' {
  interface Database {
    recs_models: RecsModelsTable;
    recs_items: RecsItemsTable;
    recs_popular: RecsPopularTable;
  }
}

const ITEM_COLUMNS = sql.raw(`recs_items.product_id, buyers, orders, repurchase_rate, replenishable, to_json(similar_ids) as similar_ids, to_json(similar_scores) as similar_scores,
  to_json(fbt_ids) as fbt_ids, to_json(fbt_support) as fbt_support, to_json(fbt_confidence) as fbt_confidence, to_json(fbt_lift) as fbt_lift`);

/** Serialises builds across processes (the nightly job, the button, the demo). */
const LOCK_KEY = 0x52_45_43_01;
const PAGE = 50_000;
/** Views and cart adds learnt from: the newest ones, whatever the store's age. */
const MAX_BEHAVIOUR = 1_000_000;
/** A request reads at most this many of a customer's latest order lines and views/adds. */
const HISTORY_LINES = 300;
const HISTORY_EVENTS = 60;

export interface ProductCard {
  id: string;
  title: string;
  sku: string | null;
  url: string | null;
  image_url: string | null;
  price: number | null;
  currency: string | null;
  category: string | null;
}

export interface ProductKeys {
  id: string;
  external_id: string;
  sku: string | null;
  title: string;
  category: string | null;
  status: string;
}

/** A uuid[] parameter as one array literal (pg's generic array writer builds it piece by piece). */
function uuidArray(ids: string[]): string {
  for (const id of ids) if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a uuid: ${id}`);
  return `{${ids.join(',')}}`;
}

export const recsRepo = {
  async lock(tx: Tx): Promise<void> {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY}::bigint)`.execute(tx);
  },

  /** Every product's keys (to resolve tracked ids and skus, and to leave out postage and fees). */
  async products(db: Executor): Promise<ProductKeys[]> {
    return (await sql<ProductKeys>`select id, external_id, sku, title, categories[1] as category, status from products`.execute(db)).rows;
  },

  /** Customers' countries (the popularity segments of new customers). */
  async countries(db: Executor): Promise<Map<string, string>> {
    const rows = (await sql<{ id: string; country: string }>`select id, country from customers where country is not null and merged_into is null`.execute(db)).rows;
    return new Map(rows.map((r) => [r.id, r.country]));
  },

  /**
   * Every line of every order that was not cancelled and is not in the future, a page of orders at a
   * time (keyset on the order id). Guest orders count under the pseudo-customer `order:<id>`.
   */
  async *orderLines(db: Executor, now: Date): AsyncGenerator<Interaction[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const last = (await sql<{ id: string | null }>`select max(id::text)::uuid as id from (select id from orders where id > ${after}::uuid order by id limit ${PAGE}) x`.execute(db)).rows[0]?.id;
      if (!last) return;
      // One row per order, its products as text: a quarter of the rows and no Date objects to parse.
      const rows = (await sql<{ oid: string; customer_id: string | null; t: number; products: string }>`
        select o.id as oid, o.customer_id, (extract(epoch from o.placed_at) * 1000)::float8 as t, string_agg(l.product_id::text, ',') as products
        from orders o join order_lines l on l.order_id = o.id
        where o.id > ${after}::uuid and o.id <= ${last}::uuid and o.status <> 'cancelled' and o.placed_at <= ${now}
          and l.product_id is not null and l.quantity > 0
        group by o.id, o.customer_id, o.placed_at`.execute(db)).rows;
      const out: Interaction[] = [];
      for (const r of rows) {
        const customer = r.customer_id ?? `order:${r.oid}`;
        for (const product of r.products.split(',')) out.push({ customer, product, t: r.t, kind: 'order', basket: r.oid });
      }
      yield out;
      after = last;
    }
  },

  /** The newest product views and cart adds (product named by the store's id or sku, resolved by `resolve`). */
  async behaviour(db: Executor, now: Date, resolve: (externalId: string | null, sku: string | null) => string | undefined): Promise<Interaction[]> {
    const rows = (await sql<{ customer_id: string; is_add: boolean; t: number; pid: string | null; sku: string | null }>`
      select customer_id, type = 'Product Added' as is_add, (extract(epoch from occurred_at) * 1000)::float8 as t, properties->>'product_id' as pid, properties->>'sku' as sku
      from activities where type in ('Product Viewed', 'Product Added') and occurred_at <= ${now}
      order by occurred_at desc limit ${MAX_BEHAVIOUR}`.execute(db)).rows;
    const out: Interaction[] = [];
    for (const r of rows) {
      const product = resolve(r.pid, r.sku);
      if (product) out.push({ customer: r.customer_id, product, t: r.t, kind: r.is_add ? 'add' : 'view', basket: null });
    }
    return out;
  },

  /** Replaces the lists with a new build's, in the caller's transaction (readers see the old ones until it commits). */
  async replace(tx: Tx, model: RecsModel, keep: (product: string) => boolean): Promise<void> {
    await sql`delete from recs_items`.execute(tx);
    await sql`delete from recs_popular`.execute(tx);
    const rows: RecsItemsTable[] = model.items.filter((i) => keep(i.product)).map((i) => itemRow(i, keep));
    // As json records, skipping a product deleted since the build read the catalogue (its foreign key
    // would fail the whole build); one parameter per chunk instead of eleven per row.
    for (let k = 0; k < rows.length; k += 2000) {
      await sql`
        insert into recs_items (product_id, buyers, orders, repurchase_rate, replenishable, similar_ids, similar_scores, fbt_ids, fbt_support, fbt_confidence, fbt_lift)
        select x.* from jsonb_to_recordset(${JSON.stringify(rows.slice(k, k + 2000))}::jsonb) as x(
          product_id uuid, buyers int, orders int, repurchase_rate real, replenishable boolean, similar_ids uuid[], similar_scores real[],
          fbt_ids uuid[], fbt_support real[], fbt_confidence real[], fbt_lift real[])
        where exists (select 1 from products p where p.id = x.product_id)`.execute(tx);
    }
    const popular: RecsPopularTable[] = [...model.popular].map(([segment, list]) => {
      const kept = list.filter((x) => keep(x.product));
      return { segment, product_ids: kept.map((x) => x.product), scores: kept.map((x) => x.score) };
    }).filter((p) => p.product_ids.length);
    for (let k = 0; k < popular.length; k += 500) await tx.insertInto('recs_popular').values(popular.slice(k, k + 500)).execute();
  },

  async insertModel(tx: Executor, row: RecsModelsTable): Promise<void> {
    await tx.insertInto('recs_models').values({ ...row, stats: JSON.stringify(row.stats), params: JSON.stringify(row.params), evaluation: row.evaluation === null ? null : JSON.stringify(row.evaluation) }).execute();
    await sql`delete from recs_models where id not in (select id from recs_models order by built_at desc limit 30)`.execute(tx);
  },

  async setEvaluation(db: Executor, id: string, evaluation: unknown): Promise<void> {
    await db.updateTable('recs_models').set({ evaluation: JSON.stringify(evaluation) }).where('id', '=', id).execute();
  },

  async latestModel(db: Executor): Promise<RecsModelsTable | undefined> {
    return db.selectFrom('recs_models').selectAll().orderBy('built_at', 'desc').limit(1).executeTakeFirst();
  },

  async models(db: Executor, limit: number): Promise<RecsModelsTable[]> {
    return db.selectFrom('recs_models').selectAll().orderBy('built_at', 'desc').limit(limit).execute();
  },

  /** The lists of the given products (arrays as json: JSON.parse is far quicker than pg's array parser). */
  /** How many products have lists. */
  async itemCount(db: Executor): Promise<number> {
    return (await sql<{ n: number }>`select count(*)::int as n from recs_items`.execute(db)).rows[0]!.n;
  },

  /** Every product's lists, a page at a time in product id order (keyset after `after`). */
  async itemsPage(db: Executor, after: string | null, limit: number): Promise<RecsItemsTable[]> {
    return (await sql<RecsItemsTable>`
      select ${ITEM_COLUMNS} from recs_items ${after ? sql`where product_id > ${after}::uuid` : sql``} order by product_id limit ${limit}`.execute(db)).rows;
  },

  async items(db: Executor, ids: string[]): Promise<RecsItemsTable[]> {
    if (!ids.length) return [];
    return (await sql<RecsItemsTable>`select ${ITEM_COLUMNS} from recs_items where product_id = any(${ids}::uuid[])`.execute(db)).rows;
  },

  async popular(db: Executor, segments: string[]): Promise<Map<string, Neighbour[]>> {
    const rows = (await sql<RecsPopularTable>`
      select segment, to_json(product_ids) as product_ids, to_json(scores) as scores from recs_popular where segment = any(${segments}::text[])`.execute(db)).rows;
    return new Map(rows.map((r) => [r.segment, r.product_ids.map((p, i) => ({ product: p, score: r.scores[i] ?? 0 }))]));
  },

  /** Product cards (title, price, image, link, first category) of the given ids; only active products. */
  async cards(db: Executor, ids: string[]): Promise<Map<string, ProductCard>> {
    if (!ids.length) return new Map();
    const rows = (await sql<ProductCard>`${prepared('recs.cards')}
      select id, title, sku, url, image_url, price, currency, categories[1] as category from products
      where id = any(${uuidArray(ids)}::uuid[]) and status = 'active'`.execute(db)).rows;
    return new Map(rows.map((r) => [r.id, { ...r, price: r.price === null ? null : Number(r.price) }]));
  },


  async customersById(db: Executor, ids: string[]): Promise<{ id: string; country: string | null }[]> {
    return (await sql<{ id: string; country: string | null }>`select id, country from customers where id = any(${ids}::uuid[])`.execute(db)).rows;
  },


  /** Which of the given ids are products. */
  async existing(db: Executor, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await sql<{ id: string }>`select id from products where id = any(${ids}::uuid[])`.execute(db)).rows.map((r) => r.id));
  },

  /**
   * One customer and their latest order lines and views/adds, in one round trip (the API's hot path;
   * the product lists come from the service's cache). Undefined for an unknown customer.
   */
  async customerHistory(db: Executor, customerId: string, now: Date): Promise<{ customer: { id: string; country: string | null }; history: HistoryEntry[] } | undefined> {
    const row = (await sql<{ customer: { id: string; country: string | null } | null; history: { p: string; t: number; k: string }[] | null }>`${prepared('recs.customer-history')}
      with c as (select id, country from customers where id = ${customerId}::uuid),
      lines as (
        select l.product_id as p, (extract(epoch from o.placed_at) * 1000)::float8 as t, 'order' as k
        from orders o join order_lines l on l.order_id = o.id
        where o.customer_id = ${customerId}::uuid and o.status <> 'cancelled' and o.placed_at <= ${now} and l.product_id is not null and l.quantity > 0
        order by o.placed_at desc limit ${HISTORY_LINES}
      ),
      events as (
        select p.id as p, (extract(epoch from a.occurred_at) * 1000)::float8 as t, case a.type when 'Product Added' then 'add' else 'view' end as k
        from (select type, occurred_at, properties from activities
              where customer_id = ${customerId}::uuid and type in ('Product Viewed', 'Product Added') and occurred_at <= ${now}
              order by occurred_at desc limit ${HISTORY_EVENTS}) a
        cross join lateral (
          select p.id from products p
          where p.external_id = a.properties->>'product_id' or (a.properties->>'product_id' is null and p.sku = a.properties->>'sku')
          limit 1
        ) p
      ),
      h as (select * from lines union all select * from events)
      select (select row_to_json(c) from c) as customer, (select json_agg(h) from h) as history`.execute(db)).rows[0];
    if (!row?.customer) return undefined;
    return { customer: row.customer, history: (row.history ?? []).map((e) => ({ product: e.p, t: e.t, kind: e.k as HistoryEntry['kind'] })) };
  },

  /**
   * The customers' latest order lines, views and cart adds (bounded per customer), for scoring.
   * Lines: one index probe per customer on orders_customer_idx; events: activities_customer_time_idx,
   * each resolved to a product by the store's id, else the sku.
   */
  async histories(db: Executor, customerIds: string[], now: Date, limits: { lines: number; events: number } = { lines: HISTORY_LINES, events: HISTORY_EVENTS }): Promise<Map<string, HistoryEntry[]>> {
    const out = new Map<string, HistoryEntry[]>(customerIds.map((c) => [c, []]));
    if (!customerIds.length) return out;
    const [lines, events] = await Promise.all([
      sql<{ customer_id: string; product_id: string; t: Date }>`
        select u.id as customer_id, x.product_id, x.placed_at as t
        from unnest(${customerIds}::uuid[]) as u(id)
        cross join lateral (
          select l.product_id, o.placed_at from orders o join order_lines l on l.order_id = o.id
          where o.customer_id = u.id and o.status <> 'cancelled' and o.placed_at <= ${now} and l.product_id is not null and l.quantity > 0
          order by o.placed_at desc limit ${limits.lines}
        ) x`.execute(db),
      sql<{ customer_id: string; product_id: string; type: string; t: Date }>`
        select u.id as customer_id, p.id as product_id, a.type, a.occurred_at as t
        from unnest(${customerIds}::uuid[]) as u(id)
        cross join lateral (
          select type, occurred_at, properties from activities a
          where a.customer_id = u.id and a.type in ('Product Viewed', 'Product Added') and a.occurred_at <= ${now}
          order by a.occurred_at desc limit ${limits.events}
        ) a
        cross join lateral (
          select p.id from products p
          where p.external_id = a.properties->>'product_id' or (a.properties->>'product_id' is null and p.sku = a.properties->>'sku')
          limit 1
        ) p`.execute(db),
    ]);
    for (const r of lines.rows) out.get(r.customer_id)?.push({ product: r.product_id, t: r.t.getTime(), kind: 'order' });
    for (const r of events.rows) out.get(r.customer_id)?.push({ product: r.product_id, t: r.t.getTime(), kind: r.type === 'Product Added' ? 'add' : 'view' });
    return out;
  },
};

function itemRow(i: ItemModel, keep: (product: string) => boolean): RecsItemsTable {
  const similar = i.similar.filter((n) => keep(n.product));
  const fbt = i.boughtTogether.filter((n) => keep(n.product));
  return {
    product_id: i.product, buyers: i.buyers, orders: i.orders, repurchase_rate: i.repurchaseRate, replenishable: i.replenishable,
    similar_ids: similar.map((n) => n.product), similar_scores: similar.map((n) => n.score),
    fbt_ids: fbt.map((n) => n.product), fbt_support: fbt.map((n) => n.support), fbt_confidence: fbt.map((n) => n.confidence), fbt_lift: fbt.map((n) => n.lift),
  };
}
