import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table customers (
      id uuid primary key,
      first_name text,
      last_name text,
      email text,
      phone text,
      birthday date,
      locale text,
      time_zone text,
      country text,
      tags text[] not null default '{}',
      attributes jsonb not null default '{}'::jsonb,
      addresses jsonb not null default '[]'::jsonb,
      source text not null,
      anonymous boolean not null default false,
      merged_into uuid references customers(id),
      order_count int not null default 0,
      total_spent bigint not null default 0,
      refunded bigint not null default 0,
      aov bigint generated always as (case when order_count > 0 then total_spent / order_count end) stored,
      first_order_at timestamptz,
      last_order_at timestamptz,
      last_seen_at timestamptz,
      search_text text generated always as (
        lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- Lists show known, live profiles: partial indexes keep merged and anonymous ones out of the way.
    create index customers_search_trgm on customers using gin (search_text gin_trgm_ops) where merged_into is null;
    create index customers_created_idx on customers (created_at desc, id desc) where merged_into is null and not anonymous;
    create index customers_last_order_idx on customers (last_order_at desc nulls last, id desc) where merged_into is null and not anonymous;
    create index customers_total_spent_idx on customers (total_spent desc, id desc) where merged_into is null and not anonymous;
    create index customers_order_count_idx on customers (order_count desc, id desc) where merged_into is null and not anonymous;
    create index customers_tags_idx on customers using gin (tags) where merged_into is null;
    create index customers_country_idx on customers (country) where merged_into is null;
    create index customers_email_idx on customers (lower(email)) where merged_into is null;

    create table customer_identities (
      id uuid primary key,
      customer_id uuid not null references customers(id) on delete cascade,
      kind text not null check (kind in ('email','phone','external','user_id','anonymous')),
      source text not null default '',
      value text not null,
      verified boolean not null default false,
      created_at timestamptz not null default now(),
      unique (kind, source, value)
    );
    create index customer_identities_customer_idx on customer_identities (customer_id);
    create index customer_identities_value_idx on customer_identities (value);

    create table customer_notes (
      id uuid primary key,
      customer_id uuid not null references customers(id) on delete cascade,
      author_id uuid references users(id) on delete set null,
      author_label text not null,
      body text not null,
      mentions uuid[] not null default '{}',
      created_at timestamptz not null default now()
    );
    create index customer_notes_customer_idx on customer_notes (customer_id, created_at desc);

    create table attribute_definitions (
      key text primary key,
      label text not null,
      type text not null check (type in ('text','number','boolean','date','list')),
      options text[] not null default '{}',
      created_at timestamptz not null default now()
    );

    create table customer_merges (
      id uuid primary key,
      survivor_id uuid not null references customers(id),
      merged_id uuid not null references customers(id),
      reason text not null,
      actor_label text not null,
      moved jsonb not null default '{}'::jsonb,
      chosen jsonb not null default '{}'::jsonb,
      merged_snapshot jsonb not null,
      created_at timestamptz not null default now()
    );
    create index customer_merges_survivor_idx on customer_merges (survivor_id, created_at desc);
    create index customer_merges_merged_idx on customer_merges (merged_id);

    alter table activities add constraint activities_customer_fk foreign key (customer_id) references customers(id);

    create table customer_views (
      id uuid primary key,
      name text not null,
      owner_id uuid references users(id) on delete cascade,
      shared boolean not null default false,
      filters jsonb not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table activities drop constraint activities_customer_fk`.execute(db);
  await sql`drop table customer_views, customer_merges, attribute_definitions, customer_notes, customer_identities, customers`.execute(db);
}
