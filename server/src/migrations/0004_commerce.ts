import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table products (
      id uuid primary key,
      source text not null,
      external_id text not null,
      title text not null,
      sku text,
      categories text[] not null default '{}',
      price bigint,
      currency text,
      image_url text,
      url text,
      vendor text,
      status text not null default 'active',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source, external_id)
    );
    create index products_title_trgm on products using gin (lower(title) gin_trgm_ops);
    create index products_sku_idx on products (sku);

    create table product_variants (
      id uuid primary key,
      product_id uuid not null references products(id) on delete cascade,
      external_id text not null,
      title text not null,
      sku text,
      price bigint,
      created_at timestamptz not null default now(),
      unique (product_id, external_id)
    );
    create index product_variants_sku_idx on product_variants (sku);

    create table orders (
      id uuid primary key,
      source text not null,
      external_id text not null,
      customer_id uuid references customers(id),
      number text,
      email text,
      status text not null check (status in ('open','completed','cancelled')),
      financial_status text,
      fulfillment_status text,
      currency text not null,
      subtotal bigint not null default 0,
      discount_total bigint not null default 0,
      tax_total bigint not null default 0,
      shipping_total bigint not null default 0,
      total bigint not null,
      refunded_total bigint not null default 0,
      item_count int not null default 0,
      shipping_address jsonb,
      discount_codes text[] not null default '{}',
      placed_at timestamptz not null,
      cancelled_at timestamptz,
      source_updated_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source, external_id)
    );
    create index orders_customer_idx on orders (customer_id, placed_at desc);
    create index orders_placed_idx on orders (placed_at desc, id desc);
    create index orders_number_idx on orders (number);

    create table order_lines (
      id uuid primary key,
      order_id uuid not null references orders(id) on delete cascade,
      position int not null,
      product_id uuid references products(id),
      variant_id uuid references product_variants(id),
      sku text,
      title text not null,
      quantity int not null,
      unit_price bigint not null,
      total bigint not null
    );
    create index order_lines_order_idx on order_lines (order_id, position);
    create index order_lines_product_idx on order_lines (product_id);

    -- Refunds and cancellations. order_id is null when the source does not say which order
    -- (the UCI data's "C" invoices): then customer_id says whose money it was.
    create table refunds (
      id uuid primary key,
      source text not null,
      external_id text not null,
      order_id uuid references orders(id),
      customer_id uuid references customers(id),
      kind text not null check (kind in ('refund','cancellation')),
      amount bigint not null,
      currency text not null,
      reason text,
      lines jsonb not null default '[]'::jsonb,
      refunded_at timestamptz not null,
      created_at timestamptz not null default now(),
      unique (source, external_id)
    );
    create index refunds_order_idx on refunds (order_id);
    create index refunds_customer_idx on refunds (customer_id, refunded_at desc);

    create table carts (
      id uuid primary key,
      source text not null,
      external_id text not null,
      customer_id uuid references customers(id),
      status text not null check (status in ('open','converted','abandoned')),
      currency text,
      value bigint not null default 0,
      items jsonb not null default '[]'::jsonb,
      checkout_url text,
      checkout_started_at timestamptz,
      order_id uuid references orders(id),
      source_updated_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source, external_id)
    );
    create index carts_customer_idx on carts (customer_id, updated_at desc);
    create index carts_status_idx on carts (status, updated_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table carts, refunds, order_lines, orders, product_variants, products`.execute(db);
}
