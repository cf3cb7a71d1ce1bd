import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Product recommendations (docs/predictions.md, "Recommendations"): lists precomputed by the
    -- nightly (or on-demand) build, so that a request only looks them up. Built from orders, cart adds
    -- and product views; no row here is about one customer.
    create table recs_models (
      id uuid primary key,
      status text not null check (status in ('built', 'empty')),
      trigger text not null,
      built_at timestamptz not null,
      -- The newest interaction learnt from: "recent" and "popular" are counted back from it.
      as_of timestamptz,
      duration_ms int not null,
      stats jsonb not null,
      params jsonb not null,
      -- Backtest on the store's own orders (the last weeks held out): hit-rate, recall, NDCG, coverage
      -- of the recommender beside best-sellers and a plain item-kNN. Null until measured.
      evaluation jsonb
    );
    create index recs_models_built_idx on recs_models (built_at desc);

    -- One row per product of the latest build: its nearest neighbours (item-to-item similarity) and
    -- the products frequently bought with it (association rules), best first, as parallel arrays.
    create table recs_items (
      product_id uuid primary key references products(id) on delete cascade,
      buyers int not null,
      orders int not null,
      repurchase_rate real not null,
      replenishable boolean not null,
      similar_ids uuid[] not null default '{}',
      similar_scores real[] not null default '{}',
      fbt_ids uuid[] not null default '{}',
      fbt_support real[] not null default '{}',
      fbt_confidence real[] not null default '{}',
      fbt_lift real[] not null default '{}'
    );

    -- Best-sellers of the latest build per segment ('all', 'country:GB', …), most popular first.
    create table recs_popular (
      segment text primary key,
      product_ids uuid[] not null,
      scores real[] not null
    );

    -- Tracked events name products by the store's own id (Segment's product_id): requests resolve
    -- a customer's recent views and cart adds through it.
    create index products_external_id_idx on products (external_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists products_external_id_idx; drop table if exists recs_popular, recs_items, recs_models;`.execute(db);
}
