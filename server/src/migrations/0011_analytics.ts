import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// Analytics keeps rollups of other modules' tables (orders, refunds, carts, activities), which it
// only reads. Everything below except marketing_spend can be rebuilt from those tables at any time
// (POST /api/analytics/rebuild); docs/analytics.md explains each table and how it is kept current.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The rollups' settings and bookkeeping (one row).
    create table analytics_state (
      id int primary key default 1 check (id = 1),
      time_zone text not null,
      currency text not null,
      built_at timestamptz not null,
      -- Rows without a customer (guest orders, refunds, checkouts) changed since then are looked for at the next refresh.
      scan_from timestamptz not null,
      refreshed_at timestamptz not null
    );

    -- Customers whose rollup rows may be out of date: appended in the writing transaction (one statement
    -- per batch of activities), drained by the refresh. Append-only, so writers never wait on each other.
    -- kind 'o': what they bought or were refunded changed (applied before every dashboard read);
    -- 's': only their browsing did (sessions, campaigns: applied by the scheduled refresh).
    create table analytics_dirty (
      id bigserial primary key,
      customer_id uuid not null,
      kind text not null default 'o' check (kind in ('o', 's'))
    );
    create index analytics_dirty_orders_idx on analytics_dirty (id) where kind = 'o';

    -- One row per customer and store day with anything to count. Order days also carry the customer's
    -- previous and next order day and first order day: every distinct-customer figure derives from them.
    create table analytics_customer_days (
      customer_id uuid not null,
      day date not null,
      orders int not null default 0,
      revenue bigint not null default 0,
      refunds bigint not null default 0,
      refund_count int not null default 0,
      checkouts int not null default 0,
      checkouts_converted int not null default 0,
      sessions int not null default 0,
      sessions_converted int not null default 0,
      first_day date,
      prev_day date,
      next_day date,
      primary key (customer_id, day)
    );
    create index analytics_customer_days_day_idx on analytics_customer_days (day) where orders > 0;

    -- A customer's first order and the channel that brought them (first-touch UTM source, else the order's source).
    create table analytics_customers (
      customer_id uuid primary key,
      first_day date not null,
      first_order_at timestamptz not null,
      channel text not null,
      channel_kind text not null check (channel_kind in ('utm', 'order_source'))
    );
    create index analytics_customers_first_idx on analytics_customers (first_day);

    -- Additive facts per store day: identified customers' part (kept by deltas) and guests' part (recomputed per day).
    create table analytics_days (
      day date primary key,
      customer_days int not null default 0,
      customer_orders int not null default 0,
      customer_revenue bigint not null default 0,
      new_customers int not null default 0,
      new_multi int not null default 0,
      refunds bigint not null default 0,
      refund_count int not null default 0,
      checkouts int not null default 0,
      checkouts_converted int not null default 0,
      sessions int not null default 0,
      sessions_converted int not null default 0,
      guest_orders int not null default 0,
      guest_revenue bigint not null default 0,
      guest_refunds bigint not null default 0,
      guest_refund_count int not null default 0,
      guest_checkouts int not null default 0,
      guest_checkouts_converted int not null default 0
    );

    -- Pairs of days (x <= y) counted per kind, at day and month grain: "how many pairs lie inside
    -- [s, t]" then reads a few thousand cells whatever the range. Kinds: G = consecutive order days
    -- of a customer, F = first order day (one order) to the next, R = first order day to an order day.
    create table analytics_pairs (kind text not null, x date not null, y date not null, n bigint not null, amount bigint not null, primary key (kind, x, y));
    create table analytics_pairs_dm (kind text not null, x date not null, ym date not null, n bigint not null, amount bigint not null, primary key (kind, x, ym));
    create table analytics_pairs_md (kind text not null, y date not null, xm date not null, n bigint not null, amount bigint not null, primary key (kind, y, xm));
    create table analytics_pairs_mm (kind text not null, xm date not null, ym date not null, n bigint not null, amount bigint not null, primary key (kind, xm, ym));

    -- Customers of each first-order month who bought in a later month, and what they spent then.
    create table analytics_cohorts (
      first_month date not null,
      month date not null,
      customers int not null,
      revenue bigint not null,
      primary key (first_month, month)
    );

    create table analytics_channel_days (
      day date not null,
      channel text not null,
      new_customers int not null,
      primary key (day, channel)
    );

    -- Order lines per store day and product (recomputed per day), and per month for long ranges.
    create table analytics_product_days (
      day date not null,
      product_key text not null,
      product_id uuid,
      title text not null,
      orders int not null,
      quantity bigint not null,
      revenue bigint not null,
      primary key (day, product_key)
    );
    create table analytics_product_months (
      month date not null,
      product_key text not null,
      product_id uuid,
      title text not null,
      orders int not null,
      quantity bigint not null,
      revenue bigint not null,
      primary key (month, product_key)
    );

    create table analytics_country_days (
      day date not null,
      country text not null,
      orders int not null,
      revenue bigint not null,
      primary key (day, country)
    );

    -- Marketing spend per channel and month, entered by people or imported from CSV (the only table
    -- here that is not derived from others).
    create table marketing_spend (
      id uuid primary key,
      channel text not null,
      month date not null check (extract(day from month) = 1),
      amount bigint not null check (amount >= 0),
      currency text not null,
      note text,
      created_by text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (channel, month)
    );
    create index marketing_spend_month_idx on marketing_spend (month);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table marketing_spend, analytics_country_days, analytics_product_months, analytics_product_days, analytics_channel_days, analytics_cohorts,
    analytics_pairs_mm, analytics_pairs_md, analytics_pairs_dm, analytics_pairs, analytics_days, analytics_customers, analytics_customer_days, analytics_dirty, analytics_state`.execute(db);
}
