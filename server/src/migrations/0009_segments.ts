import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table segments (
      id uuid primary key,
      name text not null,
      description text not null default '',
      definition jsonb not null,
      -- Edits so far: every saved change of the definition is kept in segment_versions.
      revision int not null default 1,
      builtin_key text unique,
      status text not null default 'active' check (status in ('active','broken')),
      broken_reason text,
      -- Activity types whose arrival can change a customer's membership (incremental evaluation).
      triggers text[] not null default '{}',
      -- Membership also changes by the passing of time (or with other customers): re-evaluated on a schedule.
      scheduled boolean not null default false,
      size int not null default 0,
      last_computed_at timestamptz,
      last_duration_ms int,
      created_by text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table segment_versions (
      segment_id uuid not null references segments(id) on delete cascade,
      revision int not null,
      definition jsonb not null,
      name text not null,
      actor_label text not null,
      created_at timestamptz not null default now(),
      primary key (segment_id, revision)
    );

    create table segment_members (
      segment_id uuid not null references segments(id) on delete cascade,
      customer_id uuid not null references customers(id),
      entered_at timestamptz not null default now(),
      primary key (segment_id, customer_id)
    );
    create index segment_members_customer_idx on segment_members (customer_id);

    -- One point per segment and store day: size at the end of it, entries and exits during it.
    create table segment_size_history (
      segment_id uuid not null references segments(id) on delete cascade,
      day date not null,
      size int not null,
      entered int not null default 0,
      exited int not null default 0,
      primary key (segment_id, day)
    );

    -- Customers whose membership may have changed, and why (the activity type). Written in the same
    -- transaction as the activity; drained by the segment worker within a second.
    create table segment_dirty (
      customer_id uuid not null,
      reason text not null,
      marked_at timestamptz not null default now(),
      primary key (customer_id, reason)
    );
    create index segment_dirty_marked_idx on segment_dirty (marked_at);

    -- "performed X at least N times in the last D days" over every customer reads (type, time,
    -- customer) only: an index-only scan instead of millions of heap fetches. It also serves
    -- everything the old (type, occurred_at) index did.
    create index activities_type_time_customer_idx on activities (type, occurred_at, customer_id);
    drop index activities_type_time_idx;

    -- Values of custom attributes are free JSON: a date that does not parse is no date, never an error
    -- that stops a whole segment.
    create function patron_try_date(t text) returns date language plpgsql stable as $$
    begin
      return t::date;
    exception when others then
      return null;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function patron_try_date(text);
    create index activities_type_time_idx on activities (type, occurred_at desc);
    drop index activities_type_time_customer_idx;
    drop table segment_dirty, segment_size_history, segment_members, segment_versions, segments;
  `.execute(db);
}
